//! Realtime delivery: committed events from the outbox (`events`) to WebSocket clients.
//!
//! One hub per process reads the outbox and fans events out. It reads a tenant's events after
//! the last one it delivered, in `seq` order, whenever it hears that the tenant committed some:
//! from this process's own commits, from PostgreSQL's `NOTIFY` sent inside other nodes'
//! transactions (delivered at their commit), and on a one-second tick that covers anything missed.
//! Because a tenant's events are numbered under its feed head lock in commit order, reading
//! `seq > last` never skips one that commits later. Each client has a bounded queue; a client
//! too slow to empty it is cut off (close code 4000, resume) instead of slowing the others.
//!
//! Beside events, the hub watches each tenant's change-feed head and, when it has grown, sends
//! `SYNC_CHANGES {cursor}` so that online devices pull at once. Notices are coalesced: at most
//! one per tenant every [`NOTICE_EVERY`], the first at once and a later one when the interval
//! ends, naming the newest cursor, so that a busy tenant's devices are not told to pull after
//! every sale. That notice is not stored: a client that missed one pulls on reconnect anyway.

pub mod socket;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use kasir_store::Db;
use tokio::sync::{mpsc, oneshot};

/// The least time between two `SYNC_CHANGES` notices to a tenant's clients.
pub const NOTICE_EVERY: Duration = Duration::from_millis(100);

/// One event as sent to clients, serialized once for all of them.
#[derive(Debug)]
pub struct Frame {
    pub seq: i64,
    pub outlet_id: Option<String>,
    /// The customer account it is addressed to (customers' sockets receive only those).
    pub customer_id: Option<String>,
    /// The staff it is limited to (tickets, approvals); none for every staff client of the outlet.
    pub audience: Option<kasir_store::feed::Audience>,
    /// Its `type`, for sockets limited to some kinds.
    pub kind: Option<kasir_domain::EventKind>,
    /// `{"type": …, "seq": …, "outlet_id": …, "at": …, "payload": {…}}`, serialized once and
    /// shared by every socket that sends it (a clone is a reference count, not a copy).
    pub text: axum::extract::ws::Utf8Bytes,
    /// A `SYNC_CHANGES` notice: not an outbox event, so it carries the last event's `seq`.
    pub notice: bool,
}

impl Frame {
    pub fn of(e: &kasir_store::realtime::StoredEvent) -> Frame {
        let payload: serde_json::Value = match serde_json::from_str(&e.payload) {
            Ok(p) => p,
            // Payloads are written by the server as JSON; one that is not is a fault worth a log
            // line, and clients still get the event and its text rather than nothing.
            Err(err) => {
                tracing::error!(seq = e.seq, kind = %e.kind, error = %err, "an event's payload is not JSON");
                serde_json::Value::String(e.payload.clone())
            }
        };
        let text = serde_json::json!({
            "type": e.kind, "seq": e.seq, "outlet_id": e.outlet_id, "at": e.created_at, "payload": payload,
        })
        .to_string();
        let audience = e.audience.as_deref().map(|a| {
            serde_json::from_str(a).unwrap_or_else(|err| {
                // Written by the server; one that does not parse reaches only those who handle everything.
                tracing::error!(seq = e.seq, error = %err, "an event's audience is not JSON");
                kasir_store::feed::Audience { permission: Some(String::new()), user_ids: Vec::new() }
            })
        });
        let kind = kasir_domain::EventKind::ALL.into_iter().find(|k| k.as_str() == e.kind);
        Frame {
            seq: e.seq,
            outlet_id: e.outlet_id.clone(),
            customer_id: e.customer_id.clone(),
            audience,
            kind,
            text: text.into(),
            notice: false,
        }
    }

    /// `SYNC_CHANGES`: the tenant's feed has grown to `change_seq`.
    fn sync_changes(last_event_seq: i64, change_seq: i64) -> Frame {
        let body = kasir_store::events::EventBody::SyncChanges(kasir_store::events::SyncChangesEvent {
            cursor: crate::sync::cursor::encode(change_seq, None),
        });
        let payload = body.payload().unwrap_or_default();
        let text = serde_json::json!({
            "type": body.kind().as_str(), "seq": last_event_seq, "outlet_id": null,
            "at": kasir_domain::time::now(), "payload": payload,
        })
        .to_string();
        Frame {
            seq: last_event_seq,
            outlet_id: None,
            customer_id: None,
            audience: None,
            kind: Some(kasir_domain::EventKind::SyncChanges),
            text: text.into(),
            notice: true,
        }
    }
}

