//! Signing up: `POST /customer/signup` makes an unverified account (and its `/customers` record,
//! or links the one with the same email), then sends an email link (LINK) or an SMS code (OTP)
//! through the message outbox. `POST /customer/verify` (the code) or `GET /customer/verify` (the
//! link) activates it; `POST /customer/verify/resend` sends a new one, at most once a minute.
//! `POST /customer/check-email` says whether an email has an account.

use axum::{extract::State, response::Response};
use jiff::Timestamp;
use kasir_domain::{
    messages::{Channel, Template},
    validation as v, Violations,
};
use kasir_store::{
    accounts::{self, Account, AccountStatus, Code, CodeKey, CodePurpose, NewAccount},
    crud,
    customers::{Customer as CustomerRecord, CUSTOMERS},
    Scope, StoreError, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{code_hash, email_key, new_token, same, six_digits, tenant_by_slug};
use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson, ApiQuery,
    },
    auth::{
        passwords,
        principal::{request_actor, ClientIp},
    },
    state::AppState,
};

/// An email link is good for a day; an SMS code for 10 minutes and 5 tries.
const LINK_TTL_SECS: i64 = 24 * 3600;
const CODE_TTL_SECS: i64 = 600;
const CODE_TRIES: i64 = 5;
/// A new link or code for the same account at most this often.
const RESEND_AFTER_SECS: i64 = 60;
/// Email checks and signups a client address may make in an hour.
const CHECKS_PER_HOUR: i64 = 60;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// The shop's slug.
    pub tenant: String,
    #[schema(min_length = 3, max_length = 50)]
    pub username: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 100)]
    pub full_name: String,
    #[schema(max_length = 30)]
    pub phone_number: Option<String>,
    /// A friend's referral code.
    #[schema(max_length = 20)]
    pub referral_code: Option<String>,
    /// `LINK` (an email link) or `OTP` (an SMS code; needs `phone_number`).
    #[schema(pattern = "^(LINK|OTP)$")]
    pub mode: String,
}

