//! Receiving an upload's form, and serving stored bytes back.

use axum::{
    extract::{multipart::MultipartRejection, Multipart},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

use crate::{api::ApiError, state::AppState};

/// The form of an upload: the file's name and bytes, and its `purpose` when the route takes one.
pub(crate) struct Form {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
    pub(super) purpose: Option<String>,
}

pub(crate) async fn receive(
    s: &AppState,
    mp: Result<Multipart, MultipartRejection>,
    takes_purpose: bool,
) -> Result<Form, ApiError> {
    let mut mp =
        mp.map_err(|_| ApiError::BadRequest("send the file as multipart/form-data in a field named `file`".into()))?;
    let max = s.config.upload_max_mb * 1024 * 1024;
    let broken = crate::api::multipart_error;
    let (mut file, mut purpose) = (None, None);
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("file") if file.is_none() => {
                let name = display_name(field.file_name().unwrap_or("file"));
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if bytes.len() + chunk.len() > max {
                        return Err(ApiError::PayloadTooLarge(s.config.upload_limit_text().into()));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            Some("file") => return Err(ApiError::field("file", "send one file")),
            Some("purpose") if takes_purpose => {
                let text = field.text().await.map_err(broken)?;
                purpose = Some(text.trim().to_string());
            }
            other => {
                let name = other.unwrap_or("").to_string();
                return Err(ApiError::field(&name, "unexpected form field"));
            }
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::field("file", "is required"))?;
    if bytes.is_empty() {
        return Err(ApiError::field("file", "is empty"));
    }
    Ok(Form { name, bytes, purpose })
}

/// A name fit to show and to offer as a download: its last path part, printable, at most 200 characters.
fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if clean.trim().is_empty() {
        "file".into()
    } else {
        clean.trim().to_string()
    }
}

pub(super) fn serve(bytes: Vec<u8>, content_type: &str, disposition: Option<String>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    res
}

/// `attachment` or `inline`, with the name in ASCII and in UTF-8 (RFC 6266).
pub(super) fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
