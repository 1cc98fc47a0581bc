//! `/banks` and `/payouts`: paying out to bank accounts through the business's gateway (tenant
//! owners; one payout per Idempotency-Key, see `payouts`).

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use kasir_domain::{payments::GatewayProvider, Violations};
use kasir_store::payments::payouts::Payout;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    gateway::{self, Bank},
    payouts,
    settings::owner_tenant,
};
use crate::{
    api::{
        fields, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

/// The body of `POST /payouts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePayout {
    #[schema(min_length = 1, max_length = 50)]
    pub bank_code: String,
    #[schema(min_length = 1, max_length = 50)]
    pub account_number: String,
    #[schema(min_length = 1, max_length = 200)]
    pub account_holder_name: String,
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(min_length = 1, max_length = 255)]
    pub description: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PayoutQuery {
    /// `PENDING`, `COMPLETED` or `FAILED`.
    #[param(inline, value_type = Option<String>, pattern = "^(PENDING|COMPLETED|FAILED)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/banks",
        banks,
        Op::new("payments", "The banks payouts can go to").ok_array::<Bank>().errors(&[422, 502]),
    )
    .route(
        Method::Post,
        "/payouts",
        create_payout,
        Op::new("payments", "Pay out to a bank account (an Idempotency-Key is required)")
            .idempotency_key()
            .body::<CreatePayout>()
            .created::<Payout>()
            .errors(&[422, 502]),
    )
    .route(
        Method::Get,
        "/payouts",
        list_payouts,
        Op::new("payments", "Payouts, newest first").query::<PayoutQuery>().ok_list::<Payout>(),
    )
}

async fn banks(State(s): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let (gw, _) = gateway::for_tenant(&s, &tenant_id, GatewayProvider::Xendit).await?;
    Ok(ok(gw.banks().await?))
}

async fn create_payout(
    State(s): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreatePayout>,
) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ApiError::field("Idempotency-Key", "is required: a payout is made once per key"))?
        .to_string();
    let mut v = Violations::new();
    let ask = payouts::Ask {
        bank_code: v.text("bank_code", &b.bank_code, 1, 50),
        account_number: v.text("account_number", &b.account_number, 1, 50),
        account_holder_name: v.text("account_holder_name", &b.account_holder_name, 1, 200),
        amount: v.range("amount", b.amount, 1, kasir_domain::MAX_MONEY),
        description: v.text("description", &b.description, 1, 255),
    };
    if !ask.account_number.chars().all(|c| c.is_ascii_digit()) {
        v.add("account_number", "must be digits");
    }
    v.finish().map_err(ApiError::Validation)?;
    let payout = payouts::create(&s, &tenant_id, p.actor(), &key, ask).await?;
    Ok((StatusCode::CREATED, ok(payout)).into_response())
}

async fn list_payouts(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PayoutQuery>,
) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let mut v = Violations::new();
    let (page, per_page) = fields::paging_in(&mut v, q.page, q.per_page);
    let status = q.status.as_deref().and_then(|raw| {
        v.parsed(
            "status",
            kasir_domain::payments::PayoutStatus::parse(raw).ok_or("must be PENDING, COMPLETED or FAILED"),
        )
    });
    v.finish().map_err(ApiError::Validation)?;
    let (items, total) =
        kasir_store::payments::payouts::list(&s.db, &tenant_id, status.map(|s| s.as_str()), page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}
