//! The events the server sends over `GET /api/v1/ws`: one closed list, documented in API.md and
//! in the OpenAPI document. Each is written to the outbox in the transaction of its cause.

/// What happened, as a frame's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    NewOrder,
    OrderStatusChanged,
    OrderUpdated,
    OrderPaid,
    SaleCompleted,
    SaleVoided,
    SaleRefunded,
    ShiftOpened,
    ShiftClosed,
    StockLow,
    StockNegative,
    TableUpdated,
    PaymentStatusChanged,
    SyncChanges,
    TicketCreated,
    TicketUpdated,
    TicketCommented,
    ApprovalUpdated,
}

impl EventKind {
    /// Every kind, in the order API.md lists them.
    pub const ALL: [EventKind; 18] = [
        EventKind::NewOrder,
        EventKind::OrderStatusChanged,
        EventKind::OrderUpdated,
        EventKind::OrderPaid,
        EventKind::SaleCompleted,
        EventKind::SaleVoided,
        EventKind::SaleRefunded,
        EventKind::ShiftOpened,
        EventKind::ShiftClosed,
        EventKind::StockLow,
        EventKind::StockNegative,
        EventKind::TableUpdated,
        EventKind::PaymentStatusChanged,
        EventKind::SyncChanges,
        EventKind::TicketCreated,
        EventKind::TicketUpdated,
        EventKind::TicketCommented,
        EventKind::ApprovalUpdated,
    ];

    /// The `type` clients see.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::NewOrder => "NEW_ORDER",
            EventKind::OrderStatusChanged => "ORDER_STATUS_CHANGED",
            EventKind::OrderUpdated => "ORDER_UPDATED",
            EventKind::OrderPaid => "ORDER_PAID",
            EventKind::SaleCompleted => "SALE_COMPLETED",
            EventKind::SaleVoided => "SALE_VOIDED",
            EventKind::SaleRefunded => "SALE_REFUNDED",
            EventKind::ShiftOpened => "SHIFT_OPENED",
            EventKind::ShiftClosed => "SHIFT_CLOSED",
            EventKind::StockLow => "STOCK_LOW",
            EventKind::StockNegative => "STOCK_NEGATIVE",
            EventKind::TableUpdated => "TABLE_UPDATED",
            EventKind::PaymentStatusChanged => "PAYMENT_STATUS_CHANGED",
            EventKind::SyncChanges => "SYNC_CHANGES",
            EventKind::TicketCreated => "TICKET_CREATED",
            EventKind::TicketUpdated => "TICKET_UPDATED",
            EventKind::TicketCommented => "TICKET_COMMENTED",
            EventKind::ApprovalUpdated => "APPROVAL_UPDATED",
        }
    }
}

impl EventKind {
    /// The kinds `/ws/tickets` carries.
    pub const TICKETS: [EventKind; 3] =
        [EventKind::TicketCreated, EventKind::TicketUpdated, EventKind::TicketCommented];
    /// The kinds `/ws/branding-approval` carries.
    pub const BRANDING: [EventKind; 1] = [EventKind::ApprovalUpdated];
}

/// Frames the socket itself sends, beside events: a client must reload (`RESYNC_REQUIRED`), or
/// a message it sent was refused (`ERROR`).
pub const CONTROL_FRAMES: [&str; 2] = ["RESYNC_REQUIRED", "ERROR"];
