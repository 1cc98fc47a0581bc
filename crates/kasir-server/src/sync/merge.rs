//! Pushed changes to records (products, customers, tables, …): created through the resource's own
//! create; updated by field, where a field the server also changed since the device's
//! `base_version` keeps the server's value and is recorded as a conflict with both sides; deleted
//! unless the record changed since.
//!
//! What the server changed is judged from the record's data at `base_version`, which the change
//! feed keeps (DESIGN invariant 7). When the feed no longer holds it, every field the device
//! sends with a value other than the server's counts as changed on both sides.

use std::{future::Future, pin::Pin, sync::LazyLock};

use kasir_store::{
    crud::{self, Record},
    sync::conflicts::{self, NewConflict},
    PushOutcome, StoreError,
};
use serde_json::{Map, Value};

use super::change::{data_object, id_in_use, id_taken, parse_data, to_json, Cx, Done, PushChange};
use crate::{
    api::{resource::Resource, ApiError},
    auth::Principal,
};
use kasir_store::{Scope, Tx};

type Step = for<'a> fn(
    &'a Cx<'a>,
    &'a PushChange,
    &'a str,
) -> Pin<Box<dyn Future<Output = Result<Done, ApiError>> + Send + 'a>>;

/// Writes fields to a record (or, with `None`, deletes it) in the caller's transaction, if it
/// is still at the version given: how a conflict's resolution is applied.
type Write = for<'a> fn(
    &'a Principal,
    &'a mut Tx,
    &'a Scope,
    &'a str,
    Option<Map<String, Value>>,
    Option<i64>,
) -> Pin<Box<dyn Future<Output = Result<Value, ApiError>> + Send + 'a>>;

/// How changes to one entity's records are applied.
pub struct Records {
    pub entity: &'static str,
    pub create: Step,
    pub update: Step,
    pub delete: Step,
    pub write: Write,
}

fn records_of<R: Resource>() -> Records {
    Records {
        entity: R::DEF.entity,
        create: |cx, ch, id| Box::pin(create::<R>(cx, ch, id)),
        update: |cx, ch, id| Box::pin(update::<R>(cx, ch, id)),
        delete: |cx, ch, id| Box::pin(delete::<R>(cx, ch, id)),
        write: |p, tx, scope, id, fields, version| Box::pin(write::<R>(p, tx, scope, id, fields, version)),
    }
}

static RECORDS: LazyLock<Vec<Records>> = LazyLock::new(|| {
    // A plain resource's `Resource` impl (beside its routes) is its create, update and delete.
    use crate::{catalog, customers, devices, expenses, promotions, purchasing, restaurant, stock, tenancy};
    vec![
        records_of::<tenancy::outlets::Outlets>(),
        records_of::<tenancy::users::Users>(),
        records_of::<tenancy::roles::Roles>(),
        records_of::<catalog::resources::Categories>(),
        records_of::<catalog::resources::Brands>(),
        records_of::<catalog::resources::Taxes>(),
        records_of::<catalog::resources::ModifierGroups>(),
        records_of::<stock::warehouses::Warehouses>(),
        records_of::<catalog::products::Products>(),
        records_of::<stock::transfers::Transfers>(),
        records_of::<purchasing::suppliers::Suppliers>(),
        records_of::<purchasing::purchases::Purchases>(),
        records_of::<purchasing::returns::Returns>(),
        records_of::<customers::PaymentMethods>(),
        records_of::<customers::Customers>(),
        records_of::<promotions::Promotions>(),
        records_of::<promotions::vouchers::Vouchers>(),
        records_of::<expenses::ExpenseCategories>(),
        records_of::<expenses::Expenses>(),
        records_of::<restaurant::tables::Halls>(),
        records_of::<restaurant::tables::Tables>(),
        records_of::<restaurant::tables::Stations>(),
        records_of::<restaurant::sessions::TableSessions>(),
        records_of::<devices::Devices>(),
    ]
});

/// The records of `entity`, if devices may push them.
pub fn records(entity: &str) -> Option<&'static Records> {
    RECORDS.iter().find(|r| r.entity == entity)
}

