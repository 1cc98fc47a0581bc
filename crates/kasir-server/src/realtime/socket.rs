//! `GET /api/v1/ws`: a client's WebSocket. The access token comes in the query (`?token=`) or
//! as a subprotocol (`Sec-WebSocket-Protocol: kasir, <token>`). A staff client receives its
//! tenant's events for the outlets it may see (narrowed by `SUBSCRIBE`); a customer of the shop's
//! app (a customer token) receives only the events addressed to its account
//! (`PAYMENT_STATUS_CHANGED`). Events limited to some staff (tickets, branding approvals) reach
//! only them. `/ws/tickets` and `/ws/branding-approval` are the same socket limited to those
//! events. Either can replay what it missed (`RESUME`), is pinged every 30
//! seconds and dropped when it stops answering.

use std::time::{Duration, Instant};

use axum::{
    extract::{
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
        State,
    },
    response::Response,
};
use futures::{SinkExt, StreamExt};
use kasir_store::{
    crud,
    tenancy::outlets::{Outlet, OUTLETS},
    Scope,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Frame, Hub};
use crate::{
    api::{ApiError, ApiQuery},
    auth::principal::from_access_token,
    state::AppState,
};

/// How often the server pings, and how long a client may stay silent before it is dropped.
/// Frames a socket writes at once when several are queued.
const MAX_FRAMES_PER_WRITE: usize = 64;
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENT_FOR: Duration = Duration::from_secs(75);
/// Close codes: the client was too slow and should reconnect and `RESUME`; its login ended.
pub const CLOSE_RESUME: u16 = 4000;
pub const CLOSE_UNAUTHORIZED: u16 = 4001;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WsQuery {
    /// The access token (or send it as the subprotocol after `kasir`).
    pub token: Option<String>,
}

/// Messages a client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
enum ClientMessage {
    Subscribe { outlet_ids: Vec<String> },
    Resume { after_seq: i64 },
}

pub fn routes(api: crate::api::openapi::ApiRouter<AppState>) -> crate::api::openapi::ApiRouter<AppState> {
    use crate::api::openapi::{Method, Op};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let kinds = kasir_domain::EventKind::ALL.iter().map(|k| k.as_str()).chain(kasir_domain::events::CONTROL_FRAMES);
    use kasir_store::events::{
        ApprovalEvent, EventBody, OrderEvent, PaymentEvent, SaleEvent, ShiftEvent, StockLowEvent, StockNegativeEvent,
        SyncChangesEvent, TableEvent, TicketEvent,
    };
    use utoipa::openapi::{schema::OneOfBuilder, Ref};
    let text = |t: Type| ObjectBuilder::new().schema_type(t);
    // Each event type's payload schema, by name: `x-event-payloads` maps the type to it.
    let mut payloads = serde_json::Map::new();
    let mut names: Vec<&str> = Vec::new();
    for kind in kasir_domain::EventKind::ALL {
        let name = EventBody::schema_name(kind);
        payloads.insert(kind.as_str().to_string(), serde_json::json!({"$ref": format!("#/components/schemas/{name}")}));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let one_of = names.into_iter().fold(OneOfBuilder::new(), |b, name| b.item(Ref::from_schema_name(name)));
    let switching = ObjectBuilder::new()
        .description(Some(
            "Switching to the WebSocket protocol; the server then sends JSON text frames like this one. \
             Event payloads name their record with `id` and carry its current fields; `x-event-payloads` \
             names the payload schema of each event type.",
        ))
        .property("type", text(Type::String).enum_values(Some(kinds)))
        .required("type")
        .property("seq", text(Type::Integer))
        .property("outlet_id", text(Type::String))
        .property("at", text(Type::String))
        .property("payload", one_of)
        .property("message", text(Type::String))
        .extensions(Some(
            utoipa::openapi::extensions::ExtensionsBuilder::new()
                .add("x-event-payloads", serde_json::Value::Object(payloads))
                .build(),
        ));
    let limited = |summary: &str, kinds: &[kasir_domain::EventKind]| {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).chain(kasir_domain::events::CONTROL_FRAMES).collect();
        let frame = ObjectBuilder::new()
            .description(Some("Switching to the WebSocket protocol; the server then sends only these events' frames."))
            .property("type", text(Type::String).enum_values(Some(names)))
            .required("type")
            .property("seq", text(Type::Integer))
            .property("outlet_id", text(Type::String))
            .property("at", text(Type::String))
            .property("payload", ObjectBuilder::new())
            .property("message", text(Type::String));
        Op::new("realtime", summary).query::<WsQuery>().ok_raw(101, "application/json", frame).errors(&[400, 401])
    };
    api.route(
        Method::Get,
        "/ws/tickets",
        upgrade_tickets,
        limited("Open a WebSocket of ticket events only", &kasir_domain::EventKind::TICKETS),
    )
    .route(
        Method::Get,
        "/ws/branding-approval",
        upgrade_branding,
        limited("Open a WebSocket of branding approval events only", &kasir_domain::EventKind::BRANDING),
    )
    .route(
        Method::Get,
        "/ws",
        upgrade,
        Op::new("realtime", "Open the realtime WebSocket (events of the caller's tenant and outlets)")
            .query::<WsQuery>()
            .schema::<OrderEvent>()
            .schema::<SaleEvent>()
            .schema::<ShiftEvent>()
            .schema::<StockLowEvent>()
            .schema::<StockNegativeEvent>()
            .schema::<SyncChangesEvent>()
            .schema::<TableEvent>()
            .schema::<PaymentEvent>()
            .schema::<TicketEvent>()
            .schema::<ApprovalEvent>()
            .ok_raw(101, "application/json", switching)
            .errors(&[400, 401]),
    )
}

