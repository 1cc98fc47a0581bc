//! `/licenses`: the platform operator issues licences to tenants; a device activates one with its
//! key (taking a seat), verifies at least every 30 days, and may run 7 days past a missed
//! verification. Each activation or verification answers with a token signed with EdDSA that
//! the device checks offline against `GET /licenses/public-key`. Activate, verify, deactivate
//! and the public key need no login: the licence key is the credential.

use axum::{extract::State, response::Response, Extension};
use jiff::{SignedDuration, Timestamp};
use kasir_domain::{ErrorCode, LicenseStatus, Permission, Violations};
use kasir_store::{
    devices::licenses::{self, Activation, License, NewLicense},
    Actor, StoreError,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::{
        created, ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::{client_addr::ClientAddr, Principal},
    state::AppState,
};

/// A device verifies at least this often.
pub const VERIFY_EVERY_DAYS: i64 = 30;
/// ... and may run this long past a missed verification.
pub const GRACE_DAYS: i64 = 7;
/// Activations and verifications a licence key (and a client address) may make in an hour.
const ATTEMPTS_PER_HOUR: i64 = 30;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateLicense {
    #[schema(format = Uuid)]
    pub tenant_id: String,
    #[schema(min_length = 1, max_length = 50)]
    pub plan: String,
    #[schema(minimum = 1, maximum = 10000)]
    pub max_devices: i64,
    /// RFC 3339; none: it does not expire.
    pub expires_at: Option<String>,
}

/// A new licence and its key, shown this once (only its hash is kept).
#[derive(Debug, Serialize, ToSchema)]
pub struct Generated {
    #[serde(flatten)]
    pub license: License,
    pub license_key: String,
}

/// A licence with its devices.
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenseDetail {
    #[serde(flatten)]
    pub license: License,
    pub activations: Vec<Activation>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activate {
    #[schema(min_length = 1, max_length = 100)]
    pub license_key: String,
    #[schema(format = Uuid)]
    pub device_id: String,
    #[schema(min_length = 1, max_length = 100)]
    pub device_name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceKey {
    #[schema(min_length = 1, max_length = 100)]
    pub license_key: String,
    #[schema(format = Uuid)]
    pub device_id: String,
}

/// What a device keeps to run offline.
#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    /// A JWT signed with EdDSA (Ed25519): check it with `GET /licenses/public-key`.
    pub license_token: String,
    /// When the licence itself expires (none: it does not).
    pub expires_at: Option<String>,
    /// The device may run until then without verifying again.
    pub grace_until: String,
    /// Verify again by then.
    pub next_verify_at: String,
}

/// The claims of a licence token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LicenseClaims {
    pub iss: String,
    pub aud: String,
    /// The device.
    pub sub: String,
    pub license_id: String,
    pub tenant_id: String,
    pub device_id: String,
    pub plan: String,
    pub max_devices: i64,
    pub iat: i64,
    /// The end of the grace period (or the licence's expiry, if sooner).
    pub exp: i64,
    pub next_verify_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKey {
    /// `EdDSA`.
    pub alg: String,
    pub kid: String,
    pub public_key_pem: String,
    #[schema(value_type = Object)]
    pub jwk: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deactivated {
    /// False when the device held no seat.
    pub deactivated: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/licenses/generate",
        generate,
        Op::new("licenses", "Issue a licence to a tenant (platform operator)")
            .body::<GenerateLicense>()
            .created::<Generated>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/licenses",
        list,
        Op::new("licenses", "Licences: all (platform operator) or the tenant's")
            .query::<ListQuery>()
            .ok_list::<License>(),
    )
    .route(
        Method::Get,
        "/licenses/public-key",
        public_key,
        Op::new("licenses", "The key licence tokens are signed with").public().ok::<PublicKey>(),
    )
    .route(
        Method::Get,
        "/licenses/{id}",
        get,
        Op::new("licenses", "A licence with its activations").path_id("id").ok::<LicenseDetail>(),
    )
    .route(
        Method::Post,
        "/licenses/{id}/revoke",
        revoke,
        Op::new("licenses", "Revoke a licence (platform operator)").path_id("id").ok::<License>(),
    )
    .route(
        Method::Post,
        "/licenses/activate",
        activate,
        Op::new("licenses", "A device takes a seat of a licence")
            .public()
            .body::<Activate>()
            .ok::<Grant>()
            .errors(&[401, 409, 422, 429]),
    )
    .route(
        Method::Post,
        "/licenses/verify",
        verify,
        Op::new("licenses", "A device renews its licence token")
            .public()
            .body::<DeviceKey>()
            .ok::<Grant>()
            .errors(&[401, 404, 422, 429]),
    )
    .route(
        Method::Post,
        "/licenses/deactivate",
        deactivate,
        Op::new("licenses", "A device gives its seat back")
            .public()
            .body::<DeviceKey>()
            .ok::<Deactivated>()
            .errors(&[401, 429]),
    )
}

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

fn new_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex = hex::encode_upper(bytes);
    let groups: Vec<&str> = (0..hex.len()).step_by(8).map(|i| &hex[i..(i + 8).min(hex.len())]).collect();
    format!("KSR-{}", groups.join("-"))
}

async fn generate(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::LicensesManage)?;
    let b: GenerateLicense = body.parse()?;
    let mut v = Violations::new();
    let plan = v.text("plan", &b.plan, 1, 50);
    let max_devices = v.range("max_devices", b.max_devices, 1, 10_000);
    let expires_at = match b.expires_at.as_deref() {
        None => None,
        Some(raw) => match kasir_domain::time::parse_ts(raw) {
            Some(t) if t.as_str() > kasir_domain::time::now().as_str() => Some(t),
            Some(_) => {
                v.add("expires_at", "must be in the future");
                None
            }
            None => {
                v.add("expires_at", "must be an RFC 3339 time");
                None
            }
        },
    };
    let tenant_id = kasir_domain::ids::parse_id(&b.tenant_id);
    if tenant_id.is_none() {
        v.add("tenant_id", "must be a UUID");
    }
    v.finish().map_err(ApiError::Validation)?;
    let tenant_id = tenant_id.unwrap_or_default();
    kasir_store::tenancy::tenants::get(&s.db, &tenant_id)
        .await
        .map_err(|e| crate::api::missing(e, "tenant_id", "tenant"))?;
    let key = new_key();
    let new = NewLicense {
        id: kasir_domain::ids::new_id(),
        tenant_id,
        key_hash: key_hash(&key),
        key_hint: key[key.len() - 4..].to_string(),
        plan,
        max_devices,
        expires_at,
    };
    let mut tx = s.db.begin(p.actor()).await?;
    let license = licenses::insert(&mut tx, &new).await?;
    tx.audit(
        Some(&license.tenant_id),
        "license.generate",
        "license",
        Some(&license.id),
        serde_json::json!({
            "plan": license.plan, "max_devices": license.max_devices, "expires_at": license.expires_at,
        }),
    );
    tx.commit().await?;
    Ok(created(Generated { license, license_key: key }))
}

