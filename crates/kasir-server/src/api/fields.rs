//! Small request helpers every area uses: the paging parameters and a record's display name.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use kasir_domain::{FieldError, Violations};
use kasir_store::{Keyset, Value};

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

/// How a list is paged: numbered pages, or keyset pages (`?cursor=`, empty for the first).
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    Page { page: i64, per_page: i64 },
    Cursor { after: Option<Keyset>, per_page: i64 },
}

/// [`paging`], or keyset paging when `cursor` is given (with `page` a 400): lists newest first,
/// whose cursors hold a creation instant and an id.
pub fn paging_newest(page: Option<i64>, per_page: Option<i64>, cursor: Option<&str>) -> Result<Paging, ApiError> {
    let mut v = Violations::new();
    let (number, per_page) = paging_in(&mut v, page, per_page);
    let after = cursor.and_then(|raw| {
        if page.is_some() {
            v.add("cursor", "cannot be combined with page");
        }
        let newest = |k: &Keyset| k.sort == "created_at" && k.desc && matches!(k.value, kasir_store::KeyValue::Text(_));
        parse_cursor(raw, newest).unwrap_or_else(|e| {
            v.add(e.field, e.message);
            None
        })
    });
    v.finish().map_err(ApiError::Validation)?;
    Ok(match cursor {
        Some(_) => Paging::Cursor { after, per_page },
        None => Paging::Page { page: number, per_page },
    })
}

/// The opaque `cursor` of a keyset page's start.
pub fn encode_cursor(k: &Keyset) -> String {
    let json = serde_json::to_vec(k).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// A `cursor` parameter: `None` when blank (the first page), an error when it is not a cursor of
/// this list (one `fits` accepts).
pub fn parse_cursor(raw: &str, fits: impl Fn(&Keyset) -> bool) -> Result<Option<Keyset>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    decode_cursor(raw)
        .filter(|k| fits(k))
        .map(Some)
        .ok_or_else(|| FieldError::new("cursor", "is not a cursor of this list"))
}

/// The start a `cursor` this server issued stands for.
fn decode_cursor(raw: &str) -> Option<Keyset> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    let k: Keyset = serde_json::from_slice(&bytes).ok()?;
    (k.id.len() <= 64 && kasir_domain::ids::parse_id(&k.id).is_some()).then_some(k)
}

/// A record's `name` (1 to 100 characters) and the lower-cased `name_key` that keeps names unique.
pub fn name(v: &mut Violations, raw: &str) -> Vec<(&'static str, Value)> {
    let name = v.text("name", raw, 1, 100);
    vec![("name_key", Value::from(name.to_lowercase())), ("name", Value::from(name))]
}
