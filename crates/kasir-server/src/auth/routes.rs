//! `/auth`: login, token refresh with rotation and reuse detection, logout, me, verify, password.

use axum::{
    extract::State,
    http::{header, HeaderMap},
    response::Response,
};
use kasir_domain::validation as v;
use kasir_store::{
    auth,
    auth::{Logins, Rotation},
    platform::audit::AuditEntry,
    Actor, Db, StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    accounts::Caller,
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson,
    },
    auth::{
        passwords,
        principal::{request_actor, ClientIp},
        tokens, Principal,
    },
    state::AppState,
};

/// Failed logins on one account from one address before that pair is locked.
const PAIR_THRESHOLD: i64 = 5;
/// Failed logins on one account from anywhere before it is locked for addresses it has never
/// logged in from (those it has keep working: failures elsewhere never lock out its owner).
const ACCOUNT_THRESHOLD: i64 = 20;
/// Failed logins from one address before it is locked for accounts that never logged in from it
/// (so the staff behind a shop's NAT keep working while a stranger there guesses).
const IP_THRESHOLD: i64 = 20;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthUser {
    #[schema(format = Uuid)]
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    #[schema(format = Uuid)]
    pub tenant_id: Option<String>,
    /// Outlets the user may work at (every outlet of the tenant for owners).
    pub outlet_ids: Vec<String>,
    pub permissions: Vec<String>,
    /// The tenant's time zone (IANA), whose calendar business dates follow; none for the platform.
    pub timezone: Option<String>,
}

/// A token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: AuthUser,
}

/// What `/auth/refresh` answers: a staff pair (with `user`) or a customer's (with `customer`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AnyPair {
    Staff(TokenPair),
    Customer(crate::accounts::CustomerPair),
}

/// What `/auth/verify` answers: `user` for staff, `customer` for a customer of the shop's app.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VerifyResult {
    Staff { valid: bool, user: AuthUser },
    Customer { valid: bool, customer: crate::accounts::Profile },
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogoutResult {
    pub logged_out: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    /// How many other logins were ended.
    pub revoked_sessions: u64,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/auth/login",
        login,
        Op::new("auth", "Log in with username and password")
            .public()
            .body::<LoginRequest>()
            .ok::<TokenPair>()
            .errors(&[401, 429]),
    )
    .route(
        Method::Post,
        "/auth/refresh",
        refresh,
        Op::new("auth", "Trade a refresh token for a new pair (the old one stops working)")
            .public()
            .body::<RefreshRequest>()
            .ok::<AnyPair>()
            .errors(&[401]),
    )
    .route(
        Method::Post,
        "/auth/logout",
        logout,
        Op::new("auth", "End the login a refresh token belongs to")
            .public()
            .body::<RefreshRequest>()
            .ok::<LogoutResult>()
            .errors(&[401]),
    )
    .route(Method::Get, "/auth/me", me, Op::new("auth", "The signed-in user").ok::<AuthUser>())
    .route(Method::Get, "/auth/verify", verify, Op::new("auth", "Check an access token").ok::<VerifyResult>())
    .route(
        Method::Post,
        "/auth/password",
        change_password,
        Op::new("auth", "Change your password (ends your other logins)")
            .body::<PasswordChange>()
            .ok::<PasswordChanged>()
            .errors(&[429]),
    )
}

/// Builds the `user` object of auth responses.
pub async fn auth_user(db: &Db, p: &Principal) -> Result<AuthUser, ApiError> {
    let outlet_ids = match (&p.outlets, &p.tenant_id) {
        (None, Some(tenant_id)) => {
            let scope = kasir_store::Scope::tenant(tenant_id.clone());
            let q = kasir_store::crud::ListQuery { per_page: 200, ..Default::default() };
            kasir_store::crud::list::<kasir_store::tenancy::outlets::Outlet>(
                db,
                &kasir_store::tenancy::outlets::OUTLETS,
                &scope,
                &q,
            )
            .await?
            .items
            .into_iter()
            .map(|o| o.id)
            .collect()
        }
        _ => p.outlet_ids.clone(),
    };
    let timezone = match &p.tenant_id {
        Some(t) => Some(kasir_store::tenancy::tenants::get(db, t).await?.timezone),
        None => None,
    };
    Ok(AuthUser {
        id: p.user_id().unwrap_or_default().to_string(),
        username: p.username.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
        role: p.role.clone(),
        tenant_id: p.tenant_id.clone(),
        outlet_ids,
        permissions: p.permissions.iter().map(|x| x.as_str().to_string()).collect(),
        timezone,
    })
}

