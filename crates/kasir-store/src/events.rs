//! What the realtime events say: one variant per [`EventKind`], each with its typed payload. An
//! event is written to the outbox in the transaction of its cause ([`crate::Tx::record_event`]);
//! its payload names its record with `id` and carries the record's current fields (API.md).

use kasir_domain::{EventKind, Quantity};
use serde::Serialize;
use utoipa::ToSchema;

use crate::restaurant::orders::{Order, OrderItem};

/// An event and its payload.
#[derive(Debug, Clone)]
pub enum EventBody {
    NewOrder(OrderEvent),
    OrderStatusChanged(OrderEvent),
    OrderUpdated(OrderEvent),
    OrderPaid(OrderEvent),
    SaleCompleted(SaleEvent),
    SaleVoided(SaleEvent),
    SaleRefunded(SaleEvent),
    ShiftOpened(ShiftEvent),
    ShiftClosed(ShiftEvent),
    StockLow(StockLowEvent),
    StockNegative(StockNegativeEvent),
    TableUpdated(TableEvent),
    PaymentStatusChanged(PaymentEvent),
    /// Sent to sockets (never stored) when the tenant's change feed has grown.
    SyncChanges(SyncChangesEvent),
    TicketCreated(TicketEvent),
    TicketUpdated(TicketEvent),
    TicketCommented(TicketEvent),
    ApprovalUpdated(ApprovalEvent),
}

impl EventBody {
    pub fn kind(&self) -> EventKind {
        match self {
            EventBody::NewOrder(_) => EventKind::NewOrder,
            EventBody::OrderStatusChanged(_) => EventKind::OrderStatusChanged,
            EventBody::OrderUpdated(_) => EventKind::OrderUpdated,
            EventBody::OrderPaid(_) => EventKind::OrderPaid,
            EventBody::SaleCompleted(_) => EventKind::SaleCompleted,
            EventBody::SaleVoided(_) => EventKind::SaleVoided,
            EventBody::SaleRefunded(_) => EventKind::SaleRefunded,
            EventBody::ShiftOpened(_) => EventKind::ShiftOpened,
            EventBody::ShiftClosed(_) => EventKind::ShiftClosed,
            EventBody::StockLow(_) => EventKind::StockLow,
            EventBody::StockNegative(_) => EventKind::StockNegative,
            EventBody::TableUpdated(_) => EventKind::TableUpdated,
            EventBody::PaymentStatusChanged(_) => EventKind::PaymentStatusChanged,
            EventBody::SyncChanges(_) => EventKind::SyncChanges,
            EventBody::TicketCreated(_) => EventKind::TicketCreated,
            EventBody::TicketUpdated(_) => EventKind::TicketUpdated,
            EventBody::TicketCommented(_) => EventKind::TicketCommented,
            EventBody::ApprovalUpdated(_) => EventKind::ApprovalUpdated,
        }
    }

    /// The payload as JSON.
    pub fn payload(&self) -> serde_json::Result<serde_json::Value> {
        match self {
            EventBody::NewOrder(p)
            | EventBody::OrderStatusChanged(p)
            | EventBody::OrderUpdated(p)
            | EventBody::OrderPaid(p) => serde_json::to_value(p),
            EventBody::SaleCompleted(p) | EventBody::SaleVoided(p) | EventBody::SaleRefunded(p) => {
                serde_json::to_value(p)
            }
            EventBody::ShiftOpened(p) | EventBody::ShiftClosed(p) => serde_json::to_value(p),
            EventBody::StockLow(p) => serde_json::to_value(p),
            EventBody::StockNegative(p) => serde_json::to_value(p),
            EventBody::TableUpdated(p) => serde_json::to_value(p),
            EventBody::PaymentStatusChanged(p) => serde_json::to_value(p),
            EventBody::SyncChanges(p) => serde_json::to_value(p),
            EventBody::TicketCreated(p) | EventBody::TicketUpdated(p) | EventBody::TicketCommented(p) => {
                serde_json::to_value(p)
            }
            EventBody::ApprovalUpdated(p) => serde_json::to_value(p),
        }
    }

    /// The name of the payload's schema in the OpenAPI document, for each kind.
    pub fn schema_name(kind: EventKind) -> &'static str {
        match kind {
            EventKind::NewOrder | EventKind::OrderStatusChanged | EventKind::OrderUpdated | EventKind::OrderPaid => {
                "OrderEvent"
            }
            EventKind::SaleCompleted | EventKind::SaleVoided | EventKind::SaleRefunded => "SaleEvent",
            EventKind::ShiftOpened | EventKind::ShiftClosed => "ShiftEvent",
            EventKind::StockLow => "StockLowEvent",
            EventKind::StockNegative => "StockNegativeEvent",
            EventKind::TableUpdated => "TableEvent",
            EventKind::PaymentStatusChanged => "PaymentEvent",
            EventKind::SyncChanges => "SyncChangesEvent",
            EventKind::TicketCreated | EventKind::TicketUpdated | EventKind::TicketCommented => "TicketEvent",
            EventKind::ApprovalUpdated => "ApprovalEvent",
        }
    }
}

