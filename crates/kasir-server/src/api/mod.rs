//! The API shell: the response envelope, errors, request extractors and the documented router.

mod envelope;
mod error;
mod extract;
pub mod fields;
pub mod openapi;
pub mod resource;
pub mod sheet;

pub use envelope::{created, ok, ok_keyset, ok_list, ok_page, raw_json, Envelope, ListEnvelope, Pagination};
pub use error::{missing, rule, ApiError, ErrorBody, FieldErrorSchema};
pub use extract::{
    check_query_text, multipart_error, parse_if_match, parse_json, ApiJson, ApiPath, ApiQuery, IdPath, JsonBody,
};
