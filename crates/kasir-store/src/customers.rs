//! Customers of a tenant, shared by its outlets.

use serde::Serialize;
use utoipa::ToSchema;

use crate::crud::{ColType::*, Column, OutletScope, ResourceDef};

pub static CUSTOMERS: ResourceDef = ResourceDef {
    entity: "customer",
    table: "customers",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("phone", Text).filter().search(),
        Column::new("email", Text).filter().search(),
        Column::new("address", Text),
        Column::new("notes", Text),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A customer of the tenant (shared by its outlets).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Customer {
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
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}
crate::impl_record!(Customer);

/// The tenant's customer record with this email (compared lower-cased), if there is one.
#[tracing::instrument(skip_all)]
pub async fn by_email(tx: &mut crate::Tx, tenant_id: &str, email_key: &str) -> crate::Result<Option<Customer>> {
    let sql = format!(
        "SELECT {} FROM customers WHERE tenant_id = $1 AND LOWER(email) = $2 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1",
        CUSTOMERS.select_list()
    );
    Ok(sqlx::query_as(&sql).bind(tenant_id).bind(email_key).fetch_optional(&mut **tx).await?)
}