async fn create<R: Resource>(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(R::WRITE)?;
    let mut data = data_object(ch)?;
    data.insert("id".into(), Value::String(id.to_string()));
    let body: R::Create = parse_data(&data)?;
    let body = R::prepare_create(body).await?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    match R::create(cx.p, &mut tx, &cx.scope, body).await {
        Ok(record) => {
            tx.commit().await?;
            Done::applied(&record)
        }
        Err(e) if id_taken(&e) => {
            drop(tx);
            same_as_sent::<R>(cx, id, &data).await
        }
        Err(e) => Err(e),
    }
}

/// A create of an id that exists: `duplicate` when the record holds what the device sent
/// (its first push was applied and the answer lost), otherwise the id is taken.
async fn same_as_sent<R: Resource>(cx: &Cx<'_>, id: &str, data: &Map<String, Value>) -> Result<Done, ApiError> {
    let record: R::Record = match crud::get(&cx.s.db, R::DEF, &cx.scope, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(id_in_use()),
        Err(e) => return Err(e.into()),
    };
    let now = to_json(&record)?;
    let same = data.iter().all(|(k, v)| now.get(k).is_none_or(|x| x == v));
    if same {
        Done::duplicate(&record)
    } else {
        Err(id_in_use())
    }
}

/// The fields of `data` that the server changed too since the device's base: a field counts
/// when the server's value differs from the device's and from the base (unknown base: from the
/// device's alone). Fields the record does not show (a password) never conflict.
fn clashes(data: &Map<String, Value>, now: &Value, base: Option<&Value>) -> Vec<String> {
    data.iter()
        .filter(|(k, v)| match now.get(k.as_str()) {
            None => false,
            Some(server) => server != *v && base.is_none_or(|b| b.get(k.as_str()) != Some(server)),
        })
        .map(|(k, _)| k.clone())
        .collect()
}

fn base_version(ch: &PushChange, current: i64) -> Result<i64, ApiError> {
    let base = ch.base_version.ok_or_else(|| ApiError::field("base_version", "is required for update and delete"))?;
    if base < 1 || base > current {
        return Err(ApiError::field("base_version", &format!("must be a version the record had (1 to {current})")));
    }
    Ok(base)
}

/// The fields of a pushed update: not empty, and without `version` (the base goes beside them).
pub fn update_fields(ch: &PushChange) -> Result<Map<String, Value>, ApiError> {
    let data = data_object(ch)?;
    if data.is_empty() {
        return Err(ApiError::field("data", "must name the fields the device changed"));
    }
    if data.contains_key("version") {
        return Err(ApiError::field("data.version", "is not a field: send base_version beside data"));
    }
    Ok(data)
}

