//! `/outlets`: a tenant's shops. Creating one needs a caller who sees every outlet.

use kasir_domain::{validation as v, Permission, Violations};
use kasir_store::{
    crud,
    tenancy::outlets::{Outlet, OUTLETS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{api::ApiError, auth::Principal};

pub struct Outlets;

/// A new outlet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOutlet {
    /// Optional client-chosen UUID (offline creation).
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Short code used in document numbers, unique in the tenant (`K01`).
    #[schema(pattern = r"^[A-Za-z0-9-]{1,10}$")]
    pub code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// IANA time zone; defaults to the tenant's.
    #[schema(example = "Asia/Jakarta")]
    pub timezone: Option<String>,
    pub receipt_header: Option<String>,
    pub receipt_footer: Option<String>,
    pub is_active: Option<bool>,
}

/// Changes to an outlet; absent fields stay as they are, `null` clears optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOutlet {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(pattern = r"^[A-Za-z0-9-]{1,10}$")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub receipt_header: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub receipt_footer: Option<Option<String>>,
    pub is_active: Option<bool>,
    /// The version this change is based on (or send `If-Match`).
    pub version: Option<i64>,
}

fn opt(v: &mut Violations, field: &str, value: Option<&str>, max: usize) -> Value {
    Value::Text(v.opt_text(field, value, max))
}

impl Resource for Outlets {
    type Record = Outlet;
    type Create = CreateOutlet;
    type Update = UpdateOutlet;
    const DEF: &'static crud::ResourceDef = &OUTLETS;
    const PATH: &'static str = "/outlets";
    const TAG: &'static str = "outlets";
    const READ: Permission = Permission::OutletsRead;
    const WRITE: Permission = Permission::OutletsManage;

    async fn create(p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateOutlet) -> Result<Outlet, ApiError> {
        if scope.outlets.is_some() {
            return Err(ApiError::Forbidden("only users who see every outlet may create outlets".into()));
        }
        let _ = p;
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let code = v.parsed("code", v::parse_code(&b.code));
        let timezone = match &b.timezone {
            Some(tz) => v.parsed("timezone", v::parse_timezone(tz)),
            None => Some(kasir_store::tenancy::tenants::get_in_tx(tx, &scope.tenant_id).await?.timezone),
        };
        let values = vec![
            ("name", Value::from(name)),
            ("code", Value::Text(code)),
            ("address", opt(&mut v, "address", b.address.as_deref(), 300)),
            ("phone", opt(&mut v, "phone", b.phone.as_deref(), 30)),
            ("timezone", Value::Text(timezone)),
            ("receipt_header", opt(&mut v, "receipt_header", b.receipt_header.as_deref(), 1000)),
            ("receipt_footer", opt(&mut v, "receipt_footer", b.receipt_footer.as_deref(), 1000)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        v.finish().map_err(ApiError::Validation)?;
        let outlet: Outlet = crud::create(tx, &OUTLETS, scope, &id, &values).await?;
        kasir_store::stock::warehouses::create_default(tx, scope, &outlet.id, &outlet.name).await?;
        Ok(outlet)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Outlet,
        version: Option<i64>,
        b: UpdateOutlet,
    ) -> Result<Outlet, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(name) = &b.name {
            values.push(("name", Value::from(v.text("name", name, 1, 100))));
        }
        if let Some(code) = &b.code {
            values.push(("code", Value::Text(v.parsed("code", v::parse_code(code)))));
        }
        if let Some(tz) = &b.timezone {
            values.push(("timezone", Value::Text(v.parsed("timezone", v::parse_timezone(tz)))));
        }
        for (field, value, max) in [
            ("address", &b.address, 300),
            ("phone", &b.phone, 30),
            ("receipt_header", &b.receipt_header, 1000),
            ("receipt_footer", &b.receipt_footer, 1000),
        ] {
            if let Some(value) = value {
                values.push((field, opt(&mut v, field, value.as_deref(), max)));
            }
        }
        if let Some(active) = b.is_active {
            values.push(("is_active", Value::from(active)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &OUTLETS, scope, &current.id, version, &values).await?)
    }
}
