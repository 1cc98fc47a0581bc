use proptest::prelude::*;

use super::*;

/// Prices an order that stays within the money bound.
fn price(order: &Order) -> Priced {
    super::price(order).expect("within the money bound")
}

fn m(minor: i64) -> Money {
    Money::new(minor).expect("within the money bound")
}

/// The sum of `amounts`, in plain minor units.
fn sum(amounts: impl IntoIterator<Item = Money>) -> i64 {
    amounts.into_iter().map(Money::get).sum()
}

fn line(price: i64, quantity: i64) -> Line {
    Line { product_id: "p".into(), category_id: None, unit_price: m(price), quantity, discount: None, tax: None }
}

#[test]
fn gross_rounds_weighed_quantities_half_up() {
    // 0.333 kg at Rp 15.000/kg is Rp 4.995; 0.0005 of a unit rounds to one.
    let p = price(&Order { lines: vec![line(15_000, 333), line(1, 500)], ..Default::default() });
    assert_eq!(p.lines[0].gross, 4_995);
    assert_eq!(p.lines[1].gross, 1, "0.5 rounds up");
    assert_eq!(p.total, 4_996);
}

#[test]
fn inclusive_tax_is_extracted_and_exclusive_tax_added() {
    let inclusive = Tax { rate_bps: 1_100, inclusive: true };
    let exclusive = Tax { rate_bps: 1_000, inclusive: false };
    let p = price(&Order {
        lines: vec![
            Line { tax: Some(inclusive), ..line(111_000, 1000) },
            Line { tax: Some(exclusive), ..line(20_000, 2000) },
        ],
        ..Default::default()
    });
    assert_eq!(p.lines[0].tax, 11_000, "111.000 includes 11 % = 11.000");
    assert_eq!(p.lines[0].total, 111_000);
    assert_eq!(p.lines[1].tax, 4_000);
    assert_eq!(p.lines[1].total, 44_000);
    assert_eq!((p.subtotal, p.tax_total, p.total), (m(151_000), m(15_000), m(155_000)));
}

#[test]
fn discounts_apply_in_order_and_are_shared_over_lines() {
    let order = Order {
        lines: vec![
            Line { discount: Some(Discount::Percent(1_000)), ..line(30_000, 1000) }, // 27.000 after 10 %
            line(10_000, 3000),                                                      // 30.000
        ],
        discount: Some(Discount::Amount(m(5_700))),
        ..Default::default()
    };
    let p = price(&order);
    assert_eq!(p.lines[0].line_discount, 3_000);
    // 5.700 over 27.000 : 30.000 → 2.700 and 3.000.
    assert_eq!((p.lines[0].order_discount, p.lines[1].order_discount), (m(2_700), m(3_000)));
    assert_eq!((p.discount_total, p.total), (m(8_700), m(51_300)));
    assert_eq!(p.applied, vec![Applied { source: Source::Order, amount: m(5_700) }]);
}

#[test]
fn promotions_respect_scope_minimum_and_maximum() {
    let coffee = Line { product_id: "coffee".into(), category_id: Some("drinks".into()), ..line(25_000, 2000) };
    let cake = Line { product_id: "cake".into(), ..line(40_000, 1000) };
    let promo = |id: &str, d, min, max: Option<i64>, products: &[&str], categories: &[&str]| Promotion {
        id: id.into(),
        discount: d,
        min_purchase: m(min),
        max_discount: max.map(m),
        product_ids: products.iter().map(|s| s.to_string()).collect(),
        category_ids: categories.iter().map(|s| s.to_string()).collect(),
    };
    let order = Order {
        lines: vec![coffee, cake],
        promotions: vec![
            promo("drinks-20", Discount::Percent(2_000), 0, Some(8_000), &[], &["drinks"]), // 10.000 capped at 8.000
            promo("big-order", Discount::Amount(m(5_000)), 200_000, None, &[], &[]),        // minimum not reached
            promo("cake-5k", Discount::Amount(m(5_000)), 0, None, &["cake"], &[]),
        ],
        ..Default::default()
    };
    let p = price(&order);
    assert_eq!(p.lines[0].order_discount, 8_000);
    assert_eq!(p.lines[1].order_discount, 5_000);
    let ids: Vec<Source> = p.applied.iter().map(|a| a.source.clone()).collect();
    assert_eq!(ids, vec![Source::Promotion("drinks-20".into()), Source::Promotion("cake-5k".into())]);
    assert_eq!(p.total, 77_000);
}

