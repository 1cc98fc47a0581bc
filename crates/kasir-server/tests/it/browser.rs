//! Pages in a real browser: Debian's headless Chromium, driven through the DevTools protocol over
//! its WebSocket (a small client here: launch, open a tab, navigate, run script, read what the
//! page requested). `scripts/test` installs the `chromium` package; nothing downloads a browser.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::common::TestServer;

/// A headless Chromium with one tab, closed when dropped.
pub struct Browser {
    child: std::process::Child,
    _profile: tempfile::TempDir,
    out: mpsc::UnboundedSender<String>,
    pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>,
    events: Arc<Mutex<Vec<Value>>>,
    next: AtomicU64,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("Debian's chromium (scripts/test installs it)")
}

impl Browser {
    /// Starts Chromium and opens a blank tab.
    pub async fn start() -> Browser {
        let profile = tempfile::tempdir().expect("a profile directory");
        let child = std::process::Command::new(chromium())
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                // A tab opened over DevTools counts as in the background: its timers must run at full speed.
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes the port it chose, and the browser's WebSocket path, to this file.
        let port_file = profile.path().join("DevToolsActivePort");
        let mut endpoint = None;
        for _ in 0..300 {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    endpoint = Some(format!("ws://127.0.0.1:{port}{path}"));
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let endpoint = endpoint.expect("chromium opened its DevTools port within 15 s");
        let (ws, _) = tokio_tungstenite::connect_async(endpoint).await.expect("the DevTools socket opens");
        let (mut sink, mut stream) = ws.split();
        let (out, mut outbox) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(text) = outbox.recv().await {
                if sink.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
        });
        let pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>> = Arc::default();
        let events: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (p, e) = (pending.clone(), events.clone());
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                let Message::Text(text) = msg else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                match v["id"].as_u64() {
                    Some(id) => {
                        if let Some(reply) = p.lock().unwrap().remove(&id) {
                            let _ = reply.send(v);
                        }
                    }
                    None => e.lock().unwrap().push(v),
                }
            }
        });
        let mut b =
            Browser { child, _profile: profile, out, pending, events, next: AtomicU64::new(1), session: String::new() };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"})).await;
        let target_id = target["targetId"].as_str().expect("a target").to_string();
        let attached = b.call("Target.attachToTarget", json!({"targetId": target_id, "flatten": true})).await;
        b.session = attached["sessionId"].as_str().expect("a session").to_string();
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            b.call(domain, json!({})).await;
        }
        b
    }

    /// Sends a command (to the tab, once there is one) and waits for its result.
    pub async fn call(&self, method: &str, params: Value) -> Value {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, tx);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.out.send(msg.to_string()).expect("the DevTools socket is open");
        let reply = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .unwrap_or_else(|_| panic!("{method} answered within 30 s"))
            .expect("an answer");
        assert!(reply["error"].is_null(), "{method}: {}", reply["error"]);
        reply["result"].clone()
    }

    /// Reloads the page and waits for its load event.
    pub async fn reload(&self) {
        let before = self.events.lock().unwrap().len();
        self.call("Page.reload", json!({})).await;
        self.wait_for_event("Page.loadEventFired", before).await;
    }

    /// Opens `url` and waits for its load event.
    pub async fn open(&self, url: &str) {
        let before = self.events.lock().unwrap().len();
        self.call("Page.navigate", json!({"url": url})).await;
        self.wait_for_event("Page.loadEventFired", before).await;
    }

    async fn wait_for_event(&self, method: &str, after: usize) {
        for _ in 0..600 {
            if self.events.lock().unwrap()[after..].iter().any(|e| e["method"] == method) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {method} within 30 s");
    }

    /// The value of `expression` in the page (a promise is awaited).
    pub async fn eval(&self, expression: &str) -> Value {
        let r = self
            // In a block, so that declarations of one call do not clash with the next.
            .call(
                "Runtime.evaluate",
                json!({"expression": format!("{{\n{expression}\n}}"), "awaitPromise": true, "returnByValue": true}),
            )
            .await;
        assert!(r["exceptionDetails"].is_null(), "{expression}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Waits until `expression` is true in the page, within `secs` seconds.
    pub async fn wait_until(&self, expression: &str, secs: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while tokio::time::Instant::now() < deadline {
            if self.eval(expression).await == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let page = self.eval("document.body ? document.body.innerText.slice(0, 800) : ''").await;
        let errors: Vec<Value> = self
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["method"] == "Runtime.exceptionThrown" || e["method"] == "Runtime.consoleAPICalled")
            .map(|e| e["params"].clone())
            .collect();
        panic!("{expression} was not true within {secs} s; the page shows {page}; console: {errors:?}");
    }

    /// Signs in on the staff login form that the page shows.
    pub async fn sign_in(&self, username: &str) {
        self.wait_until("document.getElementById('login') !== null", 15).await;
        self.eval(&format!(
            "const f = document.getElementById('login'); f.username.value = '{username}'; f.password.value = '{}'; f.requestSubmit(); true",
            crate::common::PASSWORD
        ))
        .await;
    }

    /// Presses keys as a keyboard (or a keyboard-wedge scanner) would: each character, then Enter.
    pub async fn type_keys(&self, text: &str) {
        for c in text.chars() {
            let code = format!("Digit{c}");
            for kind in ["keyDown", "keyUp"] {
                let text = if kind == "keyDown" { c.to_string() } else { String::new() };
                self.call(
                    "Input.dispatchKeyEvent",
                    json!({"type": kind, "key": c.to_string(), "code": code, "text": text, "windowsVirtualKeyCode": c as u32}),
                )
                .await;
            }
        }
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}),
            )
            .await;
        }
    }

    /// Every URL the tab has requested so far.
    pub fn requested(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_docs_render_in_a_browser_from_this_server_alone() {
    let s = TestServer::start(crate::common::Backend::Sqlite).await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", s.base)).await.unwrap().json().await.unwrap();
    let b = Browser::start().await;
    b.open(&format!("{}/docs", s.base)).await;
    // Swagger UI, from this server's own copy, draws the document: its title, version, and the
    // operations of the first tag (it draws the rest progressively).
    b.wait_until("document.querySelectorAll('.opblock').length >= 3", 30).await;
    let title = b.eval("document.querySelector('.info .title').childNodes[0].textContent.trim()").await;
    assert_eq!(title, doc["info"]["title"]);
    let first = b.eval("document.querySelector('.opblock-summary-path').textContent").await;
    let first_path = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, ops)| ops.as_object().unwrap().values().any(|op| op["tags"][0] == "api-keys"))
        .map(|(p, _)| p.clone())
        .unwrap();
    assert_eq!(first.as_str().map(|p| p.replace('\u{200b}', "")), Some(first_path));
    let requested = b.requested();
    assert!(!requested.is_empty());
    let elsewhere: Vec<&String> =
        requested.iter().filter(|u| !u.starts_with(&s.base) && !u.starts_with("data:")).collect();
    assert!(elsewhere.is_empty(), "the page asked for nothing beyond this server: {elsewhere:?}");
}

