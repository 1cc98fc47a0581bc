//! Paying an order (`POST /orders/{id}/pay`): whole, by items, or in equal parts, each payment a
//! sale made by checkout (`checkout::OrderPart`) at the prices the order was taken at.

use kasir_domain::{Quantity, Violations};
use kasir_store::{
    platform::idempotency::TxClaim,
    restaurant::orders::{self, Order},
    Db,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{rule, ApiError};
use crate::platform::idempotency::TxKey;
use crate::selling::{
    checkout::{checkout_part, CreateSale, OrderPart, Outcome},
    lines::ItemInput,
    DiscountInput, PaymentInput, Seller,
};

/// The body of `POST /orders/{id}/pay`: a sale's payments (and its optional customer, discount,
/// voucher and note), and what of the order it pays.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayOrder {
    /// A client-made id for the sale.
    #[schema(format = Uuid)]
    pub id: Option<String>,
    pub payments: Vec<PaymentInput>,
    /// Without it the sale pays everything not yet paid.
    pub split: Option<Split>,
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    pub discount: Option<DiscountInput>,
    #[schema(max_length = 50)]
    pub voucher_code: Option<String>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// A split bill: this sale pays some items, or the next of `parts` equal parts. Give one of the two.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub items: Option<Vec<SplitItem>>,
    /// 2 to 50; every sale of the order names the same number.
    #[schema(minimum = 2, maximum = 50)]
    pub parts: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitItem {
    #[schema(format = Uuid)]
    pub order_item_id: String,
    /// At most what is left to pay of the item.
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// What one sale pays of each item of an order (thousandths, in the order's item order), and
/// `(parts, parts paid after it)` when it pays an equal part.
type Share = (Vec<i64>, Option<(i64, i64)>);

/// Works out what a payment covers: the items named, or the next equal part
/// ([`kasir_domain::split`]: the parts add up to exactly the order).
pub fn share(order: &Order, split: Option<&Split>) -> Result<Share, ApiError> {
    let left: Vec<i64> = order.items.iter().map(|i| i.quantity.0 - i.paid_quantity.0).collect();
    let Some(split) = split else {
        let parts = (order.split_parts > 0).then_some((order.split_parts, order.split_parts));
        return Ok((left, parts));
    };
    match (&split.items, split.parts) {
        (Some(items), None) => {
            if order.split_parts > 0 {
                return Err(rule(
                    kasir_domain::ErrorCode::SplitMismatch,
                    format!("this order is being paid in {} equal parts", order.split_parts),
                ));
            }
            let mut v = Violations::new();
            if items.is_empty() || items.len() > 500 {
                v.add("split.items", "must have 1 to 500 items");
            }
            let mut now = vec![0; order.items.len()];
            for (k, it) in items.iter().enumerate() {
                let at = order.items.iter().position(|o| o.id == it.order_item_id);
                match at {
                    None => v.add(format!("split.items[{k}].order_item_id"), "is not an item of this order"),
                    Some(i) if now[i] > 0 => v.add(format!("split.items[{k}].order_item_id"), "is named twice"),
                    Some(_) if it.quantity.0 <= 0 => {
                        v.add(format!("split.items[{k}].quantity"), "must be greater than 0")
                    }
                    Some(i) if it.quantity.0 > left[i] => v.add(
                        format!("split.items[{k}].quantity"),
                        format!("is more than is left to pay of this item ({})", Quantity(left[i])),
                    ),
                    Some(i) => now[i] = it.quantity.0,
                }
            }
            v.finish().map_err(ApiError::Validation)?;
            Ok((now, None))
        }
        (None, Some(n)) => {
            if !(2..=50).contains(&n) {
                return Err(ApiError::field("split.parts", "must be 2 to 50"));
            }
            if order.split_parts > 0 && order.split_parts != n {
                return Err(rule(
                    kasir_domain::ErrorCode::SplitMismatch,
                    format!("this order is being paid in {} equal parts", order.split_parts),
                ));
            }
            if order.split_parts == 0 && order.items.iter().any(|i| i.paid_quantity.0 > 0) {
                return Err(rule(
                    kasir_domain::ErrorCode::SplitMismatch,
                    "part of this order is paid already: split the rest by items".into(),
                ));
            }
            let k = order.parts_paid + 1;
            let now =
                order.items.iter().map(|i| kasir_domain::split::part(i.quantity.0, i.paid_quantity.0, n, k)).collect();
            Ok((now, Some((n, k))))
        }
        _ => Err(ApiError::field("split", "give either items or parts")),
    }
}

/// Pays (part of) an order with a sale made by the same checkout as `POST /sales`, at the prices
/// the order was taken at. The order records what the sale paid in the sale's transaction.
#[tracing::instrument(skip_all)]
pub async fn pay(db: &Db, seller: &Seller, id: &str, b: PayOrder, key: Option<&TxKey>) -> Result<Outcome, ApiError> {
    if let Some(k) = key {
        match kasir_store::platform::idempotency::committed(db, &k.scope, &k.key, &k.hash).await? {
            Some(TxClaim::Replay { status, body }) => return Ok(Outcome::Replay { status, body }),
            Some(TxClaim::Mismatch) => return Err(crate::platform::idempotency::key_reused()),
            _ => {}
        }
    }
    let order = orders::get(db, &seller.scope, id).await?;
    let (input, part) = order_sale(&order, b)?;
    // The order's prices were allowed when it was taken; the sale keeps them.
    let payer = Seller { can_override_price: true, ..seller.clone() };
    checkout_part(db, &payer, input, key, Some(&part)).await
}

/// The sale that pays (part of) `order` as `b` says, and what it pays of the order: 422 when the
/// order is voided or paid, or the share comes to nothing.
pub fn order_sale(order: &Order, b: PayOrder) -> Result<(CreateSale, OrderPart), ApiError> {
    if kasir_domain::OrderStatus::Voided.is(&order.status) {
        return Err(rule(kasir_domain::ErrorCode::InvalidTransition, "a voided order cannot be paid".into()));
    }
    if order.paid {
        return Err(rule(kasir_domain::ErrorCode::OrderPaid, "this order is paid already".into()));
    }
    let (now, parts) = share(order, b.split.as_ref())?;
    if now.iter().all(|q| *q == 0) {
        return Err(rule(
            kasir_domain::ErrorCode::NothingToPay,
            "this share of the order comes to nothing; pay fewer parts or other items".into(),
        ));
    }
    let completes = order.items.iter().zip(&now).all(|(i, q)| i.paid_quantity.0 + q == i.quantity.0);
    let items = order
        .items
        .iter()
        .zip(&now)
        .filter(|(_, q)| **q > 0)
        .map(|(i, q)| ItemInput {
            product_id: i.product_id.clone(),
            variant_id: i.variant_id.clone(),
            quantity: Quantity(*q),
            unit_price: Some(i.unit_price),
            discount: None,
            modifiers: Some(i.modifiers.iter().map(|m| m.id.clone()).collect()),
            note: i.note.clone(),
        })
        .collect();
    let part = OrderPart {
        order_id: order.id.clone(),
        order_version: order.version,
        items: order
            .items
            .iter()
            .zip(&now)
            .filter(|(_, q)| **q > 0)
            .map(|(i, q)| (i.id.clone(), i.paid_quantity.0, *q))
            .collect(),
        completes,
        parts,
    };
    let input = CreateSale {
        id: b.id,
        outlet_id: order.outlet_id.clone(),
        customer_id: b.customer_id,
        items,
        discount: b.discount,
        voucher_code: b.voucher_code,
        payments: b.payments,
        note: b.note.or(order.note.clone()),
    };
    Ok((input, part))
}

/// Records what the sale pays of its order, if the order is as it was read.
#[tracing::instrument(skip_all)]
pub(crate) async fn record_payment(
    tx: &mut kasir_store::Tx,
    scope: &kasir_store::Scope,
    part: &OrderPart,
) -> Result<(), ApiError> {
    use kasir_store::restaurant::orders;
    let order = orders::lock(tx, scope, &part.order_id).await?;
    if order.version != part.order_version {
        return Err(crate::restaurant::ordering::changed());
    }
    for (item, before, quantity) in &part.items {
        if !orders::add_paid(tx, &order, item, *before, *quantity).await? {
            return Err(crate::restaurant::ordering::changed());
        }
    }
    let change = orders::Change {
        paid: Some(part.completes),
        split_parts: part.parts.map(|p| p.0),
        parts_paid: part.parts.map(|p| p.1),
        ..Default::default()
    };
    if !orders::update(tx, &order, &change).await? {
        return Err(crate::restaurant::ordering::changed());
    }
    let updated = orders::lock(tx, scope, &order.id).await?;
    if updated.paid && kasir_domain::OrderStatus::Done.is(&updated.status) {
        crate::restaurant::ordering::release_table(tx, scope, &updated).await?;
    }
    crate::restaurant::ordering::record(tx, scope, &updated, kasir_store::events::EventBody::OrderPaid)
}
