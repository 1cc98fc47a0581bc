//! Writing plain resources: create, update (with the version check), soft delete, one or many,
//! each audited and fed to the change feed.

use sqlx::{any::AnyRow, FromRow};

use crate::{feed::Change, sql::Sql, Result, Scope, StoreError, Tx, Value};

use super::{get_in, list::sort_as, OutletScope, Record, ResourceDef};

/// Inserts a row with `id` and `values`, then queues its audit entry and feed change.
/// An `id` already used (even by another tenant or a deleted row) gives `Conflict { field: "id" }`.
#[tracing::instrument(skip_all)]
pub async fn create<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, id: &str, values: &[(&str, Value)]) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let now = kasir_domain::time::now();
    let mut sql = Sql::new(format!("INSERT INTO {} (id, tenant_id, version, created_at, updated_at", def.table));
    for (name, _) in values {
        sql.push(", ").push(name);
    }
    sql.push(") VALUES (").bind(id).push(", ").bind(scope.tenant_id.as_str()).push(", 1, ");
    sql.bind(now.as_str()).push(", ").bind(now.as_str());
    for (_, v) in values {
        sql.push(", ").bind(v.clone());
    }
    sql.push(")");
    sql.query().execute(&mut **tx).await?;
    // Read back through the caller's scope: a scoped caller may not create what it cannot see.
    let record: R = get_in(tx, def, &Scope::tenant(&scope.tenant_id), id).await?;
    finish_write(tx, def, scope, "create", "upsert", &record);
    Ok(record)
}

/// Updates `values` of a visible row if its version is `expected_version` (when given).
#[tracing::instrument(skip_all)]
pub async fn update<R>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    id: &str,
    expected_version: Option<i64>,
    values: &[(&str, Value)],
) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let current: R = get_in(tx, def, scope, id).await?;
    check_version(&current, expected_version)?;
    let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
    sql.bind(kasir_domain::time::now());
    for (name, v) in values {
        sql.push(", ").push(name).push(" = ").bind(v.clone());
    }
    sql.push(" WHERE id = ").bind(id).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
    sql.push(" AND version = ").bind(current.version());
    let done = sql.query().execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        // Someone else committed between our read and our write (PostgreSQL, concurrent writers).
        let now: R = get_in(tx, def, scope, id).await?;
        return Err(StoreError::VersionConflict { current: now.version() });
    }
    let record: R = get_in(tx, def, scope, id).await?;
    finish_write(tx, def, scope, "update", "upsert", &record);
    Ok(record)
}