crate::backend_tests!(
    a_guest_orders_from_the_qr_page_and_sees_the_kitchen_move_it,
    a_new_order_reaches_the_kitchen_display_and_is_bumped_to_done,
    a_guest_pays_by_qris_from_the_same_page,
);

async fn a_guest_pays_by_qris_from_the_same_page(backend: crate::common::Backend) {
    let s = TestServer::start_with(backend, |c| c.secret_key = Some(crate::payments::SERVER_KEY.into())).await;
    let r = crate::restaurant::resto(&s).await;
    let fake = crate::payments::gateway_for(&s, &r.t.owner).await;
    let shift = r.t.open_shift(&s, &r.t.cashier, 0).await;
    let session = s.post("/table-sessions", &r.t.cashier, json!({"table_id": r.tables[1]})).await;
    let token = session.data()["token"].as_str().unwrap().to_string();
    let b = Browser::start().await;
    b.open(&format!("{}/guest?session={token}", s.base)).await;
    let rice = format!("[data-product='{}']", r.rice);
    b.wait_until(&format!("document.querySelector(\"{rice} .add\") !== null"), 15).await;
    b.eval(&format!("document.querySelector(\"{rice} .add\").click(); true")).await;
    b.wait_until("document.getElementById('place') !== null", 5).await;
    b.eval("document.getElementById('place').click(); true").await;
    b.wait_until("document.getElementById('pay-qris') !== null", 15).await;
    b.eval("document.getElementById('pay-qris').click(); true").await;
    // The QRIS code the server drew from the gateway's string.
    b.wait_until("document.getElementById('qr') !== null && document.getElementById('qr').naturalWidth >= 256", 15)
        .await;
    let payments = s.get("/payments?purpose=order", &r.t.owner).await;
    assert_eq!(payments.body["pagination"]["total"], 1, "{:?}", payments.body);
    let p = &payments.data()[0];
    assert_eq!((p["method"].as_str(), p["amount"].as_i64()), (Some("qris"), Some(30000)));
    // The guest pays in their app: the gateway calls back and the page says so.
    let (status, _) = fake.pay(p["external_id"].as_str().unwrap(), "SUCCEEDED").await;
    assert_eq!(status, 200);
    b.wait_until("document.getElementById('paid') !== null", 10).await;
    assert_eq!(b.eval("document.getElementById('paid').textContent").await, json!("Paid — thank you!"));
    let sales = s.get(&format!("/sales?shift_id={shift}"), &r.t.owner).await;
    assert_eq!(sales.body["pagination"]["total"], 1);
    // (The code is shown from a blob of this page's own.)
    let own_blob = format!("blob:{}", s.base);
    let elsewhere: Vec<String> =
        b.requested().into_iter().filter(|u| !u.starts_with(&s.base) && !u.starts_with(&own_blob)).collect();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}

