//! A router that documents as it routes: every route is added together with its OpenAPI operation,
//! so the document at `/api/v1/openapi.json` cannot omit a route the server serves.
pub mod client;
mod op;

pub use op::Op;
use op::{status_text, SchemaFn};

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    handler::Handler,
    routing::{MethodFilter, MethodRouter},
    Router,
};
use utoipa::{
    openapi::{
        extensions::ExtensionsBuilder,
        path::{HttpMethod, OperationBuilder},
        request_body::RequestBodyBuilder,
        schema::{ObjectBuilder, SchemaFormat, Type},
        security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme},
        ComponentsBuilder, Content, InfoBuilder, OpenApi, OpenApiBuilder, Paths, Ref, Required, ResponseBuilder,
    },
    PartialSchema, ToSchema,
};

use super::ErrorBody;

/// The HTTP methods routes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Patch => MethodFilter::PATCH,
            Method::Put => MethodFilter::PUT,
            Method::Delete => MethodFilter::DELETE,
        }
    }
    fn http(self) -> HttpMethod {
        match self {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Patch => HttpMethod::Patch,
            Method::Put => HttpMethod::Put,
            Method::Delete => HttpMethod::Delete,
        }
    }
    fn as_http(self) -> axum::http::Method {
        match self {
            Method::Get => axum::http::Method::GET,
            Method::Post => axum::http::Method::POST,
            Method::Patch => axum::http::Method::PATCH,
            Method::Put => axum::http::Method::PUT,
            Method::Delete => axum::http::Method::DELETE,
        }
    }
    fn lower(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Patch => "patch",
            Method::Put => "put",
            Method::Delete => "delete",
        }
    }
}

/// Routes plus their OpenAPI document.
pub struct ApiRouter<S> {
    router: Router<S>,
    ops: Vec<Documented>,
}

/// A route's operation as registered, turned into OpenAPI only when the document is made: the
/// server needs none of it to serve, and building ~400 operations cost most of start-up.
struct Documented {
    method: Method,
    /// The full path (after [`ApiRouter::nest`]).
    path: String,
    operation_id: String,
    op: Op,
}

/// A route taking a multipart upload: its method, full path and body limit in bytes.
pub type Upload = (axum::http::Method, String, u64);

/// The routes registered with [`Op::moves_money`], as axum matches them (`/api/v1/sales/{id}/void`).
#[derive(Debug, Clone, Default)]
pub struct MoneyRoutes(BTreeSet<String>);

impl MoneyRoutes {
    pub fn contains(&self, matched_path: &str) -> bool {
        self.0.contains(matched_path)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// What [`ApiRouter::finish`] gives: the router, what its document is made of, its
/// money-moving routes and its upload routes.
pub struct Finished<S> {
    pub router: Router<S>,
    pub docs: Docs,
    pub money_routes: MoneyRoutes,
    pub uploads: Vec<Upload>,
}

/// The routes' documentation, made into a document on demand.
pub struct Docs {
    ops: Vec<Documented>,
    version: String,
}

impl<S: Clone + Send + Sync + 'static> Default for ApiRouter<S> {
    fn default() -> Self {
        Self::new()
    }
}

/// The OpenAPI extension naming an upload's own body limit in bytes (when not the usual one).
pub const BODY_LIMIT_EXTENSION: &str = "x-max-body-bytes";

impl<S: Clone + Send + Sync + 'static> ApiRouter<S> {
    pub fn new() -> Self {
        ApiRouter { router: Router::new(), ops: Vec::new() }
    }

    /// Serves `handler` at `method path` and documents it with `op`.
    /// `path` uses `{param}` segments, which axum and OpenAPI share.
    pub fn route<H, T>(self, method: Method, path: &str, handler: H, op: Op) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        // Only this line is made once per handler type; the rest is shared by every route.
        self.add(method, path, axum::routing::on(method.filter(), handler), op)
    }

    fn add(mut self, method: Method, path: &str, mut method_router: MethodRouter<S>, op: Op) -> Self {
        if let Some(limit) = op.upload_body_limit() {
            method_router = method_router.layer(axum::extract::DefaultBodyLimit::max(limit));
        }
        self.router = self.router.route(path, method_router);
        assert!(!op.moves_money || method == Method::Post, "only a POST can move money: {path}");
        self.ops.push(Documented {
            method,
            path: path.to_string(),
            operation_id: format!("{}{}", method.lower(), path.replace(['/', '-', '.'], "_").replace(['{', '}'], "")),
            op,
        });
        self
    }

    /// Adds routes that are not part of the API (documentation UI): never in the document.
    pub fn undocumented(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }

    /// Adds another router's routes and documentation.
    pub fn merge(mut self, other: ApiRouter<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.ops.extend(other.ops);
        self
    }

    /// Mounts every route under `prefix` (for example `/api/v1`).
    pub fn nest(mut self, prefix: &str) -> Self {
        for d in &mut self.ops {
            d.path.insert_str(0, prefix);
        }
        ApiRouter { router: Router::new().nest(prefix, self.router), ops: self.ops }
    }

    /// The router, what its OpenAPI 3.1 document is made of, the money-moving routes and the
    /// upload routes.
    pub fn finish(self, version: &str) -> Finished<S> {
        let money_routes = self.ops.iter().filter(|d| d.op.moves_money).map(|d| d.path.clone()).collect();
        let uploads = self
            .ops
            .iter()
            .filter_map(|d| d.op.upload_body_limit().map(|limit| (d.method.as_http(), d.path.clone(), limit as u64)))
            .collect();
        Finished {
            router: self.router,
            docs: Docs { ops: self.ops, version: version.to_string() },
            money_routes: MoneyRoutes(money_routes),
            uploads,
        }
    }
}

