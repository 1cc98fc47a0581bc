//! Vehicles, drivers (each with a login of role `driver`) and the drivers' location pings. A ping
//! is telemetry, not a record: it is kept in `driver_locations` (pruned by a job) and the newest
//! one by the device's time is copied onto the driver without a new version.

use kasir_domain::{operations::MaybeDegrees, workforce::Degrees};
use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    Result, Tx,
};

pub static VEHICLES: ResourceDef = def(
    "vehicle",
    "vehicles",
    &[
        Column::new("plate", Text).sort().search(),
        Column::new("plate_key", Text),
        Column::new("type", Text).filter().sort(),
        Column::new("capacity", Int).sort(),
        Column::new("status", Text).filter().sort(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Vehicle {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The licence plate as written (`B 1234 KSR`).
    pub plate: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub plate_key: String,
    /// `truck`, `van`, `motorcycle` or `car`.
    #[sqlx(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// What it carries, in kilograms.
    pub capacity: i64,
    /// `active`, `maintenance` or `inactive`.
    pub status: String,
}
crate::impl_record!(Vehicle);

pub static DRIVERS: ResourceDef = def(
    "driver",
    "drivers",
    &[
        Column::new("user_id", Text).filter(),
        Column::new("name", Text).sort().search(),
        Column::new("license_number", Text).search(),
        Column::new("license_expiry", Text).sort(),
        Column::new("phone", Text).search(),
        Column::new("vehicle_type", Text).filter(),
        Column::new("vehicle_id", Text).filter(),
        Column::new("status", Text).filter().sort(),
        Column::new("last_latitude", Int),
        Column::new("last_longitude", Int),
        Column::new("last_location_at", Text).sort(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Driver {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The driver's login (role `driver`).
    #[schema(format = Uuid)]
    pub user_id: String,
    pub name: String,
    pub license_number: String,
    pub license_expiry: Option<String>,
    pub phone: Option<String>,
    /// The kind of vehicle the driver drives: `truck`, `van`, `motorcycle` or `car`.
    pub vehicle_type: Option<String>,
    #[schema(format = Uuid)]
    pub vehicle_id: Option<String>,
    /// `active`, `on_leave` or `inactive`.
    pub status: String,
    /// The last known position (none before the first ping), in degrees.
    #[sqlx(try_from = "Option<i64>")]
    #[schema(value_type = Option<f64>)]
    pub last_latitude: MaybeDegrees,
    #[sqlx(try_from = "Option<i64>")]
    #[schema(value_type = Option<f64>)]
    pub last_longitude: MaybeDegrees,
    /// When the device took that position.
    pub last_location_at: Option<String>,
}
crate::impl_record!(Driver);

/// One position a driver's device reported.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Ping {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub driver_id: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub latitude: Degrees,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub longitude: Degrees,
    /// When the device took the position.
    pub at: String,
    /// When the server received it.
    pub received_at: String,
}

/// The driver whose login is `user_id`, if any.
#[tracing::instrument(skip_all)]
pub async fn by_user(db: &crate::Db, tenant_id: &str, user_id: &str) -> Result<Option<Driver>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM drivers WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL",
        DRIVERS.select_list()
    ))
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?)
}

/// Records a ping, and makes it the driver's last known position unless a later one is known.
#[tracing::instrument(skip_all)]
pub async fn add_ping(tx: &mut Tx, tenant_id: &str, ping: &Ping) -> Result<()> {
    sqlx::query(
        "INSERT INTO driver_locations (id, tenant_id, driver_id, latitude, longitude, at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&ping.id)
    .bind(tenant_id)
    .bind(&ping.driver_id)
    .bind(ping.latitude.0)
    .bind(ping.longitude.0)
    .bind(&ping.at)
    .bind(&ping.received_at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE drivers SET last_latitude = $1, last_longitude = $2, last_location_at = $3
         WHERE id = $4 AND (last_location_at IS NULL OR last_location_at < $3)",
    )
    .bind(ping.latitude.0)
    .bind(ping.longitude.0)
    .bind(&ping.at)
    .bind(&ping.driver_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A driver's pings taken from `from` up to `to` (both instants in the stored form), oldest first, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn pings(db: &crate::Db, driver_id: &str, from: &str, to: &str, limit: i64) -> Result<Vec<Ping>> {
    Ok(sqlx::query_as(
        "SELECT id, driver_id, latitude, longitude, at, received_at FROM driver_locations
         WHERE driver_id = $1 AND at >= $2 AND at <= $3 ORDER BY at, id LIMIT $4",
    )
    .bind(driver_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// Deletes a tenant's pings received before `before` (an instant in the stored form); returns how many.
#[tracing::instrument(skip_all)]
pub async fn prune_pings(db: &crate::Db, tenant_id: &str, before: &str) -> Result<u64> {
    let mut tx = db.begin(crate::Actor::system()).await?;
    let done = sqlx::query("DELETE FROM driver_locations WHERE tenant_id = $1 AND received_at < $2")
        .bind(tenant_id)
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
