//! Devices: the tills, tablets and phones of a tenant that work offline and push their changes.
//! A device is known by its own id (`X-Device-Id`) from its first push or licence activation.

pub mod licenses;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, Flag, Result,
};

pub static DEVICES: ResourceDef = ResourceDef {
    entity: "device",
    table: "devices",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("outlet_id", Text).filter(),
        Column::new("platform", Text).filter(),
        Column::new("app_version", Text),
        Column::new("last_seen_at", Text).sort(),
        Column::new("last_push_at", Text).sort(),
        Column::new("license_id", Text).filter(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A device of the tenant.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Device {
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    /// The outlet it works at, when it is tied to one.
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    pub platform: Option<String>,
    pub app_version: Option<String>,
    pub last_seen_at: Option<String>,
    pub last_push_at: Option<String>,
    #[schema(format = Uuid)]
    pub license_id: Option<String>,
    /// An inactive device may not push (403).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Device);

/// What a push finds about its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Known (or just registered) and active.
    Active,
    /// Deactivated by the tenant.
    Inactive,
    /// The id belongs to a device of another tenant.
    Foreign,
}

/// Registers `device_id` in the tenant on its first push and stamps its last push; whether it may push.
#[tracing::instrument(skip_all)]
pub async fn admit_push(db: &Db, tenant_id: &str, device_id: &str) -> Result<Admission> {
    let now = kasir_domain::time::now();
    let known: Option<(String, i64)> = sqlx::query_as("SELECT tenant_id, is_active FROM devices WHERE id = $1")
        .bind(device_id)
        .fetch_optional(db.reader())
        .await?;
    match known {
        Some((tenant, _)) if tenant != tenant_id => return Ok(Admission::Foreign),
        Some((_, 0)) => return Ok(Admission::Inactive),
        Some(_) => {
            sqlx::query("UPDATE devices SET last_push_at = $1, last_seen_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(device_id)
                .execute(db.writer())
                .await?;
        }
        None => {
            let name = format!("Device {}", device_id.chars().take(8).collect::<String>());
            let inserted = sqlx::query(
                "INSERT INTO devices (id, tenant_id, version, created_at, updated_at, name, last_seen_at, last_push_at, is_active)
                 VALUES ($1, $2, 1, $3, $3, $4, $3, $3, 1) ON CONFLICT (id) DO NOTHING",
            )
            .bind(device_id)
            .bind(tenant_id)
            .bind(&now)
            .bind(name)
            .execute(db.writer())
            .await?;
            if inserted.rows_affected() == 0 {
                // Registered meanwhile by a concurrent push: decide on what is there now.
                return Box::pin(admit_push(db, tenant_id, device_id)).await;
            }
        }
    }
    Ok(Admission::Active)
}
