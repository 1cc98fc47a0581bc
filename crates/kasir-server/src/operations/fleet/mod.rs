//! The fleet (`fleet.manage`): vehicles, and drivers who each get a login of role `driver`. A
//! driver reports their own position (`POST /drivers/{id}/location`, at most
//! [`PINGS_PER_MINUTE`]); managers read a driver's track by time and see each driver's last known
//! position on the list. Pings are telemetry (decision 018): kept 90 days, outside the change feed.

use axum::{extract::State, response::Response};
use kasir_domain::{
    operations::{DriverStatus, VehicleStatus, VehicleType},
    validation::{self as val, username_key},
    workforce::Degrees,
    BuiltinRole, Permission, Violations,
};
use kasir_store::{
    auth, crud,
    operations::fleet::{self as store, *},
    tenancy::users::{User, USERS},
    Scope, StoreError, Tx, Value,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        resource::{self, expected_version, find_ref, new_record_id, nullable, Resource},
        ApiError, ApiJson, ApiQuery, IdPath,
    },
    auth::{passwords, Principal},
    state::AppState,
    workforce::resources::{date, finish},
};

/// How many pings a driver may send a minute (a device every 5 seconds at most, on average).
pub const PINGS_PER_MINUTE: i64 = 12;

mod locations;

use locations::{ping, track};
pub use locations::{NewPing, TrackQuery};

pub fn routes(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api = resource::routes::<Vehicles>(api);
    api = resource::routes::<Drivers>(api);
    api.route(
        Method::Post,
        "/drivers/{id}/location",
        ping,
        Op::new("operations", "Report the driver's own position (the driver's login only; rate limited)")
            .path_id("id")
            .body::<NewPing>()
            .created::<Ping>()
            .errors(&[404, 429]),
    )
    .route(
        Method::Get,
        "/drivers/{id}/locations",
        track,
        Op::new("operations", "A driver's positions in a time range, oldest first (at most 5,000)")
            .path_id("id")
            .query::<TrackQuery>()
            .ok_array::<Ping>(),
    )
}

// ---- Vehicles -----------------------------------------------------------------------------

pub struct Vehicles;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVehicle {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 20)]
    pub plate: String,
    /// `truck`, `van`, `motorcycle` or `car`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What it carries, in kilograms.
    #[schema(minimum = 0)]
    pub capacity: Option<i64>,
    /// `active` (default), `maintenance` or `inactive`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVehicle {
    #[schema(min_length = 1, max_length = 20)]
    pub plate: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[schema(minimum = 0)]
    pub capacity: Option<i64>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn vehicle_type(v: &mut Violations, field: &str, raw: &str) -> &'static str {
    match VehicleType::parse(raw) {
        Some(t) => t.as_str(),
        None => {
            v.add(field, "must be truck, van, motorcycle or car");
            ""
        }
    }
}

fn vehicle_status(v: &mut Violations, raw: &str) -> &'static str {
    match VehicleStatus::parse(raw) {
        Some(t) => t.as_str(),
        None => {
            v.add("status", "must be active, maintenance or inactive");
            ""
        }
    }
}

/// A plate as compared: upper case without spaces or dashes (`B 1234-KSR` is `B1234KSR`).
fn plate_key(plate: &str) -> String {
    plate.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase()
}

fn plate(v: &mut Violations, raw: &str) -> String {
    let p = v.text("plate", raw, 1, 20);
    if !p.is_empty() && plate_key(&p).is_empty() {
        v.add("plate", "must have letters or digits");
    }
    p
}