/// How the new account is to be verified.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// The new account's id (also its `/customers` record's id).
    #[schema(format = Uuid)]
    pub customer_id: String,
    /// `email_link` or `sms_otp`.
    pub verification: String,
    /// What the app sends back with the SMS code, or to ask for a new link or code.
    pub verification_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub verification_token: String,
    /// The six-digit SMS code.
    #[schema(pattern = "^[0-9]{6}$")]
    pub otp: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyLink {
    /// The token in the emailed link.
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    pub verification_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verified {
    pub verified: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckEmail {
    pub tenant: String,
    #[schema(max_length = 254)]
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailRegistered {
    pub registered: bool,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/customer/signup",
        signup,
        Op::new("customer-accounts", "Sign up for the shop's app (an email link or an SMS code follows)")
            .public()
            .body::<SignupRequest>()
            .created::<Verification>()
            .errors(&[404, 409, 429]),
    )
    .route(
        Method::Post,
        "/customer/verify",
        verify_code,
        Op::new("customer-accounts", "Verify a new account with its SMS code")
            .public()
            .body::<VerifyRequest>()
            .ok::<Verified>()
            .errors(&[404, 422, 429]),
    )
    .route(
        Method::Get,
        "/customer/verify",
        verify_link,
        Op::new("customer-accounts", "Verify a new account with its emailed link")
            .public()
            .query::<VerifyLink>()
            .ok::<Verified>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/customer/verify/resend",
        resend,
        Op::new("customer-accounts", "Send a new verification link or code (once a minute)")
            .public()
            .body::<ResendRequest>()
            .ok::<Verification>()
            .errors(&[404, 422, 429]),
    )
    .route(
        Method::Post,
        "/customer/check-email",
        check_email,
        Op::new("customer-accounts", "Whether an email has an account at the shop")
            .public()
            .body::<CheckEmail>()
            .ok::<EmailRegistered>()
            .errors(&[404, 429]),
    )
}

/// Counts a call against the client's address: 429 past the hourly limit. An operator who
/// turned address limits off (`KASIR_RATE_LIMIT_PER_HOUR=0`) turns this one off too.
pub(super) fn limit_address(s: &AppState, what: &str, ip: Option<&str>) -> Result<(), ApiError> {
    if s.config.rate_limit_per_hour == 0 {
        return Ok(());
    }
    let key = format!("{what}:{}", ip.unwrap_or("unknown"));
    s.rate_limits
        .check(&key, CHECKS_PER_HOUR, 3600, Timestamp::now().as_second())
        .map_err(|secs| ApiError::RateLimited { retry_after_secs: secs })
}

async fn signup(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<SignupRequest>,
) -> Result<Response, ApiError> {
    limit_address(&s, "signup", ip.as_deref())?;
    let mut v = Violations::new();
    let username = v.parsed("username", v::parse_username(&b.username)).unwrap_or_default();
    let password = v.parsed("password", v::parse_password(&b.password, &b.username)).unwrap_or_default();
    let email = v.parsed("email", v::parse_email(&b.email)).unwrap_or_default();
    let full_name = v.text("full_name", &b.full_name, 1, 100);
    let phone = b.phone_number.as_deref().and_then(|p| super::profile::parse_phone(&mut v, "phone_number", p));
    let mode = match b.mode.as_str() {
        "LINK" => CodePurpose::VerifyEmail,
        "OTP" => CodePurpose::VerifySms,
        _ => {
            v.add("mode", "must be LINK or OTP");
            CodePurpose::VerifyEmail
        }
    };
    if mode == CodePurpose::VerifySms && phone.is_none() {
        v.add("phone_number", "is required to verify by SMS");
    }
    v.finish().map_err(ApiError::Validation)?;
    let tenant = tenant_by_slug(&s, &b.tenant).await?;
    let referred_by = match b.referral_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(
            accounts::by_referral_code(&s.db, &tenant.id, &code.to_ascii_uppercase())
                .await?
                .ok_or_else(|| ApiError::field("referral_code", "no account has this referral code"))?
                .id,
        ),
        None => None,
    };
    let password_hash = passwords::hash(password).await?;
    let scope = Scope::tenant(&tenant.id);
    let actor = request_actor(&headers, ip);
    let key = email_key(&email);
    let mut tx = s.db.begin(actor).await?;
    // The shop may know this customer already (a sale at the counter): the account takes over
    // that record, and its id.
    let existing: Option<CustomerRecord> = kasir_store::customers::by_email(&mut tx, &tenant.id, &key).await?;
    let customer_id = match existing {
        Some(c) => c.id,
        None => {
            let id = kasir_domain::ids::new_id();
            let _: CustomerRecord = crud::create(
                &mut tx,
                &CUSTOMERS,
                &scope,
                &id,
                &[
                    ("name", Value::text(full_name.as_str())),
                    ("name_key", Value::text(full_name.to_lowercase())),
                    ("phone", Value::Text(phone.clone())),
                    ("email", Value::text(email.as_str())),
                ],
            )
            .await?;
            id
        }
    };
    let new = NewAccount {
        id: customer_id.clone(),
        tenant_id: tenant.id.clone(),
        customer_id: customer_id.clone(),
        username_key: v::username_key(&username),
        username,
        email: email.clone(),
        email_key: key,
        full_name,
        phone_number: phone,
        password_hash,
        referral_code: referral_code(),
        referred_by,
    };
    accounts::insert(&mut tx, &new).await.map_err(|e| match e {
        StoreError::Conflict { field } if field == "customer_id" || field == "id" => {
            ApiError::conflict_field("email", "this email already has an account")
        }
        StoreError::Conflict { field } => ApiError::conflict_field(&field, &format!("this {field} is already taken")),
        other => other.into(),
    })?;
    let account = accounts::get_for_update(&mut tx, &customer_id).await?.ok_or(ApiError::NotFound)?;
    if let Some(referrer) = &account.referred_by {
        kasir_store::accounts::loyalty::refer(&mut tx, &tenant.id, referrer, &account.id).await?;
    }
    let sent = send_code(&s, &mut tx, &tenant.name, &account, mode).await?;
    tx.audit(
        Some(&tenant.id),
        "customer.signup",
        "customer_account",
        Some(&customer_id),
        serde_json::json!({"mode": b.mode}),
    );
    tx.commit().await?;
    Ok(created(sent))
}

/// An 8-character referral code (no 0/O, 1/I).
fn referral_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..8).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Makes a new link or code for the account and queues the email or SMS, in `tx`.
async fn send_code(
    s: &AppState,
    tx: &mut kasir_store::Tx,
    shop: &str,
    account: &Account,
    purpose: CodePurpose,
) -> Result<Verification, ApiError> {
    let id = kasir_domain::ids::new_id();
    let (handle, handle_hash) = new_token();
    let (secret_hash, ttl, message) = match purpose {
        CodePurpose::VerifySms => {
            let code = six_digits();
            let phone = account.phone_number.clone().ok_or_else(|| ApiError::field("phone_number", "is required"))?;
            let t = Template::OtpCode { shop: shop.into(), code: code.clone() };
            (code_hash(&id, &code), CODE_TTL_SECS, (Channel::Sms, phone, t))
        }
        _ => {
            let (token, hash) = new_token();
            let link = format!("{}/api/v1/customer/verify?token={token}", s.config.public_url());
            let t = Template::VerifyEmail { shop: shop.into(), link };
            (hash, LINK_TTL_SECS, (Channel::Email, account.email.clone(), t))
        }
    };
    let code = Code {
        id,
        tenant_id: account.tenant_id.clone(),
        account_id: account.id.clone(),
        purpose: purpose.as_str().into(),
        handle_hash,
        secret_hash,
        attempts: 0,
        expires_at: kasir_domain::time::now_plus_seconds(ttl),
        used_at: None,
        created_at: kasir_domain::time::now(),
    };
    accounts::insert_code(tx, &code).await?;
    let (channel, recipient, template) = message;
    super::send(s, tx, &account.tenant_id, channel, recipient, template).await?;
    Ok(Verification {
        customer_id: account.id.clone(),
        verification: if purpose == CodePurpose::VerifySms { "sms_otp" } else { "email_link" }.into(),
        verification_token: handle,
    })
}

