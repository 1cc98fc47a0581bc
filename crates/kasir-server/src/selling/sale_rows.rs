//! What checkout writes besides its checks: the sale as sold, and the stock it takes.

use kasir_domain::{pricing, Money, Quantity};
use kasir_store::{
    selling::sales::{ItemDetail, Sale, SaleDiscount, SaleItem, SalePayment},
    stock::{NewMovement, StockError},
};

use super::{lines::Resolved, Seller};
use crate::api::{rule, ApiError};

use super::checkout::Prepared;

pub(super) fn stock_moves(p: &Prepared) -> Result<Vec<NewMovement>, ApiError> {
    let tracked: Vec<&Resolved> = p.lines.iter().filter(|l| l.product.track_stock.0).collect();
    if tracked.is_empty() {
        return Ok(Vec::new());
    }
    let warehouse_id = p.warehouse_id.clone().ok_or_else(|| {
        rule(kasir_domain::ErrorCode::NoWarehouse, "this outlet has no default warehouse to sell from".into())
    })?;
    Ok(tracked
        .into_iter()
        .map(|l| NewMovement {
            kind: "sale",
            warehouse_id: warehouse_id.clone(),
            product_id: l.product.id.clone(),
            variant_id: l.variant.as_ref().map(|v| v.id.clone()),
            delta: -l.quantity,
            unit_cost: Some(l.unit_cost()),
            reference_type: "sale",
            reference_id: p.id.clone(),
            note: None,
        })
        .collect())
}

/// 422 `insufficient_stock` naming the first item short of stock.
pub fn shortage(e: StockError, lines: &[Resolved]) -> ApiError {
    match e {
        StockError::Store(e) => e.into(),
        StockError::Shortage(s) => {
            let index = lines
                .iter()
                .position(|l| {
                    l.product.id == s.product_id && l.variant.as_ref().map(|v| &v.id) == s.variant_id.as_ref()
                })
                .unwrap_or(0);
            rule(
                kasir_domain::ErrorCode::InsufficientStock,
                format!("items[{index}]: only {} in stock, {} requested", Quantity(s.available), Quantity(s.requested)),
            )
        }
    }
}

/// The sale as priced; its number is set when it is written.
pub(super) fn build_sale(
    seller: &Seller,
    p: &Prepared,
    shift_id: &str,
    priced: &pricing::Priced,
    paid: Money,
    change: Money,
) -> Sale {
    let now = kasir_domain::time::now();
    let items = p
        .lines
        .iter()
        .zip(&priced.lines)
        .map(|(l, x)| SaleItem {
            id: kasir_domain::ids::new_id(),
            product_id: l.product.id.clone(),
            variant_id: l.variant.as_ref().map(|v| v.id.clone()),
            name: l.name(),
            sku: l.sku(),
            quantity: Quantity(l.quantity),
            unit_price: l.unit_price,
            modifiers: l.modifiers.clone(),
            gross: x.gross.get(),
            discount_total: x.discount_total().get(),
            tax_total: x.tax.get(),
            tax_rate_bps: l.tax.as_ref().map_or(0, |t| t.rate_bps),
            tax_inclusive: l.tax.as_ref().is_some_and(|t| t.inclusive.0),
            total: x.total.get(),
            refunded_quantity: Quantity::ZERO,
            note: l.note.clone(),
            detail: ItemDetail {
                category_id: l.product.category_id.clone(),
                line_discount: x.line_discount.get(),
                order_discount: x.order_discount.get(),
                tax_id: l.tax.as_ref().map(|t| t.id.clone()),
                unit_cost: l.unit_cost(),
                tracks_stock: l.product.track_stock.0,
            },
        })
        .collect();
    let discounts = priced
        .applied
        .iter()
        .map(|a| {
            let (source, source_id, name) = match &a.source {
                pricing::Source::Promotion(id) => {
                    let name = p.promotions.iter().find(|x| &x.id == id).map(|x| x.name.clone()).unwrap_or_default();
                    ("promotion", Some(id.clone()), name)
                }
                pricing::Source::Order => ("order", None, "Discount".to_string()),
                pricing::Source::Voucher(id) => {
                    ("voucher", Some(id.clone()), p.voucher.as_ref().map(|v| v.code.clone()).unwrap_or_default())
                }
            };
            SaleDiscount { source: source.into(), source_id, name, amount: a.amount.get() }
        })
        .collect();
    let payments = p
        .payments
        .iter()
        .map(|(m, pay)| SalePayment {
            id: kasir_domain::ids::new_id(),
            payment_method_id: m.id.clone(),
            kind: m.kind.clone(),
            name: m.name.clone(),
            amount: pay.amount,
            reference: pay.reference.clone(),
        })
        .collect();
    Sale {
        id: p.id.clone(),
        tenant_id: seller.scope.tenant_id.clone(),
        number: String::new(),
        outlet_id: p.outlet.id.clone(),
        shift_id: shift_id.to_string(),
        cashier_id: seller.user_id.clone(),
        customer_id: p.customer_id.clone(),
        status: kasir_domain::SaleStatus::Completed.as_str().into(),
        items,
        subtotal: priced.subtotal.get(),
        discount_total: priced.discount_total.get(),
        tax_total: priced.tax_total.get(),
        rounding: priced.rounding.get(),
        total: priced.total.get(),
        paid: paid.get(),
        change: change.get(),
        refunded_total: 0,
        payments,
        discounts,
        voucher_code: p.voucher.as_ref().map(|v| v.code.clone()),
        note: p.note.clone(),
        void_reason: None,
        voided_at: None,
        voided_by: None,
        business_date: p.business_date.clone(),
        created_at: now.clone(),
        updated_at: now,
        version: 1,
        local_hour: p.local_hour,
        void_shift_id: None,
        voucher_id: p.voucher.as_ref().map(|v| v.id.clone()),
        order_id: None,
        offline: false,
        stock_negative: false,
    }
}
