//! `/suppliers`: who the tenant buys from.

use kasir_domain::{validation as val, Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    purchasing::{Supplier, SUPPLIERS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{api::ApiError, auth::Principal};

pub struct Suppliers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSupplier {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupplier {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

fn email(v: &mut Violations, raw: Option<&str>) -> Value {
    Value::Text(raw.filter(|e| !e.trim().is_empty()).and_then(|e| v.parsed("email", val::parse_email(e))))
}

impl Resource for Suppliers {
    type Record = Supplier;
    type Create = CreateSupplier;
    type Update = UpdateSupplier;
    const DEF: &'static ResourceDef = &SUPPLIERS;
    const PATH: &'static str = "/suppliers";
    const TAG: &'static str = "purchasing";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateSupplier) -> Result<Supplier, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let values = vec![
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("contact_name", Value::Text(v.opt_text("contact_name", b.contact_name.as_deref(), 100))),
            ("phone", Value::Text(v.opt_text("phone", b.phone.as_deref(), 30))),
            ("email", email(&mut v, b.email.as_deref())),
            ("address", Value::Text(v.opt_text("address", b.address.as_deref(), 300))),
            ("notes", Value::Text(v.opt_text("notes", b.notes.as_deref(), 1000))),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &SUPPLIERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Supplier,
        version: Option<i64>,
        b: UpdateSupplier,
    ) -> Result<Supplier, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(n) = &b.name {
            let n = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(n.to_lowercase())));
            values.push(("name", Value::from(n)));
        }
        for (field, value, max) in [
            ("contact_name", &b.contact_name, 100),
            ("phone", &b.phone, 30),
            ("address", &b.address, 300),
            ("notes", &b.notes, 1000),
        ] {
            if let Some(value) = value {
                values.push((field, Value::Text(v.opt_text(field, value.as_deref(), max))));
            }
        }
        if let Some(e) = &b.email {
            values.push(("email", email(&mut v, e.as_deref())));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &SUPPLIERS, scope, &c.id, version, &values).await?)
    }
}
