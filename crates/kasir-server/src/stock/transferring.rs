//! Transfers as business operations: send (stock leaves the source), receive (all or part arrives
//! at the destination) and cancel, each in the caller's transaction (the routes in
//! [`super::transfers`] claim the request's Idempotency-Key in it).

use kasir_domain::{
    transfer::{after_receipt, TransferAction, TransferStatus},
    Quantity,
};
use kasir_store::{
    crud,
    stock::{
        self,
        transfers::{StockTransfer, STOCK_TRANSFERS},
        NewMovement, StockError,
    },
    Scope, Tx, Value,
};

use super::lines::{arriving, ReceiptLine};
use crate::api::ApiError;

fn not_allowed(t: &StockTransfer, what: &str) -> ApiError {
    ApiError::Rule {
        code: kasir_domain::ErrorCode::InvalidTransition,
        message: format!("a {} transfer cannot be {what}", t.status),
    }
}

/// Loads the transfer for an action and checks the caller may act on the given side.
#[tracing::instrument(skip_all)]
async fn load(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    side_outlet: fn(&StockTransfer) -> Option<&str>,
) -> Result<StockTransfer, ApiError> {
    let t: StockTransfer = crud::get_in(tx, &STOCK_TRANSFERS, scope, id).await?;
    if scope.outlets.is_some() && !side_outlet(&t).is_some_and(|o| scope.sees_outlet(o)) {
        return Err(ApiError::Forbidden("this side of the transfer belongs to an outlet you do not work at".into()));
    }
    Ok(t)
}

fn shortage(e: StockError) -> ApiError {
    match e {
        StockError::Store(e) => e.into(),
        StockError::Shortage(s) => ApiError::Rule {
            code: kasir_domain::ErrorCode::InsufficientStock,
            message: format!("only {} in stock, {} to send", Quantity(s.available), Quantity(s.requested)),
        },
    }
}

/// The common start of an action: permission, the transfer, the side the caller acts on, and
/// whether the transfer's status allows the action.
#[tracing::instrument(skip_all)]
async fn begin_action(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    action: TransferAction,
    side: fn(&StockTransfer) -> Option<&str>,
) -> Result<StockTransfer, ApiError> {
    let t = load(tx, scope, id, side).await?;
    if !TransferStatus::parse(&t.status).is_some_and(|st| st.allows(action)) {
        let what = match action {
            TransferAction::Send => "sent",
            TransferAction::Receive => "received",
            TransferAction::Cancel => "cancelled",
        };
        return Err(not_allowed(&t, what));
    }
    Ok(t)
}

/// Sends transfer `id` (version `version` when given): its lines leave the source warehouse.
#[tracing::instrument(skip_all)]
pub async fn send(tx: &mut Tx, scope: &Scope, id: &str, version: Option<i64>) -> Result<StockTransfer, ApiError> {
    let t = begin_action(tx, scope, id, TransferAction::Send, |t| t.from_outlet_id.as_deref()).await?;
    let allow_negative = kasir_store::tenancy::tenants::get_in_tx(tx, &scope.tenant_id).await?.allow_negative_stock.0;
    let moves = t
        .lines
        .0
        .iter()
        .map(|l| NewMovement {
            kind: "transfer_out",
            warehouse_id: t.from_warehouse_id.clone(),
            product_id: l.product_id.clone(),
            variant_id: l.variant_id.clone(),
            delta: -l.quantity.0,
            unit_cost: None,
            reference_type: "stock_transfer",
            reference_id: t.id.clone(),
            note: None,
        })
        .collect();
    stock::apply(tx, scope, allow_negative, moves).await.map_err(shortage)?;
    let values =
        [("status", Value::from(TransferStatus::Sent.as_str())), ("sent_at", Value::from(kasir_domain::time::now()))];
    Ok(crud::update(tx, &STOCK_TRANSFERS, scope, &t.id, version, &values).await?)
}

/// Receives all of transfer `id` still to arrive, or the quantities of `receipt`.
#[tracing::instrument(skip_all)]
pub async fn receive(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    version: Option<i64>,
    receipt: Option<&[ReceiptLine]>,
) -> Result<StockTransfer, ApiError> {
    let t = begin_action(tx, scope, id, TransferAction::Receive, |t| t.to_outlet_id.as_deref()).await?;
    let mut lines = t.lines.0.clone();
    let outstanding: Vec<_> = lines
        .iter()
        .map(|l| (l.product_id.as_str(), l.variant_id.as_deref(), l.quantity.0 - l.received_quantity.0))
        .collect();
    let arriving = arriving(&outstanding, receipt, "transfer")?;
    for (l, a) in lines.iter().zip(&arriving) {
        if l.received_quantity.0 + a > l.quantity.0 {
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::ReceiveExceedsTransfer,
                message: format!(
                    "only {} of product {} is still to arrive",
                    Quantity(l.quantity.0 - l.received_quantity.0),
                    l.product_id
                ),
            });
        }
    }
    let mut moves = Vec::new();
    for (l, a) in lines.iter_mut().zip(&arriving) {
        if *a > 0 {
            moves.push(NewMovement {
                kind: "transfer_in",
                warehouse_id: t.to_warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: *a,
                unit_cost: None,
                reference_type: "stock_transfer",
                reference_id: t.id.clone(),
                note: None,
            });
            l.received_quantity = Quantity(l.received_quantity.0 + a);
        }
    }
    stock::apply(tx, scope, true, moves).await.map_err(shortage)?;
    let sent: Vec<i64> = lines.iter().map(|l| l.quantity.0).collect();
    let received: Vec<i64> = lines.iter().map(|l| l.received_quantity.0).collect();
    let status = after_receipt(&sent, &received);
    let mut values = vec![("status", Value::from(status.as_str())), ("lines", Value::json(&lines))];
    if status == TransferStatus::Received {
        values.push(("received_at", Value::from(kasir_domain::time::now())));
    }
    Ok(crud::update(tx, &STOCK_TRANSFERS, scope, &t.id, version, &values).await?)
}

/// Cancels transfer `id`, which must not have been sent.
#[tracing::instrument(skip_all)]
pub async fn cancel(tx: &mut Tx, scope: &Scope, id: &str, version: Option<i64>) -> Result<StockTransfer, ApiError> {
    let t = begin_action(tx, scope, id, TransferAction::Cancel, |t| t.from_outlet_id.as_deref()).await?;
    let values = [("status", Value::from(TransferStatus::Cancelled.as_str()))];
    Ok(crud::update(tx, &STOCK_TRANSFERS, scope, &t.id, version, &values).await?)
}
