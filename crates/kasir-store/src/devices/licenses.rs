//! Device licences: issued to a tenant with a number of seats (`max_devices`) and an expiry; a
//! device takes a seat by activating with the licence key and gives it back by deactivating.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Db, Result, StoreError, Tx};

/// A licence as the platform operator and the tenant see it (never its key).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct License {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The last characters of the key, to recognise it.
    pub key_hint: String,
    pub plan: String,
    pub max_devices: i64,
    pub expires_at: Option<String>,
    /// `active` or `revoked`.
    pub status: String,
    pub revoked_at: Option<String>,
    /// Devices holding a seat now.
    pub active_devices: i64,
}
crate::impl_record!(License);

/// A device's seat of a licence.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Activation {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub license_id: String,
    #[schema(format = Uuid)]
    pub device_id: String,
    pub device_name: String,
    pub activated_at: String,
    /// The last activation or verification.
    pub verified_at: String,
    /// Set when the device gave its seat back.
    pub deactivated_at: Option<String>,
}

const COLUMNS: &str = "l.id, l.tenant_id, l.version, l.created_at, l.updated_at, l.key_hint, l.plan, l.max_devices,
    l.expires_at, l.status, l.revoked_at,
    (SELECT COUNT(*) FROM license_activations a WHERE a.license_id = l.id AND a.deactivated_at IS NULL) AS active_devices";

/// What a new licence records.
#[derive(Debug, Clone)]
pub struct NewLicense {
    pub id: String,
    pub tenant_id: String,
    pub key_hash: String,
    pub key_hint: String,
    pub plan: String,
    pub max_devices: i64,
    pub expires_at: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, l: &NewLicense) -> Result<License> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO licenses (id, tenant_id, version, created_at, updated_at, key_hash, key_hint, plan, max_devices, expires_at, status)
         VALUES ($1, $2, 1, $3, $3, $4, $5, $6, $7, $8, 'active')",
    )
    .bind(&l.id)
    .bind(&l.tenant_id)
    .bind(&now)
    .bind(&l.key_hash)
    .bind(&l.key_hint)
    .bind(&l.plan)
    .bind(l.max_devices)
    .bind(l.expires_at.clone())
    .execute(&mut **tx)
    .await?;
    get_on(tx, &l.id, None).await?.ok_or(StoreError::NotFound)
}

async fn get_on(conn: &mut sqlx::AnyConnection, id: &str, tenant_id: Option<&str>) -> Result<Option<License>> {
    let mut sql = format!("SELECT {COLUMNS} FROM licenses l WHERE l.id = $1");
    if tenant_id.is_some() {
        sql.push_str(" AND l.tenant_id = $2");
    }
    let mut q = sqlx::query_as::<_, License>(&sql).bind(id);
    if let Some(t) = tenant_id {
        q = q.bind(t);
    }
    Ok(q.fetch_optional(&mut *conn).await?)
}

/// A licence by id, of `tenant_id` only when given.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str, tenant_id: Option<&str>) -> Result<License> {
    let mut conn = db.reader().acquire().await?;
    get_on(&mut conn, id, tenant_id).await?.ok_or(StoreError::NotFound)
}

/// Licences, newest first, of one tenant or of all.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, tenant_id: Option<&str>, page: i64, per_page: i64) -> Result<(Vec<License>, i64)> {
    let filter = if tenant_id.is_some() { " WHERE l.tenant_id = $1" } else { "" };
    let count_sql = format!("SELECT COUNT(*) FROM licenses l{filter}");
    let list_sql = format!(
        "SELECT {COLUMNS} FROM licenses l{filter} ORDER BY l.created_at DESC, l.id DESC LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    );
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
    let mut rows = sqlx::query_as::<_, License>(&list_sql);
    if let Some(t) = tenant_id {
        count = count.bind(t);
        rows = rows.bind(t);
    }
    let (total,) = count.fetch_one(db.reader()).await?;
    Ok((rows.fetch_all(db.reader()).await?, total))
}

