//! Pushed facts: what a till did while offline, applied through the same operations as the
//! online endpoints, dated as the till dated them. Facts never conflict: a sale is kept even if
//! stock went below zero, at the prices it was rung up at.

use jiff::Timestamp;
use kasir_domain::Permission;
use kasir_store::{
    crud,
    selling::shifts::{Shift, SHIFTS},
};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::change::{data_object, id_in_use, id_taken, parse_data, to_json, Cx, Done, PushChange};
use crate::{
    api::ApiError,
    restaurant::{ordering, orders},
    selling::{
        checkout::{self, CreateSale, Offline},
        reversal::{self, CreateRefund, OfflineRefund},
        shifts::{cashier, checked_close, CreateCashMovement, OpenShift},
        till::{self, Stamp},
        Seller,
    },
    stock::adjustments::{self, CreateAdjustment},
};

/// How far ahead of the server's clock a till's clock may be.
const CLOCK_SKEW_SECS: i64 = 600;

/// Takes the till's time of the fact from `data[field]` (RFC 3339, not in the future).
fn take_time(data: &mut Map<String, Value>, field: &str) -> Result<Timestamp, ApiError> {
    let name = format!("data.{field}");
    let raw = match data.remove(field) {
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::field(&name, "must be an RFC 3339 time")),
        None => return Err(ApiError::field(&name, "is required: when the till did it")),
    };
    let at: Timestamp = raw.trim().parse().map_err(|_| ApiError::field(&name, "must be an RFC 3339 time"))?;
    if at > Timestamp::now() + jiff::SignedDuration::from_secs(CLOCK_SKEW_SECS) {
        return Err(ApiError::field(&name, "is in the future (check the till's clock)"));
    }
    Ok(at)
}

/// Takes the id in `data[field]`.
fn take_id(data: &mut Map<String, Value>, field: &str) -> Result<String, ApiError> {
    let name = format!("data.{field}");
    match data.remove(field) {
        Some(Value::String(s)) => {
            kasir_domain::ids::parse_id(&s).ok_or_else(|| ApiError::field(&name, "must be a UUID"))
        }
        _ => Err(ApiError::field(&name, "is required")),
    }
}

fn seller(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Seller, ApiError> {
    let mut seller = Seller::of(cx.p)?;
    seller.actor = cx.actor(ch, id);
    Ok(seller)
}

/// A sale rung up offline: the `POST /sales` body with `created_at` and `shift_id`.
pub async fn sale(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::SalesCreate)?;
    let seller = seller(cx, ch, id)?;
    let mut data = data_object(ch)?;
    let created_at = take_time(&mut data, "created_at")?;
    let shift_id = take_id(&mut data, "shift_id")?;
    data.insert("id".into(), Value::String(id.to_string()));
    let input: CreateSale = parse_data(&data)?;
    let outlet_id = input.outlet_id.clone();
    match checkout::checkout_offline(&cx.s.db, &seller, input, Offline { created_at, shift_id: shift_id.clone() }).await
    {
        Ok(sale) => Done::applied(&sale),
        Err(e) if id_taken(&e) => {
            let sale = kasir_store::selling::sales::get(&cx.s.db, &cx.scope, id).await.map_err(|_| id_in_use())?;
            if sale.shift_id == shift_id && sale.outlet_id == outlet_id {
                Done::duplicate(&sale)
            } else {
                Err(id_in_use())
            }
        }
        Err(e) => Err(e),
    }
}

/// A refund made offline: the refund body with `sale_id`, `created_at` and the `shift_id` whose
/// drawer paid it back.
pub async fn refund(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::SalesRefund)?;
    let seller = seller(cx, ch, id)?;
    let mut data = data_object(ch)?;
    let sale_id = take_id(&mut data, "sale_id")?;
    let created_at = take_time(&mut data, "created_at")?;
    let shift_id = take_id(&mut data, "shift_id")?;
    let b: CreateRefund = parse_data(&data)?;
    let offline = OfflineRefund { id: id.to_string(), till: Offline { created_at, shift_id } };
    let mut tx = cx.s.db.begin(seller.actor.clone()).await?;
    match reversal::refund_as(&seller, &sale_id, b, &mut tx, Some(&offline)).await {
        Ok(refund) => {
            tx.commit().await?;
            Done::applied(&refund)
        }
        Err(ApiError::NotFound) => {
            Err(ApiError::MissingRefs(vec![kasir_domain::FieldError::new("data.sale_id", "no such sale")]))
        }
        Err(e) if id_taken(&e) => {
            drop(tx);
            let refunds = kasir_store::selling::refunds::of_sale(&cx.s.db, &cx.scope, &sale_id).await?;
            let refund = refunds.into_iter().find(|r| r.id == id).ok_or_else(id_in_use)?;
            Done::duplicate(&refund)
        }
        Err(e) => Err(e),
    }
}