async fn token_pair(
    s: &AppState,
    user_id: &str,
    session_id: &str,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access = s.tokens.issue(user_id, session_id).map_err(|e| ApiError::internal("signing a token", e))?;
    let principal = crate::auth::principal::from_access_token(s, &access).await?;
    Ok(TokenPair {
        access_token: access,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: tokens::ACCESS_TTL_SECS,
        user: auth_user(&s.db, &principal).await?,
    })
}

async fn audit_alone(
    db: &Db,
    actor: &Actor,
    tenant_id: Option<String>,
    action: &str,
    entity_id: Option<String>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    kasir_store::platform::audit::record(
        db,
        &AuditEntry {
            tenant_id,
            actor_id: actor.id.clone(),
            actor_type: actor.kind.to_string(),
            action: action.into(),
            entity: "auth".into(),
            entity_id,
            ip: actor.ip.clone(),
            request_id: actor.request_id.clone(),
            details,
        },
    )
    .await?;
    Ok(())
}

/// The throttle key of one account at one address.
fn pair_key(username_key: &str, address: &str) -> String {
    format!("pair:{username_key}|{address}")
}

async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(b): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let actor = request_actor(&headers, ip.clone());
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    let key = v::username_key(&b.username);
    if key.is_empty() || key.len() > 100 || b.password.len() > 1024 {
        return Err(ApiError::Unauthorized("invalid username or password".into()));
    }
    let address = ip.as_deref().unwrap_or("unknown");
    let (pair_key, account_key, ip_key) = (pair_key(&key, address), format!("user:{key}"), format!("ip:{address}"));
    let candidate = auth::find_login(&s.db, &key).await?;
    let known = match (&candidate, &ip) {
        (Some(c), Some(ip)) => auth::has_logged_in_from(&s.db, &c.id, ip).await?,
        _ => false,
    };
    let mut keys = vec![pair_key.clone()];
    if !known {
        keys.extend([account_key.clone(), ip_key.clone()]);
    }
    if let Some(secs) = auth::throttle_locked(&s.db, &keys).await? {
        audit_alone(&s.db, &actor, None, "auth.login_throttled", None, serde_json::json!({ "username": key })).await?;
        return Err(ApiError::RateLimited { retry_after_secs: secs });
    }
    let verified = passwords::verify(b.password, candidate.as_ref().map(|c| c.password_hash.clone())).await?;
    let Some(user) = candidate.filter(|_| verified) else {
        let base = s.config.login_lock_seconds;
        auth::throttle_fail(&s.db, &pair_key, PAIR_THRESHOLD, base).await?;
        auth::throttle_fail(&s.db, &account_key, ACCOUNT_THRESHOLD, base).await?;
        auth::throttle_fail(&s.db, &ip_key, IP_THRESHOLD, base).await?;
        audit_alone(&s.db, &actor, None, "auth.login_failed", None, serde_json::json!({ "username": key })).await?;
        return Err(ApiError::Unauthorized("invalid username or password".into()));
    };
    if user.is_active == 0 || user.tenant_active == Some(0) {
        audit_alone(
            &s.db,
            &actor,
            user.tenant_id.clone(),
            "auth.login_refused",
            Some(user.id.clone()),
            serde_json::json!({ "reason": "inactive" }),
        )
        .await?;
        return Err(ApiError::Unauthorized("this account is disabled".into()));
    }
    auth::throttle_reset(&s.db, &pair_key).await?;
    let session_id = kasir_domain::ids::new_id();
    let refresh = tokens::random_secret();
    let mut tx = s.db.begin(Actor { id: Some(user.id.clone()), kind: "user", ..actor }).await?;
    auth::create_session(
        &mut tx,
        Logins::Staff,
        &session_id,
        &user.id,
        &tokens::token_hash(&refresh),
        &kasir_domain::time::now_plus_seconds(tokens::REFRESH_TTL_SECS),
        user_agent.as_deref(),
    )
    .await?;
    tx.audit(user.tenant_id.as_deref(), "auth.login", "auth", Some(&session_id), serde_json::Value::Null);
    tx.commit().await?;
    Ok(ok(token_pair(&s, &user.id, &session_id, refresh).await?))
}

