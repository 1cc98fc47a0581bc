//! `/users`: people of a tenant. Nobody can grant a role or outlets beyond their own.

use kasir_domain::{
    validation::{self as v, username_key},
    BuiltinRole, FieldError, Permission, Violations,
};
use kasir_store::{
    auth, crud,
    tenancy::users::{User, USERS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{
    api::ApiError,
    auth::{passwords, Principal},
};

pub struct Users;

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// Unique across the installation, case-insensitive.
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,50}$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Email)]
    pub email: Option<String>,
    /// A built-in role (`super_admin`, `admin`, `cashier`, `kitchen`) or a custom role's name.
    pub role: String,
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub outlet_ids: Vec<String>,
    pub is_active: Option<bool>,
    /// Filled by `prepare_create` outside the transaction; never read from the client.
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: Option<String>,
}

/// Changes to a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,50}$")]
    pub username: Option<String>,
    /// Setting a password ends the user's logins.
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub role: Option<String>,
    #[schema(value_type = Option<Vec<uuid::Uuid>>)]
    pub outlet_ids: Option<Vec<String>>,
    /// Deactivating a user ends their logins.
    pub is_active: Option<bool>,
    pub version: Option<i64>,
    /// Filled by `prepare_update` outside the transaction; never read from the client.
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: Option<String>,
}

/// Checks that `p` may give someone `role`: it must exist, and its permissions must all be the
/// caller's. Only owners (and the platform) make owners.
async fn check_role(
    p: &Principal,
    tx: &mut Tx,
    scope: &Scope,
    v: &mut Violations,
    role: &str,
) -> Result<String, ApiError> {
    match BuiltinRole::parse(role) {
        Some(BuiltinRole::MasterAdmin) => {
            v.add("role", "platform operators cannot belong to a tenant");
            Ok(role.into())
        }
        Some(BuiltinRole::SuperAdmin) if !(p.is_platform() || p.role == BuiltinRole::SuperAdmin.as_str()) => {
            Err(ApiError::Forbidden("only an owner can make another owner".into()))
        }
        Some(builtin) => {
            if !builtin.permissions().is_subset(&p.permissions) {
                return Err(ApiError::Forbidden(format!("you cannot grant the role '{}'", builtin.as_str())));
            }
            Ok(builtin.as_str().into())
        }
        None => match kasir_store::tenancy::roles::permissions_of(tx, &scope.tenant_id, role).await? {
            None => {
                v.add("role", "no such role");
                Ok(role.into())
            }
            Some(perms) => {
                let grants_more = perms.iter().filter_map(|s| Permission::parse(s)).any(|perm| !p.has(perm));
                if grants_more {
                    return Err(ApiError::Forbidden(format!("you cannot grant the role '{role}'")));
                }
                Ok(role.trim().into())
            }
        },
    }
}

/// Checks outlet ids: UUIDs (else a field error in `v`) of outlets this caller can see (else a
/// `missing` reference, answered with 404 like any other tenant's record).
async fn check_outlets(
    tx: &mut Tx,
    scope: &Scope,
    v: &mut Violations,
    missing: &mut Vec<FieldError>,
    raw: &[String],
) -> Result<Vec<String>, ApiError> {
    let mut ids: Vec<(usize, String)> = Vec::new();
    for (i, raw_id) in raw.iter().enumerate() {
        match kasir_domain::ids::parse_id(raw_id) {
            Some(id) if !ids.iter().any(|(_, x)| *x == id) => ids.push((i, id)),
            Some(_) => {}
            None => v.add(format!("outlet_ids[{i}]"), "must be a UUID"),
        }
    }
    let plain: Vec<String> = ids.iter().map(|(_, id)| id.clone()).collect();
    let existing = kasir_store::tenancy::outlets::existing_ids(tx, &scope.tenant_id, &plain).await?;
    for (i, id) in &ids {
        if !existing.contains(id) || !scope.sees_outlet(id) {
            missing.push(FieldError::new(format!("outlet_ids[{i}]"), "no such outlet"));
        }
    }
    Ok(plain)
}

/// Field errors first (400), then references to records that do not exist here (404).
fn finish(v: Violations, missing: Vec<FieldError>) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::MissingRefs(missing))
    }
}

/// A caller may only change users whose role they could grant.
async fn check_may_manage(p: &Principal, tx: &mut Tx, scope: &Scope, target: &User) -> Result<(), ApiError> {
    let mut ignored = Violations::new();
    check_role(p, tx, scope, &mut ignored, &target.role).await.map(|_| ())
}

impl Resource for Users {
    type Record = User;
    type Create = CreateUser;
    type Update = UpdateUser;
    const DEF: &'static crud::ResourceDef = &USERS;
    const PATH: &'static str = "/users";
    const TAG: &'static str = "users";
    const READ: Permission = Permission::UsersRead;
    const WRITE: Permission = Permission::UsersManage;

    async fn prepare_create(mut b: CreateUser) -> Result<CreateUser, ApiError> {
        b.password_hash = hash_if_valid(Some(&b.password), &b.username).await?;
        Ok(b)
    }

    async fn prepare_update(mut b: UpdateUser) -> Result<UpdateUser, ApiError> {
        // The username is checked against the account's own in the write step too.
        b.password_hash = hash_if_valid(b.password.as_deref(), b.username.as_deref().unwrap_or_default()).await?;
        Ok(b)
    }