impl Resource for Vehicles {
    type Record = Vehicle;
    type Create = CreateVehicle;
    type Update = UpdateVehicle;
    const DEF: &'static crud::ResourceDef = &VEHICLES;
    const PATH: &'static str = "/vehicles";
    const TAG: &'static str = "operations";
    const READ: Permission = Permission::FleetManage;
    const WRITE: Permission = Permission::FleetManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateVehicle) -> Result<Vehicle, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let plate = plate(&mut v, &b.plate);
        let values = [
            ("plate_key", Value::from(plate_key(&plate))),
            ("plate", Value::from(plate)),
            ("type", Value::from(vehicle_type(&mut v, "type", &b.kind))),
            ("capacity", Value::from(v.range("capacity", b.capacity.unwrap_or(0), 0, 1_000_000))),
            ("status", Value::from(vehicle_status(&mut v, b.status.as_deref().unwrap_or("active")))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &VEHICLES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Vehicle,
        version: Option<i64>,
        b: UpdateVehicle,
    ) -> Result<Vehicle, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(p) = &b.plate {
            let plate = plate(&mut v, p);
            values.push(("plate_key", Value::from(plate_key(&plate))));
            values.push(("plate", Value::from(plate)));
        }
        if let Some(k) = &b.kind {
            values.push(("type", Value::from(vehicle_type(&mut v, "type", k))));
        }
        if let Some(c) = b.capacity {
            values.push(("capacity", Value::from(v.range("capacity", c, 0, 1_000_000))));
        }
        if let Some(s) = &b.status {
            values.push(("status", Value::from(vehicle_status(&mut v, s))));
        }
        finish(v)?;
        Ok(crud::update(tx, &VEHICLES, scope, &current.id, version, &values).await?)
    }
}

// ---- Drivers ------------------------------------------------------------------------------

pub struct Drivers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDriver {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(min_length = 1, max_length = 50)]
    pub license_number: String,
    /// `YYYY-MM-DD`.
    pub license_expiry: Option<String>,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    /// `truck`, `van`, `motorcycle` or `car`.
    pub vehicle_type: Option<String>,
    #[schema(format = Uuid)]
    pub vehicle_id: Option<String>,
    /// `active` (default), `on_leave` or `inactive`.
    pub status: Option<String>,
    /// The driver's login (role `driver`); unique platform-wide.
    pub username: String,
    #[schema(min_length = 8)]
    pub password: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDriver {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub license_number: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub license_expiry: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub vehicle_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub vehicle_id: Option<Option<String>>,
    /// `inactive` also ends the driver's logins.
    pub status: Option<String>,
    /// A new password ends the driver's logins.
    #[schema(min_length = 8)]
    pub password: Option<String>,
    pub version: Option<i64>,
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: Option<String>,
}

fn driver_status(v: &mut Violations, raw: &str) -> DriverStatus {
    DriverStatus::parse(raw).unwrap_or_else(|| {
        v.add("status", "must be active, on_leave or inactive");
        DriverStatus::Active
    })
}

async fn vehicle(tx: &mut Tx, scope: &Scope, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        Some(r) => Ok(Some(find_ref::<Vehicle>(tx, &VEHICLES, scope, "vehicle_id", r, "vehicle").await?.id)),
        None => Ok(None),
    }
}

/// Usernames are unique across tenants: say which field clashed.
fn username_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict { field } if field.starts_with("username") => {
            ApiError::from(StoreError::Conflict { field: "username".into() })
        }
        other => other.into(),
    }
}

impl Resource for Drivers {
    type Record = Driver;
    type Create = CreateDriver;
    type Update = UpdateDriver;
    const DEF: &'static crud::ResourceDef = &DRIVERS;
    const PATH: &'static str = "/drivers";
    const TAG: &'static str = "operations";
    const READ: Permission = Permission::FleetManage;
    const WRITE: Permission = Permission::FleetManage;

    async fn prepare_create(mut b: CreateDriver) -> Result<CreateDriver, ApiError> {
        if let Ok(pw) = val::parse_password(&b.password, &b.username) {
            b.password_hash = Some(passwords::hash(pw).await?);
        }
        Ok(b)
    }

