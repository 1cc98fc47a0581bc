use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer, PASSWORD},
    till::{id, Till},
};

crate::backend_tests!(a_known_day_adds_up_in_the_dashboard_and_every_report);

/// Dates around today, so that a day that turns at the outlet while the test runs stays covered.
fn window() -> String {
    let today = jiff::Zoned::now().date();
    let from = today.yesterday().unwrap();
    let to = today.tomorrow().unwrap();
    format!("from={from}&to={to}")
}

fn row<'a>(rows: &'a Value, label: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r["label"] == label).unwrap_or_else(|| panic!("no {label} in {rows}"))
}

fn figures(r: &Value) -> Vec<i64> {
    ["sales_count", "gross_sales", "discount_total", "tax_total", "total", "refund_total", "net_sales"]
        .iter()
        .map(|k| r[*k].as_i64().unwrap_or_else(|| panic!("{k} in {r}")))
        .collect()
}

async fn a_known_day_adds_up_in_the_dashboard_and_every_report(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let k02 = s.outlet(&t.owner, "K02").await;
    let drinks = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    let food = id(&s.post("/categories", &t.owner, json!({"name": "Food"})).await);
    let pb1 = id(&s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000, "inclusive": true})).await);
    let tea = t.product(&s, "TEA", 10000, json!({"category_id": drinks, "track_stock": false})).await;
    let cake = t.product(&s, "CAKE", 25000, json!({"category_id": food, "tax_id": pb1, "track_stock": false})).await;
    let mug = t.product(&s, "MUG", 50000, json!({"track_stock": false})).await;
    let qris = id(&s.post("/payment-methods", &t.owner, json!({"name": "QRIS", "type": "qris"})).await);
    s.user(&t.owner, "kasir2", "cashier", &[&t.outlet]).await;
    let kasir2 = s.token("kasir2", PASSWORD).await;
    t.open_shift(&s, &t.cashier, 0).await;
    t.open_shift(&s, &kasir2, 0).await;
    let r = s.post("/shifts/open", &t.owner, json!({"outlet_id": k02, "start_cash": 0})).await;
    assert_eq!(r.status, 201);
    let sell = |token: String, body: Value| {
        let s = &s;
        async move {
            let r = s.post("/sales", &token, body).await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            r.data().clone()
        }
    };
    // S1: 2 teas and a cake (PB1 2.273 included), 50.000 cash: 5.000 change.
    let s1 = sell(
        t.cashier.clone(),
        t.sale(json!([{"product_id": tea, "quantity": 2}, {"product_id": cake, "quantity": 1}]), 50000),
    )
    .await;
    // S2: a mug less 10 %, by QRIS.
    let mut body =
        t.sale(json!([{"product_id": mug, "quantity": 1, "discount": {"type": "percent", "value": 1000}}]), 0);
    body["payments"] = json!([{"payment_method_id": qris, "amount": 45000}]);
    sell(t.cashier.clone(), body).await;
    // S3: a tea by kasir2, voided.
    let s3 = sell(kasir2.clone(), t.sale(json!([{"product_id": tea, "quantity": 1}]), 10000)).await;
    let v =
        s.post(&format!("/sales/{}/void", s3["id"].as_str().unwrap()), &t.owner, json!({"reason": "wrong item"})).await;
    assert_eq!(v.status, 200, "{:?}", v.body);
    // S4: two cakes at K02 by the owner (PB1 4.545 included).
    let mut k02_sale = t.sale(json!([{"product_id": cake, "quantity": 2}]), 50000);
    k02_sale["outlet_id"] = json!(k02);
    sell(t.owner.clone(), k02_sale).await;
    // R1: one of S1's teas back, by the owner, in cash.
    let tea_line = s1["items"][0]["id"].as_str().unwrap();
    let r = s
        .post(
            &format!("/sales/{}/refunds", s1["id"].as_str().unwrap()),
            &t.owner,
            json!({"items": [{"sale_item_id": tea_line, "quantity": 1}], "reason": "spilt"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    let w = window();
    let d = s.get(&format!("/dashboard/summary?{w}"), &t.owner).await;
    assert_eq!(d.status, 200, "{:?}", d.body);
    let d = d.data();
    let got: Vec<i64> = [
        "sales_count",
        "gross_sales",
        "discount_total",
        "tax_total",
        "refund_count",
        "refund_total",
        "net_sales",
        "average_sale",
        "void_count",
        "void_total",
    ]
    .iter()
    .map(|k| d[*k].as_i64().unwrap())
    .collect();
    assert_eq!(got, vec![3, 145000, 5000, 6818, 1, 10000, 130000, 46667, 1, 10000], "{d}");
    let methods = d["by_payment_method"].as_array().unwrap();
    let cash = methods.iter().find(|m| m["type"] == "cash").unwrap();
    let cash_figures: Vec<i64> =
        ["sales", "change", "refunds", "net"].iter().map(|k| cash[*k].as_i64().unwrap()).collect();
    assert_eq!(cash_figures, vec![100000, 5000, 10000, 85000]);
    let by_qris = methods.iter().find(|m| m["type"] == "qris").unwrap();
    assert_eq!(by_qris["net"], 45000);
    let top: Vec<(String, f64, i64)> = d["top_products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["name"].as_str().unwrap().to_string(), p["quantity"].as_f64().unwrap(), p["total"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(top, vec![("CAKE".into(), 3.0, 75000), ("MUG".into(), 1.0, 45000), ("TEA".into(), 2.0, 20000)]);
    let hours = d["by_hour"].as_array().unwrap();
    assert_eq!(hours.iter().map(|h| h["sales_count"].as_i64().unwrap()).sum::<i64>(), 3);
    assert_eq!(hours.iter().map(|h| h["total"].as_i64().unwrap()).sum::<i64>(), 140000);
    let k01_only = s.get(&format!("/dashboard/summary?{w}&outlet_id={}", t.outlet), &t.owner).await;
    assert_eq!(
        (k01_only.data()["sales_count"].clone(), k01_only.data()["net_sales"].clone()),
        (json!(2), json!(80000))
    );

    let report = |by: &'static str| {
        let (s, w) = (&s, w.clone());
        let owner = t.owner.clone();
        async move {
            let r = s.get(&format!("/reports/sales?group_by={by}&{w}"), &owner).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.data().clone()
        }
    };
    let days = report("day").await;
    let sum = |rows: &Value| -> Vec<i64> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(figures)
            .fold(vec![0; 7], |a, f| a.iter().zip(&f).map(|(x, y)| x + y).collect())
    };
    assert_eq!(sum(&days), vec![3, 145000, 5000, 6818, 140000, 10000, 130000]);
    let outlets = report("outlet").await;
    assert_eq!(figures(row(&outlets, "Outlet K01")), vec![2, 95000, 5000, 2273, 90000, 10000, 80000]);
    assert_eq!(figures(row(&outlets, "Outlet K02")), vec![1, 50000, 0, 4545, 50000, 0, 50000]);
    let cashiers = report("cashier").await;
    assert_eq!(figures(row(&cashiers, "kasir1")), vec![2, 95000, 5000, 2273, 90000, 0, 90000]);
    assert_eq!(figures(row(&cashiers, "Owner")), vec![1, 50000, 0, 4545, 50000, 10000, 40000], "the owner refunded");
    assert!(cashiers.as_array().unwrap().iter().all(|r| r["label"] != "kasir2"), "kasir2's only sale was voided");
    let products = report("product").await;
    assert_eq!(figures(row(&products, "TEA")), vec![1, 20000, 0, 0, 20000, 10000, 10000]);
    assert_eq!(figures(row(&products, "CAKE")), vec![2, 75000, 0, 6818, 75000, 0, 75000]);
    assert_eq!(figures(row(&products, "MUG")), vec![1, 50000, 5000, 0, 45000, 0, 45000]);
    assert_eq!(row(&products, "CAKE")["quantity"], 3);
    let categories = report("category").await;
    assert_eq!(figures(row(&categories, "Drinks")), vec![1, 20000, 0, 0, 20000, 10000, 10000]);
    assert_eq!(figures(row(&categories, "Food")), vec![2, 75000, 0, 6818, 75000, 0, 75000]);
    assert_eq!(row(&categories, "Uncategorised")["key"], Value::Null);

    let csv = s
        .raw()
        .get(format!("{}/api/v1/reports/sales?group_by=outlet&format=csv&{w}", s.base))
        .bearer_auth(&t.owner)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "key,label,sales_count,quantity,gross_sales,discount_total,tax_total,total,refund_total,net_sales"
    );
    assert!(lines.iter().any(|l| l.ends_with("Outlet K02,1,,50000,0,4545,50000,0,50000")), "{text}");
    let xlsx = s
        .raw()
        .get(format!("{}/api/v1/reports/sales?group_by=product&format=xlsx&{w}", s.base))
        .bearer_auth(&t.owner)
        .send()
        .await
        .unwrap();
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    assert_eq!(sheet.height(), 4, "a header and three products");

    let bad = s.get("/reports/sales?group_by=weekday", &t.owner).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["group_by".to_string()]));
    assert_eq!(s.get("/dashboard/summary?from=2026-13-01", &t.owner).await.status, 400);
    assert_eq!(s.get("/dashboard/summary", &t.cashier).await.status, 403, "cashiers do not read reports");
    let other = s.tenant("other").await;
    let theirs = s.get(&format!("/dashboard/summary?{w}"), &other.owner).await;
    assert_eq!(theirs.data()["sales_count"], 0, "another tenant sees none of it");
}