/// Whose licences the caller sees: every tenant's (platform operator), or one.
fn licence_tenant(p: &Principal) -> Result<Option<String>, ApiError> {
    if p.has(Permission::LicensesManage) {
        return p.reading_tenant();
    }
    p.require(Permission::DevicesManage)?;
    Ok(Some(p.scope()?.tenant_id))
}

async fn list(State(s): State<AppState>, p: Principal, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response, ApiError> {
    let tenant = licence_tenant(&p)?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::field("page", "must be a number from 1"));
    }
    if !(1..=200).contains(&per_page) {
        return Err(ApiError::field("per_page", "must be a number from 1 to 200"));
    }
    let (items, total) = licenses::list(&s.db, tenant.as_deref(), page, per_page).await?;
    Ok(ok_page(kasir_store::crud::Page { items, total, total_exact: true, next: None }, page, per_page))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let tenant = licence_tenant(&p)?;
    let license = licenses::get(&s.db, &id, tenant.as_deref()).await?;
    let activations = licenses::activations(&s.db, &license.id).await?;
    Ok(ok(LicenseDetail { license, activations }))
}

async fn revoke(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::LicensesManage)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let license = licenses::revoke(&mut tx, &id).await?;
    tx.audit(Some(&license.tenant_id), "license.revoke", "license", Some(&license.id), serde_json::json!({}));
    tx.commit().await?;
    Ok(ok(license))
}

