//! Departments, positions and employees.

use super::*;

pub struct Departments;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartment {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub parent_id: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Departments {
    type Record = Department;
    type Create = CreateDepartment;
    type Update = UpdateDepartment;
    const DEF: &'static crud::ResourceDef = &DEPARTMENTS;
    const PATH: &'static str = "/departments";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDepartment) -> Result<Department, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        finish(v)?;
        let parent = reference::<Department>(tx, &DEPARTMENTS, scope, "parent_id", b.parent_id.as_deref()).await?;
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("parent_id", Value::Text(parent)),
        ];
        Ok(crud::create(tx, &DEPARTMENTS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Department,
        version: Option<i64>,
        b: UpdateDepartment,
    ) -> Result<Department, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            let name = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(name.to_lowercase())));
            values.push(("name", Value::from(name)));
        }
        finish(v)?;
        match &b.parent_id {
            Some(Some(p)) => {
                let parent: Department = find_ref(tx, &DEPARTMENTS, scope, "parent_id", p, "department").await?;
                if store::department_lineage(tx, &parent.id).await?.contains(&current.id) {
                    return Err(ApiError::Rule {
                        code: ErrorCode::CategoryCycle,
                        message: "a department cannot be moved under itself or one of its own".into(),
                    });
                }
                values.push(("parent_id", Value::from(parent.id)));
            }
            Some(None) => values.push(("parent_id", Value::Text(None))),
            None => {}
        }
        Ok(crud::update(tx, &DEPARTMENTS, scope, &current.id, version, &values).await?)
    }
}

// ---- Positions -------------------------------------------------------------------------

pub struct Positions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePosition {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePosition {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub department_id: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Positions {
    type Record = Position;
    type Create = CreatePosition;
    type Update = UpdatePosition;
    const DEF: &'static crud::ResourceDef = &POSITIONS;
    const PATH: &'static str = "/positions";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePosition) -> Result<Position, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        finish(v)?;
        let dept =
            reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", b.department_id.as_deref()).await?;
        let values = [("name", Value::from(name)), ("department_id", Value::Text(dept))];
        Ok(crud::create(tx, &POSITIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Position,
        version: Option<i64>,
        b: UpdatePosition,
    ) -> Result<Position, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        finish(v)?;
        if let Some(d) = &b.department_id {
            let dept = reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", d.as_deref()).await?;
            values.push(("department_id", Value::Text(dept)));
        }
        Ok(crud::update(tx, &POSITIONS, scope, &current.id, version, &values).await?)
    }
}

// ---- Employees -------------------------------------------------------------------------

pub struct Employees;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The login this employee uses (a user of the tenant), for self-service.
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
    #[schema(format = Uuid)]
    pub position_id: Option<String>,
    #[schema(format = Uuid)]
    pub manager_id: Option<String>,
    #[schema(max_items = 200)]
    pub outlet_ids: Option<Vec<String>>,
    /// `YYYY-MM-DD`.
    pub join_date: Option<String>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmployee {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub user_id: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 50)]
    pub code: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub department_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub position_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub manager_id: Option<Option<String>>,
    #[schema(max_items = 200)]
    pub outlet_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub join_date: Option<Option<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn status(v: &mut Violations, raw: &str) -> String {
    if EmployeeStatus::parse(raw).is_none() {
        v.add("status", "must be active or inactive");
    }
    raw.to_string()
}

async fn outlets(tx: &mut Tx, scope: &Scope, raw: &[String]) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = raw.iter().filter_map(|r| kasir_domain::ids::parse_id(r)).collect();
    let found = crud::existing_ids(tx, &kasir_store::tenancy::outlets::OUTLETS, scope, &ids).await?;
    if ids.len() != raw.len() || found.len() != ids.len() {
        return Err(ApiError::MissingRefs(vec![kasir_domain::FieldError::new(
            "outlet_ids",
            "names an unknown outlet",
        )]));
    }
    Ok(ids)
}

