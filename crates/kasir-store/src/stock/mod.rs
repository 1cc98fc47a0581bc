//! The stock ledger. [`apply`] is the only way stock levels change: each movement row and its
//! level update are written together, in a fixed lock order, in the caller's transaction.

pub mod levels;
pub mod transfers;
pub mod warehouses;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    events::{EventBody, StockLowEvent},
    feed::{Change, Event},
    sql::{Batch, Sql},
    Result, Scope, StoreError, Tx,
};

/// A stock level as the change feed carries it (entity `stock_level`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FedLevel {
    /// A UUID made from the level's warehouse, product and variant (see [`level_id`]).
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: kasir_domain::Quantity,
    pub version: i64,
    pub updated_at: String,
}

/// The feed's id of a level, which has none of its own: a version-8 UUID from the SHA-256 of
/// its key, the same on every server and engine.
pub fn level_id(warehouse_id: &str, product_id: &str, variant_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("stock_level/{warehouse_id}/{product_id}/{variant_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// The feed row of a level as it now stands.
pub(crate) fn level_change(tenant_id: &str, outlet_id: Option<String>, level: FedLevel) -> Result<Change> {
    Ok(Change {
        tenant_id: tenant_id.to_string(),
        entity: "stock_level",
        entity_id: level.id.clone(),
        op: "upsert",
        version: level.version,
        outlet_id,
        data: serde_json::to_string(&level).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        updated_at: level.updated_at.clone(),
    })
}

/// A stock change to record.
#[derive(Debug, Clone)]
pub struct NewMovement {
    /// `sale`, `void`, `refund`, `purchase`, `purchase_return`, `adjustment`, `count`,
    /// `transfer_out` or `transfer_in`.
    pub kind: &'static str,
    pub warehouse_id: String,
    pub product_id: String,
    pub variant_id: Option<String>,
    /// Thousandths of a unit; negative takes stock out.
    pub delta: i64,
    pub unit_cost: Option<i64>,
    pub reference_type: &'static str,
    pub reference_id: String,
    pub note: Option<String>,
}

/// A movement as written, with the level before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub movement_id: String,
    pub warehouse_id: String,
    pub product_id: String,
    pub variant_id: Option<String>,
    pub before: i64,
    pub after: i64,
}

/// Not enough stock for a movement while the tenant forbids negative stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    pub warehouse_id: String,
    pub product_id: String,
    pub variant_id: Option<String>,
    pub available: i64,
    pub requested: i64,
}

#[derive(Debug)]
pub enum StockError {
    Shortage(Shortage),
    Store(StoreError),
}

impl From<StoreError> for StockError {
    fn from(e: StoreError) -> Self {
        StockError::Store(e)
    }
}

impl From<sqlx::Error> for StockError {
    fn from(e: sqlx::Error) -> Self {
        StockError::Store(e.into())
    }
}

