//! Tenants: the businesses on this installation. Each has its own users, outlets, data and feed.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{finish_write, OutletScope, ResourceDef},
    sql::Sql,
    tenancy::users::{insert_raw, NewUser},
    Db, Result, Scope, StoreError, Tx, Value,
};

/// Tenants are described like other resources so that their writes share the feed and audit code;
/// their `tenant_id` is their own `id`.
pub static TENANTS: ResourceDef = ResourceDef {
    entity: "tenant",
    table: "tenants",
    columns: &[],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

const COLUMNS: &str = "id, name, slug, currency, timezone, prices_include_tax, allow_negative_stock, cash_rounding, is_active, require_license, points_earn_per, points_redeem_rate, referral_reward_points, attendance_photo_required, version, created_at, updated_at";

/// A tenant and its settings.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Tenant {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub timezone: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub prices_include_tax: crate::Flag,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub allow_negative_stock: crate::Flag,
    /// Cash totals are rounded to a multiple of this many minor units (0: no rounding).
    pub cash_rounding: i64,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: crate::Flag,
    /// Devices without a licence may not push (set by the platform operator).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub require_license: crate::Flag,
    /// A completed sale to a customer with an app account earns floor(total / this) points (0: none).
    pub points_earn_per: i64,
    /// Minor units of wallet one point redeems into (0: points cannot be redeemed).
    pub points_redeem_rate: i64,
    /// Points a referrer gets when a referral completes.
    pub referral_reward_points: i64,
    /// A check-in needs a photo.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub attendance_photo_required: crate::Flag,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

crate::impl_record!(Tenant);

/// A new tenant with its owner (role `super_admin`).
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub timezone: String,
    pub prices_include_tax: bool,
    pub allow_negative_stock: bool,
    pub cash_rounding: i64,
    pub owner: NewUser,
}

/// Creates the tenant, its feed head and its owner in one transaction.
#[tracing::instrument(skip_all)]
pub async fn create(tx: &mut Tx, t: &NewTenant) -> Result<Tenant> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO tenants (id, name, slug, currency, timezone, prices_include_tax, allow_negative_stock, cash_rounding, is_active, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, $9, $9)",
    )
    .bind(&t.id)
    .bind(&t.name)
    .bind(&t.slug)
    .bind(&t.currency)
    .bind(&t.timezone)
    .bind(i64::from(t.prices_include_tax))
    .bind(i64::from(t.allow_negative_stock))
    .bind(t.cash_rounding)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    crate::feed::create_head(tx, &t.id).await?;
    insert_raw(tx, &t.owner).await?;
    let tenant = get_in(tx, &t.id).await?;
    let scope = Scope::tenant(&t.id);
    finish_write(tx, &TENANTS, &scope, "create", "upsert", &tenant);
    let owner: crate::tenancy::users::User =
        crate::crud::get_in(tx, &crate::tenancy::users::USERS, &scope, &t.owner.id).await?;
    finish_write(tx, &crate::tenancy::users::USERS, &scope, "create", "upsert", &owner);
    crate::selling::payment_methods::create_cash_method(tx, &t.id).await?;
    Ok(tenant)
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Tenant> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1 AND deleted_at IS NULL"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// The live tenant whose slug is `slug` (slugs are stored lower-case), if any.
#[tracing::instrument(skip_all)]
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Tenant>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1 AND deleted_at IS NULL"))
        .bind(slug)
        .fetch_optional(db.reader())
        .await?)
}

/// Reads a tenant inside a write transaction.
#[tracing::instrument(skip_all)]
pub async fn get_in_tx(tx: &mut Tx, id: &str) -> Result<Tenant> {
    get_in(tx, id).await
}

async fn get_in(tx: &mut Tx, id: &str) -> Result<Tenant> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1 AND deleted_at IS NULL"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every tenant, newest last, with an optional search on name and slug.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, search: Option<&str>, page: i64, per_page: i64) -> Result<(Vec<Tenant>, i64)> {
    let mut filter = Sql::new(" FROM tenants WHERE deleted_at IS NULL");
    if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", crate::sql::like_escape(&term.to_lowercase()));
        filter.push(" AND (LOWER(name) LIKE ").bind(pattern.as_str()).push(" ESCAPE '\\' OR slug LIKE ");
        filter.bind(pattern.as_str()).push(" ESCAPE '\\')");
    }
    filter.page(db, COLUMNS, "created_at, id", page, per_page).await
}

/// Applies `values` to the tenant if it is at `expected_version` (when given).
#[tracing::instrument(skip_all)]
pub async fn update(tx: &mut Tx, id: &str, expected_version: Option<i64>, values: &[(&str, Value)]) -> Result<Tenant> {
    let current = get_in(tx, id).await?;
    if let Some(v) = expected_version.filter(|v| *v != current.version) {
        let _ = v;
        return Err(StoreError::VersionConflict { current: current.version });
    }
    let mut sql = Sql::new("UPDATE tenants SET version = version + 1, updated_at = ");
    sql.bind(kasir_domain::time::now());
    for (name, v) in values {
        sql.push(", ").push(name).push(" = ").bind(v.clone());
    }
    sql.push(" WHERE id = ").bind(id).push(" AND version = ").bind(current.version);
    if sql.query().execute(&mut **tx).await?.rows_affected() != 1 {
        return Err(StoreError::VersionConflict { current: current.version + 1 });
    }
    let tenant = get_in(tx, id).await?;
    finish_write(tx, &TENANTS, &Scope::tenant(id), "update", "upsert", &tenant);
    Ok(tenant)
}
