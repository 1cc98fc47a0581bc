//! The pricing engine. Every total of a sale, an order, a refund or a voucher check is computed
//! here, from catalog prices and the rules that apply, never from totals a client sends.
//!
//! Money is [`Money`] (minor units, within the bound), quantities `i64` thousandths, rates basis points. The steps, in
//! order, for each sale:
//! 1. a line's gross is `unit_price × quantity`, rounded half up;
//! 2. its own discount (percent or amount) comes off its gross;
//! 3. promotions, then the order discount, then the voucher, each come off what is left of the
//!    lines they cover, and are shared out over those lines in proportion (largest remainder,
//!    so the shares add up exactly);
//! 4. tax is computed per line on what is left (the net): extracted from it when the tax is
//!    inclusive, added to it when exclusive, rounded half up per line;
//! 5. the total is rounded to the tenant's cash rounding step (half up), the difference shown
//!    as `rounding`.
//!
//! No discount exceeds what it discounts, so no net, tax or total is ever negative; and no line,
//! subtotal or total may come to more than [`MAX_MONEY`](crate::MAX_MONEY): such an order is refused, not wrapped.

pub use crate::money::{Money, OutOfRange};

/// A discount as the client or a promotion states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    /// Basis points of the amount discounted (`1000` = 10 %), 0 to 10,000.
    Percent(i64),
    /// A fixed amount, at most the amount discounted.
    Amount(Money),
}

/// A tax rate, included in prices or added to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tax {
    pub rate_bps: i64,
    pub inclusive: bool,
}

/// One line to price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub product_id: String,
    pub category_id: Option<String>,
    /// Price of one unit, modifiers included.
    pub unit_price: Money,
    /// Thousandths of a unit; greater than zero.
    pub quantity: i64,
    pub discount: Option<Discount>,
    pub tax: Option<Tax>,
}

/// A promotion that may apply to the order (the caller has checked its dates, usage and state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub id: String,
    pub discount: Discount,
    /// The lines it covers must come to at least this (after their own discounts).
    pub min_purchase: Money,
    pub max_discount: Option<Money>,
    /// The products and categories it covers; both empty means the whole order.
    pub product_ids: Vec<String>,
    pub category_ids: Vec<String>,
}

impl Promotion {
    fn covers(&self, line: &Line) -> bool {
        (self.product_ids.is_empty() && self.category_ids.is_empty())
            || self.product_ids.contains(&line.product_id)
            || line.category_id.as_ref().is_some_and(|c| self.category_ids.contains(c))
    }
}

/// A voucher's terms (the caller has checked its code, dates, usage and state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voucher {
    pub id: String,
    pub discount: Discount,
    /// The order, after every other discount, must come to at least this.
    pub min_purchase: Money,
    pub max_discount: Option<Money>,
}

/// Everything a sale's prices depend on.
#[derive(Debug, Clone, Default)]
pub struct Order {
    pub lines: Vec<Line>,
    pub discount: Option<Discount>,
    pub promotions: Vec<Promotion>,
    pub voucher: Option<Voucher>,
    /// The cash rounding step in minor units (for example 100); 0 or 1 rounds nothing.
    pub cash_rounding: i64,
}

/// Where an order-level discount came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Promotion(String),
    Order,
    Voucher(String),
}

/// An order-level discount as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub source: Source,
    pub amount: Money,
}

/// A line as priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PricedLine {
    /// `unit_price × quantity`.
    pub gross: Money,
    /// The line's own discount.
    pub line_discount: Money,
    /// Its share of the order-level discounts (promotions, order discount, voucher).
    pub order_discount: Money,
    /// `gross − line_discount − order_discount`: what the line is sold for, tax included when
    /// the tax is inclusive, before it when exclusive.
    pub net: Money,
    pub tax: Money,
    /// `net`, plus the tax when it is exclusive.
    pub total: Money,
}

impl PricedLine {
    pub fn discount_total(&self) -> Money {
        self.gross.less(self.net)
    }
}

/// Why a voucher did not reduce the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherRefusal {
    BelowMinimum { min_purchase: Money },
}

