//! A shift's figures: what each payment method took and gave back, and the cash the drawer
//! should hold, from the shift's sales, refunds, voids, cash movements and cash expenses.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{sql::sum, Result};

use super::shifts::Shift;

/// Takings of one payment method in a shift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MethodTotal {
    #[schema(format = Uuid)]
    pub payment_method_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Paid by customers for sales of the shift (change not deducted).
    pub sales: i64,
    /// Change given back from this method (cash only).
    pub change: i64,
    /// Paid back for voids and refunds recorded in the shift.
    pub refunds: i64,
    /// `sales − change − refunds`.
    pub net: i64,
}

/// The cash drawer of a shift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CashSummary {
    pub start_cash: i64,
    pub cash_sales: i64,
    pub change_given: i64,
    /// Cash paid back for refunds and voids recorded in this shift.
    pub cash_refunds: i64,
    pub cash_in: i64,
    pub cash_out: i64,
    pub cash_expenses: i64,
    /// `start_cash + cash_sales − change_given − cash_refunds + cash_in − cash_out − cash_expenses`.
    pub expected_cash: i64,
}

/// A shift's figures: `GET /shifts/{id}/report`, and frozen into the shift when it closes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShiftReport {
    #[schema(format = Uuid)]
    pub shift_id: String,
    pub status: String,
    /// Completed sales of the shift (voided ones are counted under `voids`).
    pub sales_count: i64,
    /// Sum of their subtotals, before discounts.
    pub gross_sales: i64,
    pub discount_total: i64,
    pub tax_total: i64,
    pub rounding_total: i64,
    /// Sum of their totals.
    pub sales_total: i64,
    pub void_count: i64,
    pub void_total: i64,
    pub refund_count: i64,
    pub refund_total: i64,
    /// `sales_total − refund_total`.
    pub net_sales: i64,
    pub expense_total: i64,
    pub by_payment_method: Vec<MethodTotal>,
    pub cash: CashSummary,
    pub expected_cash: i64,
    pub end_cash: Option<i64>,
    pub cash_difference: Option<i64>,
}

impl ShiftReport {
    /// Closes the report on the cash counted: `end_cash − expected_cash`, a report figure
    /// (saturating, like the sums it comes from), so that a shift can always be closed.
    pub fn count_cash(&mut self, end_cash: i64) {
        self.end_cash = Some(end_cash);
        self.cash_difference = Some(end_cash.saturating_sub(self.expected_cash));
    }
}