    async fn prepare_update(mut b: UpdateDriver) -> Result<UpdateDriver, ApiError> {
        if let Some(Ok(pw)) = b.password.as_deref().map(|pw| val::parse_password(pw, "")) {
            b.password_hash = Some(passwords::hash(pw).await?);
        }
        Ok(b)
    }

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDriver) -> Result<Driver, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let username = v.parsed("username", val::parse_username(&b.username));
        let password = v.parsed("password", val::parse_password(&b.password, &b.username));
        let name = v.text("name", &b.name, 1, 100);
        let license = v.text("license_number", &b.license_number, 1, 50);
        let expiry = b.license_expiry.as_deref().map(|d| date(&mut v, "license_expiry", d));
        let phone = v.opt_text("phone", b.phone.as_deref(), 30);
        let kind = b.vehicle_type.as_deref().map(|k| vehicle_type(&mut v, "vehicle_type", k));
        let status = driver_status(&mut v, b.status.as_deref().unwrap_or(DriverStatus::Active.as_str()));
        finish(v)?;
        let (Some(username), Some(_), Some(hash)) = (username, password, b.password_hash) else {
            return Err(ApiError::internal("driver create", "validated fields missing"));
        };
        let vehicle_id = vehicle(tx, scope, b.vehicle_id.as_deref()).await?;
        let login = [
            ("username_key", Value::from(username_key(&username))),
            ("username", Value::from(username)),
            ("password_hash", Value::from(hash)),
            ("name", Value::from(name.clone())),
            ("email", Value::Text(None)),
            ("role", Value::from(BuiltinRole::Driver.as_str())),
            ("outlet_ids", Value::json(&Vec::<String>::new())),
            ("is_active", Value::from(status != DriverStatus::Inactive)),
        ];
        let user: User =
            crud::create(tx, &USERS, scope, &kasir_domain::ids::new_id(), &login).await.map_err(username_taken)?;
        let values = [
            ("user_id", Value::from(user.id)),
            ("name", Value::from(name)),
            ("license_number", Value::from(license)),
            ("license_expiry", Value::Text(expiry)),
            ("phone", Value::Text(phone)),
            ("vehicle_type", Value::Text(kind.map(str::to_string))),
            ("vehicle_id", Value::Text(vehicle_id)),
            ("status", Value::from(status.as_str())),
        ];
        Ok(crud::create(tx, &DRIVERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Driver,
        version: Option<i64>,
        b: UpdateDriver,
    ) -> Result<Driver, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        let mut login: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            let name = v.text("name", n, 1, 100);
            login.push(("name", Value::from(name.clone())));
            values.push(("name", Value::from(name)));
        }
        if let Some(l) = &b.license_number {
            values.push(("license_number", Value::from(v.text("license_number", l, 1, 50))));
        }
        if let Some(e) = &b.license_expiry {
            values.push(("license_expiry", Value::Text(e.as_deref().map(|d| date(&mut v, "license_expiry", d)))));
        }
        if let Some(ph) = &b.phone {
            values.push(("phone", Value::Text(v.opt_text("phone", ph.as_deref(), 30))));
        }
        if let Some(k) = &b.vehicle_type {
            let kind = k.as_deref().map(|k| vehicle_type(&mut v, "vehicle_type", k).to_string());
            values.push(("vehicle_type", Value::Text(kind)));
        }
        let status = b.status.as_deref().map(|s| driver_status(&mut v, s));
        if let Some(s) = status {
            values.push(("status", Value::from(s.as_str())));
            login.push(("is_active", Value::from(s != DriverStatus::Inactive)));
        }
        let password = b.password.as_deref().map(|pw| v.parsed("password", val::parse_password(pw, "")));
        finish(v)?;
        if let Some(vid) = &b.vehicle_id {
            values.push(("vehicle_id", Value::Text(vehicle(tx, scope, vid.as_deref()).await?)));
        }
        let mut end_logins = status == Some(DriverStatus::Inactive);
        if password.is_some() {
            let hash =
                b.password_hash.as_deref().ok_or_else(|| ApiError::internal("driver update", "password not hashed"))?;
            kasir_store::tenancy::users::set_password_hash(tx, &current.user_id, hash).await?;
            end_logins = true;
        }
        if !login.is_empty() {
            let _: User =
                crud::update(tx, &USERS, &Scope::tenant(&scope.tenant_id), &current.user_id, None, &login).await?;
        }
        if end_logins {
            auth::revoke_other_sessions(tx, auth::Logins::Staff, &current.user_id, None, "driver_changed").await?;
        }
        Ok(crud::update(tx, &DRIVERS, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Driver,
        version: Option<i64>,
    ) -> Result<Driver, ApiError> {
        let driver: Driver = crud::soft_delete(tx, &DRIVERS, scope, &current.id, version).await?;
        let _: User = crud::soft_delete(tx, &USERS, &Scope::tenant(&scope.tenant_id), &current.user_id, None).await?;
        auth::revoke_other_sessions(tx, auth::Logins::Staff, &current.user_id, None, "driver_deleted").await?;
        Ok(driver)
    }
}