type Upgrade = Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>;

pub async fn upgrade(s: State<AppState>, q: ApiQuery<WsQuery>, ws: Upgrade) -> Result<Response, ApiError> {
    open(s, q, ws, None).await
}

async fn upgrade_tickets(s: State<AppState>, q: ApiQuery<WsQuery>, ws: Upgrade) -> Result<Response, ApiError> {
    open(s, q, ws, Some(&kasir_domain::EventKind::TICKETS)).await
}

async fn upgrade_branding(s: State<AppState>, q: ApiQuery<WsQuery>, ws: Upgrade) -> Result<Response, ApiError> {
    open(s, q, ws, Some(&kasir_domain::EventKind::BRANDING)).await
}

/// Opens a socket, limited to `kinds` when given.
async fn open(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<WsQuery>,
    ws: Upgrade,
    kinds: Option<&'static [kasir_domain::EventKind]>,
) -> Result<Response, ApiError> {
    // A plain GET (no upgrade) gets the error envelope like every other mistake.
    let ws = ws.map_err(|e| ApiError::BadRequest(format!("this endpoint needs a WebSocket upgrade: {e}")))?;
    let from_protocol = ws
        .requested_protocols()
        .filter_map(|p| p.to_str().ok())
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .find(|p| !p.is_empty() && *p != "kasir")
        .map(str::to_string);
    let token = q
        .token
        .or(from_protocol)
        .ok_or_else(|| ApiError::Unauthorized("send the access token as ?token= or as a subprotocol".into()))?;
    let (scope, login, customer, staff) = if s.tokens.verify_customer(&token).is_some() {
        if kinds.is_some() {
            return Err(ApiError::Forbidden("this socket is for staff".into()));
        }
        let c = crate::accounts::from_access_token(&s, &token).await?;
        let scope = Scope { tenant_id: c.account.tenant_id.clone(), outlets: Some(Vec::new()) };
        (scope, Some((c.session_id.clone(), c.account.id.clone())), Some(c.account.id), None)
    } else {
        let p = from_access_token(&s, &token).await?;
        let login = p.session_id().map(str::to_string).zip(p.user_id().map(str::to_string));
        (p.scope()?, login, None, Some(p))
    };
    let hub = s.hub.clone();
    let state = s.clone();
    Ok(ws.protocols(["kasir"]).read_buffer_size(4096).write_buffer_size(4096).max_message_size(64 * 1024).on_upgrade(
        move |socket| async move {
            let client = Client { state, hub, scope, login, customer, staff, kinds };
            client.run(socket).await;
        },
    ))
}

