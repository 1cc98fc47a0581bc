//! Customer accounts for the shop's own app (`/customer/*`): signup with an email link or an SMS
//! code, login, password reset, deactivation, the profile and addresses. A customer is its own
//! kind of principal ([`Customer`]): its tokens carry the audience `kasir-customer`, which no
//! staff route accepts (decision 015).

mod addresses;
mod content;
pub mod effects;
mod login;
pub mod loyalty;
mod profile;
mod signup;
mod vouchers;

use axum::{extract::FromRequestParts, http::request::Parts};
use kasir_store::{
    accounts::{self, Account, AccountStatus},
    auth::Logins,
    tenancy::tenants::Tenant,
    Actor,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use crate::{
    api::{openapi::ApiRouter, ApiError},
    auth::{
        principal::{client_ip, credentials, request_id, Credentials},
        tokens,
    },
    state::AppState,
};

pub use login::{customer_pair, CustomerPair};

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = signup::routes(api);
    let api = login::routes(api);
    let api = profile::routes(api);
    let api = loyalty::routes(api);
    let api = vouchers::routes(api);
    let api = content::routes(api);
    addresses::routes(api)
}

/// A customer signed in to the shop's app, read fresh on every request.
#[derive(Debug, Clone)]
pub struct Customer {
    pub account: Account,
    pub session_id: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Customer {
    /// The actor recorded in audit entries.
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.account.id.clone()),
            kind: "customer",
            ip: self.ip.clone(),
            request_id: self.request_id.clone(),
            pushed: None,
        }
    }
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(c) = parts.extensions.get::<Customer>() {
            return Ok(c.clone());
        }
        let Credentials::Bearer(token) = credentials(&parts.headers)? else {
            return Err(ApiError::Forbidden("this is for customers of the shop's app".into()));
        };
        let mut customer = from_access_token(state, &token).await?;
        customer.ip = client_ip(parts);
        customer.request_id = request_id(&parts.headers);
        parts.extensions.insert(customer.clone());
        Ok(customer)
    }
}

/// `Option<Customer>`: a customer when the request bears a customer's token (whose failures are
/// answered: a revoked login is 401, a database fault 500), none for any other credentials.
impl axum::extract::OptionalFromRequestParts<AppState> for Customer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match credentials(&parts.headers) {
            Ok(Credentials::Bearer(token)) if state.tokens.verify_customer(&token).is_some() => {
                <Customer as FromRequestParts<AppState>>::from_request_parts(parts, state).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// Verifies a customer's access token and loads its account and login; a staff token is 403
/// (the wrong kind of principal), anything else 401.
pub async fn from_access_token(state: &AppState, token: &str) -> Result<Customer, ApiError> {
    let invalid = || ApiError::Unauthorized("the access token is invalid or expired".into());
    let Some(claims) = state.tokens.verify_customer(token) else {
        if state.tokens.verify(token).is_some() {
            return Err(ApiError::Forbidden("this is for customers of the shop's app, not staff".into()));
        }
        return Err(invalid());
    };
    let live = kasir_store::auth::session_live(&state.db, Logins::Customer, &claims.sid, &claims.sub).await?;
    if !live {
        return Err(invalid());
    }
    let account = accounts::get(&state.db, &claims.sub).await?.ok_or_else(invalid)?;
    let tenant = kasir_store::tenancy::tenants::get(&state.db, &account.tenant_id).await?;
    if account.status != AccountStatus::Active.as_str() || !tenant.is_active.0 {
        return Err(invalid());
    }
    Ok(Customer { account, session_id: claims.sid, ip: None, request_id: None })
}

/// The caller of a route staff and customers share (`/auth/verify`, `/auth/password`): a bearer
/// token with the customer audience is a customer, anything else goes the staff way.
pub enum Caller {
    Staff(crate::auth::Principal),
    Customer(Customer),
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Ok(Credentials::Bearer(token)) = credentials(&parts.headers) {
            if state.tokens.verify_customer(&token).is_some() {
                return Customer::from_request_parts(parts, state).await.map(Caller::Customer);
            }
        }
        crate::auth::Principal::from_request_parts(parts, state).await.map(Caller::Staff)
    }
}

/// `POST /auth/password` for a customer: the current password, then the new one; the
/// customer's other logins end.
pub async fn change_password(
    s: &AppState,
    c: &Customer,
    current: String,
    new: String,
) -> Result<axum::response::Response, ApiError> {
    let new = kasir_domain::validation::parse_password(&new, &c.account.username)
        .map_err(|m| ApiError::field("new_password", m))?;
    let key = format!("customer-password:{}", c.account.id);
    if let Some(secs) = kasir_store::auth::throttle_locked(&s.db, std::slice::from_ref(&key)).await? {
        return Err(ApiError::RateLimited { retry_after_secs: secs });
    }
    if !crate::auth::passwords::verify(current, Some(c.account.password_hash.clone())).await? {
        kasir_store::auth::throttle_fail(&s.db, &key, 5, s.config.login_lock_seconds).await?;
        return Err(ApiError::field("current_password", "is not your current password"));
    }
    let hash = crate::auth::passwords::hash(new).await?;
    let mut tx = s.db.begin(c.actor()).await?;
    accounts::set_password(&mut tx, &c.account.id, &hash).await?;
    let revoked = kasir_store::auth::revoke_other_sessions(
        &mut tx,
        Logins::Customer,
        &c.account.id,
        Some(&c.session_id),
        "password_changed",
    )
    .await?;
    tx.audit(
        Some(&c.account.tenant_id),
        "customer.password_change",
        "customer_account",
        Some(&c.account.id),
        serde_json::json!({ "revoked_sessions": revoked }),
    );
    tx.commit().await?;
    Ok(crate::api::ok(crate::auth::routes::PasswordChanged { revoked_sessions: revoked }))
}

/// The account as the app shows it (`GET /customer/profile`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    /// The account's id, which is also its `/customers` record's id.
    #[schema(format = Uuid)]
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub phone_number: Option<String>,
    pub profile_image_url: Option<String>,
    pub referral_code: String,
    /// The wallet, minor units.
    pub balance: i64,
    pub points: i64,
    /// `unverified`, `active` or `disabled`.
    pub status: String,
    pub created_at: String,
}

