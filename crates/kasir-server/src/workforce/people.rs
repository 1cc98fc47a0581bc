//! Who may act for whom: an employee for themself, a manager for their reports, `hr.manage` for
//! everyone of the tenant. A login is an employee's when the employee record names it.

use kasir_domain::{FieldError, Permission};
use kasir_store::{
    crud,
    workforce::{Employee, EMPLOYEES},
    Db, Scope,
};

use crate::{api::ApiError, auth::Principal};

/// The caller's own employee record, if their login is an employee's.
pub async fn me(db: &Db, p: &Principal) -> Result<Option<Employee>, ApiError> {
    let scope = p.scope()?;
    match p.user_id() {
        Some(user) => Ok(kasir_store::workforce::by_user(db, &scope.tenant_id, user).await?),
        None => Ok(None),
    }
}

/// The employee a request acts for (`employee_id`, or the caller's own when left out), and
/// whether the caller may: 403 otherwise, 404 for an unknown employee.
pub async fn acting_for(db: &Db, p: &Principal, employee_id: Option<&str>) -> Result<Employee, ApiError> {
    let scope = p.scope()?;
    let mine = me(db, p).await?;
    let Some(raw) = employee_id else {
        return mine.ok_or_else(|| {
            ApiError::Forbidden("your login is not an employee's: name the employee (employee_id)".into())
        });
    };
    let id = kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("employee_id", "must be a UUID"))?;
    let target = employee(db, &scope, &id).await?;
    if may_act(p, mine.as_ref(), &target) {
        Ok(target)
    } else {
        Err(ApiError::Forbidden("you may act only for yourself and the people who report to you".into()))
    }
}

/// An employee of the scope's tenant, 404 naming `employee_id` when there is none.
pub async fn employee(db: &Db, scope: &Scope, id: &str) -> Result<Employee, ApiError> {
    crud::get(db, &EMPLOYEES, &Scope::tenant(&scope.tenant_id), id).await.map_err(|e| match e {
        kasir_store::StoreError::NotFound => {
            ApiError::MissingRefs(vec![FieldError::new("employee_id", "no such employee")])
        }
        other => other.into(),
    })
}

/// Themself, their manager, or `hr.manage`.
pub fn may_act(p: &Principal, mine: Option<&Employee>, target: &Employee) -> bool {
    p.has(Permission::HrManage)
        || mine.is_some_and(|m| m.id == target.id || target.manager_id.as_deref() == Some(m.id.as_str()))
}

/// Who decides a request of `target`: their manager or `hr.manage`, never the requester.
pub fn may_decide(p: &Principal, mine: Option<&Employee>, target: &Employee) -> Result<(), ApiError> {
    if mine.is_some_and(|m| m.id == target.id) {
        return Err(ApiError::Forbidden("you cannot decide your own request".into()));
    }
    let manages = mine.is_some_and(|m| target.manager_id.as_deref() == Some(m.id.as_str()));
    if manages || p.has(Permission::HrManage) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only the employee's manager or HR decides this".into()))
    }
}

/// The employees whose records the caller sees in lists: `None` for everyone (`hr.manage`),
/// else themself and their reports.
pub async fn visible(db: &Db, p: &Principal) -> Result<Option<Vec<String>>, ApiError> {
    if p.has(Permission::HrManage) {
        return Ok(None);
    }
    let Some(mine) = me(db, p).await? else { return Ok(Some(Vec::new())) };
    let mut ids = kasir_store::workforce::reports(db, &mine.id).await?;
    ids.insert(0, mine.id);
    Ok(Some(ids))
}

/// Narrows `visible` to one employee when a list names one (a name outside it sees nothing).
pub fn narrowed(visible: Option<Vec<String>>, employee_id: Option<String>) -> Option<Vec<String>> {
    match (visible, employee_id) {
        (None, None) => None,
        (None, Some(e)) => Some(vec![e]),
        (Some(v), None) => Some(v),
        (Some(v), Some(e)) => Some(v.into_iter().filter(|x| *x == e).collect()),
    }
}
