//! The web apps, served by the binary. They need no build step: ES modules and one stylesheet,
//! embedded from `assets/web/` as they are, so the server works with no internet connection and
//! nothing comes from a CDN. `/guest?session=<token>` is the page a table's QR code opens;
//! `/kitchen` is the kitchen display; `/till` the cashier's till, which keeps working offline
//! (its service worker is `/till-sw.js`); `/office` the back office; `/` leads to them.

use std::{
    collections::HashMap,
    io::Write,
    sync::{Mutex, OnceLock},
};

use axum::{
    extract::Path,
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::ApiError;

/// Scripts, styles, data and images from this origin only; no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Pages and assets are revalidated on every load: an upgraded server serves its own copies.
const REVALIDATE: &str = "no-cache";

/// A file the apps load from `/web/<name>`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "kasir.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/web/kasir.css"),
    },
    Asset {
        name: "common.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/common.js"),
    },
    Asset {
        name: "api.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/api.js"),
    },
    Asset {
        name: "session.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/session.js"),
    },
    Asset {
        name: "kitchen.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/kitchen.js"),
    },
    Asset {
        name: "choose.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/choose.js"),
    },
    Asset {
        name: "pricing.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/pricing.js"),
    },
    Asset {
        name: "till.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/till.js"),
    },
    Asset {
        name: "till-sync.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/till-sync.js"),
    },
    Asset {
        name: "office.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/office.js"),
    },
    Asset {
        name: "guest.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/guest.js"),
    },
];

/// The pages, by route.
const PAGES: &[(&str, &str)] = &[
    ("/", include_str!("../../assets/web/index.html")),
    ("/guest", include_str!("../../assets/web/guest.html")),
    ("/kitchen", include_str!("../../assets/web/kitchen.html")),
    ("/till", include_str!("../../assets/web/till.html")),
    ("/office", include_str!("../../assets/web/office.html")),
];

/// The till's service worker: served from the root so that it may control `/till`.
const TILL_WORKER: &[u8] = include_bytes!("../../assets/web/till-sw.js");
const JS: &str = "text/javascript; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// Adds the apps' pages, the till's service worker and `/web/<asset>`.
pub fn routes<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let mut web = Router::new();
    for (route, html) in PAGES {
        web = web.route(route, get(move |h: HeaderMap| async move { serve(&h, route, HTML, html.as_bytes()) }));
    }
    let web = web
        .route("/till-sw.js", get(|h: HeaderMap| async move { serve(&h, "/till-sw.js", JS, TILL_WORKER) }))
        .route("/web/{name}", get(asset))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)));
    router.merge(web)
}

async fn asset(h: HeaderMap, Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => serve(&h, a.name, a.content_type, a.body),
        None => ApiError::NotFound.into_response(),
    }
}

/// Answers with `body`, gzipped when the client takes gzip (each file is compressed once, on
/// first request, and kept).
fn serve(h: &HeaderMap, key: &'static str, content_type: &'static str, body: &'static [u8]) -> Response {
    let headers =
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, REVALIDATE), (header::VARY, "accept-encoding")];
    let takes_gzip = h
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
    if !takes_gzip {
        return (headers, body).into_response();
    }
    (headers, [(header::CONTENT_ENCODING, "gzip")], gzipped(key, body)).into_response()
}

fn gzipped(key: &'static str, body: &'static [u8]) -> &'static [u8] {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static [u8]>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| {
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = z.write_all(body);
        Box::leak(z.finish().unwrap_or_default().into_boxed_slice())
    })
}
