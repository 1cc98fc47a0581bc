//! The `Idempotency-Key` convention of API.md, for every POST: a repeat with the same body gets
//! the first response (with `Idempotent-Replayed: true`), a repeat with another body gets 422
//! `idempotency_key_reused`, and a repeat while the first still runs gets 409
//! `idempotency_in_progress`. A first attempt that fails with 5xx releases the key.
//!
//! Money-moving endpoints (registered with [`Op::moves_money`](crate::api::openapi::Op::moves_money))
//! claim and complete their key inside their own
//! transaction (`kasir_store::platform::idempotency::claim_in`): the sale and its stored response commit
//! together, so a crash at any point leaves either both or neither. Here they only get 409 while
//! the same key runs on this node, and the key handed to the handler as a [`TxKey`] extension.
//!
//! Other POSTs claim the key before the handler runs and complete it after the handler's
//! transaction commits; if the process dies between the two, a retry after the claim expires
//! runs the request again (creates with a client-supplied `id` are still safe: the second insert
//! conflicts).

use axum::{
    body::{to_bytes, Body},
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use kasir_store::{
    platform::idempotency::{self, Claim, TxClaim},
    Tx,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    api::{raw_json, ApiError, Envelope},
    auth::Principal,
    state::AppState,
    BODY_LIMIT, UPLOAD_BODY_LIMIT,
};

/// An `Idempotency-Key` that a money-moving operation claims inside its own transaction.
#[derive(Debug, Clone)]
pub struct TxKey {
    pub scope: String,
    pub key: String,
    /// Hash of the request (path, query and body).
    pub hash: String,
}

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
    // Keys belong to a tenant (a guest's to its table session); without credentials the handler
    // answers 401 on its own.
    // Only "no usable credentials" lets the request through unkeyed (the handler then answers
    // 401); any other failure, a database error above all, is answered here, so that a keyed
    // sale never runs unprotected.
    let (scope, key) = match Principal::from_request_parts(&mut parts, &state).await {
        Ok(principal) => (principal.scope().map(|s| s.tenant_id).unwrap_or_else(|_| "platform".to_string()), key),
        Err(ApiError::Unauthorized(_)) => {
            match crate::auth::guest::GuestSession::from_request_parts(&mut parts, &state).await {
                Ok(g) => (g.session.tenant_id.clone(), format!("table-session:{}:{key}", g.session.id)),
                Err(ApiError::Unauthorized(_)) => {
                    // A customer of the shop's app: keys are the account's own.
                    match crate::accounts::Customer::from_request_parts(&mut parts, &state).await {
                        Ok(c) => (c.account.tenant_id.clone(), format!("customer:{}:{key}", c.account.id)),
                        Err(ApiError::Unauthorized(_) | ApiError::Forbidden(_)) => {
                            return Ok(next.run(Request::from_parts(parts, body)).await)
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    // Uploads (multipart) have their own, larger limit.
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/"));
    let (limit, label) = if multipart { (UPLOAD_BODY_LIMIT, "20 MiB") } else { (BODY_LIMIT, "1 MiB") };
    let bytes = to_bytes(body, limit).await.map_err(|_| ApiError::PayloadTooLarge(label.into()))?;
    let mut hasher = Sha256::new();
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"?");
    hasher.update(parts.uri.query().unwrap_or("").as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    let in_tx = parts.extensions.get::<MatchedPath>().is_some_and(|m| state.money_routes.contains(m.as_str()));
    if in_tx {
        return in_transaction(state, parts, bytes, next, TxKey { scope, key, hash }).await;
    }
    match idempotency::claim(&state.db, &scope, &key, &hash).await? {
        Claim::Replay { status, body } => replay(status, body),
        Claim::InProgress => Err(in_progress()),
        Claim::Mismatch => Err(key_reused()),
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

/// Runs a money-moving request: a repeat of a request still running on this node is refused;
/// otherwise the handler claims the key in its transaction, which also finds a committed
/// response to replay.
async fn in_transaction(
    state: AppState,
    mut parts: axum::http::request::Parts,
    bytes: bytes::Bytes,
    next: Next,
    key: TxKey,
) -> Result<Response, ApiError> {
    let running = (key.scope.clone(), key.key.clone());
    if !state.inflight.lock().unwrap_or_else(|e| e.into_inner()).insert(running.clone()) {
        return Err(in_progress());
    }
    // Removes the entry however the request ends (a dropped connection cancels the future).
    struct Running(AppState, (String, String));
    impl Drop for Running {
        fn drop(&mut self) {
            self.0.inflight.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.1);
        }
    }
    let _running = Running(state.clone(), running);
    parts.extensions.insert(key);
    Ok(next.run(Request::from_parts(parts, Body::from(bytes))).await)
}

/// Claims the request's key in `tx`; `Some(response)` when it must be answered without running.
pub async fn claim_in_tx(tx: &mut Tx, key: Option<&TxKey>) -> Result<Option<Response>, ApiError> {
    let Some(k) = key else { return Ok(None) };
    match idempotency::claim_in(tx, &k.scope, &k.key, &k.hash).await? {
        TxClaim::Run => Ok(None),
        TxClaim::Replay { status, body } => replay(status, body).map(Some),
        TxClaim::Mismatch => Err(key_reused()),
        TxClaim::InProgress => Err(in_progress()),
    }
}

/// Runs a money-moving operation in a transaction of its own: claims the request's key there (a
/// committed repeat gets its stored response, and `op` does not run), runs `op`, stores its
/// answer for the key and commits, so the effect and the answer commit together.
pub async fn run_keyed<T: Serialize>(
    db: &kasir_store::Db,
    actor: kasir_store::Actor,
    key: Option<&TxKey>,
    status: StatusCode,
    op: impl AsyncFnOnce(&mut Tx) -> Result<T, ApiError>,
) -> Result<Response, ApiError> {
    let mut tx = db.begin(actor).await?;
    if let Some(replayed) = claim_in_tx(&mut tx, key).await? {
        // Committing nothing waits until the first request's answer is durable (SQLite's group
        // commit may still hold it) before it is given again.
        tx.commit().await?;
        return Ok(replayed);
    }
    let data = op(&mut tx).await?;
    commit_with(tx, key, status, &data).await
}

/// Serializes `data` in the envelope, stores it for the key and commits; the response.
pub async fn commit_with<T: Serialize>(
    mut tx: Tx,
    key: Option<&TxKey>,
    status: StatusCode,
    data: &T,
) -> Result<Response, ApiError> {
    let body = serde_json::to_string(&Envelope { success: true, data, message: None })
        .map_err(|e| ApiError::internal("serialising a response", e))?;
    if let Some(k) = key {
        idempotency::complete_in(&mut tx, &k.scope, &k.key, status.as_u16(), &body).await?;
    }
    tx.commit().await?;
    Ok(raw_json(status, body))
}

/// The stored response of the first request, again.
pub fn replay(status: u16, body: String) -> Result<Response, ApiError> {
    let status = StatusCode::from_u16(status).map_err(|e| ApiError::internal("stored idempotent status", e))?;
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(res)
}

/// 409: a request with this key is still running.
pub fn in_progress() -> ApiError {
    ApiError::Conflict {
        code: kasir_domain::ErrorCode::IdempotencyInProgress,
        message: "a request with this Idempotency-Key is still being processed".into(),
        errors: Vec::new(),
    }
}

/// 422: the key was used for a different request.
pub fn key_reused() -> ApiError {
    ApiError::Rule {
        code: kasir_domain::ErrorCode::IdempotencyKeyReused,
        message: "this Idempotency-Key was used for a different request".into(),
    }
}
