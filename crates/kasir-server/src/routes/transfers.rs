//! `/stock/transfers`: moving stock between warehouses. Created, then sent (stock leaves the
//! source), then received in one or more receipts (stock arrives); cancelled only before sending.

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::{
    transfer::{after_receipt, TransferAction, TransferStatus},
    Permission, Quantity, Violations,
};
use kasir_store::{
    crud::{self, ResourceDef},
    stock::{self, NewMovement, StockError},
    transfers::{StockTransfer, TransferLine, STOCK_TRANSFERS},
    warehouses::{Warehouse, WAREHOUSES},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    resource::{find_ref, new_record_id, NoUpdate, Resource},
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

pub struct Transfers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferLineInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64, minimum = 0)]
    pub quantity: Quantity,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransfer {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// A warehouse the caller can see.
    #[schema(format = Uuid)]
    pub from_warehouse_id: String,
    /// Any warehouse of the tenant.
    #[schema(format = Uuid)]
    pub to_warehouse_id: String,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<TransferLineInput>,
    pub note: Option<String>,
}

/// A receipt: what arrived. Without `lines`, everything still outstanding arrives.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveTransfer {
    pub lines: Option<Vec<ReceiptLine>>,
    pub version: Option<i64>,
}

/// Send or cancel.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferAct {
    pub version: Option<i64>,
}

fn not_allowed(t: &StockTransfer, what: &str) -> ApiError {
    ApiError::Rule { code: "invalid_transition", message: format!("a {} transfer cannot be {what}", t.status) }
}

impl Resource for Transfers {
    type Record = StockTransfer;
    type Create = CreateTransfer;
    type Update = NoUpdate;
    const DEF: &'static ResourceDef = &STOCK_TRANSFERS;
    const PATH: &'static str = "/stock/transfers";
    const TAG: &'static str = "stock";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;
    const EDITABLE: bool = false;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateTransfer) -> Result<StockTransfer, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let note = v.opt_text("note", b.note.as_deref(), 1000);
        if b.lines.is_empty() || b.lines.len() > 500 {
            v.add("lines", "must have 1 to 500 lines");
        }
        v.finish().map_err(ApiError::Validation)?;
        let from: Warehouse =
            find_ref(tx, &WAREHOUSES, scope, "from_warehouse_id", &b.from_warehouse_id, "warehouse").await?;
        // The destination may be another outlet's: look it up tenant-wide.
        let tenant = Scope::tenant(&scope.tenant_id);
        let to: Warehouse =
            find_ref(tx, &WAREHOUSES, &tenant, "to_warehouse_id", &b.to_warehouse_id, "warehouse").await?;
        let mut v = Violations::new();
        if from.id == to.id {
            v.add("to_warehouse_id", "must differ from from_warehouse_id");
        }
        let mut refs = Vec::new();
        let mut lines: Vec<TransferLine> = Vec::new();
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
            if lines.iter().any(|x| x.product_id == product.id && x.variant_id == variant_id) {
                v.add(&prefix, "repeats an earlier line for the same product and variant");
            }
            lines.push(TransferLine {
                product_id: product.id,
                variant_id,
                quantity: l.quantity,
                received_quantity: Quantity::ZERO,
            });
        }
        v.finish().map_err(ApiError::Validation)?;
        if !refs.is_empty() {
            return Err(ApiError::MissingRefs(refs));
        }
        let values = [
            ("from_warehouse_id", Value::from(from.id)),
            ("to_warehouse_id", Value::from(to.id)),
            ("from_outlet_id", Value::Text(from.outlet_id)),
            ("to_outlet_id", Value::Text(to.outlet_id)),
            ("status", Value::from(TransferStatus::Created.as_str())),
            ("lines", Value::json(&lines)),
            ("note", Value::Text(note)),
            ("sent_at", Value::Text(None)),
            ("received_at", Value::Text(None)),
        ];
        Ok(crud::create(tx, &STOCK_TRANSFERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        _tx: &mut Tx,
        _s: &Scope,
        _c: StockTransfer,
        _v: Option<i64>,
        _b: NoUpdate,
    ) -> Result<StockTransfer, ApiError> {
        Err(ApiError::Rule {
            code: "invalid_transition",
            message: "transfers change only by send, receive or cancel".into(),
        })
    }
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let act =
        |summary: &str| Op::new("stock", summary).path_id("id").if_match().ok::<StockTransfer>().errors(&[409, 422]);
    super::resource::routes::<Transfers>(api)
        .route(
            Method::Post,
            "/stock/transfers/{id}/send",
            send,
            act("Send a transfer: stock leaves the source").body::<TransferAct>(),
        )
        .route(
            Method::Post,
            "/stock/transfers/{id}/receive",
            receive,
            act("Receive all or part of a sent transfer: stock arrives at the destination").body::<ReceiveTransfer>(),
        )
        .route(
            Method::Post,
            "/stock/transfers/{id}/cancel",
            cancel,
            act("Cancel a transfer that was not sent").body::<TransferAct>(),
        )
}

