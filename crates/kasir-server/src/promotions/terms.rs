//! Promotions and vouchers as checkout applies them: whether a voucher can be used now, and the
//! terms the pricing engine reads from stored promotions and vouchers.

use kasir_domain::{money::OutOfRange, pricing, Money};
use kasir_store::{promotions, Db};

use crate::api::rule;
use crate::api::ApiError;

/// The voucher with `code` if it can be used now (422 `voucher_invalid` otherwise).
#[tracing::instrument(skip_all)]
pub async fn usable_voucher(
    db: &Db,
    tenant_id: &str,
    code: &str,
    local_now: &str,
) -> Result<promotions::Voucher, ApiError> {
    let v = promotions::voucher_by_code(db, tenant_id, code)
        .await?
        .ok_or_else(|| rule(kasir_domain::ErrorCode::VoucherInvalid, "no voucher has this code".into()))?;
    voucher_usable(&v, local_now).map_err(|m| rule(kasir_domain::ErrorCode::VoucherInvalid, m.into()))?;
    Ok(v)
}

/// Why a voucher cannot be used at outlet-local time `local_now`, if it cannot.
pub fn voucher_usable(v: &promotions::Voucher, local_now: &str) -> Result<(), &'static str> {
    if !v.active.0 {
        return Err("this voucher is not active");
    }
    if v.valid_from.as_deref().is_some_and(|f| local_now < f) {
        return Err("this voucher is not valid yet");
    }
    if v.valid_until.as_deref().is_some_and(|u| local_now > u) {
        return Err("this voucher has expired");
    }
    if v.usage_limit.is_some_and(|limit| v.usage_count >= limit) {
        return Err("this voucher has no uses left");
    }
    Ok(())
}

/// A promotion's terms as the pricing engine takes them; its amounts were checked when it was
/// written, so [`OutOfRange`] here means a damaged row.
pub fn promotion_terms(x: &promotions::Promotion) -> Result<pricing::Promotion, OutOfRange> {
    Ok(pricing::Promotion {
        id: x.id.clone(),
        discount: discount_of(&x.kind, x.value)?,
        min_purchase: Money::new(x.min_purchase)?,
        max_discount: x.max_discount.map(Money::new).transpose()?,
        product_ids: x.product_ids.0.clone(),
        category_ids: x.category_ids.0.clone(),
    })
}

/// A voucher's terms as the pricing engine takes them.
pub fn voucher_terms(x: &promotions::Voucher) -> Result<pricing::Voucher, OutOfRange> {
    Ok(pricing::Voucher {
        id: x.id.clone(),
        discount: discount_of(&x.discount_type, x.discount_value)?,
        min_purchase: Money::new(x.min_purchase)?,
        max_discount: x.max_discount.map(Money::new).transpose()?,
    })
}

fn discount_of(kind: &str, value: i64) -> Result<pricing::Discount, OutOfRange> {
    Ok(if kind == "percent" {
        pricing::Discount::Percent(value)
    } else {
        pricing::Discount::Amount(Money::new(value)?)
    })
}
