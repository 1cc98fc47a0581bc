//! `/warehouses`: where stock is kept. Each outlet has a default one that cannot be deleted.

use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    stock::warehouses::{Warehouse, WAREHOUSES},
    tenancy::outlets::{Outlet, OUTLETS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, find_ref, new_record_id, Resource};
use crate::{api::ApiError, auth::Principal};

pub struct Warehouses;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWarehouse {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The outlet it belongs to; none for a central store (needs a user who sees every outlet).
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWarehouse {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

impl Resource for Warehouses {
    type Record = Warehouse;
    type Create = CreateWarehouse;
    type Update = UpdateWarehouse;
    const DEF: &'static ResourceDef = &WAREHOUSES;
    const PATH: &'static str = "/warehouses";
    const TAG: &'static str = "stock";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateWarehouse) -> Result<Warehouse, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        if b.outlet_id.is_none() && scope.outlets.is_some() {
            v.add("outlet_id", "is required for users who see only some outlets");
        }
        v.finish().map_err(ApiError::Validation)?;
        let outlet = match &b.outlet_id {
            None => None,
            Some(raw) => {
                let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", raw, "outlet").await?;
                Some(outlet.id)
            }
        };
        let values = [
            ("outlet_id", Value::Text(outlet)),
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("is_default", Value::from(false)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        Ok(crud::create(tx, &WAREHOUSES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Warehouse,
        version: Option<i64>,
        b: UpdateWarehouse,
    ) -> Result<Warehouse, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(n) = &b.name {
            let n = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(n.to_lowercase())));
            values.push(("name", Value::from(n)));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &WAREHOUSES, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Warehouse,
        version: Option<i64>,
    ) -> Result<Warehouse, ApiError> {
        if current.is_default.0 {
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::DefaultWarehouse,
                message: "an outlet's default warehouse cannot be deleted".into(),
            });
        }
        Ok(crud::soft_delete(tx, &WAREHOUSES, scope, &current.id, version).await?)
    }
}
