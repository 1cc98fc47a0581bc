//! People who log in. A user belongs to one tenant (or to the platform, for `master_admin`), has one
//! role and works at a set of outlets.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    JsonText, Result, Tx,
};

pub static USERS: ResourceDef = ResourceDef {
    entity: "user",
    table: "users",
    columns: &[
        Column::new("username", Text).filter().sort().search(),
        Column::new("name", Text).sort().search(),
        Column::new("email", Text).filter().search(),
        Column::new("role", Text).filter().sort(),
        Column::new("outlet_ids", Json),
        Column::new("is_active", Bool).filter().sort(),
    ],
    outlet_scope: OutletScope::UserOutlets,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A user as the API serves it: never the password hash.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct User {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub outlet_ids: JsonText<Vec<String>>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: crate::Flag,
}

crate::impl_record!(User);

/// Replaces the user's outlet memberships (kept beside `users.outlet_ids` for scoped queries).
#[tracing::instrument(skip_all)]
pub async fn set_outlets(tx: &mut Tx, tenant_id: &str, user_id: &str, outlet_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM user_outlets WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for outlet_id in outlet_ids {
        sqlx::query("INSERT INTO user_outlets (user_id, outlet_id, tenant_id) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(outlet_id)
            .bind(tenant_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets a user's password hash (the caller hashes). Does not bump the version: the hash is not synced.
#[tracing::instrument(skip_all)]
pub async fn set_password_hash(tx: &mut Tx, user_id: &str, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Fields of a new user row; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub tenant_id: Option<String>,
    pub username: String,
    pub password_hash: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub outlet_ids: Vec<String>,
    pub is_active: bool,
}

/// Inserts a user without the generic mechanism: tenant owners (created with their tenant) and
/// platform operators, who have no tenant to scope them.
#[tracing::instrument(skip_all)]
pub async fn insert_raw(tx: &mut Tx, u: &NewUser) -> Result<()> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO users (id, tenant_id, username, username_key, password_hash, name, email, role, outlet_ids, is_active, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(&u.id)
    .bind(u.tenant_id.clone())
    .bind(&u.username)
    .bind(kasir_domain::validation::username_key(&u.username))
    .bind(&u.password_hash)
    .bind(&u.name)
    .bind(u.email.clone())
    .bind(&u.role)
    .bind(serde_json::to_string(&u.outlet_ids).unwrap_or_else(|_| "[]".into()))
    .bind(i64::from(u.is_active))
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// True when any platform operator exists (first start creates one).
#[tracing::instrument(skip_all)]
pub async fn platform_admin_exists(db: &crate::Db) -> Result<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE tenant_id IS NULL AND role = 'master_admin'")
        .fetch_one(db.reader())
        .await?;
    Ok(n > 0)
}

/// Reads a user by id regardless of tenant (the caller has already authorised the access).
#[tracing::instrument(skip_all)]
pub async fn get_any(db: &crate::Db, id: &str) -> Result<Option<User>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, version, created_at, updated_at, username, name, email, role, outlet_ids, is_active
         FROM users WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.reader())
    .await?)
}

/// Reads the password hash of a live user, outside any transaction (to verify before writing).
#[tracing::instrument(skip_all)]
pub async fn read_password_hash(db: &crate::Db, id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.map(|(h,)| h))
}

/// Replaces a password hash only if it is still `old`; false when it changed meanwhile.
#[tracing::instrument(skip_all)]
pub async fn replace_password_hash(tx: &mut Tx, id: &str, old: &str, new: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
        .bind(new)
        .bind(id)
        .bind(old)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
