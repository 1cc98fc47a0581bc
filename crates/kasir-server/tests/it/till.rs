//! A shop set up for selling tests: a tenant, an outlet with its warehouse, the Cash method, a
//! cashier, and helpers to stock products, open shifts and ring up sales.

use serde_json::{json, Value};

use crate::common::{Resp, TestServer, PASSWORD};

pub struct Till {
    pub owner: String,
    pub tenant_id: String,
    pub outlet: String,
    pub warehouse: String,
    pub cash: String,
    pub cashier: String,
    pub cashier_id: String,
}

pub fn id(r: &Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

impl Till {
    pub async fn new(s: &TestServer) -> Till {
        let t = s.tenant("acme").await;
        let outlet = s.outlet(&t.owner, "K01").await;
        let wh = s.get(&format!("/warehouses?outlet_id={outlet}"), &t.owner).await;
        let warehouse = wh.data()[0]["id"].as_str().expect("default warehouse").to_string();
        let methods = s.get("/payment-methods", &t.owner).await;
        let cash = methods.data()[0]["id"].as_str().expect("a Cash method").to_string();
        let cashier_id = s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
        let cashier = s.token("kasir1", PASSWORD).await;
        Till { owner: t.owner, tenant_id: t.id, outlet, warehouse, cash, cashier, cashier_id }
    }

    /// Creates a product (`extra` adds or overrides fields) and returns its id.
    pub async fn product(&self, s: &TestServer, sku: &str, price: i64, extra: Value) -> String {
        let mut body = json!({"sku": sku, "name": sku, "price": price, "cost": price / 2});
        for (k, v) in extra.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let r = s.post("/products", &self.owner, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        id(&r)
    }

    /// Adds `quantity` of a product (or variant) to the outlet's warehouse.
    pub async fn stock(&self, s: &TestServer, product: &str, variant: Option<&str>, quantity: f64) {
        let line = json!({"product_id": product, "variant_id": variant, "quantity_delta": quantity});
        let r = s
            .post(
                "/stock/adjustments",
                &self.owner,
                json!({"warehouse_id": self.warehouse, "reason": "delivery", "lines": [line]}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }

    /// The stock of a product (or variant) at the outlet's warehouse.
    pub async fn level(&self, s: &TestServer, product: &str, variant: Option<&str>) -> f64 {
        let r = s.get(&format!("/stock?warehouse_id={}&product_id={product}", self.warehouse), &self.owner).await;
        r.data()
            .as_array()
            .expect("levels")
            .iter()
            .find(|l| l["variant_id"].as_str() == variant)
            .map_or(0.0, |l| l["quantity"].as_f64().expect("a quantity"))
    }

    /// Opens a shift for `token` with `start_cash` and returns its id.
    pub async fn open_shift(&self, s: &TestServer, token: &str, start_cash: i64) -> String {
        let r = s.post("/shifts/open", token, json!({"outlet_id": self.outlet, "start_cash": start_cash})).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        id(&r)
    }

    /// A sale body at this outlet paying `cash` in cash.
    pub fn sale(&self, items: Value, cash: i64) -> Value {
        json!({"outlet_id": self.outlet, "items": items, "payments": [{"payment_method_id": self.cash, "amount": cash}]})
    }

    pub async fn sell(&self, s: &TestServer, token: &str, body: Value) -> Resp {
        s.post("/sales", token, body).await
    }

    pub async fn assert_ledger_matches(&self, s: &TestServer) {
        let mismatches =
            kasir_store::stock::levels::ledger_mismatches(&s.state.db, &self.tenant_id).await.expect("ledger");
        assert!(mismatches.is_empty(), "levels differ from the ledger: {mismatches:?}");
    }
}
