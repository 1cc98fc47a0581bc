//! `/expense-categories` and `/expenses`. An expense with a shift is paid from that shift's cash
//! drawer: it counts in the shift's expected cash, so it can be recorded, changed or deleted
//! only while the shift is open.

use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    expenses::{Expense, ExpenseCategory, EXPENSES, EXPENSE_CATEGORIES},
    selling::shifts,
    tenancy::outlets::{Outlet, OUTLETS},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, find_ref, new_record_id, nullable, Resource};
use crate::{
    api::{missing, rule, ApiError},
    auth::Principal,
};

pub struct ExpenseCategories;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExpenseCategory {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExpenseCategory {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub version: Option<i64>,
}

impl Resource for ExpenseCategories {
    type Record = ExpenseCategory;
    type Create = CreateExpenseCategory;
    type Update = UpdateExpenseCategory;
    const DEF: &'static ResourceDef = &EXPENSE_CATEGORIES;
    const PATH: &'static str = "/expense-categories";
    const TAG: &'static str = "expenses";
    const READ: Permission = Permission::ExpensesManage;
    const WRITE: Permission = Permission::ExpensesManage;

    async fn create(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        b: CreateExpenseCategory,
    ) -> Result<ExpenseCategory, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = crate::api::fields::name(&mut v, &b.name);
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::create(tx, &EXPENSE_CATEGORIES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: ExpenseCategory,
        version: Option<i64>,
        b: UpdateExpenseCategory,
    ) -> Result<ExpenseCategory, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        v.finish().map_err(ApiError::Validation)?;
        Ok(crud::update(tx, &EXPENSE_CATEGORIES, scope, &current.id, version, &values).await?)
    }
}

pub struct Expenses;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExpense {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    /// Paid from this open shift's cash drawer (it then counts in the shift's expected cash).
    #[schema(format = Uuid)]
    pub shift_id: Option<String>,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExpense {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub category_id: Option<Option<String>>,
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    pub version: Option<i64>,
}

/// An expense's shift must be open, at the expense's outlet.
async fn check_shift(tx: &mut Tx, scope: &Scope, shift_id: &str, outlet_id: &str) -> Result<(), ApiError> {
    let shift = shifts::lock(tx, scope, shift_id).await.map_err(|e| missing(e, "shift_id", "shift"))?;
    if shift.outlet_id != outlet_id {
        return Err(ApiError::field("shift_id", "is a shift at another outlet"));
    }
    if !kasir_domain::ShiftStatus::Open.is(&shift.status) {
        return Err(rule(
            kasir_domain::ErrorCode::ShiftClosed,
            "this expense's shift is closed and cannot change".into(),
        ));
    }
    Ok(())
}

impl Resource for Expenses {
    type Record = Expense;
    type Create = CreateExpense;
    type Update = UpdateExpense;
    const DEF: &'static ResourceDef = &EXPENSES;
    const PATH: &'static str = "/expenses";
    const TAG: &'static str = "expenses";
    const READ: Permission = Permission::ExpensesManage;
    const WRITE: Permission = Permission::ExpensesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateExpense) -> Result<Expense, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let amount = v.range("amount", b.amount, 1, kasir_domain::MAX_MONEY);
        let note = v.opt_text("note", b.note.as_deref(), 500);
        v.finish().map_err(ApiError::Validation)?;
        let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", &b.outlet_id, "outlet").await?;
        let category = match &b.category_id {
            Some(raw) => Some(
                find_ref::<ExpenseCategory>(tx, &EXPENSE_CATEGORIES, scope, "category_id", raw, "category").await?.id,
            ),
            None => None,
        };
        let shift_id = match &b.shift_id {
            Some(raw) => {
                let sid =
                    kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("shift_id", "must be a UUID"))?;
                check_shift(tx, scope, &sid, &outlet.id).await?;
                Some(sid)
            }
            None => None,
        };
        let tenant = kasir_store::tenancy::tenants::get_in_tx(tx, &scope.tenant_id).await?;
        let zone = kasir_domain::time::outlet_zone(&outlet.timezone, &tenant.timezone);
        let date = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), zone).date;
        let values = [
            ("outlet_id", Value::from(outlet.id)),
            ("shift_id", Value::Text(shift_id)),
            ("category_id", Value::Text(category)),
            ("amount", Value::from(amount)),
            ("note", Value::Text(note)),
            ("business_date", Value::from(date)),
        ];
        Ok(crud::create(tx, &EXPENSES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Expense,
        version: Option<i64>,
        b: UpdateExpense,
    ) -> Result<Expense, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = Vec::new();
        if let Some(a) = b.amount {
            values.push(("amount", Value::from(v.range("amount", a, 1, kasir_domain::MAX_MONEY))));
        }
        if let Some(n) = &b.note {
            values.push(("note", Value::Text(v.opt_text("note", Some(n), 500))));
        }
        v.finish().map_err(ApiError::Validation)?;
        match &b.category_id {
            Some(Some(raw)) => {
                let c: ExpenseCategory =
                    find_ref(tx, &EXPENSE_CATEGORIES, scope, "category_id", raw, "category").await?;
                values.push(("category_id", Value::from(c.id)));
            }
            Some(None) => values.push(("category_id", Value::Text(None))),
            None => {}
        }
        if let Some(sid) = &current.shift_id {
            check_shift(tx, scope, sid, &current.outlet_id).await?;
        }
        Ok(crud::update(tx, &EXPENSES, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Expense,
        version: Option<i64>,
    ) -> Result<Expense, ApiError> {
        if let Some(sid) = &current.shift_id {
            check_shift(tx, scope, sid, &current.outlet_id).await?;
        }
        Ok(crud::soft_delete(tx, &EXPENSES, scope, &current.id, version).await?)
    }
}
