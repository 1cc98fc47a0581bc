//! A customer's logins: `POST /customer/login` (username or email), the password reset by an
//! emailed link (30 minutes, single use, ends every other login) and self-deactivation. Refresh,
//! logout, verify and password change are the shared `/auth` routes (decision 015).

use axum::{extract::State, http::StatusCode, response::IntoResponse, response::Response};
use kasir_domain::{
    messages::{Channel, Template},
    validation as v, ErrorCode, Violations,
};
use kasir_store::{
    accounts::{self, AccountStatus, Code, CodeKey, CodePurpose, LoginName},
    auth::{self, Logins},
    Actor,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{email_key, new_token, tenant_by_slug, Customer, Profile};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiJson, Envelope,
    },
    auth::{
        passwords,
        principal::{request_actor, ClientIp},
        tokens,
    },
    state::AppState,
};

/// A reset link is good for 30 minutes.
const RESET_TTL_SECS: i64 = 30 * 60;
/// Failed logins before an account (or an address) waits, as for staff.
const FAILS_BEFORE_LOCK: i64 = 5;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerLogin {
    pub tenant: String,
    /// The username, or give `email`.
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: String,
}

/// A customer's tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    pub customer: Profile,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub tenant: String,
    #[schema(max_length = 254)]
    pub email: String,
}

/// The answer to a reset request, the same whether or not the email has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetRequested {
    pub requested: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    pub token: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordReset {
    pub reset: bool,
    /// Other logins of the account that ended.
    pub logins_ended: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deactivate {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deactivated {
    pub deactivated: bool,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/customer/login",
        login,
        Op::new("customer-accounts", "Log in to the shop's app with username or email")
            .public()
            .body::<CustomerLogin>()
            .ok::<CustomerPair>()
            .errors(&[403, 404, 429]),
    )
    .route(
        Method::Post,
        "/customer/password-reset/request",
        request_reset,
        Op::new("customer-accounts", "Email a password-reset link (202 whatever the email)")
            .public()
            .body::<ResetRequest>()
            .accepted::<ResetRequested>()
            .errors(&[404, 429]),
    )
    .route(
        Method::Post,
        "/customer/password-reset",
        reset,
        Op::new("customer-accounts", "Choose a new password with the emailed link's token")
            .public()
            .body::<ResetPassword>()
            .ok::<PasswordReset>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/customer/deactivate",
        deactivate,
        Op::new("customer-accounts", "Close your account (your logins end)").body::<Deactivate>().ok::<Deactivated>(),
    )
}

/// A new login of `account_id`: the pair the app keeps.
pub async fn start_login(
    s: &AppState,
    account_id: &str,
    actor: Actor,
    user_agent: Option<&str>,
) -> Result<CustomerPair, ApiError> {
    let session_id = kasir_domain::ids::new_id();
    let refresh = tokens::random_secret();
    let mut tx = s.db.begin(Actor { id: Some(account_id.to_string()), kind: "customer", ..actor }).await?;
    auth::create_session(
        &mut tx,
        Logins::Customer,
        &session_id,
        account_id,
        &tokens::token_hash(&refresh),
        &kasir_domain::time::now_plus_seconds(tokens::REFRESH_TTL_SECS),
        user_agent,
    )
    .await?;
    tx.commit().await?;
    customer_pair(s, account_id, &session_id, refresh).await
}

/// The pair for a customer's login (after login or refresh).
pub async fn customer_pair(
    s: &AppState,
    account_id: &str,
    session_id: &str,
    refresh_token: String,
) -> Result<CustomerPair, ApiError> {
    let access =
        s.tokens.issue_customer(account_id, session_id).map_err(|e| ApiError::internal("signing a token", e))?;
    let customer = super::from_access_token(s, &access).await?;
    Ok(CustomerPair {
        access_token: access,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: tokens::ACCESS_TTL_SECS,
        customer: Profile::from(&customer.account),
    })
}

async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<CustomerLogin>,
) -> Result<Response, ApiError> {
    let wrong = || ApiError::Unauthorized("invalid username, email or password".into());
    let tenant = tenant_by_slug(&s, &b.tenant).await?;
    let (by_email, key) = match (&b.username, &b.email) {
        (Some(u), None) => (false, v::username_key(u)),
        (None, Some(e)) => (true, email_key(e)),
        _ => return Err(ApiError::field("username", "give either username or email")),
    };
    if key.is_empty() || key.len() > 254 || b.password.len() > 1024 {
        return Err(wrong());
    }
    let address = ip.clone().unwrap_or_else(|| "unknown".into());
    let (account_key, ip_key) = (format!("customer:{}:{key}", tenant.id), format!("customer-ip:{address}"));
    if let Some(secs) = auth::throttle_locked(&s.db, &[account_key.clone(), ip_key.clone()]).await? {
        return Err(ApiError::RateLimited { retry_after_secs: secs });
    }
    let name = if by_email { LoginName::Email(&key) } else { LoginName::Username(&key) };
    let candidate = accounts::find(&s.db, &tenant.id, name).await?;
    let verified = passwords::verify(b.password, candidate.as_ref().map(|a| a.password_hash.clone())).await?;
    let Some(account) = candidate.filter(|_| verified) else {
        auth::throttle_fail(&s.db, &account_key, FAILS_BEFORE_LOCK, s.config.login_lock_seconds).await?;
        auth::throttle_fail(&s.db, &ip_key, FAILS_BEFORE_LOCK * 10, s.config.login_lock_seconds).await?;
        return Err(wrong());
    };
    auth::throttle_reset(&s.db, &account_key).await?;
    if account.status == AccountStatus::Unverified.as_str() {
        return Err(rule(ErrorCode::AccountNotVerified, "verify your email or phone number first".into()));
    }
    if account.status == AccountStatus::Disabled.as_str() {
        return Err(rule(ErrorCode::AccountDisabled, "this account is closed".into()));
    }
    let user_agent = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    let pair = start_login(&s, &account.id, request_actor(&headers, ip), user_agent.as_deref()).await?;
    Ok(ok(pair))
}

