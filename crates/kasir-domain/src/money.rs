//! Money is minor units of the tenant's currency, always within ±[`MAX_MONEY`], so that no total,
//! sum or report can overflow: a sum of a million amounts still fits an `i64` a million times over.
//!
//! [`Money`] carries that bound. It has no `+`, `-` or `*`: amounts are added, taken and scaled
//! with [`Money::plus`], [`Money::minus`], [`Money::sum`] and [`Money::mul_div`], each of which
//! answers [`OutOfRange`] rather than leave the bound. Records read from the database and
//! numbers in JSON stay `i64`; they become `Money` (checked) where they are computed with.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount anything may come to: a price, a line, an order, a sale, a payment
/// (10^12 minor units: a trillion rupiah).
pub const MAX_MONEY: i64 = 1_000_000_000_000;

/// An amount that would come to more than [`MAX_MONEY`] (or less than `-MAX_MONEY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amount would come to more than {MAX_MONEY}")]
pub struct OutOfRange;

/// An amount of money within ±[`MAX_MONEY`] minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);
    pub const MAX: Money = Money(MAX_MONEY);

    /// `minor` units, if within the bound.
    pub fn new(minor: i64) -> Result<Money, OutOfRange> {
        bounded(minor as i128).map(Money)
    }

    /// The amount in minor units.
    pub fn get(self) -> i64 {
        self.0
    }

    /// `self + other`, within the bound.
    pub fn plus(self, other: Money) -> Result<Money, OutOfRange> {
        Money::wide(self.0 as i128 + other.0 as i128)
    }

    /// `self − other`, within the bound.
    pub fn minus(self, other: Money) -> Result<Money, OutOfRange> {
        Money::wide(self.0 as i128 - other.0 as i128)
    }

    /// `self − part`, where `part` lies between zero and `self` (a discount off what it
    /// discounts, a share of a whole): the result lies between zero and `self`, so it cannot
    /// leave the bound. A `part` outside that range is taken as the nearest end of it.
    pub fn less(self, part: Money) -> Money {
        Money(self.0 - part.0.clamp(0, self.0.max(0)))
    }

    /// The sum of `amounts`, in `i128`, so that no number of terms can wrap.
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, OutOfRange> {
        Money::wide(amounts.into_iter().map(|a| a.0 as i128).sum())
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero (a percentage, a share by
    /// quantity, a price times a quantity in thousandths). A denominator of zero or below is
    /// taken as one.
    pub fn mul_div(self, numerator: i64, denominator: i64) -> Result<Money, OutOfRange> {
        let (a, n, d) = (self.0 as i128, numerator as i128, (denominator as i128).max(1));
        let product = a * n;
        let half = d / 2;
        let q = if product >= 0 { (product + half) / d } else { (product - half) / d };
        Money::wide(q)
    }

    /// `self × part ÷ whole`, rounded half up, with `part` taken between zero and `whole`: a
    /// share of an amount (a percentage of it, the units refunded of those sold), never more
    /// than the amount, so it cannot leave the bound. Zero when `whole` is not positive.
    pub fn share(self, part: i64, whole: i64) -> Money {
        if whole <= 0 {
            return Money::ZERO;
        }
        self.mul_div(part.clamp(0, whole), whole).unwrap_or(self)
    }

    /// Zero when negative.
    pub fn at_least_zero(self) -> Money {
        Money(self.0.max(0))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    fn wide(value: i128) -> Result<Money, OutOfRange> {
        bounded(value).map(Money)
    }
}

impl TryFrom<i64> for Money {
    type Error = OutOfRange;
    fn try_from(minor: i64) -> Result<Money, OutOfRange> {
        Money::new(minor)
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

/// Compares with a number of minor units, so that tests and guards read plainly
/// (`assert_eq!(priced.total, 11_000)`).
impl PartialEq<i64> for Money {
    fn eq(&self, other: &i64) -> bool {
        self.0 == *other
    }
}

impl PartialOrd<i64> for Money {
    fn partial_cmp(&self, other: &i64) -> Option<std::cmp::Ordering> {
        Some(self.0.cmp(other))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let minor = i64::deserialize(d)?;
        Money::new(minor)
            .map_err(|_| serde::de::Error::custom(format!("must be at most {MAX_MONEY} in absolute value")))
    }
}

/// `value` if it lies within `-MAX_MONEY..=MAX_MONEY`.
pub fn bounded(value: i128) -> Result<i64, OutOfRange> {
    if value.abs() <= MAX_MONEY as i128 {
        Ok(value as i64)
    } else {
        Err(OutOfRange)
    }
}

/// The sum of `amounts` (plain minor units, as records hold them), if it and every amount lie
/// within the bound.
pub fn total<I: IntoIterator<Item = i64>>(amounts: I) -> Result<Money, OutOfRange> {
    let total = amounts.into_iter().try_fold(0i128, |total, a| Ok(total + Money::new(a)?.0 as i128))?;
    Money::wide(total)
}

/// [`total`], in plain minor units.
pub fn sum<I: IntoIterator<Item = i64>>(amounts: I) -> Result<i64, OutOfRange> {
    total(amounts).map(Money::get)
}

/// `a + b` (plain minor units) within the bound.
pub fn add(a: i64, b: i64) -> Result<i64, OutOfRange> {
    Money::new(a)?.plus(Money::new(b)?).map(Money::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: i64) -> Money {
        Money::new(v).unwrap()
    }

    #[test]
    fn sums_refuse_past_the_bound_and_never_wrap() {
        assert_eq!(sum([MAX_MONEY / 2, MAX_MONEY / 2]), Ok(MAX_MONEY));
        assert_eq!(sum([MAX_MONEY, 1]), Err(OutOfRange));
        assert_eq!(sum([i64::MAX, i64::MAX, i64::MAX]), Err(OutOfRange));
        assert_eq!(sum(std::iter::repeat_n(100_000_000_000_000_000, 100)), Err(OutOfRange));
        assert_eq!(sum([]), Ok(0));
        assert_eq!(add(MAX_MONEY, -1), Ok(MAX_MONEY - 1));
        assert_eq!(add(MAX_MONEY, 1), Err(OutOfRange));
        assert_eq!(Money::sum(std::iter::repeat_n(Money::MAX, 1_000)), Err(OutOfRange));
        assert_eq!(Money::sum([Money::MAX, m(-MAX_MONEY), m(5)]), Ok(m(5)));
    }

    #[test]
    fn amounts_outside_the_bound_cannot_be_made() {
        assert_eq!(Money::new(MAX_MONEY), Ok(Money::MAX));
        assert_eq!(Money::new(-MAX_MONEY).map(Money::get), Ok(-MAX_MONEY));
        assert_eq!(Money::new(MAX_MONEY + 1), Err(OutOfRange));
        assert_eq!(Money::new(i64::MIN), Err(OutOfRange));
        assert_eq!(Money::try_from(-MAX_MONEY - 1), Err(OutOfRange));
        assert!(serde_json::from_str::<Money>("1000000000001").is_err());
        assert_eq!(serde_json::from_str::<Money>("-250").unwrap(), -250);
        assert_eq!(serde_json::to_string(&m(12_500)).unwrap(), "12500");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(m(7).plus(m(5)), Ok(m(12)));
        assert_eq!(Money::MAX.plus(m(1)), Err(OutOfRange));
        assert_eq!(m(-MAX_MONEY).minus(m(1)), Err(OutOfRange));
        assert_eq!(m(5).minus(m(7)), Ok(m(-2)));
        assert_eq!(Money::MAX.mul_div(2, 1), Err(OutOfRange));
        assert_eq!(Money::MAX.mul_div(i64::MAX, i64::MAX), Ok(Money::MAX));
    }

    #[test]
    fn less_stays_between_zero_and_the_whole() {
        assert_eq!(m(100).less(m(30)), 70);
        assert_eq!(m(100).less(m(130)), 0);
        assert_eq!(m(100).less(m(-5)), 100);
        assert_eq!(m(-10).less(m(3)), -10);
    }

    #[test]
    fn mul_div_rounds_half_away_from_zero() {
        assert_eq!(m(1_000).mul_div(1_500, 1_000), Ok(m(1_500)));
        assert_eq!(m(5).mul_div(1, 2), Ok(m(3)));
        assert_eq!(m(4).mul_div(1, 3), Ok(m(1)));
        assert_eq!(m(-5).mul_div(1, 2), Ok(m(-3)));
        assert_eq!(m(10).mul_div(1, 0), Ok(m(10)));
    }
}
