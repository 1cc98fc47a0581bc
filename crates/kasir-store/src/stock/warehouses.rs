//! Warehouses hold stock. Every outlet has a default one; more can be added (a back room, a
//! central store with no outlet).

use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    feed::Change,
    Flag, Result, Scope, Tx, Value,
};

pub static WAREHOUSES: ResourceDef = ResourceDef {
    entity: "warehouse",
    table: "warehouses",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("is_default", Bool).filter(),
        Column::new("is_active", Bool).filter().sort(),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A warehouse.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Warehouse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    /// The warehouse an outlet sells from.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_default: Flag,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}

crate::impl_record!(Warehouse);

/// The default warehouse of a new outlet, in the outlet's transaction.
#[tracing::instrument(skip_all)]
pub async fn create_default(tx: &mut Tx, scope: &Scope, outlet_id: &str, outlet_name: &str) -> Result<Warehouse> {
    let name = format!("{outlet_name} (main)");
    let values = default_values(outlet_id, &name);
    crate::crud::create(tx, &WAREHOUSES, scope, &kasir_domain::ids::new_id(), &values).await
}

fn default_values(outlet_id: &str, name: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("outlet_id", Value::from(outlet_id)),
        ("name", Value::from(name)),
        ("name_key", Value::from(name.to_lowercase())),
        ("is_default", Value::from(true)),
        ("is_active", Value::from(true)),
    ]
}

/// Migration 3's data step: gives every live outlet without one a default warehouse, feed row included.
#[tracing::instrument(skip_all)]
pub(crate) async fn create_missing_defaults(conn: &mut AnyConnection) -> Result<()> {
    let outlets: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.tenant_id, o.name FROM outlets o WHERE o.deleted_at IS NULL AND NOT EXISTS
           (SELECT 1 FROM warehouses w WHERE w.outlet_id = o.id AND w.is_default = 1 AND w.deleted_at IS NULL)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut changes = Vec::new();
    let now = kasir_domain::time::now();
    for (outlet_id, tenant_id, outlet_name) in outlets {
        let id = kasir_domain::ids::new_id();
        let name = format!("{outlet_name} (main)");
        sqlx::query(
            "INSERT INTO warehouses (id, tenant_id, outlet_id, name, name_key, is_default, is_active, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, 1, 1, $6, $6)",
        )
        .bind(&id)
        .bind(&tenant_id)
        .bind(&outlet_id)
        .bind(&name)
        .bind(name.to_lowercase())
        .bind(&now)
        .execute(&mut *conn)
        .await?;
        let data = serde_json::json!({
            "id": id, "tenant_id": tenant_id, "version": 1, "created_at": now, "updated_at": now,
            "outlet_id": outlet_id, "name": name, "is_default": true, "is_active": true,
        });
        changes.push(Change {
            tenant_id,
            entity: "warehouse",
            entity_id: id,
            op: "upsert",
            version: 1,
            outlet_id: Some(outlet_id),
            data: data.to_string(),
            updated_at: now.clone(),
        });
    }
    crate::feed::append(conn, changes).await
}