/// Adds `delta` to a level (creating it at 0 first) and returns the new quantity. On PostgreSQL
/// the upsert locks the row until commit, so concurrent changes queue instead of losing updates.
async fn add_to_level(
    tx: &mut Tx,
    tenant_id: &str,
    warehouse_id: &str,
    product_id: &str,
    variant_id: &str,
    delta: i64,
) -> Result<i64> {
    let (after,): (i64,) = sqlx::query_as(
        "INSERT INTO stock_levels (tenant_id, warehouse_id, product_id, variant_id, quantity, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (warehouse_id, product_id, variant_id)
         DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity, updated_at = excluded.updated_at
         RETURNING quantity",
    )
    .bind(tenant_id)
    .bind(warehouse_id)
    .bind(product_id)
    .bind(variant_id)
    .bind(delta)
    .bind(kasir_domain::time::now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(after)
}

/// Locks a level and returns its quantity (0 when it never existed), for counts that set stock to
/// a counted quantity: the delta is computed under the lock.
#[tracing::instrument(skip_all)]
pub async fn lock_level(
    tx: &mut Tx,
    scope: &Scope,
    warehouse_id: &str,
    product_id: &str,
    variant_id: Option<&str>,
) -> Result<i64> {
    add_to_level(tx, &scope.tenant_id, warehouse_id, product_id, variant_id.unwrap_or(""), 0).await
}

/// The low-stock thresholds of the products moved, when the caller has them at hand:
/// `(product_id, name, threshold)` for those that have one. Otherwise [`apply`] reads them.
pub enum Thresholds<'a> {
    Lookup,
    Known(&'a [(String, String, i64)]),
}

/// Records `moves` and updates their levels. Levels are touched in (warehouse, product, variant)
/// order whatever the input order, so concurrent transactions cannot deadlock on each other.
#[tracing::instrument(skip_all)]
pub async fn apply(
    tx: &mut Tx,
    scope: &Scope,
    allow_negative: bool,
    moves: Vec<NewMovement>,
) -> Result<Vec<Applied>, StockError> {
    apply_with(tx, scope, allow_negative, moves, Thresholds::Lookup).await
}

/// [`apply`] with the thresholds given. Each level changes in one multi-row upsert and the
/// movements are written by one multi-row insert, whatever the number of lines.
#[tracing::instrument(skip_all)]
pub async fn apply_with(
    tx: &mut Tx,
    scope: &Scope,
    allow_negative: bool,
    moves: Vec<NewMovement>,
    thresholds: Thresholds<'_>,
) -> Result<Vec<Applied>, StockError> {
    let mut later = Batch::default();
    let applied = apply_batched(tx, scope, allow_negative, moves, thresholds, &mut later).await?;
    later.execute(tx).await?;
    Ok(applied)
}

/// [`apply_with`], leaving the movements' insert in `later` for the caller to send with its own
/// writes (a checkout sends them with the sale's lines): the levels are changed and locked now.
#[tracing::instrument(skip_all)]
pub async fn apply_batched(
    tx: &mut Tx,
    scope: &Scope,
    allow_negative: bool,
    mut moves: Vec<NewMovement>,
    thresholds: Thresholds<'_>,
    later: &mut Batch,
) -> Result<Vec<Applied>, StockError> {
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    let key =
        |m: &NewMovement| (m.warehouse_id.clone(), m.product_id.clone(), m.variant_id.clone().unwrap_or_default());
    moves.sort_by_key(key);
    // One row per level (a level moved twice in one go is changed once, by the sum).
    let mut levels: Vec<((String, String, String), i64)> = Vec::new();
    for m in &moves {
        match levels.last_mut() {
            Some((k, moved)) if *k == key(m) => *moved += m.delta,
            _ => levels.push((key(m), m.delta)),
        }
    }
    let now = kasir_domain::time::now();
    let mut after: std::collections::HashMap<(String, String, String), i64> = std::collections::HashMap::new();
    let mut versions: std::collections::HashMap<(String, String, String), i64> = std::collections::HashMap::new();
    // The outlet of each warehouse moved (none for a central warehouse), for the feed rows and events.
    let mut outlets = Outlets::new();
    for chunk in levels.chunks(crate::sql::rows_per_statement(6)) {
        let mut sql = Sql::new(
            "INSERT INTO stock_levels (tenant_id, warehouse_id, product_id, variant_id, quantity, updated_at) VALUES ",
        );
        for (i, ((w, p, v), delta)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(scope.tenant_id.as_str()).push(", ").bind(w.as_str()).push(", ").bind(p.as_str()).push(", ");
            sql.bind(v.as_str()).push(", ").bind(*delta).push(", ").bind(now.as_str()).push(")");
        }
        // On PostgreSQL the upsert locks each row until commit, in the order given (sorted).
        sql.push(
            " ON CONFLICT (warehouse_id, product_id, variant_id)
              DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity, updated_at = excluded.updated_at,
                 version = stock_levels.version + 1
              RETURNING warehouse_id, product_id, variant_id, quantity, version,
                 (SELECT outlet_id FROM warehouses WHERE warehouses.id = stock_levels.warehouse_id)",
        );
        type Row = (String, String, String, i64, i64, Option<String>);
        for (w, p, v, q, version, outlet) in sql.query_as::<Row>().fetch_all(&mut **tx).await? {
            outlets.insert(w.clone(), outlet);
            versions.insert((w.clone(), p.clone(), v.clone()), version);
            after.insert((w, p, v), q);
        }
    }
    let mut applied = Vec::with_capacity(moves.len());
    let mut running: std::collections::HashMap<(String, String, String), i64> = std::collections::HashMap::new();
    for (k, moved) in &levels {
        let end =
            *after.get(k).ok_or_else(|| StoreError::Corrupt("an upserted stock level was not returned".into()))?;
        if *moved < 0 && end < 0 && !allow_negative {
            return Err(StockError::Shortage(Shortage {
                warehouse_id: k.0.clone(),
                product_id: k.1.clone(),
                variant_id: Some(k.2.clone()).filter(|v| !v.is_empty()),
                available: (end - moved).max(0),
                requested: -moved,
            }));
        }
        running.insert(k.clone(), end - moved);
    }
    feed_levels(tx, scope, &outlets, &after, &versions, &now)?;
    for chunk in moves.chunks(crate::sql::rows_per_statement(13)) {
        let mut sql = Sql::new(
            "INSERT INTO stock_movements (id, tenant_id, type, warehouse_id, product_id, variant_id, quantity_delta,
                 unit_cost, reference_type, reference_id, actor_id, note, created_at) VALUES ",
        );
        for (i, m) in chunk.iter().enumerate() {
            let id = kasir_domain::ids::new_id();
            let level = running.entry(key(m)).or_insert(0);
            let before = *level;
            *level += m.delta;
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(id.as_str()).push(", ").bind(scope.tenant_id.as_str()).push(", ").bind(m.kind).push(", ");
            sql.bind(m.warehouse_id.as_str()).push(", ").bind(m.product_id.as_str()).push(", ");
            sql.bind(m.variant_id.clone().unwrap_or_default()).push(", ").bind(m.delta).push(", ");
            sql.bind(crate::Value::Int(m.unit_cost)).push(", ").bind(m.reference_type).push(", ");
            sql.bind(m.reference_id.as_str()).push(", ").bind(tx.actor.id.clone()).push(", ");
            sql.bind(m.note.clone()).push(", ").bind(now.as_str()).push(")");
            applied.push(Applied {
                movement_id: id,
                warehouse_id: m.warehouse_id.clone(),
                product_id: m.product_id.clone(),
                variant_id: m.variant_id.clone(),
                before,
                after: *level,
            });
        }
        later.add(sql);
    }
    queue_low_stock_events(tx, scope, &outlets, &applied, thresholds).await?;
    queue_negative_stock_events(tx, scope, &outlets, &applied)?;
    Ok(applied)
}

