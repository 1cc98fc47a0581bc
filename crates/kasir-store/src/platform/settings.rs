//! Installation-wide settings kept in the database, such as a generated JWT secret.

use crate::{Db, Result};

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(db.writer()).await?;
    Ok(row.map(|(v,)| v))
}

/// Stores `value` unless the key already has one, and returns whichever value is kept. Several
/// nodes starting at once therefore agree on one value.
#[tracing::instrument(skip_all)]
pub async fn get_or_insert(db: &Db, key: &str, value: &str) -> Result<String> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(db.writer())
        .await?;
    let (v,): (String,) =
        sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key).fetch_one(db.writer()).await?;
    Ok(v)
}
