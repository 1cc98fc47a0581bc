//! `/stock`: levels, the movement ledger and adjustments (by delta or by counted quantity).

use axum::{extract::State, response::Response};
use kasir_domain::{FieldError, Permission, Quantity, Violations};
use kasir_store::{
    crud,
    products::{Product, PRODUCTS},
    stock::{self, NewMovement, StockError, StockFilter, StockLevel, StockMovement},
    warehouses::{Warehouse, WAREHOUSES},
    Scope, StoreError, Tx,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::{
        created, ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, JsonBody,
    },
    auth::Principal,
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StockQuery {
    pub warehouse_id: Option<String>,
    pub product_id: Option<String>,
    /// Only levels under their product's low-stock threshold.
    pub low_only: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MovementQuery {
    pub warehouse_id: Option<String>,
    pub product_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/stock",
        levels,
        Op::new("stock", "Stock levels").query::<StockQuery>().ok_list::<StockLevel>().errors(&[404]),
    )
    .route(
        Method::Get,
        "/stock/movements",
        movements,
        Op::new("stock", "The stock ledger, newest first")
            .query::<MovementQuery>()
            .ok_list::<StockMovement>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/stock/adjustments",
        adjust,
        Op::new("stock", "Adjust stock by a change or a counted quantity")
            .body::<CreateAdjustment>()
            .created::<Adjustment>()
            .errors(&[404, 422]),
    )
}

fn missing(field: &str, what: &str) -> ApiError {
    ApiError::MissingRefs(vec![FieldError::new(field, format!("no such {what}"))])
}

/// Resolves query ids to records the caller can see (404 otherwise).
pub(super) async fn filter(
    s: &AppState,
    scope: &Scope,
    warehouse: Option<String>,
    product: Option<String>,
) -> Result<StockFilter, ApiError> {
    let mut f = StockFilter::default();
    if let Some(raw) = warehouse {
        let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("warehouse_id", "must be a UUID"))?;
        crud::get::<Warehouse>(&s.db, &WAREHOUSES, scope, &id)
            .await
            .map_err(|_| missing("warehouse_id", "warehouse"))?;
        f.warehouse_id = Some(id);
    }
    if let Some(raw) = product {
        let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("product_id", "must be a UUID"))?;
        crud::get::<Product>(&s.db, &PRODUCTS, scope, &id).await.map_err(|_| missing("product_id", "product"))?;
        f.product_id = Some(id);
    }
    Ok(f)
}

pub(crate) fn paging(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), ApiError> {
    let mut v = Violations::new();
    let page = v.range("page", page.unwrap_or(1), 1, 1_000_000);
    let per_page = v.range("per_page", per_page.unwrap_or(50), 1, 200);
    v.finish().map_err(ApiError::Validation)?;
    Ok((page, per_page))
}

