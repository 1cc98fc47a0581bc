//! The browsable API documentation: Swagger UI, embedded in the binary so `/docs` works with no internet
//! connection. The vendored files and how to refresh them are described in `assets/swagger-ui/README.md`.

use axum::{
    http::{header, HeaderValue},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use tower_http::set_header::SetResponseHeaderLayer;

/// Adds the page at `/docs` and its assets under `/docs/`.
pub fn routes<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let docs = Router::new()
        .route("/docs", get(page))
        .route("/docs/swagger-ui-bundle.js", get(bundle))
        .route("/docs/swagger-ui.css", get(stylesheet))
        .route("/docs/init.js", get(init_script))
        // Replaces the server-wide `default-src 'none'` with just what Swagger UI needs from this origin.
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)));
    router.merge(docs)
}

/// Inline styles stay allowed because Swagger UI sets `style` attributes; scripts come only from files.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// The assets' URLs carry the Kasir version, so a year's caching never outlives the binary that served them.
const CACHE_FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

const SWAGGER_UI_BUNDLE: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_UI_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");
const INIT_JS: &[u8] = include_bytes!("../../assets/docs/init.js");

// Asset links are relative (`docs/…`, no leading slash) so the page finds its own copies both at `/docs` and at
// `/api/v1/docs`.
const PAGE: &str = concat!(
    r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kasir API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="docs/swagger-ui.css?v="#,
    env!("CARGO_PKG_VERSION"),
    r#"">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js?v="#,
    env!("CARGO_PKG_VERSION"),
    r#""></script>
<script src="docs/init.js?v="#,
    env!("CARGO_PKG_VERSION"),
    r#""></script>
<noscript>The machine-readable document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
</body>
</html>"#
);

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

async fn bundle() -> Response {
    asset("text/javascript; charset=utf-8", SWAGGER_UI_BUNDLE)
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", SWAGGER_UI_CSS)
}

async fn init_script() -> Response {
    asset("text/javascript; charset=utf-8", INIT_JS)
}

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, CACHE_FOR_A_YEAR)], body).into_response()
}