/// The outlet of each warehouse moved (none for a central warehouse), returned with the levels
/// for the feed rows and events of one [`apply_with`].
type Outlets = std::collections::HashMap<String, Option<String>>;

/// Queues the feed rows of the levels just changed, each with its warehouse's outlet (devices
/// of other outlets do not receive it).
fn feed_levels(
    tx: &mut Tx,
    scope: &Scope,
    outlets: &Outlets,
    after: &std::collections::HashMap<(String, String, String), i64>,
    versions: &std::collections::HashMap<(String, String, String), i64>,
    now: &str,
) -> Result<()> {
    let mut keys: Vec<&(String, String, String)> = after.keys().collect();
    keys.sort();
    for key in keys {
        let (w, p, v) = key;
        let level = FedLevel {
            id: level_id(w, p, v),
            warehouse_id: w.clone(),
            product_id: p.clone(),
            variant_id: Some(v.clone()).filter(|v| !v.is_empty()),
            quantity: kasir_domain::Quantity(after[key]),
            version: versions.get(key).copied().unwrap_or(1),
            updated_at: now.to_string(),
        };
        let outlet = outlets.get(w).cloned().flatten();
        tx.record_change(level_change(&scope.tenant_id, outlet, level)?);
    }
    Ok(())
}

/// Queues `STOCK_NEGATIVE` for every level that a move took from zero or more to below zero.
fn queue_negative_stock_events(tx: &mut Tx, scope: &Scope, outlets: &Outlets, applied: &[Applied]) -> Result<()> {
    for a in applied.iter().filter(|a| a.before >= 0 && a.after < 0) {
        let body = EventBody::StockNegative(crate::events::StockNegativeEvent {
            id: a.product_id.clone(),
            warehouse_id: a.warehouse_id.clone(),
            product_id: a.product_id.clone(),
            variant_id: a.variant_id.clone(),
            quantity: kasir_domain::Quantity(a.after),
        });
        let outlet = outlets.get(&a.warehouse_id).cloned().flatten();
        tx.record_event(Event::new(&scope.tenant_id, outlet.as_deref(), body)?);
    }
    Ok(())
}