/// A row for [`create_many`]: its id and column values (the same columns, in the same order, for every row).
pub type NewRow = (String, Vec<(&'static str, Value)>);

/// Inserts many rows with multi-row INSERTs, then queues their audit entries and feed changes.
/// Returns the records in the order given. For bulk writes (imports); ids must be new.
#[tracing::instrument(skip_all)]
pub async fn create_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, rows: &[NewRow]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let Some((_, first)) = rows.first() else { return Ok(Vec::new()) };
    let now = kasir_domain::time::now();
    for chunk in rows.chunks(crate::sql::rows_per_statement(first.len() + 5)) {
        let mut sql = Sql::new(format!("INSERT INTO {} (id, tenant_id, version, created_at, updated_at", def.table));
        for (name, _) in first {
            sql.push(", ").push(name);
        }
        sql.push(") VALUES ");
        for (i, (id, values)) in chunk.iter().enumerate() {
            debug_assert!(values.iter().map(|(n, _)| n).eq(first.iter().map(|(n, _)| n)));
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(id.as_str()).push(", ").bind(scope.tenant_id.as_str()).push(", 1, ");
            sql.bind(now.as_str()).push(", ").bind(now.as_str());
            for (_, v) in values {
                sql.push(", ").bind(v.clone());
            }
            sql.push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    finish_many(tx, def, scope, "create", &ids).await
}

/// A row for [`update_many`]: id, the version it was read at, and the values to set.
pub type ChangedRow = (String, i64, Vec<(&'static str, Value)>);

/// Updates many rows the caller has read (each at the version given), then queues their audit
/// entries and feed changes. A row changed meanwhile gives `VersionConflict`.
#[tracing::instrument(skip_all)]
pub async fn update_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, rows: &[ChangedRow]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let now = kasir_domain::time::now();
    for (id, version, values) in rows {
        let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
        sql.bind(now.as_str());
        for (name, v) in values {
            sql.push(", ").push(name).push(" = ").bind(v.clone());
        }
        sql.push(" WHERE id = ").bind(id.as_str()).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
        sql.push(" AND deleted_at IS NULL AND version = ").bind(*version);
        if sql.query().execute(&mut **tx).await?.rows_affected() != 1 {
            return Err(StoreError::VersionConflict { current: version + 1 });
        }
    }
    let ids: Vec<String> = rows.iter().map(|(id, _, _)| id.clone()).collect();
    finish_many(tx, def, scope, "update", &ids).await
}

/// Reads back rows just written (in the order of `ids`) and queues their audit entries and changes.
async fn finish_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, action: &str, ids: &[String]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let mut records: Vec<R> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        // By id alone: these rows were just written in this tenant. (With a tenant condition as
        // well, SQLite without statistics walks the tenant's index instead of the primary key.)
        let mut sql = Sql::new(format!("SELECT {} FROM {} WHERE {}.id IN ", def.select_list(), def.table, def.table));
        sql.bind_list(chunk);
        let mut found: Vec<R> = sql.query_as::<R>().fetch_all(&mut **tx).await?;
        sort_as(&mut found, chunk);
        records.extend(found);
    }
    for r in &records {
        finish_write(tx, def, scope, action, "upsert", r);
    }
    Ok(records)
}

/// Marks a visible row deleted (a tombstone that devices pull as `op: delete`).
#[tracing::instrument(skip_all)]
pub async fn soft_delete<R>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    id: &str,
    expected_version: Option<i64>,
) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let current: R = get_in(tx, def, scope, id).await?;
    check_version(&current, expected_version)?;
    let now = kasir_domain::time::now();
    let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
    sql.bind(now.as_str()).push(", deleted_at = ").bind(now.as_str());
    sql.push(" WHERE id = ").bind(id).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
    sql.push(" AND version = ").bind(current.version());
    if sql.query().execute(&mut **tx).await?.rows_affected() != 1 {
        return Err(StoreError::VersionConflict { current: current.version() + 1 });
    }
    let mut read = Sql::new(format!("SELECT {} FROM {} WHERE id = ", def.select_list(), def.table));
    read.bind(id);
    let record: R = read.query_as::<R>().fetch_one(&mut **tx).await?;
    finish_write(tx, def, scope, "delete", "delete", &record);
    Ok(record)
}

fn check_version<R: Record>(current: &R, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(v) if v != current.version() => Err(StoreError::VersionConflict { current: current.version() }),
        _ => Ok(()),
    }
}

/// Queues the audit entry and change-feed row of a write to `record`.
pub fn finish_write<R: Record>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    action: &str,
    op: &'static str,
    record: &R,
) {
    let data = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    if def.counted {
        match action {
            "create" => tx.count_live(&scope.tenant_id, def.entity, 1),
            "delete" => tx.count_live(&scope.tenant_id, def.entity, -1),
            _ => {}
        }
    }
    tx.audit(
        Some(&scope.tenant_id),
        &format!("{}.{action}", def.entity),
        def.entity,
        Some(record.id()),
        serde_json::json!({ "version": record.version() }),
    );
    let column = |col: &str| data.get(col).and_then(|v| v.as_str()).map(str::to_string);
    // One feed row per outlet the record concerns, so every outlet's devices receive it.
    let mut outlets: Vec<Option<String>> = match def.outlet_scope {
        OutletScope::SelfId => vec![Some(record.id().to_string())],
        OutletScope::Column(col) => vec![column(col)],
        OutletScope::AnyOf(cols) => cols.iter().map(|c| column(c)).collect(),
        OutletScope::None | OutletScope::UserOutlets => vec![None],
    };
    outlets.dedup();
    let text = data.to_string();
    for outlet_id in outlets {
        tx.record_change(Change {
            tenant_id: scope.tenant_id.clone(),
            entity: def.entity,
            entity_id: record.id().to_string(),
            op,
            version: record.version(),
            outlet_id,
            data: text.clone(),
            updated_at: record.updated_at().to_string(),
        });
    }
}
