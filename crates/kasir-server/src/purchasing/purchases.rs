//! `/purchases`: orders to suppliers, from draft to ordered to received (in parts or at once) or
//! cancelled.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    Extension,
};
use kasir_domain::{
    purchase::{PurchaseAction, PurchaseStatus},
    Permission, Quantity, Violations,
};
use kasir_store::{
    crud::{self, ResourceDef},
    purchasing::{line_value, Purchase, PurchaseLine, Supplier, PURCHASES, SUPPLIERS},
    stock::warehouses::{Warehouse, WAREHOUSES},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use kasir_domain::MAX_MONEY;

use crate::{
    api::resource::{expected_version, find_ref, new_record_id, nullable, Resource},
    stock::lines::{resolve_item, ReceiptLine},
};
use crate::{
    api::{ok, parse_if_match, ApiError, IdPath, JsonBody},
    auth::Principal,
    platform::idempotency::{run_keyed, TxKey},
    state::AppState,
};

use super::receiving::{self, require};

pub struct Purchases;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseLineInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Minor units per unit.
    #[schema(minimum = 0)]
    pub unit_cost: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePurchase {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub supplier_id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<PurchaseLineInput>,
    pub note: Option<String>,
}

/// Changes to a draft purchase.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePurchase {
    #[schema(format = Uuid)]
    pub supplier_id: Option<String>,
    #[schema(format = Uuid)]
    pub warehouse_id: Option<String>,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Option<Vec<PurchaseLineInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
    pub version: Option<i64>,
}

pub(super) async fn supplier(tx: &mut Tx, scope: &Scope, raw: &str) -> Result<Supplier, ApiError> {
    find_ref(tx, &SUPPLIERS, scope, "supplier_id", raw, "record").await
}

pub(super) async fn warehouse(tx: &mut Tx, scope: &Scope, raw: &str) -> Result<Warehouse, ApiError> {
    find_ref(tx, &WAREHOUSES, scope, "warehouse_id", raw, "record").await
}

async fn purchase_lines(tx: &mut Tx, scope: &Scope, raw: &[PurchaseLineInput]) -> Result<Vec<PurchaseLine>, ApiError> {
    let mut v = Violations::new();
    if raw.is_empty() || raw.len() > 500 {
        v.add("lines", "must have 1 to 500 lines");
    }
    let mut refs = Vec::new();
    let mut lines: Vec<PurchaseLine> = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let prefix = format!("lines[{i}]");
        if l.quantity.0 <= 0 {
            v.add(format!("{prefix}.quantity"), "must be greater than 0");
        }
        v.range(&format!("{prefix}.unit_cost"), l.unit_cost, 0, MAX_MONEY);
        let Some((product, variant_id)) =
            resolve_item(tx, scope, &prefix, &l.product_id, l.variant_id.as_deref(), &mut v, &mut refs).await?
        else {
            continue;
        };
        if lines.iter().any(|x| x.product_id == product.id && x.variant_id == variant_id) {
            v.add(&prefix, "repeats an earlier line for the same product and variant");
        }
        lines.push(PurchaseLine {
            product_id: product.id,
            variant_id,
            quantity: l.quantity,
            unit_cost: l.unit_cost,
            received_quantity: Quantity::ZERO,
            returned_quantity: Quantity::ZERO,
        });
    }
    v.finish().map_err(ApiError::Validation)?;
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    Ok(lines)
}

/// What the lines cost in all (422 `amount_too_large` past the money bound).
fn total(lines: &[PurchaseLine]) -> Result<i64, ApiError> {
    let values = lines.iter().map(|l| line_value(l.quantity, l.unit_cost)).collect::<Result<Vec<_>, _>>()?;
    Ok(kasir_domain::money::sum(values)?)
}

