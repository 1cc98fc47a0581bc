//! `kasir backup` and `kasir restore` on a database of `products` products and `sales` sales:
//! time, peak resident memory of the process and file size, beside the engine's own tool run on
//! the same database in the same run (SQLite's online backup API through Python's `sqlite3`;
//! `pg_dump -Fc` and `pg_restore`).

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use kasir_store::{Backend, Db, DbOptions};

use crate::{catalog, checkout, server};

pub struct Options {
    pub products: usize,
    pub sales: usize,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    let dir = crate::foundation::tempdir()?;
    let (source, label) = server::fresh_database(spec, &dir).await?;
    let (restored, _) = server::fresh_database(spec, &dir.join("restored")).await?;
    let (native_restored, _) = server::fresh_database(spec, &dir.join("native")).await?;
    std::fs::create_dir_all(dir.join("restored"))?;
    std::fs::create_dir_all(dir.join("native"))?;
    let result = measure(&dir, &source, &restored, &native_restored, label, o).await;
    for url in [&source, &restored, &native_restored] {
        server::drop_database(spec, url, label).await?;
    }
    std::fs::remove_dir_all(&dir)?;
    result
}

/// How one child process went: its wall time and the most memory it held.
struct Ran {
    seconds: f64,
    peak_rss_mib: f64,
}