/// Refuses a spent or lapsed code.
fn usable(code: &Code, purpose: CodePurpose) -> Result<(), ApiError> {
    let invalid =
        || crate::api::rule(kasir_domain::ErrorCode::CodeInvalid, "this code or link is no longer valid".into());
    if code.purpose != purpose.as_str() || code.used_at.is_some() {
        return Err(invalid());
    }
    if code.expires_at <= kasir_domain::time::now() {
        return Err(invalid());
    }
    Ok(())
}

async fn verify_code(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
    let code = accounts::find_code(&mut tx, CodeKey::Handle(&super::tokens::token_hash(&b.verification_token)))
        .await?
        .ok_or(ApiError::NotFound)?;
    usable(&code, CodePurpose::VerifySms)?;
    if code.attempts >= CODE_TRIES {
        return Err(ApiError::RateLimited { retry_after_secs: RESEND_AFTER_SECS });
    }
    let otp = b.otp.trim();
    if !same(&code_hash(&code.id, otp), &code.secret_hash) {
        accounts::count_try(&mut tx, &code.id).await?;
        tx.commit().await?;
        return Err(crate::api::rule(kasir_domain::ErrorCode::CodeInvalid, "the code is wrong".into()));
    }
    activate(tx, &code).await
}

async fn verify_link(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<VerifyLink>,
) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
    let code = accounts::find_code(&mut tx, CodeKey::Secret(&super::tokens::token_hash(q.token.trim())))
        .await?
        .ok_or(ApiError::NotFound)?;
    usable(&code, CodePurpose::VerifyEmail)?;
    activate(tx, &code).await
}

/// Spends the code and activates its account, once.
async fn activate(mut tx: kasir_store::Tx, code: &Code) -> Result<Response, ApiError> {
    if !accounts::spend_code(&mut tx, &code.id).await? {
        return Err(crate::api::rule(kasir_domain::ErrorCode::CodeInvalid, "this code was already used".into()));
    }
    accounts::verify(&mut tx, &code.account_id).await?;
    tx.audit(
        Some(&code.tenant_id),
        "customer.verified",
        "customer_account",
        Some(&code.account_id),
        serde_json::Value::Null,
    );
    tx.commit().await?;
    Ok(ok(Verified { verified: true }))
}

async fn resend(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<ResendRequest>,
) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
    let code = accounts::find_code(&mut tx, CodeKey::Handle(&super::tokens::token_hash(&b.verification_token)))
        .await?
        .ok_or(ApiError::NotFound)?;
    let account = accounts::get_for_update(&mut tx, &code.account_id).await?.ok_or(ApiError::NotFound)?;
    if account.status != AccountStatus::Unverified.as_str() {
        return Err(crate::api::rule(kasir_domain::ErrorCode::CodeInvalid, "this account is already verified".into()));
    }
    let purpose =
        if code.purpose == CodePurpose::VerifySms.as_str() { CodePurpose::VerifySms } else { CodePurpose::VerifyEmail };
    let last = accounts::last_code_at(&mut tx, &account.id, purpose).await?;
    let since = last
        .and_then(|t| t.parse::<Timestamp>().ok())
        .map(|t| Timestamp::now().duration_since(t).as_secs())
        .unwrap_or(i64::MAX);
    if since < RESEND_AFTER_SECS {
        return Err(ApiError::RateLimited { retry_after_secs: RESEND_AFTER_SECS - since });
    }
    let tenant = kasir_store::tenancy::tenants::get(&s.db, &account.tenant_id).await?;
    let sent = send_code(&s, &mut tx, &tenant.name, &account, purpose).await?;
    tx.commit().await?;
    Ok(ok(sent))
}

async fn check_email(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CheckEmail>,
) -> Result<Response, ApiError> {
    limit_address(&s, "check-email", ip.as_deref())?;
    let tenant = tenant_by_slug(&s, &b.tenant).await?;
    let found = accounts::find(&s.db, &tenant.id, accounts::LoginName::Email(&email_key(&b.email))).await?.is_some();
    Ok(ok(EmailRegistered { registered: found }))
}
