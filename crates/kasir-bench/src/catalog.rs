//! The catalog at scale: a tenant with 1,000,000 products, and the barcode lookup, the product list
//! (page 1 and a deep page) and product search, each through the HTTP API and as the same queries
//! run straight on the database, at several client counts.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    sync::Arc,
    time::Instant,
};

use anyhow::Context;
use kasir_server::api::fields::encode_cursor;
use kasir_store::{
    catalog::products::{self, Product, PRODUCTS},
    crud::{self, ListQuery},
    Backend, Db, DbOptions, KeyValue, Keyset, Scope,
};
use serde_json::{json, Value};

use crate::{
    foundation::tempdir,
    load::{self, Figures},
    server,
};

pub struct Options {
    pub products: usize,
    pub clients: Vec<usize>,
    pub seconds: u64,
    pub per_page: i64,
    pub deep_page: i64,
    /// Keep the database (and print its URL) instead of dropping it at the end.
    pub keep: bool,
    /// Only these figures (`barcode`, `list_page_1`, `search_name`, …); all when empty.
    pub only: Vec<String>,
}

/// Words that product names are made of; a search for one of `NOUNS` matches 1 in `NOUNS.len()`.
const BRANDS: &[&str] = &[
    "Indo", "Sari", "Maju", "Sinar", "Mitra", "Prima", "Jaya", "Sentosa", "Abadi", "Makmur", "Nusa", "Karya",
    "Bintang", "Cahaya", "Mulia", "Segar", "Harum", "Lestari", "Tunas", "Agung",
];
const NOUNS: &[&str] = &[
    "Kopi", "Teh", "Susu", "Roti", "Mie", "Beras", "Gula", "Minyak", "Sabun", "Sampo", "Kecap", "Saus", "Sambal",
    "Biskuit", "Wafer", "Keripik", "Permen", "Coklat", "Sirup", "Jus", "Air", "Tepung", "Garam", "Telur", "Keju",
    "Mentega", "Selai", "Sereal", "Oat", "Madu", "Deterjen", "Pewangi", "Tisu", "Pasta", "Sikat", "Lotion", "Bedak",
    "Popok", "Baterai", "Lampu",
];
const KINDS: &[&str] =
    &["Original", "Manis", "Pedas", "Asin", "Premium", "Hemat", "Ekstra", "Lite", "Klasik", "Spesial", "Jumbo", "Mini"];
const SIZES: &[&str] = &["50g", "100g", "250g", "500g", "1kg", "200ml", "330ml", "600ml", "1L", "2L", "10pcs", "24pcs"];

