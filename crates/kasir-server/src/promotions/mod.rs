//! `/promotions`, `/vouchers` and `POST /vouchers/validate`.

pub mod terms;
pub mod vouchers;

use vouchers::{ValidateVoucher, VoucherCheck, Vouchers};

use axum::{extract::State, response::Response};
use kasir_domain::{pricing, FieldError, Permission, Violations};
use kasir_store::{
    catalog::products::PRODUCTS,
    catalog::CATEGORIES,
    crud::{self, ResourceDef},
    promotions::{self, Promotion, PROMOTIONS},
    tenancy::outlets::{Outlet, OUTLETS},
    Db, Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use kasir_domain::MAX_MONEY;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, JsonBody,
    },
    auth::Principal,
    selling::DiscountKind,
    state::AppState,
};

pub struct Promotions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromotion {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: DiscountKind,
    /// Basis points for `percent` (0 to 10000), minor units for `amount`.
    #[schema(minimum = 0)]
    pub value: i64,
    #[schema(minimum = 0)]
    pub min_purchase: Option<i64>,
    #[schema(minimum = 0)]
    pub max_discount: Option<i64>,
    /// Outlet-local: `2026-12-01`, `2026-12-01T08:00` or `2026-12-01T08:00:00`.
    pub starts_at: Option<String>,
    /// Outlet-local; a date alone means the end of that day.
    pub ends_at: Option<String>,
    #[schema(minimum = 1)]
    pub usage_limit: Option<i64>,
    /// The products it covers; with `category_ids` both empty, the whole order.
    pub product_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    /// Applies by itself to every sale that qualifies (default true).
    pub auto_apply: Option<bool>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePromotion {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<DiscountKind>,
    #[schema(minimum = 0)]
    pub value: Option<i64>,
    #[schema(minimum = 0)]
    pub min_purchase: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub max_discount: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub starts_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub ends_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub usage_limit: Option<Option<i64>>,
    pub product_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    pub auto_apply: Option<bool>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

/// The terms shared by promotions and vouchers, checked: kind and value, limits, window.
struct Terms {
    kind: DiscountKind,
    value: i64,
    min_purchase: i64,
    max_discount: Option<i64>,
    from: Option<String>,
    until: Option<String>,
    usage_limit: Option<i64>,
}

impl Terms {
    fn check(&self, v: &mut Violations, names: [&str; 4]) {
        let [value, from, until, _] = names;
        match self.kind {
            DiscountKind::Percent => v.range(value, self.value, 0, 10_000),
            DiscountKind::Amount => v.range(value, self.value, 0, MAX_MONEY),
        };
        v.range("min_purchase", self.min_purchase, 0, MAX_MONEY);
        if let Some(m) = self.max_discount {
            v.range("max_discount", m, 0, MAX_MONEY);
        }
        if let Some(l) = self.usage_limit {
            v.range("usage_limit", l, 1, 1_000_000_000);
        }
        if let (Some(f), Some(u)) = (&self.from, &self.until) {
            if u < f {
                v.add(until, format!("must not be before {from}"));
            }
        }
    }
}

fn kind_str(k: DiscountKind) -> &'static str {
    match k {
        DiscountKind::Percent => "percent",
        DiscountKind::Amount => "amount",
    }
}

fn kind_of(s: &str) -> DiscountKind {
    if s == "percent" {
        DiscountKind::Percent
    } else {
        DiscountKind::Amount
    }
}

/// Parses an optional outlet-local time into `v`.
fn wall_time(v: &mut Violations, field: &str, raw: Option<&str>, end: bool) -> Option<String> {
    let raw = raw?.trim();
    match kasir_domain::time::parse_wall_time(raw, end) {
        Some(t) => Some(t),
        None => {
            v.add(field, "must be a local date or date and time such as 2026-12-01 or 2026-12-01T08:00");
            None
        }
    }
}

/// Checks that every id is a live record of `def` (404 naming the field otherwise); sorted, unique.
async fn check_ids(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    field: &str,
    ids: &[String],
) -> Result<Vec<String>, ApiError> {
    if ids.len() > 1000 {
        return Err(ApiError::field(field, "must have at most 1000 entries"));
    }
    let mut parsed = Vec::with_capacity(ids.len());
    for (i, raw) in ids.iter().enumerate() {
        parsed.push(
            kasir_domain::ids::parse_id(raw)
                .ok_or_else(|| ApiError::field(&format!("{field}[{i}]"), "must be a UUID"))?,
        );
    }
    let found = crud::existing_ids(tx, def, scope, &parsed).await?;
    let refs: Vec<FieldError> = parsed
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(|(i, _)| FieldError::new(format!("{field}[{i}]"), "no such record"))
        .collect();
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    parsed.sort();
    parsed.dedup();
    Ok(parsed)
}

impl Resource for Promotions {
    type Record = Promotion;
    type Create = CreatePromotion;
    type Update = UpdatePromotion;
    const DEF: &'static ResourceDef = &PROMOTIONS;
    const PATH: &'static str = "/promotions";
    const TAG: &'static str = "promotions";
    const READ: Permission = Permission::SalesRead;
    const WRITE: Permission = Permission::PromotionsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePromotion) -> Result<Promotion, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        let terms = Terms {
            kind: b.kind,
            value: b.value,
            min_purchase: b.min_purchase.unwrap_or(0),
            max_discount: b.max_discount,
            from: wall_time(&mut v, "starts_at", b.starts_at.as_deref(), false),
            until: wall_time(&mut v, "ends_at", b.ends_at.as_deref(), true),
            usage_limit: b.usage_limit,
        };
        terms.check(&mut v, ["value", "starts_at", "ends_at", ""]);
        v.finish().map_err(ApiError::Validation)?;
        let products = check_ids(tx, &PRODUCTS, scope, "product_ids", b.product_ids.as_deref().unwrap_or(&[])).await?;
        let categories =
            check_ids(tx, &CATEGORIES, scope, "category_ids", b.category_ids.as_deref().unwrap_or(&[])).await?;
        values.extend([
            ("type", Value::from(kind_str(terms.kind))),
            ("value", Value::from(terms.value)),
            ("min_purchase", Value::from(terms.min_purchase)),
            ("max_discount", Value::Int(terms.max_discount)),
            ("starts_at", Value::Text(terms.from)),
            ("ends_at", Value::Text(terms.until)),
            ("usage_limit", Value::Int(terms.usage_limit)),
            ("product_ids", Value::json(&products)),
            ("category_ids", Value::json(&categories)),
            ("auto_apply", Value::from(b.auto_apply.unwrap_or(true))),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ]);
        Ok(crud::create(tx, &PROMOTIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Promotion,
        version: Option<i64>,
        b: UpdatePromotion,
    ) -> Result<Promotion, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        let from = match &b.starts_at {
            Some(raw) => wall_time(&mut v, "starts_at", raw.as_deref(), false),
            None => c.starts_at.clone(),
        };
        let until = match &b.ends_at {
            Some(raw) => wall_time(&mut v, "ends_at", raw.as_deref(), true),
            None => c.ends_at.clone(),
        };
        let terms = Terms {
            kind: b.kind.unwrap_or(kind_of(&c.kind)),
            value: b.value.unwrap_or(c.value),
            min_purchase: b.min_purchase.unwrap_or(c.min_purchase),
            max_discount: b.max_discount.unwrap_or(c.max_discount),
            from,
            until,
            usage_limit: b.usage_limit.unwrap_or(c.usage_limit),
        };
        terms.check(&mut v, ["value", "starts_at", "ends_at", ""]);
        v.finish().map_err(ApiError::Validation)?;
        values.extend([
            ("type", Value::from(kind_str(terms.kind))),
            ("value", Value::from(terms.value)),
            ("min_purchase", Value::from(terms.min_purchase)),
            ("max_discount", Value::Int(terms.max_discount)),
            ("starts_at", Value::Text(terms.from)),
            ("ends_at", Value::Text(terms.until)),
            ("usage_limit", Value::Int(terms.usage_limit)),
        ]);
        if let Some(ids) = &b.product_ids {
            values.push(("product_ids", Value::json(&check_ids(tx, &PRODUCTS, scope, "product_ids", ids).await?)));
        }
        if let Some(ids) = &b.category_ids {
            values.push(("category_ids", Value::json(&check_ids(tx, &CATEGORIES, scope, "category_ids", ids).await?)));
        }
        if let Some(a) = b.auto_apply {
            values.push(("auto_apply", Value::from(a)));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        Ok(crud::update(tx, &PROMOTIONS, scope, &c.id, version, &values).await?)
    }
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = crate::api::resource::routes::<Promotions>(api);
    crate::api::resource::routes::<Vouchers>(api).route(
        Method::Post,
        "/vouchers/validate",
        validate,
        Op::new("promotions", "Check a voucher code against an order amount")
            .body::<ValidateVoucher>()
            .ok::<VoucherCheck>()
            .errors(&[404]),
    )
}

/// The outlet-local wall time now at `outlet_id` (or the caller's only outlet, or the tenant).
async fn local_now(db: &Db, p: &Principal, scope: &Scope, outlet_id: Option<&str>) -> Result<String, ApiError> {
    let outlet_id = match outlet_id {
        Some(raw) => {
            Some(kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("outlet_id", "must be a UUID"))?)
        }
        None if p.outlet_ids.len() == 1 => Some(p.outlet_ids[0].clone()),
        None => None,
    };
    let tenant = kasir_store::tenancy::tenants::get(db, &scope.tenant_id).await?;
    let outlet_zone = match outlet_id {
        Some(id) => {
            crud::get::<Outlet>(db, &OUTLETS, scope, &id)
                .await
                .map_err(|e| crate::api::missing(e, "outlet_id", "outlet"))?
                .timezone
        }
        None => String::new(),
    };
    let zone = kasir_domain::time::outlet_zone(&outlet_zone, &tenant.timezone);
    Ok(kasir_domain::time::outlet_clock(jiff::Timestamp::now(), zone).wall_time)
}