/// The licence whose key hashes to `key_hash`, locked for a change of its seats (PostgreSQL), or `None`.
#[tracing::instrument(skip_all)]
pub async fn lock_by_key(tx: &mut Tx, key_hash: &str) -> Result<Option<License>> {
    if tx.backend() == crate::Backend::Postgres {
        sqlx::query("SELECT id FROM licenses WHERE key_hash = $1 FOR UPDATE").bind(key_hash).execute(&mut **tx).await?;
    }
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM licenses l WHERE l.key_hash = $1"))
        .bind(key_hash)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The activations of a licence, oldest first.
#[tracing::instrument(skip_all)]
pub async fn activations(db: &Db, license_id: &str) -> Result<Vec<Activation>> {
    Ok(sqlx::query_as(
        "SELECT id, license_id, device_id, device_name, activated_at, verified_at, deactivated_at
         FROM license_activations WHERE license_id = $1 ORDER BY activated_at, id",
    )
    .bind(license_id)
    .fetch_all(db.reader())
    .await?)
}

/// The device's seat of the licence, if it holds one.
#[tracing::instrument(skip_all)]
pub async fn seat(tx: &mut Tx, license_id: &str, device_id: &str) -> Result<Option<Activation>> {
    Ok(sqlx::query_as(
        "SELECT id, license_id, device_id, device_name, activated_at, verified_at, deactivated_at
         FROM license_activations WHERE license_id = $1 AND device_id = $2 AND deactivated_at IS NULL",
    )
    .bind(license_id)
    .bind(device_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Gives the device a seat (the caller checked there is one free).
#[tracing::instrument(skip_all)]
pub async fn take_seat(tx: &mut Tx, license: &License, device_id: &str, device_name: &str) -> Result<Activation> {
    let now = kasir_domain::time::now();
    let id = kasir_domain::ids::new_id();
    sqlx::query(
        "INSERT INTO license_activations (id, tenant_id, license_id, device_id, device_name, activated_at, verified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(&license.tenant_id)
    .bind(&license.id)
    .bind(device_id)
    .bind(device_name)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    seat(tx, &license.id, device_id).await?.ok_or(StoreError::NotFound)
}

/// Records a verification of the device's seat.
#[tracing::instrument(skip_all)]
pub async fn verified(tx: &mut Tx, activation_id: &str) -> Result<()> {
    sqlx::query("UPDATE license_activations SET verified_at = $1 WHERE id = $2")
        .bind(kasir_domain::time::now())
        .bind(activation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Frees the device's seat; whether it held one.
#[tracing::instrument(skip_all)]
pub async fn free_seat(tx: &mut Tx, license_id: &str, device_id: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE license_activations SET deactivated_at = $1 WHERE license_id = $2 AND device_id = $3 AND deactivated_at IS NULL",
    )
    .bind(kasir_domain::time::now())
    .bind(license_id)
    .bind(device_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE devices SET license_id = NULL WHERE id = $1 AND license_id = $2")
        .bind(device_id)
        .bind(license_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Revokes a licence: its tokens stop verifying and its devices may no longer push where the
/// tenant requires a licence.
#[tracing::instrument(skip_all)]
pub async fn revoke(tx: &mut Tx, id: &str) -> Result<License> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "UPDATE licenses SET status = 'revoked', revoked_at = $1, updated_at = $1, version = version + 1
         WHERE id = $2 AND status = 'active'",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    get_on(tx, id, None).await?.ok_or(StoreError::NotFound)
}

/// Whether `device_id` holds a seat of a live licence of the tenant, verified since `since`.
#[tracing::instrument(skip_all)]
pub async fn device_licensed(db: &Db, tenant_id: &str, device_id: &str, now: &str, since: &str) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT a.id FROM license_activations a JOIN licenses l ON l.id = a.license_id
         WHERE a.tenant_id = $1 AND a.device_id = $2 AND a.deactivated_at IS NULL AND a.verified_at >= $3
           AND l.status = 'active' AND (l.expires_at IS NULL OR l.expires_at > $4)",
    )
    .bind(tenant_id)
    .bind(device_id)
    .bind(since)
    .bind(now)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.is_some())
}

/// Registers (or renames) the device in the licence's tenant with its licence. `Conflict` when
/// the id is another tenant's device.
#[tracing::instrument(skip_all)]
pub async fn register_device(tx: &mut Tx, license: &License, device_id: &str, name: &str) -> Result<()> {
    let now = kasir_domain::time::now();
    let owner: Option<(String,)> =
        sqlx::query_as("SELECT tenant_id FROM devices WHERE id = $1").bind(device_id).fetch_optional(&mut **tx).await?;
    match owner {
        Some((t,)) if t != license.tenant_id => return Err(StoreError::Conflict { field: "device_id".into() }),
        Some(_) => {
            sqlx::query(
                "UPDATE devices SET license_id = $1, last_seen_at = $2, updated_at = $2, version = version + 1 WHERE id = $3",
            )
            .bind(&license.id)
            .bind(&now)
            .bind(device_id)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO devices (id, tenant_id, version, created_at, updated_at, name, last_seen_at, license_id, is_active)
                 VALUES ($1, $2, 1, $3, $3, $4, $3, $5, 1)",
            )
            .bind(device_id)
            .bind(&license.tenant_id)
            .bind(&now)
            .bind(name)
            .bind(&license.id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