/// A priced order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Priced {
    pub lines: Vec<PricedLine>,
    /// Sum of the lines' gross.
    pub subtotal: Money,
    pub discount_total: Money,
    pub tax_total: Money,
    /// What cash rounding added (or, when negative, took off).
    pub rounding: Money,
    /// `subtotal − discount_total + exclusive taxes + rounding`.
    pub total: Money,
    /// Order-level discounts that took something off, in the order applied.
    pub applied: Vec<Applied>,
    pub voucher_refused: Option<VoucherRefusal>,
}

/// Prices an order; [`OutOfRange`] when a line or the order would come to more than
/// [`MAX_MONEY`](crate::MAX_MONEY).
pub fn price(order: &Order) -> Result<Priced, OutOfRange> {
    let mut lines = Vec::with_capacity(order.lines.len());
    for l in &order.lines {
        let gross = l.unit_price.at_least_zero().mul_div(l.quantity.max(0), 1000)?;
        let line_discount = l.discount.map_or(Money::ZERO, |d| discount_amount(d, gross, None));
        lines.push(PricedLine { gross, line_discount, net: gross.less(line_discount), ..Default::default() });
    }
    // Every net below is at most its gross, so no sum of nets can pass the subtotal.
    let subtotal = Money::sum(lines.iter().map(|l| l.gross))?;
    let mut applied = Vec::new();

    for promo in &order.promotions {
        let covered: Vec<bool> = order.lines.iter().map(|l| promo.covers(l)).collect();
        let base = Money::sum(lines.iter().zip(&covered).filter(|(_, c)| **c).map(|(l, _)| l.net))?;
        if base.is_zero() || base < promo.min_purchase {
            continue;
        }
        let amount = discount_amount(promo.discount, base, promo.max_discount);
        if amount.is_positive() {
            share_out(&mut lines, &covered, amount)?;
            applied.push(Applied { source: Source::Promotion(promo.id.clone()), amount });
        }
    }
    let all = vec![true; lines.len()];
    if let Some(d) = order.discount {
        let amount = discount_amount(d, Money::sum(lines.iter().map(|l| l.net))?, None);
        if amount.is_positive() {
            share_out(&mut lines, &all, amount)?;
            applied.push(Applied { source: Source::Order, amount });
        }
    }
    let mut voucher_refused = None;
    if let Some(v) = &order.voucher {
        match voucher_discount(v, Money::sum(lines.iter().map(|l| l.net))?) {
            Ok(amount) if amount.is_positive() => {
                share_out(&mut lines, &all, amount)?;
                applied.push(Applied { source: Source::Voucher(v.id.clone()), amount });
            }
            Ok(_) => {}
            Err(refusal) => voucher_refused = Some(refusal),
        }
    }

    for (priced, line) in lines.iter_mut().zip(&order.lines) {
        priced.tax = line.tax.map_or(Money::ZERO, |t| tax_of(priced.net, t));
        let exclusive = line.tax.is_some_and(|t| !t.inclusive);
        priced.total = priced.net.plus(if exclusive { priced.tax } else { Money::ZERO })?;
    }
    let before_rounding = Money::sum(lines.iter().map(|l| l.total))?;
    let total = round_to_step(before_rounding, order.cash_rounding)?;
    Ok(Priced {
        subtotal,
        discount_total: Money::sum(lines.iter().map(|l| l.discount_total()))?,
        tax_total: Money::sum(lines.iter().map(|l| l.tax))?,
        rounding: total.minus(before_rounding)?,
        total,
        lines,
        applied,
        voucher_refused,
    })
}

/// What a voucher takes off an order of `order_amount` (`POST /vouchers/validate` and checkout).
pub fn voucher_discount(v: &Voucher, order_amount: Money) -> Result<Money, VoucherRefusal> {
    if order_amount < v.min_purchase {
        return Err(VoucherRefusal::BelowMinimum { min_purchase: v.min_purchase });
    }
    Ok(discount_amount(v.discount, order_amount, v.max_discount))
}

/// What `d` takes off `base`: never more than `base`, nor than `max` when given.
pub fn discount_amount(d: Discount, base: Money, max: Option<Money>) -> Money {
    let base = base.at_least_zero();
    let raw = match d {
        Discount::Percent(bps) => base.share(bps, 10_000),
        Discount::Amount(a) => a.at_least_zero(),
    };
    raw.min(max.map_or(Money::MAX, Money::at_least_zero)).min(base)
}

