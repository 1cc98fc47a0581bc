//! Assets (`assets.manage`): categories, the inventory, and custody: an asset is assigned to one
//! employee at a time (422 `asset_already_assigned` otherwise) and returned with its condition;
//! its history lists every custody.

use axum::{extract::State, response::Response};
use kasir_domain::{operations::AssetStatus, ErrorCode, Permission, Violations};
use kasir_store::{
    crud,
    operations::assets::{self as store, *},
    workforce::{Employee, EMPLOYEES},
    Scope, StoreError, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        resource::{self, expected_version, find_ref, new_record_id, nullable, Resource},
        ApiError, ApiJson, IdPath,
    },
    auth::Principal,
    state::AppState,
    workforce::resources::{date, finish},
};

pub fn routes(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api = resource::routes::<Categories>(api);
    api = resource::routes::<Assets>(api);
    api.route(
        Method::Post,
        "/assets/{id}/assign",
        assign,
        Op::new("operations", "Give an asset to an employee (422 asset_already_assigned when someone holds it)")
            .path_id("id")
            .body::<Assign>()
            .ok::<Asset>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/assets/{id}/return",
        give_back,
        Op::new("operations", "Take an asset back from its custodian")
            .path_id("id")
            .body::<Return>()
            .ok::<Asset>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Get,
        "/assets/{id}/history",
        history,
        Op::new("operations", "Who held an asset when, newest first").path_id("id").ok_array::<Assignment>(),
    )
}

// ---- Categories ---------------------------------------------------------------------------

pub struct Categories;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssetCategory {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssetCategory {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Categories {
    type Record = AssetCategory;
    type Create = CreateAssetCategory;
    type Update = UpdateAssetCategory;
    const DEF: &'static crud::ResourceDef = &ASSET_CATEGORIES;
    const PATH: &'static str = "/asset-categories";
    const TAG: &'static str = "operations";
    const READ: Permission = Permission::AssetsManage;
    const WRITE: Permission = Permission::AssetsManage;

    async fn create(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        b: CreateAssetCategory,
    ) -> Result<AssetCategory, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let description = v.opt_text("description", b.description.as_deref(), 500);
        finish(v)?;
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("description", Value::Text(description)),
        ];
        Ok(crud::create(tx, &ASSET_CATEGORIES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: AssetCategory,
        version: Option<i64>,
        b: UpdateAssetCategory,
    ) -> Result<AssetCategory, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            let name = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(name.to_lowercase())));
            values.push(("name", Value::from(name)));
        }
        if let Some(d) = &b.description {
            values.push(("description", Value::Text(v.opt_text("description", d.as_deref(), 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &ASSET_CATEGORIES, scope, &current.id, version, &values).await?)
    }
}

// ---- Assets -------------------------------------------------------------------------------

pub struct Assets;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAsset {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The label on the asset; unique in the tenant.
    #[schema(min_length = 1, max_length = 50)]
    pub asset_code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    #[schema(max_length = 100)]
    pub serial_number: Option<String>,
    /// `YYYY-MM-DD`.
    pub purchase_date: Option<String>,
    /// What it cost, in minor units.
    #[schema(minimum = 0)]
    pub value: Option<i64>,
    /// `active` (default), `inactive`, `maintenance` or `retired`.
    pub status: Option<String>,
    #[schema(max_length = 200)]
    pub location: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[schema(min_length = 1, max_length = 50)]
    pub asset_code: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub category_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub serial_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub purchase_date: Option<Option<String>>,
    #[schema(minimum = 0)]
    pub value: Option<i64>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub location: Option<Option<String>>,
    pub version: Option<i64>,
}

fn status(v: &mut Violations, raw: &str) -> AssetStatus {
    AssetStatus::parse(raw).unwrap_or_else(|| {
        v.add("status", "must be active, inactive, maintenance or retired");
        AssetStatus::Active
    })
}

fn opt_date(v: &mut Violations, field: &str, raw: Option<&str>) -> Option<String> {
    raw.map(|d| date(v, field, d))
}

async fn category(tx: &mut Tx, scope: &Scope, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        Some(r) => {
            let c: AssetCategory = find_ref(tx, &ASSET_CATEGORIES, scope, "category_id", r, "asset category").await?;
            Ok(Some(c.id))
        }
        None => Ok(None),
    }
}

