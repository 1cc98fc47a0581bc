//! The till as business operations: opening a shift with its float, putting cash in or taking it
//! out, and closing with the cash counted (which freezes the shift's report). Each runs in the
//! caller's transaction; the routes in [`super::shifts`] claim the request's Idempotency-Key in it.

use kasir_domain::ShiftStatus;
use kasir_store::{
    crud::{self, Record},
    events::{EventBody, ShiftEvent},
    feed::Event,
    selling::shifts::{self, CashMovement, Shift, SHIFTS},
    tenancy::outlets::{self, Outlet, OUTLETS},
    Scope, StoreError, Tx, Value,
};

use crate::api::{missing, rule, ApiError};

/// Who acts on a shift: its user, or someone who manages users (a manager, or an API key with
/// that permission, closing a cashier's shift). Only a user login opens shifts.
#[derive(Debug, Clone)]
pub struct Cashier {
    pub user_id: Option<String>,
    pub manages_users: bool,
}

impl Cashier {
    fn user(&self) -> Result<&str, ApiError> {
        self.user_id.as_deref().ok_or_else(|| ApiError::Forbidden("shifts belong to user logins".into()))
    }
}

/// Cash put into (`in`) or taken out of (`out`) a drawer.
#[derive(Debug, Clone, Copy)]
pub struct Movement<'a> {
    pub kind: &'a str,
    pub amount: i64,
    pub reason: &'a str,
}

/// The id and time of something a till did while offline (`POST /sync/push`), kept as the till
/// recorded them; online requests have none and get a new id and the server's clock.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub id: String,
    pub at: jiff::Timestamp,
}

fn shift_event(scope: &Scope, body: fn(ShiftEvent) -> EventBody, shift: &Shift) -> Result<Event, ApiError> {
    let payload = ShiftEvent {
        id: shift.id.clone(),
        shift_id: shift.id.clone(),
        user_id: shift.user_id.clone(),
        status: shift.status.clone(),
        expected_cash: shift.expected_cash,
        cash_difference: shift.cash_difference,
    };
    Ok(Event::new(&scope.tenant_id, Some(&shift.outlet_id), body(payload))?)
}