async fn validate(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::SalesCreate)?;
    let scope = p.scope()?;
    let b: ValidateVoucher = body.parse()?;
    let mut v = Violations::new();
    let code = v.text("code", &b.code, 1, 50);
    let amount = v.money("order_amount", b.order_amount);
    v.finish().map_err(ApiError::Validation)?;
    let now = local_now(&s.db, &p, &scope, b.outlet_id.as_deref()).await?;
    let refuse =
        |message: &str| VoucherCheck { valid: false, discount: 0, final_amount: amount.get(), message: message.into() };
    let Some(voucher) = promotions::voucher_by_code(&s.db, &scope.tenant_id, &code).await? else {
        return Ok(ok(refuse("no voucher has this code")));
    };
    if let Err(m) = terms::voucher_usable(&voucher, &now) {
        return Ok(ok(refuse(m)));
    }
    Ok(ok(match pricing::voucher_discount(&terms::voucher_terms(&voucher)?, amount) {
        Ok(discount) => VoucherCheck {
            valid: true,
            discount: discount.get(),
            final_amount: amount.less(discount).get(),
            message: format!("{} off", discount),
        },
        Err(pricing::VoucherRefusal::BelowMinimum { min_purchase }) => {
            refuse(&format!("this voucher needs a purchase of at least {min_purchase}"))
        }
    }))
}