/// Products per INSERT statement. Few: sqlx looks each `$n` up by name, in time linear in the
/// statement's parameter count.
const ROWS_PER_STATEMENT: usize = 100;
/// Products per transaction.
const ROWS_PER_TX: usize = 10_000;

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    let dir = tempdir()?;
    let (url, label) = server::fresh_database(spec, &dir).await?;
    let result = measure(&url, label, o).await;
    if o.keep {
        println!("catalog {label} kept database={url}");
    } else {
        server::drop_database(spec, &url, label).await?;
    }
    if !(o.keep && label == "sqlite") {
        std::fs::remove_dir_all(&dir)?;
    }
    result
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let mut s = server::start(url, server::free_port()?).await?;
    let max_clients = o.clients.iter().copied().max().unwrap_or(16);
    let http = reqwest::Client::builder().pool_max_idle_per_host(max_clients).build()?;
    let (tenant_id, owner) = server::bench_tenant(&http, &s.base).await?;
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{}/api/v1{path}", s.base)).bearer_auth(&owner).json(&body);
        async move {
            let r: Value = req.send().await?.error_for_status()?.json().await?;
            anyhow::Ok(r["data"]["id"].as_str().context("created record")?.to_string())
        }
    };
    // The lookup reports stock at this outlet's default warehouse, as a till's scan does.
    let outlet_id = post("/outlets", json!({"name": "Toko 1", "code": "T01"})).await?;
    let mut categories = Vec::new();
    for name in ["Minuman", "Makanan", "Kebutuhan Rumah", "Perawatan", "Bayi", "Elektronik"] {
        categories.push(post("/categories", json!({"name": name})).await?);
    }

    still_running(&mut s)?;
    let db = Db::connect(url, &DbOptions { max_connections: max_clients as u32, ..Default::default() }).await?;
    let started = Instant::now();
    fill(&db, &tenant_id, &categories, o.products).await?;
    let fill_secs = started.elapsed().as_secs_f64();
    println!(
        "catalog {label} fill products={} seconds={fill_secs:.1} products_per_sec={:.0}",
        o.products,
        o.products as f64 / fill_secs
    );

    let n = o.products;
    let pick = Arc::new(Pick::default());
    let scope = Scope::tenant(tenant_id.clone());
    let wanted = |name: &str| o.only.is_empty() || o.only.iter().any(|w| w == name);
    for &clients in &o.clients {
        if wanted("barcode") {
            let api = {
                let (http, base, token, outlet, pick) =
                    (http.clone(), s.base.clone(), owner.clone(), outlet_id.clone(), pick.clone());
                load::run(clients, o.seconds, move || {
                    let code = barcode(pick.next(n));
                    api_ok(
                        http.get(format!("{base}/api/v1/products/barcode/{code}?outlet_id={outlet}"))
                            .bearer_auth(&token),
                    )
                })
                .await
            };
            let direct = {
                let (db, scope, outlet, pick) = (db.clone(), scope.clone(), outlet_id.clone(), pick.clone());
                load::run(clients, o.seconds, move || {
                    let (db, scope, outlet, code) = (db.clone(), scope.clone(), outlet.clone(), barcode(pick.next(n)));
                    async move { lookup_direct(&db, &scope, &outlet, &code).await.is_ok() }
                })
                .await
            };
            print_line(label, "barcode", clients, &api, &direct);
            still_running(&mut s)?;
        }

        let page_1 = ListQuery { per_page: o.per_page, ..Default::default() };
        let deep = ListQuery { page: o.deep_page, ..page_1.clone() };
        let keyset = ListQuery { keyset: true, ..page_1.clone() };
        let lists = [
            (Figure::List, "list_page_1".to_string(), page_1.clone(), String::new()),
            (Figure::List, format!("list_page_{}", o.deep_page), deep, format!("&page={}", o.deep_page)),
            (Figure::Cursor, "list_cursor_any_depth".into(), keyset, "&cursor=".into()),
            (Figure::SearchName, "search_name".into(), page_1.clone(), "&search=".into()),
            (Figure::SearchSku, "search_sku_prefix".into(), page_1, "&search=".into()),
        ];
        for (figure, name, query, params) in lists {
            if !wanted(&name) {
                continue;
            }
            // Searches draw a term per request: a word of the names (it matches 1 product in
            // NOUNS.len()), or the first 10 characters of a SKU (it matches 10 products). Keyset
            // pages start at one of the sampled depths.
            let cursors = match figure {
                Figure::Cursor => Arc::new(depths(&db, &tenant_id, n).await?),
                _ => Arc::new(Vec::new()),
            };
            let term = move |pick: &Pick, cursors: &[Keyset]| -> Option<String> {
                match figure {
                    Figure::List => None,
                    Figure::Cursor => None,
                    Figure::SearchName => Some(NOUNS[pick.next(NOUNS.len())].to_lowercase()),
                    Figure::SearchSku => Some(sku(pick.next(n))[..10].to_string()),
                }
                .or_else(|| cursors.get(pick.next(cursors.len().max(1))).map(encode_cursor))
            };
            let api = {
                let (http, token, pick, cursors) = (http.clone(), owner.clone(), pick.clone(), cursors.clone());
                let base = format!("{}/api/v1/products?per_page={}{params}", s.base, o.per_page);
                load::run(clients, o.seconds, move || {
                    let url = format!("{base}{}", term(&pick, &cursors).unwrap_or_default());
                    api_ok(http.get(url).bearer_auth(&token))
                })
                .await
            };
            let direct = {
                let (db, scope, pick, cursors) = (db.clone(), scope.clone(), pick.clone(), cursors.clone());
                load::run(clients, o.seconds, move || {
                    let (db, scope) = (db.clone(), scope.clone());
                    let q = match figure {
                        Figure::Cursor => {
                            ListQuery { after: cursors.get(pick.next(cursors.len().max(1))).cloned(), ..query.clone() }
                        }
                        _ => ListQuery { search: term(&pick, &cursors), ..query.clone() },
                    };
                    async move { crud::list::<Product>(&db, &PRODUCTS, &scope, &q).await.is_ok() }
                })
                .await
            };
            print_line(label, &name, clients, &api, &direct);
            still_running(&mut s)?;
        }
    }
    db.close().await;
    drop(s);
    Ok(())
}

