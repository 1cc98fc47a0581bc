//! Orders as business operations: placing one (by staff or by a guest at a table), adding to it,
//! moving it through the kitchen, moving and merging tables. Paying one is `order_payment`.

use kasir_domain::{pricing, FieldError, Violations};
use kasir_store::{
    events::{EventBody, OrderEvent, TableEvent},
    feed::{Change, Event},
    restaurant::orders::{self, Order, OrderItem},
    restaurant::{self, Station, TableSession, TABLES},
    tenancy::outlets,
    Actor, Db, Scope, Tx,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{missing, rule, ApiError};
use crate::selling::lines::{self, ItemInput, Resolved};

/// Who places or changes an order.
#[derive(Debug, Clone)]
pub struct OrderActor {
    pub scope: Scope,
    pub user_id: Option<String>,
    pub can_override_price: bool,
    pub actor: Actor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    DineIn,
    Takeaway,
    Delivery,
}

impl OrderKind {
    fn as_str(self) -> &'static str {
        match self {
            OrderKind::DineIn => "dine_in",
            OrderKind::Takeaway => "takeaway",
            OrderKind::Delivery => "delivery",
        }
    }
}

/// The body of `POST /orders`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    /// A client-made id (offline devices); a new UUIDv7 when absent.
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    /// The table session it is for (its table is the order's).
    #[schema(format = Uuid)]
    pub table_session_id: Option<String>,
    /// A table without a session (staff orders).
    #[schema(format = Uuid)]
    pub table_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: OrderKind,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<ItemInput>,
}

/// A guest ordering with a table session's token.
#[derive(Debug, Clone, Copy)]
pub struct Guest<'a> {
    pub session: &'a TableSession,
    /// Orders the session may place in any minute.
    pub per_minute: i64,
}

/// Places an order. A guest's comes with its table session, found by its token.
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, who: &OrderActor, b: CreateOrder, guest: Option<Guest<'_>>) -> Result<Order, ApiError> {
    let scope = &who.scope;
    let mut v = Violations::new();
    let id = match &b.id {
        Some(raw) => kasir_domain::ids::parse_id(raw).unwrap_or_else(|| {
            v.add("id", "must be a UUID");
            String::new()
        }),
        None => kasir_domain::ids::new_id(),
    };
    let note = v.opt_text("note", b.note.as_deref(), 500);
    let outlet_id = kasir_domain::ids::parse_id(&b.outlet_id).unwrap_or_else(|| {
        v.add("outlet_id", "must be a UUID");
        String::new()
    });
    let lines = lines::resolve(db, scope, &b.items, who.can_override_price, &mut v).await?;
    v.finish().map_err(ApiError::Validation)?;
    let ctx = outlets::selling_context(db, scope, &outlet_id)
        .await?
        .ok_or_else(|| ApiError::MissingRefs(vec![FieldError::new("outlet_id", "no such outlet")]))?;
    let (session_id, table_id) = match (guest, &b.table_session_id, &b.table_id) {
        (Some(g), _, _) => (Some(g.session.id.clone()), Some(g.session.table_id.clone())),
        (None, Some(raw), _) => {
            let s = session(db, scope, raw, &ctx.outlet.id).await?;
            (Some(s.id), Some(s.table_id))
        }
        (None, None, Some(raw)) => (None, Some(table_at(db, scope, raw, &ctx.outlet.id).await?)),
        (None, None, None) => (None, None),
    };
    let stations = routing(db, &scope.tenant_id, &ctx.outlet.id).await?;
    let now = jiff::Timestamp::now();
    let business_date = kasir_domain::time::outlet_clock(now, &ctx.timezone).date;
    let items = order_items(&lines, &stations)?;
    let total_amount = kasir_domain::money::sum(items.iter().map(|i| i.total))?;
    let mut tx = db.begin(who.actor.clone()).await?;
    if let Some(g) = guest {
        admit_guest(&mut tx, g).await?;
    }
    let n = orders::next_number(&mut tx, &ctx.outlet, &business_date).await?;
    let stamp = kasir_domain::time::now();
    let order = Order {
        id,
        tenant_id: scope.tenant_id.clone(),
        outlet_id: ctx.outlet.id.clone(),
        table_id: table_id.clone(),
        table_session_id: session_id,
        number: format!("{}-{}-{n:03}", ctx.outlet.code, business_date.replace('-', "")),
        business_date,
        kind: b.kind.as_str().into(),
        status: kasir_domain::OrderStatus::New.as_str().into(),
        source: if guest.is_some() { "guest" } else { "staff" }.into(),
        note,
        total_amount,
        items,
        paid: false,
        split_parts: 0,
        parts_paid: 0,
        created_by: who.user_id.clone(),
        void_reason: None,
        version: 1,
        created_at: stamp.clone(),
        updated_at: stamp,
    };
    orders::insert(&mut tx, &order).await?;
    orders::insert_items(&mut tx, &scope.tenant_id, &order.id, &order.items).await?;
    if let Some(t) = &table_id {
        occupy(&mut tx, scope, t, "occupied").await?;
    }
    record(&mut tx, scope, &order, EventBody::NewOrder)?;
    tx.audit(
        Some(&scope.tenant_id),
        "order.create",
        "order",
        Some(&order.id),
        serde_json::json!({ "number": order.number }),
    );
    tx.commit().await?;
    Ok(order)
}

