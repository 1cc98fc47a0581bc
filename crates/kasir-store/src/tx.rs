use std::{
    collections::BTreeMap,
    ops::{Deref, DerefMut},
};

use sqlx::{Any, AnyConnection, Transaction};

use crate::{
    feed::{Change, Event},
    platform::audit::AuditEntry,
    Result,
};

/// Who is writing: recorded in the audit log with every change.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<String>,
    /// `user`, `api_key` or `system`.
    pub kind: &'static str,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// Set when the write applies a change an offline device pushed: the commit records it in
    /// the device's ledger (see [`Pushed`]).
    pub pushed: Option<Pushed>,
}

/// A change an offline device pushed (`POST /sync/push`), carried by the actor of the
/// transaction that applies it. Whatever operation applies it (a checkout, a shift close, a
/// record update), its commit writes the change's ledger row with the rest, so the change and the
/// fact that it was applied commit together or not at all, and a retry of it is found.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub tenant_id: String,
    pub device_id: String,
    pub client_change_id: String,
    pub entity: String,
    pub record_id: String,
}

/// How a pushed change ended, as its ledger row records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Applied,
    /// Recorded as this conflict (fields changed on both sides; the server's values stayed).
    Conflict(String),
}

impl Actor {
    pub fn system() -> Self {
        Actor { kind: "system", ..Default::default() }
    }
}

/// Where a transaction runs: a PostgreSQL transaction of its own, or a turn in SQLite's group
/// commit (see [`crate::group`]).
pub(crate) enum Inner {
    Own(Transaction<'static, Any>),
    Grouped(crate::group::Writing),
}

impl Deref for Inner {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            Inner::Own(t) => t,
            Inner::Grouped(w) => w,
        }
    }
}

impl DerefMut for Inner {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Inner::Own(t) => t,
            Inner::Grouped(w) => w,
        }
    }
}

impl Inner {
    async fn commit(self) -> Result<()> {
        match self {
            Inner::Own(t) => Ok(t.commit().await?),
            Inner::Grouped(w) => w.commit().await,
        }
    }
}

/// A write transaction. Change-feed rows and audit entries are collected as the transaction runs
/// and written at [`Tx::commit`], so the per-tenant feed lock is taken last and held only for the
/// commit itself (no lock-order cycles with row locks taken earlier).
pub struct Tx {
    inner: Inner,
    pub actor: Actor,
    changes: Vec<Change>,
    events: Vec<Event>,
    audits: Vec<AuditEntry>,
    /// Net change of live records per (tenant, entity), for the entities that keep `live_counts`.
    counts: BTreeMap<(String, &'static str), i64>,
    /// Changes already written to `change_staging` by [`Tx::flush`]: its token and counts per tenant.
    staged: Option<(String, BTreeMap<String, i64>)>,
    /// Admission to write transactions, given back when the transaction ends.
    _permit: tokio::sync::OwnedSemaphorePermit,
    committed: tokio::sync::broadcast::Sender<String>,
    push_outcome: PushOutcome,
    /// A write the commit makes that must change a row (see [`crate::sql::Claim`]).
    claim: Option<crate::sql::Claim>,
}

impl Tx {
    pub(crate) fn new(
        inner: Inner,
        actor: Actor,
        permit: tokio::sync::OwnedSemaphorePermit,
        committed: tokio::sync::broadcast::Sender<String>,
    ) -> Self {
        Tx {
            inner,
            actor,
            changes: Vec::new(),
            events: Vec::new(),
            audits: Vec::new(),
            counts: BTreeMap::new(),
            staged: None,
            _permit: permit,
            committed,
            push_outcome: PushOutcome::Applied,
            claim: None,
        }
    }

    /// The engine this transaction runs on, for the few statements the engines spell differently.
    pub fn backend(&self) -> crate::Backend {
        if self.inner.backend_name().to_ascii_lowercase().starts_with("postgres") {
            crate::Backend::Postgres
        } else {
            crate::Backend::Sqlite
        }
    }