impl Resource for Purchases {
    type Record = Purchase;
    type Create = CreatePurchase;
    type Update = UpdatePurchase;
    const DEF: &'static ResourceDef = &PURCHASES;
    const PATH: &'static str = "/purchases";
    const TAG: &'static str = "purchasing";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePurchase) -> Result<Purchase, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let note = v.opt_text("note", b.note.as_deref(), 1000);
        v.finish().map_err(ApiError::Validation)?;
        let supplier = supplier(tx, scope, &b.supplier_id).await?;
        let warehouse = warehouse(tx, scope, &b.warehouse_id).await?;
        let lines = purchase_lines(tx, scope, &b.lines).await?;
        let values = [
            ("supplier_id", Value::from(supplier.id)),
            ("warehouse_id", Value::from(warehouse.id)),
            ("outlet_id", Value::Text(warehouse.outlet_id)),
            ("status", Value::from(PurchaseStatus::Draft.as_str())),
            ("total_cost", Value::from(total(&lines)?)),
            ("lines", Value::json(&lines)),
            ("note", Value::Text(note)),
            ("ordered_at", Value::Text(None)),
            ("received_at", Value::Text(None)),
        ];
        Ok(crud::create(tx, &PURCHASES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Purchase,
        version: Option<i64>,
        b: UpdatePurchase,
    ) -> Result<Purchase, ApiError> {
        require(&c, PurchaseAction::Edit, "changed")?;
        let version = expected_version(version, b.version)?;
        let mut values = Vec::new();
        if let Some(raw) = &b.supplier_id {
            values.push(("supplier_id", Value::from(supplier(tx, scope, raw).await?.id)));
        }
        if let Some(raw) = &b.warehouse_id {
            let w = warehouse(tx, scope, raw).await?;
            values.push(("warehouse_id", Value::from(w.id)));
            values.push(("outlet_id", Value::Text(w.outlet_id)));
        }
        if let Some(raw) = &b.lines {
            let lines = purchase_lines(tx, scope, raw).await?;
            values.push(("total_cost", Value::from(total(&lines)?)));
            values.push(("lines", Value::json(&lines)));
        }
        if let Some(n) = &b.note {
            let mut v = Violations::new();
            values.push(("note", Value::Text(v.opt_text("note", n.as_deref(), 1000))));
            v.finish().map_err(ApiError::Validation)?;
        }
        Ok(crud::update(tx, &PURCHASES, scope, &c.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Purchase,
        version: Option<i64>,
    ) -> Result<Purchase, ApiError> {
        require(&c, PurchaseAction::Edit, "deleted (cancel it instead)")?;
        Ok(crud::soft_delete(tx, &PURCHASES, scope, &c.id, version).await?)
    }
}

/// Order or cancel.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseAct {
    pub version: Option<i64>,
}

/// A receipt. Without `lines`, everything still outstanding arrives.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceivePurchase {
    pub lines: Option<Vec<ReceiptLine>>,
    pub version: Option<i64>,
}

/// Orders or cancels a purchase.
async fn transition(
    s: &AppState,
    p: &Principal,
    id: &str,
    headers: &HeaderMap,
    body: &JsonBody,
    action: PurchaseAction,
    to: PurchaseStatus,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let scope = p.scope()?;
    let b: PurchaseAct = body.parse_or_default()?;
    let version = expected_version(parse_if_match(headers)?, b.version)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let purchase = receiving::transition(&mut tx, &scope, id, version, action, to).await?;
    tx.commit().await?;
    Ok(ok(purchase))
}

pub(super) async fn order(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    transition(&s, &p, &id, &headers, &body, PurchaseAction::Order, PurchaseStatus::Ordered).await
}

pub(super) async fn cancel(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    transition(&s, &p, &id, &headers, &body, PurchaseAction::Cancel, PurchaseStatus::Cancelled).await
}

pub(super) async fn receive(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let scope = p.scope()?;
    let b: ReceivePurchase = body.parse_or_default()?;
    let version = expected_version(parse_if_match(&headers)?, b.version)?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        receiving::receive(tx, &scope, &id, version, b.lines.as_deref()).await
    })
    .await
}
