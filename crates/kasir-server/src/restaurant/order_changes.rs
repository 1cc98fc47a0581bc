//! Changing an order once placed: its kitchen status, more items, another table, merging it
//! into another. Each is an operation with its own transaction.

use kasir_domain::{OrderStatus, Violations};
use kasir_store::{
    events::{EventBody, OrderEvent},
    restaurant::orders::{self, Order},
    Db,
};

use crate::api::{missing, rule, ApiError};
use crate::selling::lines::{self, ItemInput};

use super::ordering::{changed, occupy, order_items, record, release_table, routing, table_at, OrderActor};

/// Moves an order along the kitchen flow (`VOIDED` with an optional reason); 422 `invalid_transition` for
/// any other move.
#[tracing::instrument(skip_all)]
pub async fn set_status(
    db: &Db,
    who: &OrderActor,
    id: &str,
    to: OrderStatus,
    reason: Option<String>,
) -> Result<Order, ApiError> {
    let scope = &who.scope;
    let mut tx = db.begin(who.actor.clone()).await?;
    let order = orders::lock(&mut tx, scope, id).await?;
    if !OrderStatus::parse(&order.status).is_some_and(|from| from.may_move(to)) {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            format!("an order cannot go from {} to {to}", order.status),
        ));
    }
    if to == OrderStatus::Voided && order.items.iter().any(|i| i.paid_quantity.0 > 0) {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            "a paid order cannot be voided: void or refund its sales".into(),
        ));
    }
    let change = orders::Change { status: Some(to.as_str()), void_reason: reason.as_deref(), ..Default::default() };
    if !orders::update(&mut tx, &order, &change).await? {
        return Err(changed());
    }
    let updated = orders::lock(&mut tx, scope, &order.id).await?;
    if to == OrderStatus::Voided || (to == OrderStatus::Done && updated.paid) {
        release_table(&mut tx, scope, &updated).await?;
    }
    record(&mut tx, scope, &updated, |e| {
        EventBody::OrderStatusChanged(OrderEvent {
            from: Some(order.status.clone()),
            to: Some(to.as_str().into()),
            ..e
        })
    })?;
    tx.audit(
        Some(&scope.tenant_id),
        "order.status",
        "order",
        Some(&order.id),
        serde_json::json!({ "from": order.status, "to": to.as_str() }),
    );
    tx.commit().await?;
    Ok(updated.into_inner())
}

/// Adds items to an order still being prepared.
#[tracing::instrument(skip_all)]
pub async fn add_items(db: &Db, who: &OrderActor, id: &str, items: Vec<ItemInput>) -> Result<Order, ApiError> {
    let scope = &who.scope;
    let mut v = Violations::new();
    let lines = lines::resolve(db, scope, &items, who.can_override_price, &mut v).await?;
    v.finish().map_err(ApiError::Validation)?;
    let current = orders::get(db, scope, id).await?;
    let stations = routing(db, &scope.tenant_id, &current.outlet_id).await?;
    let new_items = order_items(&lines, &stations)?;
    let mut tx = db.begin(who.actor.clone()).await?;
    let order = orders::lock(&mut tx, scope, id).await?;
    if OrderStatus::parse(&order.status).is_some_and(OrderStatus::is_finished) || order.paid {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            format!("items cannot be added to a {} order", order.status),
        ));
    }
    orders::insert_items(&mut tx, &scope.tenant_id, &order.id, &new_items).await?;
    let total =
        kasir_domain::money::add(order.total_amount, kasir_domain::money::sum(new_items.iter().map(|i| i.total))?)?;
    let change = orders::Change { total_amount: Some(total), ..Default::default() };
    if !orders::update(&mut tx, &order, &change).await? {
        return Err(changed());
    }
    let updated = orders::lock(&mut tx, scope, &order.id).await?;
    record(&mut tx, scope, &updated, |e| EventBody::OrderUpdated(OrderEvent { added: Some(new_items.clone()), ..e }))?;
    tx.commit().await?;
    Ok(updated.into_inner())
}

