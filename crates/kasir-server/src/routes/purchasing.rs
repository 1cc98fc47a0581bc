//! `/suppliers`, `/purchases` and `/purchase-returns`. Receipts add stock at the line's unit cost
//! and keep each product's (or variant's) cost as a moving average; returns take stock back out.

use std::collections::BTreeMap;

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::{
    purchase::{moving_average_cost, PurchaseAction, PurchaseStatus},
    validation as val, Permission, Quantity, Violations,
};
use kasir_store::{
    crud::{self, ResourceDef},
    products::{Product, PRODUCTS},
    purchasing::{
        self, line_value, Purchase, PurchaseLine, PurchaseReturn, ReturnLine, Supplier, PURCHASES, PURCHASE_RETURNS,
        SUPPLIERS,
    },
    stock::{self, NewMovement, StockError},
    warehouses::{Warehouse, WAREHOUSES},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use kasir_domain::MAX_MONEY;

use super::{
    resource::{expected_version, find_ref, new_record_id, nullable, NoUpdate, Resource},
    stock::{arriving, resolve_item, ReceiptLine},
};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        parse_if_match, ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

pub struct Suppliers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSupplier {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupplier {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

fn email(v: &mut Violations, raw: Option<&str>) -> Value {
    Value::Text(raw.filter(|e| !e.trim().is_empty()).and_then(|e| v.parsed("email", val::parse_email(e))))
}

impl Resource for Suppliers {
    type Record = Supplier;
    type Create = CreateSupplier;
    type Update = UpdateSupplier;
    const DEF: &'static ResourceDef = &SUPPLIERS;
    const PATH: &'static str = "/suppliers";
    const TAG: &'static str = "purchasing";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateSupplier) -> Result<Supplier, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let values = vec![
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("contact_name", Value::Text(v.opt_text("contact_name", b.contact_name.as_deref(), 100))),
            ("phone", Value::Text(v.opt_text("phone", b.phone.as_deref(), 30))),
            ("email", email(&mut v, b.email.as_deref())),
            ("address", Value::Text(v.opt_text("address", b.address.as_deref(), 300))),
            ("notes", Value::Text(v.opt_text("notes", b.notes.as_deref(), 1000))),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &SUPPLIERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Supplier,
        version: Option<i64>,
        b: UpdateSupplier,
    ) -> Result<Supplier, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(n) = &b.name {
            let n = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(n.to_lowercase())));
            values.push(("name", Value::from(n)));
        }
        for (field, value, max) in [
            ("contact_name", &b.contact_name, 100),
            ("phone", &b.phone, 30),
            ("address", &b.address, 300),
            ("notes", &b.notes, 1000),
        ] {
            if let Some(value) = value {
                values.push((field, Value::Text(v.opt_text(field, value.as_deref(), max))));
            }
        }
        if let Some(e) = &b.email {
            values.push(("email", email(&mut v, e.as_deref())));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &SUPPLIERS, scope, &c.id, version, &values).await?)
    }
}

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

async fn supplier(tx: &mut Tx, scope: &Scope, raw: &str) -> Result<Supplier, ApiError> {
    find_ref(tx, &SUPPLIERS, scope, "supplier_id", raw, "record").await
}

