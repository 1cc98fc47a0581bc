//! `/tenants`: the platform operator creates tenants; owners read and tune their own settings.

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::{validation as v, Permission, Violations};
use kasir_store::{
    tenancy::tenants::{self, NewTenant, Tenant},
    tenancy::users::{NewUser, User},
    Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::resource::expected_version;
use crate::{
    api::{
        created, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        parse_if_match, ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::{passwords, Principal},
    state::AppState,
};

/// The owner created with a tenant (role `super_admin`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOwner {
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,50}$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Email)]
    pub email: Option<String>,
}

/// A new tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(pattern = r"^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$")]
    pub slug: String,
    /// ISO 4217, default `IDR`.
    #[schema(pattern = r"^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// IANA time zone, default `Asia/Jakarta`.
    #[schema(example = "Asia/Jakarta")]
    pub timezone: Option<String>,
    pub prices_include_tax: Option<bool>,
    pub allow_negative_stock: Option<bool>,
    #[schema(minimum = 0, maximum = 100000)]
    pub cash_rounding: Option<i64>,
    pub owner: NewOwner,
}

/// Changes to a tenant's settings. `is_active` is for the platform operator only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(pattern = r"^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[schema(example = "Asia/Jakarta")]
    pub timezone: Option<String>,
    pub prices_include_tax: Option<bool>,
    pub allow_negative_stock: Option<bool>,
    #[schema(minimum = 0, maximum = 100000)]
    pub cash_rounding: Option<i64>,
    pub is_active: Option<bool>,
    /// Platform operator only: devices without a licence may not push.
    pub require_license: Option<bool>,
    /// A completed sale to a customer with an app account earns floor(total / this) points (0: none).
    #[schema(minimum = 0, maximum = 1000000000)]
    pub points_earn_per: Option<i64>,
    /// Minor units of wallet one point redeems into (0: no redeeming).
    #[schema(minimum = 0, maximum = 1000000)]
    pub points_redeem_rate: Option<i64>,
    /// Points a referrer gets when a referral completes.
    #[schema(minimum = 0, maximum = 1000000)]
    pub referral_reward_points: Option<i64>,
    /// A check-in needs a photo (`photo_file_id`).
    pub attendance_photo_required: Option<bool>,
    pub version: Option<i64>,
}

/// A created tenant and its owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantCreated {
    #[serde(flatten)]
    pub tenant: Tenant,
    pub owner: User,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TenantListQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    pub search: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/tenants",
        create,
        Op::new("tenants", "Create a tenant and its owner (platform operator)")
            .body::<CreateTenant>()
            .created::<TenantCreated>()
            .errors(&[409]),
    )
    .route(
        Method::Get,
        "/tenants",
        list,
        Op::new("tenants", "List tenants").query::<TenantListQuery>().ok_list::<Tenant>(),
    )
    .route(Method::Get, "/tenants/{id}", get, Op::new("tenants", "Get a tenant").path_id("id").ok::<Tenant>())
    .route(
        Method::Patch,
        "/tenants/{id}",
        update,
        Op::new("tenants", "Change a tenant's settings")
            .path_id("id")
            .if_match()
            .body::<UpdateTenant>()
            .ok::<Tenant>()
            .errors(&[409]),
    )
}

fn rounding(v: &mut Violations, value: i64) -> i64 {
    v.range("cash_rounding", value, 0, 100_000)
}

async fn create(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::TenantsManage)?;
    let b: CreateTenant = body.parse()?;
    let id = crate::api::resource::new_record_id(b.id.as_deref())?;
    let mut v = Violations::new();
    let name = v.text("name", &b.name, 1, 100);
    let slug = v.parsed("slug", v::parse_slug(&b.slug));
    let currency = v.parsed("currency", v::parse_currency(b.currency.as_deref().unwrap_or("IDR")));
    let timezone = v.parsed("timezone", v::parse_timezone(b.timezone.as_deref().unwrap_or("Asia/Jakarta")));
    let cash_rounding = rounding(&mut v, b.cash_rounding.unwrap_or(0));
    let username = v.parsed("owner.username", v::parse_username(&b.owner.username));
    let password = v.parsed("owner.password", v::parse_password(&b.owner.password, &b.owner.username));
    let owner_name = v.text("owner.name", &b.owner.name, 1, 100);
    let email = b
        .owner
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .and_then(|e| v.parsed("owner.email", v::parse_email(e)));
    v.finish().map_err(ApiError::Validation)?;
    let (Some(slug), Some(currency), Some(timezone), Some(username), Some(password)) =
        (slug, currency, timezone, username, password)
    else {
        return Err(ApiError::internal("tenant create", "validated fields missing"));
    };
    let hash = passwords::hash(password).await?;
    let owner_id = kasir_domain::ids::new_id();
    let new = NewTenant {
        id: id.clone(),
        name,
        slug,
        currency,
        timezone,
        prices_include_tax: b.prices_include_tax.unwrap_or(true),
        allow_negative_stock: b.allow_negative_stock.unwrap_or(false),
        cash_rounding,
        owner: NewUser {
            id: owner_id.clone(),
            tenant_id: Some(id.clone()),
            username,
            password_hash: hash,
            name: owner_name,
            email,
            role: "super_admin".into(),
            outlet_ids: Vec::new(),
            is_active: true,
        },
    };
    let mut tx = s.db.begin(p.actor()).await?;
    let tenant = tenants::create(&mut tx, &new).await.map_err(|e| match e {
        kasir_store::StoreError::Conflict { field } if field == "username_key" => {
            kasir_store::StoreError::Conflict { field: "owner.username".into() }.into()
        }
        other => ApiError::from(other),
    })?;
    tx.commit().await?;
    let owner = kasir_store::tenancy::users::get_any(&s.db, &owner_id).await?.ok_or(ApiError::NotFound)?;
    Ok(created(TenantCreated { tenant, owner }))
}

