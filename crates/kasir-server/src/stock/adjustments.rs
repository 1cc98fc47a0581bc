//! `POST /stock/adjustments`: stock changed by a delta or set to a counted quantity, as a business
//! operation ([`adjust`]) in the caller's transaction.

use axum::{extract::State, http::StatusCode, response::Response, Extension};
use kasir_domain::{Permission, Quantity, Violations};
use kasir_store::{
    catalog::products::Product,
    crud,
    stock::{
        self,
        warehouses::{Warehouse, WAREHOUSES},
        NewMovement, StockError,
    },
    Scope, Tx,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lines::resolve_item;
use crate::{
    api::{missing, ApiError, JsonBody},
    auth::Principal,
    platform::idempotency::{run_keyed, TxKey},
    state::AppState,
};

/// One line of an adjustment: either a change or a counted quantity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentLineInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    /// Required when the product has variants.
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    /// Add (or, when negative, remove) this quantity.
    #[schema(value_type = Option<f64>)]
    pub quantity_delta: Option<Quantity>,
    /// Set stock to this counted quantity.
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub counted_quantity: Option<Quantity>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAdjustment {
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    /// Why: damaged, expired, stock count, found, …
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    pub note: Option<String>,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<AdjustmentLineInput>,
}

/// A line as applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity_delta: Quantity,
    #[schema(value_type = Option<f64>)]
    pub counted_quantity: Option<Quantity>,
    #[schema(value_type = f64)]
    pub before: Quantity,
    #[schema(value_type = f64)]
    pub after: Quantity,
}

/// A recorded adjustment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Adjustment {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    pub reason: String,
    pub note: Option<String>,
    pub lines: Vec<AdjustmentLine>,
    pub created_at: String,
}

/// A validated line: the product, its variant and what to do.
struct Line {
    product: Product,
    variant_id: Option<String>,
    delta: Option<i64>,
    counted: Option<i64>,
}

#[tracing::instrument(skip_all)]
async fn resolve_lines(tx: &mut Tx, scope: &Scope, raw: &[AdjustmentLineInput]) -> Result<Vec<Line>, ApiError> {
    let mut v = Violations::new();
    if raw.is_empty() || raw.len() > 500 {
        v.add("lines", "must have 1 to 500 lines");
    }
    let mut lines = Vec::new();
    let mut refs = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let prefix = format!("lines[{i}]");
        match (l.quantity_delta, l.counted_quantity) {
            (Some(_), Some(_)) | (None, None) => {
                v.add(&prefix, "needs exactly one of quantity_delta and counted_quantity")
            }
            (Some(d), None) if d.0 == 0 => v.add(format!("{prefix}.quantity_delta"), "must not be zero"),
            (None, Some(c)) if c.0 < 0 => v.add(format!("{prefix}.counted_quantity"), "must not be negative"),
            _ => {}
        }
        let Some((product, variant_id)) =
            resolve_item(tx, scope, &prefix, &l.product_id, l.variant_id.as_deref(), &mut v, &mut refs).await?
        else {
            continue;
        };
        if lines.iter().any(|x: &Line| x.product.id == product.id && x.variant_id == variant_id) {
            v.add(&prefix, "repeats an earlier line for the same product and variant");
        }
        lines.push(Line {
            product,
            variant_id,
            delta: l.quantity_delta.map(|q| q.0),
            counted: l.counted_quantity.map(|q| q.0),
        });
    }
    v.finish().map_err(ApiError::Validation)?;
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    Ok(lines)
}

/// Records adjustment `b` at its warehouse: each line changes stock by its delta, or to its
/// counted quantity.
#[tracing::instrument(skip_all)]
pub async fn adjust(tx: &mut Tx, scope: &Scope, b: CreateAdjustment) -> Result<Adjustment, ApiError> {
    let mut v = Violations::new();
    let reason = v.text("reason", &b.reason, 1, 200);
    let note = v.opt_text("note", b.note.as_deref(), 1000);
    let warehouse_id = kasir_domain::ids::parse_id(&b.warehouse_id);
    if warehouse_id.is_none() {
        v.add("warehouse_id", "must be a UUID");
    }
    v.finish().map_err(ApiError::Validation)?;
    let warehouse: Warehouse = crud::get_in(tx, &WAREHOUSES, scope, warehouse_id.as_deref().unwrap_or(""))
        .await
        .map_err(|e| missing(e, "warehouse_id", "warehouse"))?;
    let lines = resolve_lines(tx, scope, &b.lines).await?;
    let allow_negative = kasir_store::tenancy::tenants::get_in_tx(tx, &scope.tenant_id).await?.allow_negative_stock.0;
    let id = kasir_domain::ids::new_id();
    let mut moves = Vec::new();
    let mut out = Vec::new();
    for line in &lines {
        let delta = match (line.delta, line.counted) {
            (Some(d), _) => d,
            (None, Some(counted)) => {
                let current =
                    stock::lock_level(tx, scope, &warehouse.id, &line.product.id, line.variant_id.as_deref()).await?;
                counted - current
            }
            (None, None) => 0,
        };
        out.push((line, delta));
        if delta != 0 {
            moves.push(NewMovement {
                kind: if line.counted.is_some() { "count" } else { "adjustment" },
                warehouse_id: warehouse.id.clone(),
                product_id: line.product.id.clone(),
                variant_id: line.variant_id.clone(),
                delta,
                unit_cost: Some(line.product.cost),
                reference_type: "stock_adjustment",
                reference_id: id.clone(),
                note: Some(reason.clone()),
            });
        }
    }
    let applied = match stock::apply(tx, scope, allow_negative, moves).await {
        Ok(a) => a,
        Err(StockError::Store(e)) => return Err(e.into()),
        Err(StockError::Shortage(short)) => {
            let index = lines
                .iter()
                .position(|l| l.product.id == short.product_id && l.variant_id == short.variant_id)
                .unwrap_or(0);
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::InsufficientStock,
                message: format!(
                    "lines[{index}]: only {} in stock, {} requested",
                    Quantity(short.available),
                    Quantity(short.requested)
                ),
            });
        }
    };
    let mut result = Vec::new();
    for (line, delta) in out {
        let found = applied.iter().find(|a| a.product_id == line.product.id && a.variant_id == line.variant_id);
        let (before, after) = match found {
            Some(a) => (a.before, a.after),
            None => {
                let q = line.counted.unwrap_or(0);
                (q, q)
            }
        };
        result.push(AdjustmentLine {
            product_id: line.product.id.clone(),
            variant_id: line.variant_id.clone(),
            quantity_delta: Quantity(delta),
            counted_quantity: line.counted.map(Quantity),
            before: Quantity(before),
            after: Quantity(after),
        });
    }
    let lines_json = serde_json::to_value(&result).map_err(|e| ApiError::internal("serialising lines", e))?;
    stock::insert_adjustment(tx, scope, &id, &warehouse.id, &reason, note.as_deref(), &lines_json).await?;
    Ok(Adjustment {
        id,
        warehouse_id: warehouse.id,
        reason,
        note,
        lines: result,
        created_at: kasir_domain::time::now(),
    })
}

pub(super) async fn create(
    State(s): State<AppState>,
    p: Principal,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let scope = p.scope()?;
    let b: CreateAdjustment = body.parse()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::CREATED, async |tx| adjust(tx, &scope, b).await).await
}