impl From<&Account> for Profile {
    fn from(a: &Account) -> Profile {
        Profile {
            id: a.id.clone(),
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            email: a.email.clone(),
            phone_number: a.phone_number.clone(),
            profile_image_url: a.profile_image_url.clone(),
            referral_code: a.referral_code.clone(),
            balance: a.balance,
            points: a.points,
            status: a.status.clone(),
            created_at: a.created_at.clone(),
        }
    }
}

/// The active tenant whose slug is `slug`; 404 (naming the field) otherwise.
pub async fn tenant_by_slug(state: &AppState, slug: &str) -> Result<Tenant, ApiError> {
    let slug = slug.trim().to_ascii_lowercase();
    kasir_store::tenancy::tenants::by_slug(&state.db, &slug)
        .await?
        .filter(|t| t.is_active.0)
        .ok_or_else(|| ApiError::MissingRefs(vec![kasir_domain::FieldError::new("tenant", "no such shop")]))
}

/// Queues `template` to `recipient` on `channel` in `tx` (it goes out only if `tx` commits).
async fn send(
    s: &AppState,
    tx: &mut kasir_store::Tx,
    tenant_id: &str,
    channel: kasir_domain::messages::Channel,
    recipient: String,
    template: kasir_domain::messages::Template,
) -> Result<(), ApiError> {
    let (subject, body) = template.render();
    let message = kasir_store::platform::messages::NewMessage {
        tenant_id: Some(tenant_id.to_string()),
        channel,
        recipient,
        subject: (!subject.is_empty()).then_some(subject),
        body,
        data: None,
        template: Some(template.name().into()),
    };
    kasir_store::platform::messages::queue_in(tx, &message).await?;
    s.jobs.wake();
    Ok(())
}

/// The key an email is unique under.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// SHA-256 of an SMS code salted with its row's id, hex.
fn code_hash(code_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{code_id}:{code}").as_bytes()))
}

/// Compares two hashes in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A six-digit code from the OS's random source.
fn six_digits() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// A new random token and its hash.
fn new_token() -> (String, String) {
    let token = tokens::random_secret();
    let hash = tokens::token_hash(&token);
    (token, hash)
}

/// The account of the tenant a service names by id or by username (one of the two).
pub async fn service_target(
    s: &AppState,
    tenant_id: &str,
    customer_id: Option<&str>,
    username: Option<&str>,
) -> Result<accounts::Account, ApiError> {
    match (customer_id, username) {
        (Some(id), None) => accounts::get(&s.db, id).await?.filter(|a| a.tenant_id == tenant_id),
        (None, Some(name)) => {
            let key = kasir_domain::validation::username_key(name);
            accounts::find(&s.db, tenant_id, accounts::LoginName::Username(&key)).await?
        }
        _ => return Err(ApiError::field("customer_id", "give either customer_id or username")),
    }
    .ok_or_else(|| {
        ApiError::MissingRefs(vec![kasir_domain::FieldError::new("customer_id", "no such customer account")])
    })
}