/// Cursors of 256 depths spread evenly over the tenant's `n` products, oldest first (the list's
/// default order), read in one pass over the index.
async fn depths(db: &Db, tenant_id: &str, n: usize) -> anyhow::Result<Vec<Keyset>> {
    use futures::TryStreamExt;
    let step = (n / 256).max(1);
    let mut rows = sqlx::query_as::<_, (String, String)>(
        "SELECT created_at, id FROM products WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id",
    )
    .bind(tenant_id)
    .fetch(db.reader());
    let (mut cursors, mut i) = (Vec::new(), 0usize);
    while let Some((created_at, id)) = rows.try_next().await? {
        if i % step == 0 {
            cursors.push(Keyset { sort: "created_at".into(), desc: false, value: KeyValue::Text(created_at), id });
        }
        i += 1;
    }
    Ok(cursors)
}

/// Fails when the server has exited (its figures would be connection errors).
fn still_running(s: &mut server::Server) -> anyhow::Result<()> {
    match s.child.try_wait()? {
        Some(status) => anyhow::bail!("kasir exited: {status}"),
        None => Ok(()),
    }
}

#[derive(Clone, Copy)]
enum Figure {
    List,
    /// A keyset page (`?cursor=`) at a depth drawn from the whole catalog.
    Cursor,
    SearchName,
    SearchSku,
}

fn print_line(label: &str, name: &str, clients: usize, api: &Figures, direct: &Figures) {
    println!(
        "catalog {label} {name} clients={clients} api_rps={:.0} direct_rps={:.0} ratio={:.2} api_p50_ms={:.2} \
         api_p99_ms={:.2} direct_p50_ms={:.2} direct_p99_ms={:.2} errors={}",
        api.per_sec,
        direct.per_sec,
        api.per_sec / direct.per_sec.max(1.0),
        api.p50_ms,
        api.p99_ms,
        direct.p50_ms,
        direct.p99_ms,
        api.errors + direct.errors
    );
    if let Some(e) = FIRST_ERROR.lock().unwrap_or_else(|e| e.into_inner()).take() {
        println!("catalog {label} {name} clients={clients} first_api_error={e:?}");
    }
}

/// The first failed request's status or error since the last figure was printed.
static FIRST_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// True when the request answers 2xx and its whole body arrives.
async fn api_ok(req: reqwest::RequestBuilder) -> bool {
    let failure = match req.send().await {
        Ok(r) if r.status().is_success() => match r.bytes().await {
            Ok(_) => return true,
            Err(e) => e.to_string(),
        },
        Ok(r) => format!("{} {}", r.status(), r.text().await.unwrap_or_default()),
        Err(e) => e.to_string(),
    };
    FIRST_ERROR.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(failure);
    false
}

/// What `GET /products/barcode/{code}?outlet_id=` reads: the code, the product, the outlet's
/// default warehouse and the stock there.
async fn lookup_direct(db: &Db, scope: &Scope, outlet_id: &str, code: &str) -> anyhow::Result<i64> {
    let (product_id, variant_id) = products::find_code(db, scope, code).await?.context("no such code")?;
    let product: Product = crud::get(db, &PRODUCTS, scope, &product_id).await?;
    let warehouse = products::default_warehouse(db, &scope.tenant_id, outlet_id).await?.context("no warehouse")?;
    Ok(products::stock_in(db, &warehouse, &product.id, variant_id.as_deref()).await?)
}

