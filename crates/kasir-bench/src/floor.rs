//! The floor of a checkout (issue 20): the least a checkout must do, as plain SQL on the same
//! engine, in tables of its own with the shape of ours — a number from the outlet's counter of
//! the day, the sale, its three lines, its payment, three stock updates and three ledger rows:
//! eight statements in one transaction. `POST /sales` is measured against it in the same run.

use std::sync::Arc;

use kasir_store::Db;

use crate::{catalog::Pick, load};

/// Tables `floor_*` beside the server's, on the same database.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS floor_counters (outlet_id TEXT NOT NULL, day TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (outlet_id, day))",
    "CREATE TABLE IF NOT EXISTS floor_sales (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, outlet_id TEXT NOT NULL, number TEXT NOT NULL, total BIGINT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floor_sale_lines (id TEXT PRIMARY KEY, sale_id TEXT NOT NULL, product_id TEXT NOT NULL, quantity BIGINT NOT NULL, price BIGINT NOT NULL, total BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floor_payments (id TEXT PRIMARY KEY, sale_id TEXT NOT NULL, method TEXT NOT NULL, amount BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floor_stock (warehouse_id TEXT NOT NULL, product_id TEXT NOT NULL, quantity BIGINT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (warehouse_id, product_id))",
    "CREATE TABLE IF NOT EXISTS floor_ledger (id TEXT PRIMARY KEY, warehouse_id TEXT NOT NULL, product_id TEXT NOT NULL, delta BIGINT NOT NULL, sale_id TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS floor_sale_lines_sale ON floor_sale_lines (sale_id)",
    "CREATE INDEX IF NOT EXISTS floor_ledger_product ON floor_ledger (warehouse_id, product_id, created_at)",
];

/// One till of the floor: its tenant, outlet and warehouse (one each per outlet), and products.
#[derive(Clone)]
pub struct FloorTill {
    pub tenant_id: String,
    pub outlet_id: String,
    pub warehouse_id: String,
}

/// Creates the floor's tables and stocks each till's products in its warehouse.
pub async fn prepare(db: &Db, tills: &[(FloorTill, Arc<Vec<String>>)]) -> anyhow::Result<()> {
    for statement in SCHEMA {
        kasir_store::raw_execute(db, statement).await?;
    }
    let now = kasir_domain::time::now();
    for (till, products) in tills {
        for chunk in products.chunks(200) {
            let sql = crate::catalog::values_sql(
                "floor_stock (warehouse_id, product_id, quantity, updated_at)",
                chunk.len(),
                "($1, ?, 1000000000, ?)",
            );
            let mut q = sqlx::query(&sql).bind(&till.warehouse_id);
            for p in chunk {
                q = q.bind(p).bind(&now);
            }
            q.execute(db.writer()).await?;
        }
    }
    Ok(())
}

/// Runs the floor's checkout from `clients` clients for `seconds`, the tills taking turns.
pub async fn run(
    db: &Db,
    tills: Vec<(FloorTill, Arc<Vec<String>>)>,
    clients: usize,
    seconds: u64,
    lines: usize,
) -> load::Figures {
    let tills = Arc::new(tills);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pick = Arc::new(Pick::default());
    let db = db.clone();
    load::run(clients, seconds, move || {
        let (db, tills, pick) = (db.clone(), tills.clone(), pick.clone());
        let (till, products) = tills[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % tills.len()].clone();
        async move {
            let mut chosen: Vec<String> = Vec::with_capacity(lines);
            while chosen.len() < lines.min(products.len()) {
                let p = &products[pick.next(products.len())];
                if !chosen.contains(p) {
                    chosen.push(p.clone());
                }
            }
            match sale(&db, &till, &chosen).await {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("floor sale: {e}");
                    false
                }
            }
        }
    })
    .await
}

/// The eight statements.
async fn sale(db: &Db, till: &FloorTill, products: &[String]) -> anyhow::Result<()> {
    let now = kasir_domain::time::now();
    let day = &now[..10];
    let sale_id = kasir_domain::ids::new_id();
    let mut tx = db.writer().begin().await?;
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO floor_counters (outlet_id, day, n) VALUES ($1, $2, 1)
         ON CONFLICT (outlet_id, day) DO UPDATE SET n = floor_counters.n + 1 RETURNING n",
    )
    .bind(&till.outlet_id)
    .bind(day)
    .fetch_one(&mut *tx)
    .await?;
    let price = 25_000i64;
    let total = price * products.len() as i64;
    sqlx::query(
        "INSERT INTO floor_sales (id, tenant_id, outlet_id, number, total, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&sale_id)
    .bind(&till.tenant_id)
    .bind(&till.outlet_id)
    .bind(format!("{day}-{n:05}"))
    .bind(total)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let lines = crate::catalog::values_sql(
        "floor_sale_lines (sale_id, id, product_id, quantity, price, total)",
        products.len(),
        "($1, ?, ?, 1, ?, ?)",
    );
    let mut q = sqlx::query(&lines).bind(&sale_id);
    for p in products {
        q = q.bind(kasir_domain::ids::new_id()).bind(p).bind(price).bind(price);
    }
    q.execute(&mut *tx).await?;
    sqlx::query("INSERT INTO floor_payments (id, sale_id, method, amount) VALUES ($1, $2, 'cash', $3)")
        .bind(kasir_domain::ids::new_id())
        .bind(&sale_id)
        .bind(total)
        .execute(&mut *tx)
        .await?;
    for p in products {
        sqlx::query("UPDATE floor_stock SET quantity = quantity - 1, updated_at = $1 WHERE warehouse_id = $2 AND product_id = $3")
            .bind(&now)
            .bind(&till.warehouse_id)
            .bind(p)
            .execute(&mut *tx)
            .await?;
    }
    let ledger = crate::catalog::values_sql(
        "floor_ledger (sale_id, id, warehouse_id, product_id, delta, created_at)",
        products.len(),
        "($1, ?, ?, ?, -1, ?)",
    );
    let mut q = sqlx::query(&ledger).bind(&sale_id);
    for p in products {
        q = q.bind(kasir_domain::ids::new_id()).bind(&till.warehouse_id).bind(p).bind(&now);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