/// Queues `STOCK_LOW` for every level that fell from at or above its product's threshold to below it.
async fn queue_low_stock_events(
    tx: &mut Tx,
    scope: &Scope,
    outlets: &Outlets,
    applied: &[Applied],
    t: Thresholds<'_>,
) -> Result<()> {
    let mut product_ids: Vec<String> = applied.iter().map(|a| a.product_id.clone()).collect();
    product_ids.sort();
    product_ids.dedup();
    if product_ids.is_empty() {
        return Ok(());
    }
    let thresholds: Vec<(String, String, i64)> = match t {
        Thresholds::Known(known) => known.to_vec(),
        Thresholds::Lookup => {
            let mut sql = Sql::new("SELECT id, name, low_stock_threshold FROM products WHERE ");
            sql.tenant_check("tenant_id", &scope.tenant_id);
            sql.push(" AND low_stock_threshold IS NOT NULL AND id IN ").bind_list(&product_ids);
            sql.query_as().fetch_all(&mut **tx).await?
        }
    };
    for a in applied {
        let Some((_, name, threshold)) = thresholds.iter().find(|(id, _, _)| *id == a.product_id) else { continue };
        if a.before >= *threshold && a.after < *threshold {
            let body = EventBody::StockLow(StockLowEvent {
                id: a.product_id.clone(),
                warehouse_id: a.warehouse_id.clone(),
                product_id: a.product_id.clone(),
                variant_id: a.variant_id.clone(),
                name: name.to_string(),
                quantity: kasir_domain::Quantity(a.after),
                low_stock_threshold: kasir_domain::Quantity(*threshold),
            });
            let outlet = outlets.get(&a.warehouse_id).cloned().flatten();
            tx.record_event(Event::new(&scope.tenant_id, outlet.as_deref(), body)?);
        }
    }
    Ok(())
}

/// Records an adjustment document (its movements are applied separately, in the same transaction).
#[tracing::instrument(skip_all)]
pub async fn insert_adjustment(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    warehouse_id: &str,
    reason: &str,
    note: Option<&str>,
    lines: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO stock_adjustments (id, tenant_id, warehouse_id, reason, note, lines, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&scope.tenant_id)
    .bind(warehouse_id)
    .bind(reason)
    .bind(note)
    .bind(lines.to_string())
    .bind(tx.actor.id.clone())
    .bind(kasir_domain::time::now())
    .execute(&mut **tx)
    .await?;
    tx.audit(
        Some(&scope.tenant_id),
        "stock_adjustment.create",
        "stock_adjustment",
        Some(id),
        serde_json::json!({ "warehouse_id": warehouse_id, "reason": reason }),
    );
    Ok(())
}
