use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use kasir_domain::{ErrorCode, FieldError};
use kasir_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every way a request can fail, each with its status and stable machine code (API.md).
#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Validation(Vec<FieldError>),
    Unauthorized(String),
    Forbidden(String),
    NotFound,
    /// 404 for records a request refers to that do not exist for this caller (other tenants' included).
    MissingRefs(Vec<FieldError>),
    Conflict {
        code: kasir_domain::ErrorCode,
        message: String,
        errors: Vec<FieldError>,
    },
    /// 413, with the limit that applies (`1 MiB` for JSON bodies).
    PayloadTooLarge(std::borrow::Cow<'static, str>),
    /// 408: the request body stopped arriving for longer than `KASIR_BODY_TIMEOUT_SECS`.
    RequestTimeout,
    /// 410: the client must start over (for example a sync cursor past retention).
    Gone {
        code: kasir_domain::ErrorCode,
        message: String,
    },
    /// 422: a business rule refuses the request.
    Rule {
        code: kasir_domain::ErrorCode,
        message: String,
    },
    RateLimited {
        retry_after_secs: i64,
    },
    /// 503: the server is overloaded (no database connection came free in time); retry shortly.
    Busy,
    /// A fault of ours. The detail is logged, never sent.
    Internal(String),
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// Stable machine-readable code, such as `validation_failed` (docs/error-codes.md lists them).
    #[schema(schema_with = error_code_schema)]
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldErrorSchema>)]
    pub errors: Vec<FieldError>,
}

/// 422: business rule `code` refuses the request.
pub fn rule(code: ErrorCode, message: String) -> ApiError {
    ApiError::Rule { code, message }
}

/// 404 naming `field` when the store found nothing; other errors (a database fault) as they are.
pub fn missing(e: StoreError, field: &str, what: &str) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::MissingRefs(vec![FieldError::new(field, format!("no such {what}"))]),
        other => other.into(),
    }
}

/// `code`: one of [`ErrorCode::ALL`].
fn error_code_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
        .description(Some("Stable machine-readable code (docs/error-codes.md lists them)"))
        .build()
}

/// One field's problem.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorSchema {
    /// Only for uploaded files: the 1-based row (the header is row 1).
    pub row: Option<u64>,
    /// Path of the field, such as `items[0].quantity`.
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn field(field: &str, message: &str) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// 409 `conflict` naming the field whose value is taken.
    pub fn conflict_field(field: &str, message: &str) -> ApiError {
        ApiError::Conflict {
            code: kasir_domain::ErrorCode::Conflict,
            message: message.into(),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn forbidden() -> ApiError {
        ApiError::Forbidden("you do not have permission to do this".into())
    }

    pub fn internal(context: &str, e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(format!("{context}: {e}"))
    }

    /// The code, message and field errors a client receives for this error (a pushed change's
    /// `error`, which is answered inside a 200).
    pub fn describe(self) -> (ErrorCode, String, Vec<FieldError>) {
        let (_, code, message) = self.parts();
        let errors = match self {
            ApiError::Validation(e) | ApiError::MissingRefs(e) => e,
            ApiError::Conflict { errors, .. } => errors,
            _ => Vec::new(),
        };
        (code, message, errors)
    }

    /// True for the server's own faults (5xx): a pushed change that meets one is not acknowledged.
    pub fn is_server_fault(&self) -> bool {
        matches!(self, ApiError::Internal(_) | ApiError::Busy)
    }

    fn parts(&self) -> (StatusCode, ErrorCode, String) {
        let (code, message) = match self {
            ApiError::BadRequest(m) => (ErrorCode::BadRequest, m.clone()),
            ApiError::Validation(_) => (ErrorCode::ValidationFailed, "the request has invalid fields".into()),
            ApiError::Unauthorized(m) => (ErrorCode::Unauthorized, m.clone()),
            ApiError::Forbidden(m) => (ErrorCode::Forbidden, m.clone()),
            ApiError::NotFound => (ErrorCode::NotFound, "not found".into()),
            ApiError::MissingRefs(_) => (ErrorCode::NotFound, "the request refers to records that do not exist".into()),
            ApiError::Conflict { code, message, .. } => (*code, message.clone()),
            ApiError::PayloadTooLarge(limit) => {
                (ErrorCode::PayloadTooLarge, format!("the request body is larger than {limit}"))
            }
            ApiError::RequestTimeout => {
                (ErrorCode::RequestTimeout, "the request body stopped arriving; send it again".into())
            }
            ApiError::Gone { code, message } | ApiError::Rule { code, message } => (*code, message.clone()),
            ApiError::RateLimited { .. } => (ErrorCode::RateLimited, "too many attempts; try again later".into()),
            ApiError::Busy => (ErrorCode::Unavailable, "the server is busy; try again shortly".into()),
            ApiError::Internal(_) => (ErrorCode::Internal, "internal server error".into()),
        };
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "request failed");
        }
        let (status, code, message) = self.parts();
        if matches!(self, ApiError::Busy) {
            tracing::warn!("busy: no database connection or password-hashing slot came free in time");
        }
        let retry_after = match &self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            ApiError::Busy => Some(1),
            _ => None,
        };
        let errors = match self {
            ApiError::Validation(e) | ApiError::MissingRefs(e) => e,
            ApiError::Conflict { errors, .. } => errors,
            _ => Vec::new(),
        };
        let mut res =
            (status, Json(ErrorBody { success: false, code: code.as_str().into(), message, errors })).into_response();
        if let Some(secs) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

impl From<kasir_domain::money::OutOfRange> for ApiError {
    fn from(e: kasir_domain::money::OutOfRange) -> Self {
        ApiError::Rule { code: ErrorCode::AmountTooLarge, message: e.to_string() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict { field } => {
                // Uniqueness is kept on folded copies (`name_key` of `name`): name the field sent.
                let field = field.strip_suffix("_key").unwrap_or(&field);
                ApiError::Conflict {
                    code: ErrorCode::Conflict,
                    message: format!("{field} is already in use"),
                    errors: vec![FieldError::new(field, "is already in use")],
                }
            }
            StoreError::VersionConflict { current } => ApiError::Conflict {
                code: ErrorCode::VersionConflict,
                message: format!("the record was changed by someone else; it is now at version {current}"),
                errors: Vec::new(),
            },
            StoreError::CursorExpired => ApiError::Gone {
                code: ErrorCode::ResyncRequired,
                message: "the cursor is older than the retained history; pull again without a cursor".into(),
            },
            StoreError::Busy => ApiError::Busy,
            StoreError::Db(e, steps) => ApiError::Internal(format!("database: {e}\n{steps}")),
            StoreError::Corrupt(e) => ApiError::Internal(format!("stored data: {e}")),
            StoreError::Backup(message) => ApiError::Rule { code: ErrorCode::InvalidBackup, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overloaded_database_answers_503_with_retry_after() {
        let res = ApiError::from(StoreError::Busy).into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("1"));
    }
}