struct Client {
    state: AppState,
    hub: Hub,
    scope: Scope,
    /// `(session id, user or account id)` of the login behind the socket.
    login: Option<(String, String)>,
    /// The customer account of a customer's socket.
    customer: Option<String>,
    /// The staff login of a staff socket (for events limited to some staff).
    staff: Option<crate::auth::Principal>,
    /// The only kinds of event this socket carries, if limited.
    kinds: Option<&'static [kasir_domain::EventKind]>,
}

impl Client {
    async fn run(self, mut socket: WebSocket) {
        let Some(mut sub) = self.hub.subscribe(&self.scope.tenant_id).await else { return };
        let _open = self.state.metrics.ws_opened();
        // One socket read and written in turn, not split in two halves behind a shared lock:
        // `select!` drops the read it did not finish (cancel-safe) before a branch writes.
        // The last event sent (or known to the client): later duplicates are skipped.
        let mut last_sent = sub.from_seq;
        let mut outlets: Option<Vec<String>> = self.scope.outlets.clone();
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        let mut heard = Instant::now();
        let close = loop {
            tokio::select! {
                msg = socket.next() => match msg {
                    Some(Ok(Message::Text(text))) => {
                        heard = Instant::now();
                        let reply = match serde_json::from_str::<ClientMessage>(&text) {
                            Ok(ClientMessage::Subscribe { outlet_ids }) => self.subscribe(outlet_ids).await.map(|o| {
                                outlets = o;
                                Vec::new()
                            }),
                            Ok(ClientMessage::Resume { after_seq }) => {
                                self.state.metrics.pulled("ws_resume");
                                self.resume(after_seq, &outlets, &mut last_sent).await
                            }
                            Err(_) => Err("expected {\"type\": \"SUBSCRIBE\", \"outlet_ids\": [...]} or {\"type\": \"RESUME\", \"after_seq\": n}".into()),
                        };
                        let frames = match reply {
                            Ok(frames) => frames,
                            Err(message) => vec![serde_json::json!({"type": "ERROR", "message": message}).to_string()],
                        };
                        let mut gone = false;
                        for f in frames {
                            if socket.send(Message::Text(f.into())).await.is_err() {
                                gone = true;
                                break;
                            }
                        }
                        if gone {
                            break None;
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                    Some(Ok(_)) => heard = Instant::now(),
                },
                frame = sub.frames.recv() => {
                    // The hub dropped this client: it fell too far behind.
                    let Some(first) = frame else {
                        break Some((CLOSE_RESUME, "too slow: reconnect and RESUME from your last seq"));
                    };
                    // Every frame already queued goes out with one write.
                    let (mut next, mut queued, mut sent) = (Some(first), 0, 0u64);
                    let mut failed = false;
                    while let Some(f) = next.take() {
                        queued += 1;
                        // A feed notice is not an outbox event: it has no number of its own.
                        let fresh = f.notice || f.seq > last_sent;
                        if fresh && !f.notice {
                            last_sent = f.seq;
                        }
                        if fresh && self.sees(&f, &outlets) {
                            if socket.feed(Message::Text(f.text.clone())).await.is_err() {
                                failed = true;
                                break;
                            }
                            sent += u64::from(!f.notice);
                        }
                        if queued < MAX_FRAMES_PER_WRITE {
                            next = sub.frames.try_recv().ok();
                        }
                    }
                    if failed || socket.flush().await.is_err() {
                        break None;
                    }
                    self.state.metrics.events_sent(sent);
                },
                _ = ping.tick() => {
                    if heard.elapsed() > SILENT_FOR {
                        break None;
                    }
                    if !self.still_logged_in().await {
                        break Some((CLOSE_UNAUTHORIZED, "the login ended"));
                    }
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        break None;
                    }
                }
            }
        };
        if let Some((code, reason)) = close {
            let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
        }
        self.hub.unsubscribe(&self.scope.tenant_id, sub.id);
    }

    /// The outlets to follow: those named, each one of the caller's visible outlets (all of them
    /// when none are named).
    async fn subscribe(&self, raw: Vec<String>) -> Result<Option<Vec<String>>, String> {
        if self.customer.is_some() {
            return Err("a customer's socket follows its own account, not outlets".into());
        }
        if raw.is_empty() {
            return Ok(self.scope.outlets.clone());
        }
        if raw.len() > 1000 {
            return Err("name at most 1000 outlets".into());
        }
        let ids: Vec<String> = raw.iter().filter_map(|r| kasir_domain::ids::parse_id(r)).collect();
        let found: Vec<Outlet> =
            crud::get_many(&self.state.db, &OUTLETS, &self.scope, &ids).await.map_err(|e| e.to_string())?;
        match raw.iter().find(|r| kasir_domain::ids::parse_id(r).is_none_or(|id| !found.iter().any(|o| o.id == id))) {
            Some(r) => Err(format!("no such outlet: {r}")),
            None => Ok(Some(ids)),
        }
    }

    /// The events after `after_seq` the client may see, in order, as frames to send.
    async fn resume(
        &self,
        after_seq: i64,
        outlets: &Option<Vec<String>>,
        last_sent: &mut i64,
    ) -> Result<Vec<String>, String> {
        let db = &self.state.db;
        let tenant = &self.scope.tenant_id;
        let pruned = kasir_store::realtime::events_pruned_to(db, tenant).await.map_err(|e| e.to_string())?;
        if after_seq < pruned {
            return Ok(vec![serde_json::json!({
                "type": "RESYNC_REQUIRED", "message": "events before this seq are no longer kept: reload and resume from the latest",
            })
            .to_string()]);
        }
        let mut frames = Vec::new();
        let mut cursor = after_seq.max(0);
        loop {
            let events =
                kasir_store::realtime::events_after(db, tenant, cursor, 500).await.map_err(|e| e.to_string())?;
            for e in &events {
                cursor = e.seq;
                let f = Frame::of(e);
                if self.sees(&f, outlets) {
                    frames.push(f.text.to_string());
                }
            }
            if events.len() < 500 {
                break;
            }
        }
        *last_sent = (*last_sent).max(cursor);
        Ok(frames)
    }

    /// False once the login behind the socket is over (logout, password change, a deactivated
    /// user or tenant). The access token's own expiry does not end an open socket.
    async fn still_logged_in(&self) -> bool {
        let Some((session, user)) = &self.login else { return true };
        if self.customer.is_some() {
            let logins = kasir_store::auth::Logins::Customer;
            let live = kasir_store::auth::session_live(&self.state.db, logins, session, user).await;
            let active = kasir_store::accounts::get(&self.state.db, user)
                .await
                .map(|a| a.is_some_and(|a| kasir_store::accounts::AccountStatus::Active.as_str() == a.status));
            // A database hiccup does not end the socket; the next ping asks again.
            return live.unwrap_or(true) && active.unwrap_or(true);
        }
        match kasir_store::auth::load_session(&self.state.db, session, user).await {
            Ok(Some(row)) => {
                row.revoked_at.is_none()
                    && row.expires_at > kasir_domain::time::now()
                    && row.is_active != 0
                    && row.tenant_active != Some(0)
            }
            Ok(None) => false,
            // A database hiccup does not end the socket; the next ping asks again.
            Err(_) => true,
        }
    }
}

impl Client {
    /// A customer's socket sees the events addressed to its account; a staff socket the events
    /// of the outlets it follows.
    fn sees(&self, f: &Frame, outlets: &Option<Vec<String>>) -> bool {
        if let Some(kinds) = self.kinds {
            if !f.kind.is_some_and(|k| kinds.contains(&k)) {
                return false;
            }
        }
        match (&self.customer, &f.audience) {
            (Some(account), _) => f.customer_id.as_deref() == Some(account.as_str()),
            (None, Some(audience)) => self.staff.as_ref().is_some_and(|p| in_audience(p, audience)),
            (None, None) => visible(f, outlets),
        }
    }
}

/// Whether a staff login is among those an event is limited to.
fn in_audience(p: &crate::auth::Principal, a: &kasir_store::feed::Audience) -> bool {
    let by_permission =
        a.permission.as_deref().and_then(kasir_domain::Permission::parse).is_some_and(|perm| p.has(perm));
    by_permission || p.user_id().is_some_and(|u| a.user_ids.iter().any(|x| x == u))
}

/// Events of no outlet go to every client of the tenant; others to clients following the outlet.
fn visible(f: &Frame, outlets: &Option<Vec<String>>) -> bool {
    match (&f.outlet_id, outlets) {
        (None, _) | (_, None) => true,
        (Some(o), Some(list)) => list.iter().any(|x| x == o),
    }
}
