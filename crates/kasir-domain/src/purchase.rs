//! Purchases from suppliers: their life and the moving-average cost their receipts keep.
//!
//! `draft` (editable) → `ordered` → `partially_received` → `received`; a draft may also be
//! received straight away (goods bought at the door); `draft` or `ordered` → `cancelled`.
//! Receipts add stock at the line's unit cost.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    Draft,
    Ordered,
    PartiallyReceived,
    Received,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseAction {
    Edit,
    Order,
    Receive,
    Cancel,
}

impl PurchaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Draft => "draft",
            PurchaseStatus::Ordered => "ordered",
            PurchaseStatus::PartiallyReceived => "partially_received",
            PurchaseStatus::Received => "received",
            PurchaseStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<PurchaseStatus> {
        [Self::Draft, Self::Ordered, Self::PartiallyReceived, Self::Received, Self::Cancelled]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    pub fn allows(self, action: PurchaseAction) -> bool {
        use PurchaseAction::*;
        use PurchaseStatus::*;
        matches!(
            (self, action),
            (Draft, Edit)
                | (Draft, Order)
                | (Draft, Cancel)
                | (Draft, Receive)
                | (Ordered, Cancel)
                | (Ordered, Receive)
                | (PartiallyReceived, Receive)
        )
    }
}

/// The moving-average unit cost after `added` (thousandths) arrive at `unit_cost` on top of
/// `on_hand` (thousandths) valued at `current_cost`. Stock below zero counts as none; the result
/// is rounded half up to a whole minor unit.
pub fn moving_average_cost(on_hand: i64, current_cost: i64, added: i64, unit_cost: i64) -> i64 {
    let on_hand = on_hand.max(0) as i128;
    let added = added.max(0) as i128;
    if on_hand + added == 0 {
        return unit_cost;
    }
    let value = on_hand * current_cost as i128 + added * unit_cost as i128;
    let qty = on_hand + added;
    ((2 * value + qty) / (2 * qty)) as i64
}

#[cfg(test)]
mod tests {
    use super::{PurchaseAction::*, PurchaseStatus::*, *};

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        let all = [Draft, Ordered, PartiallyReceived, Received, Cancelled];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|s| [Edit, Order, Receive, Cancel].into_iter().map(move |a| (*s, a)))
            .filter(|(s, a)| s.allows(*a))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Draft, Edit),
                (Draft, Order),
                (Draft, Receive),
                (Draft, Cancel),
                (Ordered, Receive),
                (Ordered, Cancel),
                (PartiallyReceived, Receive)
            ]
        );
    }

    #[test]
    fn moving_average_weighs_by_quantity_and_rounds_half_up() {
        // 10 on hand at 4,000 plus 10 at 5,000 averages 4,500.
        assert_eq!(moving_average_cost(10_000, 4000, 10_000, 5000), 4500);
        // Nothing on hand: the new cost.
        assert_eq!(moving_average_cost(0, 4000, 3_000, 5000), 5000);
        // Negative stock counts as none.
        assert_eq!(moving_average_cost(-2_000, 4000, 1_000, 6000), 6000);
        // 1 at 100 plus 2 at 101 = 302/3 = 100.67 → 101.
        assert_eq!(moving_average_cost(1_000, 100, 2_000, 101), 101);
        // 1 at 100 plus 1 at 101 = 100.5 → 101 (half up).
        assert_eq!(moving_average_cost(1_000, 100, 1_000, 101), 101);
        // Weighed goods: 0.5 kg at 80,000 plus 1.5 kg at 100,000 = 95,000.
        assert_eq!(moving_average_cost(500, 80_000, 1_500, 100_000), 95_000);
    }
}