/// The platform operator sees every tenant; anyone else only their own.
fn may_see(p: &Principal, id: &str) -> bool {
    p.is_platform() || p.tenant_id.as_deref() == Some(id)
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<TenantListQuery>,
) -> Result<Response, ApiError> {
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(20);
    let mut v = Violations::new();
    v.range("page", page, 1, 1_000_000);
    v.range("per_page", per_page, 1, 200);
    v.finish().map_err(ApiError::Validation)?;
    if p.is_platform() {
        let (items, total) = tenants::list(&s.db, q.search.as_deref(), page, per_page).await?;
        return Ok(ok_list(items, page, per_page, total));
    }
    let own = match &p.tenant_id {
        Some(id) if page == 1 => vec![tenants::get(&s.db, id).await?],
        _ => Vec::new(),
    };
    let total = if p.tenant_id.is_some() { 1 } else { 0 };
    Ok(ok_list(own, page, per_page, total))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    if !may_see(&p, &id) {
        return Err(ApiError::NotFound);
    }
    Ok(ok(tenants::get(&s.db, &id).await?))
}

async fn update(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    if !may_see(&p, &id) {
        return Err(ApiError::NotFound);
    }
    if !p.is_platform() {
        p.require(Permission::SettingsManage)?;
    }
    let b: UpdateTenant = body.parse()?;
    let version = expected_version(parse_if_match(&headers)?, b.version)?;
    let values = b.values(&p)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let tenant = tenants::update(&mut tx, &id, version, &values).await?;
    tx.commit().await?;
    Ok(ok(tenant))
}

impl UpdateTenant {
    /// The columns to set, checked; suspension and licence requirements are the platform's.
    pub fn values(&self, p: &Principal) -> Result<Vec<(&'static str, Value)>, ApiError> {
        let b = self;
        let mut v = Violations::new();
        let mut values: Vec<(&'static str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        if let Some(c) = &b.currency {
            values.push(("currency", Value::Text(v.parsed("currency", v::parse_currency(c)))));
        }
        if let Some(tz) = &b.timezone {
            values.push(("timezone", Value::Text(v.parsed("timezone", v::parse_timezone(tz)))));
        }
        if let Some(x) = b.prices_include_tax {
            values.push(("prices_include_tax", Value::from(x)));
        }
        if let Some(x) = b.allow_negative_stock {
            values.push(("allow_negative_stock", Value::from(x)));
        }
        if let Some(x) = b.cash_rounding {
            values.push(("cash_rounding", Value::from(rounding(&mut v, x))));
        }
        if let Some(x) = b.is_active {
            if !p.is_platform() {
                return Err(ApiError::Forbidden("only the platform operator can suspend a tenant".into()));
            }
            values.push(("is_active", Value::from(x)));
        }
        if let Some(x) = b.attendance_photo_required {
            values.push(("attendance_photo_required", Value::from(x)));
        }
        if let Some(x) = b.require_license {
            if !p.is_platform() {
                return Err(ApiError::Forbidden(
                    "only the platform operator sets whether devices need a licence".into(),
                ));
            }
            values.push(("require_license", Value::from(x)));
        }
        for (name, value, max) in [
            ("points_earn_per", b.points_earn_per, 1_000_000_000),
            ("points_redeem_rate", b.points_redeem_rate, 1_000_000),
            ("referral_reward_points", b.referral_reward_points, 1_000_000),
        ] {
            if let Some(x) = value {
                values.push((name, Value::from(v.range(name, x, 0, max))));
            }
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(values)
    }
}