async fn update<R: Resource>(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(R::WRITE)?;
    let data = update_fields(ch)?;
    // Every field is checked as the online endpoint would, before anything is decided.
    parse_data::<R::Update>(&data)?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let current: R::Record = match crud::get_in(&mut tx, R::DEF, &cx.scope, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let now = (current.version(), to_json(&current)?);
    merge_update(cx, ch, id, R::DEF.entity, tx, data, now, async |tx, fields| {
        let body = R::prepare_update(parse_data::<R::Update>(&fields)?).await?;
        let updated = R::update(cx.p, tx, &cx.scope, current, None, body).await?;
        Ok((updated.version(), to_json(&updated)?))
    })
    .await
}

/// Merges the pushed update `data` into the record `now` (its version and data, read in `tx`):
/// `apply` writes the fields nobody else changed since the device's base; the others, if any,
/// make a conflict. Commits.
#[allow(clippy::too_many_arguments)]
pub async fn merge_update(
    cx: &Cx<'_>,
    ch: &PushChange,
    id: &str,
    entity: &'static str,
    mut tx: Tx,
    data: Map<String, Value>,
    now: (i64, Value),
    apply: impl AsyncFnOnce(&mut Tx, Map<String, Value>) -> Result<(i64, Value), ApiError>,
) -> Result<Done, ApiError> {
    let (current, now) = now;
    let base = base_version(ch, current)?;
    let clashing = if base == current {
        Vec::new()
    } else {
        let at_base = conflicts::data_at(&mut tx, &cx.scope.tenant_id, id, base).await?;
        clashes(&data, &now, at_base.as_ref())
    };
    let fields: Map<String, Value> =
        data.iter().filter(|(k, _)| !clashing.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let (version, server) = if fields.is_empty() { (current, now) } else { apply(&mut tx, fields).await? };
    if clashing.is_empty() {
        tx.commit().await?;
        return Ok(Done::Applied { version, data: server });
    }
    let client = Value::Object(data);
    let clash = Clash { entity, id, op: "update", base, fields: clashing, client: &client };
    record_conflict(cx, ch, tx, clash, version, server).await
}

async fn delete<R: Resource>(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    cx.p.require(R::WRITE)?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let current: R::Record = match crud::get_in(&mut tx, R::DEF, &cx.scope, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let base = base_version(ch, current.version())?;
    if base == current.version() {
        let deleted = R::delete(cx.p, &mut tx, &cx.scope, current, None).await?;
        tx.commit().await?;
        return Done::applied(&deleted);
    }
    // Changed since the device read it: the record stays, and someone decides.
    let now = to_json(&current)?;
    let at_base = conflicts::data_at(&mut tx, &cx.scope.tenant_id, id, base).await?;
    let changed: Vec<String> = match (&now, &at_base) {
        (Value::Object(n), Some(b)) => {
            n.iter().filter(|(k, v)| b.get(k.as_str()) != Some(*v)).map(|(k, _)| k.clone()).collect()
        }
        _ => Vec::new(),
    };
    let changed: Vec<String> =
        changed.into_iter().filter(|k| !matches!(k.as_str(), "version" | "updated_at")).collect();
    let version = current.version();
    let clash = Clash { entity: R::DEF.entity, id, op: "delete", base, fields: changed, client: &Value::Null };
    record_conflict(cx, ch, tx, clash, version, now).await
}

/// What a conflict is about: the record, the device's op and base version, the fields both
/// sides changed and what the device sent.
struct Clash<'a> {
    entity: &'static str,
    id: &'a str,
    op: &'static str,
    base: i64,
    fields: Vec<String>,
    client: &'a Value,
}

/// Records the conflict in `tx` (its ledger row says so) and commits: the record stays at
/// `version`, as `server`.
async fn record_conflict(
    cx: &Cx<'_>,
    ch: &PushChange,
    mut tx: Tx,
    c: Clash<'_>,
    version: i64,
    server: Value,
) -> Result<Done, ApiError> {
    let conflict = NewConflict {
        entity: c.entity,
        record_id: c.id,
        device_id: &cx.device_id,
        client_change_id: ch.client_change_id.trim(),
        op: c.op,
        base_version: c.base,
        fields: c.fields,
        client_data: c.client,
        server_data: &server,
    };
    let conflict_id = conflicts::insert(&mut tx, &cx.scope, conflict).await?;
    tx.set_push_outcome(PushOutcome::Conflict(conflict_id.clone()));
    tx.commit().await?;
    Ok(Done::Conflict { version, data: server, conflict_id })
}

async fn write<R: Resource>(
    p: &Principal,
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    fields: Option<Map<String, Value>>,
    version: Option<i64>,
) -> Result<Value, ApiError> {
    p.require(R::WRITE)?;
    let current: R::Record = crud::get_in(tx, R::DEF, scope, id).await?;
    match fields {
        Some(fields) => {
            let body = R::prepare_update(parse_data::<R::Update>(&fields)?).await?;
            to_json(&R::update(p, tx, scope, current, version, body).await?)
        }
        None => to_json(&R::delete(p, tx, scope, current, version).await?),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn map(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn only_fields_changed_on_both_sides_clash() {
        let base = json!({"name": "Kopi", "price": 10000, "note": "a"});
        let now = json!({"name": "Kopi Susu", "price": 10000, "note": "a"});
        // The device changed price (server did not) and name (server did, to something else).
        let data = map(json!({"name": "Kopi Hitam", "price": 12000}));
        assert_eq!(super::clashes(&data, &now, Some(&base)), vec!["name".to_string()]);
        // Both sides chose the same value: nothing to decide.
        let data = map(json!({"name": "Kopi Susu"}));
        assert!(super::clashes(&data, &now, Some(&base)).is_empty());
        // A field the record does not show (a password) never clashes.
        let data = map(json!({"password": "x"}));
        assert!(super::clashes(&data, &now, Some(&base)).is_empty());
        // Base unknown (pruned from the feed): any difference from the server clashes.
        let data = map(json!({"price": 12000, "note": "a"}));
        assert_eq!(super::clashes(&data, &now, None), vec!["price".to_string()]);
    }
}
