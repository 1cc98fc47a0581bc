//! What the app shows and sends: staff manage `/marketing-offers` and `/faqs` (permission
//! `customers.manage`); customers read `GET /customer/offers` (active, not lapsed, general or
//! theirs) and `GET /customer/faqs`; customers register push tokens; staff or a service send a
//! push to chosen customers or all (`POST /push/send`), fanned out as one FCM message per live
//! token through the message outbox.

use axum::{
    extract::{Path, State},
    response::Response,
};
use kasir_domain::{messages::Channel, Permission, Violations};
use kasir_store::{
    accounts::content::{self, Faq, Offer, FAQS, OFFERS},
    crud::{self, ResourceDef},
    platform::messages::{self, NewMessage},
    Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Customer;
use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        resource::{expected_version, new_record_id, nullable, Resource},
        ApiError, ApiJson,
    },
    auth::Principal,
    state::AppState,
};

pub struct Offers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOffer {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// A file uploaded with `POST /files`.
    #[schema(format = Uuid)]
    pub image_file_id: Option<String>,
    /// RFC 3339.
    pub valid_until: Option<String>,
    /// A customer account, for an offer to one customer.
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOffer {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub image_file_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub valid_until: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub customer_id: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

/// An RFC 3339 time, stored in the server's own form (so that it compares as text).
fn time(v: &mut Violations, field: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    match raw.parse::<jiff::Timestamp>() {
        Ok(t) => Some(kasir_domain::time::format_ts(t)),
        Err(_) => {
            v.add(field, "must be an RFC 3339 time");
            None
        }
    }
}

fn uuid(v: &mut Violations, field: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    let id = kasir_domain::ids::parse_id(raw);
    if id.is_none() {
        v.add(field, "must be a UUID");
    }
    id
}

/// The customer account an offer is for must be the tenant's.
async fn check_account(tx: &mut Tx, scope: &Scope, id: Option<&str>) -> Result<(), ApiError> {
    if let Some(id) = id {
        let found = kasir_store::accounts::get_for_update(tx, id).await?.filter(|a| a.tenant_id == scope.tenant_id);
        if found.is_none() {
            return Err(ApiError::MissingRefs(vec![kasir_domain::FieldError::new(
                "customer_id",
                "no such customer account",
            )]));
        }
    }
    Ok(())
}

impl Resource for Offers {
    type Record = Offer;
    type Create = CreateOffer;
    type Update = UpdateOffer;
    const DEF: &'static ResourceDef = &OFFERS;
    const PATH: &'static str = "/marketing-offers";
    const TAG: &'static str = "customer-accounts";
    const READ: Permission = Permission::CustomersRead;
    const WRITE: Permission = Permission::CustomersManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateOffer) -> Result<Offer, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let title = v.text("title", &b.title, 1, 200);
        let description = v.opt_text("description", b.description.as_deref(), 2000);
        let image = uuid(&mut v, "image_file_id", b.image_file_id.as_deref());
        let until = time(&mut v, "valid_until", b.valid_until.as_deref());
        let customer = uuid(&mut v, "customer_id", b.customer_id.as_deref());
        v.finish().map_err(ApiError::Validation)?;
        check_account(tx, scope, customer.as_deref()).await?;
        let values = [
            ("title", Value::from(title)),
            ("description", Value::Text(description)),
            ("image_file_id", Value::Text(image)),
            ("valid_until", Value::Text(until)),
            ("customer_id", Value::Text(customer)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        Ok(crud::create(tx, &OFFERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Offer,
        version: Option<i64>,
        b: UpdateOffer,
    ) -> Result<Offer, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(t) = &b.title {
            values.push(("title", Value::from(v.text("title", t, 1, 200))));
        }
        if let Some(d) = &b.description {
            values.push(("description", Value::Text(v.opt_text("description", d.as_deref(), 2000))));
        }
        if let Some(i) = &b.image_file_id {
            values.push(("image_file_id", Value::Text(uuid(&mut v, "image_file_id", i.as_deref()))));
        }
        if let Some(u) = &b.valid_until {
            values.push(("valid_until", Value::Text(time(&mut v, "valid_until", u.as_deref()))));
        }
        let customer = b.customer_id.as_ref().map(|c| uuid(&mut v, "customer_id", c.as_deref()));
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        if let Some(c) = customer {
            check_account(tx, scope, c.as_deref()).await?;
            values.push(("customer_id", Value::Text(c)));
        }
        Ok(crud::update(tx, &OFFERS, scope, &current.id, version, &values).await?)
    }
}

pub struct Faqs;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFaq {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub question: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: String,
    /// Lower first (default 0).
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFaq {
    #[schema(min_length = 1, max_length = 500)]
    pub question: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

impl Resource for Faqs {
    type Record = Faq;
    type Create = CreateFaq;
    type Update = UpdateFaq;
    const DEF: &'static ResourceDef = &FAQS;
    const PATH: &'static str = "/faqs";
    const TAG: &'static str = "customer-accounts";
    const READ: Permission = Permission::CustomersRead;
    const WRITE: Permission = Permission::CustomersManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateFaq) -> Result<Faq, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("question", Value::from(v.text("question", &b.question, 1, 500))),
            ("answer", Value::from(v.text("answer", &b.answer, 1, 5000))),
            ("position", Value::from(v.range("position", b.position.unwrap_or(0), 0, 100_000))),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &FAQS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Faq,
        version: Option<i64>,
        b: UpdateFaq,
    ) -> Result<Faq, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(q) = &b.question {
            values.push(("question", Value::from(v.text("question", q, 1, 500))));
        }
        if let Some(a) = &b.answer {
            values.push(("answer", Value::from(v.text("answer", a, 1, 5000))));
        }
        if let Some(p) = b.position {
            values.push(("position", Value::from(v.range("position", p, 0, 100_000))));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &FAQS, scope, &current.id, version, &values).await?)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushToken {
    #[schema(min_length = 1, max_length = 4096)]
    pub token: String,
    /// `android`, `ios` or `web`.
    #[schema(pattern = "^(android|ios|web)$")]
    pub device_type: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushTokenSaved {
    pub registered: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushSend {
    /// Customer accounts to notify; or `all: true`.
    pub customer_ids: Option<Vec<String>>,
    pub all: Option<bool>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 2000)]
    pub body: String,
    /// String values passed to the app with the notification.
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushQueued {
    /// Messages queued (one per live token).
    pub queued: i64,
    /// Customers with at least one live token.
    pub customers: i64,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = crate::api::resource::routes::<Offers>(api);
    crate::api::resource::routes::<Faqs>(api)
        .route(
            Method::Get,
            "/customer/offers",
            offers,
            Op::new("customer-accounts", "The shop's current offers for you").ok_array::<Offer>(),
        )
        .route(
            Method::Get,
            "/customer/faqs",
            faqs,
            Op::new("customer-accounts", "The shop's questions and answers").ok_array::<Faq>(),
        )
        .route(
            Method::Post,
            "/customer/push-tokens",
            add_token,
            Op::new("customer-accounts", "Register this device for push notifications")
                .body::<PushToken>()
                .created::<PushTokenSaved>(),
        )
        .route(
            Method::Delete,
            "/customer/push-tokens/{token}",
            remove_token,
            Op::new("customer-accounts", "Stop push notifications to this device")
                .path_text("token", "The device's push token")
                .ok::<PushTokenSaved>(),
        )
        .route(
            Method::Post,
            "/push/send",
            send_push,
            Op::new("customer-accounts", "Send a push notification to chosen customers or all (customers.manage)")
                .body::<PushSend>()
                .ok::<PushQueued>()
                .errors(&[404]),
        )
}

async fn offers(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    let now = kasir_domain::time::now();
    Ok(ok(content::offers_for(&s.db, &c.account.tenant_id, &c.account.id, &now).await?))
}

async fn faqs(State(s): State<AppState>, c: Customer) -> Result<Response, ApiError> {
    Ok(ok(content::faqs(&s.db, &c.account.tenant_id).await?))
}

async fn add_token(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<PushToken>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let token = v.text("token", &b.token, 1, 4096);
    if !["android", "ios", "web"].contains(&b.device_type.as_str()) {
        v.add("device_type", "must be android, ios or web");
    }
    v.finish().map_err(ApiError::Validation)?;
    content::register_push_token(&s.db, &c.account.tenant_id, &c.account.id, &token, &b.device_type).await?;
    Ok(created(PushTokenSaved { registered: true }))
}

async fn remove_token(State(s): State<AppState>, c: Customer, Path(token): Path<String>) -> Result<Response, ApiError> {
    if !content::remove_push_token(&s.db, &c.account.id, &token).await? {
        return Err(ApiError::NotFound);
    }
    Ok(ok(PushTokenSaved { registered: false }))
}

async fn send_push(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<PushSend>,
) -> Result<Response, ApiError> {
    p.require(Permission::CustomersManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let title = v.text("title", &b.title, 1, 200);
    let body = v.text("body", &b.body, 1, 2000);
    let targets = match (&b.customer_ids, b.all) {
        (Some(ids), None | Some(false)) if !ids.is_empty() && ids.len() <= 1000 => {
            let parsed: Vec<String> = ids.iter().filter_map(|i| kasir_domain::ids::parse_id(i)).collect();
            if parsed.len() != ids.len() {
                v.add("customer_ids", "must be UUIDs");
            }
            Some(parsed)
        }
        (None, Some(true)) => None,
        _ => {
            v.add("customer_ids", "give 1 to 1000 customer_ids, or all: true");
            None
        }
    };
    let data: serde_json::Map<String, serde_json::Value> = b.data.unwrap_or_default();
    if data.len() > 50 || data.values().any(|x| !x.is_string()) {
        v.add("data", "must be at most 50 string values");
    }
    v.finish().map_err(ApiError::Validation)?;
    let tokens = content::push_tokens(&s.db, &scope.tenant_id, targets.as_deref()).await?;
    let mut customers: Vec<&str> = tokens.iter().map(|(_, c)| c.as_str()).collect();
    customers.dedup();
    for (token, _) in &tokens {
        messages::queue(
            &s.db,
            &NewMessage {
                tenant_id: Some(scope.tenant_id.clone()),
                channel: Channel::Push,
                recipient: token.clone(),
                subject: Some(title.clone()),
                body: body.clone(),
                data: Some(serde_json::Value::Object(data.clone())),
                template: Some("push".into()),
            },
        )
        .await?;
    }
    s.jobs.wake();
    Ok(ok(PushQueued { queued: tokens.len() as i64, customers: customers.len() as i64 }))
}
