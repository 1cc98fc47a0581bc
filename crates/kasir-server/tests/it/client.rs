//! The web apps' generated API client is current: regenerating it from the server's OpenAPI
//! document gives the committed files (`KASIR_WRITE_CLIENT=1` writes them instead).

use serde_json::Value;

use crate::common::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_is_current() {
    let s = TestServer::start(Backend::Sqlite).await;
    // Made on the first request for it (`kasir_server::openapi_json`).
    let doc: Value = s.raw().get(format!("{}/api/v1/openapi.json", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc, serde_json::from_str::<Value>(kasir_server::openapi_json()).unwrap());
    let (js, dts) = kasir_server::api::openapi::client::generate(&doc);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/web");
    for (name, text) in [("api.js", &js), ("api.d.ts", &dts)] {
        let path = dir.join(name);
        if std::env::var("KASIR_WRITE_CLIENT").is_ok_and(|v| v == "1") {
            std::fs::write(&path, text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == *text,
            "{name} is not what the OpenAPI document generates: KASIR_WRITE_CLIENT=1 writes it"
        );
    }
    // Every operation of the API has its function.
    let operations = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1"))
        .map(|(_, o)| o.as_object().unwrap().len())
        .sum::<usize>();
    assert_eq!(js.matches("\nexport const ").count(), operations);
    assert!(js.contains("export const getGuestMenu = "));
}
