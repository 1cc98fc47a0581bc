//! Voids and refunds: both undo a sale, in whole or in part, with new records pointing at it.
//! Money goes back from a drawer: the sale's own shift while it is open, otherwise the shift the
//! caller has open at the sale's outlet.

use kasir_domain::{money, pricing, FieldError, Money, Quantity, Violations};
use kasir_store::{
    events::{EventBody, SaleEvent},
    feed::Change,
    promotions::{self, UsageTable},
    selling::payment_methods,
    selling::refunds::{self, Refund, RefundItem, RefundPayment},
    selling::sales::{self, Sale},
    selling::shifts,
    stock::{self, NewMovement},
    Scope, Tx,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PaymentInput, Seller};
use crate::accounts::effects;
use crate::api::rule;
use crate::api::ApiError;

/// The body of `POST /sales/{id}/void`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidSale {
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// One item and quantity to refund.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundItemInput {
    #[schema(format = Uuid)]
    pub sale_item_id: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// The body of `POST /sales/{id}/refunds`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRefund {
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<RefundItemInput>,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    /// Put the items back into stock (default true).
    pub restock: Option<bool>,
    /// How the money goes back; they must add up to the refund's total. Without them, it goes
    /// back in cash.
    pub payments: Option<Vec<PaymentInput>>,
}

/// What the caller may do beyond voiding or refunding in an open shift.
pub struct Rights {
    pub void_closed: bool,
}

/// The shift whose drawer pays back: the sale's while open, else the caller's open shift there.
#[tracing::instrument(skip_all)]
async fn drawer(tx: &mut Tx, seller: &Seller, sale: &Sale) -> Result<(String, bool), ApiError> {
    let own = shifts::lock_shared(tx, &seller.scope, &sale.shift_id).await?;
    if kasir_domain::ShiftStatus::Open.is(&own.status) {
        return Ok((own.id, true));
    }
    let mine = shifts::open_shift_of(tx, &seller.user_id, &sale.outlet_id).await?.ok_or_else(|| {
        rule(
            kasir_domain::ErrorCode::ShiftNotOpen,
            "the sale's shift is closed: open a shift at its outlet to pay back".into(),
        )
    })?;
    Ok((mine.id, false))
}

/// Voids a completed sale: stock and promotion/voucher uses come back, and its payments count
/// as paid back in the drawer's shift.
#[tracing::instrument(skip_all)]
pub async fn void(seller: &Seller, rights: Rights, sale_id: &str, b: VoidSale, tx: &mut Tx) -> Result<Sale, ApiError> {
    let mut v = Violations::new();
    let reason = v.text("reason", &b.reason, 1, 200);
    v.finish().map_err(ApiError::Validation)?;
    let scope = &seller.scope;
    let sale = sales::lock(tx, scope, sale_id).await?;
    if !kasir_domain::SaleStatus::Completed.is(&sale.status) {
        return Err(rule(kasir_domain::ErrorCode::InvalidTransition, "this sale is already voided".into()));
    }
    if sale.refunded_total > 0 {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            "a sale with refunds cannot be voided: refund the rest instead".into(),
        ));
    }
    let (shift_id, open) = drawer(tx, seller, &sale).await?;
    if !open && !rights.void_closed {
        return Err(ApiError::Forbidden(
            "voiding a sale of a closed shift needs the 'sales.void_closed' permission".into(),
        ));
    }
    let now = kasir_domain::time::now();
    if !sales::mark_voided(tx, &sale, &reason, &shift_id, seller.actor.id.as_deref(), &now).await? {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            "this sale changed meanwhile; read it again".into(),
        ));
    }
    let mut used: Vec<(UsageTable, &str)> = sale
        .discounts
        .iter()
        .filter_map(|d| match (d.source.as_str(), d.source_id.as_deref()) {
            ("promotion", Some(id)) => Some((UsageTable::Promotions, id)),
            ("voucher", Some(id)) => Some((UsageTable::Vouchers, id)),
            _ => None,
        })
        .collect();
    used.sort_by(|a, b| (a.0 == UsageTable::Vouchers, a.1).cmp(&(b.0 == UsageTable::Vouchers, b.1)));
    for (table, id) in used {
        promotions::give_back_usage(tx, table, id).await?;
    }
    let moves = refunds::sale_movements(tx, &sale)
        .await?
        .into_iter()
        .map(|(warehouse_id, product_id, variant_id, delta, unit_cost)| NewMovement {
            kind: "void",
            warehouse_id,
            product_id,
            variant_id: Some(variant_id).filter(|v| !v.is_empty()),
            delta: -delta,
            unit_cost,
            reference_type: "sale",
            reference_id: sale.id.clone(),
            note: Some(reason.clone()),
        })
        .collect();
    stock::apply(tx, scope, true, moves).await.map_err(|e| super::sale_rows::shortage(e, &[]))?;
    let voided = sales::get_in(tx, scope, &sale.id).await?;
    let credit = effects::store_credit(sale.payments.iter().map(|p| (p.kind.as_str(), p.amount)));
    effects::on_return(tx, &sale, sale.total, credit, ("void", &sale.id)).await?;
    super::record_sale(tx, scope, &voided, |e| EventBody::SaleVoided(SaleEvent { reason: Some(reason.clone()), ..e }))?;
    tx.audit(Some(&scope.tenant_id), "sale.void", "sale", Some(&sale.id), serde_json::json!({ "reason": reason }));
    Ok(voided)
}