/// A client's place in the hub: its queue, and the event number it was registered after.
pub struct Subscription {
    pub id: u64,
    pub frames: mpsc::Receiver<Arc<Frame>>,
    /// Events up to this number were committed before the client joined.
    pub from_seq: i64,
}

enum Command {
    Subscribe {
        tenant_id: String,
        reply: oneshot::Sender<Subscription>,
    },
    Unsubscribe {
        tenant_id: String,
        id: u64,
    },
    Wake(String),
    /// A wake-up the hub asked for itself, because committed events or changes were not yet
    /// readable (see `kasir_store::feed`).
    Retry(String),
    /// A `SYNC_CHANGES` notice held back to coalesce it with later changes is due.
    Notice(String),
}

/// The process's hub: cheap to clone.
#[derive(Clone)]
pub struct Hub {
    commands: mpsc::UnboundedSender<Command>,
}

struct TenantFeed {
    last_seq: i64,
    /// The feed head last announced with `SYNC_CHANGES`.
    last_change_seq: i64,
    /// When the last notice went out, and whether a later one is waiting for its turn.
    noticed_at: Option<Instant>,
    notice_held: bool,
    clients: Vec<(u64, mpsc::Sender<Arc<Frame>>)>,
}

impl Hub {
    /// Starts the hub's task (and, on PostgreSQL, its listener) for `db`.
    pub fn start(db: Db, database_url: Option<String>, queue: usize) -> Hub {
        let (commands, rx) = mpsc::unbounded_channel();
        let hub = Hub { commands };
        tokio::spawn(run(db.clone(), rx, hub.commands.clone(), queue.max(1)));
        let wake = hub.clone();
        let mut local = db.committed_events();
        tokio::spawn(async move {
            loop {
                match local.recv().await {
                    Ok(tenant_id) => wake.wake(tenant_id),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        if let Some(url) = database_url {
            tokio::spawn(listen(url, hub.clone()));
        }
        hub
    }

    /// Registers a client of `tenant_id`.
    pub async fn subscribe(&self, tenant_id: &str) -> Option<Subscription> {
        let (reply, rx) = oneshot::channel();
        self.commands.send(Command::Subscribe { tenant_id: tenant_id.to_string(), reply }).ok()?;
        rx.await.ok()
    }

    pub fn unsubscribe(&self, tenant_id: &str, id: u64) {
        let _ = self.commands.send(Command::Unsubscribe { tenant_id: tenant_id.to_string(), id });
    }

    /// Asks the hub to read the tenant's new events.
    pub fn wake(&self, tenant_id: String) {
        let _ = self.commands.send(Command::Wake(tenant_id));
    }
}

async fn run(db: Db, mut rx: mpsc::UnboundedReceiver<Command>, commands: mpsc::UnboundedSender<Command>, queue: usize) {
    let mut tenants: HashMap<String, TenantFeed> = HashMap::new();
    // Tenants with a retry on its way.
    let mut retrying: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut next_id: u64 = 0;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let mut woken: Vec<String> = Vec::new();
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { return };
                // Take every command waiting, so that a burst of commits is read once per tenant.
                let mut cmds = vec![cmd];
                while let Ok(c) = rx.try_recv() {
                    cmds.push(c);
                }
                for cmd in cmds {
                    match cmd {
                        Command::Subscribe { tenant_id, reply } => {
                            if !tenants.contains_key(&tenant_id) {
                                let heads = tokio::try_join!(
                                    kasir_store::realtime::last_event_seq(&db, &tenant_id),
                                    kasir_store::realtime::last_change_seq(&db, &tenant_id),
                                );
                                let (last_seq, last_change_seq) = match heads {
                                    Ok(n) => n,
                                    Err(e) => {
                                        tracing::warn!(error = %e, "reading a tenant's event head");
                                        continue;
                                    }
                                };
                                let feed = TenantFeed {
                                    last_seq,
                                    last_change_seq,
                                    noticed_at: None,
                                    notice_held: false,
                                    clients: Vec::new(),
                                };
                                tenants.insert(tenant_id.clone(), feed);
                            }
                            let feed = tenants.get_mut(&tenant_id).expect("inserted above");
                            next_id += 1;
                            let (tx, frames) = mpsc::channel(queue);
                            feed.clients.push((next_id, tx));
                            let _ = reply.send(Subscription { id: next_id, frames, from_seq: feed.last_seq });
                        }
                        Command::Unsubscribe { tenant_id, id } => {
                            if let Some(feed) = tenants.get_mut(&tenant_id) {
                                feed.clients.retain(|(c, _)| *c != id);
                                if feed.clients.is_empty() {
                                    tenants.remove(&tenant_id);
                                }
                            }
                        }
                        Command::Wake(tenant_id) => woken.push(tenant_id),
                        Command::Retry(tenant_id) => {
                            retrying.remove(&tenant_id);
                            woken.push(tenant_id);
                        }
                        Command::Notice(tenant_id) => {
                            if let Some(feed) = tenants.get_mut(&tenant_id) {
                                feed.notice_held = false;
                            }
                            woken.push(tenant_id);
                        }
                    }
                }
            }
            _ = tick.tick() => woken.extend(tenants.keys().cloned()),
        }
        woken.sort();
        woken.dedup();
        for tenant_id in woken {
            let Some(feed) = tenants.get_mut(&tenant_id) else { continue };
            match deliver(&db, &tenant_id, feed).await {
                Ok(next) => {
                    if let Some(when) = next.notice_at {
                        let commands = commands.clone();
                        let tenant_id = tenant_id.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep_until(when.into()).await;
                            let _ = commands.send(Command::Notice(tenant_id));
                        });
                    }
                    if next.waiting && retrying.insert(tenant_id.clone()) {
                        let commands = commands.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(2)).await;
                            let _ = commands.send(Command::Retry(tenant_id));
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, tenant_id, "reading events for realtime clients"),
            }
        }
    }
}

