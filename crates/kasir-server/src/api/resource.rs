//! Generic HTTP handlers for plain resources: list, get, create, update (with version check) and
//! soft delete, each in one transaction with its audit entry and change-feed row.

use std::future::Future;

use axum::{
    extract::{RawQuery, State},
    http::HeaderMap,
    response::Response,
};
use kasir_domain::{FieldError, Permission};
use kasir_store::{
    crud::{self, ColType, ListQuery, Record, ResourceDef},
    Scope, Tx, Value,
};
use serde::de::DeserializeOwned;
use utoipa::{
    openapi::schema::{ObjectBuilder, Type},
    ToSchema,
};

use crate::{
    api::{
        created, ok, ok_keyset, ok_page,
        openapi::{ApiRouter, Method, Op},
        parse_if_match, ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

/// A plain resource served by the generic handlers.
pub trait Resource: Send + Sync + 'static {
    type Record: Record
        + for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow>
        + ToSchema
        + Send
        + Sync
        + Unpin
        + 'static;
    type Create: DeserializeOwned + ToSchema + Send + 'static;
    type Update: DeserializeOwned + ToSchema + Send + 'static;

    const DEF: &'static ResourceDef;
    /// Path under `/api/v1`, such as `/outlets`.
    const PATH: &'static str;
    const TAG: &'static str;
    const READ: Permission;
    const WRITE: Permission;
    /// Whether `PATCH` and `DELETE` are served; documents that change only through actions
    /// (a transfer is sent, received or cancelled) turn them off.
    const EDITABLE: bool = true;
    /// Whether every staff login of the tenant may list and read the records (meeting rooms),
    /// instead of those holding `READ`.
    const READ_BY_STAFF: bool = false;

    /// 403 unless the caller may list and read the records.
    fn check_read(p: &Principal) -> Result<(), ApiError> {
        if Self::READ_BY_STAFF {
            p.staff_user().map(|_| ())
        } else {
            p.require(Self::READ)
        }
    }

    /// Slow work done before the write transaction begins (password hashing), so that SQLite's
    /// single writer connection is not held while it runs. Nothing by default.
    fn prepare_create(body: Self::Create) -> impl Future<Output = Result<Self::Create, ApiError>> + Send {
        async { Ok(body) }
    }

    /// Like [`Resource::prepare_create`], for updates.
    fn prepare_update(body: Self::Update) -> impl Future<Output = Result<Self::Update, ApiError>> + Send {
        async { Ok(body) }
    }

    /// Validates `body` and writes the new record.
    fn create(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        body: Self::Create,
    ) -> impl Future<Output = Result<Self::Record, ApiError>> + Send;

    /// Validates `body` against `current` and writes the change.
    fn update(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Self::Record,
        version: Option<i64>,
        body: Self::Update,
    ) -> impl Future<Output = Result<Self::Record, ApiError>> + Send;

    /// Adjusts a parsed list query before it runs (for example expanding a filter); none by default.
    fn prepare_list(
        _db: &kasir_store::Db,
        _scope: &Scope,
        _q: &mut ListQuery,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        async { Ok(()) }
    }

    /// Checks and performs a delete; by default a plain soft delete.
    fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Self::Record,
        version: Option<i64>,
    ) -> impl Future<Output = Result<Self::Record, ApiError>> + Send {
        async move { Ok(crud::soft_delete(tx, Self::DEF, scope, current.id(), version).await?) }
    }
}

/// Routes and documents the five operations of `R`.
pub fn routes<R: Resource>(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let item = format!("{}/{{id}}", R::PATH);
    let entity = R::DEF.entity;
    let list_op = list_op(R::DEF, R::TAG, format!("List {entity}s"));
    api = api
        .route(Method::Get, R::PATH, list::<R>, list_op.ok_list::<R::Record>())
        .route(
            Method::Post,
            R::PATH,
            create::<R>,
            Op::new(R::TAG, format!("Create a {entity}")).body::<R::Create>().created::<R::Record>().errors(&[409]),
        )
        .route(
            Method::Get,
            &item,
            get::<R>,
            Op::new(R::TAG, format!("Get a {entity}")).path_id("id").ok::<R::Record>(),
        );
    if R::EDITABLE {
        api = api
            .route(
                Method::Patch,
                &item,
                update::<R>,
                Op::new(R::TAG, format!("Change a {entity}"))
                    .path_id("id")
                    .if_match()
                    .body::<R::Update>()
                    .ok::<R::Record>()
                    .errors(&[409]),
            )
            .route(
                Method::Delete,
                &item,
                delete::<R>,
                Op::new(R::TAG, format!("Delete a {entity}")).path_id("id").if_match().ok::<R::Record>().errors(&[409]),
            );
    }
    api
}