/// Refunds items of a completed sale, never more than sold minus already refunded.
#[tracing::instrument(skip_all)]
pub async fn refund(seller: &Seller, sale_id: &str, b: CreateRefund, tx: &mut Tx) -> Result<Refund, ApiError> {
    refund_as(seller, sale_id, b, tx, None).await
}

/// A refund a till made offline: its id, and when and from which shift's drawer it paid back.
#[derive(Debug, Clone)]
pub struct OfflineRefund {
    pub id: String,
    pub till: super::checkout::Offline,
}

/// [`refund`], made offline when `offline` says so: dated by the till and paid back from the
/// shift it names (open or closed since; a closed one's figures are frozen again with it).
#[tracing::instrument(skip_all)]
pub async fn refund_as(
    seller: &Seller,
    sale_id: &str,
    b: CreateRefund,
    tx: &mut Tx,
    offline: Option<&OfflineRefund>,
) -> Result<Refund, ApiError> {
    let scope = &seller.scope;
    let mut v = Violations::new();
    let reason = v.text("reason", &b.reason, 1, 200);
    if b.items.is_empty() || b.items.len() > 500 {
        v.add("items", "must have 1 to 500 items");
    }
    for (i, it) in b.items.iter().enumerate() {
        if it.quantity.0 <= 0 {
            v.add(format!("items[{i}].quantity"), "must be greater than 0");
        }
    }
    let payments_in = b.payments.clone().unwrap_or_default();
    for (i, pay) in payments_in.iter().enumerate() {
        v.range(&format!("payments[{i}].amount"), pay.amount, 1, kasir_domain::MAX_MONEY);
        v.opt_text(&format!("payments[{i}].reference"), pay.reference.as_deref(), 100);
    }
    v.finish().map_err(ApiError::Validation)?;
    let restock = b.restock.unwrap_or(true);

    let sale = sales::lock(tx, scope, sale_id).await?;
    if !kasir_domain::SaleStatus::Completed.is(&sale.status) {
        return Err(rule(kasir_domain::ErrorCode::InvalidTransition, "a voided sale cannot be refunded".into()));
    }
    // Quantities per sale item, duplicates added up.
    let mut wanted: Vec<(usize, i64)> = Vec::new();
    let mut refs = Vec::new();
    for (i, it) in b.items.iter().enumerate() {
        let id = kasir_domain::ids::parse_id(&it.sale_item_id).unwrap_or_default();
        match sale.items.iter().position(|x| x.id == id) {
            None => refs.push(FieldError::new(format!("items[{i}].sale_item_id"), "no such item in this sale")),
            Some(k) => match wanted.iter_mut().find(|(x, _)| *x == k) {
                Some(w) => w.1 += it.quantity.0,
                None => wanted.push((k, it.quantity.0)),
            },
        }
    }
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    let (shift_id, refreeze) = match offline {
        None => (drawer(tx, seller, &sale).await?.0, None),
        Some(o) => {
            let shift = shifts::lock(tx, scope, &o.till.shift_id)
                .await
                .map_err(|e| crate::api::missing(e, "shift_id", "shift"))?;
            if shift.outlet_id != sale.outlet_id {
                return Err(ApiError::field("shift_id", "is a shift of another outlet than the sale's"));
            }
            let closed = kasir_domain::ShiftStatus::Closed.is(&shift.status);
            (shift.id.clone(), closed.then_some(shift))
        }
    };
    let at = offline.map_or_else(jiff::Timestamp::now, |o| o.till.created_at);
    let now = kasir_domain::time::format_ts(at);
    let mut items = Vec::new();
    let mut moves = Vec::new();
    let sold_moves = if restock { refunds::sale_movements(tx, &sale).await? } else { Vec::new() };
    for (k, q) in &wanted {
        let item = &sale.items[*k];
        let left = item.quantity.0 - item.refunded_quantity.0;
        if *q > left {
            return Err(rule(
                kasir_domain::ErrorCode::RefundExceedsSale,
                format!(
                    "{}: {} sold, {} already refunded, {} asked",
                    item.name,
                    item.quantity,
                    item.refunded_quantity,
                    Quantity(*q)
                ),
            ));
        }
        let part = pricing::refund_line(
            pricing::SoldLine {
                quantity: item.quantity.0,
                discount: Money::new(item.discount_total)?,
                tax: Money::new(item.tax_total)?,
                tax_inclusive: item.tax_inclusive,
                total: Money::new(item.total)?,
            },
            item.refunded_quantity.0,
            *q,
        )?;
        if !refunds::add_refunded(tx, &sale, &item.id, item.refunded_quantity.0, *q).await? {
            return Err(rule(
                kasir_domain::ErrorCode::RefundExceedsSale,
                "another refund of this sale ran meanwhile; read it again".into(),
            ));
        }
        items.push(RefundItem {
            id: kasir_domain::ids::new_id(),
            sale_item_id: item.id.clone(),
            product_id: item.product_id.clone(),
            variant_id: item.variant_id.clone(),
            quantity: Quantity(*q),
            gross: part.gross.get(),
            discount_total: part.discount.get(),
            tax_total: part.tax.get(),
            total: part.total.get(),
        });
        let variant = item.variant_id.clone().unwrap_or_default();
        if let Some((warehouse_id, ..)) = sold_moves.iter().find(|m| m.1 == item.product_id && m.2 == variant) {
            moves.push(NewMovement {
                kind: "refund",
                warehouse_id: warehouse_id.clone(),
                product_id: item.product_id.clone(),
                variant_id: item.variant_id.clone(),
                delta: *q,
                unit_cost: Some(item.detail.unit_cost),
                reference_type: "refund",
                reference_id: String::new(),
                note: Some(reason.clone()),
            });
        }
    }
    // The refund that leaves nothing unrefunded also gives back the sale's cash rounding.
    let complete = sale.items.iter().enumerate().all(|(k, item)| {
        let now_refunded = item.refunded_quantity.0 + wanted.iter().find(|(x, _)| *x == k).map_or(0, |w| w.1);
        now_refunded >= item.quantity.0
    });
    let rounding = if complete { sale.rounding } else { 0 };
    let total = money::add(money::sum(items.iter().map(|i| i.total))?, rounding)?;
    let payments = refund_payments(tx, scope, &payments_in, total).await?;
    let id = offline.map_or_else(kasir_domain::ids::new_id, |o| o.id.clone());
    for m in &mut moves {
        m.reference_id = id.clone();
    }
    stock::apply(tx, scope, true, moves).await.map_err(|e| super::sale_rows::shortage(e, &[]))?;
    if !refunds::add_to_sale(tx, &sale, total, &now).await? {
        return Err(rule(
            kasir_domain::ErrorCode::RefundExceedsSale,
            "this sale changed meanwhile; read it again".into(),
        ));
    }
    let outlet: kasir_store::tenancy::outlets::Outlet =
        kasir_store::crud::get_in(tx, &kasir_store::tenancy::outlets::OUTLETS, scope, &sale.outlet_id).await?;
    let local = kasir_store::tenancy::outlets::local_at(tx, &outlet, at).await?;
    let refund = Refund {
        id,
        tenant_id: scope.tenant_id.clone(),
        sale_id: sale.id.clone(),
        outlet_id: sale.outlet_id.clone(),
        shift_id: Some(shift_id),
        cashier_id: Some(seller.user_id.clone()),
        reason,
        restock,
        gross: money::sum(items.iter().map(|i| i.gross))?,
        discount_total: money::sum(items.iter().map(|i| i.discount_total))?,
        tax_total: money::sum(items.iter().map(|i| i.tax_total))?,
        items,
        rounding,
        total,
        payments,
        business_date: local.date,
        local_hour: local.hour,
        created_at: now.clone(),
        updated_at: now,
        version: 1,
    };
    refunds::insert(tx, &refund).await?;
    let data = serde_json::to_string(&refund).map_err(|e| ApiError::internal("serialising a refund", e))?;
    tx.record_change(Change {
        tenant_id: scope.tenant_id.clone(),
        entity: "refund",
        entity_id: refund.id.clone(),
        op: "upsert",
        version: 1,
        outlet_id: Some(refund.outlet_id.clone()),
        data,
        updated_at: refund.updated_at.clone(),
    });
    let updated = sales::get_in(tx, scope, &sale.id).await?;
    let credit = effects::store_credit(refund.payments.iter().map(|p| (p.kind.as_str(), p.amount)));
    effects::on_return(tx, &updated, updated.refunded_total, credit, ("refund", &refund.id)).await?;
    super::record_sale(tx, scope, &updated, |e| {
        EventBody::SaleRefunded(SaleEvent { refund_id: Some(refund.id.clone()), refund_total: Some(total), ..e })
    })?;
    tx.audit(
        Some(&scope.tenant_id),
        "sale.refund",
        "refund",
        Some(&refund.id),
        serde_json::json!({ "sale_id": sale.id, "total": total }),
    );
    if let Some(shift) = refreeze {
        super::till::refreeze(tx, scope, &shift).await?;
    }
    Ok(refund)
}

