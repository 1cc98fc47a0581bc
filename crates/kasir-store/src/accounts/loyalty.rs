//! Points, the wallet and referrals of customer accounts. The account row holds the running
//! points and balance; every change writes a ledger row with the figure after it, in the caller's
//! transaction. Debits are conditional updates, so no two transactions can spend the same points
//! or money: neither figure ever goes below zero.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Db, Result, Tx};

/// Which running figure of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ledger {
    Points,
    Wallet,
}

impl Ledger {
    fn column(self) -> &'static str {
        match self {
            Ledger::Points => "points",
            Ledger::Wallet => "balance",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Ledger::Points => "customer_points",
            Ledger::Wallet => "customer_wallet",
        }
    }
}

/// A ledger row (`GET /customer/points`, `GET /customer/balance/history`).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Entry {
    #[schema(format = Uuid)]
    pub id: String,
    /// `CREDIT` or `DEBIT`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    /// Points, or minor units of money; always positive.
    pub amount: i64,
    /// The account's points (or balance) after this entry.
    pub balance_after: i64,
    pub description: String,
    /// `sale`, `refund`, `void`, `redeem`, `referral`, `decrease`, `payment`, …
    pub reference_type: Option<String>,
    pub reference_id: Option<String>,
    pub created_at: String,
}

/// What caused a ledger change.
#[derive(Debug, Clone)]
pub struct Reason<'a> {
    pub description: &'a str,
    pub reference_type: &'a str,
    pub reference_id: &'a str,
}