async fn public_key(State(s): State<AppState>) -> Result<Response, ApiError> {
    let k = &s.licenses;
    Ok(ok(PublicKey {
        alg: "EdDSA".into(),
        kid: k.kid.clone(),
        public_key_pem: k.public_key_pem.clone(),
        jwk: k.jwk(),
    }))
}

/// Counts an attempt against the key and the client address: 429 past the hourly limit.
fn limit(s: &AppState, hash: &str, addr: Option<&ClientAddr>) -> Result<(), ApiError> {
    let now = Timestamp::now().as_second();
    let mut keys = vec![format!("license:{}", &hash[..16])];
    if let Some(ClientAddr(ip)) = addr {
        keys.push(format!("license-ip:{ip}"));
    }
    for key in keys {
        s.rate_limits
            .check(&key, ATTEMPTS_PER_HOUR, 3600, now)
            .map_err(|secs| ApiError::RateLimited { retry_after_secs: secs })?;
    }
    Ok(())
}

/// The licence of `key`, locked, if it may be used now: 401 for an unknown key, 422 for a
/// revoked or expired one.
async fn usable(s: &AppState, tx: &mut kasir_store::Tx, hash: &str, device_id: &str) -> Result<License, ApiError> {
    let license =
        licenses::lock_by_key(tx, hash).await?.ok_or_else(|| ApiError::Unauthorized("unknown licence key".into()))?;
    let refused = if LicenseStatus::Revoked.is(&license.status) {
        Some((ErrorCode::LicenseRevoked, "this licence has been revoked"))
    } else if license.expires_at.as_deref().is_some_and(|e| e <= kasir_domain::time::now().as_str()) {
        Some((ErrorCode::LicenseExpired, "this licence has expired"))
    } else {
        None
    };
    if let Some((code, message)) = refused {
        let detail =
            format!("licence {} of tenant {}: device {device_id} refused ({code})", license.id, license.tenant_id);
        crate::platform::alerts::raise(&s.db, &s.jobs, s.config.alert_email.as_deref(), "licence", &detail).await?;
        return Err(rule(code, message.into()));
    }
    Ok(license)
}

fn grant(s: &AppState, license: &License, device_id: &str) -> Result<Grant, ApiError> {
    let now = Timestamp::now();
    let next_verify = now + SignedDuration::from_hours(24 * VERIFY_EVERY_DAYS);
    let mut grace = next_verify + SignedDuration::from_hours(24 * GRACE_DAYS);
    if let Some(end) = license.expires_at.as_deref().and_then(|e| e.parse::<Timestamp>().ok()) {
        grace = grace.min(end);
    }
    let claims = LicenseClaims {
        iss: "kasir".into(),
        aud: "kasir-device".into(),
        sub: device_id.to_string(),
        license_id: license.id.clone(),
        tenant_id: license.tenant_id.clone(),
        device_id: device_id.to_string(),
        plan: license.plan.clone(),
        max_devices: license.max_devices,
        iat: now.as_second(),
        exp: grace.as_second(),
        next_verify_at: next_verify.as_second(),
    };
    let token = s.licenses.sign(&claims).map_err(|e| ApiError::internal("signing a licence token", e))?;
    Ok(Grant {
        license_token: token,
        expires_at: license.expires_at.clone(),
        grace_until: kasir_domain::time::format_ts(grace),
        next_verify_at: kasir_domain::time::format_ts(next_verify),
    })
}

