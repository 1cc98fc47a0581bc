//! Keyset paging (`?cursor=`, issue 20): product, sale and movement lists page through an index
//! in their order, with the same records in the same order as numbered pages, none skipped or
//! repeated when records come and go between pages.

use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer},
    till::Till,
};

crate::backend_tests!(products_page_by_cursor_in_any_sort, sales_and_movements_page_by_cursor_newest_first);

/// Every record of `path` (which has its query started) by cursor, `per_page` a page: the ids,
/// and how many pages it took.
async fn by_cursor(s: &TestServer, token: &str, path: &str, per_page: usize) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, String::new());
    loop {
        let r = s.get(&format!("{path}&per_page={per_page}&cursor={cursor}"), token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        pages += 1;
        let items = r.data().as_array().unwrap();
        ids.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_string()));
        let p = &r.body["pagination"];
        assert_eq!((p.get("page"), p.get("total"), &p["per_page"]), (None, None, &json!(per_page)));
        if !p["has_more"].as_bool().unwrap() {
            assert!(p.get("next_cursor").is_none());
            return (ids, pages);
        }
        assert_eq!(items.len(), per_page, "only the last page is short");
        cursor = p["next_cursor"].as_str().unwrap().to_string();
    }
}

/// The ids of `path` as one numbered page.
async fn by_page(s: &TestServer, token: &str, path: &str) -> Vec<String> {
    let r = s.get(&format!("{path}&per_page=200"), token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect()
}

async fn products_page_by_cursor_in_any_sort(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    // Names and prices repeat, so that ties are broken by id.
    for i in 0..23 {
        t.product(&s, &format!("P{i:02}"), 1000 * (i % 4), json!({"name": format!("Item {}", i % 5)})).await;
    }
    for sort in ["", "&sort=-created_at", "&sort=name", "&sort=-name", "&sort=price", "&sort=-price", "&sort=sku"] {
        let path = format!("/products?{}", sort.trim_start_matches('&'));
        let (ids, pages) = by_cursor(&s, &t.owner, &path, 5).await;
        assert_eq!(ids, by_page(&s, &t.owner, &path).await, "{sort}");
        assert_eq!((ids.len(), pages), (23, 5), "{sort}");
    }
    // Records created and deleted between pages: nothing skipped, nothing twice.
    let first = s.get("/products?per_page=10&cursor=", &t.owner).await;
    let seen: Vec<String> = first.data().as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().into()).collect();
    let cursor = first.body["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let gone = by_page(&s, &t.owner, "/products?").await[15].clone();
    assert_eq!(s.delete(&format!("/products/{gone}"), &t.owner).await.status, 200);
    let newer = t.product(&s, "NEW", 500, json!({})).await;
    let rest = s.get(&format!("/products?per_page=50&cursor={cursor}"), &t.owner).await;
    let rest: Vec<String> = rest.data().as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().into()).collect();
    assert_eq!(rest.len(), 23 - 10 - 1 + 1);
    assert!(!rest.contains(&gone) && rest.last() == Some(&newer));
    assert!(rest.iter().all(|id| !seen.contains(id)));

    // Cursors are checked.
    let bad = |q: &str| {
        let (s, owner) = (&s, t.owner.clone());
        let q = q.to_string();
        async move { s.get(&format!("/products?{q}"), &owner).await.fields() }
    };
    assert_eq!(bad("cursor=bogus").await, vec!["cursor"]);
    assert_eq!(bad(&format!("cursor={cursor}&page=2")).await, vec!["cursor"]);
    assert_eq!(bad(&format!("cursor={cursor}&sort=name")).await, vec!["cursor"]);
    assert_eq!(bad("cursor=&search=item").await, vec!["cursor"]);
    // A list that does not page by cursor refuses it as it refuses any unknown parameter.
    assert_eq!(s.get("/categories?cursor=", &t.owner).await.fields(), vec!["cursor"]);
}

async fn sales_and_movements_page_by_cursor_newest_first(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 10000, json!({})).await;
    t.stock(&s, &cake, None, 50.0).await;
    t.open_shift(&s, &t.cashier, 0).await;
    for _ in 0..9 {
        let r = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": cake, "quantity": 1}]), 10000)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let (sales, pages) = by_cursor(&s, &t.owner, "/sales?", 4).await;
    assert_eq!((sales.len(), pages), (9, 3));
    assert_eq!(sales, by_page(&s, &t.owner, "/sales?").await);
    let numbers: Vec<Value> = {
        let r = s.get("/sales?per_page=200", &t.owner).await;
        r.data().as_array().unwrap().iter().map(|x| x["number"].clone()).collect()
    };
    assert!(numbers[0].as_str().unwrap().ends_with("-0009"), "newest first: {numbers:?}");
    let (moves, _) = by_cursor(&s, &t.owner, &format!("/stock/movements?product_id={cake}"), 4).await;
    assert_eq!(moves.len(), 10, "the delivery and nine sales");
    assert_eq!(moves, by_page(&s, &t.owner, &format!("/stock/movements?product_id={cake}")).await);

    // A product cursor (oldest first) is not a cursor of these lists; nor is garbage.
    let p = s.get("/products?per_page=1&cursor=", &t.owner).await;
    let product_cursor = p.body["pagination"]["next_cursor"].as_str().map(str::to_string);
    assert_eq!(product_cursor, None, "one product: no next page");
    let r = s.get("/sales?per_page=1&cursor=", &t.owner).await;
    let sale_cursor = r.body["pagination"]["next_cursor"].as_str().unwrap().to_string();
    let q = s.get("/products?cursor=", &t.owner).await;
    assert_eq!(q.status, 200);
    assert_eq!(s.get("/sales?cursor=bogus", &t.owner).await.fields(), vec!["cursor"]);
    assert_eq!(s.get(&format!("/sales?cursor={sale_cursor}&page=1"), &t.owner).await.fields(), vec!["cursor"]);
    assert_eq!(s.get(&format!("/products?cursor={sale_cursor}"), &t.owner).await.fields(), vec!["cursor"]);
    // The sale cursor goes on where the first page stopped.
    let next = s.get(&format!("/sales?per_page=200&cursor={sale_cursor}"), &t.owner).await;
    assert_eq!(next.data().as_array().unwrap().len(), 8);
}
