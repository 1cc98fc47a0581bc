//! Vouchers: codes a customer presents for a discount, and checking one before a sale.

use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    promotions::{Voucher, VOUCHERS},
    Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{api::ApiError, auth::Principal, selling::DiscountKind};

use super::*;

pub struct Vouchers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVoucher {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// Unique in the tenant, case-insensitive.
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    pub discount_type: DiscountKind,
    #[schema(minimum = 0)]
    pub discount_value: i64,
    #[schema(minimum = 0)]
    pub min_purchase: Option<i64>,
    #[schema(minimum = 0)]
    pub max_discount: Option<i64>,
    /// Outlet-local, like a promotion's `starts_at`.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    #[schema(minimum = 1)]
    pub usage_limit: Option<i64>,
    /// Uses one customer account may make (none: no limit).
    #[schema(minimum = 1)]
    pub per_customer_limit: Option<i64>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVoucher {
    #[schema(max_length = 500)]
    pub description: Option<String>,
    pub discount_type: Option<DiscountKind>,
    #[schema(minimum = 0)]
    pub discount_value: Option<i64>,
    #[schema(minimum = 0)]
    pub min_purchase: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub max_discount: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub valid_from: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub valid_until: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub usage_limit: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub per_customer_limit: Option<Option<i64>>,
    pub active: Option<bool>,
    pub version: Option<i64>,
}

fn per_customer(v: &mut Violations, limit: Option<i64>) -> Option<i64> {
    limit.map(|l| v.range("per_customer_limit", l, 1, 1_000_000_000))
}

impl Resource for Vouchers {
    type Record = Voucher;
    type Create = CreateVoucher;
    type Update = UpdateVoucher;
    const DEF: &'static ResourceDef = &VOUCHERS;
    const PATH: &'static str = "/vouchers";
    const TAG: &'static str = "promotions";
    const READ: Permission = Permission::PromotionsManage;
    const WRITE: Permission = Permission::PromotionsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateVoucher) -> Result<Voucher, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let code = v.text("code", &b.code, 1, 50);
        if code.chars().any(char::is_whitespace) {
            v.add("code", "must not contain spaces");
        }
        let description = v.opt_text("description", b.description.as_deref(), 500);
        let terms = Terms {
            kind: b.discount_type,
            value: b.discount_value,
            min_purchase: b.min_purchase.unwrap_or(0),
            max_discount: b.max_discount,
            from: wall_time(&mut v, "valid_from", b.valid_from.as_deref(), false),
            until: wall_time(&mut v, "valid_until", b.valid_until.as_deref(), true),
            usage_limit: b.usage_limit,
        };
        terms.check(&mut v, ["discount_value", "valid_from", "valid_until", ""]);
        let per_customer_limit = per_customer(&mut v, b.per_customer_limit);
        v.finish().map_err(ApiError::Validation)?;
        let values = [
            ("code_key", Value::from(code.to_lowercase())),
            ("code", Value::from(code)),
            ("description", Value::Text(description)),
            ("discount_type", Value::from(kind_str(terms.kind))),
            ("discount_value", Value::from(terms.value)),
            ("min_purchase", Value::from(terms.min_purchase)),
            ("max_discount", Value::Int(terms.max_discount)),
            ("valid_from", Value::Text(terms.from)),
            ("valid_until", Value::Text(terms.until)),
            ("usage_limit", Value::Int(terms.usage_limit)),
            ("per_customer_limit", Value::Int(per_customer_limit)),
            ("active", Value::from(b.active.unwrap_or(true))),
        ];
        Ok(crud::create(tx, &VOUCHERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Voucher,
        version: Option<i64>,
        b: UpdateVoucher,
    ) -> Result<Voucher, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let from = match &b.valid_from {
            Some(raw) => wall_time(&mut v, "valid_from", raw.as_deref(), false),
            None => c.valid_from.clone(),
        };
        let until = match &b.valid_until {
            Some(raw) => wall_time(&mut v, "valid_until", raw.as_deref(), true),
            None => c.valid_until.clone(),
        };
        let terms = Terms {
            kind: b.discount_type.unwrap_or(kind_of(&c.discount_type)),
            value: b.discount_value.unwrap_or(c.discount_value),
            min_purchase: b.min_purchase.unwrap_or(c.min_purchase),
            max_discount: b.max_discount.unwrap_or(c.max_discount),
            from,
            until,
            usage_limit: b.usage_limit.unwrap_or(c.usage_limit),
        };
        terms.check(&mut v, ["discount_value", "valid_from", "valid_until", ""]);
        let mut values = vec![
            ("discount_type", Value::from(kind_str(terms.kind))),
            ("discount_value", Value::from(terms.value)),
            ("min_purchase", Value::from(terms.min_purchase)),
            ("max_discount", Value::Int(terms.max_discount)),
            ("valid_from", Value::Text(terms.from)),
            ("valid_until", Value::Text(terms.until)),
            ("usage_limit", Value::Int(terms.usage_limit)),
        ];
        if let Some(d) = &b.description {
            values.push(("description", Value::Text(v.opt_text("description", Some(d), 500))));
        }
        if let Some(a) = b.active {
            values.push(("active", Value::from(a)));
        }
        if let Some(limit) = b.per_customer_limit {
            values.push(("per_customer_limit", Value::Int(per_customer(&mut v, limit))));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &VOUCHERS, scope, &c.id, version, &values).await?)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateVoucher {
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    /// The order's amount before the voucher, minor units.
    #[schema(minimum = 0)]
    pub order_amount: i64,
    /// The outlet whose local time decides the validity window; by default the caller's only
    /// outlet, else the tenant's time zone.
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
}

/// Whether a voucher would apply, and what it would take off.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoucherCheck {
    pub valid: bool,
    pub discount: i64,
    pub final_amount: i64,
    pub message: String,
}
