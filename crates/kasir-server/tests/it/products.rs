use serde_json::{json, Value};

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    products_carry_variants_barcodes_and_references,
    skus_and_barcodes_are_unique_across_products_and_variants,
    search_matches_names_anywhere_and_codes_by_prefix,
    search_follows_renames_and_deletes_and_stays_in_the_tenant,
    a_search_matching_more_than_the_cap_pages_in_order_with_a_lower_bound_total,
    the_unfiltered_total_follows_creates_and_deletes,
    the_category_filter_includes_sub_categories,
    barcode_lookup_finds_product_variant_and_outlet_stock,
    quantities_allow_three_decimals_at_most,
);

fn id(r: &crate::common::Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

fn latte() -> Value {
    json!({
        "sku": "LATTE", "name": "Caffè Latte", "price": 32000, "cost": 9000, "barcodes": ["8990001"],
        "variants": [
            {"name": "Regular", "sku": "LATTE-R", "barcodes": ["8990002"]},
            {"name": "Large", "sku": "LATTE-L", "barcodes": ["8990003"], "price": 38000}
        ]
    })
}

async fn products_carry_variants_barcodes_and_references(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let cat = id(&s.post("/categories", &t.owner, json!({"name": "Coffee"})).await);
    let tax = id(&s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000, "inclusive": true})).await);
    let milk = id(&s
        .post("/modifier-groups", &t.owner, json!({"name": "Milk", "options": [{"name": "Oat", "price": 6000}]}))
        .await);
    let mut body = latte();
    body["category_id"] = json!(cat);
    body["tax_id"] = json!(tax);
    body["modifier_group_ids"] = json!([milk]);
    body["low_stock_threshold"] = json!(2.5);
    let r = s.post("/products", &t.owner, body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let p = r.data();
    assert_eq!(p["sku"], "LATTE");
    assert_eq!(p["unit"], "pcs");
    assert_eq!(p["track_stock"], true);
    assert_eq!(p["low_stock_threshold"], 2.5);
    assert_eq!(p["variants"].as_array().unwrap().len(), 2);
    assert_eq!(p["variants"][0]["price"], Value::Null, "a variant without a price uses the product's");
    assert_eq!(p["variants"][1]["price"], 38000);
    assert_eq!(p["modifier_group_ids"], json!([milk]));
    let pid = id(&r);
    let large = p["variants"][1]["id"].as_str().unwrap().to_string();
    // Dropping a variant and renaming the other keeps the kept one's id.
    let patched = s
        .patch(
            &format!("/products/{pid}"),
            &t.owner,
            json!({"variants": [{"id": large, "name": "Grande", "sku": "LATTE-L", "barcodes": ["8990003"]}], "tax_id": null}),
        )
        .await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    assert_eq!(
        patched.data()["variants"],
        json!([{"id": large, "name": "Grande", "sku": "LATTE-L", "barcodes": ["8990003"], "price": null, "cost": null}])
    );
    assert_eq!(patched.data()["tax_id"], Value::Null);
    assert_eq!(patched.data()["version"], 2);
    // References that do not exist in this tenant are 404s naming the field.
    let other = s.tenant("other").await;
    let foreign_cat = id(&s.post("/categories", &other.owner, json!({"name": "Theirs"})).await);
    let mut bad = json!({"sku": "X1", "name": "X", "price": 1, "category_id": foreign_cat, "modifier_group_ids": [kasir_domain::ids::new_id()]});
    let r = s.post("/products", &t.owner, bad.clone()).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fields(), vec!["category_id", "modifier_group_ids[0]"]);
    bad["price"] = json!(-5);
    assert_eq!(s.post("/products", &t.owner, bad).await.status, 400, "field errors come before references");
    // Deleting frees the codes.
    assert_eq!(s.delete(&format!("/products/{pid}"), &t.owner).await.status, 200);
    assert_eq!(s.post("/products", &t.owner, latte()).await.status, 201);
}

