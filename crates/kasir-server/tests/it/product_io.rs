//! Product import (CSV/XLSX, upsert by SKU, all or nothing) and the streamed exports.

use serde_json::{json, Value};

use crate::common::{Backend, Resp, TestServer, PASSWORD};

crate::backend_tests!(
    import_creates_then_updates_by_sku,
    a_file_with_any_bad_row_writes_nothing,
    dry_run_reports_without_writing,
    export_round_trips_through_import_as_csv_and_xlsx,
    files_that_are_not_what_they_claim_are_refused,
    exports_walk_the_whole_catalog_page_by_page,
    stock_export_lists_levels_the_caller_sees,
);

async fn upload(s: &TestServer, token: &str, query: &str, filename: &str, bytes: Vec<u8>) -> Resp {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = s
        .raw()
        .post(format!("{}/api/v1/products/import{query}", s.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload sent");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    Resp { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

async fn download(s: &TestServer, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let res = s.raw().get(format!("{}/api/v1{path}", s.base)).bearer_auth(token).send().await.expect("sent");
    let status = res.status().as_u16();
    let ctype = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ctype, res.bytes().await.expect("body").to_vec())
}

async fn products(s: &TestServer, token: &str) -> Vec<Value> {
    let r = s.get("/products?per_page=200&sort=sku", token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().unwrap().clone()
}

fn by_sku<'a>(list: &'a [Value], sku: &str) -> &'a Value {
    list.iter().find(|p| p["sku"] == sku).unwrap_or_else(|| panic!("no product {sku} in {list:?}"))
}

const CAFE: &str = "\
sku,name,category,brand,barcodes,price,cost,tax,unit,track_stock,low_stock_threshold,is_active,variant_name,variant_sku,variant_barcodes,variant_price,variant_cost
LATTE,Caffè Latte,Drinks > Coffee,Kasir Roastery,899001|899002,32000,9000,PB1,cup,true,,true,Regular,LATTE-R,899003,,
LATTE,,,,,,,,,,,,Large,LATTE-L,899004,38000,11000
BEANS,House Beans 250g,Retail,Kasir Roastery,899010,95000,60000.0,,pack,yes,5.5,1,,,,,
SUGAR,Sugar syrup,Drinks,,,5000,,,ml,no,,true,,,,,
";

async fn import_creates_then_updates_by_sku(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let tax = s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000, "inclusive": true})).await;
    let drinks = s.post("/categories", &t.owner, json!({"name": "Drinks"})).await;

    let r = upload(&s, &t.owner, "", "cafe.csv", CAFE.as_bytes().to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let d = r.data();
    assert_eq!((d["created"].as_u64(), d["updated"].as_u64(), d["unchanged"].as_u64()), (Some(3), Some(0), Some(0)));
    assert_eq!(d["categories_created"], 2, "Coffee under the existing Drinks, and Retail");
    assert_eq!(d["brands_created"], 1);
    assert_eq!(d["errors"], json!([]));

    let list = products(&s, &t.owner).await;
    assert_eq!(list.len(), 3);
    let latte = by_sku(&list, "LATTE");
    assert_eq!(latte["name"], "Caffè Latte");
    assert_eq!(latte["barcodes"], json!(["899001", "899002"]));
    assert_eq!(latte["tax_id"], tax.data()["id"]);
    assert_eq!(latte["unit"], "cup");
    let variants = latte["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!((variants[1]["sku"].as_str(), variants[1]["price"].as_i64()), (Some("LATTE-L"), Some(38000)));
    assert_eq!(variants[0]["price"], Value::Null);
    let coffee = s.get(&format!("/categories/{}", latte["category_id"].as_str().unwrap()), &t.owner).await;
    assert_eq!((coffee.data()["name"].as_str(), &coffee.data()["parent_id"]), (Some("Coffee"), &drinks.data()["id"]));
    let beans = by_sku(&list, "BEANS");
    assert_eq!((beans["cost"].as_i64(), beans["low_stock_threshold"].as_f64()), (Some(60000), Some(5.5)));
    assert_eq!(by_sku(&list, "SUGAR")["track_stock"], false);
    // The scanner finds imported codes, variants included.
    let scan = s.get("/products/barcode/899004", &t.owner).await;
    assert_eq!(scan.data()["variant"]["sku"], "LATTE-L");

    // The same file again changes nothing: no version bump, no feed entries.
    let again = upload(&s, &t.owner, "", "cafe.csv", CAFE.as_bytes().to_vec()).await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!((again.data()["created"].as_u64(), again.data()["unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(by_sku(&products(&s, &t.owner).await, "LATTE")["version"], 1);

    // A file with only some columns changes only those; variant ids survive a re-import.
    let large_id = variants[1]["id"].clone();
    let prices = "sku,price\nLATTE,33000\nBEANS,99000\n";
    let r = upload(&s, &t.owner, "", "prices.csv", prices.as_bytes().to_vec()).await;
    assert_eq!((r.status, r.data()["updated"].as_u64()), (200, Some(2)), "{:?}", r.body);
    let list = products(&s, &t.owner).await;
    let latte = by_sku(&list, "LATTE");
    assert_eq!((latte["price"].as_i64(), latte["version"].as_i64()), (Some(33000), Some(2)));
    assert_eq!(latte["name"], "Caffè Latte");
    assert_eq!(latte["variants"][1]["id"], large_id);
    let edited = CAFE.replace("Large,LATTE-L,899004,38000", "Grande,LATTE-L,899004,39000");
    let r = upload(&s, &t.owner, "", "cafe.csv", edited.into_bytes()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let latte = by_sku(&products(&s, &t.owner).await, "LATTE").clone();
    assert_eq!((latte["variants"][1]["name"].as_str(), &latte["variants"][1]["id"]), (Some("Grande"), &large_id));

    // Every write is in the change feed and the audit log.
    let feed = s.get("/sync/pull?entities=product&limit=1000", &t.owner).await;
    let latte_changes = feed.data()["changes"].as_array().unwrap().iter().filter(|c| c["id"] == latte["id"]).count();
    assert_eq!(latte_changes, 3, "created, price, variant rename");
    let audit = s.get("/audit-logs?entity=product&per_page=200", &t.owner).await;
    assert!(audit.data().as_array().unwrap().iter().any(|e| e["action"] == "product.import"), "{:?}", audit.body);

    // Cashiers read the catalog but cannot import.
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "cashier1", "cashier", &[&outlet]).await;
    let cashier = s.token("cashier1", PASSWORD).await;
    let r = upload(&s, &cashier, "", "cafe.csv", CAFE.as_bytes().to_vec()).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
}

async fn a_file_with_any_bad_row_writes_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let r =
        s.post("/products", &t.owner, json!({"sku": "OLD", "name": "Old", "price": 1000, "barcodes": ["777"]})).await;
    assert_eq!(r.status, 201);
    let file = "\
sku,name,category,price,tax,barcodes
A1,Good one,New Category,1000,,111
A2,Half price,,12.5,,
A3,Unknown tax,,1000,VAT,
A4,Dup barcode,,1000,,111
A5,Taken barcode,,1000,,777
A6,Good two,,2000,,
A1,Again,,1000,,
,No sku,,1000,,
A7,No price,,,,
";
    let r = upload(&s, &t.owner, "", "bad.csv", file.as_bytes().to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "validation_failed"), "{:?}", r.body);
    let errors: Vec<(u64, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap().to_string()))
        .collect();
    for expected in [(3, "price"), (4, "tax"), (5, "barcodes"), (6, "barcodes"), (8, "sku"), (9, "sku"), (10, "price")]
    {
        assert!(errors.contains(&(expected.0, expected.1.to_string())), "{expected:?} missing from {errors:?}");
    }
    assert_eq!(errors.len(), 7, "{errors:?}");
    // Nothing was written: no product, no category.
    assert_eq!(products(&s, &t.owner).await.len(), 1);
    let cats = s.get("/categories", &t.owner).await;
    assert_eq!(cats.data().as_array().unwrap().len(), 0, "{:?}", cats.body);
}

async fn dry_run_reports_without_writing(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000})).await;
    let r = upload(&s, &t.owner, "?dry_run=true", "cafe.csv", CAFE.as_bytes().to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!((r.data()["created"].as_u64(), r.data()["dry_run"].as_bool()), (Some(3), Some(true)));
    assert_eq!(r.data()["categories_created"], 3);
    assert_eq!(products(&s, &t.owner).await.len(), 0);
    assert_eq!(s.get("/categories", &t.owner).await.data().as_array().unwrap().len(), 0);
    // A dry run lists a bad file's errors in its report.
    let bad = "sku,name,price\nX1,Fine,100\nX2,Bad,-5\n";
    let r = upload(&s, &t.owner, "?dry_run=true", "bad.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["error_count"], 1);
    assert_eq!(r.data()["errors"], json!([{"row": 3, "field": "price", "message": "must not be negative"}]));
    assert_eq!(products(&s, &t.owner).await.len(), 0);
}

async fn export_round_trips_through_import_as_csv_and_xlsx(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000})).await;
    let r = upload(&s, &t.owner, "", "cafe.csv", CAFE.as_bytes().to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A name a spreadsheet would run as a formula is exported defused and imported back intact.
    let r = s.post("/products", &t.owner, json!({"sku": "EQ", "name": "=1+1 deal", "price": 100})).await;
    assert_eq!(r.status, 201);

    let (status, ctype, csv) = download(&s, &t.owner, "/products/export?format=csv").await;
    assert_eq!((status, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("sku,name,category,brand,barcodes,price,cost,tax"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 5, "a row per variant: {text}");
    assert!(text.contains("LATTE,Caffè Latte,Drinks > Coffee,Kasir Roastery,899001|899002,32000,9000,PB1,cup,true,,true,Large,LATTE-L,899004,38000,11000"), "{text}");
    assert!(text.contains("EQ,'=1+1 deal,"), "{text}");
    let r = upload(&s, &t.owner, "", "export.csv", csv).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!((r.data()["unchanged"].as_u64(), r.data()["updated"].as_u64()), (Some(4), Some(0)), "{:?}", r.body);
    assert_eq!(by_sku(&products(&s, &t.owner).await, "EQ")["name"], "=1+1 deal");

    let (status, ctype, xlsx) = download(&s, &t.owner, "/products/export?format=xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(ctype, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    let r = upload(&s, &t.owner, "", "export.xlsx", xlsx).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!((r.data()["unchanged"].as_u64(), r.data()["updated"].as_u64()), (Some(4), Some(0)), "{:?}", r.body);

    // Another tenant exports nothing of ours.
    let other = s.tenant("other").await;
    let (_, _, theirs) = download(&s, &other.owner, "/products/export").await;
    assert_eq!(String::from_utf8(theirs).unwrap().lines().count(), 1);
    let (status, _, _) = download(&s, &t.owner, "/products/export?format=pdf").await;
    assert_eq!(status, 400);
}

async fn files_that_are_not_what_they_claim_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    for (name, bytes) in [
        ("cafe.csv", png.clone()),
        ("cafe.xlsx", b"sku,name,price\nA,B,1\n".to_vec()),
        ("cafe.csv", b"PK\x03\x04 not really a zip".to_vec()),
        ("cafe.xlsx", b"PK\x03\x04 not really a zip".to_vec()),
        ("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec()),
        ("empty.csv", Vec::new()),
        ("latin1.csv", b"sku,name,price\nA,Caf\xe9,1\n".to_vec()),
        ("header.csv", b"sku,name,price,colour\nA,B,1,red\n".to_vec()),
        ("nosku.csv", b"name,price\nB,1\n".to_vec()),
    ] {
        let r = upload(&s, &t.owner, "", name, bytes).await;
        assert_eq!(r.status, 400, "{name}: {:?}", r.body);
        assert!(!r.body["message"].as_str().unwrap_or("").is_empty());
    }
    let r = upload(&s, &t.owner, "", "header.csv", b"sku,name,price,colour\nA,B,1,red\n".to_vec()).await;
    assert_eq!(r.body["errors"][0]["row"], 1);
    assert_eq!(r.body["errors"][0]["field"], "colour");
    // Not multipart at all.
    let r = s.post("/products/import", &t.owner, json!({"file": "x"})).await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    // Just over 20 MiB: refused before it is read to the end (on its own connection, which the
    // server closes after answering).
    let big = vec![b'a'; 20 * 1024 * 1024 + 1024];
    let part = reqwest::multipart::Part::bytes(big).file_name("big.csv");
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/products/import", s.base))
        .bearer_auth(&t.owner)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload sent");
    assert_eq!(res.status().as_u16(), 413);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "payload_too_large");
    assert_eq!(products(&s, &t.owner).await.len(), 0);
}

async fn stock_export_lists_levels_the_caller_sees(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let wh =
        s.get(&format!("/warehouses?outlet_id={outlet}"), &t.owner).await.data()[0]["id"].as_str().unwrap().to_string();
    let r = upload(&s, &t.owner, "", "cafe.csv", CAFE.replace(",PB1,", ",,").into_bytes()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let list = products(&s, &t.owner).await;
    let beans = by_sku(&list, "BEANS")["id"].clone();
    let latte = by_sku(&list, "LATTE");
    let large = latte["variants"][1]["id"].clone();
    let lines = json!([
        {"product_id": beans, "quantity_delta": 2.5},
        {"product_id": latte["id"], "variant_id": large, "quantity_delta": 7},
    ]);
    let r =
        s.post("/stock/adjustments", &t.owner, json!({"warehouse_id": wh, "reason": "count", "lines": lines})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let (status, ctype, body) = download(&s, &t.owner, &format!("/stock/export?warehouse_id={wh}")).await;
    assert_eq!((status, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains(",BEANS,House Beans 250g,,,2.5,pack,5.5,"), "{text}");
    assert!(text.contains(",LATTE,Caffè Latte,LATTE-L,Large,7,cup,,"), "{text}");
    let (_, _, low) = download(&s, &t.owner, "/stock/export?low_only=true&format=csv").await;
    assert_eq!(String::from_utf8(low).unwrap().lines().count(), 2, "only the beans are under their threshold");
    let (status, _, xlsx) = download(&s, &t.owner, "/stock/export?format=xlsx").await;
    assert!(status == 200 && xlsx.starts_with(b"PK"));
    let other = s.tenant("other").await;
    let (status, _, _) = download(&s, &other.owner, &format!("/stock/export?warehouse_id={wh}")).await;
    assert_eq!(status, 404, "another tenant's warehouse");
}

async fn exports_walk_the_whole_catalog_page_by_page(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    // More products than one export page (1,000), created in the same millisecond in batches.
    let mut file = String::from("sku,name,price\n");
    for i in 0..2345 {
        file.push_str(&format!("P{i:05},Product {i},{}\n", 1000 + i));
    }
    let r = upload(&s, &t.owner, "", "many.csv", file.into_bytes()).await;
    assert_eq!((r.status, r.data()["created"].as_u64()), (200, Some(2345)), "{:?}", r.body);
    let (status, _, body) = download(&s, &t.owner, "/products/export").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let mut skus: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(skus.len(), 2345);
    skus.sort_unstable();
    skus.dedup();
    assert_eq!(skus.len(), 2345, "every product exactly once");
    let r = s.get("/products?per_page=1", &t.owner).await;
    assert_eq!(r.body["pagination"]["total"], 2345);
}
