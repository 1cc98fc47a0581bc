//! Cashier shifts: opened with a float, closed with the cash counted. A shift's figures are
//! computed from its sales, refunds, voids, cash movements and cash expenses; closing freezes
//! them in `report`, and nothing changes a closed shift afterwards.

use serde::Serialize;
use utoipa::ToSchema;

use super::shift_report::ShiftReport;
use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, JsonText, Result, Scope, StoreError, Tx,
};

pub static SHIFTS: ResourceDef = ResourceDef {
    entity: "shift",
    table: "shifts",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("user_id", Text).filter(),
        Column::new("status", Text).filter(),
        Column::new("business_date", Text).filter().sort(),
        Column::new("start_cash", Int),
        Column::new("end_cash", Int),
        Column::new("expected_cash", Int),
        Column::new("cash_difference", Int),
        Column::new("note", Text),
        Column::new("opened_at", Text).sort(),
        Column::new("closed_at", Text).sort(),
        Column::new("closed_by", Text),
        Column::new("report", Json),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A cashier's shift at an outlet.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Shift {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    /// The cashier whose shift it is.
    #[schema(format = Uuid)]
    pub user_id: String,
    /// `open` or `closed`.
    pub status: String,
    pub business_date: String,
    pub start_cash: i64,
    /// The cash counted at close.
    pub end_cash: Option<i64>,
    pub expected_cash: Option<i64>,
    /// `end_cash − expected_cash`: negative when cash is missing.
    pub cash_difference: Option<i64>,
    pub note: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
    #[schema(format = Uuid)]
    pub closed_by: Option<String>,
    /// The shift's figures as they stood at close (null while open: see `GET /shifts/{id}/report`).
    #[sqlx(try_from = "String")]
    #[schema(value_type = Option<ShiftReport>)]
    pub report: JsonText<Option<ShiftReport>>,
}
crate::impl_record!(Shift);

/// The open shift of `user_id` at `outlet_id`, if any, inside a write transaction. On PostgreSQL
/// the row is share-locked until commit: sales recorded in a shift hold off its close, and a
/// close in progress makes them wait and then find the shift closed.
#[tracing::instrument(skip_all)]
pub async fn open_shift_of(tx: &mut Tx, user_id: &str, outlet_id: &str) -> Result<Option<Shift>> {
    let lock = if tx.backend() == crate::Backend::Postgres { " FOR SHARE" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM shifts WHERE user_id = $1 AND outlet_id = $2 AND status = 'open'{lock}",
        SHIFTS.select_list()
    ))
    .bind(user_id)
    .bind(outlet_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Like [`open_shift_of`], outside a transaction.
#[tracing::instrument(skip_all)]
pub async fn current(db: &Db, scope: &Scope, user_id: &str, outlet_id: &str) -> Result<Option<Shift>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM shifts WHERE tenant_id = $1 AND user_id = $2 AND outlet_id = $3 AND status = 'open'",
        SHIFTS.select_list()
    ))
    .bind(&scope.tenant_id)
    .bind(user_id)
    .bind(outlet_id)
    .fetch_optional(db.reader())
    .await?)
}

/// A shift by id inside a write transaction, locking it on PostgreSQL so that a close and a sale
/// (or two closes) cannot interleave. Scope-checked: another tenant's or outlet's shift is not found.
#[tracing::instrument(skip_all)]
pub async fn lock(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Shift> {
    let lock = if tx.backend() == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
    let shift: Shift = sqlx::query_as(&format!(
        "SELECT {} FROM shifts WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL{lock}",
        SHIFTS.select_list()
    ))
    .bind(&scope.tenant_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    if !scope.sees_outlet(&shift.outlet_id) {
        return Err(StoreError::NotFound);
    }
    Ok(shift)
}

/// A shift by id, share-locked on PostgreSQL like [`open_shift_of`] (a sale's shift, when a
/// void or refund pays back from it).
#[tracing::instrument(skip_all)]
pub async fn lock_shared(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Shift> {
    let lock = if tx.backend() == crate::Backend::Postgres { " FOR SHARE" } else { "" };
    sqlx::query_as(&format!("SELECT {} FROM shifts WHERE tenant_id = $1 AND id = $2{lock}", SHIFTS.select_list()))
        .bind(&scope.tenant_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Records a cash movement (`in` or `out`) in an open shift, with its id and time when a till
/// made it offline (`stamp`), new ones otherwise.
#[tracing::instrument(skip_all)]
pub async fn insert_cash_movement(
    tx: &mut Tx,
    scope: &Scope,
    shift_id: &str,
    kind: &str,
    amount: i64,
    reason: &str,
    stamp: Option<(String, String)>,
) -> Result<CashMovement> {
    let (id, created_at) = stamp.unwrap_or_else(|| (kasir_domain::ids::new_id(), kasir_domain::time::now()));
    let m = CashMovement {
        id,
        shift_id: shift_id.to_string(),
        kind: kind.to_string(),
        amount,
        reason: reason.to_string(),
        actor_id: tx.actor.id.clone(),
        created_at,
    };
    sqlx::query(
        "INSERT INTO cash_movements (id, tenant_id, shift_id, type, amount, reason, actor_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&m.id)
    .bind(&scope.tenant_id)
    .bind(&m.shift_id)
    .bind(&m.kind)
    .bind(m.amount)
    .bind(&m.reason)
    .bind(m.actor_id.clone())
    .bind(&m.created_at)
    .execute(&mut **tx)
    .await?;
    tx.audit(
        Some(&scope.tenant_id),
        "cash_movement.create",
        "cash_movement",
        Some(&m.id),
        serde_json::json!({ "shift_id": shift_id, "type": kind, "amount": amount }),
    );
    Ok(m)
}

/// Cash put into or taken out of a drawer during a shift.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CashMovement {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub shift_id: String,
    /// `in` or `out`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    pub amount: i64,
    pub reason: String,
    #[schema(format = Uuid)]
    pub actor_id: Option<String>,
    pub created_at: String,
}

/// The cash movements of a shift, oldest first.
#[tracing::instrument(skip_all)]
pub async fn cash_movements(db: &Db, shift_id: &str) -> Result<Vec<CashMovement>> {
    Ok(sqlx::query_as(
        "SELECT id, shift_id, type, amount, reason, actor_id, created_at FROM cash_movements WHERE shift_id = $1 ORDER BY created_at, id",
    )
    .bind(shift_id)
    .fetch_all(db.reader())
    .await?)
}

/// The shift a sale paid through the gateway goes to at an outlet: the open shift opened last,
/// or else the shift opened last (closed; the sale reopens its figures as a late offline sale does).
#[tracing::instrument(skip_all)]
pub async fn for_outlet(db: &Db, tenant_id: &str, outlet_id: &str) -> Result<Option<Shift>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM shifts WHERE tenant_id = $1 AND outlet_id = $2
         ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, opened_at DESC, id DESC LIMIT 1",
        SHIFTS.select_list()
    ))
    .bind(tenant_id)
    .bind(outlet_id)
    .fetch_optional(db.reader())
    .await?)
}
