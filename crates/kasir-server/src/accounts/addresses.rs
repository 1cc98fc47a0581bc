//! `/customer/addresses`: a customer's delivery addresses. Exactly one is the default while any
//! exists (the first one added, then whichever the customer chooses), also under concurrent
//! calls: each change takes the account's lock, and a partial unique index backs it up.

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::Violations;
use kasir_store::accounts::addresses::{self, to_e7, Address, Fields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{profile::parse_phone, Customer};
use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson, IdPath,
    },
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    /// `Home`, `Office`, …
    #[schema(min_length = 1, max_length = 50)]
    pub label: String,
    #[schema(min_length = 1, max_length = 100)]
    pub recipient_name: String,
    #[schema(max_length = 30)]
    pub phone_number: String,
    #[schema(min_length = 1, max_length = 500)]
    pub address: String,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    /// Make it the default (the first address always is).
    pub is_default: Option<bool>,
    /// The version being changed (on PATCH; or send `If-Match`).
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub deleted: bool,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/customer/addresses",
        list,
        Op::new("customer-accounts", "Your addresses, the default first").ok_array::<Address>(),
    )
    .route(
        Method::Post,
        "/customer/addresses",
        create,
        Op::new("customer-accounts", "Add an address").body::<AddressBody>().created::<Address>(),
    )
    .route(
        Method::Get,
        "/customer/addresses/{id}",
        get,
        Op::new("customer-accounts", "One of your addresses").path_id("id").ok::<Address>(),
    )
    .route(
        Method::Patch,
        "/customer/addresses/{id}",
        update,
        Op::new("customer-accounts", "Change an address")
            .path_id("id")
            .if_match()
            .body::<AddressBody>()
            .ok::<Address>()
            .errors(&[409]),
    )
    .route(
        Method::Delete,
        "/customer/addresses/{id}",
        delete,
        Op::new("customer-accounts", "Delete an address (the newest other one becomes the default)")
            .path_id("id")
            .ok::<Deleted>(),
    )
    .route(
        Method::Post,
        "/customer/addresses/{id}/default",
        make_default,
        Op::new("customer-accounts", "Make an address the default").path_id("id").ok::<Address>(),
    )
}

fn fields(b: &AddressBody) -> Result<Fields, ApiError> {
    let mut v = Violations::new();
    let label = v.text("label", &b.label, 1, 50);
    let recipient_name = v.text("recipient_name", &b.recipient_name, 1, 100);
    let phone_number = parse_phone(&mut v, "phone_number", &b.phone_number);
    if phone_number.is_none() {
        v.add("phone_number", "is required");
    }
    let address = v.text("address", &b.address, 1, 500);
    let coordinate = |v: &mut Violations, field: &str, value: Option<f64>, bound: f64| match value {
        Some(x) if x.is_finite() && (-bound..=bound).contains(&x) => Some(to_e7(x)),
        Some(_) => {
            v.add(field, format!("must be between -{bound} and {bound}"));
            None
        }
        None => None,
    };
    let latitude_e7 = coordinate(&mut v, "latitude", b.latitude, 90.0);
    let longitude_e7 = coordinate(&mut v, "longitude", b.longitude, 180.0);
    if latitude_e7.is_some() != longitude_e7.is_some() {
        v.add("longitude", "give latitude and longitude together");
    }
    v.finish().map_err(ApiError::Validation)?;
    Ok(Fields {
        label,
        recipient_name,
        phone_number: phone_number.unwrap_or_default(),
        address,
        latitude_e7,
        longitude_e7,
    })
}

async fn list(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    Ok(ok(addresses::list(&s.db, &c.account.id).await?))
}

async fn get(State(s): State<AppState>, c: Customer, IdPath(id): IdPath) -> Result<Response, ApiError> {
    Ok(ok(addresses::get(&s.db, &c.account.id, &id).await?))
}

async fn create(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<AddressBody>,
) -> Result<Response, ApiError> {
    let f = fields(&b)?;
    let mut tx = s.db.begin(c.actor()).await?;
    let id = kasir_domain::ids::new_id();
    let address =
        addresses::create(&mut tx, &c.account.tenant_id, &c.account.id, &id, &f, b.is_default == Some(true)).await?;
    tx.commit().await?;
    Ok(created(address))
}

async fn update(
    State(s): State<AppState>,
    c: Customer,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(b): ApiJson<AddressBody>,
) -> Result<Response, ApiError> {
    let f = fields(&b)?;
    let version = crate::api::parse_if_match(&headers)?.or(b.version);
    let mut tx = s.db.begin(c.actor()).await?;
    let mut address = addresses::update(&mut tx, &c.account.id, &id, &f, version).await?;
    if b.is_default == Some(true) {
        address = addresses::set_default(&mut tx, &c.account.id, &id).await?;
    }
    tx.commit().await?;
    Ok(ok(address))
}

async fn delete(State(s): State<AppState>, c: Customer, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(c.actor()).await?;
    addresses::delete(&mut tx, &c.account.id, &id).await?;
    tx.commit().await?;
    Ok(ok(Deleted { deleted: true }))
}

async fn make_default(State(s): State<AppState>, c: Customer, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(c.actor()).await?;
    let address = addresses::set_default(&mut tx, &c.account.id, &id).await?;
    tx.commit().await?;
    Ok(ok(address))
}