/// Checks, with the session's row locked, that it is still open and has ordered fewer than its
/// limit in the last minute (429 with the seconds until the oldest of them is a minute old).
#[tracing::instrument(skip_all)]
async fn admit_guest(tx: &mut Tx, g: Guest<'_>) -> Result<(), ApiError> {
    if restaurant::lock_open_session(tx, &g.session.id).await?.is_none() {
        return Err(rule(
            kasir_domain::ErrorCode::TableSessionClosed,
            "this table session is closed or expired".into(),
        ));
    }
    let now = jiff::Timestamp::now();
    let since = kasir_domain::time::now_plus_seconds(-60);
    let (n, oldest) = orders::session_orders_since(tx, &g.session.id, &since).await?;
    if n >= g.per_minute {
        let age = oldest.and_then(|o| o.parse::<jiff::Timestamp>().ok()).map_or(0, |o| now.duration_since(o).as_secs());
        return Err(ApiError::RateLimited { retry_after_secs: (60 - age).clamp(1, 60) });
    }
    Ok(())
}

/// An outlet's stations and the tenant's category tree, to route items with.
type Routing = (Vec<Station>, std::collections::HashMap<String, Option<String>>);

#[tracing::instrument(skip_all)]
pub(super) async fn routing(db: &Db, tenant_id: &str, outlet_id: &str) -> Result<Routing, ApiError> {
    Ok((restaurant::stations_for(db, tenant_id, outlet_id).await?, restaurant::category_parents(db, tenant_id).await?))
}

/// The order items of resolved lines, priced at catalog prices and routed to their stations.
pub(super) fn order_items(lines: &[Resolved], stations: &Routing) -> Result<Vec<OrderItem>, ApiError> {
    let priced = pricing::price(&pricing::Order {
        lines: lines.iter().map(Resolved::pricing_line).collect::<Result<_, _>>()?,
        ..Default::default()
    })?;
    let now = kasir_domain::time::now();
    Ok(lines
        .iter()
        .zip(&priced.lines)
        .map(|(l, p)| OrderItem {
            id: kasir_domain::ids::new_id(),
            product_id: l.product.id.clone(),
            variant_id: l.variant.as_ref().map(|v| v.id.clone()),
            name: l.name(),
            quantity: kasir_domain::Quantity(l.quantity),
            unit_price: l.unit_price,
            modifiers: l.modifiers.clone(),
            note: l.note.clone(),
            station_id: restaurant::station_of(&stations.0, &stations.1, l.product.category_id.as_deref())
                .map(|s| s.id.clone()),
            total: p.total.get(),
            paid_quantity: kasir_domain::Quantity::ZERO,
            created_at: now.clone(),
        })
        .collect())
}

