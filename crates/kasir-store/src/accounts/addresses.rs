//! A customer's addresses. At most one is the default (a partial unique index holds it whatever
//! calls race), and while any address exists exactly one is: the first becomes the default, and
//! deleting the default makes the most recent other one the default.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Db, Result, StoreError, Tx};

/// An address as the API shows it (coordinates in degrees).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Address {
    #[schema(format = Uuid)]
    pub id: String,
    pub label: String,
    pub recipient_name: String,
    pub phone_number: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_default: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    label: String,
    recipient_name: String,
    phone_number: String,
    address: String,
    latitude_e7: Option<i64>,
    longitude_e7: Option<i64>,
    is_default: i64,
    version: i64,
    created_at: String,
    updated_at: String,
}

impl From<Row> for Address {
    fn from(r: Row) -> Address {
        Address {
            id: r.id,
            label: r.label,
            recipient_name: r.recipient_name,
            phone_number: r.phone_number,
            address: r.address,
            latitude: r.latitude_e7.map(from_e7),
            longitude: r.longitude_e7.map(from_e7),
            is_default: r.is_default == 1,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Degrees to the stored ten-millionths.
pub fn to_e7(degrees: f64) -> i64 {
    (degrees * 1e7).round() as i64
}

fn from_e7(e7: i64) -> f64 {
    e7 as f64 / 1e7
}

const COLUMNS: &str =
    "id, label, recipient_name, phone_number, address, latitude_e7, longitude_e7, is_default, version, \
                       created_at, updated_at";

/// An address's fields as written.
#[derive(Debug, Clone)]
pub struct Fields {
    pub label: String,
    pub recipient_name: String,
    pub phone_number: String,
    pub address: String,
    pub latitude_e7: Option<i64>,
    pub longitude_e7: Option<i64>,
}

/// The account's live addresses, the default first, then the newest.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, account_id: &str) -> Result<Vec<Address>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customer_addresses WHERE account_id = $1 AND deleted_at IS NULL
         ORDER BY is_default DESC, created_at DESC, id DESC"
    ))
    .bind(account_id)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(Address::from).collect())
}

async fn get_in(tx: &mut Tx, account_id: &str, id: &str) -> Result<Address> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customer_addresses WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(Address::from).ok_or(StoreError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, account_id: &str, id: &str) -> Result<Address> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customer_addresses WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(db.reader())
    .await?;
    row.map(Address::from).ok_or(StoreError::NotFound)
}

/// Serializes the account's address changes (the account row's lock on PostgreSQL; SQLite has
/// one writer), so that "which is the default" is decided by one call at a time.
async fn lock_account(tx: &mut Tx, account_id: &str) -> Result<()> {
    super::get_for_update(tx, account_id).await?.ok_or(StoreError::NotFound)?;
    Ok(())
}

async fn count_live(tx: &mut Tx, account_id: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM customer_addresses WHERE account_id = $1 AND deleted_at IS NULL")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n)
}

async fn clear_default(tx: &mut Tx, account_id: &str, now: &str) -> Result<()> {
    sqlx::query(
        "UPDATE customer_addresses SET is_default = 0, version = version + 1, updated_at = $1
         WHERE account_id = $2 AND is_default = 1 AND deleted_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn mark_default(tx: &mut Tx, id: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE customer_addresses SET is_default = 1, version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds an address; it is the default when asked or when it is the account's first.
#[tracing::instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    tenant_id: &str,
    account_id: &str,
    id: &str,
    f: &Fields,
    make_default: bool,
) -> Result<Address> {
    lock_account(tx, account_id).await?;
    let now = kasir_domain::time::now();
    let is_default = make_default || count_live(tx, account_id).await? == 0;
    if is_default {
        clear_default(tx, account_id, &now).await?;
    }
    sqlx::query(
        "INSERT INTO customer_addresses (id, tenant_id, account_id, label, recipient_name, phone_number, address,
             latitude_e7, longitude_e7, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(account_id)
    .bind(&f.label)
    .bind(&f.recipient_name)
    .bind(&f.phone_number)
    .bind(&f.address)
    .bind(f.latitude_e7)
    .bind(f.longitude_e7)
    .bind(i64::from(is_default))
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    get_in(tx, account_id, id).await
}

/// Changes an address's fields (at `version` when given: `VersionConflict` otherwise).
#[tracing::instrument(skip_all)]
pub async fn update(tx: &mut Tx, account_id: &str, id: &str, f: &Fields, version: Option<i64>) -> Result<Address> {
    lock_account(tx, account_id).await?;
    let current = get_in(tx, account_id, id).await?;
    if version.is_some_and(|v| v != current.version) {
        return Err(StoreError::VersionConflict { current: current.version });
    }
    sqlx::query(
        "UPDATE customer_addresses SET label = $1, recipient_name = $2, phone_number = $3, address = $4,
             latitude_e7 = $5, longitude_e7 = $6, version = version + 1, updated_at = $7 WHERE id = $8",
    )
    .bind(&f.label)
    .bind(&f.recipient_name)
    .bind(&f.phone_number)
    .bind(&f.address)
    .bind(f.latitude_e7)
    .bind(f.longitude_e7)
    .bind(kasir_domain::time::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    get_in(tx, account_id, id).await
}

/// Makes an address the default (the previous default stops being one).
#[tracing::instrument(skip_all)]
pub async fn set_default(tx: &mut Tx, account_id: &str, id: &str) -> Result<Address> {
    lock_account(tx, account_id).await?;
    let current = get_in(tx, account_id, id).await?;
    if current.is_default {
        return Ok(current);
    }
    let now = kasir_domain::time::now();
    clear_default(tx, account_id, &now).await?;
    mark_default(tx, id, &now).await?;
    get_in(tx, account_id, id).await
}

/// Deletes an address; when it was the default, the newest other address becomes the default.
#[tracing::instrument(skip_all)]
pub async fn delete(tx: &mut Tx, account_id: &str, id: &str) -> Result<()> {
    lock_account(tx, account_id).await?;
    let current = get_in(tx, account_id, id).await?;
    let now = kasir_domain::time::now();
    sqlx::query(
        "UPDATE customer_addresses SET deleted_at = $1, is_default = 0, version = version + 1, updated_at = $1 WHERE id = $2",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if current.is_default {
        let next: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM customer_addresses WHERE account_id = $1 AND deleted_at IS NULL
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((next,)) = next {
            mark_default(tx, &next, &now).await?;
        }
    }
    Ok(())
}
