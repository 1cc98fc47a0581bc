//! The `Idempotency-Key` convention of API.md, for every POST: a repeat with the same body gets
//! the first response (with `Idempotent-Replayed: true`), a repeat with another body gets 422
//! `idempotency_key_reused`, and a repeat while the first still runs gets 409
//! `idempotency_in_progress`. A first attempt that fails with 5xx releases the key.
//!
//! Known limit: the key is completed after the handler's transaction commits, so if the process
//! dies between the two, a retry after the claim expires runs the request again. Creates with a
//! client-supplied `id` are still safe (the second insert conflicts); money-moving endpoints
//! record their key inside their own transaction.

use axum::{
    body::{to_bytes, Body},
    extract::{FromRequestParts, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use kasir_store::idempotency::{self, Claim};
use sha2::{Digest, Sha256};

use crate::{api::ApiError, auth::Principal, state::AppState, BODY_LIMIT, UPLOAD_BODY_LIMIT};

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key("idempotency-key") {
        return next.run(req).await;
    }
    match handle(state, req, next).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: AppState, req: Request, next: Next) -> Result<Response, ApiError> {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| ApiError::field("Idempotency-Key", "must be 1 to 255 visible ASCII characters"))?
        .to_string();
    let (mut parts, body) = req.into_parts();
    // Keys belong to a tenant; without credentials the handler answers 401 on its own.
    let Ok(principal) = Principal::from_request_parts(&mut parts, &state).await else {
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    let scope = principal.scope().map(|s| s.tenant_id).unwrap_or_else(|_| "platform".to_string());
    // Uploads (multipart) have their own, larger limit.
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/"));
    let (limit, label) = if multipart { (UPLOAD_BODY_LIMIT, "20 MiB") } else { (BODY_LIMIT, "1 MiB") };
    let bytes = to_bytes(body, limit).await.map_err(|_| ApiError::PayloadTooLarge(label))?;
    let mut hasher = Sha256::new();
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"?");
    hasher.update(parts.uri.query().unwrap_or("").as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    match idempotency::claim(&state.db, &scope, &key, &hash).await? {
        Claim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).map_err(|e| ApiError::internal("stored idempotent status", e))?;
            let mut res = (status, body).into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(res)
        }
        Claim::InProgress => Err(ApiError::Conflict {
            code: "idempotency_in_progress",
            message: "a request with this Idempotency-Key is still being processed".into(),
            errors: Vec::new(),
        }),
        Claim::Mismatch => Err(ApiError::Rule {
            code: "idempotency_key_reused",
            message: "this Idempotency-Key was used for a different request".into(),
        }),
        Claim::Run => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let (res_parts, res_body) = res.into_parts();
            let body = match to_bytes(res_body, 16 * BODY_LIMIT).await {
                Ok(b) => b,
                Err(e) => {
                    idempotency::release(&state.db, &scope, &key).await?;
                    return Err(ApiError::internal("buffering a response", e));
                }
            };
            if res_parts.status.is_server_error() {
                idempotency::release(&state.db, &scope, &key).await?;
            } else {
                idempotency::complete(
                    &state.db,
                    &scope,
                    &key,
                    res_parts.status.as_u16(),
                    &String::from_utf8_lossy(&body),
                )
                .await?;
            }
            Ok(Response::from_parts(res_parts, Body::from(body)))
        }
    }
}
