//! The customer's points, wallet and referral routes: the points ledger and redeeming points
//! into the wallet, the wallet and its history, `balance/decrease` (Idempotency-Key, never below
//! zero under concurrent spends), the referral figures. What sales, voids and refunds do to them
//! is in `effects`.

use axum::{extract::State, http::StatusCode, response::Response, Extension};
use kasir_domain::{ErrorCode, Violations};
use kasir_store::accounts::{
    self,
    loyalty::{self, Entry, Ledger, Reason, Referral},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Customer;
use crate::customers::PageQuery;
use crate::{
    api::{
        fields, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiJson, ApiQuery,
    },
    platform::idempotency::{run_keyed, TxKey},
    state::AppState,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    /// The wallet, minor units.
    pub balance: i64,
    pub points: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Redeem {
    #[schema(minimum = 1)]
    pub points: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Redeemed {
    pub points: i64,
    /// Minor units credited to the wallet.
    pub credited: i64,
    pub balance: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decrease {
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralStats {
    pub referral_code: String,
    pub total_referrals: i64,
    pub completed_referrals: i64,
    pub pending_referrals: i64,
    pub total_earned_points: i64,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/customer/points",
        points,
        Op::new("customer-accounts", "Your points ledger, newest first").query::<PageQuery>().ok_list::<Entry>(),
    )
    .route(
        Method::Post,
        "/customer/points/redeem",
        redeem,
        Op::new("customer-accounts", "Turn points into wallet balance")
            .body::<Redeem>()
            .ok::<Redeemed>()
            .errors(&[422]),
    )
    .route(
        Method::Get,
        "/customer/balance",
        balance,
        Op::new("customer-accounts", "Your wallet and points").ok::<Balance>(),
    )
    .route(
        Method::Get,
        "/customer/balance/history",
        wallet_history,
        Op::new("customer-accounts", "Your wallet ledger, newest first").query::<PageQuery>().ok_list::<Entry>(),
    )
    .route(
        Method::Post,
        "/customer/balance/decrease",
        decrease,
        Op::new("customer-accounts", "Spend from your wallet")
            .idempotency_key()
            .moves_money()
            .body::<Decrease>()
            .ok::<Balance>()
            .errors(&[409, 422]),
    )
    .route(
        Method::Get,
        "/customer/referral",
        referral,
        Op::new("customer-accounts", "Your referral code and how your invitations went").ok::<ReferralStats>(),
    )
    .route(
        Method::Get,
        "/customer/referral/history",
        referral_history,
        Op::new("customer-accounts", "The friends you invited").ok_array::<Referral>(),
    )
}

async fn points(
    State(s): State<AppState>,
    c: Customer,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let (page, per_page) = fields::paging(q.page, q.per_page)?;
    let (rows, total) = loyalty::history(&s.db, Ledger::Points, &c.account.id, page, per_page).await?;
    Ok(ok_list(rows, page, per_page, total))
}

async fn wallet_history(
    State(s): State<AppState>,
    c: Customer,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let (page, per_page) = fields::paging(q.page, q.per_page)?;
    let (rows, total) = loyalty::history(&s.db, Ledger::Wallet, &c.account.id, page, per_page).await?;
    Ok(ok_list(rows, page, per_page, total))
}

async fn balance(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    let a = accounts::get(&s.db, &c.account.id).await?.ok_or(ApiError::NotFound)?;
    Ok(ok(Balance { balance: a.balance, points: a.points }))
}

async fn redeem(State(s): State<AppState>, c: Customer, ApiJson(b): ApiJson<Redeem>) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let points = v.range("points", b.points, 1, 1_000_000_000);
    v.finish().map_err(ApiError::Validation)?;
    let mut tx = s.db.begin(c.actor()).await?;
    let (_, rate, _) = super::effects::settings(&mut tx, &c.account.tenant_id).await?;
    if rate <= 0 {
        return Err(rule(ErrorCode::InsufficientPoints, "this shop does not redeem points".into()));
    }
    let id = kasir_domain::ids::new_id();
    let why = Reason { description: "Redeemed into your wallet", reference_type: "redeem", reference_id: &id };
    if loyalty::debit(&mut tx, Ledger::Points, &c.account.tenant_id, &c.account.id, points, &why).await?.is_none() {
        return Err(rule(ErrorCode::InsufficientPoints, format!("you have fewer than {points} points")));
    }
    let credited = kasir_domain::money::bounded(i128::from(points) * i128::from(rate))
        .map_err(|_| ApiError::field("points", "is too many to redeem at once"))?;
    let balance = loyalty::credit(&mut tx, Ledger::Wallet, &c.account.tenant_id, &c.account.id, credited, &why).await?;
    tx.commit().await?;
    Ok(ok(Redeemed { points, credited, balance }))
}

async fn decrease(
    State(s): State<AppState>,
    c: Customer,
    key: Option<Extension<TxKey>>,
    ApiJson(b): ApiJson<Decrease>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let amount = v.range("amount", b.amount, 1, kasir_domain::MAX_MONEY);
    let description = v.text("description", &b.description, 1, 200);
    v.finish().map_err(ApiError::Validation)?;
    run_keyed(&s.db, c.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        let id = kasir_domain::ids::new_id();
        let why = Reason { description: &description, reference_type: "decrease", reference_id: &id };
        let Some(balance) =
            loyalty::debit(tx, Ledger::Wallet, &c.account.tenant_id, &c.account.id, amount, &why).await?
        else {
            return Err(rule(ErrorCode::InsufficientBalance, format!("your wallet holds less than {amount}")));
        };
        let account = accounts::get_for_update(tx, &c.account.id).await?.ok_or(ApiError::NotFound)?;
        Ok(Balance { balance, points: account.points })
    })
    .await
}

async fn referral(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    let list = loyalty::referrals(&s.db, &c.account.id).await?;
    let completed = list.iter().filter(|r| r.completed_at.is_some()).count() as i64;
    let earned_points: i64 = list.iter().map(|r| r.reward_points).sum();
    Ok(ok(ReferralStats {
        referral_code: c.account.referral_code.clone(),
        total_referrals: list.len() as i64,
        completed_referrals: completed,
        pending_referrals: list.len() as i64 - completed,
        total_earned_points: earned_points,
    }))
}

async fn referral_history(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    Ok(ok(loyalty::referrals(&s.db, &c.account.id).await?))
}
