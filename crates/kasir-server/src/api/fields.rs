//! Small request helpers every area uses: the paging parameters and a record's display name.

use kasir_domain::Violations;
use kasir_store::Value;

use super::ApiError;

/// `page` (from 1) and `per_page` (1 to 200, 50 unless given), or 400 with the field at fault.
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), ApiError> {
    let mut v = Violations::new();
    let paged = paging_in(&mut v, page, per_page);
    v.finish().map_err(ApiError::Validation)?;
    Ok(paged)
}

/// [`paging`], its faults added to `v` beside the other fields'.
pub fn paging_in(v: &mut Violations, page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    (v.range("page", page.unwrap_or(1), 1, 1_000_000), v.range("per_page", per_page.unwrap_or(50), 1, 200))
}

/// A record's `name` (1 to 100 characters) and the lower-cased `name_key` that keeps names unique.
pub fn name(v: &mut Violations, raw: &str) -> Vec<(&'static str, Value)> {
    let name = v.text("name", raw, 1, 100);
    vec![("name_key", Value::from(name.to_lowercase())), ("name", Value::from(name))]
}