    async fn create(p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateUser) -> Result<User, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let username = v.parsed("username", v::parse_username(&b.username));
        let password = v.parsed("password", v::parse_password(&b.password, &b.username));
        let name = v.text("name", &b.name, 1, 100);
        let email =
            b.email.as_deref().filter(|e| !e.trim().is_empty()).and_then(|e| v.parsed("email", v::parse_email(e)));
        let role = check_role(p, tx, scope, &mut v, &b.role).await?;
        let mut missing = Vec::new();
        let outlets = check_outlets(tx, scope, &mut v, &mut missing, &b.outlet_ids).await?;
        if scope.outlets.is_some() && outlets.is_empty() {
            v.add("outlet_ids", "must name at least one of your outlets");
        }
        finish(v, missing)?;
        let (Some(username), Some(_), Some(hash)) = (username, password, b.password_hash) else {
            return Err(ApiError::internal("user create", "validated fields missing"));
        };
        let values = [
            ("username_key", Value::from(username_key(&username))),
            ("username", Value::from(username)),
            ("password_hash", Value::from(hash)),
            ("name", Value::from(name)),
            ("email", Value::Text(email)),
            ("role", Value::from(role)),
            ("outlet_ids", Value::json(&outlets)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ];
        let user: User = crud::create(tx, &USERS, scope, &id, &values).await.map_err(username_conflict)?;
        kasir_store::tenancy::users::set_outlets(tx, &scope.tenant_id, &user.id, &outlets).await?;
        Ok(user)
    }

    async fn update(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: User,
        version: Option<i64>,
        b: UpdateUser,
    ) -> Result<User, ApiError> {
        let version = expected_version(version, b.version)?;
        check_may_manage(p, tx, scope, &current).await?;
        let is_self = p.user_id() == Some(current.id.as_str());
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(u) = &b.username {
            if let Some(u) = v.parsed("username", v::parse_username(u)) {
                values.push(("username_key", Value::from(username_key(&u))));
                values.push(("username", Value::from(u)));
            }
        }
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        if let Some(e) = &b.email {
            let email =
                e.as_deref().filter(|e| !e.trim().is_empty()).and_then(|e| v.parsed("email", v::parse_email(e)));
            values.push(("email", Value::Text(email)));
        }
        if let Some(role) = &b.role {
            if is_self && !role.eq_ignore_ascii_case(&current.role) {
                v.add("role", "you cannot change your own role");
            }
            let role = check_role(p, tx, scope, &mut v, role).await?;
            values.push(("role", Value::from(role)));
        }
        let mut new_outlets = None;
        let mut missing = Vec::new();
        if let Some(raw) = &b.outlet_ids {
            let outlets = check_outlets(tx, scope, &mut v, &mut missing, raw).await?;
            values.push(("outlet_ids", Value::json(&outlets)));
            new_outlets = Some(outlets);
        }
        let mut end_logins = None;
        if let Some(active) = b.is_active {
            if is_self && !active {
                v.add("is_active", "you cannot deactivate yourself");
            }
            values.push(("is_active", Value::from(active)));
            if !active {
                end_logins = Some("user_deactivated");
            }
        }
        let password = match &b.password {
            Some(pw) => {
                let username = b.username.as_deref().unwrap_or(&current.username);
                let checked = v::parse_password(pw, username).and_then(|p| {
                    if p.trim().eq_ignore_ascii_case(current.username.trim()) {
                        Err("must not be the username")
                    } else {
                        Ok(p)
                    }
                });
                v.parsed("password", checked)
            }
            None => None,
        };
        finish(v, missing)?;
        if password.is_some() {
            let hash =
                b.password_hash.as_deref().ok_or_else(|| ApiError::internal("user update", "password not hashed"))?;
            kasir_store::tenancy::users::set_password_hash(tx, &current.id, hash).await?;
            end_logins = Some("password_reset");
            tx.audit(Some(&scope.tenant_id), "user.password_reset", "user", Some(&current.id), serde_json::Value::Null);
        }
        let user: User =
            crud::update(tx, &USERS, scope, &current.id, version, &values).await.map_err(username_conflict)?;
        if let Some(outlets) = new_outlets {
            kasir_store::tenancy::users::set_outlets(tx, &scope.tenant_id, &user.id, &outlets).await?;
        }
        if let Some(reason) = end_logins {
            let keep = if is_self { p.session_id() } else { None };
            auth::revoke_other_sessions(tx, kasir_store::auth::Logins::Staff, &user.id, keep, reason).await?;
        }
        Ok(user)
    }

    async fn delete(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: User,
        version: Option<i64>,
    ) -> Result<User, ApiError> {
        if p.user_id() == Some(current.id.as_str()) {
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::CannotDeleteSelf,
                message: "you cannot delete yourself".into(),
            });
        }
        check_may_manage(p, tx, scope, &current).await?;
        let user: User = crud::soft_delete(tx, &USERS, scope, &current.id, version).await?;
        auth::revoke_other_sessions(tx, kasir_store::auth::Logins::Staff, &user.id, None, "user_deleted").await?;
        Ok(user)
    }
}

/// Hashes a password that passes the rules; an invalid one is reported by the write step.
async fn hash_if_valid(password: Option<&str>, username: &str) -> Result<Option<String>, ApiError> {
    match password.map(|pw| v::parse_password(pw, username)) {
        Some(Ok(pw)) => Ok(Some(passwords::hash(pw).await?)),
        _ => Ok(None),
    }
}

/// Usernames are unique across tenants: say which field clashed.
fn username_conflict(e: kasir_store::StoreError) -> ApiError {
    match e {
        kasir_store::StoreError::Conflict { field } if field == "username_key" || field == "username" => {
            ApiError::from(kasir_store::StoreError::Conflict { field: "username".into() })
        }
        other => other.into(),
    }
}