async fn levels(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<StockQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::StockRead)?;
    let scope = p.scope()?;
    let (page, per_page) = paging(q.page, q.per_page)?;
    let mut f = filter(&s, &scope, q.warehouse_id, q.product_id).await?;
    f.low_only = q.low_only.unwrap_or(false);
    let (items, total) = stock::levels(&s.db, &scope, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

async fn movements(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<MovementQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::StockRead)?;
    let scope = p.scope()?;
    let (page, per_page) = paging(q.page, q.per_page)?;
    let f = filter(&s, &scope, q.warehouse_id, q.product_id).await?;
    let (items, total) = stock::movements(&s.db, &scope, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

/// A validated line: the product, its variant and what to do.
struct Line {
    product: Product,
    variant_id: Option<String>,
    delta: Option<i64>,
    counted: Option<i64>,
}

/// Resolves one line's product and variant: field errors into `v`, unknown ids into `refs`
/// (answered 404). `None` when the line cannot be used.
pub async fn resolve_item(
    tx: &mut Tx,
    scope: &Scope,
    prefix: &str,
    product_id: &str,
    variant_id: Option<&str>,
    v: &mut Violations,
    refs: &mut Vec<FieldError>,
) -> Result<Option<(Product, Option<String>)>, ApiError> {
    let field = |name: &str| format!("{prefix}.{name}");
    let Some(product_id) = kasir_domain::ids::parse_id(product_id) else {
        v.add(field("product_id"), "must be a UUID");
        return Ok(None);
    };
    let product = match crud::get_in::<Product>(tx, &PRODUCTS, scope, &product_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => {
            refs.push(FieldError::new(field("product_id"), "no such product"));
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if !product.track_stock.0 {
        v.add(field("product_id"), "this product does not track stock");
    }
    let variant_id = match (variant_id, product.variants.0.is_empty()) {
        (None, false) => {
            v.add(field("variant_id"), "this product has variants: choose one");
            None
        }
        (None, true) => None,
        (Some(raw), _) => match kasir_domain::ids::parse_id(raw) {
            Some(id) if product.variants.0.iter().any(|x| x.id == id) => Some(id),
            Some(_) => {
                refs.push(FieldError::new(field("variant_id"), "no such variant of this product"));
                None
            }
            None => {
                v.add(field("variant_id"), "must be a UUID");
                None
            }
        },
    };
    Ok(Some((product, variant_id)))
}

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

async fn adjust(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let scope = p.scope()?;
    let b: CreateAdjustment = body.parse()?;
    let mut v = Violations::new();
    let reason = v.text("reason", &b.reason, 1, 200);
    let note = v.opt_text("note", b.note.as_deref(), 1000);
    let warehouse_id = kasir_domain::ids::parse_id(&b.warehouse_id);
    if warehouse_id.is_none() {
        v.add("warehouse_id", "must be a UUID");
    }
    v.finish().map_err(ApiError::Validation)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let warehouse: Warehouse = crud::get_in(&mut tx, &WAREHOUSES, &scope, warehouse_id.as_deref().unwrap_or(""))
        .await
        .map_err(|_| missing("warehouse_id", "warehouse"))?;
    let lines = resolve_lines(&mut tx, &scope, &b.lines).await?;
    let allow_negative = kasir_store::tenants::get_in_tx(&mut tx, &scope.tenant_id).await?.allow_negative_stock.0;
    let id = kasir_domain::ids::new_id();
    let mut moves = Vec::new();
    let mut out = Vec::new();
    for line in &lines {
        let delta = match (line.delta, line.counted) {
            (Some(d), _) => d,
            (None, Some(counted)) => {
                let current =
                    stock::lock_level(&mut tx, &scope, &warehouse.id, &line.product.id, line.variant_id.as_deref())
                        .await?;
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
    let applied = match stock::apply(&mut tx, &scope, allow_negative, moves).await {
        Ok(a) => a,
        Err(StockError::Store(e)) => return Err(e.into()),
        Err(StockError::Shortage(short)) => {
            let index = lines
                .iter()
                .position(|l| l.product.id == short.product_id && l.variant_id == short.variant_id)
                .unwrap_or(0);
            return Err(ApiError::Rule {
                code: "insufficient_stock",
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
    stock::insert_adjustment(&mut tx, &scope, &id, &warehouse.id, &reason, note.as_deref(), &lines_json).await?;
    tx.commit().await?;
    Ok(created(Adjustment {
        id,
        warehouse_id: warehouse.id,
        reason,
        note,
        lines: result,
        created_at: kasir_domain::time::now(),
    }))
}

/// What arrived of one product/variant, in a receipt of a transfer or a purchase.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// How much of each document line arrives now. `lines` are the document's (product, variant,
/// still outstanding); without a `receipt` everything outstanding arrives, otherwise the receipt's
/// quantities, matched by product and variant. Exceeding what is outstanding is the caller's check.
pub fn arriving(
    lines: &[(&str, Option<&str>, i64)],
    receipt: Option<&[ReceiptLine]>,
    document: &str,
) -> Result<Vec<i64>, ApiError> {
    let Some(receipt) = receipt else {
        return Ok(lines.iter().map(|(_, _, outstanding)| *outstanding).collect());
    };
    let mut arriving = vec![0; lines.len()];
    let mut v = Violations::new();
    for (i, r) in receipt.iter().enumerate() {
        let product = kasir_domain::ids::parse_id(&r.product_id).unwrap_or_default();
        let variant = r.variant_id.as_deref().and_then(kasir_domain::ids::parse_id);
        match lines.iter().position(|(p, var, _)| *p == product && *var == variant.as_deref()) {
            None => v.add(format!("lines[{i}]"), format!("is not a line of this {document}")),
            Some(_) if r.quantity.0 <= 0 => v.add(format!("lines[{i}].quantity"), "must be greater than 0"),
            Some(k) => arriving[k] += r.quantity.0,
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    Ok(arriving)
}