impl Resource for Assets {
    type Record = Asset;
    type Create = CreateAsset;
    type Update = UpdateAsset;
    const DEF: &'static crud::ResourceDef = &ASSETS;
    const PATH: &'static str = "/assets";
    const TAG: &'static str = "operations";
    const READ: Permission = Permission::AssetsManage;
    const WRITE: Permission = Permission::AssetsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateAsset) -> Result<Asset, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let code = v.text("asset_code", &b.asset_code, 1, 50);
        let name = v.text("name", &b.name, 1, 200);
        let serial = v.opt_text("serial_number", b.serial_number.as_deref(), 100);
        let bought = opt_date(&mut v, "purchase_date", b.purchase_date.as_deref());
        let value = v.range("value", b.value.unwrap_or(0), 0, kasir_domain::MAX_MONEY);
        let status = status(&mut v, b.status.as_deref().unwrap_or(AssetStatus::Active.as_str()));
        let location = v.opt_text("location", b.location.as_deref(), 200);
        finish(v)?;
        let values = [
            ("asset_code_key", Value::from(code.to_lowercase())),
            ("asset_code", Value::from(code)),
            ("name", Value::from(name)),
            ("category_id", Value::Text(category(tx, scope, b.category_id.as_deref()).await?)),
            ("serial_number", Value::Text(serial)),
            ("purchase_date", Value::Text(bought)),
            ("value", Value::from(value)),
            ("status", Value::from(status.as_str())),
            ("location", Value::Text(location)),
        ];
        Ok(crud::create(tx, &ASSETS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Asset,
        version: Option<i64>,
        b: UpdateAsset,
    ) -> Result<Asset, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(c) = &b.asset_code {
            let code = v.text("asset_code", c, 1, 50);
            values.push(("asset_code_key", Value::from(code.to_lowercase())));
            values.push(("asset_code", Value::from(code)));
        }
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(s) = &b.serial_number {
            values.push(("serial_number", Value::Text(v.opt_text("serial_number", s.as_deref(), 100))));
        }
        if let Some(d) = &b.purchase_date {
            values.push(("purchase_date", Value::Text(opt_date(&mut v, "purchase_date", d.as_deref()))));
        }
        if let Some(x) = b.value {
            values.push(("value", Value::from(v.range("value", x, 0, kasir_domain::MAX_MONEY))));
        }
        let new_status = b.status.as_deref().map(|s| status(&mut v, s));
        if let Some(s) = new_status {
            values.push(("status", Value::from(s.as_str())));
        }
        if let Some(l) = &b.location {
            values.push(("location", Value::Text(v.opt_text("location", l.as_deref(), 200))));
        }
        finish(v)?;
        if let Some(c) = &b.category_id {
            values.push(("category_id", Value::Text(category(tx, scope, c.as_deref()).await?)));
        }
        if new_status == Some(AssetStatus::Retired) && current.assigned_to.is_some() {
            return Err(held("an asset someone holds cannot be retired: return it first"));
        }
        Ok(crud::update(tx, &ASSETS, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Asset,
        version: Option<i64>,
    ) -> Result<Asset, ApiError> {
        if current.assigned_to.is_some() {
            return Err(held("an asset someone holds cannot be deleted: return it first"));
        }
        Ok(crud::soft_delete(tx, &ASSETS, scope, &current.id, version).await?)
    }
}

fn held(message: &str) -> ApiError {
    ApiError::Rule { code: ErrorCode::AssetAlreadyAssigned, message: message.into() }
}

// ---- Custody ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// `YYYY-MM-DD`; today on the tenant's calendar when left out.
    pub assign_date: Option<String>,
    #[schema(max_length = 500)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Return {
    /// `YYYY-MM-DD`, not before the assignment; today when left out.
    pub date: Option<String>,
    /// The condition it came back in (`good`, `damaged`, ...).
    #[schema(max_length = 100)]
    pub condition: Option<String>,
    #[schema(max_length = 500)]
    pub notes: Option<String>,
}