async fn a_guest_orders_from_the_qr_page_and_sees_the_kitchen_move_it(backend: crate::common::Backend) {
    let s = TestServer::start(backend).await;
    let r = crate::restaurant::resto(&s).await;
    let session = s.post("/table-sessions", &r.t.cashier, json!({"table_id": r.tables[0]})).await;
    assert_eq!(session.status, 201, "{:?}", session.body);
    let token = session.data()["token"].as_str().unwrap().to_string();
    let b = Browser::start().await;
    // The link the table's QR code holds.
    b.open(&format!("{}/guest?session={token}", s.base)).await;
    let rice = format!("[data-product='{}']", r.rice);
    b.wait_until(&format!("document.querySelector(\"{rice} .add\") !== null"), 15).await;
    assert_eq!(b.eval("document.getElementById('table').textContent").await, json!("Table T1"));
    assert_eq!(b.eval(&format!("document.querySelector(\"{rice} .price\").textContent")).await, json!("Rp30.000"));
    // Two Nasi Goreng, and a Kopi with oat milk chosen in its dialog.
    b.eval(&format!(
        "document.querySelector(\"{rice} .add\").click(); document.querySelector(\"{rice} .add\").click(); true"
    ))
    .await;
    let kopi = format!("[data-product='{}']", r.coffee);
    b.eval(&format!("document.querySelector(\"{kopi} .add\").click(); true")).await;
    b.wait_until("document.querySelector('dialog[open]') !== null", 5).await;
    b.eval(&format!(
        "document.querySelector(\"dialog input[value='{}']\").click(); document.querySelector(\"dialog button[value='ok']\").click(); true",
        r.oat
    ))
    .await;
    b.wait_until(
        "document.getElementById('total') !== null && document.getElementById('total').textContent === 'Rp86.000'",
        5,
    )
    .await;
    b.eval("document.getElementById('place').click(); true").await;
    b.wait_until(
        "document.getElementById('status') !== null && document.getElementById('status').dataset.status === 'NEW'",
        15,
    )
    .await;

    // The kitchen has it, as the guest chose it.
    let orders = s.get("/orders", &r.t.owner).await;
    assert_eq!(orders.data().as_array().unwrap().len(), 1);
    let order = &orders.data()[0];
    assert_eq!(order["source"], "guest");
    assert_eq!(order["total_amount"], 86000);
    let items: Vec<(String, Value)> = order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap().to_string(), i["quantity"].clone()))
        .collect();
    assert_eq!(items, vec![("Nasi Goreng".to_string(), json!(2)), ("Kopi".to_string(), json!(1))]);
    assert_eq!(order["items"][1]["modifiers"][0]["name"], "Oat");
    // The kitchen accepts it: the guest's page says so within seconds.
    let id = order["id"].as_str().unwrap();
    let moved = s.patch(&format!("/orders/{id}/status"), &r.t.owner, json!({"status": "ACCEPTED"})).await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    b.wait_until("document.getElementById('status').dataset.status === 'ACCEPTED'", 10).await;
    assert_eq!(b.eval("document.getElementById('status').textContent").await, json!("Accepted"));
    let elsewhere: Vec<String> = b.requested().into_iter().filter(|u| !u.starts_with(&s.base)).collect();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}

