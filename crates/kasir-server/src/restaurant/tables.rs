//! `/halls`, `/tables` and `/stations`, the restaurant's plain resources, and `/table-sessions`
//! with their QR codes.

use kasir_domain::{Permission, Violations};
use kasir_store::{
    catalog::CATEGORIES,
    crud::{self, ResourceDef},
    restaurant::{Hall, Station, Table, HALLS, STATIONS, TABLES, TABLE_STATUSES},
    tenancy::outlets::{Outlet, OUTLETS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{self, expected_version, find_ref, new_record_id, nullable, Resource};
use crate::{
    api::{openapi::ApiRouter, ApiError},
    auth::Principal,
    state::AppState,
};

/// Every route of the restaurant's resources.
pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = resource::routes::<Halls>(api);
    let api = resource::routes::<Tables>(api);
    let api = resource::routes::<Stations>(api);
    super::sessions::routes(api)
}

fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
}

pub struct Halls;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHall {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHall {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Halls {
    type Record = Hall;
    type Create = CreateHall;
    type Update = UpdateHall;
    const DEF: &'static ResourceDef = &HALLS;
    const PATH: &'static str = "/halls";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateHall) -> Result<Hall, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        finish(v)?;
        let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", &b.outlet_id, "outlet").await?;
        values.push(("outlet_id", Value::from(outlet.id)));
        Ok(crud::create(tx, &HALLS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Hall,
        version: Option<i64>,
        b: UpdateHall,
    ) -> Result<Hall, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        finish(v)?;
        Ok(crud::update(tx, &HALLS, scope, &current.id, version, &values).await?)
    }
}

pub struct Tables;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTable {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub hall_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(minimum = 1, maximum = 100)]
    pub seats: Option<i64>,
    /// `free` (default), `occupied` or `reserved`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTable {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub hall_id: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub seats: Option<i64>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn status(v: &mut Violations, raw: &str) -> Value {
    if !TABLE_STATUSES.contains(&raw) {
        v.add("status", "must be free, occupied or reserved");
    }
    Value::from(raw)
}

/// The hall `raw`, which must be at `outlet_id`.
async fn hall_at(tx: &mut Tx, scope: &Scope, raw: &str, outlet_id: &str) -> Result<String, ApiError> {
    let hall: Hall = find_ref(tx, &HALLS, scope, "hall_id", raw, "hall").await?;
    if hall.outlet_id != outlet_id {
        return Err(ApiError::field("hall_id", "is a hall of another outlet"));
    }
    Ok(hall.id)
}

impl Resource for Tables {
    type Record = Table;
    type Create = CreateTable;
    type Update = UpdateTable;
    const DEF: &'static ResourceDef = &TABLES;
    const PATH: &'static str = "/tables";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateTable) -> Result<Table, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        values.push(("seats", Value::from(v.range("seats", b.seats.unwrap_or(2), 1, 100))));
        values.push(("status", status(&mut v, b.status.as_deref().unwrap_or("free"))));
        finish(v)?;
        let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", &b.outlet_id, "outlet").await?;
        let hall = match &b.hall_id {
            Some(raw) => Some(hall_at(tx, scope, raw, &outlet.id).await?),
            None => None,
        };
        values.push(("outlet_id", Value::from(outlet.id)));
        values.push(("hall_id", Value::Text(hall)));
        Ok(crud::create(tx, &TABLES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Table,
        version: Option<i64>,
        b: UpdateTable,
    ) -> Result<Table, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        if let Some(s) = b.seats {
            values.push(("seats", Value::from(v.range("seats", s, 1, 100))));
        }
        if let Some(s) = &b.status {
            values.push(("status", status(&mut v, s)));
        }
        finish(v)?;
        match &b.hall_id {
            Some(Some(raw)) => {
                values.push(("hall_id", Value::from(hall_at(tx, scope, raw, &current.outlet_id).await?)))
            }
            Some(None) => values.push(("hall_id", Value::Text(None))),
            None => {}
        }
        Ok(crud::update(tx, &TABLES, scope, &current.id, version, &values).await?)
    }
}

pub struct Stations;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStation {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The outlet it is at; none for every outlet.
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The categories whose items it prepares.
    pub category_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStation {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub category_ids: Option<Vec<String>>,
    pub version: Option<i64>,
}

/// Checks category ids, sorted and unique (404 naming the one not found).
async fn categories(tx: &mut Tx, scope: &Scope, raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.len() > 500 {
        return Err(ApiError::field("category_ids", "must have at most 500 entries"));
    }
    let mut ids = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let c: kasir_store::catalog::Category =
            find_ref(tx, &CATEGORIES, scope, &format!("category_ids[{i}]"), r, "category").await?;
        ids.push(c.id);
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

impl Resource for Stations {
    type Record = Station;
    type Create = CreateStation;
    type Update = UpdateStation;
    const DEF: &'static ResourceDef = &STATIONS;
    const PATH: &'static str = "/stations";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateStation) -> Result<Station, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        finish(v)?;
        let outlet = match &b.outlet_id {
            Some(raw) => Some(find_ref::<Outlet>(tx, &OUTLETS, scope, "outlet_id", raw, "outlet").await?.id),
            None => None,
        };
        values.push(("outlet_id", Value::Text(outlet)));
        values.push(("category_ids", Value::json(&categories(tx, scope, &b.category_ids).await?)));
        Ok(crud::create(tx, &STATIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Station,
        version: Option<i64>,
        b: UpdateStation,
    ) -> Result<Station, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        finish(v)?;
        if let Some(c) = &b.category_ids {
            values.push(("category_ids", Value::json(&categories(tx, scope, c).await?)));
        }
        Ok(crud::update(tx, &STATIONS, scope, &current.id, version, &values).await?)
    }
}
