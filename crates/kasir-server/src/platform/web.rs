//! The web apps, served by the binary. They need no build step: ES modules and one stylesheet,
//! embedded from `assets/web/` as they are, so the server works with no internet connection and
//! nothing comes from a CDN. `/guest?session=<token>` is the page a table's QR code opens;
//! `/kitchen` is the kitchen display; `/till` the cashier's till, which keeps working offline
//! (its service worker is `/till-sw.js`); `/office` the back office; `/` leads to them.

use axum::{
    extract::Path,
    http::{header, HeaderValue},
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

const FRONT_PAGE: &str = include_str!("../../assets/web/index.html");
const GUEST_PAGE: &str = include_str!("../../assets/web/guest.html");
const KITCHEN_PAGE: &str = include_str!("../../assets/web/kitchen.html");
const TILL_PAGE: &str = include_str!("../../assets/web/till.html");
const OFFICE_PAGE: &str = include_str!("../../assets/web/office.html");
/// The till's service worker: served from the root so that it may control `/till`.
const TILL_WORKER: &str = include_str!("../../assets/web/till-sw.js");

/// Adds the apps' pages and `/web/<asset>`.
pub fn routes<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let web = Router::new()
        .route("/", get(|| page(FRONT_PAGE)))
        .route("/guest", get(|| page(GUEST_PAGE)))
        .route("/kitchen", get(|| page(KITCHEN_PAGE)))
        .route("/till", get(|| page(TILL_PAGE)))
        .route("/office", get(|| page(OFFICE_PAGE)))
        .route("/till-sw.js", get(till_worker))
        .route("/web/{name}", get(asset))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)));
    router.merge(web)
}

async fn page(html: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, REVALIDATE)], html).into_response()
}

async fn till_worker() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, REVALIDATE)], TILL_WORKER)
        .into_response()
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => {
            ([(header::CONTENT_TYPE, a.content_type), (header::CACHE_CONTROL, REVALIDATE)], a.body).into_response()
        }
        None => ApiError::NotFound.into_response(),
    }
}