async fn user(tx: &mut Tx, scope: &Scope, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    reference::<kasir_store::tenancy::users::User>(tx, &kasir_store::tenancy::users::USERS, scope, "user_id", raw).await
}

impl Resource for Employees {
    type Record = Employee;
    type Create = CreateEmployee;
    type Update = UpdateEmployee;
    const DEF: &'static crud::ResourceDef = &EMPLOYEES;
    const PATH: &'static str = "/employees";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateEmployee) -> Result<Employee, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let code = v.text("code", &b.code, 1, 50);
        let name = v.text("name", &b.name, 1, 200);
        let email = v.opt_text("email", b.email.as_deref(), 200);
        let phone = v.opt_text("phone", b.phone.as_deref(), 30);
        let join = b.join_date.as_deref().map(|d| date(&mut v, "join_date", d));
        let st = status(&mut v, b.status.as_deref().unwrap_or(EmployeeStatus::Active.as_str()));
        finish(v)?;
        let values = vec![
            ("user_id", Value::Text(user(tx, scope, b.user_id.as_deref()).await?)),
            ("code_key", Value::from(code.to_lowercase())),
            ("code", Value::from(code)),
            ("name", Value::from(name)),
            ("email", Value::Text(email)),
            ("phone", Value::Text(phone)),
            (
                "department_id",
                Value::Text(
                    reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", b.department_id.as_deref())
                        .await?,
                ),
            ),
            (
                "position_id",
                Value::Text(
                    reference::<Position>(tx, &POSITIONS, scope, "position_id", b.position_id.as_deref()).await?,
                ),
            ),
            (
                "manager_id",
                Value::Text(reference::<Employee>(tx, &EMPLOYEES, scope, "manager_id", b.manager_id.as_deref()).await?),
            ),
            ("outlet_ids", Value::json(&outlets(tx, scope, b.outlet_ids.as_deref().unwrap_or_default()).await?)),
            ("join_date", Value::Text(join)),
            ("status", Value::from(st)),
        ];
        Ok(crud::create(tx, &EMPLOYEES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Employee,
        version: Option<i64>,
        b: UpdateEmployee,
    ) -> Result<Employee, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(c) = &b.code {
            let code = v.text("code", c, 1, 50);
            values.push(("code_key", Value::from(code.to_lowercase())));
            values.push(("code", Value::from(code)));
        }
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(e) = &b.email {
            values.push(("email", Value::Text(v.opt_text("email", e.as_deref(), 200))));
        }
        if let Some(p) = &b.phone {
            values.push(("phone", Value::Text(v.opt_text("phone", p.as_deref(), 30))));
        }
        if let Some(j) = &b.join_date {
            values.push(("join_date", Value::Text(j.as_deref().map(|d| date(&mut v, "join_date", d)))));
        }
        if let Some(s) = &b.status {
            values.push(("status", Value::from(status(&mut v, s))));
        }
        finish(v)?;
        if let Some(u) = &b.user_id {
            values.push(("user_id", Value::Text(user(tx, scope, u.as_deref()).await?)));
        }
        if let Some(d) = &b.department_id {
            let dept = reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", d.as_deref()).await?;
            values.push(("department_id", Value::Text(dept)));
        }
        if let Some(p) = &b.position_id {
            let pos = reference::<Position>(tx, &POSITIONS, scope, "position_id", p.as_deref()).await?;
            values.push(("position_id", Value::Text(pos)));
        }
        if let Some(m) = &b.manager_id {
            let manager = reference::<Employee>(tx, &EMPLOYEES, scope, "manager_id", m.as_deref()).await?;
            if let Some(m) = &manager {
                if store::management_chain(tx, m).await?.contains(&current.id) {
                    return Err(ApiError::field("manager_id", "would make the employee their own manager"));
                }
            }
            values.push(("manager_id", Value::Text(manager)));
        }
        if let Some(o) = &b.outlet_ids {
            values.push(("outlet_ids", Value::json(&outlets(tx, scope, o).await?)));
        }
        Ok(crud::update(tx, &EMPLOYEES, scope, &current.id, version, &values).await?)
    }
}