async fn a_new_order_reaches_the_kitchen_display_and_is_bumped_to_done(backend: crate::common::Backend) {
    let s = TestServer::start(backend).await;
    let r = crate::restaurant::resto(&s).await;
    s.user(&r.t.owner, "dapur1", "kitchen", &[&r.t.outlet]).await;
    let b = Browser::start().await;
    b.open(&format!("{}/kitchen", s.base)).await;
    b.sign_in("dapur1").await;
    b.wait_until("document.body.dataset.live === 'true' && document.getElementById('empty') !== null", 15).await;

    let placed = std::time::Instant::now();
    let order = s
        .post(
            "/orders",
            &r.t.cashier,
            json!({"outlet_id": r.t.outlet, "table_id": r.tables[1], "type": "dine_in", "note": "no chili",
                   "items": [{"product_id": r.rice, "quantity": 2, "note": "extra egg"}]}),
        )
        .await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    let id = order.data()["id"].as_str().unwrap().to_string();
    let ticket = format!("document.querySelector(\"[data-order='{id}']\")");
    b.wait_until(&format!("{ticket} !== null"), 15).await;
    let took = placed.elapsed();
    eprintln!("kitchen display: the new order showed {} ms after it was placed", took.as_millis());
    assert!(took < Duration::from_secs(2), "the order reached the display in {took:?}");
    let text = b.eval(&format!("{ticket}.textContent")).await;
    let text = text.as_str().unwrap();
    assert!(
        text.contains("Table T2")
            && text.contains("2× Nasi Goreng")
            && text.contains("extra egg")
            && text.contains("no chili"),
        "{text}"
    );

    // Four taps take it through the kitchen; done, it leaves the board.
    for status in ["ACCEPTED", "COOKING", "READY"] {
        b.eval(&format!("{ticket}.querySelector('.bump').click(); true")).await;
        b.wait_until(&format!("{ticket} !== null && {ticket}.dataset.status === '{status}'"), 10).await;
    }
    b.eval(&format!("{ticket}.querySelector('.bump').click(); true")).await;
    b.wait_until(&format!("{ticket} === null"), 10).await;
    let done = s.get(&format!("/orders/{id}"), &r.t.owner).await;
    assert_eq!(done.data()["status"], "DONE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_page_leads_to_the_apps() {
    let s = TestServer::start(crate::common::Backend::Sqlite).await;
    let front = reqwest::get(format!("{}/", s.base)).await.unwrap();
    assert_eq!(front.status(), 200);
    assert_eq!(front.headers()["content-type"], "text/html; charset=utf-8");
    let html = front.text().await.unwrap();
    let links: Vec<&str> = html.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert_eq!(links, ["/web/kasir.css", "/till", "/office", "/kitchen", "/docs"]);
    for link in links {
        assert_eq!(reqwest::get(format!("{}{link}", s.base)).await.unwrap().status(), 200, "{link}");
    }
}