/// The tax in (inclusive) or on (exclusive) a line's net; a rate is at most 100 %.
pub fn tax_of(net: Money, tax: Tax) -> Money {
    let rate = tax.rate_bps.clamp(0, 10_000);
    let net = net.at_least_zero();
    if tax.inclusive {
        net.share(rate, 10_000 + rate)
    } else {
        net.share(rate, 10_000)
    }
}

/// `amount` rounded half up to a multiple of `step` (no rounding when `step` ≤ 1); negative
/// amounts come to zero.
pub fn round_to_step(amount: Money, step: i64) -> Result<Money, OutOfRange> {
    if step <= 1 || !amount.is_positive() {
        return Ok(amount.at_least_zero());
    }
    amount.mul_div(1, step)?.mul_div(step, 1)
}

/// The part of `amount` (what `sold` units came to) that `quantity` more units refunded after
/// `already` units carry. Shares of successive refunds add up to `amount` exactly once every
/// unit is refunded.
pub fn refund_share(amount: Money, sold: i64, already: i64, quantity: i64) -> Money {
    let upto = |q: i64| amount.at_least_zero().share(q, sold);
    upto(already.saturating_add(quantity)).less(upto(already))
}

/// What a sold line came to, for refunding part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoldLine {
    /// Thousandths sold.
    pub quantity: i64,
    pub discount: Money,
    pub tax: Money,
    pub tax_inclusive: bool,
    pub total: Money,
}

/// The part of a sold line that a refund of `quantity` after `already` refunded carries back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundedLine {
    pub gross: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

/// Splits a line's discount, tax and total back in proportion to the quantity refunded. Each
/// part is shared with [`refund_share`], so refunding every unit, in any steps, gives back
/// exactly what was sold; and `gross − discount` is always what the line was sold for.
pub fn refund_line(line: SoldLine, already: i64, quantity: i64) -> Result<RefundedLine, OutOfRange> {
    let exclusive_tax = if line.tax_inclusive { Money::ZERO } else { line.tax };
    let net = line.total.less(exclusive_tax);
    let net_part = refund_share(net, line.quantity, already, quantity);
    let discount = refund_share(line.discount, line.quantity, already, quantity);
    let tax = refund_share(line.tax, line.quantity, already, quantity);
    let total = net_part.plus(if line.tax_inclusive { Money::ZERO } else { tax })?;
    Ok(RefundedLine { gross: net_part.plus(discount)?, discount, tax, total })
}

/// Shares `amount` (at most the covered lines' net) over the covered lines in proportion to
/// their net, by largest remainder, so that the shares add up to `amount` exactly.
fn share_out(lines: &mut [PricedLine], covered: &[bool], amount: Money) -> Result<(), OutOfRange> {
    let base: i128 = lines.iter().zip(covered).filter(|(_, c)| **c).map(|(l, _)| l.net.get() as i128).sum();
    if base <= 0 || !amount.is_positive() {
        return Ok(());
    }
    let amount = (amount.get() as i128).min(base);
    let mut shares: Vec<(usize, i128, i128)> = Vec::new();
    let mut given: i128 = 0;
    for (i, l) in lines.iter().enumerate() {
        if covered[i] && l.net.is_positive() {
            let exact = amount * l.net.get() as i128;
            let share = exact / base;
            given += share;
            shares.push((i, share, exact % base));
        }
    }
    // The units left over go to the largest remainders; ties to the earlier line.
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].2.cmp(&shares[*a].2).then(a.cmp(b)));
    let mut left = amount - given;
    for k in order {
        if left == 0 {
            break;
        }
        let (i, share, _) = &mut shares[k];
        if *share < lines[*i].net.get() as i128 {
            *share += 1;
            left -= 1;
        }
    }
    for (i, share, _) in shares {
        // Each share is at most its line's net, itself within the bound.
        let share = Money::new(share as i64)?;
        lines[i].order_discount = lines[i].order_discount.plus(share)?;
        lines[i].net = lines[i].net.less(share);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
