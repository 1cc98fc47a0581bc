//! The back office (`/office`) in a real browser: the dashboard shows exactly what
//! `/dashboard/summary` says, figures and chart bars alike, and a product edit is saved.

use serde_json::{json, Value};

use crate::{
    browser::Browser,
    browser_till::click,
    common::{Backend, TestServer},
};

crate::backend_tests!(the_office_dashboard_shows_what_the_summary_says);

/// `150000` as the apps write it: `Rp150.000`.
fn rupiah(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}Rp{out}", if n < 0 { "-" } else { "" })
}

async fn the_office_dashboard_shows_what_the_summary_says(backend: Backend) {
    let s = TestServer::start(backend).await;
    let r = crate::restaurant::resto(&s).await;
    r.t.open_shift(&s, &r.t.cashier, 100000).await;
    let card = s.post("/payment-methods", &r.t.owner, json!({"name": "Kartu", "type": "card"})).await;
    assert_eq!(card.status, 201, "{:?}", card.body);
    let card = card.data()["id"].as_str().unwrap().to_string();
    let mut sold = Vec::new();
    for (items, pays) in [
        (json!([{"product_id": r.rice, "quantity": 2}]), json!([{"payment_method_id": r.t.cash, "amount": 60000}])),
        (
            json!([{"product_id": r.coffee, "quantity": 1, "modifiers": [r.oat]}, {"product_id": r.rice, "quantity": 1}]),
            json!([{"payment_method_id": card, "amount": 56000}]),
        ),
        (
            json!([{"product_id": r.coffee, "quantity": 3, "discount": {"type": "percent", "value": 1000}}]),
            json!([{"payment_method_id": r.t.cash, "amount": 50000}, {"payment_method_id": card, "amount": 4000}]),
        ),
    ] {
        let sale =
            s.post("/sales", &r.t.cashier, json!({"outlet_id": r.t.outlet, "items": items, "payments": pays})).await;
        assert_eq!(sale.status, 201, "{:?}", sale.body);
        sold.push(sale.data().clone());
    }
    let item = sold[0]["items"][0]["id"].as_str().unwrap();
    let refund = s
        .post(
            &format!("/sales/{}/refunds", sold[0]["id"].as_str().unwrap()),
            &r.t.owner,
            json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "cold"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{:?}", refund.body);

    let b = Browser::start().await;
    b.open(&format!("{}/office", s.base)).await;
    b.sign_in("acme-owner").await;
    b.wait_until("document.getElementById('dashboard')?.dataset.loaded === 'true'", 20).await;
    let from = b.eval("document.querySelector('#filters [name=from]').value").await;
    let to = b.eval("document.querySelector('#filters [name=to]').value").await;
    let summary = s
        .get(&format!("/dashboard/summary?from={}&to={}", from.as_str().unwrap(), to.as_str().unwrap()), &r.t.owner)
        .await;
    assert_eq!(summary.status, 200, "{:?}", summary.body);
    let summary = summary.data().clone();
    assert_eq!(summary["sales_count"], 3);
    for kpi in
        ["sales_count", "gross_sales", "discount_total", "refund_total", "net_sales", "tax_total", "average_sale"]
    {
        let shown = b.eval(&format!("document.querySelector(\"[data-kpi='{kpi}']\").textContent")).await;
        let n = summary[kpi].as_i64().unwrap();
        let want = if kpi == "sales_count" { n.to_string() } else { rupiah(n) };
        assert_eq!(shown, json!(want), "{kpi}");
    }
    // The charts draw the same figures.
    let bars = |chart: &str| {
        format!("[...document.querySelectorAll('#chart-{chart} rect')].map(r => [r.dataset.label, Number(r.dataset.value)])")
    };
    let methods = b.eval(&bars("methods")).await;
    let want: Vec<Value> =
        summary["by_payment_method"].as_array().unwrap().iter().map(|m| json!([m["name"], m["net"]])).collect();
    assert_eq!(methods, json!(want));
    let top = b.eval(&bars("top")).await;
    let want: Vec<Value> =
        summary["top_products"].as_array().unwrap().iter().map(|p| json!([p["name"], p["total"]])).collect();
    assert_eq!(top, json!(want));
    let by_hour: i64 = b.eval(&format!("{}.reduce((s, [, v]) => s + v, 0)", bars("by-hour"))).await.as_i64().unwrap();
    let want: i64 = summary["by_hour"].as_array().unwrap().iter().map(|h| h["total"].as_i64().unwrap()).sum();
    assert_eq!(by_hour, want);
    assert_eq!(b.eval(&format!("{}.length", bars("by-hour"))).await, json!(24));

    // Products: a search finds one, and its edit is saved.
    click(&b, "[data-tab='products']").await;
    b.wait_until("document.querySelectorAll('#product-list tr[data-product]').length === 2", 10).await;
    b.eval("const i = document.getElementById('product-search'); i.value = 'nasi'; i.dispatchEvent(new Event('input')); true").await;
    b.wait_until("document.querySelectorAll('#product-list tr[data-product]').length === 1", 10).await;
    click(&b, "#product-list .edit").await;
    b.eval("const f = document.getElementById('edit-product'); f.elements.price.value = '32000'; document.getElementById('save-product').click(); true").await;
    b.wait_until("document.querySelector('#product-list tr[data-product] .price')?.textContent === 'Rp32.000'", 10)
        .await;
    let rice = s.get(&format!("/products/{}", r.rice), &r.t.owner).await;
    assert_eq!(rice.data()["price"], 32000);
}