/// Opens `cashier`'s shift at `outlet_id` with `start_cash` in the drawer, dated on the outlet's clock.
#[tracing::instrument(skip_all)]
pub async fn open(
    tx: &mut Tx,
    scope: &Scope,
    cashier: &Cashier,
    outlet_id: &str,
    start_cash: i64,
    note: Option<String>,
    stamp: Option<Stamp>,
) -> Result<Shift, ApiError> {
    let user_id = cashier.user()?;
    let outlet: Outlet =
        crud::get_in(tx, &OUTLETS, scope, outlet_id).await.map_err(|e| missing(e, "outlet_id", "outlet"))?;
    let at = stamp.as_ref().map_or_else(jiff::Timestamp::now, |s| s.at);
    let date = outlets::local_at(tx, &outlet, at).await?.date;
    let now = kasir_domain::time::format_ts(at);
    let id = stamp.map_or_else(kasir_domain::ids::new_id, |s| s.id);
    let values = [
        ("outlet_id", Value::from(outlet.id.as_str())),
        ("user_id", Value::from(user_id)),
        ("status", Value::from(ShiftStatus::Open.as_str())),
        ("business_date", Value::from(date)),
        ("start_cash", Value::from(start_cash)),
        ("end_cash", Value::Int(None)),
        ("expected_cash", Value::Int(None)),
        ("cash_difference", Value::Int(None)),
        ("note", Value::Text(note)),
        ("opened_at", Value::from(now.as_str())),
        ("report", Value::from("null")),
    ];
    let shift: Shift = match crud::create(tx, &SHIFTS, scope, &id, &values).await {
        Ok(shift) => shift,
        Err(StoreError::Conflict { field }) if field == "id" => return Err(StoreError::Conflict { field }.into()),
        Err(StoreError::Conflict { .. }) => {
            return Err(rule(
                kasir_domain::ErrorCode::ShiftAlreadyOpen,
                "you already have an open shift at this outlet".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    tx.record_event(shift_event(scope, EventBody::ShiftOpened, &shift)?);
    Ok(shift)
}

/// Shift `id` locked for a change: it must be open, and be the cashier's own unless they manage users.
#[tracing::instrument(skip_all)]
async fn lock_open(tx: &mut Tx, scope: &Scope, cashier: &Cashier, id: &str) -> Result<Shift, ApiError> {
    let shift = shifts::lock(tx, scope, id).await.map_err(|e| missing(e, "shift_id", "shift"))?;
    if cashier.user_id.as_deref() != Some(shift.user_id.as_str()) && !cashier.manages_users {
        return Err(ApiError::Forbidden("this is another user's shift".into()));
    }
    if !ShiftStatus::Open.is(&shift.status) {
        return Err(rule(kasir_domain::ErrorCode::ShiftClosed, "this shift is closed and cannot change".into()));
    }
    Ok(shift)
}

/// Closes shift `id` with `end_cash` counted: the report is computed and frozen with it.
#[tracing::instrument(skip_all)]
pub async fn close(
    tx: &mut Tx,
    scope: &Scope,
    cashier: &Cashier,
    id: &str,
    end_cash: i64,
    note: Option<String>,
    closed_at: Option<jiff::Timestamp>,
) -> Result<Shift, ApiError> {
    let shift = lock_open(tx, scope, cashier, id).await?;
    let mut report = kasir_store::selling::shift_report::report(tx, &shift).await?;
    report.status = ShiftStatus::Closed.as_str().into();
    report.count_cash(end_cash);
    let mut values = vec![
        ("status", Value::from(ShiftStatus::Closed.as_str())),
        ("end_cash", Value::from(end_cash)),
        ("expected_cash", Value::from(report.expected_cash)),
        ("cash_difference", Value::from(report.cash_difference.unwrap_or_default())),
        ("closed_at", Value::from(closed_at.map_or_else(kasir_domain::time::now, kasir_domain::time::format_ts))),
        ("closed_by", Value::Text(cashier.user_id.clone())),
        ("report", Value::json(&report)),
    ];
    if note.is_some() {
        values.push(("note", Value::Text(note)));
    }
    let closed: Shift = crud::update(tx, &SHIFTS, scope, &shift.id, Some(shift.version()), &values).await?;
    tx.record_event(shift_event(scope, EventBody::ShiftClosed, &closed)?);
    Ok(closed)
}

/// Computes a closed shift's report again and freezes it anew, keeping the cash counted: an
/// offline sale pushed after the shift closed still counts in it.
#[tracing::instrument(skip_all)]
pub async fn refreeze(tx: &mut Tx, scope: &Scope, shift: &Shift) -> Result<Shift, ApiError> {
    let mut report = kasir_store::selling::shift_report::report(tx, shift).await?;
    report.status = ShiftStatus::Closed.as_str().into();
    report.count_cash(shift.end_cash.unwrap_or_default());
    let values = [
        ("expected_cash", Value::from(report.expected_cash)),
        ("cash_difference", Value::from(report.cash_difference.unwrap_or_default())),
        ("report", Value::json(&report)),
    ];
    Ok(crud::update(tx, &SHIFTS, scope, &shift.id, Some(shift.version()), &values).await?)
}

/// Puts `amount` into (`in`) or takes it out of (`out`) the drawer of open shift `id`.
#[tracing::instrument(skip_all)]
pub async fn move_cash(
    tx: &mut Tx,
    scope: &Scope,
    cashier: &Cashier,
    id: &str,
    m: Movement<'_>,
    stamp: Option<Stamp>,
) -> Result<CashMovement, ApiError> {
    let shift = lock_open(tx, scope, cashier, id).await?;
    let stamp = stamp.map(|s| (s.id, kasir_domain::time::format_ts(s.at)));
    Ok(shifts::insert_cash_movement(tx, scope, &shift.id, m.kind, m.amount, m.reason, stamp).await?)
}