/// The open session `raw` at `outlet_id` (404 naming `table_session_id` otherwise).
#[tracing::instrument(skip_all)]
async fn session(db: &Db, scope: &Scope, raw: &str, outlet_id: &str) -> Result<TableSession, ApiError> {
    let id = kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("table_session_id", "must be a UUID"))?;
    let s: TableSession = kasir_store::crud::get(db, &restaurant::TABLE_SESSIONS, scope, &id)
        .await
        .map_err(|e| missing(e, "table_session_id", "table session"))?;
    if s.outlet_id != outlet_id {
        return Err(ApiError::field("table_session_id", "is a session at another outlet"));
    }
    if !kasir_domain::TableSessionStatus::Open.is(&s.status) || s.expires_at <= kasir_domain::time::now() {
        return Err(rule(
            kasir_domain::ErrorCode::TableSessionClosed,
            "this table session is closed or expired".into(),
        ));
    }
    Ok(s)
}

/// The table `raw` at `outlet_id` (404 naming `table_id` otherwise).
#[tracing::instrument(skip_all)]
pub(super) async fn table_at(db: &Db, scope: &Scope, raw: &str, outlet_id: &str) -> Result<String, ApiError> {
    let id = kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("table_id", "must be a UUID"))?;
    let t: restaurant::Table =
        kasir_store::crud::get(db, &TABLES, scope, &id).await.map_err(|e| missing(e, "table_id", "table"))?;
    if t.outlet_id != outlet_id {
        return Err(ApiError::field("table_id", "is a table at another outlet"));
    }
    Ok(t.id)
}

/// Sets a table's status and queues `TABLE_UPDATED` when it changed.
#[tracing::instrument(skip_all)]
pub async fn occupy(tx: &mut Tx, scope: &Scope, table_id: &str, status: &str) -> Result<(), ApiError> {
    if let Some(t) = restaurant::set_table_status(tx, scope, table_id, status).await? {
        let body = EventBody::TableUpdated(TableEvent {
            id: t.id.clone(),
            table_id: t.id.clone(),
            name: t.name.clone(),
            status: t.status.clone(),
        });
        tx.record_event(Event::new(&scope.tenant_id, Some(&t.outlet_id), body)?);
    }
    Ok(())
}

/// Frees the table of `order` unless another active order sits there.
#[tracing::instrument(skip_all)]
pub async fn release_table(tx: &mut Tx, scope: &Scope, order: &Order) -> Result<(), ApiError> {
    if let Some(t) = &order.table_id {
        if !orders::table_busy(tx, t, &order.id).await? {
            occupy(tx, scope, t, "free").await?;
        }
    }
    Ok(())
}

/// Queues an order's change-feed entry and an event about it.
pub fn record(
    tx: &mut Tx,
    scope: &Scope,
    order: &Order,
    event: impl FnOnce(OrderEvent) -> EventBody,
) -> Result<(), ApiError> {
    let data = serde_json::to_string(order).map_err(|e| ApiError::internal("serialising an order", e))?;
    tx.record_change(Change {
        tenant_id: scope.tenant_id.clone(),
        entity: "order",
        entity_id: order.id.clone(),
        op: "upsert",
        version: order.version,
        outlet_id: Some(order.outlet_id.clone()),
        data,
        updated_at: order.updated_at.clone(),
    });
    // The order as `GET /orders/{id}` shows it (`id`, `status`, `number`, `items`, …), and what changed.
    let body = event(OrderEvent::of(order.clone()));
    tx.record_event(Event::new(&scope.tenant_id, Some(&order.outlet_id), body)?);
    Ok(())
}

pub fn changed() -> ApiError {
    ApiError::Conflict {
        code: kasir_domain::ErrorCode::VersionConflict,
        message: "the order changed meanwhile; read it again".into(),
        errors: Vec::new(),
    }
}