async fn request_reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<ResetRequest>,
) -> Result<Response, ApiError> {
    super::signup::limit_address(&s, "password-reset", ip.as_deref())?;
    let tenant = tenant_by_slug(&s, &b.tenant).await?;
    let account = accounts::find(&s.db, &tenant.id, LoginName::Email(&email_key(&b.email))).await?;
    // The same answer whether or not the email has an account.
    if let Some(account) = account.filter(|a| a.status != AccountStatus::Disabled.as_str()) {
        let (token, secret_hash) = new_token();
        let (_, handle_hash) = new_token();
        let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
        accounts::insert_code(
            &mut tx,
            &Code {
                id: kasir_domain::ids::new_id(),
                tenant_id: tenant.id.clone(),
                account_id: account.id.clone(),
                purpose: CodePurpose::PasswordReset.as_str().into(),
                handle_hash,
                secret_hash,
                attempts: 0,
                expires_at: kasir_domain::time::now_plus_seconds(RESET_TTL_SECS),
                used_at: None,
                created_at: kasir_domain::time::now(),
            },
        )
        .await?;
        let link = format!("{}/api/v1/customer/password-reset?token={token}", s.config.public_url());
        let template = Template::PasswordReset { shop: tenant.name.clone(), link };
        super::send(&s, &mut tx, &tenant.id, Channel::Email, account.email.clone(), template).await?;
        tx.audit(
            Some(&tenant.id),
            "customer.password_reset_requested",
            "customer_account",
            Some(&account.id),
            serde_json::Value::Null,
        );
        tx.commit().await?;
    }
    let body = Envelope {
        success: true,
        data: ResetRequested { requested: true },
        message: Some("if this email has an account, a link to choose a new password is on its way".into()),
    };
    Ok((StatusCode::ACCEPTED, axum::Json(body)).into_response())
}

async fn reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<ResetPassword>,
) -> Result<Response, ApiError> {
    let invalid = || rule(ErrorCode::CodeInvalid, "this link is no longer valid".into());
    let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
    let code = accounts::find_code(&mut tx, CodeKey::Secret(&tokens::token_hash(b.token.trim())))
        .await?
        .ok_or(ApiError::NotFound)?;
    if code.purpose != CodePurpose::PasswordReset.as_str()
        || code.used_at.is_some()
        || code.expires_at <= kasir_domain::time::now()
    {
        return Err(invalid());
    }
    let account = accounts::get_for_update(&mut tx, &code.account_id).await?.ok_or(ApiError::NotFound)?;
    let mut v = Violations::new();
    let password = v.parsed("new_password", v::parse_password(&b.new_password, &account.username)).unwrap_or_default();
    v.finish().map_err(ApiError::Validation)?;
    if !accounts::spend_code(&mut tx, &code.id).await? {
        return Err(invalid());
    }
    accounts::set_password(&mut tx, &account.id, &passwords::hash(password).await?).await?;
    let ended = auth::revoke_other_sessions(&mut tx, Logins::Customer, &account.id, None, "password_reset").await?;
    tx.audit(
        Some(&account.tenant_id),
        "customer.password_reset",
        "customer_account",
        Some(&account.id),
        serde_json::Value::Null,
    );
    tx.commit().await?;
    Ok(ok(PasswordReset { reset: true, logins_ended: ended }))
}

async fn deactivate(
    State(s): State<AppState>,
    c: Customer,
    ApiJson(b): ApiJson<Deactivate>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let reason = v.text("reason", &b.reason, 1, 500);
    v.finish().map_err(ApiError::Validation)?;
    let mut tx = s.db.begin(c.actor()).await?;
    accounts::deactivate(&mut tx, &c.account.id, &reason).await?;
    auth::revoke_other_sessions(&mut tx, Logins::Customer, &c.account.id, None, "deactivated").await?;
    tx.audit(
        Some(&c.account.tenant_id),
        "customer.deactivated",
        "customer_account",
        Some(&c.account.id),
        serde_json::json!({"reason": reason}),
    );
    tx.commit().await?;
    Ok(ok(Deactivated { deactivated: true }))
}