/// Writes a ledger row: `(kind, amount, figure after)`.
async fn record(
    tx: &mut Tx,
    ledger: Ledger,
    tenant_id: &str,
    account_id: &str,
    (kind, amount, after): (&str, i64, i64),
    why: &Reason<'_>,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {} (id, tenant_id, account_id, type, amount, balance_after, description, reference_type, reference_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        ledger.table()
    ))
    .bind(kasir_domain::ids::new_id())
    .bind(tenant_id)
    .bind(account_id)
    .bind(kind)
    .bind(amount)
    .bind(after)
    .bind(why.description)
    .bind(why.reference_type)
    .bind(why.reference_id)
    .bind(kasir_domain::time::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds `amount` (> 0) to the account's points or balance; the figure after.
#[tracing::instrument(skip_all)]
pub async fn credit(
    tx: &mut Tx,
    ledger: Ledger,
    tenant_id: &str,
    account_id: &str,
    amount: i64,
    why: &Reason<'_>,
) -> Result<i64> {
    let col = ledger.column();
    let (after,): (i64,) = sqlx::query_as(&format!(
        "UPDATE customer_accounts SET {col} = {col} + $1, version = version + 1, updated_at = $2 WHERE id = $3 RETURNING {col}"
    ))
    .bind(amount)
    .bind(kasir_domain::time::now())
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?;
    record(tx, ledger, tenant_id, account_id, ("CREDIT", amount, after), why).await?;
    Ok(after)
}

/// Takes `amount` (> 0) off the account's points or balance if it holds that much: the figure
/// after, or `None` (and nothing changed) when it does not.
#[tracing::instrument(skip_all)]
pub async fn debit(
    tx: &mut Tx,
    ledger: Ledger,
    tenant_id: &str,
    account_id: &str,
    amount: i64,
    why: &Reason<'_>,
) -> Result<Option<i64>> {
    let col = ledger.column();
    let after: Option<(i64,)> = sqlx::query_as(&format!(
        "UPDATE customer_accounts SET {col} = {col} - $1, version = version + 1, updated_at = $2
         WHERE id = $3 AND {col} >= $1 RETURNING {col}"
    ))
    .bind(amount)
    .bind(kasir_domain::time::now())
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((after,)) = after else { return Ok(None) };
    record(tx, ledger, tenant_id, account_id, ("DEBIT", amount, after), why).await?;
    Ok(Some(after))
}

/// Points credited (or debited) so far for one reference, e.g. what a sale earned.
#[tracing::instrument(skip_all)]
pub async fn total_for(
    tx: &mut Tx,
    ledger: Ledger,
    kind: &str,
    reference_type: &str,
    reference_id: &str,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT {} FROM {} WHERE type = $1 AND reference_type = $2 AND reference_id = $3",
        crate::sql::sum(tx.backend(), "amount"),
        ledger.table()
    ))
    .bind(kind)
    .bind(reference_type)
    .bind(reference_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// A page of the account's ledger, newest first, and the total count.
#[tracing::instrument(skip_all)]
pub async fn history(db: &Db, ledger: Ledger, account_id: &str, page: i64, per_page: i64) -> Result<(Vec<Entry>, i64)> {
    let table = ledger.table();
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE account_id = $1"))
        .bind(account_id)
        .fetch_one(db.reader())
        .await?;
    let rows = sqlx::query_as(&format!(
        "SELECT id, type, amount, balance_after, description, reference_type, reference_id, created_at FROM {table}
         WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(account_id)
    .bind(per_page)
    .bind((page - 1) * per_page)
    .fetch_all(db.reader())
    .await?;
    Ok((rows, total))
}

/// A referral as its referrer sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Referral {
    #[schema(format = Uuid)]
    pub id: String,
    /// The friend's username.
    pub referee_username: String,
    /// `pending` or `completed`.
    pub status: String,
    pub reward_points: i64,
    pub completed_at: Option<String>,
    pub created_at: String,
}

/// Records that `referee_id` signed up with `referrer_id`'s code.
#[tracing::instrument(skip_all)]
pub async fn refer(tx: &mut Tx, tenant_id: &str, referrer_id: &str, referee_id: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO customer_referrals (id, tenant_id, referrer_id, referee_id, status, created_at)
         VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(kasir_domain::ids::new_id())
    .bind(tenant_id)
    .bind(referrer_id)
    .bind(referee_id)
    .bind(kasir_domain::time::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Completes the referee's pending referral, once: its referrer's id, or `None` when there was
/// none pending.
#[tracing::instrument(skip_all)]
pub async fn complete_referral(tx: &mut Tx, referee_id: &str, reward_points: i64) -> Result<Option<(String, String)>> {
    let now = kasir_domain::time::now();
    Ok(sqlx::query_as(
        "UPDATE customer_referrals SET status = 'completed', completed_at = $1, reward_points = $2
         WHERE referee_id = $3 AND status = 'pending' RETURNING id, referrer_id",
    )
    .bind(&now)
    .bind(reward_points)
    .bind(referee_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The referrer's referrals, newest first.
#[tracing::instrument(skip_all)]
pub async fn referrals(db: &Db, referrer_id: &str) -> Result<Vec<Referral>> {
    Ok(sqlx::query_as(
        "SELECT r.id, a.username AS referee_username, r.status, r.reward_points, r.completed_at, r.created_at
         FROM customer_referrals r JOIN customer_accounts a ON a.id = r.referee_id
         WHERE r.referrer_id = $1 ORDER BY r.created_at DESC, r.id DESC",
    )
    .bind(referrer_id)
    .fetch_all(db.reader())
    .await?)
}

/// Uses of a voucher by one account so far.
#[tracing::instrument(skip_all)]
pub async fn redemptions(tx: &mut Tx, account_id: &str, voucher_id: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM voucher_redemptions WHERE account_id = $1 AND voucher_id = $2")
            .bind(account_id)
            .bind(voucher_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n)
}

/// Records a use of a voucher by an account: `source` is `app` or `sale` (with the sale's id).
#[tracing::instrument(skip_all)]
pub async fn record_redemption(
    tx: &mut Tx,
    tenant_id: &str,
    voucher_id: &str,
    account_id: &str,
    (source, reference_id): (&str, Option<&str>),
) -> Result<()> {
    sqlx::query(
        "INSERT INTO voucher_redemptions (id, tenant_id, voucher_id, account_id, source, reference_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(kasir_domain::ids::new_id())
    .bind(tenant_id)
    .bind(voucher_id)
    .bind(account_id)
    .bind(source)
    .bind(reference_id)
    .bind(kasir_domain::time::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets the voucher uses a voided sale made.
#[tracing::instrument(skip_all)]
pub async fn forget_sale_redemptions(tx: &mut Tx, sale_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM voucher_redemptions WHERE source = 'sale' AND reference_id = $1")
        .bind(sale_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
