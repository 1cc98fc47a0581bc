//! The documentation of one operation ([`Op`]), built alongside its route.

use utoipa::{
    openapi::{
        path::{ParameterBuilder, ParameterIn},
        schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type},
        Ref, RefOr, Required, Schema,
    },
    IntoParams, ToSchema,
};

use super::binary_schema;
use crate::api::Pagination;

/// Adds a type's schema (and those it names) to a list. Kept as a function and run only when the
/// document is made (on the first request for it), so that start-up does not make ~300 schemas.
pub(super) type SchemaFn = fn(&mut Vec<(String, RefOr<Schema>)>);

/// A success status, its description, and its content types with their schemas (none for empty
/// bodies; several when `format=` chooses).
type Success = (u16, String, Vec<(String, RefOr<Schema>)>);

/// The documentation of one operation, built alongside its route.
pub struct Op {
    pub(super) tag: &'static str,
    pub(super) summary: String,
    pub(super) secured: bool,
    pub(super) params: Vec<utoipa::openapi::path::Parameter>,
    pub(super) body: Option<RefOr<Schema>>,
    /// `multipart/form-data` rather than JSON, with a larger body limit.
    pub(super) upload: bool,
    /// The body limit of an upload, when not [`crate::UPLOAD_BODY_LIMIT`].
    pub(super) upload_limit: Option<usize>,
    pub(super) success: Option<Success>,
    pub(super) errors: Vec<u16>,
    pub(super) schemas: Vec<SchemaFn>,
    /// Moves money or stock: its Idempotency-Key is claimed in the operation's own transaction.
    pub(super) moves_money: bool,
}

impl Op {
    /// An operation that needs credentials.
    pub fn new(tag: &'static str, summary: impl Into<String>) -> Op {
        Op {
            tag,
            summary: summary.into(),
            secured: true,
            params: Vec::new(),
            body: None,
            upload: false,
            upload_limit: None,
            success: None,
            errors: Vec::new(),
            schemas: Vec::new(),
            moves_money: false,
        }
    }

    /// Moves money or stock (a sale, a refund, a cash movement, a receipt of goods…): the handler
    /// claims the request's Idempotency-Key in its own transaction
    /// ([`crate::platform::idempotency::run_keyed`]), so that the effect and the stored answer
    /// commit together. Marked `x-moves-money` in the document.
    pub fn moves_money(mut self) -> Op {
        self.moves_money = true;
        self
    }

    /// Needs no credentials.
    pub fn public(mut self) -> Op {
        self.secured = false;
        self
    }

    /// Refers to `T`'s schema by name; the schema itself is made with the document.
    fn register<T: ToSchema>(&mut self) -> RefOr<Schema> {
        self.schemas.push(|out| {
            out.push((T::name().to_string(), T::schema()));
            T::schemas(out);
        });
        RefOr::Ref(Ref::from_schema_name(T::name()))
    }

    /// Adds `T` to the document's schemas (for a schema only referred to by name).
    pub fn schema<T: ToSchema>(mut self) -> Op {
        self.register::<T>();
        self
    }

    /// A JSON request body.
    pub fn body<T: ToSchema>(mut self) -> Op {
        self.body = Some(self.register::<T>());
        self
    }

    /// A `multipart/form-data` body with one file field named `file`, up to 20 MiB.
    pub fn upload(mut self, description: &str) -> Op {
        let file = binary_schema().description(Some(description));
        self.body = Some(ObjectBuilder::new().property("file", file).required("file").into());
        self.upload = true;
        self
    }

    /// The body limit of an upload (its own, or [`crate::UPLOAD_BODY_LIMIT`]); none for other
    /// operations, which have the usual one.
    pub(super) fn upload_body_limit(&self) -> Option<usize> {
        self.upload.then(|| self.upload_limit.unwrap_or(crate::UPLOAD_BODY_LIMIT))
    }

    /// An [`Op::upload`] of up to `bytes` (form included) instead of the usual limit.
    pub fn upload_limit(mut self, bytes: usize) -> Op {
        self.upload_limit = Some(bytes);
        self
    }