/// What the hub does for a tenant after a delivery.
struct Next {
    /// Committed events or changes are not readable yet (PostgreSQL, behind older
    /// transactions): come back shortly.
    waiting: bool,
    /// A `SYNC_CHANGES` notice was held back: come back then.
    notice_at: Option<Instant>,
}

/// Reads the tenant's events after the last delivered and queues them for its clients, dropping
/// (and so disconnecting) a client whose queue is full, then announces a grown change feed.
async fn deliver(db: &Db, tenant_id: &str, feed: &mut TenantFeed) -> kasir_store::Result<Next> {
    let news = loop {
        let news = kasir_store::realtime::news(db, tenant_id, feed.last_seq, 500).await?;
        for e in &news.events {
            let frame = Arc::new(Frame::of(e));
            feed.clients.retain(|(_, tx)| tx.try_send(frame.clone()).is_ok());
            feed.last_seq = e.seq;
        }
        if news.events.len() < 500 {
            break news;
        }
    };
    let mut next = Next { waiting: news.waiting, notice_at: None };
    let head = news.change_head;
    if head > feed.last_change_seq {
        let now = Instant::now();
        match feed.noticed_at.map(|at| at + NOTICE_EVERY).filter(|when| *when > now) {
            Some(when) => {
                if !feed.notice_held {
                    feed.notice_held = true;
                    next.notice_at = Some(when);
                }
            }
            None => {
                feed.last_change_seq = head;
                feed.noticed_at = Some(now);
                let frame = Arc::new(Frame::sync_changes(feed.last_seq, head));
                feed.clients.retain(|(_, tx)| tx.try_send(frame.clone()).is_ok());
            }
        }
    }
    Ok(next)
}

/// Listens to PostgreSQL's notifications of committed events and wakes the hub, reconnecting
/// after an error (the hub's tick covers the gap).
async fn listen(url: String, hub: Hub) {
    loop {
        match kasir_store::realtime::EventListener::connect(&url).await {
            Ok(mut listener) => loop {
                match listener.recv().await {
                    Ok(tenant_id) => hub.wake(tenant_id),
                    Err(e) => {
                        tracing::warn!(error = %e, "realtime event listener lost its connection");
                        break;
                    }
                }
            },
            Err(e) => tracing::warn!(error = %e, "connecting the realtime event listener"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
