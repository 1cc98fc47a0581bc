//! `/stock/transfers`: moving stock between warehouses. Created, then sent (stock leaves the
//! source), then received in one or more receipts (stock arrives); cancelled only before sending.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    Extension,
};
use kasir_domain::{transfer::TransferStatus, Permission, Quantity, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    stock::transfers::{StockTransfer, TransferLine, STOCK_TRANSFERS},
    stock::warehouses::{Warehouse, WAREHOUSES},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::resource::{find_ref, new_record_id, NoUpdate, Resource},
    stock::lines::{resolve_item, ReceiptLine},
};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        parse_if_match, ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    platform::idempotency::{run_keyed, TxKey},
    state::AppState,
};

use super::transferring;

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
            code: kasir_domain::ErrorCode::InvalidTransition,
            message: "transfers change only by send, receive or cancel".into(),
        })
    }
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let act =
        |summary: &str| Op::new("stock", summary).path_id("id").if_match().ok::<StockTransfer>().errors(&[409, 422]);
    crate::api::resource::routes::<Transfers>(api)
        .route(
            Method::Post,
            "/stock/transfers/{id}/send",
            send,
            act("Send a transfer: stock leaves the source").moves_money().body::<TransferAct>(),
        )
        .route(
            Method::Post,
            "/stock/transfers/{id}/receive",
            receive,
            act("Receive all or part of a sent transfer: stock arrives at the destination")
                .moves_money()
                .body::<ReceiveTransfer>(),
        )
        .route(
            Method::Post,
            "/stock/transfers/{id}/cancel",
            cancel,
            act("Cancel a transfer that was not sent").body::<TransferAct>(),
        )
}

fn version(headers: &HeaderMap, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    crate::api::resource::expected_version(parse_if_match(headers)?, body)
}

async fn send(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let b: TransferAct = body.parse_or_default()?;
    let version = version(&headers, b.version)?;
    let scope = p.scope()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        transferring::send(tx, &scope, &id, version).await
    })
    .await
}

async fn receive(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::StockManage)?;
    let b: ReceiveTransfer = body.parse_or_default()?;
    let version = version(&headers, b.version)?;
    let scope = p.scope()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        transferring::receive(tx, &scope, &id, version, b.lines.as_deref()).await
    })
    .await
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
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let t = transferring::cancel(&mut tx, &scope, &id, version).await?;
    tx.commit().await?;
    Ok(ok(t))
}
