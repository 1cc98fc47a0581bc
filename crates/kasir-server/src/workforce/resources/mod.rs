//! The workforce's plain resources, all under `hr.manage`: departments (a tree), positions,
//! employees, work shifts, rosters, holidays, attendance places, leave types, advances,
//! deductions and freelancers: the organisation (`org`), time and places (`schedule`), and
//! money and freelancers (`pay`), sharing the checks below.

use kasir_domain::{
    workforce::{parse_time, valid_coordinates, Degrees, EmployeeStatus, LeaveKind},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    crud,
    workforce::{self as store, *},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        resource::{expected_version, find_ref, new_record_id, nullable, Resource},
        ApiError,
    },
    auth::Principal,
};

pub(crate) fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
}

pub(crate) fn date(v: &mut Violations, field: &str, raw: &str) -> String {
    kasir_domain::time::parse_date(raw).unwrap_or_else(|| {
        v.add(field, "must be a date, YYYY-MM-DD");
        String::new()
    })
}

pub(crate) fn time(v: &mut Violations, field: &str, raw: &str) -> String {
    match parse_time(raw) {
        Some(t) => t.strftime("%H:%M").to_string(),
        None => {
            v.add(field, "must be a time, HH:MM");
            String::new()
        }
    }
}

/// An optional reference to a record of `def`, checked in the transaction.
pub(super) async fn reference<R>(
    tx: &mut Tx,
    def: &'static crud::ResourceDef,
    scope: &Scope,
    field: &str,
    raw: Option<&str>,
) -> Result<Option<String>, ApiError>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + kasir_store::crud::Record + Send + Unpin,
{
    match raw {
        Some(r) => Ok(Some(find_ref::<R>(tx, def, scope, field, r, "record").await?.id().to_string())),
        None => Ok(None),
    }
}

mod org;
mod pay;
mod schedule;

pub use org::*;
pub use pay::*;
pub use schedule::*;
