//! Splitting a bill into equal parts without losing a unit: part k of n pays, of each item of
//! quantity q, round(q·k/n) − round(q·(k−1)/n), so the parts always add up to exactly the item.

/// How much of `quantity` (thousandths) parts 1 to `k` of `parts` pay together: round(q·k/n),
/// halves up. `k` runs from 0 (nothing) to `parts` (everything).
pub fn paid_after(quantity: i64, parts: i64, k: i64) -> i64 {
    debug_assert!(parts > 0 && (0..=parts).contains(&k));
    let (q, k, n) = (i128::from(quantity), i128::from(k), i128::from(parts));
    ((2 * q * k + n) / (2 * n)) as i64
}

/// What part `k` of `parts` pays of an item of `quantity`, of which `paid` is paid already (never
/// less than nothing).
pub fn part(quantity: i64, paid: i64, parts: i64, k: i64) -> i64 {
    (paid_after(quantity, parts, k) - paid).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_parts_add_up_to_exactly_the_item() {
        for q in (0..3_000).step_by(7) {
            for n in 2..=50 {
                let mut paid = 0;
                for k in 1..=n {
                    let now = part(q, paid, n, k);
                    assert!(now >= 0);
                    paid += now;
                }
                assert_eq!(paid, q, "q={q} n={n}");
            }
        }
        // Three coffees in two parts: 1.5 each; 1 in three parts: 0.333, 0.334, 0.333.
        assert_eq!((part(3_000, 0, 2, 1), part(3_000, 1_500, 2, 2)), (1_500, 1_500));
        assert_eq!([paid_after(1_000, 3, 1), paid_after(1_000, 3, 2), paid_after(1_000, 3, 3)], [333, 667, 1_000]);
        // Far past any real quantity, nothing overflows.
        assert_eq!(paid_after(i64::MAX / 2, 50, 50), i64::MAX / 2);
    }
}