/// Runs `cmd` to its end, sampling its peak resident memory (`VmHWM`, which starts afresh at
/// `exec`; the kernel's `ru_maxrss` would also count this process, which the child was forked
/// from) every few milliseconds.
fn measured(mut cmd: Command, what: &str) -> anyhow::Result<Ran> {
    let started = Instant::now();
    let mut child =
        cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().with_context(|| format!("starting {what}"))?;
    let mut peak: f64 = 0.0;
    let status = loop {
        if let Ok(hwm) = server::peak_rss_mib(child.id()) {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        bail!("{what} failed ({status}): {err}");
    }
    Ok(Ran { seconds, peak_rss_mib: peak })
}

fn kasir(args: &[&str], database_url: &str) -> anyhow::Result<Command> {
    let exe = std::env::current_exe()?.with_file_name("kasir");
    if !exe.exists() {
        bail!("{} is missing: run `cargo build --release -p kasir` first", exe.display());
    }
    let mut cmd = Command::new(exe);
    cmd.args(args).env("KASIR_DATABASE_URL", database_url).env("KASIR_LOG", "warn");
    Ok(cmd)
}

fn sqlite_path(url: &str) -> String {
    url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default().to_string()
}

/// SQLite's online backup API, page by page, from `from` into a new file `to`.
fn python_sqlite_backup(from: &str, to: &str) -> Command {
    let mut cmd = Command::new("python3");
    cmd.args([
        "-c",
        "import sqlite3, sys\nsrc = sqlite3.connect(sys.argv[1])\ndst = sqlite3.connect(sys.argv[2])\nsrc.backup(dst)\ndst.close()",
        from,
        to,
    ]);
    cmd
}

async fn measure(
    dir: &std::path::Path,
    source: &str,
    restored: &str,
    native_restored: &str,
    label: &str,
    o: &Options,
) -> anyhow::Result<()> {
    let filled = Instant::now();
    {
        // The server makes the schema and the platform admin; the shop is made through the API.
        let s = server::start(source, server::free_port()?).await?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
        let till = checkout::till(&http, &s.base).await?;
        drop(s);
        let db = Db::connect(source, &DbOptions::default()).await?;
        catalog::fill(&db, &till.tenant_id, std::slice::from_ref(&till.category), o.products).await?;
        fill_sales(&db, &till, o.sales).await?;
        if db.backend() == Backend::Sqlite {
            kasir_store::raw_execute(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        db.close().await;
    }
    eprintln!(
        "filled {label} with {} products and {} sales in {:.0} s",
        o.products,
        o.sales,
        filled.elapsed().as_secs_f64()
    );

    let file = dir.join("backup.kasir");
    let backup = measured(kasir(&["backup", "--out", &file.display().to_string()], source)?, "kasir backup")?;
    let size_mib = std::fs::metadata(&file)?.len() as f64 / (1024.0 * 1024.0);
    let restore = measured(kasir(&["restore", &file.display().to_string()], restored)?, "kasir restore")?;

    let (tool, native_backup, native_restore, native_size_mib) = if label == "sqlite" {
        let copy = dir.join("native-copy.db");
        let b = measured(python_sqlite_backup(&sqlite_path(source), &copy.display().to_string()), "sqlite backup")?;
        let r = measured(
            python_sqlite_backup(&copy.display().to_string(), &sqlite_path(native_restored)),
            "sqlite restore",
        )?;
        ("sqlite3 backup API", b, r, std::fs::metadata(&copy)?.len() as f64 / (1024.0 * 1024.0))
    } else {
        let dump = dir.join("native.dump");
        let mut cmd = Command::new("pg_dump");
        cmd.args(["-Fc", "-f", &dump.display().to_string(), source]);
        let b = measured(cmd, "pg_dump")?;
        let mut cmd = Command::new("pg_restore");
        cmd.args(["--no-owner", "-d", native_restored, &dump.display().to_string()]);
        let r = measured(cmd, "pg_restore")?;
        ("pg_dump -Fc / pg_restore", b, r, std::fs::metadata(&dump)?.len() as f64 / (1024.0 * 1024.0))
    };

    // What was restored is what was there.
    let counts = |url: String| async move {
        let db = Db::connect(&url, &DbOptions { max_connections: 2, ..Default::default() }).await?;
        let n: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM sales), (SELECT COUNT(*) FROM sale_items)",
        )
        .fetch_one(db.reader())
        .await?;
        db.close().await;
        anyhow::Ok(n)
    };
    let (before, after) = (counts(source.to_string()).await?, counts(restored.to_string()).await?);
    anyhow::ensure!(before == after, "restored {after:?} of {before:?}");

    println!(
        "backup {label} products={} sales={} size_mib={size_mib:.0} backup_s={:.1} backup_peak_rss_mib={:.0} \
         restore_s={:.1} restore_peak_rss_mib={:.0} | {tool}: size_mib={native_size_mib:.0} backup_s={:.1} \
         backup_peak_rss_mib={:.0} restore_s={:.1} restore_peak_rss_mib={:.0}",
        o.products,
        o.sales,
        backup.seconds,
        backup.peak_rss_mib,
        restore.seconds,
        restore.peak_rss_mib,
        native_backup.seconds,
        native_backup.peak_rss_mib,
        native_restore.seconds,
        native_restore.peak_rss_mib,
    );
    Ok(())
}

/// Sales rung up at the bench's till, two lines and a cash payment each, with their stock
/// movements, written straight to the tables in bulk.
async fn fill_sales(db: &Db, till: &checkout::Till, n: usize) -> anyhow::Result<()> {
    let (shift,): (String,) = sqlx::query_as("SELECT id FROM shifts WHERE tenant_id = $1")
        .bind(&till.tenant_id)
        .fetch_one(db.reader())
        .await?;
    let warehouse = kasir_store::catalog::products::default_warehouse(db, &till.tenant_id, &till.outlet)
        .await?
        .context("warehouse")?;
    let products: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT id, name, sku, price FROM products WHERE tenant_id = $1 ORDER BY sku LIMIT 1000")
            .bind(&till.tenant_id)
            .fetch_all(db.reader())
            .await?;
    anyhow::ensure!(!products.is_empty(), "no products to sell");
    const PER_STATEMENT: usize = 50;
    const PER_TX: usize = 2_000;
    let mut done = 0;
    while done < n {
        let tx_end = (done + PER_TX).min(n);
        let mut tx = db.writer().begin().await?;
        while done < tx_end {
            let end = (done + PER_STATEMENT).min(tx_end);
            let rows = end - done;
            let sales_sql = catalog::values_sql(
                "sales (tenant_id, id, outlet_id, shift_id, cashier_id, number, business_date, local_hour, status, \
                 subtotal, discount_total, tax_total, rounding, total, paid, change_given, version, created_at, updated_at)",
                rows,
                "($1, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, 0, 0, 0, ?, ?, 0, 1, ?, ?)",
            );
            let items_sql = catalog::values_sql(
                "sale_items (tenant_id, id, sale_id, line_no, product_id, name, sku, quantity, unit_price, gross, \
                 line_discount, order_discount, discount_total, tax_total, total)",
                rows * 2,
                "($1, ?, ?, ?, ?, ?, ?, 1000, ?, ?, 0, 0, 0, 0, ?)",
            );
            let payments_sql = catalog::values_sql(
                "sale_payments (tenant_id, id, sale_id, line_no, payment_method_id, method_type, method_name, amount)",
                rows,
                "($1, ?, ?, 1, ?, 'cash', 'Cash', ?)",
            );
            let moves_sql = catalog::values_sql(
                "stock_movements (tenant_id, id, type, warehouse_id, product_id, variant_id, quantity_delta, \
                 reference_type, reference_id, created_at)",
                rows * 2,
                "($1, ?, 'sale', ?, ?, '', -1000, 'sale', ?, ?)",
            );
            let mut sales = sqlx::query(&sales_sql).bind(&till.tenant_id);
            let mut items = sqlx::query(&items_sql).bind(&till.tenant_id);
            let mut payments = sqlx::query(&payments_sql).bind(&till.tenant_id);
            let mut moves = sqlx::query(&moves_sql).bind(&till.tenant_id);
            for i in done..end {
                let sale_id = kasir_domain::ids::new_id();
                let day = 1 + i % 28;
                let at = format!("2026-11-{day:02}T{:02}:{:02}:00.000Z", 1 + i % 12, i % 60);
                let lines = [&products[i % products.len()], &products[(i * 7 + 3) % products.len()]];
                let total: i64 = lines.iter().map(|p| p.3).sum();
                sales = sales
                    .bind(sale_id.clone())
                    .bind(&till.outlet)
                    .bind(&shift)
                    .bind(&till.cashier_id)
                    .bind(format!("B-{i:08}"))
                    .bind(format!("2026-11-{day:02}"))
                    .bind((8 + i % 12) as i64)
                    .bind(total)
                    .bind(total)
                    .bind(total)
                    .bind(at.clone())
                    .bind(at.clone());
                for (line, p) in lines.iter().enumerate() {
                    items = items
                        .bind(kasir_domain::ids::new_id())
                        .bind(sale_id.clone())
                        .bind(line as i64 + 1)
                        .bind(p.0.clone())
                        .bind(p.1.clone())
                        .bind(p.2.clone())
                        .bind(p.3)
                        .bind(p.3)
                        .bind(p.3);
                    moves = moves
                        .bind(kasir_domain::ids::new_id())
                        .bind(&warehouse)
                        .bind(p.0.clone())
                        .bind(sale_id.clone())
                        .bind(at.clone());
                }
                payments = payments.bind(kasir_domain::ids::new_id()).bind(sale_id).bind(&till.cash).bind(total);
            }
            sales.execute(&mut *tx).await?;
            items.execute(&mut *tx).await?;
            payments.execute(&mut *tx).await?;
            moves.execute(&mut *tx).await?;
            done = end;
        }
        tx.commit().await?;
    }
    Ok(())
}