/// Computes a shift's figures from what was recorded in it (`conn`: a reader or the transaction
/// closing it).
#[tracing::instrument(skip_all)]
pub async fn report(conn: &mut sqlx::AnyConnection, shift: &Shift) -> Result<ShiftReport> {
    let id = shift.id.as_str();
    let b = crate::Backend::of(conn);
    let (sales_count, gross, discount, tax, rounding, total): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(&format!(
            "SELECT COUNT(*), {}, {}, {}, {}, {} FROM sales WHERE shift_id = $1 AND status = 'completed'",
            sum(b, "subtotal"),
            sum(b, "discount_total"),
            sum(b, "tax_total"),
            sum(b, "rounding"),
            sum(b, "total")
        ))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let (void_count, void_total): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), {} FROM sales WHERE void_shift_id = $1 AND status = 'voided'",
        sum(b, "total")
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (refund_count, refund_total): (i64, i64) =
        sqlx::query_as(&format!("SELECT COUNT(*), {} FROM refunds WHERE shift_id = $1", sum(b, "total")))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    // Takings per method: every sale of the shift paid in (voided ones too: their void pays back
    // in the shift that recorded it); what voids and refunds recorded here paid back.
    let taken: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT p.payment_method_id, p.method_name, p.method_type, {}
         FROM sale_payments p JOIN sales s ON s.id = p.sale_id WHERE s.shift_id = $1
         GROUP BY p.payment_method_id, p.method_name, p.method_type",
        sum(b, "p.amount")
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (change_given,): (i64,) =
        sqlx::query_as(&format!("SELECT {} FROM sales WHERE shift_id = $1", sum(b, "change_given")))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let voided: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT p.payment_method_id, p.method_name, p.method_type, {}
         FROM sale_payments p JOIN sales s ON s.id = p.sale_id WHERE s.void_shift_id = $1 AND s.status = 'voided'
         GROUP BY p.payment_method_id, p.method_name, p.method_type",
        sum(b, "p.amount")
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (voided_change,): (i64,) = sqlx::query_as(&format!(
        "SELECT {} FROM sales WHERE void_shift_id = $1 AND status = 'voided'",
        sum(b, "change_given")
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let refunded: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT p.payment_method_id, p.method_name, p.method_type, {}
         FROM refund_payments p JOIN refunds r ON r.id = p.refund_id WHERE r.shift_id = $1
         GROUP BY p.payment_method_id, p.method_name, p.method_type",
        sum(b, "p.amount")
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (cash_in, cash_out): (i64, i64) = sqlx::query_as(&format!(
        "SELECT {}, {} FROM cash_movements WHERE shift_id = $1",
        sum(b, "CASE WHEN type = 'in' THEN amount ELSE 0 END"),
        sum(b, "CASE WHEN type = 'out' THEN amount ELSE 0 END")
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (expense_total,): (i64,) = sqlx::query_as(&format!(
        "SELECT {} FROM expenses WHERE shift_id = $1 AND deleted_at IS NULL",
        sum(b, "amount")
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;

    let paid_back: Vec<(String, String, String, i64)> = voided.into_iter().chain(refunded).collect();
    let methods = tally(&taken, change_given, &paid_back, voided_change);
    // Sums come clamped from the database (`sql::sum`); saturating here keeps any stored data readable.
    let cash_total =
        |f: fn(&MethodTotal) -> i64| methods.iter().filter(|m| m.kind == "cash").map(f).fold(0i64, i64::saturating_add);
    let (cash_sales, cash_refunds) = (cash_total(|m| m.sales), cash_total(|m| m.refunds));
    let cash = CashSummary {
        start_cash: shift.start_cash,
        cash_sales,
        change_given,
        cash_refunds,
        cash_in,
        cash_out,
        cash_expenses: expense_total,
        expected_cash: [cash_sales, -change_given, -cash_refunds, cash_in, -cash_out, -expense_total]
            .into_iter()
            .fold(shift.start_cash, i64::saturating_add),
    };
    Ok(ShiftReport {
        shift_id: shift.id.clone(),
        status: shift.status.clone(),
        sales_count,
        gross_sales: gross,
        discount_total: discount,
        tax_total: tax,
        rounding_total: rounding,
        sales_total: total,
        void_count,
        void_total,
        refund_count,
        refund_total,
        net_sales: total.saturating_sub(refund_total),
        expense_total,
        expected_cash: cash.expected_cash,
        by_payment_method: methods,
        cash,
        end_cash: shift.end_cash,
        cash_difference: shift.cash_difference,
    })
}

/// Takings per payment method from `(method id, name, type, amount)` rows: `taken` paid in,
/// `change` given (in cash, booked to the first cash method), `back` paid back, of which
/// `change_back` was change a voided sale had given and so never left the drawer again.
pub(crate) fn tally(
    taken: &[(String, String, String, i64)],
    change: i64,
    back: &[(String, String, String, i64)],
    change_back: i64,
) -> Vec<MethodTotal> {
    let mut methods: Vec<MethodTotal> = Vec::new();
    for (id, name, kind, amount) in taken {
        let i = method_entry(&mut methods, id, name, kind);
        methods[i].sales = methods[i].sales.saturating_add(*amount);
    }
    for (id, name, kind, amount) in back {
        let i = method_entry(&mut methods, id, name, kind);
        methods[i].refunds = methods[i].refunds.saturating_add(*amount);
    }
    if let Some(m) = methods.iter_mut().find(|m| m.kind == "cash") {
        m.change = change;
        m.refunds = m.refunds.saturating_sub(change_back);
    }
    for m in &mut methods {
        m.net = m.sales.saturating_sub(m.change).saturating_sub(m.refunds);
    }
    methods
}

/// The index of a method's totals in `methods`, adding them when new.
fn method_entry(methods: &mut Vec<MethodTotal>, id: &str, name: &str, kind: &str) -> usize {
    if let Some(i) = methods.iter().position(|m| m.payment_method_id == id) {
        return i;
    }
    methods.push(MethodTotal {
        payment_method_id: id.into(),
        name: name.into(),
        kind: kind.into(),
        ..Default::default()
    });
    methods.len() - 1
}