    /// Queues a change-feed row, written when the transaction commits.
    pub fn record_change(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Queues a realtime event, written to the outbox when the transaction commits.
    pub fn record_event(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Counts `delta` more (or fewer) live records of `entity` in the tenant, written at commit.
    pub fn count_live(&mut self, tenant_id: &str, entity: &'static str, delta: i64) {
        *self.counts.entry((tenant_id.to_string(), entity)).or_insert(0) += delta;
    }

    /// Queues an audit entry by this transaction's actor.
    pub fn audit(
        &mut self,
        tenant_id: Option<&str>,
        action: &str,
        entity: &str,
        entity_id: Option<&str>,
        details: serde_json::Value,
    ) {
        self.audits.push(AuditEntry {
            tenant_id: tenant_id.map(str::to_string),
            actor_id: self.actor.id.clone(),
            actor_type: self.actor.kind.to_string(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.map(str::to_string),
            ip: self.actor.ip.clone(),
            request_id: self.actor.request_id.clone(),
            details,
        });
    }

    /// Writes what has been queued so far, for long transactions (imports) that call it between
    /// batches to keep memory flat: audit entries go to the log, feed rows to a staging table from
    /// which the commit moves them into the feed, numbered under the head lock like any other.
    #[tracing::instrument(skip_all)]
    pub async fn flush(&mut self) -> Result<()> {
        let audits = std::mem::take(&mut self.audits);
        crate::platform::audit::insert_all(&mut self.inner, &audits).await?;
        let changes = std::mem::take(&mut self.changes);
        if !changes.is_empty() {
            let (token, counts) = self.staged.get_or_insert_with(|| (kasir_domain::ids::new_id(), BTreeMap::new()));
            crate::feed::stage(&mut self.inner, token, counts, changes).await?;
        }
        Ok(())
    }

    /// Sets the write the commit makes that must change a row, or the commit fails (with
    /// `Conflict`) and the transaction rolls back.
    pub(crate) fn claim_at_commit(&mut self, claim: crate::sql::Claim) {
        self.claim = Some(claim);
    }

    /// Records how the pushed change this transaction applies ended (applied unless told).
    pub fn set_push_outcome(&mut self, outcome: PushOutcome) {
        self.push_outcome = outcome;
    }

    /// Writes the queued audit entries and feed rows (and the ledger row of a pushed change, and
    /// the claim), then commits. A pushed change whose ledger row another transaction wrote first
    /// gives `Conflict { field: "client_change_id" }` and commits nothing; so does a claim that
    /// changes no row, with its own field.
    #[tracing::instrument(skip_all)]
    pub async fn commit(mut self) -> Result<()> {
        let mut writes = crate::sql::Batch::default();
        writes.extend(crate::platform::audit::insert_sql(&std::mem::take(&mut self.audits)));
        if let Some(pushed) = self.actor.pushed.clone() {
            let version = self.changes.iter().rev().find(|c| c.entity_id == pushed.record_id).map(|c| c.version);
            crate::sync::ledger::insert(&mut self.inner, &pushed, &self.push_outcome, version).await?;
        }
        let changes = std::mem::take(&mut self.changes);
        let events = std::mem::take(&mut self.events);
        // Tenants whose outbox or feed grew: their realtime clients hear of it at once.
        let mut event_tenants: Vec<String> =
            events.iter().map(|e| e.tenant_id.clone()).chain(changes.iter().map(|c| c.tenant_id.clone())).collect();
        if let Some((_, counts)) = &self.staged {
            event_tenants.extend(counts.keys().cloned());
        }
        event_tenants.sort();
        event_tenants.dedup();
        let staged = self.staged.take();
        let staged_ref = staged.as_ref().map(|(token, counts)| (token.as_str(), counts));
        // On PostgreSQL the audit entries, the claim and the feed rows usually go in one statement.
        crate::feed::append_all(&mut self.inner, changes, events, staged_ref, writes, self.claim.take()).await?;
        // After the feed: the tenant's head lock is already held, so these upserts wait for nothing.
        for ((tenant_id, entity), delta) in std::mem::take(&mut self.counts) {
            if delta != 0 {
                crate::crud::add_to_live_count(&mut self.inner, &tenant_id, entity, delta).await?;
            }
        }
        self.inner.commit().await?;
        for tenant_id in event_tenants {
            // No receiver (no hub, or no client) is fine.
            let _ = self.committed.send(tenant_id);
        }
        Ok(())
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}