async fn refresh(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let actor = request_actor(&headers, ip);
    let new_refresh = tokens::random_secret();
    // A staff login's token, else a customer's (decision 015).
    for logins in [Logins::Staff, Logins::Customer] {
        let mut tx = s.db.begin(actor.clone()).await?;
        let outcome = auth::rotate_refresh(
            &mut tx,
            logins,
            &tokens::token_hash(&b.refresh_token),
            &tokens::token_hash(&new_refresh),
            &kasir_domain::time::now_plus_seconds(tokens::REFRESH_TTL_SECS),
        )
        .await?;
        match outcome {
            Rotation::Rotated { session_id, user_id } => {
                tx.commit().await?;
                let pair = match logins {
                    Logins::Staff => AnyPair::Staff(token_pair(&s, &user_id, &session_id, new_refresh).await?),
                    Logins::Customer => {
                        AnyPair::Customer(crate::accounts::customer_pair(&s, &user_id, &session_id, new_refresh).await?)
                    }
                };
                return Ok(ok(pair));
            }
            Rotation::Reused { session_id, user_id } => {
                let details = serde_json::json!({ "user_id": user_id });
                tx.audit(None, "auth.refresh_reuse", "auth", Some(&session_id), details);
                tx.commit().await?;
                return Err(ApiError::Unauthorized(
                    "this refresh token was already used; the login has been revoked".into(),
                ));
            }
            Rotation::Invalid => {}
        }
    }
    Err(ApiError::Unauthorized("the refresh token is invalid or expired".into()))
}

async fn logout(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let mut tx = s.db.begin(request_actor(&headers, ip)).await?;
    let hash = tokens::token_hash(&b.refresh_token);
    for (logins, kind) in [(Logins::Staff, "user"), (Logins::Customer, "customer")] {
        if let Some((session_id, owner_id)) = auth::session_of_refresh(&mut tx, logins, &hash).await? {
            tx.actor.id = Some(owner_id);
            tx.actor.kind = kind;
            let revoked = auth::revoke_session(&mut tx, logins, &session_id, "logout").await?;
            tx.audit(None, "auth.logout", "auth", Some(&session_id), serde_json::Value::Null);
            tx.commit().await?;
            return Ok(ok(LogoutResult { logged_out: revoked }));
        }
    }
    Err(ApiError::Unauthorized("the refresh token is invalid".into()))
}

async fn me(State(s): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    if p.user_id().is_none() {
        return Err(ApiError::Forbidden("API keys have no user".into()));
    }
    Ok(ok(auth_user(&s.db, &p).await?))
}

async fn verify(State(s): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    Ok(ok(match caller {
        Caller::Staff(p) => VerifyResult::Staff { valid: true, user: auth_user(&s.db, &p).await? },
        Caller::Customer(c) => {
            VerifyResult::Customer { valid: true, customer: crate::accounts::Profile::from(&c.account) }
        }
    }))
}

async fn change_password(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<PasswordChange>,
) -> Result<Response, ApiError> {
    let p = match caller {
        Caller::Staff(p) => p,
        Caller::Customer(c) => {
            return crate::accounts::change_password(&s, &c, b.current_password, b.new_password).await
        }
    };
    let (Some(user_id), Some(session_id)) = (p.user_id(), p.session_id()) else {
        return Err(ApiError::Forbidden("API keys have no password".into()));
    };
    let new_password =
        v::parse_password(&b.new_password, &p.username).map_err(|m| ApiError::field("new_password", m))?;
    let account_key = pair_key(&v::username_key(&p.username), p.ip.as_deref().unwrap_or("unknown"));
    if let Some(secs) = auth::throttle_locked(&s.db, std::slice::from_ref(&account_key)).await? {
        return Err(ApiError::RateLimited { retry_after_secs: secs });
    }
    // Argon2 runs before the transaction, so SQLite's single writer is not held while it works;
    // the write then checks the hash is still the one verified.
    let stored = kasir_store::tenancy::users::read_password_hash(&s.db, user_id).await?.ok_or(StoreError::NotFound)?;
    if !passwords::verify(b.current_password, Some(stored.clone())).await? {
        auth::throttle_fail(&s.db, &account_key, PAIR_THRESHOLD, s.config.login_lock_seconds).await?;
        return Err(ApiError::field("current_password", "is not your current password"));
    }
    let hash = passwords::hash(new_password).await?;
    let mut tx = s.db.begin(p.actor()).await?;
    if !kasir_store::tenancy::users::replace_password_hash(&mut tx, user_id, &stored, &hash).await? {
        return Err(ApiError::Conflict {
            code: kasir_domain::ErrorCode::Conflict,
            message: "the password was changed by another request; try again".into(),
            errors: Vec::new(),
        });
    }
    let revoked =
        auth::revoke_other_sessions(&mut tx, Logins::Staff, user_id, Some(session_id), "password_changed").await?;
    tx.audit(
        p.tenant_id.as_deref(),
        "auth.password_change",
        "user",
        Some(user_id),
        serde_json::json!({ "revoked_sessions": revoked }),
    );
    tx.commit().await?;
    Ok(ok(PasswordChanged { revoked_sessions: revoked }))
}