/// A shift opened offline: the `POST /shifts/open` body with `opened_at`.
pub async fn open_shift(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::ShiftsManage)?;
    let mut data = data_object(ch)?;
    let at = take_time(&mut data, "opened_at")?;
    let (outlet_id, start_cash, note) = parse_data::<OpenShift>(&data)?.checked()?;
    let cashier = cashier(cx.p);
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let stamp = Stamp { id: id.to_string(), at };
    match till::open(&mut tx, &cx.scope, &cashier, &outlet_id, start_cash, note, Some(stamp)).await {
        Ok(shift) => {
            tx.commit().await?;
            Done::applied(&shift)
        }
        Err(e) if id_taken(&e) => {
            drop(tx);
            let shift: Shift = crud::get(&cx.s.db, &SHIFTS, &cx.scope, id).await.map_err(|_| id_in_use())?;
            if shift.outlet_id == outlet_id && Some(shift.user_id.as_str()) == cx.p.user_id() {
                Done::duplicate(&shift)
            } else {
                Err(id_in_use())
            }
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseFields {
    status: String,
    end_cash: i64,
    note: Option<String>,
}

/// A shift closed offline: an `update` with `{status: "closed", end_cash, note, closed_at}`.
pub async fn close_shift(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::ShiftsManage)?;
    let mut data = data_object(ch)?;
    let at = take_time(&mut data, "closed_at")?;
    let b: CloseFields = parse_data(&data)?;
    if b.status != kasir_domain::ShiftStatus::Closed.as_str() {
        return Err(ApiError::field("data.status", "must be closed: a shift changes only by closing"));
    }
    let (end_cash, note) = checked_close(b.end_cash, b.note.as_deref())?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    match till::close(&mut tx, &cx.scope, &cashier(cx.p), id, end_cash, note, Some(at)).await {
        Ok(shift) => {
            tx.commit().await?;
            Done::applied(&shift)
        }
        Err(e) => Err(match e {
            ApiError::MissingRefs(_) => ApiError::NotFound,
            other => other,
        }),
    }
}

/// Cash put in or taken out offline: the movement body with `shift_id` and `created_at`.
pub async fn cash_movement(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::ShiftsManage)?;
    let mut data = data_object(ch)?;
    let at = take_time(&mut data, "created_at")?;
    let shift_id = take_id(&mut data, "shift_id")?;
    let (kind, amount, reason) = parse_data::<CreateCashMovement>(&data)?.checked()?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let movement = till::Movement { kind, amount, reason: &reason };
    let stamp = Stamp { id: id.to_string(), at };
    match till::move_cash(&mut tx, &cx.scope, &cashier(cx.p), &shift_id, movement, Some(stamp)).await {
        Ok(m) => {
            tx.commit().await?;
            Ok(Done::Applied { version: 1, data: to_json(&m)? })
        }
        Err(e) if id_taken(&e) => Err(id_in_use()),
        Err(e) => Err(e),
    }
}

/// A stock adjustment made offline: its lines are deltas (`quantity_delta`), applied as they come.
pub async fn stock_adjustment(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::StockManage)?;
    let mut data = data_object(ch)?;
    data.remove("created_at");
    let b: CreateAdjustment = parse_data(&data)?;
    if b.lines.iter().any(|l| l.counted_quantity.is_some()) {
        return Err(ApiError::field(
            "data.lines",
            "offline adjustments are deltas (quantity_delta): a count taken offline is stale by the time it arrives",
        ));
    }
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let adjustment = adjustments::adjust(&mut tx, &cx.scope, b).await?;
    tx.commit().await?;
    Ok(Done::Applied { version: 1, data: to_json(&adjustment)? })
}

/// An order taken offline: the `POST /orders` body.
pub async fn order(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::OrdersManage)?;
    let mut data = data_object(ch)?;
    data.remove("created_at");
    data.insert("id".into(), Value::String(id.to_string()));
    let b: ordering::CreateOrder = parse_data(&data)?;
    let mut who = orders::actor(cx.p)?;
    who.actor = cx.actor(ch, id);
    match ordering::create(&cx.s.db, &who, b, None).await {
        Ok(order) => Done::applied(&order),
        Err(e) if id_taken(&e) => {
            let order = kasir_store::restaurant::orders::get(&cx.s.db, &cx.scope, id).await.map_err(|_| id_in_use())?;
            Done::duplicate(&order)
        }
        Err(e) => Err(e),
    }
}

/// An order's status step made offline: an `update` with `{status, reason}`. A step the order
/// has already taken (another device moved it first) is a duplicate.
pub async fn order_status(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(Permission::OrdersUpdateStatus)?;
    let data = data_object(ch)?;
    let (to, reason) = parse_data::<orders::SetStatus>(&data)?.checked(cx.p)?;
    let mut who = orders::actor(cx.p)?;
    who.actor = cx.actor(ch, id);
    match crate::restaurant::order_changes::set_status(&cx.s.db, &who, id, to, reason).await {
        Ok(order) => Done::applied(&order),
        Err(e @ ApiError::Rule { .. }) => {
            let order = kasir_store::restaurant::orders::get(&cx.s.db, &cx.scope, id).await?;
            if order.status == to.as_str() {
                Done::duplicate(&order)
            } else {
                Err(e)
            }
        }
        Err(e) => Err(e),
    }
}
