//! Custom roles a tenant defines from permission strings. Built-in roles live in the domain crate.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    JsonText, Result,
};

pub static ROLES: ResourceDef = ResourceDef {
    entity: "role",
    table: "roles",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("description", Text).search(),
        Column::new("permissions", Json),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A custom role.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Role {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub permissions: JsonText<Vec<String>>,
}

crate::impl_record!(Role);

/// How many live users hold the role `name` in the tenant.
#[tracing::instrument(skip_all)]
pub async fn users_holding(tx: &mut crate::Tx, tenant_id: &str, name: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE tenant_id = $1 AND LOWER(role) = $2 AND deleted_at IS NULL")
            .bind(tenant_id)
            .bind(name.to_lowercase())
            .fetch_one(&mut **tx)
            .await?;
    Ok(n)
}

/// The permissions of the tenant's custom role `name`, if it exists.
#[tracing::instrument(skip_all)]
pub async fn permissions_of(tx: &mut crate::Tx, tenant_id: &str, name: &str) -> Result<Option<Vec<String>>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT permissions FROM roles WHERE tenant_id = $1 AND name_key = $2 AND deleted_at IS NULL")
            .bind(tenant_id)
            .bind(name.to_lowercase())
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|(p,)| serde_json::from_str(&p).map_err(|e| crate::StoreError::Corrupt(e.to_string()))).transpose()
}