/// The documentation of a list of `def`'s records: paging, search, sort and its filters.
pub fn list_op(def: &'static ResourceDef, tag: &'static str, summary: String) -> Op {
    let sortable = ["created_at", "updated_at"]
        .into_iter()
        .chain(def.columns.iter().filter(|c| c.sort).map(|c| c.name))
        .flat_map(|name| [name.to_string(), format!("-{name}")]);
    let mut op = Op::new(tag, summary)
        .query_param(
            "page",
            "Page number, from 1",
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(1_000_000)),
        )
        .query_param(
            "per_page",
            "Records per page (at most 200)",
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)),
        )
        .query_param("search", "Case-insensitive text search", ObjectBuilder::new().schema_type(Type::String))
        .query_param(
            "sort",
            "Field to sort by; prefix with - for descending",
            ObjectBuilder::new().schema_type(Type::String).enum_values(Some(sortable)),
        );
    if def.counted {
        op = op.query_param(
            "cursor",
            "Keyset paging instead of page: empty for the first page, then the next_cursor given; \
             every page costs the same however deep (not with search)",
            ObjectBuilder::new().schema_type(Type::String).max_length(Some(1000)),
        );
    }
    for col in def.columns.iter().filter(|c| c.filter) {
        let ty = match col.ty {
            ColType::Int => Type::Integer,
            ColType::Bool => Type::Boolean,
            _ => Type::String,
        };
        op = op.query_param(col.name, "Filter: equal to", ObjectBuilder::new().schema_type(ty));
    }
    op
}

async fn list<R: Resource>(
    State(s): State<AppState>,
    p: Principal,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    R::check_read(&p)?;
    let scope = p.scope()?;
    let mut q = parse_list_query(R::DEF, raw.as_deref().unwrap_or(""))?;
    q.count_cap = s.config.search_count_cap;
    R::prepare_list(&s.db, &scope, &mut q).await?;
    let page = crud::list::<R::Record>(&s.db, R::DEF, &scope, &q).await?;
    if q.keyset {
        return Ok(ok_keyset(page.items, q.per_page, page.next.as_ref()));
    }
    Ok(ok_page(page, q.page, q.per_page))
}

async fn get<R: Resource>(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    R::check_read(&p)?;
    let scope = p.scope()?;
    Ok(ok(crud::get::<R::Record>(&s.db, R::DEF, &scope, &id).await?))
}

async fn create<R: Resource>(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(R::WRITE)?;
    let scope = p.scope()?;
    let body = R::prepare_create(body.parse()?).await?;
    let mut tx = s.db.begin(p.actor()).await?;
    let record = R::create(&p, &mut tx, &scope, body).await?;
    tx.commit().await?;
    Ok(created(record))
}

async fn update<R: Resource>(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(R::WRITE)?;
    let scope = p.scope()?;
    let version = parse_if_match(&headers)?;
    let body = R::prepare_update(body.parse()?).await?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current = crud::get_in::<R::Record>(&mut tx, R::DEF, &scope, &id).await?;
    let record = R::update(&p, &mut tx, &scope, current, version, body).await?;
    tx.commit().await?;
    Ok(ok(record))
}

async fn delete<R: Resource>(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    p.require(R::WRITE)?;
    let scope = p.scope()?;
    let version = parse_if_match(&headers)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current = crud::get_in::<R::Record>(&mut tx, R::DEF, &scope, &id).await?;
    let record = R::delete(&p, &mut tx, &scope, current, version).await?;
    tx.commit().await?;
    Ok(ok(record))
}

/// Picks the version to check: `If-Match` wins over a `version` in the body; both must agree if both are sent.
pub fn expected_version(header: Option<i64>, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    match (header, body) {
        // Two versions that disagree: one of them is stale, as a precondition that fails.
        (Some(h), Some(b)) if h != b => Err(ApiError::Conflict {
            code: kasir_domain::ErrorCode::VersionConflict,
            message: format!("If-Match says version {h} and the body version {b}; send the one you read"),
            errors: vec![FieldError::new("version", "does not match the If-Match header")],
        }),
        (Some(h), _) => Ok(Some(h)),
        (None, b) => Ok(b),
    }
}