#[test]
fn a_voucher_below_its_minimum_is_refused() {
    let v = Voucher {
        id: "v".into(),
        discount: Discount::Percent(5_000),
        min_purchase: m(50_000),
        max_discount: Some(m(20_000)),
    };
    assert_eq!(voucher_discount(&v, m(49_999)), Err(VoucherRefusal::BelowMinimum { min_purchase: m(50_000) }));
    assert_eq!(voucher_discount(&v, m(60_000)), Ok(m(20_000)), "capped");
    let p = price(&Order { lines: vec![line(30_000, 1000)], voucher: Some(v), ..Default::default() });
    assert_eq!(p.voucher_refused, Some(VoucherRefusal::BelowMinimum { min_purchase: m(50_000) }));
    assert_eq!(p.total, 30_000);
}

#[test]
fn cash_rounding_rounds_half_up_to_the_step() {
    let total = |price_each: i64| {
        price(&Order { lines: vec![line(price_each, 1000)], cash_rounding: 100, ..Default::default() })
    };
    assert_eq!((total(12_349).total, total(12_349).rounding), (m(12_300), m(-49)));
    assert_eq!((total(12_350).total, total(12_350).rounding), (m(12_400), m(50)));
    assert_eq!(total(12_300).rounding, 0);
}

#[test]
fn refund_shares_add_up_to_the_line() {
    // 3 sold for 10.000: refunding one at a time gives 3.333, 3.334, 3.333.
    let shares: Vec<i64> = (0..3).map(|already| refund_share(m(10_000), 3000, already * 1000, 1000).get()).collect();
    assert_eq!(shares, vec![3_333, 3_334, 3_333]);
    assert_eq!(refund_share(m(10_000), 3000, 0, 3000), 10_000);
}

#[test]
fn a_refund_gives_back_the_line_in_proportion() {
    let sold = SoldLine { quantity: 3000, discount: m(3_000), tax: m(2_727), tax_inclusive: true, total: m(27_000) };
    let one = refund_line(sold, 0, 1000).unwrap();
    assert_eq!(one, RefundedLine { gross: m(10_000), discount: m(1_000), tax: m(909), total: m(9_000) });
    let rest = refund_line(sold, 1000, 2000).unwrap();
    assert_eq!(
        [sum([one.total, rest.total]), sum([one.tax, rest.tax]), sum([one.discount, rest.discount])],
        [27_000, 2_727, 3_000]
    );
    let exclusive = SoldLine { quantity: 2000, discount: m(0), tax: m(2_001), tax_inclusive: false, total: m(22_011) };
    let half = refund_line(exclusive, 0, 1000).unwrap();
    assert_eq!(half.total.get(), half.gross.get() - half.discount.get() + half.tax.get());
}

fn arb_discount() -> impl Strategy<Value = Option<Discount>> {
    prop_oneof![
        Just(None),
        (0i64..=10_000).prop_map(|b| Some(Discount::Percent(b))),
        (0i64..=2_000_000).prop_map(|a| Some(Discount::Amount(m(a)))),
    ]
}

fn arb_tax() -> impl Strategy<Value = Option<Tax>> {
    prop_oneof![
        Just(None),
        (0i64..=3_000, any::<bool>()).prop_map(|(rate_bps, inclusive)| Some(Tax { rate_bps, inclusive }))
    ]
}

fn arb_line() -> impl Strategy<Value = Line> {
    (0usize..4, 0usize..3, 0i64..=5_000_000, 1i64..=50_000, arb_discount(), arb_tax()).prop_map(
        |(p, c, unit_price, quantity, discount, tax)| Line {
            product_id: format!("p{p}"),
            category_id: Some(format!("c{c}")),
            unit_price: m(unit_price),
            quantity,
            discount,
            tax,
        },
    )
}

