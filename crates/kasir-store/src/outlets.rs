//! Outlets: the shops and restaurants of a tenant.

use serde::Serialize;
use utoipa::ToSchema;

use crate::crud::{ColType::*, Column, OutletScope, ResourceDef};

pub static OUTLETS: ResourceDef = ResourceDef {
    entity: "outlet",
    table: "outlets",
    columns: &[
        Column::new("name", Text).filter().sort().search(),
        Column::new("code", Text).filter().sort().search(),
        Column::new("address", Text).search(),
        Column::new("phone", Text).filter(),
        Column::new("timezone", Text).filter(),
        Column::new("receipt_header", Text),
        Column::new("receipt_footer", Text),
        Column::new("is_active", Bool).filter().sort(),
    ],
    outlet_scope: OutletScope::SelfId,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// An outlet as the API serves it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Outlet {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    pub code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub timezone: String,
    pub receipt_header: Option<String>,
    pub receipt_footer: Option<String>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: crate::Flag,
}

crate::impl_record!(Outlet);

/// The ids of the tenant's live outlets among `ids` (to check references a client sends).
pub async fn existing_ids(tx: &mut crate::Tx, tenant_id: &str, ids: &[String]) -> crate::Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new("SELECT id FROM outlets WHERE tenant_id = ");
    sql.bind(tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
