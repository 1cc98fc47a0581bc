//! The payments API (gateway settings and payouts are in `settings` and `payout_routes`):
//! checkout for customers (`/payments/checkout`), services (`/sys/payments/checkout`) and table
//! guests (`/guest/orders/{id}/pay-online`) and the gateway's callback; the payment lists,
//! reads and cancel are in `reading`.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use kasir_domain::{
    payments::{EwalletType, GatewayMethod, PaymentPurpose},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    payments::{self, Payment},
    restaurant::orders,
    Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    callback::{self, Received},
    charges::{self, NewPayment},
    reading::{cancel, list, one, PaymentDetail, PaymentQuery},
};
use crate::{
    accounts::Customer,
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiJson, IdPath,
    },
    auth::{guest::GuestSession, principal::PrincipalKind, Principal},
    state::AppState,
};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MethodIn {
    Invoice,
    Ewallet,
    Qris,
}

impl MethodIn {
    fn domain(self) -> GatewayMethod {
        match self {
            MethodIn::Invoice => GatewayMethod::Invoice,
            MethodIn::Ewallet => GatewayMethod::Ewallet,
            MethodIn::Qris => GatewayMethod::Qris,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum EwalletIn {
    Ovo,
    Dana,
    Shopeepay,
    Linkaja,
}

impl EwalletIn {
    fn domain(self) -> EwalletType {
        match self {
            EwalletIn::Ovo => EwalletType::Ovo,
            EwalletIn::Dana => EwalletType::Dana,
            EwalletIn::Shopeepay => EwalletType::Shopeepay,
            EwalletIn::Linkaja => EwalletType::Linkaja,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PurposeIn {
    Topup,
    Order,
}

/// The body of `POST /payments/checkout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerCheckout {
    /// Minor units. Required for a top-up; for an order, what is left to pay of it (it may be
    /// left out).
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    #[schema(min_length = 1, max_length = 255)]
    pub description: String,
    pub purpose: PurposeIn,
    /// The order paid (`purpose: order`).
    #[schema(format = Uuid)]
    pub order_id: Option<String>,
    pub method: MethodIn,
    /// The e-wallet (`method: ewallet`).
    pub ewallet_type: Option<EwalletIn>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServicePurposeIn {
    Topup,
    Charge,
}

/// The body of `POST /sys/payments/checkout`: a payment for a customer account, named by id or
/// username.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceCheckout {
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    #[schema(max_length = 100)]
    pub username: Option<String>,
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(min_length = 1, max_length = 255)]
    pub description: String,
    /// Default `invoice`.
    pub method: Option<MethodIn>,
    pub ewallet_type: Option<EwalletIn>,
    /// `charge` (default: the service's own charge) or `topup` (credits the customer's wallet).
    pub purpose: Option<ServicePurposeIn>,
}

/// The body of `POST /guest/orders/{id}/pay-online`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestPay {
    pub method: MethodIn,
    pub ewallet_type: Option<EwalletIn>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let token_header = utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some("The callback token the business set for the gateway"));
    let api = super::settings::routes(super::payout_routes::routes(api));
    api.route(
        Method::Post,
        "/payments/checkout",
        customer_checkout,
        Op::new("payments", "Pay through the gateway: a wallet top-up or an order (customers)")
            .idempotency_key()
            .body::<CustomerCheckout>()
            .created::<Payment>()
            .errors(&[404, 422, 502]),
    )
    .route(
        Method::Post,
        "/sys/payments/checkout",
        service_checkout,
        Op::new("payments", "Make a gateway payment for a customer account (services with an API key)")
            .idempotency_key()
            .body::<ServiceCheckout>()
            .created::<Payment>()
            .errors(&[404, 422, 502]),
    )
    .route(
        Method::Post,
        "/guest/orders/{id}/pay-online",
        guest_pay,
        crate::restaurant::guest::op("Pay this table's order by QRIS, e-wallet or invoice")
            .path_id("id")
            .idempotency_key()
            .body::<GuestPay>()
            .created::<Payment>()
            .errors(&[401, 404, 422, 502]),
    )
    .route(
        Method::Get,
        "/guest/payments/{id}/qr.svg",
        guest_qr,
        crate::restaurant::guest::op("The QRIS code of this table's payment, to scan with a banking or e-wallet app")
            .path_id("id")
            .ok_raw(
                200,
                "image/svg+xml",
                utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String),
            )
            .errors(&[401, 404]),
    )
    .route(
        Method::Post,
        "/payments/callback/xendit",
        xendit_callback,
        Op::new("payments", "The gateway's callback (verified by its token, then re-read from the gateway)")
            .public()
            .header("x-callback-token", "The business's callback token", token_header)
            .body::<serde_json::Value>()
            .ok::<Received>()
            .errors(&[400, 401, 422, 502]),
    )
    .route(
        Method::Get,
        "/payments",
        list,
        Op::new("payments", "Gateway payments, newest first (a customer sees its own)")
            .query::<PaymentQuery>()
            .ok_list::<Payment>(),
    )
    .route(
        Method::Get,
        "/payments/{id}",
        one,
        Op::new("payments", "A gateway payment with its status history")
            .path_id("id")
            .ok::<PaymentDetail>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/payments/{id}/cancel",
        cancel,
        Op::new("payments", "Cancel a pending payment (expired at the gateway)")
            .path_id("id")
            .ok::<Payment>()
            .errors(&[404, 422, 502]),
    )
}

/// The method and e-wallet of a checkout: an e-wallet charge names its wallet, others do not.
fn method_of(v: &mut Violations, method: MethodIn, ewallet: Option<EwalletIn>) -> (GatewayMethod, Option<EwalletType>) {
    let method = method.domain();
    match (method, ewallet) {
        (GatewayMethod::Ewallet, None) => v.add("ewallet_type", "is required for an e-wallet payment"),
        (GatewayMethod::Invoice | GatewayMethod::Qris, Some(_)) => {
            v.add("ewallet_type", "is only for an e-wallet payment")
        }
        _ => {}
    }
    (method, ewallet.map(EwalletIn::domain))
}

fn created(p: Payment) -> Response {
    (StatusCode::CREATED, ok(p)).into_response()
}

/// An order the payer may pay online: not voided, not paid, priced at what is left.
async fn payable_order(s: &AppState, order: &orders::Order, given: Option<i64>) -> Result<i64, ApiError> {
    if kasir_domain::OrderStatus::Voided.is(&order.status) {
        return Err(rule(ErrorCode::InvalidTransition, "a voided order cannot be paid".into()));
    }
    if order.paid {
        return Err(rule(ErrorCode::OrderPaid, "this order is paid already".into()));
    }
    charges::check_outlet_sells(s, order).await?;
    let due = charges::order_due(s, order).await?;
    if given.is_some_and(|a| a != due) {
        return Err(ApiError::field("amount", &format!("must be {due}, what is left to pay of the order")));
    }
    // A new request replaces the order's open one (the payer chose another way to pay).
    for open in payments::pending_for_order(&s.db, &order.id).await? {
        charges::cancel(s, &open).await?;
    }
    Ok(due)
}

async fn customer_checkout(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<CustomerCheckout>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let description = v.text("description", &b.description, 1, 255);
    let (method, ewallet_type) = method_of(&mut v, b.method, b.ewallet_type);
    if let Some(a) = b.amount {
        v.range("amount", a, 1, kasir_domain::MAX_MONEY);
    }
    let order_id = match (b.purpose, &b.order_id) {
        (PurposeIn::Topup, Some(_)) => {
            v.add("order_id", "is only for paying an order");
            None
        }
        (PurposeIn::Topup, None) => {
            if b.amount.is_none() {
                v.add("amount", "is required for a top-up");
            }
            None
        }
        (PurposeIn::Order, None) => {
            v.add("order_id", "is required for paying an order");
            None
        }
        (PurposeIn::Order, Some(raw)) => kasir_domain::ids::parse_id(raw).or_else(|| {
            v.add("order_id", "must be a UUID");
            None
        }),
    };
    v.finish().map_err(ApiError::Validation)?;
    let tenant_id = c.account.tenant_id.clone();
    let (purpose, order, amount) = match order_id {
        Some(id) => {
            let order = orders::get(&s.db, &Scope::tenant(&tenant_id), &id)
                .await
                .map_err(|e| crate::api::missing(e, "order_id", "order"))?;
            let due = payable_order(&s, &order, b.amount).await?;
            (PaymentPurpose::Order, Some(order), due)
        }
        None => (PaymentPurpose::Topup, None, b.amount.unwrap_or_default()),
    };
    let p = charges::create(
        &s,
        NewPayment {
            tenant_id,
            actor: c.actor(),
            account: Some(c.account),
            purpose,
            method,
            ewallet_type,
            amount,
            description,
            order,
            table_session_id: None,
        },
    )
    .await?;
    Ok(created(p))
}

async fn service_checkout(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<ServiceCheckout>,
) -> Result<Response, ApiError> {
    if !matches!(p.kind, PrincipalKind::ApiKey { .. }) {
        return Err(ApiError::Forbidden("this is for services with an API key".into()));
    }
    p.require(Permission::CustomersManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let description = v.text("description", &b.description, 1, 255);
    let amount = v.range("amount", b.amount, 1, kasir_domain::MAX_MONEY);
    let (method, ewallet_type) = method_of(&mut v, b.method.unwrap_or(MethodIn::Invoice), b.ewallet_type);
    v.finish().map_err(ApiError::Validation)?;
    let account =
        crate::accounts::service_target(&s, &scope.tenant_id, b.customer_id.as_deref(), b.username.as_deref()).await?;
    let purpose = match b.purpose {
        Some(ServicePurposeIn::Topup) => PaymentPurpose::Topup,
        Some(ServicePurposeIn::Charge) | None => PaymentPurpose::Charge,
    };
    let payment = charges::create(
        &s,
        NewPayment {
            tenant_id: scope.tenant_id,
            account: Some(account),
            purpose,
            method,
            ewallet_type,
            amount,
            description,
            order: None,
            table_session_id: None,
            actor: p.actor(),
        },
    )
    .await?;
    Ok(created(payment))
}

async fn guest_pay(
    State(s): State<AppState>,
    g: GuestSession,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<GuestPay>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let (method, ewallet_type) = method_of(&mut v, b.method, b.ewallet_type);
    v.finish().map_err(ApiError::Validation)?;
    let order = orders::get(&s.db, &g.scope(), &id).await?;
    if order.table_session_id.as_deref() != Some(g.session.id.as_str()) {
        return Err(ApiError::NotFound);
    }
    let amount = payable_order(&s, &order, None).await?;
    let p = charges::create(
        &s,
        NewPayment {
            tenant_id: order.tenant_id.clone(),
            account: None,
            purpose: PaymentPurpose::Order,
            method,
            ewallet_type,
            amount,
            description: format!("Order {}", order.number),
            table_session_id: Some(g.session.id.clone()),
            order: Some(order),
            actor: g.actor.clone(),
        },
    )
    .await?;
    Ok(created(p))
}

async fn guest_qr(State(s): State<AppState>, g: GuestSession, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let p = match kasir_domain::ids::parse_id(&id) {
        Some(id) => payments::get(&s.db, &id).await?,
        None => None,
    }
    .filter(|p| p.table_session_id.as_deref() == Some(g.session.id.as_str()))
    .ok_or(ApiError::NotFound)?;
    let text = p.qr_string.ok_or(ApiError::NotFound)?;
    let svg = crate::restaurant::qr::svg(&text).map_err(|e| ApiError::internal("drawing a QR code", e))?;
    Ok(crate::restaurant::sessions::image(svg.into_bytes(), "image/svg+xml"))
}

async fn xendit_callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let token = headers.get("x-callback-token").and_then(|v| v.to_str().ok()).map(str::trim);
    let body: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| ApiError::BadRequest("a callback is a JSON object".into()))?;
    Ok(ok(callback::xendit(&s, token, &body).await?))
}
