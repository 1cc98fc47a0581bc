//! Issue 3's import figures: a generated catalog file imported through `POST /products/import`
//! (CSV, then the same catalog as XLSX), with wall time and the server's peak resident memory.
//! The baseline is a dry run of the same file in the same run: parsing and checking without writes.

use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::Value;

use crate::server;

/// Builds a CSV of `rows` rows: every 20th product has three variants (three rows).
fn catalog_csv(rows: usize, price_bump: i64) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 160);
    out.push_str("sku,name,category,brand,barcodes,price,cost,tax,unit,track_stock,low_stock_threshold,is_active,variant_name,variant_sku,variant_barcodes,variant_price,variant_cost\n");
    let mut written = 0;
    let mut i = 0usize;
    while written < rows {
        let (sku, price) = (format!("SKU{i:07}"), 10_000 + (i % 500) as i64 * 100 + price_bump);
        let common = format!(
            "{sku},Product number {i},Category {} > Shelf {},Brand {},{},{price},{},,pcs,true,5,true",
            i % 40,
            i % 7,
            i % 120,
            8_990_000_000_000u64 + i as u64,
            price / 2
        );
        if i.is_multiple_of(20) && rows - written >= 3 {
            for (v, size) in ["S", "M", "L"].iter().enumerate() {
                let code = 7_770_000_000_000u64 + (i * 3 + v) as u64;
                out.push_str(&format!("{common},Size {size},{sku}-{size},{code},{},\n", price + v as i64 * 1000));
            }
            written += 3;
        } else {
            out.push_str(&format!("{common},,,,,\n"));
            written += 1;
        }
        i += 1;
    }
    out.into_bytes()
}

async fn upload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<(Duration, Value)> {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let started = Instant::now();
    let res =
        http.post(format!("{base}/api/v1/products/import{query}")).bearer_auth(token).multipart(form).send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    let took = started.elapsed();
    if !status.is_success() {
        bail!("import answered {status}: {}", body.to_string().chars().take(500).collect::<String>());
    }
    Ok((took, body["data"].clone()))
}

pub async fn run(spec: &str, rows: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("kasir-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (url, label) = server::fresh_database(spec, &dir).await?;
    let s = server::start(&url, server::free_port()?).await?;
    let pid = s.child.id();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(600)).build()?;
    let (_, owner) = server::bench_tenant(&http, &s.base).await?;
    let file = catalog_csv(rows, 0);
    let mib = file.len() as f64 / (1024.0 * 1024.0);
    println!("import {label} file rows={rows} csv_mib={mib:.1} rss_before_mib={:.1}", server::rss_mib(pid)?);

    let line = |what: &str, took: Duration, d: &Value, base: Option<Duration>| {
        let ratio =
            base.map(|b| format!(" ratio_to_dry_run={:.2}", took.as_secs_f64() / b.as_secs_f64())).unwrap_or_default();
        println!(
            "import {label} {what} rows={rows} seconds={:.2} rows_per_s={:.0} created={} updated={} unchanged={} errors={} peak_rss_mib={:.1}{ratio}",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64(),
            d["created"],
            d["updated"],
            d["unchanged"],
            d["error_count"],
            server::peak_rss_mib(pid).unwrap_or(f64::NAN),
        );
    };
    let (dry, d) = upload(&http, &s.base, &owner, "?dry_run=true", "catalog.csv", file.clone()).await?;
    line("csv_dry_run", dry, &d, None);
    let (took, d) = upload(&http, &s.base, &owner, "", "catalog.csv", file.clone()).await?;
    line("csv_create", took, &d, Some(dry));
    let (took, d) = upload(&http, &s.base, &owner, "", "catalog.csv", file).await?;
    line("csv_unchanged", took, &d, Some(dry));
    let (took, d) = upload(&http, &s.base, &owner, "", "catalog.csv", catalog_csv(rows, 500)).await?;
    line("csv_update", took, &d, Some(dry));

    for format in ["csv", "xlsx"] {
        let started = Instant::now();
        let res =
            http.get(format!("{}/api/v1/products/export?format={format}", s.base)).bearer_auth(&owner).send().await?;
        let bytes = res.error_for_status()?.bytes().await?;
        let took = started.elapsed();
        println!(
            "export {label} {format} rows={rows} seconds={:.2} mib={:.1} peak_rss_mib={:.1}",
            took.as_secs_f64(),
            bytes.len() as f64 / (1024.0 * 1024.0),
            server::peak_rss_mib(pid)?
        );
        if format == "xlsx" {
            let (took, d) = upload(&http, &s.base, &owner, "", "catalog.xlsx", bytes.to_vec()).await?;
            line("xlsx_unchanged", took, &d, Some(dry));
        }
    }
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
