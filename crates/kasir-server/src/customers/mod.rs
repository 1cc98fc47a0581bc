//! `/payment-methods` and `/customers` (with `GET /customers/{id}/sales`).

use axum::{extract::State, response::Response};
use kasir_domain::{validation, Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    customers::{Customer, CUSTOMERS},
    selling::payment_methods::{PaymentMethod, PAYMENT_METHODS, PAYMENT_TYPES},
    selling::sales::{self, Sale, SaleFilter},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{
    api::{
        ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, IdPath,
    },
    auth::Principal,
    state::AppState,
};

pub struct PaymentMethods;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentMethod {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `cash`, `card`, `qris`, `ewallet`, `transfer`, `store_credit` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePaymentMethod {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

fn payment_type(v: &mut Violations, raw: &str) -> Value {
    if !PAYMENT_TYPES.contains(&raw) {
        v.add("type", format!("must be one of {}", PAYMENT_TYPES.join(", ")));
    }
    Value::from(raw)
}

impl Resource for PaymentMethods {
    type Record = PaymentMethod;
    type Create = CreatePaymentMethod;
    type Update = UpdatePaymentMethod;
    const DEF: &'static ResourceDef = &PAYMENT_METHODS;
    const PATH: &'static str = "/payment-methods";
    const TAG: &'static str = "sales";
    const READ: Permission = Permission::SalesRead;
    const WRITE: Permission = Permission::SettingsManage;

    async fn create(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        b: CreatePaymentMethod,
    ) -> Result<PaymentMethod, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        values.push(("type", payment_type(&mut v, &b.kind)));
        values.push(("is_active", Value::from(b.is_active.unwrap_or(true))));
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &PAYMENT_METHODS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: PaymentMethod,
        version: Option<i64>,
        b: UpdatePaymentMethod,
    ) -> Result<PaymentMethod, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        if let Some(k) = &b.kind {
            values.push(("type", payment_type(&mut v, k)));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &PAYMENT_METHODS, scope, &current.id, version, &values).await?)
    }
}

pub struct Customers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub notes: Option<Option<String>>,
    pub version: Option<i64>,
}

/// The contact fields of a customer, checked.
fn contact(v: &mut Violations, field: &'static str, raw: Option<&str>, max: usize) -> (&'static str, Value) {
    let value = v.opt_text(field, raw, max);
    if field == "email" {
        if let Some(e) = &value {
            if let Err(m) = validation::parse_email(e) {
                v.add("email", m);
            }
        }
    }
    (field, Value::Text(value))
}

impl Resource for Customers {
    type Record = Customer;
    type Create = CreateCustomer;
    type Update = UpdateCustomer;
    const DEF: &'static ResourceDef = &CUSTOMERS;
    const PATH: &'static str = "/customers";
    const TAG: &'static str = "customers";
    const READ: Permission = Permission::CustomersRead;
    const WRITE: Permission = Permission::CustomersManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateCustomer) -> Result<Customer, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        values.push(contact(&mut v, "phone", b.phone.as_deref(), 30));
        values.push(contact(&mut v, "email", b.email.as_deref(), 254));
        values.push(contact(&mut v, "address", b.address.as_deref(), 500));
        values.push(contact(&mut v, "notes", b.notes.as_deref(), 1000));
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &CUSTOMERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Customer,
        version: Option<i64>,
        b: UpdateCustomer,
    ) -> Result<Customer, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        for (field, raw, max) in
            [("phone", &b.phone, 30), ("email", &b.email, 254), ("address", &b.address, 500), ("notes", &b.notes, 1000)]
        {
            if let Some(value) = raw {
                values.push(contact(&mut v, field, value.as_deref(), max));
            }
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &CUSTOMERS, scope, &current.id, version, &values).await?)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = crate::api::resource::routes::<PaymentMethods>(api);
    crate::api::resource::routes::<Customers>(api).route(
        Method::Get,
        "/customers/{id}/sales",
        customer_sales,
        Op::new("customers", "A customer's sales, newest first").path_id("id").query::<PageQuery>().ok_list::<Sale>(),
    )
}

async fn customer_sales(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::CustomersRead)?;
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    let customer: Customer = crud::get(&s.db, &CUSTOMERS, &scope, &id).await?;
    let (page, per_page) = crate::api::fields::paging(q.page, q.per_page)?;
    let f = SaleFilter { customer_id: Some(customer.id), ..Default::default() };
    let (items, total) = sales::list(&s.db, &scope, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}