    /// An [`Op::upload`] whose form also carries these text fields (name, description, and the
    /// values allowed, when they are a closed list), all required.
    pub fn upload_with(mut self, description: &str, fields: &[(&str, &str, &[&str])]) -> Op {
        let mut form =
            ObjectBuilder::new().property("file", binary_schema().description(Some(description))).required("file");
        for (name, about, allowed) in fields {
            let mut field =
                ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String).description(Some(*about));
            if !allowed.is_empty() {
                field = field.enum_values(Some(allowed.iter().copied()));
            }
            form = form.property(*name, field).required(*name);
        }
        self.body = Some(form.into());
        self.upload = true;
        self
    }

    /// Query parameters.
    pub fn query<T: IntoParams>(mut self) -> Op {
        self.params.extend(T::into_params(|| Some(ParameterIn::Query)));
        self
    }

    /// One more query parameter, typed by `schema`.
    pub fn query_param(mut self, name: &str, description: &str, schema: impl Into<RefOr<Schema>>) -> Op {
        self.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build(),
        );
        self
    }

    /// A UUID path parameter `{name}`.
    pub fn path_id(mut self, name: &str) -> Op {
        self.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(uuid_schema()))
                .build(),
        );
        self
    }

    /// A string path parameter `{name}`.
    pub fn path_text(mut self, name: &str, description: &str) -> Op {
        self.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(64))))
                .build(),
        );
        self
    }

    /// An optional request header, typed by `schema`.
    pub fn header(mut self, name: &str, description: &str, schema: impl Into<RefOr<Schema>>) -> Op {
        self.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build(),
        );
        self
    }

    /// `If-Match: <version>`.
    pub fn if_match(self) -> Op {
        self.header(
            "If-Match",
            "The version the change is based on; a stale one gives 409 version_conflict",
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(i64::MAX)),
        )
    }

    /// `Idempotency-Key`, which every creating POST accepts.
    pub fn idempotency_key(self) -> Op {
        self.header(
            "Idempotency-Key",
            "Makes a retried request safe: a repeat gets the first response",
            ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[!-~]{1,255}$")),
        )
    }

    /// 200 with the envelope around `T`.
    pub fn ok<T: ToSchema>(mut self) -> Op {
        let data = self.register::<T>();
        self.success = Some((200, "OK".into(), vec![("application/json".into(), envelope(data, false))]));
        self
    }

    /// 200 with the envelope around an array of `T`.
    pub fn ok_array<T: ToSchema>(mut self) -> Op {
        let data = self.register::<T>();
        let array: RefOr<Schema> = ArrayBuilder::new().items(data).into();
        self.success = Some((200, "OK".into(), vec![("application/json".into(), envelope(array, false))]));
        self
    }

    /// 201 with the envelope around the created `T`.
    pub fn created<T: ToSchema>(mut self) -> Op {
        let data = self.register::<T>();
        self.success = Some((201, "Created".into(), vec![("application/json".into(), envelope(data, false))]));
        self
    }

    /// 202: taken in, to be done later.
    pub fn accepted<T: ToSchema>(mut self) -> Op {
        let data = self.register::<T>();
        self.success = Some((202, "Accepted".into(), vec![("application/json".into(), envelope(data, false))]));
        self
    }

    /// 200 with a page of `T`.
    pub fn ok_list<T: ToSchema>(mut self) -> Op {
        let data = self.register::<T>();
        self.register::<Pagination>();
        self.success = Some((200, "A page of records".into(), vec![("application/json".into(), envelope(data, true))]));
        self
    }

    /// A success response that is not the JSON envelope.
    pub fn ok_raw(mut self, status: u16, content_type: &str, schema: impl Into<RefOr<Schema>>) -> Op {
        self.success = Some((status, "OK".into(), vec![(content_type.into(), schema.into())]));
        self
    }

    /// Another content type the success response may come in (a `format=` the client chose).
    pub fn or_content(mut self, content_type: &str, schema: impl Into<RefOr<Schema>>) -> Op {
        if let Some((_, _, contents)) = &mut self.success {
            contents.push((content_type.into(), schema.into()));
        }
        self
    }

    /// Further error statuses this operation may answer with, beyond those `route` derives from
    /// its shape (400, 500, 503; 408 and 413 with a body; 404 with parameters; 404, 409 and 422
    /// on writes; 401 and 403 when secured).
    pub fn errors(mut self, statuses: &[u16]) -> Op {
        self.errors.extend_from_slice(statuses);
        self
    }
}

fn uuid_schema() -> Schema {
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).into()
}

/// `{success, data: T | [T], message?, pagination?}`.
fn envelope(data: RefOr<Schema>, list: bool) -> RefOr<Schema> {
    let data: RefOr<Schema> = if list { ArrayBuilder::new().items(data).into() } else { data };
    let mut obj = ObjectBuilder::new()
        .property("success", ObjectBuilder::new().schema_type(Type::Boolean))
        .required("success")
        .property("data", data)
        .required("data")
        .property("message", ObjectBuilder::new().schema_type(Type::String));
    if list {
        obj = obj.property("pagination", Ref::from_schema_name("Pagination")).required("pagination");
    }
    obj.into()
}

pub(super) fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Malformed request or invalid fields",
        401 => "Missing, invalid or expired credentials",
        403 => "Not permitted",
        404 => "Not found (also for other tenants' records)",
        408 => "The request body did not arrive in time",
        409 => "Duplicate, stale version, or Idempotency-Key in flight",
        410 => "Gone: start over",
        413 => "Body too large (1 MiB for JSON, 20 MiB for uploaded files)",
        415 => "A file of a type this endpoint does not take",
        422 => "Refused by a business rule",
        429 => "Too many requests or attempts (see Retry-After)",
        500 => "Server fault",
        503 => "Unavailable",
        _ => "Error",
    }
}
