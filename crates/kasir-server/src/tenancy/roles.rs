//! `/roles`: custom roles, and `GET /permissions`.

use std::collections::BTreeSet;

use axum::response::Response;
use kasir_domain::{permissions, BuiltinRole, Permission, Violations};
use kasir_store::{
    crud,
    tenancy::roles::{Role, ROLES},
    Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError,
    },
    auth::Principal,
    state::AppState,
};

pub struct Roles;

/// A new custom role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 2, max_length = 50)]
    pub name: String,
    pub description: Option<String>,
    /// Permission strings from `GET /permissions`.
    pub permissions: Vec<String>,
}

/// Changes to a custom role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRole {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
    pub version: Option<i64>,
}

/// Checks a role's permissions: known, not platform-only, and all held by the caller (no escalation).
fn check_permissions(p: &Principal, v: &mut Violations, raw: &[String]) -> Vec<String> {
    match permissions::parse_tenant_permissions(raw) {
        Ok(set) => {
            if let Some(missing) = set.iter().find(|perm| !p.has(**perm)) {
                v.add("permissions", format!("you cannot grant '{}', which you do not hold", missing.as_str()));
            }
            set.iter().map(|p| p.as_str().to_string()).collect()
        }
        Err(msg) => {
            v.add("permissions", msg);
            Vec::new()
        }
    }
}

fn check_name(v: &mut Violations, raw: &str) -> String {
    let name = v.text("name", raw, 2, 50);
    if BuiltinRole::parse(&name).is_some() {
        v.add("name", "is the name of a built-in role");
    }
    name
}

impl Resource for Roles {
    type Record = Role;
    type Create = CreateRole;
    type Update = UpdateRole;
    const DEF: &'static crud::ResourceDef = &ROLES;
    const PATH: &'static str = "/roles";
    const TAG: &'static str = "roles";
    const READ: Permission = Permission::RolesRead;
    const WRITE: Permission = Permission::RolesManage;

    async fn create(p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateRole) -> Result<Role, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = check_name(&mut v, &b.name);
        let description = v.opt_text("description", b.description.as_deref(), 300);
        let perms = check_permissions(p, &mut v, &b.permissions);
        v.finish().map_err(ApiError::Validation)?;
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("description", Value::Text(description)),
            ("permissions", Value::json(&perms)),
        ];
        Ok(crud::create(tx, &ROLES, scope, &id, &values).await?)
    }

    async fn update(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Role,
        version: Option<i64>,
        b: UpdateRole,
    ) -> Result<Role, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(name) = &b.name {
            let name = check_name(&mut v, name);
            if name.to_lowercase() != current.name_key
                && kasir_store::tenancy::roles::users_holding(tx, &scope.tenant_id, &current.name).await? > 0
            {
                return Err(ApiError::Rule {
                    code: kasir_domain::ErrorCode::RoleInUse,
                    message: "users hold this role; it cannot be renamed".into(),
                });
            }
            values.push(("name_key", Value::from(name.to_lowercase())));
            values.push(("name", Value::from(name)));
        }
        if let Some(d) = &b.description {
            values.push(("description", Value::Text(v.opt_text("description", d.as_deref(), 300))));
        }
        if let Some(perms) = &b.permissions {
            values.push(("permissions", Value::json(&check_permissions(p, &mut v, perms))));
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &ROLES, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Role,
        version: Option<i64>,
    ) -> Result<Role, ApiError> {
        if kasir_store::tenancy::roles::users_holding(tx, &scope.tenant_id, &current.name).await? > 0 {
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::RoleInUse,
                message: "users hold this role; it cannot be deleted".into(),
            });
        }
        Ok(crud::soft_delete(tx, &ROLES, scope, &current.id, version).await?)
    }
}

/// One permission string and what it allows.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionInfo {
    pub name: String,
    pub description: String,
    /// Built-in roles that hold it.
    pub builtin_roles: Vec<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    crate::api::resource::routes::<Roles>(api).route(
        Method::Get,
        "/permissions",
        list_permissions,
        Op::new("roles", "List every permission string").ok_array::<PermissionInfo>(),
    )
}

async fn list_permissions(_p: Principal) -> Result<Response, ApiError> {
    let roles: Vec<(BuiltinRole, BTreeSet<Permission>)> =
        BuiltinRole::ALL.iter().map(|r| (*r, r.permissions())).collect();
    let list: Vec<PermissionInfo> = permissions::ALL
        .iter()
        .map(|perm| PermissionInfo {
            name: perm.as_str().into(),
            description: perm.description().into(),
            builtin_roles: roles.iter().filter(|(_, s)| s.contains(perm)).map(|(r, _)| r.as_str().into()).collect(),
        })
        .collect();
    Ok(ok(list))
}