/// An order event: the order as `GET /orders/{id}` shows it, and what changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderEvent {
    #[serde(flatten)]
    pub order: Order,
    /// `ORDER_STATUS_CHANGED`: the status before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `ORDER_STATUS_CHANGED`: the status now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `ORDER_UPDATED`: the items just added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<Vec<OrderItem>>,
    /// `ORDER_UPDATED`: the table the order moved from (none when it had none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Option<String>>,
    /// `ORDER_STATUS_CHANGED` of an order merged into another: that order's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// `ORDER_UPDATED` of the order another was merged into: that order's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<String>,
}

impl OrderEvent {
    pub fn of(order: Order) -> OrderEvent {
        OrderEvent { order, from: None, to: None, added: None, moved_from: None, merged_into: None, merged: None }
    }
}

/// A sale event: the sale's id, number and totals, and what the event adds.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SaleEvent {
    #[schema(format = Uuid)]
    pub id: String,
    /// The same as `id` (kept for clients of the first version of the contract).
    #[schema(format = Uuid)]
    pub sale_id: String,
    pub number: String,
    pub status: String,
    pub total: i64,
    pub refunded_total: i64,
    /// `SALE_COMPLETED`: the shift, cashier and business date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_date: Option<String>,
    /// `SALE_VOIDED`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `SALE_REFUNDED`: the refund and its total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_total: Option<i64>,
}

/// A shift event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShiftEvent {
    #[schema(format = Uuid)]
    pub id: String,
    /// The same as `id`.
    #[schema(format = Uuid)]
    pub shift_id: String,
    #[schema(format = Uuid)]
    pub user_id: String,
    pub status: String,
    pub expected_cash: Option<i64>,
    pub cash_difference: Option<i64>,
}

/// `STOCK_LOW`: a level fell below its product's threshold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLowEvent {
    /// The product's id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    pub variant_id: Option<String>,
    pub name: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    #[schema(value_type = f64)]
    pub low_stock_threshold: Quantity,
}

/// `STOCK_NEGATIVE`: a sale (an offline one, or at an outlet that allows it) took a level below zero.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockNegativeEvent {
    /// The product's id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    pub variant_id: Option<String>,
    /// The level now (below zero).
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// `SYNC_CHANGES`: the change feed has grown; pull from your cursor (this one is the newest).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncChangesEvent {
    pub cursor: String,
}

/// `TABLE_UPDATED`: a table's status changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TableEvent {
    #[schema(format = Uuid)]
    pub id: String,
    /// The same as `id`.
    #[schema(format = Uuid)]
    pub table_id: String,
    pub name: String,
    pub status: String,
}

/// `PAYMENT_STATUS_CHANGED`: a gateway payment moved to `status`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentEvent {
    #[schema(format = Uuid)]
    pub id: String,
    /// `PENDING`, `PAID`, `SETTLED`, `EXPIRED` or `FAILED`.
    pub status: String,
    pub amount: i64,
    pub paid_at: Option<String>,
    /// `topup`, `order` or `charge`.
    pub purpose: String,
    /// `invoice`, `ewallet` or `qris`.
    pub method: String,
    pub order_id: Option<String>,
    pub outlet_id: Option<String>,
    /// The sale a paid order became.
    pub sale_id: Option<String>,
}

/// `TICKET_CREATED`, `TICKET_UPDATED`, `TICKET_COMMENTED`: the ticket as `GET /tickets/{id}`
/// shows it, and the comment just added.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketEvent {
    #[serde(flatten)]
    pub ticket: crate::operations::tickets::Ticket,
    /// `TICKET_UPDATED`: the status before, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `TICKET_COMMENTED`: the comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<crate::operations::tickets::Comment>,
}

/// `APPROVAL_UPDATED`: a branding request's status after a review, a revision or its creation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalEvent {
    #[schema(format = Uuid)]
    pub id: String,
    pub title: String,
    /// `pending`, `approved`, `rejected` or `revision`.
    pub status: String,
    pub round: i64,
    /// The approver whose review this was (none for a creation or revision).
    #[schema(format = Uuid)]
    pub approver: Option<String>,
    /// That approver's decision.
    pub decision: Option<String>,
    #[schema(format = Uuid)]
    pub requester_id: String,
    pub at: String,
}