/// Moves an order to another table of its outlet.
#[tracing::instrument(skip_all)]
pub async fn move_to(db: &Db, who: &OrderActor, id: &str, table_raw: &str) -> Result<Order, ApiError> {
    let scope = &who.scope;
    let current = orders::get(db, scope, id).await?;
    let table = table_at(db, scope, table_raw, &current.outlet_id).await?;
    let mut tx = db.begin(who.actor.clone()).await?;
    let order = orders::lock(&mut tx, scope, id).await?;
    if OrderStatus::Voided.is(&order.status) || (OrderStatus::Done.is(&order.status) && order.paid) {
        return Err(rule(kasir_domain::ErrorCode::InvalidTransition, "a finished order stays where it was".into()));
    }
    let change = orders::Change { table_id: Some(Some(&table)), ..Default::default() };
    if !orders::update(&mut tx, &order, &change).await? {
        return Err(changed());
    }
    release_table(&mut tx, scope, &order).await?;
    occupy(&mut tx, scope, &table, "occupied").await?;
    let updated = orders::lock(&mut tx, scope, &order.id).await?;
    record(&mut tx, scope, &updated, |e| {
        EventBody::OrderUpdated(OrderEvent { moved_from: Some(order.table_id.clone()), ..e })
    })?;
    tx.commit().await?;
    Ok(updated.into_inner())
}

/// Merges order `id` into `into_raw`: its items join the other order, and it is voided.
#[tracing::instrument(skip_all)]
pub async fn merge(db: &Db, who: &OrderActor, id: &str, into_raw: &str) -> Result<Order, ApiError> {
    let scope = &who.scope;
    let into_id =
        kasir_domain::ids::parse_id(into_raw).ok_or_else(|| ApiError::field("into_order_id", "must be a UUID"))?;
    if into_id == id {
        return Err(ApiError::field("into_order_id", "must be another order"));
    }
    let mut tx = db.begin(who.actor.clone()).await?;
    // Locked in id order, so two merges of the same pair cannot deadlock.
    let (first, second) = if id < into_id.as_str() { (id, into_id.as_str()) } else { (into_id.as_str(), id) };
    let a = orders::lock(&mut tx, scope, first).await.map_err(|e| missing(e, "into_order_id", "order"))?;
    let b = orders::lock(&mut tx, scope, second).await.map_err(|e| missing(e, "into_order_id", "order"))?;
    let (from, into) = if a.id == id { (a, b) } else { (b, a) };
    let active = |o: &Order| {
        !OrderStatus::parse(&o.status).is_some_and(OrderStatus::is_finished)
            && o.items.iter().all(|i| i.paid_quantity.0 == 0)
    };
    if !active(&from) || !active(&into) {
        return Err(rule(
            kasir_domain::ErrorCode::InvalidTransition,
            "only unpaid orders still being prepared can be merged".into(),
        ));
    }
    if from.outlet_id != into.outlet_id {
        return Err(ApiError::field("into_order_id", "is an order at another outlet"));
    }
    orders::move_items(&mut tx, &from, &into).await?;
    let merged_total = kasir_domain::money::add(into.total_amount, from.total_amount)?;
    if !orders::update(&mut tx, &into, &orders::Change { total_amount: Some(merged_total), ..Default::default() })
        .await?
    {
        return Err(changed());
    }
    let reason = format!("merged into {}", into.number);
    let voided = orders::Change {
        status: Some(OrderStatus::Voided.as_str()),
        void_reason: Some(&reason),
        total_amount: Some(0),
        ..Default::default()
    };
    if !orders::update(&mut tx, &from, &voided).await? {
        return Err(changed());
    }
    let gone = orders::lock(&mut tx, scope, &from.id).await?;
    release_table(&mut tx, scope, &gone).await?;
    let updated = orders::lock(&mut tx, scope, &into.id).await?;
    record(&mut tx, scope, &gone, |e| {
        EventBody::OrderStatusChanged(OrderEvent {
            from: Some(from.status.clone()),
            to: Some(OrderStatus::Voided.as_str().into()),
            merged_into: Some(into.id.clone()),
            ..e
        })
    })?;
    record(&mut tx, scope, &updated, |e| EventBody::OrderUpdated(OrderEvent { merged: Some(from.id.clone()), ..e }))?;
    tx.commit().await?;
    Ok(updated.into_inner())
}
