//! Vouchers for customers: `POST /customer/vouchers/redeem` uses a voucher from the app,
//! `GET /customer/vouchers/check?code=` says whether the customer has used it, and the service
//! form `POST /sys/vouchers/redeem` (an API key with `promotions.manage`) does it for a customer
//! named by id or username. A voucher's `usage_limit` and `per_customer_limit` hold, also at the
//! till (a sale to a customer with an account counts as one of their uses).

use axum::{extract::State, response::Response};
use kasir_domain::{ErrorCode, Permission};
use kasir_store::{
    accounts::{self, loyalty, Account},
    promotions::{self, UsageTable, Voucher},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{effects::check_customer_limit, Customer};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiJson, ApiQuery,
    },
    auth::{principal::PrincipalKind, Principal},
    promotions::terms::voucher_usable,
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemVoucher {
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRedeem {
    /// The customer account's id, or give `username`.
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    pub username: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    pub code: String,
}

/// A voucher as the customer used it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Redemption {
    pub redeemed: bool,
    #[schema(format = Uuid)]
    pub voucher_id: String,
    pub code: String,
    /// `percent` (basis points) or `amount`.
    pub discount_type: String,
    pub discount_value: i64,
    /// The customer's uses of it so far.
    pub redemptions: i64,
    /// How many more times the customer may use it (none: no limit).
    pub remaining: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/customer/vouchers/redeem",
        redeem,
        Op::new("customer-accounts", "Use a voucher").body::<RedeemVoucher>().ok::<Redemption>().errors(&[404, 422]),
    )
    .route(
        Method::Get,
        "/customer/vouchers/check",
        check,
        Op::new("customer-accounts", "Whether you have used a voucher")
            .query::<CheckQuery>()
            .ok::<Redemption>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/sys/vouchers/redeem",
        service_redeem,
        Op::new("customer-accounts", "Use a voucher for a customer (API key with promotions.manage)")
            .body::<ServiceRedeem>()
            .ok::<Redemption>()
            .errors(&[404, 422]),
    )
}

async fn voucher(s: &AppState, tenant_id: &str, code: &str) -> Result<Voucher, ApiError> {
    let code = code.trim().to_lowercase();
    if code.is_empty() || code.chars().count() > 50 {
        return Err(ApiError::field("code", "must be 1 to 50 characters"));
    }
    promotions::voucher_by_code(&s.db, tenant_id, &code)
        .await?
        .ok_or_else(|| ApiError::MissingRefs(vec![kasir_domain::FieldError::new("code", "no voucher has this code")]))
}

fn redemption(v: &Voucher, redeemed: bool, used: i64) -> Redemption {
    Redemption {
        redeemed,
        voucher_id: v.id.clone(),
        code: v.code.clone(),
        discount_type: v.discount_type.clone(),
        discount_value: v.discount_value,
        redemptions: used,
        remaining: v.per_customer_limit.map(|l| (l - used).max(0)),
    }
}

/// Uses the voucher for `account`: it must be usable now, within its limits, and within the
/// customer's; the account's lock makes one customer's concurrent uses queue.
async fn use_voucher(
    s: &AppState,
    account: &Account,
    actor: kasir_store::Actor,
    code: &str,
) -> Result<Redemption, ApiError> {
    let v = voucher(s, &account.tenant_id, code).await?;
    let tenant = kasir_store::tenancy::tenants::get(&s.db, &account.tenant_id).await?;
    let zone = kasir_domain::time::outlet_zone("", &tenant.timezone);
    let now = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), zone).wall_time;
    voucher_usable(&v, &now).map_err(|m| rule(ErrorCode::VoucherInvalid, m.into()))?;
    let mut tx = s.db.begin(actor).await?;
    accounts::get_for_update(&mut tx, &account.id).await?.ok_or(ApiError::NotFound)?;
    let used = check_customer_limit(&mut tx, &v, &account.id).await?;
    if !promotions::take_usage(&mut tx, UsageTable::Vouchers, &v.id).await? {
        return Err(rule(ErrorCode::VoucherUsedUp, "this voucher has no uses left".into()));
    }
    loyalty::record_redemption(&mut tx, &account.tenant_id, &v.id, &account.id, ("app", None)).await?;
    tx.audit(
        Some(&account.tenant_id),
        "voucher.redeem",
        "voucher",
        Some(&v.id),
        serde_json::json!({"account_id": account.id}),
    );
    tx.commit().await?;
    Ok(redemption(&v, true, used + 1))
}

async fn redeem(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<RedeemVoucher>,
) -> Result<Response, ApiError> {
    Ok(ok(use_voucher(&s, &c.account, c.actor(), &b.code).await?))
}

async fn check(
    State(s): State<AppState>,
    c: Customer,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Response, ApiError> {
    let v = voucher(&s, &c.account.tenant_id, &q.code).await?;
    let mut tx = s.db.begin(c.actor()).await?;
    let used = loyalty::redemptions(&mut tx, &c.account.id, &v.id).await?;
    drop(tx);
    Ok(ok(redemption(&v, used > 0, used)))
}

async fn service_redeem(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<ServiceRedeem>,
) -> Result<Response, ApiError> {
    if !matches!(p.kind, PrincipalKind::ApiKey { .. }) {
        return Err(ApiError::Forbidden("this is for services with an API key".into()));
    }
    p.require(Permission::PromotionsManage)?;
    let scope = p.scope()?;
    let account = super::service_target(&s, &scope.tenant_id, b.customer_id.as_deref(), b.username.as_deref()).await?;
    Ok(ok(use_voucher(&s, &account, p.actor(), &b.code).await?))
}
