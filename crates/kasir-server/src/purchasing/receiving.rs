//! Receiving a purchase, as a business operation in the caller's transaction: stock arrives at the
//! lines' unit cost and each product's (or variant's) cost becomes the moving average.

use std::collections::BTreeMap;

use kasir_domain::{
    purchase::{moving_average_cost, PurchaseAction, PurchaseStatus},
    Quantity,
};
use kasir_store::{
    catalog::products::{Product, PRODUCTS},
    crud,
    purchasing::{self, Purchase, PURCHASES},
    stock::{self, NewMovement, StockError},
    Scope, Tx, Value,
};

use crate::{
    api::ApiError,
    stock::lines::{arriving, ReceiptLine},
};

fn not_allowed(status: &str, what: &str) -> ApiError {
    ApiError::Rule {
        code: kasir_domain::ErrorCode::InvalidTransition,
        message: format!("a {status} purchase cannot be {what}"),
    }
}

/// 422 `invalid_transition` unless the purchase's status allows `action`.
pub fn require(p: &Purchase, action: PurchaseAction, what: &str) -> Result<(), ApiError> {
    if PurchaseStatus::parse(&p.status).is_some_and(|s| s.allows(action)) {
        Ok(())
    } else {
        Err(not_allowed(&p.status, what))
    }
}

/// Moves purchase `id` to `to` (ordered or cancelled) when its status allows `action`.
#[tracing::instrument(skip_all)]
pub async fn transition(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    version: Option<i64>,
    action: PurchaseAction,
    to: PurchaseStatus,
) -> Result<Purchase, ApiError> {
    let purchase: Purchase = crud::get_in(tx, &PURCHASES, scope, id).await?;
    let what = if to == PurchaseStatus::Cancelled { "cancelled" } else { "ordered" };
    require(&purchase, action, what)?;
    let mut values = vec![("status", Value::from(to.as_str()))];
    if to == PurchaseStatus::Ordered {
        values.push(("ordered_at", Value::from(kasir_domain::time::now())));
    }
    Ok(crud::update(tx, &PURCHASES, scope, &purchase.id, version, &values).await?)
}

/// Receives all of purchase `id` still outstanding, or the quantities of `receipt`.
#[tracing::instrument(skip_all)]
pub async fn receive(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    version: Option<i64>,
    receipt: Option<&[ReceiptLine]>,
) -> Result<Purchase, ApiError> {
    let purchase: Purchase = crud::get_in(tx, &PURCHASES, scope, id).await?;
    require(&purchase, PurchaseAction::Receive, "received")?;
    let mut lines = purchase.lines.0.clone();
    let outstanding: Vec<_> = lines
        .iter()
        .map(|l| (l.product_id.as_str(), l.variant_id.as_deref(), l.quantity.0 - l.received_quantity.0))
        .collect();
    let arriving = arriving(&outstanding, receipt, "purchase")?;
    if lines.iter().zip(&arriving).any(|(l, a)| l.received_quantity.0 + a > l.quantity.0) {
        return Err(ApiError::Rule {
            code: kasir_domain::ErrorCode::ReceiveExceedsPurchase,
            message: "more would arrive than was ordered".into(),
        });
    }
    // Costs first, from the stock on hand before this receipt.
    let mut products: BTreeMap<String, Product> = BTreeMap::new();
    for (l, a) in lines.iter().zip(&arriving) {
        if *a <= 0 {
            continue;
        }
        let on_hand = purchasing::on_hand(tx, &scope.tenant_id, &l.product_id, l.variant_id.as_deref()).await?;
        if !products.contains_key(&l.product_id) {
            let product: Product = crud::get_in(tx, &PRODUCTS, scope, &l.product_id).await?;
            products.insert(l.product_id.clone(), product);
        }
        let Some(product) = products.get_mut(&l.product_id) else { continue };
        match &l.variant_id {
            Some(vid) => {
                let base = product.cost;
                if let Some(variant) = product.variants.0.iter_mut().find(|x| &x.id == vid) {
                    variant.cost = Some(moving_average_cost(on_hand, variant.cost.unwrap_or(base), *a, l.unit_cost));
                }
            }
            None => product.cost = moving_average_cost(on_hand, product.cost, *a, l.unit_cost),
        }
    }
    for product in products.values() {
        let values = [("cost", Value::from(product.cost)), ("variants", Value::json(&product.variants.0))];
        let _: Product = crud::update(tx, &PRODUCTS, scope, &product.id, None, &values).await?;
    }
    let mut moves = Vec::new();
    for (l, a) in lines.iter_mut().zip(&arriving) {
        if *a > 0 {
            moves.push(NewMovement {
                kind: "purchase",
                warehouse_id: purchase.warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: *a,
                unit_cost: Some(l.unit_cost),
                reference_type: "purchase",
                reference_id: purchase.id.clone(),
                note: None,
            });
            l.received_quantity = Quantity(l.received_quantity.0 + a);
        }
    }
    stock::apply(tx, scope, true, moves).await.map_err(|e| match e {
        StockError::Store(e) => ApiError::from(e),
        StockError::Shortage(_) => ApiError::internal("receiving a purchase", "a receipt cannot run short"),
    })?;
    let complete = lines.iter().all(|l| l.received_quantity.0 >= l.quantity.0);
    let status = if complete { PurchaseStatus::Received } else { PurchaseStatus::PartiallyReceived };
    let mut values = vec![("status", Value::from(status.as_str())), ("lines", Value::json(&lines))];
    if complete {
        values.push(("received_at", Value::from(kasir_domain::time::now())));
    }
    // A draft received straight away (goods bought at the door) counts as ordered then too.
    if purchase.ordered_at.is_none() {
        values.push(("ordered_at", Value::from(kasir_domain::time::now())));
    }
    Ok(crud::update(tx, &PURCHASES, scope, &purchase.id, version, &values).await?)
}
