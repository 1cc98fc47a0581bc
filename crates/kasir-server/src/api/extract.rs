use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Path, Request},
    http::{header, request::Parts, HeaderMap},
};
use kasir_domain::FieldError;
use serde::de::DeserializeOwned;

use super::ApiError;

/// A JSON body. Syntax errors give 400 `bad_request`; wrong types, missing fields and unknown fields
/// give 400 `validation_failed` naming the field; bodies over the limit give 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(bytes) = JsonBody::from_request(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON body read but not yet parsed, so a handler can check permissions first and only then
/// report field errors (a caller without permission learns nothing about the schema).
pub struct JsonBody(pub Bytes);

impl JsonBody {
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.0)
    }

    /// Parses an optional body: an empty one gives the defaults (actions such as send or cancel).
    pub fn parse_or_default<T: DeserializeOwned + Default>(&self) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(T::default())
        } else {
            self.parse()
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            })
            .unwrap_or(false);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge("1 MiB".into())
            } else {
                ApiError::BadRequest("could not read the request body".into())
            }
        })?;
        // An empty body needs no content type: actions such as send or cancel may have none.
        if !is_json && !bytes.is_empty() {
            return Err(ApiError::BadRequest("expected a JSON body with Content-Type: application/json".into()));
        }
        Ok(JsonBody(bytes))
    }
}

/// Parses JSON, turning serde's complaints into field errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_nul_escape(bytes) {
        // PostgreSQL cannot store NUL in text, and no field of ours has a use for it.
        return Err(ApiError::BadRequest("text must not contain the NUL character (\\u0000)".into()));
    }
    // Every body is a JSON object; serde would also read a struct from an array, by position
    // (`[null, null]` as an update that changes nothing yet bumps the version).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b != b'{') {
        return Err(ApiError::field("body", "must be a JSON object"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::BadRequest(format!("malformed JSON: {inner}"));
        }
        let message = strip_position(&inner.to_string());
        let field =
            unknown_field_name(&message)
                .map(|name| {
                    if path == name || path.ends_with(&format!(".{name}")) {
                        path.clone()
                    } else {
                        join(&path, &name)
                    }
                })
                .or_else(|| missing_field_name(&message).map(|name| join(&path, &name)))
                .unwrap_or_else(|| if path == "." { "body".into() } else { path });
        ApiError::Validation(vec![FieldError::new(field, message)])
    })
}

/// True when a JSON document contains the escape `\u0000`. In JSON a backslash only occurs as an
/// escape inside strings, so walking escapes pairwise is exact.
fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Refuses query strings that decode to text containing NUL. A URI cannot carry a raw NUL, so
/// only `%00` can produce one: other queries are not decoded here a second time.
pub fn check_query_text(raw: &str) -> Result<(), ApiError> {
    if !raw.contains("%00") {
        return Ok(());
    }
    let decoded: Vec<(String, String)> =
        serde_urlencoded::from_str(raw).map_err(|_| ApiError::BadRequest("malformed query string".into()))?;
    match decoded.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        Some((k, _)) => Err(ApiError::field(k, "must not contain the NUL character")),
        None => Ok(()),
    }
}

fn join(path: &str, name: &str) -> String {
    if path == "." || path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn unknown_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

fn missing_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// Query parameters decoded into `T` (which should deny unknown fields).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        check_query_text(raw)?;
        serde_urlencoded::from_str(raw).map(ApiQuery).map_err(|e| {
            let message = e.to_string();
            let field =
                unknown_field_name(&message).or_else(|| missing_field_name(&message)).unwrap_or_else(|| "query".into());
            ApiError::Validation(vec![FieldError::new(field, message)])
        })
    }
}

/// Path parameters; a malformed one gives 400 instead of axum's plain-text rejection.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// A record id in the path, which must be a UUID (400 otherwise).
pub struct IdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        kasir_domain::ids::parse_id(&raw).map(IdPath).ok_or_else(|| ApiError::field("id", "must be a UUID"))
    }
}

/// The expected version from `If-Match: 3` (or `"3"`), if sent.
pub fn parse_if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or("").trim().trim_start_matches("W/").trim_matches('"');
    s.parse::<i64>().map(Some).map_err(|_| ApiError::field("If-Match", "must be the record's version number"))
}

/// A multipart body that broke off: 413 past the upload limit, 400 otherwise.
pub fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status().as_u16() == 413 {
        ApiError::PayloadTooLarge("20 MiB".into())
    } else {
        ApiError::BadRequest(format!("the multipart body is malformed: {}", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        quantity: i64,
    }

    fn field_of(e: ApiError) -> String {
        match e {
            ApiError::Validation(errs) => errs[0].field.clone(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_offending_field() {
        let e = parse_json::<Body>(br#"{"name":"a","items":[{"quantity":"x"}]}"#).unwrap_err();
        assert_eq!(field_of(e), "items[0].quantity");
        let e = parse_json::<Body>(br#"{"name":"a","items":[],"tenant_id":"x"}"#).unwrap_err();
        assert_eq!(field_of(e), "tenant_id");
        let e = parse_json::<Body>(br#"{"items":[]}"#).unwrap_err();
        assert_eq!(field_of(e), "name");
        assert!(matches!(parse_json::<Body>(b"{nope").unwrap_err(), ApiError::BadRequest(_)));
    }

    #[test]
    fn nul_escapes_are_found_but_escaped_backslashes_are_not() {
        assert!(has_nul_escape(br#"{"a":"x\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a":"x\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a":"\u0001"}"#));
        assert!(check_query_text("search=a%00b").is_err());
        assert!(check_query_text("search=ab").is_ok());
    }
}