async fn warehouse(tx: &mut Tx, scope: &Scope, raw: &str) -> Result<Warehouse, ApiError> {
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

fn not_allowed(status: &str, what: &str) -> ApiError {
    ApiError::Rule { code: "invalid_transition", message: format!("a {status} purchase cannot be {what}") }
}

fn require(p: &Purchase, action: PurchaseAction, what: &str) -> Result<(), ApiError> {
    if PurchaseStatus::parse(&p.status).is_some_and(|s| s.allows(action)) {
        Ok(())
    } else {
        Err(not_allowed(&p.status, what))
    }
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

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let act =
        |summary: &str| Op::new("purchasing", summary).path_id("id").if_match().ok::<Purchase>().errors(&[409, 422]);
    let mut api = super::resource::routes::<Suppliers>(api);
    api = super::resource::routes::<Purchases>(api);
    api = super::resource::routes::<Returns>(api);
    api.route(
        Method::Post,
        "/purchases/{id}/order",
        order,
        act("Place a draft purchase with the supplier").body::<PurchaseAct>(),
    )
    .route(
        Method::Post,
        "/purchases/{id}/receive",
        receive,
        act("Receive all or part of a draft or ordered purchase: stock arrives at unit cost").body::<ReceivePurchase>(),
    )
    .route(
        Method::Post,
        "/purchases/{id}/cancel",
        cancel,
        act("Cancel a purchase before any of it arrives").body::<PurchaseAct>(),
    )
}

async fn begin(s: &AppState, p: &Principal, id: &str) -> Result<(Tx, Scope, Purchase), ApiError> {
    p.require(Permission::StockManage)?;
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let purchase: Purchase = crud::get_in(&mut tx, &PURCHASES, &scope, id).await?;
    Ok((tx, scope, purchase))
}

/// Moves a purchase to `to` when its status allows `action`.
async fn transition(
    s: &AppState,
    p: &Principal,
    id: &str,
    headers: &HeaderMap,
    body: &JsonBody,
    action: PurchaseAction,
    to: PurchaseStatus,
) -> Result<Response, ApiError> {
    let (mut tx, scope, purchase) = begin(s, p, id).await?;
    let b: PurchaseAct = body.parse_or_default()?;
    let version = expected_version(parse_if_match(headers)?, b.version)?;
    let what = if to == PurchaseStatus::Cancelled { "cancelled" } else { "ordered" };
    require(&purchase, action, what)?;
    let mut values = vec![("status", Value::from(to.as_str()))];
    if to == PurchaseStatus::Ordered {
        values.push(("ordered_at", Value::from(kasir_domain::time::now())));
    }
    let purchase: Purchase = crud::update(&mut tx, &PURCHASES, &scope, &purchase.id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(purchase))
}

async fn order(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    transition(&s, &p, &id, &headers, &body, PurchaseAction::Order, PurchaseStatus::Ordered).await
}

async fn cancel(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    transition(&s, &p, &id, &headers, &body, PurchaseAction::Cancel, PurchaseStatus::Cancelled).await
}

async fn receive(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (mut tx, scope, purchase) = begin(&s, &p, &id).await?;
    let b: ReceivePurchase = body.parse_or_default()?;
    let version = expected_version(parse_if_match(&headers)?, b.version)?;
    require(&purchase, PurchaseAction::Receive, "received")?;
    let mut lines = purchase.lines.0.clone();
    let outstanding: Vec<_> = lines
        .iter()
        .map(|l| (l.product_id.as_str(), l.variant_id.as_deref(), l.quantity.0 - l.received_quantity.0))
        .collect();
    let arriving = arriving(&outstanding, b.lines.as_deref(), "purchase")?;
    if lines.iter().zip(&arriving).any(|(l, a)| l.received_quantity.0 + a > l.quantity.0) {
        return Err(ApiError::Rule {
            code: "receive_exceeds_purchase",
            message: "more would arrive than was ordered".into(),
        });
    }
    // Costs first, from the stock on hand before this receipt.
    let mut products: BTreeMap<String, Product> = BTreeMap::new();
    for (l, a) in lines.iter().zip(&arriving) {
        if *a <= 0 {
            continue;
        }
        let on_hand = purchasing::on_hand(&mut tx, &scope.tenant_id, &l.product_id, l.variant_id.as_deref()).await?;
        if !products.contains_key(&l.product_id) {
            let product: Product = crud::get_in(&mut tx, &PRODUCTS, &scope, &l.product_id).await?;
            products.insert(l.product_id.clone(), product);
        }
        let Some(product) = products.get_mut(&l.product_id) else { continue };
        match &l.variant_id {
            Some(vid) => {
                let base = product.cost;
                if let Some(variant) = product.variants.0.iter_mut().find(|x| &x.id == vid) {
                    variant.cost = Some(moving_average_cost(on_hand, variant.cost.unwrap_or(base), *a, l.unit_cost));
                }
            }
            None => product.cost = moving_average_cost(on_hand, product.cost, *a, l.unit_cost),
        }
    }
    for product in products.values() {
        let values = [("cost", Value::from(product.cost)), ("variants", Value::json(&product.variants.0))];
        let _: Product = crud::update(&mut tx, &PRODUCTS, &scope, &product.id, None, &values).await?;
    }
    let mut moves = Vec::new();
    for (l, a) in lines.iter_mut().zip(&arriving) {
        if *a > 0 {
            moves.push(NewMovement {
                kind: "purchase",
                warehouse_id: purchase.warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: *a,
                unit_cost: Some(l.unit_cost),
                reference_type: "purchase",
                reference_id: purchase.id.clone(),
                note: None,
            });
            l.received_quantity = Quantity(l.received_quantity.0 + a);
        }
    }
    stock::apply(&mut tx, &scope, true, moves).await.map_err(|e| match e {
        StockError::Store(e) => ApiError::from(e),
        StockError::Shortage(_) => ApiError::internal("receiving a purchase", "a receipt cannot run short"),
    })?;
    let complete = lines.iter().all(|l| l.received_quantity.0 >= l.quantity.0);
    let status = if complete { PurchaseStatus::Received } else { PurchaseStatus::PartiallyReceived };
    let mut values = vec![("status", Value::from(status.as_str())), ("lines", Value::json(&lines))];
    if complete {
        values.push(("received_at", Value::from(kasir_domain::time::now())));
    }
    // A draft received straight away (goods bought at the door) counts as ordered then too.
    if purchase.ordered_at.is_none() {
        values.push(("ordered_at", Value::from(kasir_domain::time::now())));
    }
    let purchase: Purchase = crud::update(&mut tx, &PURCHASES, &scope, &purchase.id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(purchase))
}

pub struct Returns;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Defaults to the purchase line's unit cost, or the product's cost.
    #[schema(minimum = 0)]
    pub unit_cost: Option<i64>,
}

