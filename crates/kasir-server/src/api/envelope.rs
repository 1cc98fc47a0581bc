use axum::{http::StatusCode, response::IntoResponse, Json};
use serde::Serialize;
use utoipa::ToSchema;

/// `{"success": true, "data": …}`.
#[derive(Debug, Serialize)]
pub struct Envelope<T> {
    pub success: bool,
    pub data: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A list page: the envelope plus `pagination`.
#[derive(Debug, Serialize)]
pub struct ListEnvelope<T> {
    pub success: bool,
    pub data: Vec<T>,
    pub pagination: Pagination,
}

/// Where a list page is. Numbered pages (`?page=`) give `page`, `total` and `total_pages`;
/// keyset pages (`?cursor=`) give `next_cursor` and `has_more` instead.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pagination {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    pub per_page: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<i64>,
    /// Present, and false, when a search matched so many records that `total` (and
    /// `total_pages`) is only a lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_exact: Option<bool>,
    /// Keyset pages: pass it as `cursor` for the next page (absent on the last page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Keyset pages: whether a next page exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

impl Pagination {
    pub fn new(page: i64, per_page: i64, count: i64) -> Self {
        let pages = if count == 0 { 0 } else { (count + per_page - 1) / per_page };
        Pagination {
            page: Some(page),
            per_page,
            total: Some(count),
            total_pages: Some(pages),
            total_exact: None,
            next_cursor: None,
            has_more: None,
        }
    }

    /// A keyset page, followed by the page after `next` (none: the last page).
    pub fn keyset(per_page: i64, next: Option<&kasir_store::Keyset>) -> Self {
        Pagination {
            page: None,
            per_page,
            total: None,
            total_pages: None,
            total_exact: None,
            next_cursor: next.map(super::fields::encode_cursor),
            has_more: Some(next.is_some()),
        }
    }
}

/// 200 with a page the store read, saying when its total is only a lower bound.
pub fn ok_page<T: Serialize>(p: kasir_store::crud::Page<T>, page: i64, per_page: i64) -> axum::response::Response {
    let mut pagination = Pagination::new(page, per_page, p.total);
    if !p.total_exact {
        pagination.total_exact = Some(false);
    }
    Json(ListEnvelope { success: true, data: p.items, pagination }).into_response()
}

/// 200 with a keyset page (`?cursor=`) and the cursor of the next.
pub fn ok_keyset<T: Serialize>(
    items: Vec<T>,
    per_page: i64,
    next: Option<&kasir_store::Keyset>,
) -> axum::response::Response {
    Json(ListEnvelope { success: true, data: items, pagination: Pagination::keyset(per_page, next) }).into_response()
}

/// A response whose JSON body is already serialized (and stored for idempotent repeats).
pub fn raw_json(status: StatusCode, body: String) -> axum::response::Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    res
}

/// 200 with `data`.
pub fn ok<T: Serialize>(data: T) -> axum::response::Response {
    Json(Envelope { success: true, data, message: None }).into_response()
}

/// 201 with the created record.
pub fn created<T: Serialize>(data: T) -> axum::response::Response {
    (StatusCode::CREATED, Json(Envelope { success: true, data, message: None })).into_response()
}

/// 200 with a page of items.
pub fn ok_list<T: Serialize>(items: Vec<T>, page: i64, per_page: i64, total: i64) -> axum::response::Response {
    Json(ListEnvelope { success: true, data: items, pagination: Pagination::new(page, per_page, total) })
        .into_response()
}
