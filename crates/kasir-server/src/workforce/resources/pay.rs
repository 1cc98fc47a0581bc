//! Advances, deductions and freelancers.

use super::*;

/// An advance or deduction: `(id, employee, amount, date)` checked, with its note or reason.
async fn entry<R>(
    tx: &mut Tx,
    scope: &Scope,
    def: &'static crud::ResourceDef,
    (id, employee_id, amount, day): (Option<&str>, &str, i64, &str),
    text: (&'static str, Value),
    mut v: Violations,
) -> Result<R, ApiError>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + kasir_store::crud::Record + Send + Unpin,
{
    let id = new_record_id(id)?;
    let amount = v.range("amount", amount, 1, kasir_domain::MAX_MONEY);
    let day = date(&mut v, "date", day);
    finish(v)?;
    let employee: Employee = find_ref(tx, &EMPLOYEES, scope, "employee_id", employee_id, "employee").await?;
    let values =
        [("employee_id", Value::from(employee.id)), ("amount", Value::from(amount)), ("date", Value::from(day)), text];
    Ok(crud::create(tx, def, scope, &id, &values).await?)
}

pub struct Advances;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAdvance {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(minimum = 1)]
    pub amount: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAdvance {
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    pub date: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub note: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Advances {
    type Record = Advance;
    type Create = CreateAdvance;
    type Update = UpdateAdvance;
    const DEF: &'static crud::ResourceDef = &ADVANCES;
    const PATH: &'static str = "/employee-advances";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateAdvance) -> Result<Advance, ApiError> {
        let mut v = Violations::new();
        let note = Value::Text(v.opt_text("note", b.note.as_deref(), 500));
        entry(tx, scope, &ADVANCES, (b.id.as_deref(), &b.employee_id, b.amount, &b.date), ("note", note), v).await
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Advance,
        version: Option<i64>,
        b: UpdateAdvance,
    ) -> Result<Advance, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(a) = b.amount {
            values.push(("amount", Value::from(v.range("amount", a, 1, kasir_domain::MAX_MONEY))));
        }
        if let Some(d) = &b.date {
            values.push(("date", Value::from(date(&mut v, "date", d))));
        }
        if let Some(n) = &b.note {
            values.push(("note", Value::Text(v.opt_text("note", n.as_deref(), 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &ADVANCES, scope, &current.id, version, &values).await?)
    }
}

pub struct Deductions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeduction {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(minimum = 1)]
    pub amount: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeduction {
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    pub date: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Deductions {
    type Record = Deduction;
    type Create = CreateDeduction;
    type Update = UpdateDeduction;
    const DEF: &'static crud::ResourceDef = &DEDUCTIONS;
    const PATH: &'static str = "/employee-deductions";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDeduction) -> Result<Deduction, ApiError> {
        let mut v = Violations::new();
        let reason = Value::from(v.text("reason", &b.reason, 1, 500));
        entry(tx, scope, &DEDUCTIONS, (b.id.as_deref(), &b.employee_id, b.amount, &b.date), ("reason", reason), v).await
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Deduction,
        version: Option<i64>,
        b: UpdateDeduction,
    ) -> Result<Deduction, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(a) = b.amount {
            values.push(("amount", Value::from(v.range("amount", a, 1, kasir_domain::MAX_MONEY))));
        }
        if let Some(d) = &b.date {
            values.push(("date", Value::from(date(&mut v, "date", d))));
        }
        if let Some(r) = &b.reason {
            values.push(("reason", Value::from(v.text("reason", r, 1, 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &DEDUCTIONS, scope, &current.id, version, &values).await?)
    }
}

// ---- Freelancers -------------------------------------------------------------------------

pub struct Freelancers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFreelancer {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_items = 50)]
    pub skills: Option<Vec<String>>,
    #[schema(minimum = 0)]
    pub hourly_rate: Option<i64>,
    #[schema(max_length = 500)]
    pub portfolio: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFreelancer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub email: Option<Option<String>>,
    #[schema(max_items = 50)]
    pub skills: Option<Vec<String>>,
    #[schema(minimum = 0)]
    pub hourly_rate: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub portfolio: Option<Option<String>>,
    pub version: Option<i64>,
}

fn skills(v: &mut Violations, raw: &[String]) -> Vec<String> {
    if raw.len() > 50 {
        v.add("skills", "must have at most 50 skills");
    }
    raw.iter().enumerate().map(|(i, s)| v.text(&format!("skills[{i}]"), s, 1, 50)).collect()
}

impl Resource for Freelancers {
    type Record = Freelancer;
    type Create = CreateFreelancer;
    type Update = UpdateFreelancer;
    const DEF: &'static crud::ResourceDef = &FREELANCERS;
    const PATH: &'static str = "/freelancers";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateFreelancer) -> Result<Freelancer, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 200))),
            ("email", Value::Text(v.opt_text("email", b.email.as_deref(), 200))),
            ("skills", Value::json(&skills(&mut v, b.skills.as_deref().unwrap_or_default()))),
            (
                "hourly_rate",
                Value::from(v.range("hourly_rate", b.hourly_rate.unwrap_or(0), 0, kasir_domain::MAX_MONEY)),
            ),
            ("portfolio", Value::Text(v.opt_text("portfolio", b.portfolio.as_deref(), 500))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &FREELANCERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Freelancer,
        version: Option<i64>,
        b: UpdateFreelancer,
    ) -> Result<Freelancer, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(e) = &b.email {
            values.push(("email", Value::Text(v.opt_text("email", e.as_deref(), 200))));
        }
        if let Some(s) = &b.skills {
            values.push(("skills", Value::json(&skills(&mut v, s))));
        }
        if let Some(r) = b.hourly_rate {
            values.push(("hourly_rate", Value::from(v.range("hourly_rate", r, 0, kasir_domain::MAX_MONEY))));
        }
        if let Some(p) = &b.portfolio {
            values.push(("portfolio", Value::Text(v.opt_text("portfolio", p.as_deref(), 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &FREELANCERS, scope, &current.id, version, &values).await?)
    }
}