/// Goods sent back to a supplier: from a purchase (never more than received minus returned), or
/// on their own with a supplier and a warehouse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReturn {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub purchase_id: Option<String>,
    #[schema(format = Uuid)]
    pub supplier_id: Option<String>,
    #[schema(format = Uuid)]
    pub warehouse_id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<ReturnLineInput>,
}

impl Resource for Returns {
    type Record = PurchaseReturn;
    type Create = CreateReturn;
    type Update = NoUpdate;
    const DEF: &'static ResourceDef = &PURCHASE_RETURNS;
    const PATH: &'static str = "/purchase-returns";
    const TAG: &'static str = "purchasing";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;
    const EDITABLE: bool = false;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateReturn) -> Result<PurchaseReturn, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let reason = v.text("reason", &b.reason, 1, 200);
        if b.lines.is_empty() || b.lines.len() > 500 {
            v.add("lines", "must have 1 to 500 lines");
        }
        if b.purchase_id.is_none() && (b.supplier_id.is_none() || b.warehouse_id.is_none()) {
            v.add("purchase_id", "give a purchase, or a supplier and a warehouse");
        }
        v.finish().map_err(ApiError::Validation)?;
        let mut purchase: Option<Purchase> = None;
        if let Some(raw) = &b.purchase_id {
            purchase = Some(find_ref(tx, &PURCHASES, scope, "purchase_id", raw, "record").await?);
        }
        let supplier_id = match (&purchase, &b.supplier_id) {
            (Some(p), _) => p.supplier_id.clone(),
            (None, Some(raw)) => supplier(tx, scope, raw).await?.id,
            (None, None) => String::new(),
        };
        let (warehouse_id, outlet_id) = match (&purchase, &b.warehouse_id) {
            (Some(p), _) => (p.warehouse_id.clone(), p.outlet_id.clone()),
            (None, Some(raw)) => {
                let w = warehouse(tx, scope, raw).await?;
                (w.id, w.outlet_id)
            }
            (None, None) => (String::new(), None),
        };
        let mut v = Violations::new();
        let mut refs = Vec::new();
        let mut lines: Vec<ReturnLine> = Vec::new();
        let mut purchase_lines = purchase.as_ref().map(|p| p.lines.0.clone()).unwrap_or_default();
        for (i, l) in b.lines.iter().enumerate() {
            let prefix = format!("lines[{i}]");
            if l.quantity.0 <= 0 {
                v.add(format!("{prefix}.quantity"), "must be greater than 0");
            }
            let Some((product, variant_id)) =
                resolve_item(tx, scope, &prefix, &l.product_id, l.variant_id.as_deref(), &mut v, &mut refs).await?
            else {
                continue;
            };
            let mut unit_cost = l.unit_cost.unwrap_or(product.cost);
            if purchase.is_some() {
                match purchase_lines.iter_mut().find(|pl| pl.product_id == product.id && pl.variant_id == variant_id) {
                    None => v.add(&prefix, "is not a line of this purchase"),
                    Some(pl) => {
                        if pl.returned_quantity.0 + l.quantity.0 > pl.received_quantity.0 {
                            return Err(ApiError::Rule {
                                code: "return_exceeds_purchase",
                                message: format!(
                                    "{prefix}: only {} received and not yet returned",
                                    Quantity(pl.received_quantity.0 - pl.returned_quantity.0)
                                ),
                            });
                        }
                        pl.returned_quantity = Quantity(pl.returned_quantity.0 + l.quantity.0);
                        unit_cost = l.unit_cost.unwrap_or(pl.unit_cost);
                    }
                }
            }
            v.range(&format!("{prefix}.unit_cost"), unit_cost, 0, MAX_MONEY);
            lines.push(ReturnLine { product_id: product.id, variant_id, quantity: l.quantity, unit_cost });
        }
        v.finish().map_err(ApiError::Validation)?;
        if !refs.is_empty() {
            return Err(ApiError::MissingRefs(refs));
        }
        let allow_negative = kasir_store::tenants::get_in_tx(tx, &scope.tenant_id).await?.allow_negative_stock.0;
        let moves = lines
            .iter()
            .map(|l| NewMovement {
                kind: "purchase_return",
                warehouse_id: warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: -l.quantity.0,
                unit_cost: Some(l.unit_cost),
                reference_type: "purchase_return",
                reference_id: id.clone(),
                note: Some(reason.clone()),
            })
            .collect();
        stock::apply(tx, scope, allow_negative, moves).await.map_err(|e| match e {
            StockError::Store(e) => ApiError::from(e),
            StockError::Shortage(s) => ApiError::Rule {
                code: "insufficient_stock",
                message: format!("only {} in stock, {} to return", Quantity(s.available), Quantity(s.requested)),
            },
        })?;
        if let Some(p) = &purchase {
            let values = [("lines", Value::json(&purchase_lines))];
            let _: Purchase = crud::update(tx, &PURCHASES, scope, &p.id, None, &values).await?;
        }
        let values = lines.iter().map(|l| line_value(l.quantity, l.unit_cost)).collect::<Result<Vec<_>, _>>()?;
        let total_cost = kasir_domain::money::sum(values)?;
        let values = [
            ("purchase_id", Value::Text(purchase.map(|p| p.id))),
            ("supplier_id", Value::from(supplier_id)),
            ("warehouse_id", Value::from(warehouse_id)),
            ("outlet_id", Value::Text(outlet_id)),
            ("reason", Value::from(reason)),
            ("lines", Value::json(&lines)),
            ("total_cost", Value::from(total_cost)),
        ];
        Ok(crud::create(tx, &PURCHASE_RETURNS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        _tx: &mut Tx,
        _s: &Scope,
        _c: PurchaseReturn,
        _v: Option<i64>,
        _b: NoUpdate,
    ) -> Result<PurchaseReturn, ApiError> {
        Err(ApiError::Rule { code: "invalid_transition", message: "purchase returns cannot be changed".into() })
    }
}