async fn skus_and_barcodes_are_unique_across_products_and_variants(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    assert_eq!(s.post("/products", &t.owner, latte()).await.status, 201);
    for (body, field) in [
        (json!({"sku": "LATTE", "name": "Copy", "price": 1}), "sku"),
        (json!({"sku": "LATTE-R", "name": "Copy", "price": 1}), "sku"),
        (json!({"sku": "NEW", "name": "Copy", "price": 1, "barcodes": ["8990003"]}), "barcodes[0]"),
        (
            json!({"sku": "NEW", "name": "Copy", "price": 1, "variants": [{"name": "v", "sku": "LATTE"}]}),
            "variants[0].sku",
        ),
        (
            json!({"sku": "NEW", "name": "Copy", "price": 1, "variants": [{"name": "v", "sku": "V1", "barcodes": ["8990001"]}]}),
            "variants[0].barcodes[0]",
        ),
    ] {
        let r = s.post("/products", &t.owner, body).await;
        assert_eq!(r.status, 409, "{field}: {:?}", r.body);
        assert_eq!(r.fields(), vec![field.to_string()]);
    }
    let inside = s
        .post(
            "/products",
            &t.owner,
            json!({"sku": "DUP", "name": "d", "price": 1, "variants": [{"name": "v", "sku": "DUP"}]}),
        )
        .await;
    assert_eq!(inside.status, 400);
    assert_eq!(inside.fields(), vec!["variants[0].sku"]);
    let other = s.tenant("other").await;
    assert_eq!(s.post("/products", &other.owner, latte()).await.status, 201, "codes are unique per tenant only");
    assert_eq!(s.get("/products", &t.owner).await.body["pagination"]["total"], 1);
}