/// Loads the transfer for an action and checks the caller may act on the given side.
async fn load(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    side_outlet: fn(&StockTransfer) -> Option<&str>,
) -> Result<StockTransfer, ApiError> {
    let t: StockTransfer = crud::get_in(tx, &STOCK_TRANSFERS, scope, id).await?;
    if scope.outlets.is_some() && !side_outlet(&t).is_some_and(|o| scope.sees_outlet(o)) {
        return Err(ApiError::Forbidden("this side of the transfer belongs to an outlet you do not work at".into()));
    }
    Ok(t)
}

fn version(headers: &HeaderMap, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    super::resource::expected_version(parse_if_match(headers)?, body)
}

fn shortage(e: StockError) -> ApiError {
    match e {
        StockError::Store(e) => e.into(),
        StockError::Shortage(s) => ApiError::Rule {
            code: "insufficient_stock",
            message: format!("only {} in stock, {} to send", Quantity(s.available), Quantity(s.requested)),
        },
    }
}

/// The common start of an action: permission, the transfer, the side the caller acts on, and
/// whether the transfer's status allows the action.
async fn begin_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    action: TransferAction,
    side: fn(&StockTransfer) -> Option<&str>,
) -> Result<(Tx, Scope, StockTransfer), ApiError> {
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let t = load(&mut tx, &scope, id, side).await?;
    if !TransferStatus::parse(&t.status).is_some_and(|st| st.allows(action)) {
        let what = match action {
            TransferAction::Send => "sent",
            TransferAction::Receive => "received",
            TransferAction::Cancel => "cancelled",
        };
        return Err(not_allowed(&t, what));
    }
    Ok((tx, scope, t))
}

async fn send(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let b: TransferAct = body.parse_or_default()?;
    let version = version(&headers, b.version)?;
    let (mut tx, scope, t) = begin_action(&s, &p, &id, TransferAction::Send, |t| t.from_outlet_id.as_deref()).await?;
    let allow_negative = kasir_store::tenants::get_in_tx(&mut tx, &scope.tenant_id).await?.allow_negative_stock.0;
    let moves = t
        .lines
        .0
        .iter()
        .map(|l| NewMovement {
            kind: "transfer_out",
            warehouse_id: t.from_warehouse_id.clone(),
            product_id: l.product_id.clone(),
            variant_id: l.variant_id.clone(),
            delta: -l.quantity.0,
            unit_cost: None,
            reference_type: "stock_transfer",
            reference_id: t.id.clone(),
            note: None,
        })
        .collect();
    stock::apply(&mut tx, &scope, allow_negative, moves).await.map_err(shortage)?;
    let values =
        [("status", Value::from(TransferStatus::Sent.as_str())), ("sent_at", Value::from(kasir_domain::time::now()))];
    let t: StockTransfer = crud::update(&mut tx, &STOCK_TRANSFERS, &scope, &t.id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(t))
}

async fn receive(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let b: ReceiveTransfer = body.parse_or_default()?;
    let version = version(&headers, b.version)?;
    let (mut tx, scope, t) = begin_action(&s, &p, &id, TransferAction::Receive, |t| t.to_outlet_id.as_deref()).await?;
    let mut lines = t.lines.0.clone();
    let outstanding: Vec<_> = lines
        .iter()
        .map(|l| (l.product_id.as_str(), l.variant_id.as_deref(), l.quantity.0 - l.received_quantity.0))
        .collect();
    let arriving = arriving(&outstanding, b.lines.as_deref(), "transfer")?;
    for (l, a) in lines.iter().zip(&arriving) {
        if l.received_quantity.0 + a > l.quantity.0 {
            return Err(ApiError::Rule {
                code: "receive_exceeds_transfer",
                message: format!(
                    "only {} of product {} is still to arrive",
                    Quantity(l.quantity.0 - l.received_quantity.0),
                    l.product_id
                ),
            });
        }
    }
    let mut moves = Vec::new();
    for (l, a) in lines.iter_mut().zip(&arriving) {
        if *a > 0 {
            moves.push(NewMovement {
                kind: "transfer_in",
                warehouse_id: t.to_warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: *a,
                unit_cost: None,
                reference_type: "stock_transfer",
                reference_id: t.id.clone(),
                note: None,
            });
            l.received_quantity = Quantity(l.received_quantity.0 + a);
        }
    }
    stock::apply(&mut tx, &scope, true, moves).await.map_err(shortage)?;
    let sent: Vec<i64> = lines.iter().map(|l| l.quantity.0).collect();
    let received: Vec<i64> = lines.iter().map(|l| l.received_quantity.0).collect();
    let status = after_receipt(&sent, &received);
    let mut values = vec![("status", Value::from(status.as_str())), ("lines", Value::json(&lines))];
    if status == TransferStatus::Received {
        values.push(("received_at", Value::from(kasir_domain::time::now())));
    }
    let t: StockTransfer = crud::update(&mut tx, &STOCK_TRANSFERS, &scope, &t.id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(t))
}

async fn cancel(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let b: TransferAct = body.parse_or_default()?;
    let version = version(&headers, b.version)?;
    let (mut tx, scope, t) = begin_action(&s, &p, &id, TransferAction::Cancel, |t| t.from_outlet_id.as_deref()).await?;
    let values = [("status", Value::from(TransferStatus::Cancelled.as_str()))];
    let t: StockTransfer = crud::update(&mut tx, &STOCK_TRANSFERS, &scope, &t.id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(t))
}