/// Loads the asset for a custody change, locked; 404 when the caller cannot see it.
async fn locked(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Asset, ApiError> {
    store::lock(tx, id).await?;
    crud::get_in(tx, &ASSETS, scope, id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::NotFound,
        other => other.into(),
    })
}

async fn assign(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Assign>,
) -> Result<Response, ApiError> {
    p.require(Permission::AssetsManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let day = opt_date(&mut v, "assign_date", b.assign_date.as_deref());
    let notes = v.opt_text("notes", b.notes.as_deref(), 500);
    finish(v)?;
    let day = match day {
        Some(d) => d,
        None => super::tenant_today(&s.db, &scope.tenant_id).await?,
    };
    let mut tx = s.db.begin(p.actor()).await?;
    let asset = locked(&mut tx, &scope, &id).await?;
    let employee: Employee = find_ref(&mut tx, &EMPLOYEES, &scope, "employee_id", &b.employee_id, "employee").await?;
    if let Some(holder) = &asset.assigned_to {
        return Err(held(&format!("asset {} is held by employee {holder}: return it first", asset.asset_code)));
    }
    if AssetStatus::Retired.is(&asset.status) {
        return Err(ApiError::Rule {
            code: ErrorCode::AssetNotAssignable,
            message: format!("asset {} is retired", asset.asset_code),
        });
    }
    let values = [
        ("asset_id", Value::from(asset.id.clone())),
        ("employee_id", Value::from(employee.id.clone())),
        ("assign_date", Value::from(day.clone())),
        ("notes", Value::Text(notes)),
    ];
    let _: Assignment = crud::create(&mut tx, &ASSIGNMENTS, &scope, &kasir_domain::ids::new_id(), &values)
        .await
        .map_err(|e| match e {
            // Another assignment won the race (the open-custody index).
            StoreError::Conflict { .. } => held("the asset was just assigned to someone else"),
            other => other.into(),
        })?;
    let values = [("assigned_to", Value::from(employee.id)), ("assigned_since", Value::from(day))];
    let asset: Asset = crud::update(&mut tx, &ASSETS, &scope, &asset.id, None, &values).await?;
    tx.commit().await?;
    Ok(ok(asset))
}

async fn give_back(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Return>,
) -> Result<Response, ApiError> {
    p.require(Permission::AssetsManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let day = opt_date(&mut v, "date", b.date.as_deref());
    let condition = v.opt_text("condition", b.condition.as_deref(), 100);
    let notes = v.opt_text("notes", b.notes.as_deref(), 500);
    finish(v)?;
    let day = match day {
        Some(d) => d,
        None => super::tenant_today(&s.db, &scope.tenant_id).await?,
    };
    let mut tx = s.db.begin(p.actor()).await?;
    let asset = locked(&mut tx, &scope, &id).await?;
    let Some(open) = store::open_assignment(&mut tx, &asset.id).await? else {
        return Err(ApiError::Rule {
            code: ErrorCode::AssetNotAssignable,
            message: format!("nobody holds asset {}", asset.asset_code),
        });
    };
    if day < open.assign_date {
        return Err(ApiError::field("date", &format!("must not be before the assignment on {}", open.assign_date)));
    }
    let values = [
        ("return_date", Value::from(day)),
        ("return_condition", Value::Text(condition)),
        ("return_notes", Value::Text(notes)),
    ];
    let _: Assignment = crud::update(&mut tx, &ASSIGNMENTS, &scope, &open.id, None, &values).await?;
    let values = [("assigned_to", Value::Text(None)), ("assigned_since", Value::Text(None))];
    let asset: Asset = crud::update(&mut tx, &ASSETS, &scope, &asset.id, None, &values).await?;
    tx.commit().await?;
    Ok(ok(asset))
}

async fn history(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::AssetsManage)?;
    let scope = p.scope()?;
    let asset: Asset = crud::get(&s.db, &ASSETS, &scope, &id).await?;
    Ok(ok(store::history(&s.db, &scope.tenant_id, &asset.id).await?))
}