async fn search_matches_names_anywhere_and_codes_by_prefix(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    s.post("/products", &t.owner, latte()).await;
    s.post(
        "/products",
        &t.owner,
        json!({"sku": "TEA-01", "name": "Teh Tarik", "price": 15000, "barcodes": ["7770001"]}),
    )
    .await;
    s.post("/products", &t.owner, json!({"sku": "CAKE-01", "name": "Cheesecake 100%", "price": 30000})).await;
    let names = |r: &crate::common::Resp| -> Vec<String> {
        let mut v: Vec<String> =
            r.data().as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(names(&s.get("/products?search=LATTE", &t.owner).await), vec!["Caffè Latte"]);
    assert_eq!(names(&s.get("/products?search=tarik", &t.owner).await), vec!["Teh Tarik"]);
    assert_eq!(names(&s.get("/products?search=TEA-", &t.owner).await), vec!["Teh Tarik"], "SKU prefix");
    assert_eq!(names(&s.get("/products?search=899000", &t.owner).await), vec!["Caffè Latte"], "barcode prefix");
    assert_eq!(names(&s.get("/products?search=8990003", &t.owner).await), vec!["Caffè Latte"], "a variant's barcode");
    assert!(names(&s.get("/products?search=990001", &t.owner).await).is_empty(), "codes match by prefix only");
    assert_eq!(names(&s.get("/products?search=100%25", &t.owner).await), vec!["Cheesecake 100%"]);
    let sorted = s.get("/products?sort=-price&per_page=2", &t.owner).await;
    assert_eq!(sorted.data()[0]["sku"], "LATTE");
    assert_eq!(sorted.body["pagination"]["total"], 3);
    assert_eq!(s.get("/products?price=15000", &t.owner).await.body["pagination"]["total"], 1);
}

fn names(r: &crate::common::Resp) -> Vec<String> {
    r.data()
        .as_array()
        .unwrap_or_else(|| panic!("a list: {:?}", r.body))
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

async fn search_follows_renames_and_deletes_and_stays_in_the_tenant(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let other = s.tenant("other").await;
    let kopi = id(&s.post("/products", &t.owner, json!({"sku": "K1", "name": "Es Kopi Susu", "price": 18000})).await);
    s.post("/products", &t.owner, json!({"sku": "K2", "name": "Kue \"Spesial\" 50%_off", "price": 9000})).await;
    s.post("/products", &other.owner, json!({"sku": "K1", "name": "Es Kopi Susu", "price": 1})).await;
    assert_eq!(names(&s.get("/products?search=kopi%20su", &t.owner).await), vec!["Es Kopi Susu"]);
    assert_eq!(s.get("/products?search=kopi", &t.owner).await.body["pagination"]["total"], 1, "one tenant's only");
    // Quotes, `%` and `_` match themselves.
    assert_eq!(names(&s.get("/products?search=%22spesial%22", &t.owner).await), vec!["Kue \"Spesial\" 50%_off"]);
    assert_eq!(names(&s.get("/products?search=50%25_", &t.owner).await), vec!["Kue \"Spesial\" 50%_off"]);
    assert!(names(&s.get("/products?search=5_%25", &t.owner).await).is_empty());
    // Two-letter terms are matched too (without the trigram index).
    assert_eq!(names(&s.get("/products?search=SU", &t.owner).await), vec!["Es Kopi Susu"]);

    let r = s.patch(&format!("/products/{kopi}"), &t.owner, json!({"name": "Es Teh Manis"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(names(&s.get("/products?search=kopi", &t.owner).await).is_empty(), "the old name is gone");
    assert_eq!(names(&s.get("/products?search=teh%20ma", &t.owner).await), vec!["Es Teh Manis"]);
    assert_eq!(s.delete(&format!("/products/{kopi}"), &t.owner).await.status, 200);
    assert!(names(&s.get("/products?search=teh", &t.owner).await).is_empty(), "deleted products are not found");
    assert!(names(&s.get("/products?search=K1", &t.owner).await).is_empty(), "nor their codes");
    assert_eq!(names(&s.get("/products?search=kopi", &other.owner).await), vec!["Es Kopi Susu"]);
}

async fn a_search_matching_more_than_the_cap_pages_in_order_with_a_lower_bound_total(b: Backend) {
    let s = TestServer::start_with(b, |c| c.search_count_cap = 3).await;
    let t = s.tenant("acme").await;
    for i in 0..7 {
        let r = s
            .post(
                "/products",
                &t.owner,
                json!({"sku": format!("KP-{i}"), "name": format!("Kopi {i}"), "price": 1000 + i}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    s.post("/products", &t.owner, json!({"sku": "TEH", "name": "Teh", "price": 1})).await;
    for term in ["kopi", "KP-"] {
        let first = s.get(&format!("/products?search={term}&per_page=2"), &t.owner).await;
        assert_eq!(names(&first), vec!["Kopi 0", "Kopi 1"], "{term}: in creation order");
        assert_eq!(first.body["pagination"]["total_exact"], false, "{term}");
        assert!(first.body["pagination"]["total"].as_i64().unwrap() >= 3, "{term}: a lower bound");
        let sorted = s.get(&format!("/products?search={term}&per_page=2&sort=-price"), &t.owner).await;
        assert_eq!(names(&sorted), vec!["Kopi 6", "Kopi 5"], "{term}: sorted");
        let last = s.get(&format!("/products?search={term}&per_page=2&page=4"), &t.owner).await;
        assert_eq!(names(&last), vec!["Kopi 6"], "{term}");
        assert_eq!(last.body["pagination"]["total"], 7, "{term}: the last page knows the total");
        assert!(last.body["pagination"].get("total_exact").is_none(), "{term}");
    }
    let few = s.get("/products?search=kopi%201", &t.owner).await;
    assert_eq!((names(&few), few.body["pagination"]["total"].clone()), (vec!["Kopi 1".to_string()], json!(1)));
    assert!(few.body["pagination"].get("total_exact").is_none());
}

async fn the_unfiltered_total_follows_creates_and_deletes(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(id(&s.post("/products", &t.owner, json!({"sku": format!("P{i}"), "name": "P", "price": 1})).await));
    }
    // A full page: the total comes from the tenant's live count, not from the page.
    assert_eq!(s.get("/products?per_page=1", &t.owner).await.body["pagination"]["total"], 4);
    assert_eq!(s.delete(&format!("/products/{}", ids[1]), &t.owner).await.status, 200);
    assert_eq!(s.get("/products?per_page=1", &t.owner).await.body["pagination"]["total"], 3);
    assert_eq!(s.get("/products?per_page=1&page=2", &t.owner).await.body["pagination"]["total"], 3);
    let other = s.tenant("other").await;
    assert_eq!(s.get("/products?per_page=1", &other.owner).await.body["pagination"]["total"], 0);
}

async fn the_category_filter_includes_sub_categories(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let drinks = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    let coffee = id(&s.post("/categories", &t.owner, json!({"name": "Coffee", "parent_id": drinks})).await);
    let food = id(&s.post("/categories", &t.owner, json!({"name": "Food"})).await);
    for (sku, cat) in [("A", &drinks), ("B", &coffee), ("C", &food)] {
        let r = s.post("/products", &t.owner, json!({"sku": sku, "name": sku, "price": 1, "category_id": cat})).await;
        assert_eq!(r.status, 201);
    }
    assert_eq!(s.get(&format!("/products?category_id={drinks}"), &t.owner).await.body["pagination"]["total"], 2);
    assert_eq!(s.get(&format!("/products?category_id={coffee}"), &t.owner).await.body["pagination"]["total"], 1);
    let unknown = s.get(&format!("/products?category_id={}", kasir_domain::ids::new_id()), &t.owner).await;
    assert_eq!(unknown.body["pagination"]["total"], 0);
}

async fn barcode_lookup_finds_product_variant_and_outlet_stock(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    s.user(&t.owner, "kasir1", "cashier", &[&k1]).await;
    let pid = id(&s.post("/products", &t.owner, latte()).await);
    let c = s.token("kasir1", PASSWORD).await;
    let r = s.get("/products/barcode/8990003", &c).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["id"], pid.as_str());
    assert_eq!(r.data()["variant"]["sku"], "LATTE-L");
    assert_eq!(r.data()["variant_id"], r.data()["variant"]["id"]);
    assert_eq!(r.data()["stock"]["outlet_id"], k1.as_str());
    assert_eq!(r.data()["stock"]["quantity"], 0);
    let own = s.get("/products/barcode/8990001", &c).await;
    assert_eq!(own.data()["variant_id"], Value::Null);
    let by_sku = s.get("/products/barcode/LATTE-R", &c).await;
    assert_eq!(by_sku.data()["variant"]["name"], "Regular");
    assert_eq!(s.get("/products/barcode/0000000", &c).await.status, 404);
    let not_mine = s.get(&format!("/products/barcode/8990001?outlet_id={k2}"), &c).await;
    assert_eq!(not_mine.status, 404);
    let owner = s.get("/products/barcode/8990001", &t.owner).await;
    assert_eq!(owner.data()["stock"], Value::Null, "an owner with no outlet of their own names one");
    let owner_k2 = s.get(&format!("/products/barcode/8990001?outlet_id={k2}"), &t.owner).await;
    assert_eq!(owner_k2.data()["stock"]["outlet_id"], k2.as_str());
    let other = s.tenant("other").await;
    assert_eq!(s.get("/products/barcode/8990001", &other.owner).await.status, 404);
}

async fn quantities_allow_three_decimals_at_most(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let ok = s
        .post(
            "/products",
            &t.owner,
            json!({"sku": "BEANS", "name": "Beans", "price": 200, "unit": "kg", "low_stock_threshold": 1.255}),
        )
        .await;
    assert_eq!(ok.status, 201, "{:?}", ok.body);
    assert_eq!(ok.data()["low_stock_threshold"], 1.255);
    let r = s
        .post(
            "/products",
            &t.owner,
            json!({"sku": "SUGAR", "name": "Sugar", "price": 200, "low_stock_threshold": 1.2555}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fields(), vec!["low_stock_threshold"]);
    let cleared = s.patch(&format!("/products/{}", id(&ok)), &t.owner, json!({"low_stock_threshold": null})).await;
    assert_eq!(cleared.data()["low_stock_threshold"], Value::Null);
}