/// Parses `page`, `per_page`, `search`, `sort` and filters named after the resource's fields.
/// Unknown parameters are refused so that a misspelt filter never silently returns everything.
pub fn parse_list_query(def: &ResourceDef, raw: &str) -> Result<ListQuery, ApiError> {
    crate::api::check_query_text(raw)?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw).map_err(|_| ApiError::BadRequest("malformed query string".into()))?;
    let mut q = ListQuery::default();
    let mut errors = Vec::new();
    let mut numbered = false;
    for (key, value) in pairs {
        match key.as_str() {
            "page" => match value.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => {
                    q.page = n;
                    numbered = true;
                }
                _ => errors.push(FieldError::new("page", "must be a number from 1")),
            },
            // Big lists also page by keyset (see `list_op`).
            "cursor" if def.counted => {
                q.keyset = true;
                match crate::api::fields::parse_cursor(&value, |_| true) {
                    Ok(after) => q.after = after,
                    Err(e) => errors.push(e),
                }
            }
            "per_page" => match value.parse::<i64>() {
                Ok(n) if (1..=200).contains(&n) => q.per_page = n,
                _ => errors.push(FieldError::new("per_page", "must be a number from 1 to 200")),
            },
            "search" => q.search = Some(value.chars().take(200).collect()),
            "sort" => {
                let (name, desc) = match value.strip_prefix('-') {
                    Some(n) => (n.to_string(), true),
                    None => (value.clone(), false),
                };
                let sortable =
                    matches!(name.as_str(), "created_at" | "updated_at") || def.column(&name).is_some_and(|c| c.sort);
                if sortable {
                    q.sort = Some((name, desc));
                } else {
                    errors.push(FieldError::new("sort", format!("cannot sort by '{name}'")));
                }
            }
            name => match def.column(name).filter(|c| c.filter) {
                Some(col) => match filter_value(col.ty, &value) {
                    Some(v) => q.filters.push((col.name.to_string(), v)),
                    None => errors.push(FieldError::new(name, "has the wrong type for this field")),
                },
                None => errors.push(FieldError::new(name, "is not a known filter")),
            },
        }
    }
    if q.keyset {
        if numbered {
            errors.push(FieldError::new("cursor", "cannot be combined with page"));
        }
        if def.search_codes && q.search.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            errors.push(FieldError::new("cursor", "cannot be combined with search: a search pages by number"));
        }
        let (sort, desc) = q.sort.clone().unwrap_or(("created_at".into(), false));
        let int_sort = def.column(&sort).is_some_and(|c| c.ty == ColType::Int);
        let fits = |k: &kasir_store::Keyset| {
            k.sort == sort && k.desc == desc && matches!(k.value, kasir_store::KeyValue::Int(_)) == int_sort
        };
        if q.after.as_ref().is_some_and(|k| !fits(k)) {
            errors.push(FieldError::new("cursor", "was made for another sort"));
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn filter_value(ty: ColType, raw: &str) -> Option<Value> {
    match ty {
        ColType::Text => Some(Value::Text(Some(raw.to_string()))),
        ColType::Int => raw.parse::<i64>().ok().map(|v| Value::Int(Some(v))),
        ColType::Bool => match raw {
            "true" | "1" => Some(Value::Bool(Some(true))),
            "false" | "0" => Some(Value::Bool(Some(false))),
            _ => None,
        },
        ColType::Json => None,
    }
}

/// Loads the record of `def` that a request refers to by `raw` in `field`: 400 when it is not a
/// UUID, 404 (`no such {what}`, naming the field) when this caller cannot see such a record.
pub async fn find_ref<R>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    field: &str,
    raw: &str,
    what: &str,
) -> Result<R, ApiError>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + Send + Unpin,
{
    let id = kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field(field, "must be a UUID"))?;
    crud::get_in::<R>(tx, def, scope, &id).await.map_err(|e| match e {
        kasir_store::StoreError::NotFound => {
            ApiError::MissingRefs(vec![FieldError::new(field, format!("no such {what}"))])
        }
        other => other.into(),
    })
}

/// The body type of resources that change only through actions (`EDITABLE = false`).
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoUpdate {}

/// Resolves the id of a new record: the client's (a UUID) or a new UUIDv7.
pub fn new_record_id(client: Option<&str>) -> Result<String, ApiError> {
    match client {
        None => Ok(kasir_domain::ids::new_id()),
        Some(raw) => kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("id", "must be a UUID")),
    }
}

/// Deserializes a field that may be absent (outer `None`), `null` (`Some(None)`) or a value.
pub fn nullable<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(de).map(Some)
}
