//! `GET/PATCH /customer/profile` and `POST /customer/profile/image`: the customer's own account.
//! A change of name, email or phone is copied to the shop's `/customers` record, so that the
//! counter sees what the app says.

use axum::{
    extract::{multipart::MultipartRejection, Multipart, State},
    response::Response,
};
use kasir_domain::{files::FilePurpose, validation as v, Violations};
use kasir_store::{
    accounts::{self, ProfileChange},
    crud,
    customers::{Customer as CustomerRecord, CUSTOMERS},
    Scope, StoreError, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{email_key, Customer, Profile};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson,
    },
    platform::files,
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    #[schema(min_length = 1, max_length = 100)]
    pub full_name: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Empty clears it.
    #[schema(max_length = 30)]
    pub phone_number: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(Method::Get, "/customer/profile", get, Op::new("customer-accounts", "Your profile").ok::<Profile>())
        .route(
            Method::Patch,
            "/customer/profile",
            patch,
            Op::new("customer-accounts", "Change your name, email or phone number")
                .body::<ProfilePatch>()
                .ok::<Profile>()
                .errors(&[409]),
        )
        .route(
            Method::Post,
            "/customer/profile/image",
            image,
            Op::new("customer-accounts", "Upload your profile picture (multipart field `file`)")
                .upload("An image (PNG, JPEG, WebP or GIF)")
                .ok::<Profile>()
                .errors(&[413, 415]),
        )
}

async fn get(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    let account = accounts::get(&s.db, &c.account.id).await?.ok_or(ApiError::NotFound)?;
    Ok(ok(Profile::from(&account)))
}

/// A phone number: digits, optionally after `+`.
pub fn parse_phone(v: &mut Violations, field: &str, raw: &str) -> Option<String> {
    let p = raw.trim();
    if p.is_empty() {
        return None;
    }
    if p.len() < 6 || p.len() > 30 || !p.chars().enumerate().all(|(i, ch)| ch.is_ascii_digit() || (i == 0 && ch == '+'))
    {
        v.add(field, "must be a phone number: digits, optionally after '+'");
    }
    Some(p.to_string())
}

async fn patch(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<ProfilePatch>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let mut change = ProfileChange::default();
    let mut record: Vec<(&str, Value)> = Vec::new();
    if let Some(name) = &b.full_name {
        let name = v.text("full_name", name, 1, 100);
        record.push(("name", Value::text(name.as_str())));
        record.push(("name_key", Value::text(name.to_lowercase())));
        change.full_name = Some(name);
    }
    if let Some(email) = &b.email {
        if let Some(email) = v.parsed("email", v::parse_email(email)) {
            record.push(("email", Value::text(email.as_str())));
            change.email = Some((email.clone(), email_key(&email)));
        }
    }
    if let Some(phone) = &b.phone_number {
        let phone = parse_phone(&mut v, "phone_number", phone);
        record.push(("phone", Value::Text(phone.clone())));
        change.phone_number = Some(phone);
    }
    v.finish().map_err(ApiError::Validation)?;
    let mut tx = s.db.begin(c.actor()).await?;
    accounts::get_for_update(&mut tx, &c.account.id).await?.ok_or(ApiError::NotFound)?;
    accounts::update_profile(&mut tx, &c.account.id, &change).await.map_err(|e| match e {
        StoreError::Conflict { field } => {
            ApiError::conflict_field(&field, &format!("this {field} already has an account"))
        }
        other => other.into(),
    })?;
    if !record.is_empty() {
        let scope = Scope::tenant(&c.account.tenant_id);
        let _: CustomerRecord =
            crud::update(&mut tx, &CUSTOMERS, &scope, &c.account.customer_id, None, &record).await?;
    }
    tx.audit(
        Some(&c.account.tenant_id),
        "customer.profile_changed",
        "customer_account",
        Some(&c.account.id),
        serde_json::Value::Null,
    );
    tx.commit().await?;
    get(State(s), c).await
}

async fn image(
    State(s): State<AppState>,
    c: Customer,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = files::receive(&s, mp, false).await?;
    let stored = files::store_file(
        &s,
        Some(c.account.id.clone()),
        Some(c.account.tenant_id.clone()),
        FilePurpose::ProfileImage,
        form.name,
        form.bytes,
    )
    .await?;
    let mut tx = s.db.begin(c.actor()).await?;
    let change =
        ProfileChange { profile_image_url: Some(format!("/api/v1/files/{}", stored.id)), ..Default::default() };
    accounts::update_profile(&mut tx, &c.account.id, &change).await?;
    tx.commit().await?;
    get(State(s), c).await
}