/// Writes `n` products with a SKU and one barcode each, a quarter of them in a category.
///
/// The rows go straight into `products` and `product_codes`, without change-feed rows or audit
/// entries: the fill stands for a catalog that already exists, not for writes being measured.
pub(crate) async fn fill(db: &Db, tenant_id: &str, categories: &[String], n: usize) -> anyhow::Result<()> {
    let pool = db.writer();
    if db.backend() == Backend::Sqlite {
        // A larger page cache for the fill only: the barcode index fills in random order. Not a
        // cached statement: SQLite applies this pragma when it prepares it.
        sqlx::query("PRAGMA cache_size = -262144").persistent(false).execute(pool).await?;
    }
    let mut start = 0;
    while start < n {
        let tx_end = (start + ROWS_PER_TX).min(n);
        let mut tx = pool.begin().await?;
        while start < tx_end {
            let end = (start + ROWS_PER_STATEMENT).min(tx_end);
            let rows = end - start;
            let product_sql = values_sql(
                "products (tenant_id, id, sku, name_key, name, category_id, price, barcodes, created_at, updated_at, \
                 cost, version)",
                rows,
                "($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1)",
            );
            let code_sql = values_sql(
                "product_codes (tenant_id, kind, code, product_id, variant_id)",
                rows,
                "($1, 'sku', ?, ?, NULL), ($1, 'barcode', ?, ?, NULL)",
            );
            let mut products = sqlx::query(&product_sql).bind(tenant_id);
            let mut codes = sqlx::query(&code_sql).bind(tenant_id);
            for i in start..end {
                let h = mix(i as u64);
                let name = format!(
                    "{} {} {} {}",
                    BRANDS[(h % BRANDS.len() as u64) as usize],
                    NOUNS[((h >> 8) % NOUNS.len() as u64) as usize],
                    KINDS[((h >> 16) % KINDS.len() as u64) as usize],
                    SIZES[((h >> 24) % SIZES.len() as u64) as usize]
                );
                let id = kasir_domain::ids::new_id();
                let category = (i % 4 == 0).then(|| categories[(i / 4) % categories.len()].clone());
                let now = kasir_domain::time::now();
                let code = barcode(i);
                products = products
                    .bind(id.clone())
                    .bind(sku(i))
                    .bind(name.to_lowercase())
                    .bind(name)
                    .bind(category)
                    .bind(1_000 + (h >> 32) as i64 % 500 * 100)
                    .bind(format!("[\"{code}\"]"))
                    .bind(now.clone())
                    .bind(now);
                codes = codes.bind(sku(i)).bind(id.clone()).bind(code).bind(id);
            }
            products.execute(&mut *tx).await?;
            codes.execute(&mut *tx).await?;
            start = end;
        }
        tx.commit().await?;
    }
    if db.backend() == Backend::Sqlite {
        // The writer's one connection is closed, so that what is measured next runs on a fresh
        // one with the server's settings (its cache's hash table, once grown, never shrinks).
        pool.acquire().await?.close().await?;
    }
    // The list's total of an unfiltered catalog comes from the tenant's live count.
    crud::recount(db, &PRODUCTS, tenant_id).await?;
    if db.backend() == Backend::Postgres {
        // What autovacuum does shortly after a bulk load: statistics and the visibility map.
        for table in ["products", "product_codes"] {
            kasir_store::raw_execute(db, &format!("VACUUM ANALYZE {table}")).await?;
        }
    }
    Ok(())
}

/// `INSERT INTO {target} VALUES` and `rows` copies of `row`, whose `?` become `$2`, `$3`, … in
/// order (SQLite numbers `$n` parameters by first appearance); `$1` is the tenant, shared by all.
pub(crate) fn values_sql(target: &str, rows: usize, row: &str) -> String {
    let mut sql = format!("INSERT INTO {target} VALUES ");
    let mut p = 1;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        for c in row.chars() {
            if c == '?' {
                p += 1;
                sql.push_str(&format!("${p}"));
            } else {
                sql.push(c);
            }
        }
    }
    sql
}

/// `SKU-0000042`.
fn sku(i: usize) -> String {
    format!("SKU-{i:07}")
}

/// A unique EAN-13 for product `i`: `899`, a 9-digit item number spread over the range, a check digit.
fn barcode(i: usize) -> String {
    let item = (i as u64 * 387_420_489 + 12_345) % 1_000_000_000;
    let body = format!("899{item:09}");
    let sum: u32 = body.bytes().enumerate().map(|(k, b)| (b - b'0') as u32 * if k % 2 == 0 { 1 } else { 3 }).sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// splitmix64: a well-mixed 64-bit value from a counter.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Random picks shared by every client task: a counter run through [`mix`].
#[derive(Default)]
pub(crate) struct Pick(AtomicU64);

impl Pick {
    pub(crate) fn next(&self, n: usize) -> usize {
        (mix(self.0.fetch_add(1, Ordering::Relaxed) ^ 0x5EED) % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn barcodes_are_unique_ean13() {
        let codes: std::collections::HashSet<String> = (0..1_000_000).map(super::barcode).collect();
        assert_eq!(codes.len(), 1_000_000);
        assert_eq!(super::barcode(0).len(), 13);
    }

    #[test]
    fn values_sql_numbers_placeholders_in_order() {
        let sql = super::values_sql("t (a, b, c, d)", 2, "($1, ?, 0, ?)");
        assert_eq!(sql, "INSERT INTO t (a, b, c, d) VALUES ($1, $2, 0, $3), ($1, $4, 0, $5)");
    }
}
