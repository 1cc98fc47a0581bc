//! `/devices`: the tills, tablets and phones of a tenant. A device appears when it first pushes
//! (or activates a licence); the tenant names it, ties it to an outlet, and may deactivate it,
//! which stops its pushes (403).

pub mod licenses;
pub mod signing;

use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    devices::{Device, DEVICES},
    tenancy::outlets::{Outlet, OUTLETS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        resource::{expected_version, find_ref, new_record_id, nullable, Resource},
        ApiError,
    },
    auth::Principal,
};

pub struct Devices;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDevice {
    /// The device's own id (what it sends as `X-Device-Id`).
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    #[schema(max_length = 50)]
    pub platform: Option<String>,
    #[schema(max_length = 50)]
    pub app_version: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDevice {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub outlet_id: Option<Option<String>>,
    #[schema(max_length = 50)]
    pub platform: Option<String>,
    #[schema(max_length = 50)]
    pub app_version: Option<String>,
    /// `false` stops the device's pushes.
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

async fn outlet(tx: &mut Tx, scope: &Scope, raw: Option<&str>) -> Result<Value, ApiError> {
    match raw {
        None => Ok(Value::Text(None)),
        Some(raw) => {
            let o: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", raw, "outlet").await?;
            Ok(Value::from(o.id.as_str()))
        }
    }
}

impl Resource for Devices {
    type Record = Device;
    type Create = CreateDevice;
    type Update = UpdateDevice;
    const DEF: &'static ResourceDef = &DEVICES;
    const PATH: &'static str = "/devices";
    const TAG: &'static str = "devices";
    const READ: Permission = Permission::DevicesManage;
    const WRITE: Permission = Permission::DevicesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDevice) -> Result<Device, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let platform = v.opt_text("platform", b.platform.as_deref(), 50);
        let app_version = v.opt_text("app_version", b.app_version.as_deref(), 50);
        v.finish().map_err(ApiError::Validation)?;
        let values = [
            ("name", Value::from(name)),
            ("outlet_id", outlet(tx, scope, b.outlet_id.as_deref()).await?),
            ("platform", Value::Text(platform)),
            ("app_version", Value::Text(app_version)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        Ok(crud::create(tx, &DEVICES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Device,
        version: Option<i64>,
        b: UpdateDevice,
    ) -> Result<Device, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        if let Some(p) = &b.platform {
            values.push(("platform", Value::Text(v.opt_text("platform", Some(p), 50))));
        }
        if let Some(a) = &b.app_version {
            values.push(("app_version", Value::Text(v.opt_text("app_version", Some(a), 50))));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        if let Some(o) = &b.outlet_id {
            values.push(("outlet_id", outlet(tx, scope, o.as_deref()).await?));
        }
        Ok(crud::update(tx, &DEVICES, scope, &current.id, version, &values).await?)
    }
}