/// The OpenAPI operation of a registered route.
fn operation(d: Documented) -> utoipa::openapi::path::Operation {
    let Documented { method, path, operation_id, op } = d;
    // Every authenticated POST honours Idempotency-Key (see crate::platform::idempotency).
    let op = if method == Method::Post && op.secured { op.idempotency_key() } else { op };
    let mut builder = OperationBuilder::new().tag(op.tag).summary(Some(op.summary)).operation_id(Some(operation_id));
    if op.moves_money {
        builder = builder.extensions(Some(ExtensionsBuilder::new().add("x-moves-money", true).build()));
    }
    if let (true, Some(limit)) = (op.upload, op.upload_limit) {
        builder = builder.extensions(Some(ExtensionsBuilder::new().add(BODY_LIMIT_EXTENSION, limit).build()));
    }
    let has_params = !op.params.is_empty();
    for p in op.params {
        builder = builder.parameter(p);
    }
    let has_body = op.body.is_some();
    if let Some(body) = op.body {
        let content_type = if op.upload { "multipart/form-data" } else { "application/json" };
        builder = builder.request_body(Some(
            RequestBodyBuilder::new()
                .content(content_type, Content::new(Some(body)))
                .required(Some(Required::True))
                .build(),
        ));
    }
    if let Some((status, description, contents)) = op.success {
        let mut response = ResponseBuilder::new().description(description);
        for (content_type, schema) in contents {
            response = response.content(content_type, Content::new(Some(schema)));
        }
        builder = builder.response(status.to_string(), response.build());
    }
    // What any operation of this shape may answer: a database that has no connection free
    // (503); a body that stalls (408) or is too large (413); on writes, references that do
    // not exist (404), duplicates, stale versions and keys in flight (409), and business
    // rules, a reused Idempotency-Key included (422).
    let mut errors = op.errors;
    errors.extend([400, 500, 503]);
    // Rate limits spare a few paths.
    if !crate::platform::rate_limit::exempt(&path) {
        errors.push(429);
    }
    if has_body {
        errors.extend([408, 413]);
    }
    if method != Method::Get {
        errors.extend([404, 409, 422]);
    }
    // A parameter may name a record that does not exist (or is another tenant's).
    if has_params {
        errors.push(404);
    }
    if op.secured {
        errors.extend([401, 403]);
        builder = builder
            .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
            .security(SecurityRequirement::new("access_token", Vec::<String>::new()))
            .security(SecurityRequirement::new("api_key", Vec::<String>::new()));
    }
    errors.sort_unstable();
    errors.dedup();
    for status in errors {
        let response = ResponseBuilder::new()
            .description(status_text(status))
            .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
            .build();
        builder = builder.response(status.to_string(), response);
    }
    builder.build()
}

impl Docs {
    /// The OpenAPI 3.1 document: the paths and every schema they name, made now.
    pub fn openapi(self) -> OpenApi {
        let mut components = ComponentsBuilder::new()
            .security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)))
            .security_scheme("access_token", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-access-token"))))
            .security_scheme("api_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)));
        // Each type once, however many operations name it.
        let mut schema_fns: Vec<SchemaFn> = self.ops.iter().flat_map(|d| d.op.schemas.iter().copied()).collect();
        schema_fns.sort_unstable_by_key(|f| *f as usize);
        schema_fns.dedup_by_key(|f| *f as usize);
        let mut made = vec![("ErrorBody".to_string(), ErrorBody::schema())];
        ErrorBody::schemas(&mut made);
        for make in schema_fns {
            make(&mut made);
        }
        let mut paths = Paths::new();
        for d in self.ops {
            let (path, method) = (d.path.clone(), d.method.http());
            paths.add_path_operation(path, vec![method], operation(d));
        }
        let mut schemas = BTreeMap::new();
        for (name, schema) in made {
            schemas.entry(name).or_insert(schema);
        }
        for (name, schema) in schemas {
            components = components.schema(name, schema);
        }
        OpenApiBuilder::new()
            .info(
                InfoBuilder::new()
                    .title("Kasir API")
                    .version(self.version)
                    .description(Some("Point-of-sale backend: see API.md for the contract.")),
            )
            .paths(paths)
            .components(Some(components.build()))
            .build()
    }
}

/// The schema of a file in a body or response: a string of format `binary`.
pub fn binary_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::Custom("binary".into())))
}