/// A device's call with a licence key: the device id checked, the attempt counted against the
/// key and the client address, and a transaction begun on the device's behalf.
async fn begin_for(
    s: &AppState,
    addr: Option<&ClientAddr>,
    key: &str,
    device_raw: &str,
) -> Result<(kasir_store::Tx, String, String), ApiError> {
    let device =
        kasir_domain::ids::parse_id(device_raw).ok_or_else(|| ApiError::field("device_id", "must be a UUID"))?;
    let hash = key_hash(key);
    limit(s, &hash, addr)?;
    let tx = s.db.begin(Actor { kind: "device", id: Some(device.clone()), ..Default::default() }).await?;
    Ok((tx, hash, device))
}

async fn activate(
    State(s): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let b: Activate = body.parse()?;
    let mut v = Violations::new();
    let name = v.text("device_name", &b.device_name, 1, 100);
    v.text("license_key", &b.license_key, 1, 100);
    v.finish().map_err(ApiError::Validation)?;
    let (mut tx, hash, device) = begin_for(&s, addr.as_deref(), &b.license_key, &b.device_id).await?;
    let license = usable(&s, &mut tx, &hash, &device).await?;
    match licenses::seat(&mut tx, &license.id, &device).await? {
        Some(seat) => licenses::verified(&mut tx, &seat.id).await?,
        None => {
            if license.active_devices >= license.max_devices {
                let detail = format!(
                    "licence {} of tenant {} is full ({} devices)",
                    license.id, license.tenant_id, license.max_devices
                );
                crate::platform::alerts::raise(&s.db, &s.jobs, s.config.alert_email.as_deref(), "licence", &detail)
                    .await?;
                return Err(rule(
                    ErrorCode::LicenseDeviceLimit,
                    format!(
                        "this licence is for {} devices and all are in use: deactivate one first",
                        license.max_devices
                    ),
                ));
            }
            licenses::register_device(&mut tx, &license, &device, &name).await.map_err(|e| match e {
                StoreError::Conflict { .. } => ApiError::Conflict {
                    code: ErrorCode::Conflict,
                    message: "this device id belongs to another business".into(),
                    errors: vec![kasir_domain::FieldError::new("device_id", "is already in use")],
                },
                other => other.into(),
            })?;
            licenses::take_seat(&mut tx, &license, &device, &name).await?;
        }
    }
    tx.audit(
        Some(&license.tenant_id),
        "license.activate",
        "license",
        Some(&license.id),
        serde_json::json!({ "device_id": device }),
    );
    tx.commit().await?;
    Ok(ok(grant(&s, &license, &device)?))
}

async fn verify(
    State(s): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let b: DeviceKey = body.parse()?;
    let (mut tx, hash, device) = begin_for(&s, addr.as_deref(), &b.license_key, &b.device_id).await?;
    let license = usable(&s, &mut tx, &hash, &device).await?;
    let seat = licenses::seat(&mut tx, &license.id, &device).await?.ok_or(ApiError::NotFound)?;
    licenses::verified(&mut tx, &seat.id).await?;
    tx.commit().await?;
    Ok(ok(grant(&s, &license, &device)?))
}

async fn deactivate(
    State(s): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let b: DeviceKey = body.parse()?;
    let (mut tx, hash, device) = begin_for(&s, addr.as_deref(), &b.license_key, &b.device_id).await?;
    // A revoked or expired licence still gives its seats back.
    let license = licenses::lock_by_key(&mut tx, &hash)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("unknown licence key".into()))?;
    let freed = licenses::free_seat(&mut tx, &license.id, &device).await?;
    if freed {
        tx.audit(
            Some(&license.tenant_id),
            "license.deactivate",
            "license",
            Some(&license.id),
            serde_json::json!({ "device_id": device }),
        );
    }
    tx.commit().await?;
    Ok(ok(Deactivated { deactivated: freed }))
}