fn arb_promotion() -> impl Strategy<Value = Promotion> {
    (
        arb_discount(),
        0i64..=1_000_000,
        proptest::option::of(0i64..=500_000),
        proptest::collection::vec(0usize..4, 0..2),
        proptest::collection::vec(0usize..3, 0..2),
    )
        .prop_map(|(d, min_purchase, max_discount, products, categories)| Promotion {
            id: format!("promo{min_purchase}"),
            discount: d.unwrap_or(Discount::Amount(Money::ZERO)),
            min_purchase: m(min_purchase),
            max_discount: max_discount.map(m),
            product_ids: products.into_iter().map(|p| format!("p{p}")).collect(),
            category_ids: categories.into_iter().map(|c| format!("c{c}")).collect(),
        })
}

fn arb_order() -> impl Strategy<Value = Order> {
    (
        proptest::collection::vec(arb_line(), 1..8),
        arb_discount(),
        proptest::collection::vec(arb_promotion(), 0..3),
        proptest::option::of((arb_discount(), 0i64..=500_000, proptest::option::of(0i64..=300_000))),
        prop_oneof![Just(0i64), Just(1), Just(100), Just(500), Just(1_000)],
    )
        .prop_map(|(lines, discount, promotions, voucher, cash_rounding)| Order {
            lines,
            discount,
            promotions,
            voucher: voucher.map(|(d, min_purchase, max_discount)| Voucher {
                id: "v".into(),
                discount: d.unwrap_or(Discount::Percent(1_000)),
                min_purchase: m(min_purchase),
                max_discount: max_discount.map(m),
            }),
            cash_rounding,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn lines_sum_to_the_totals(order in arb_order()) {
        let p = price(&order);
        prop_assert_eq!(p.subtotal.get(), sum(p.lines.iter().map(|l| l.gross)));
        prop_assert_eq!(p.discount_total.get(), sum(p.lines.iter().map(|l| l.discount_total())));
        prop_assert_eq!(p.tax_total.get(), sum(p.lines.iter().map(|l| l.tax)));
        prop_assert_eq!(p.total.get(), sum(p.lines.iter().map(|l| l.total)) + p.rounding.get());
        prop_assert_eq!(
            p.discount_total.get() - sum(p.lines.iter().map(|l| l.line_discount)),
            sum(p.applied.iter().map(|a| a.amount)),
            "order-level discounts are shared out exactly"
        );
    }

    #[test]
    fn no_discount_exceeds_what_it_discounts(order in arb_order()) {
        let p = price(&order);
        for (priced, line) in p.lines.iter().zip(&order.lines) {
            prop_assert!(priced.line_discount <= priced.gross);
            prop_assert!(priced.discount_total() <= priced.gross);
            prop_assert_eq!(priced.net.get(), priced.gross.get() - priced.discount_total().get());
            prop_assert_eq!(priced.discount_total().get(), priced.line_discount.get() + priced.order_discount.get());
            if let Some(Discount::Amount(a)) = line.discount {
                prop_assert!(priced.line_discount <= a);
            }
        }
        for promo in &order.promotions {
            if let Some(a) = p.applied.iter().find(|a| a.source == Source::Promotion(promo.id.clone())) {
                if let Some(max) = promo.max_discount {
                    prop_assert!(a.amount <= max);
                }
            }
        }
    }

    #[test]
    fn no_total_is_negative(order in arb_order()) {
        let p = price(&order);
        prop_assert!(p.total >= 0);
        for l in &p.lines {
            prop_assert!(l.net >= 0 && l.tax >= 0 && l.total >= 0);
        }
    }

    #[test]
    fn inclusive_tax_is_extracted_consistently(order in arb_order()) {
        let p = price(&order);
        for (priced, line) in p.lines.iter().zip(&order.lines) {
            match line.tax {
                Some(t) if t.inclusive => {
                    prop_assert_eq!(priced.total, priced.net, "an inclusive tax adds nothing");
                    prop_assert!(priced.tax <= priced.net);
                    // The tax is the nearest whole amount to net × r / (1 + r): within half a unit.
                    let exact = priced.net.get() as f64 * t.rate_bps as f64 / (10_000 + t.rate_bps) as f64;
                    prop_assert!((priced.tax.get() as f64 - exact).abs() <= 0.5 + 1e-6);
                    // And the price without tax, taxed again, gives the net back within a unit.
                    let ex = priced.net.less(priced.tax);
                    let again = tax_of(ex, Tax { rate_bps: t.rate_bps, inclusive: false });
                    prop_assert!((sum([ex, again]) - priced.net.get()).abs() <= 1);
                }
                Some(t) => prop_assert_eq!(priced.total.get(), sum([priced.net, tax_of(priced.net, t)])),
                None => prop_assert_eq!((priced.tax, priced.total), (Money::ZERO, priced.net)),
            }
        }
    }

    #[test]
    fn rounding_stays_within_its_step(order in arb_order()) {
        let p = price(&order);
        let step = order.cash_rounding;
        if step > 1 {
            prop_assert_eq!(p.total.get() % step, 0);
            prop_assert!(p.rounding.get().abs() * 2 <= step);
        } else {
            prop_assert_eq!(p.rounding, 0);
        }
    }

    #[test]
    fn refunded_lines_never_exceed_the_line(order in arb_order(), cuts in proptest::collection::vec(1i64..=3_000, 1..5)) {
        let p = price(&order);
        for (priced, line) in p.lines.iter().zip(&order.lines) {
            let sold = SoldLine {
                quantity: line.quantity,
                discount: priced.discount_total(),
                tax: priced.tax,
                tax_inclusive: line.tax.is_none_or(|t| t.inclusive),
                total: priced.total,
            };
            let (mut already, mut back) = (0, [0i64; 4]);
            for cut in &cuts {
                let q = (*cut).min(line.quantity - already);
                let r = refund_line(sold, already, q).unwrap();
                prop_assert!(r.gross >= 0 && r.discount >= 0 && r.tax >= 0 && r.total >= 0);
                let exclusive_tax = if sold.tax_inclusive { 0 } else { r.tax.get() };
                prop_assert_eq!(r.gross.get() - r.discount.get(), r.total.get() - exclusive_tax);
                for (b, part) in back.iter_mut().zip([r.gross, r.discount, r.tax, r.total]) {
                    *b += part.get();
                }
                already += q;
            }
            let r = refund_line(sold, already, line.quantity - already).unwrap();
            prop_assert_eq!(back[3] + r.total.get(), priced.total.get());
            prop_assert_eq!(back[2] + r.tax.get(), priced.tax.get());
            prop_assert_eq!(back[1] + r.discount.get(), priced.discount_total().get());
            prop_assert_eq!(back[0] + r.gross.get(), priced.gross.get());
        }
    }

    #[test]
    fn partial_refunds_add_up_to_the_whole(amount in 0i64..=10_000_000, sold in 1i64..=20_000, cuts in proptest::collection::vec(1i64..=5_000, 1..6)) {
        let mut already = 0;
        let mut refunded = 0;
        for cut in cuts {
            let q = cut.min(sold - already);
            if q == 0 { break; }
            let share = refund_share(m(amount), sold, already, q).get();
            prop_assert!(share >= 0);
            refunded += share;
            already += q;
        }
        prop_assert!(refunded <= amount);
        let rest = refund_share(m(amount), sold, already, sold - already).get();
        prop_assert_eq!(refunded + rest, amount);
    }
}

#[test]
fn an_order_past_the_money_bound_is_refused_not_wrapped() {
    // 100 lines of 100,000,000 × 1,000,000,000 once wrapped to a negative total.
    let huge = Order { lines: vec![line(100_000_000, 1_000_000_000_000); 100], ..Default::default() };
    assert_eq!(super::price(&huge), Err(OutOfRange));
    // One line at the bound is fine; one unit more on a second line is not.
    let at_bound = Order { lines: vec![line(crate::MAX_MONEY, 1000)], ..Default::default() };
    assert_eq!(super::price(&at_bound).map(|p| p.total), Ok(Money::MAX));
    let past = Order { lines: vec![line(crate::MAX_MONEY, 1000), line(1, 1000)], ..Default::default() };
    assert_eq!(super::price(&past), Err(OutOfRange));
    // An exclusive tax that takes the total past the bound.
    let mut taxed = line(crate::MAX_MONEY, 1000);
    taxed.tax = Some(Tax { rate_bps: 1100, inclusive: false });
    assert_eq!(super::price(&Order { lines: vec![taxed], ..Default::default() }), Err(OutOfRange));
}
