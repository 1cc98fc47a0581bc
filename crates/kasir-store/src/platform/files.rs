//! Records of uploaded and temporary files (their bytes are in the server's file store).

use serde::Serialize;

use crate::{Db, Result};

/// An uploaded file.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredFile {
    pub id: String,
    pub tenant_id: Option<String>,
    pub purpose: String,
    /// The client's name for it, for display and downloads only.
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str =
    "id, tenant_id, purpose, name, content_type, size, storage_key, thumbnail_key, created_by, created_at";

#[tracing::instrument(skip_all)]
pub async fn insert(db: &Db, f: &StoredFile) -> Result<()> {
    sqlx::query(&format!("INSERT INTO files ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(&f.id)
        .bind(f.tenant_id.clone())
        .bind(&f.purpose)
        .bind(&f.name)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(&f.storage_key)
        .bind(f.thumbnail_key.clone())
        .bind(f.created_by.clone())
        .bind(&f.created_at)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// A file by id, of any tenant (the caller decides who may read it).
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Option<StoredFile>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM files WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?)
}

/// A temporary file, served once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TempFile {
    pub name: String,
    pub tenant_id: Option<String>,
    pub download_name: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub created_at: String,
    pub expires_at: String,
}

const TEMP_COLUMNS: &str = "name, tenant_id, download_name, content_type, size, storage_key, created_at, expires_at";

#[tracing::instrument(skip_all)]
pub async fn insert_temp(db: &Db, f: &TempFile) -> Result<()> {
    sqlx::query(&format!("INSERT INTO temp_files ({TEMP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(&f.name)
        .bind(f.tenant_id.clone())
        .bind(&f.download_name)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(&f.storage_key)
        .bind(&f.created_at)
        .bind(&f.expires_at)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Takes the temporary file `name` if it has not expired: its record is deleted, so a second
/// download finds nothing (the caller deletes its bytes after serving them).
#[tracing::instrument(skip_all)]
pub async fn take_temp(db: &Db, name: &str, now: &str) -> Result<Option<TempFile>> {
    Ok(sqlx::query_as(&format!("DELETE FROM temp_files WHERE name = $1 AND expires_at > $2 RETURNING {TEMP_COLUMNS}"))
        .bind(name)
        .bind(now)
        .fetch_optional(db.writer())
        .await?)
}

/// Deletes the records of temporary files that expired before `now`; their storage keys.
#[tracing::instrument(skip_all)]
pub async fn take_expired_temp(db: &Db, now: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("DELETE FROM temp_files WHERE expires_at <= $1 RETURNING storage_key")
        .bind(now)
        .fetch_all(db.writer())
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Which of `ids` are files of the tenant, read in the transaction.
#[tracing::instrument(skip_all)]
pub async fn of_tenant(tx: &mut crate::Tx, tenant_id: &str, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new("SELECT id FROM files WHERE tenant_id = ");
    sql.bind(tenant_id).push(" AND id IN ").bind_list(ids);
    Ok(sql.query_as::<(String,)>().fetch_all(&mut **tx).await?.into_iter().map(|(id,)| id).collect())
}
