//! A database fault inside an operation is a logged 500 whose log names the steps it happened in
//! (the instrumented operations and store calls), and the request changes nothing.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt};

use crate::{
    common::{Backend, TestServer},
    till::Till,
};

crate::backend_tests!(a_database_fault_is_a_500_whose_log_names_its_steps);

/// Everything logged in this process, from the first call on.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    captured_at(tracing::Level::INFO)
}

/// Everything logged in this process up to `level`, from the first call on (the first call's
/// level holds: each test runs in a process of its own).
pub fn captured_at(level: tracing::Level) -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let writer = move || Sink(sink.clone());
        let _ = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(writer)
            .finish()
            .with(tracing_error::ErrorLayer::default())
            .try_init();
        log
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn a_database_fault_is_a_500_whose_log_names_its_steps(b: Backend) {
    let log = captured();
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cup = t.product(&s, "CUP", 10_000, json!({})).await;
    t.stock(&s, &cup, None, 5.0).await;
    t.open_shift(&s, &t.cashier, 0).await;
    // A table the sale's lines go to is gone (as a botched manual migration would leave it).
    kasir_store::raw_execute(&s.state.db, "ALTER TABLE sale_payments RENAME TO sale_payments_gone").await.unwrap();

    let r = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": cup, "quantity": 1}]), 10_000)).await;
    assert_eq!((r.status, r.code()), (500, "internal"), "{:?}", r.body);
    assert!(!r.body.to_string().contains("sale_payments"), "the cause is logged, never sent: {:?}", r.body);

    let text = String::from_utf8_lossy(&log.lock().unwrap_or_else(|e| e.into_inner())).to_string();
    let failure = text.lines().position(|l| l.contains("request failed")).map(|i| text.lines().skip(i).take(12));
    let failure: Vec<&str> = failure.expect("the 500 is logged").collect();
    let failure = failure.join("\n");
    assert!(failure.contains("sale_payments"), "the database's own message: {failure}");
    // The sale's lines go with its stock movements and the numbered sale row, in one call.
    assert!(failure.contains("kasir_store::selling::sales::write::insert_numbered"), "the store call: {failure}");
    assert!(failure.contains("writes=stock_movements, sale_items, sale_payments"), "what it wrote: {failure}");
    assert!(failure.contains("kasir_server::selling::checkout::write"), "the operation's step: {failure}");
    assert!(failure.contains("kasir_server::selling::checkout::checkout"), "the operation: {failure}");

    // Nothing was written: no sale, stock as it was.
    assert_eq!(s.get("/sales", &t.owner).await.body["pagination"]["total"], 0);
    assert_eq!(t.level(&s, &cup, None).await, 5.0);
}
