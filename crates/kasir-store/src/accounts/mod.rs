//! Customer accounts for the shop's own app: the account (tied to the tenant's customer record),
//! its one-time links and codes, and its addresses. Logins are in `auth` (`Logins::Customer`).

pub mod addresses;
pub mod content;
pub mod loyalty;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Backend, Db, Result, Tx};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Signed up, email or phone not confirmed yet: may not log in.
    Unverified,
    Active,
    /// Deactivated by the customer (or the shop): may not log in.
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Unverified => "unverified",
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }
}

/// An account as the store keeps it (the password hash never leaves the server).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Account {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    /// The tenant's `/customers` record of this account.
    #[schema(format = Uuid)]
    pub customer_id: String,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub phone_number: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: String,
    /// `unverified`, `active` or `disabled`.
    pub status: String,
    pub verified_at: Option<String>,
    pub deactivated_at: Option<String>,
    pub profile_image_url: Option<String>,
    pub referral_code: String,
    #[schema(format = Uuid)]
    pub referred_by: Option<String>,
    /// The wallet, minor units.
    pub balance: i64,
    pub points: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, tenant_id, customer_id, username, email, full_name, phone_number, password_hash, status, \
                       verified_at, deactivated_at, profile_image_url, referral_code, referred_by, balance, points, \
                       version, created_at, updated_at";

/// A new account's fields.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: String,
    pub tenant_id: String,
    pub customer_id: String,
    pub username: String,
    pub username_key: String,
    pub email: String,
    pub email_key: String,
    pub full_name: String,
    pub phone_number: Option<String>,
    pub password_hash: String,
    pub referral_code: String,
    pub referred_by: Option<String>,
}

/// Inserts an unverified account. A taken username, email or referral code is
/// `Conflict { field }` (`username`, `email`, `referral_code`).
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, a: &NewAccount) -> Result<()> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO customer_accounts (id, tenant_id, customer_id, username, username_key, email, email_key, full_name,
             phone_number, password_hash, status, referral_code, referred_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(&a.id)
    .bind(&a.tenant_id)
    .bind(&a.customer_id)
    .bind(&a.username)
    .bind(&a.username_key)
    .bind(&a.email)
    .bind(&a.email_key)
    .bind(&a.full_name)
    .bind(a.phone_number.clone())
    .bind(&a.password_hash)
    .bind(AccountStatus::Unverified.as_str())
    .bind(&a.referral_code)
    .bind(a.referred_by.clone())
    .bind(&now)
    .execute(&mut **tx)
    .await
    .map_err(|e| match crate::StoreError::from(e) {
        crate::StoreError::Conflict { field } => crate::StoreError::Conflict { field: account_field(&field) },
        other => other,
    })?;
    Ok(())
}

/// The client-facing field of a unique key (SQLite names the column, PostgreSQL the index).
fn account_field(raw: &str) -> String {
    match raw {
        "username" | "username_key" => "username",
        "email" | "email_key" => "email",
        "referral_code" => "referral_code",
        other => other,
    }
    .to_string()
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Option<Account>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM customer_accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?)
}

/// The account, locked for the rest of the transaction on PostgreSQL (SQLite has one writer).
#[tracing::instrument(skip_all)]
pub async fn get_for_update(tx: &mut Tx, id: &str) -> Result<Option<Account>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM customer_accounts WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// How a customer names their account at login.
pub enum LoginName<'a> {
    Username(&'a str),
    Email(&'a str),
}

/// The account of the tenant named by a username or email key (lower-cased, trimmed).
#[tracing::instrument(skip_all)]
pub async fn find(db: &Db, tenant_id: &str, name: LoginName<'_>) -> Result<Option<Account>> {
    let (column, key) = match name {
        LoginName::Username(k) => ("username_key", k),
        LoginName::Email(k) => ("email_key", k),
    };
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM customer_accounts WHERE tenant_id = $1 AND {column} = $2"))
        .bind(tenant_id)
        .bind(key)
        .fetch_optional(db.reader())
        .await?)
}

/// The account of the tenant whose referral code is `code`.
#[tracing::instrument(skip_all)]
pub async fn by_referral_code(db: &Db, tenant_id: &str, code: &str) -> Result<Option<Account>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM customer_accounts WHERE tenant_id = $1 AND referral_code = $2"))
        .bind(tenant_id)
        .bind(code)
        .fetch_optional(db.reader())
        .await?)
}

