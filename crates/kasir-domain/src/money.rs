//! Money is `i64` minor units of the tenant's currency. Every amount the server accepts, stores
//! or computes stays within [`MAX_MONEY`], so that no total, sum or report can overflow: a sum of
//! a million such amounts still fits an `i64` a million times over.

/// Minor units of the tenant's currency.
pub type Money = i64;

/// The largest amount anything may come to: a price, a line, an order, a sale, a payment
/// (10^12 minor units: a trillion rupiah).
pub const MAX_MONEY: Money = 1_000_000_000_000;

/// An amount that would come to more than [`MAX_MONEY`] (or less than `-MAX_MONEY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amount would come to more than {MAX_MONEY}")]
pub struct OutOfRange;

/// `value` if it lies within `-MAX_MONEY..=MAX_MONEY`.
pub fn bounded(value: i128) -> Result<Money, OutOfRange> {
    if value.abs() <= MAX_MONEY as i128 {
        Ok(value as Money)
    } else {
        Err(OutOfRange)
    }
}

/// The sum of `amounts`, if it and every amount lie within the bound. Summed in `i128`, so no
/// number of terms can wrap.
pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, OutOfRange> {
    let mut total: i128 = 0;
    for a in amounts {
        bounded(a as i128)?;
        total += a as i128;
    }
    bounded(total)
}

/// `a + b` within the bound.
pub fn add(a: Money, b: Money) -> Result<Money, OutOfRange> {
    bounded(a as i128 + b as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_refuse_past_the_bound_and_never_wrap() {
        assert_eq!(sum([MAX_MONEY / 2, MAX_MONEY / 2]), Ok(MAX_MONEY));
        assert_eq!(sum([MAX_MONEY, 1]), Err(OutOfRange));
        assert_eq!(sum([i64::MAX, i64::MAX, i64::MAX]), Err(OutOfRange));
        assert_eq!(sum(std::iter::repeat_n(100_000_000_000_000_000, 100)), Err(OutOfRange));
        assert_eq!(sum([]), Ok(0));
        assert_eq!(add(MAX_MONEY, -1), Ok(MAX_MONEY - 1));
        assert_eq!(add(MAX_MONEY, 1), Err(OutOfRange));
    }
}
