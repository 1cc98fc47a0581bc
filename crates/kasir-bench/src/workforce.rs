//! Issue 18's figure: the monthly attendance report for `employees` employees × a month of days
//! (every day a check-in and check-out; some late, some absent, some on leave), as JSON, CSV and
//! XLSX through the API, each with the time and the server's peak resident memory, beside the
//! report's grouped query run directly on the database in the same run.

use std::time::Instant;

use anyhow::Context;
use kasir_store::{Backend, Db, DbOptions};
use serde_json::Value;

use crate::{catalog::values_sql, server};

pub struct Options {
    pub employees: usize,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// The month measured: January 2026 (31 days).
const YEAR: i32 = 2026;
const MONTH: i32 = 1;

async fn fill(db: &Db, tenant_id: &str, employees: usize) -> anyhow::Result<usize> {
    let pool = db.writer();
    let now = kasir_domain::time::now();
    let mut ids = Vec::with_capacity(employees);
    let mut tx = pool.begin().await?;
    for chunk in (0..employees).collect::<Vec<_>>().chunks(100) {
        let sql = values_sql(
            "employees (tenant_id, id, code, code_key, name, outlet_ids, status, version, created_at, updated_at)",
            chunk.len(),
            "($1, ?, ?, ?, ?, '[]', 'active', 1, ?, ?)",
        );
        let mut q = sqlx::query(&sql).bind(tenant_id);
        for i in chunk {
            let id = kasir_domain::ids::new_id();
            let code = format!("E{i:05}");
            q = q
                .bind(id.clone())
                .bind(code.clone())
                .bind(code.to_lowercase())
                .bind(format!("Employee {i}"))
                .bind(now.clone())
                .bind(now.clone());
            ids.push(id);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let mut rows = 0;
    for chunk in ids.chunks(20) {
        let mut tx = pool.begin().await?;
        let sql = values_sql(
            "attendance (tenant_id, id, employee_id, date, status, open, check_in_at, check_out_at, worked_minutes, version, created_at, updated_at)",
            chunk.len() * 31,
            "($1, ?, ?, ?, ?, 0, ?, ?, ?, 1, ?, ?)",
        );
        let mut q = sqlx::query(&sql).bind(tenant_id);
        for (k, e) in chunk.iter().enumerate() {
            for day in 1..=31 {
                let date = format!("{YEAR}-{MONTH:02}-{day:02}");
                let h = (k * 31 + day) % 23;
                let (status, worked) = match h {
                    0 => ("absent", None),
                    1 => ("leave", None),
                    2 | 3 => ("late", Some(450)),
                    _ => ("present", Some(480)),
                };
                let (inn, out) = match worked {
                    Some(_) => (Some(format!("{date}T01:00:00.000Z")), Some(format!("{date}T09:00:00.000Z"))),
                    None => (None, None),
                };
                q = q
                    .bind(kasir_domain::ids::new_id())
                    .bind(e.clone())
                    .bind(date)
                    .bind(status)
                    .bind(inn)
                    .bind(out)
                    .bind(worked.map(i64::from))
                    .bind(now.clone())
                    .bind(now.clone());
                rows += 1;
            }
        }
        q.execute(&mut *tx).await?;
        tx.commit().await?;
    }
    if db.backend() == Backend::Postgres {
        for table in ["employees", "attendance"] {
            kasir_store::raw_execute(db, &format!("VACUUM ANALYZE {table}")).await?;
        }
    }
    Ok(rows)
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let s = server::start(url, server::free_port()?).await?;
    let http = reqwest::Client::new();
    let (tenant_id, owner) = server::bench_tenant(&http, &s.base).await?;
    let db = Db::connect(url, &DbOptions { max_connections: 2, ..Default::default() }).await?;
    let started = Instant::now();
    let rows = fill(&db, &tenant_id, o.employees).await?;
    println!(
        "workforce {label} fill employees={} attendance_rows={rows} seconds={:.1}",
        o.employees,
        started.elapsed().as_secs_f64()
    );
    let pid = s.child.id();
    let (from, to) = (format!("{YEAR}-{MONTH:02}-01"), format!("{YEAR}-{MONTH:02}-31"));
    // The query alone, twice (the second warm), as the baseline.
    let mut direct_ms = 0.0;
    for _ in 0..2 {
        let t = Instant::now();
        let got = kasir_store::workforce::attendance::report(&db, &tenant_id, &from, &to, None).await?;
        direct_ms = t.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(got.len() == o.employees, "the query gave {} rows", got.len());
    }
    for format in ["json", "csv", "xlsx"] {
        let before = server::rss_mib(pid)?;
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let r = http
                .get(format!("{}/api/v1/attendance/report?month={MONTH}&year={YEAR}&format={format}", s.base))
                .bearer_auth(&owner)
                .send()
                .await?;
            anyhow::ensure!(r.status().as_u16() == 200, "report {format}: {}", r.status());
            let body = r.bytes().await?;
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            bytes = body.len();
            if format == "json" {
                let v: Value = serde_json::from_slice(&body)?;
                let n = v["data"]["rows"].as_array().context("rows")?.len();
                anyhow::ensure!(n == o.employees, "the report has {n} rows");
                let first = &v["data"]["rows"][0];
                anyhow::ensure!(first["present_days"].as_i64().unwrap_or(0) > 20, "present days: {first}");
            }
        }
        let peak = server::peak_rss_mib(pid)?;
        println!(
            "attendance_report {label} employees={} days=31 format={format} best_ms={best:.1} bytes={bytes} rss_before_mib={before:.1} peak_rss_mib={peak:.1} | baseline direct_query_ms={direct_ms:.1}",
            o.employees
        );
    }
    db.close().await;
    drop(s);
    Ok(())
}