/// Marks the account verified (from unverified only); false when it was not unverified.
#[tracing::instrument(skip_all)]
pub async fn verify(tx: &mut Tx, id: &str) -> Result<bool> {
    let now = kasir_domain::time::now();
    let r = sqlx::query(
        "UPDATE customer_accounts SET status = $1, verified_at = $2, updated_at = $2, version = version + 1
         WHERE id = $3 AND status = $4",
    )
    .bind(AccountStatus::Active.as_str())
    .bind(&now)
    .bind(id)
    .bind(AccountStatus::Unverified.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Deactivates the account, keeping the customer's reason.
#[tracing::instrument(skip_all)]
pub async fn deactivate(tx: &mut Tx, id: &str, reason: &str) -> Result<()> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "UPDATE customer_accounts SET status = $1, deactivated_at = $2, deactivation_reason = $3, updated_at = $2,
             version = version + 1 WHERE id = $4",
    )
    .bind(AccountStatus::Disabled.as_str())
    .bind(&now)
    .bind(reason)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_password(tx: &mut Tx, id: &str, password_hash: &str) -> Result<()> {
    sqlx::query(
        "UPDATE customer_accounts SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(kasir_domain::time::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Profile fields a customer changes (`None`: unchanged; `Some(None)`: cleared).
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub full_name: Option<String>,
    pub email: Option<(String, String)>,
    pub phone_number: Option<Option<String>>,
    pub profile_image_url: Option<String>,
}

/// Writes a profile change; a taken email is `Conflict { field: "email" }`.
#[tracing::instrument(skip_all)]
pub async fn update_profile(tx: &mut Tx, id: &str, c: &ProfileChange) -> Result<()> {
    let mut sql = crate::sql::Sql::new("UPDATE customer_accounts SET version = version + 1, updated_at = ");
    sql.bind(kasir_domain::time::now());
    if let Some(v) = &c.full_name {
        sql.push(", full_name = ").bind(v.as_str());
    }
    if let Some((email, key)) = &c.email {
        sql.push(", email = ").bind(email.as_str()).push(", email_key = ").bind(key.as_str());
    }
    if let Some(v) = &c.phone_number {
        sql.push(", phone_number = ").bind(crate::Value::Text(v.clone()));
    }
    if let Some(v) = &c.profile_image_url {
        sql.push(", profile_image_url = ").bind(v.as_str());
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(&mut **tx).await.map_err(|e| match crate::StoreError::from(e) {
        crate::StoreError::Conflict { field } => crate::StoreError::Conflict { field: account_field(&field) },
        other => other,
    })?;
    Ok(())
}

/// What a one-time link or code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    VerifyEmail,
    VerifySms,
    PasswordReset,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::VerifyEmail => "verify_email",
            CodePurpose::VerifySms => "verify_sms",
            CodePurpose::PasswordReset => "password_reset",
        }
    }
}

/// A one-time link or code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Code {
    pub id: String,
    pub tenant_id: String,
    pub account_id: String,
    pub purpose: String,
    /// SHA-256 of the verification token the app holds.
    pub handle_hash: String,
    /// SHA-256 of a link's token, or of an SMS code salted with `id`.
    pub secret_hash: String,
    pub attempts: i64,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub created_at: String,
}

const CODE_COLUMNS: &str =
    "id, tenant_id, account_id, purpose, handle_hash, secret_hash, attempts, expires_at, used_at, created_at";

/// Stores a new code and retires the account's unused codes of the same purpose, so that only
/// the latest link or code works.
#[tracing::instrument(skip_all)]
pub async fn insert_code(tx: &mut Tx, c: &Code) -> Result<()> {
    sqlx::query("UPDATE customer_codes SET used_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(&c.created_at)
        .bind(&c.account_id)
        .bind(&c.purpose)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "INSERT INTO customer_codes ({CODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&c.id)
    .bind(&c.tenant_id)
    .bind(&c.account_id)
    .bind(&c.purpose)
    .bind(&c.handle_hash)
    .bind(&c.secret_hash)
    .bind(c.attempts)
    .bind(&c.expires_at)
    .bind(c.used_at.clone())
    .bind(&c.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the account's latest code of `purpose` was made.
#[tracing::instrument(skip_all)]
pub async fn last_code_at(tx: &mut Tx, account_id: &str, purpose: CodePurpose) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT MAX(created_at) FROM customer_codes WHERE account_id = $1 AND purpose = $2")
            .bind(account_id)
            .bind(purpose.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// Which hash a code is looked up by.
pub enum CodeKey<'a> {
    /// The verification token the app holds.
    Handle(&'a str),
    /// The token in a link.
    Secret(&'a str),
}

/// The code with this hash, locked for the transaction on PostgreSQL.
#[tracing::instrument(skip_all)]
pub async fn find_code(tx: &mut Tx, key: CodeKey<'_>) -> Result<Option<Code>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    let (column, hash) = match key {
        CodeKey::Handle(h) => ("handle_hash", h),
        CodeKey::Secret(h) => ("secret_hash", h),
    };
    Ok(sqlx::query_as(&format!("SELECT {CODE_COLUMNS} FROM customer_codes WHERE {column} = $1{lock}"))
        .bind(hash)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Counts a wrong try at a code.
#[tracing::instrument(skip_all)]
pub async fn count_try(tx: &mut Tx, code_id: &str) -> Result<()> {
    sqlx::query("UPDATE customer_codes SET attempts = attempts + 1 WHERE id = $1")
        .bind(code_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Spends a code; false when it was already spent (another request won).
#[tracing::instrument(skip_all)]
pub async fn spend_code(tx: &mut Tx, code_id: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE customer_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(kasir_domain::time::now())
        .bind(code_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}