/// The payments of a refund: as given (adding up to `total`), or all of it in cash.
#[tracing::instrument(skip_all)]
async fn refund_payments(
    tx: &mut Tx,
    scope: &Scope,
    given: &[PaymentInput],
    total: i64,
) -> Result<Vec<RefundPayment>, ApiError> {
    let ids: Vec<String> = given.iter().filter_map(|p| kasir_domain::ids::parse_id(&p.payment_method_id)).collect();
    let methods = if ids.is_empty() {
        Vec::new()
    } else {
        payment_methods::payment_methods_by_ids(tx, &scope.tenant_id, &ids).await?
    };
    if given.is_empty() {
        if total == 0 {
            return Ok(Vec::new());
        }
        let cash = payment_methods::cash_method(tx, &scope.tenant_id).await?.ok_or_else(|| {
            rule(
                kasir_domain::ErrorCode::NoCashMethod,
                "this tenant has no active cash payment method: name the refund's payments".into(),
            )
        })?;
        return Ok(vec![RefundPayment {
            id: kasir_domain::ids::new_id(),
            payment_method_id: cash.id,
            kind: cash.kind,
            name: cash.name,
            amount: total,
            reference: None,
        }]);
    }
    let mut out = Vec::new();
    let mut refs = Vec::new();
    for (i, pay) in given.iter().enumerate() {
        let id = kasir_domain::ids::parse_id(&pay.payment_method_id).unwrap_or_default();
        match methods.iter().find(|m| m.id == id) {
            None => refs.push(FieldError::new(format!("payments[{i}].payment_method_id"), "no such payment method")),
            Some(m) => out.push(RefundPayment {
                id: kasir_domain::ids::new_id(),
                payment_method_id: m.id.clone(),
                kind: m.kind.clone(),
                name: m.name.clone(),
                amount: pay.amount,
                reference: pay.reference.clone(),
            }),
        }
    }
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    let paid = money::sum(out.iter().map(|p| p.amount))?;
    if paid != total {
        return Err(rule(
            kasir_domain::ErrorCode::RefundPaymentMismatch,
            format!("the refund comes to {total}; its payments add up to {paid}"),
        ));
    }
    Ok(out)
}
