//! `kasir-bench`: measures Kasir against baselines taken in the same run, and prints one line per
//! figure with the ratio.
//!
//!     cargo build --release -p kasir && cargo run --release -p kasir-bench -- foundation --database sqlite
//!     cargo run --release -p kasir-bench -- foundation --database postgres://postgres@127.0.0.1:5432/postgres
//!     cargo run --release -p kasir-bench -- catalog --database sqlite
//!     cargo run --release -p kasir-bench -- checkout --database sqlite --clients 16 --seconds 15
//!     cargo run --release -p kasir-bench -- login --database sqlite
//!     cargo run --release -p kasir-bench -- payments --database sqlite
//!     cargo run --release -p kasir-bench -- workforce --database sqlite
//!     cargo run --release -p kasir-bench -- operations --database sqlite

mod backup;
mod catalog;
mod checkout;
mod customers;
mod fake_xendit;
mod floor;
mod foundation;
mod import;
mod jobs;
mod load;
mod login;
mod operations;
mod payments;
mod server;
mod sync;
mod workforce;
mod ws;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "kasir-bench", about = "Kasir benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Start-up time, idle memory, and `GET /api/v1/outlets` under load against an HTTP floor
    /// (`/api/v1/ping`) and the same query run directly on the database.
    Foundation {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// `POST /api/v1/products/import` of a generated catalog (CSV, then XLSX), with the time and
    /// the server's peak memory, against a dry run of the same file.
    Import {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    /// A tenant with 1,000,000 products: `GET /api/v1/products/barcode/{code}`, the product list
    /// (page 1 and a deep page) and product search, each against the same queries run directly
    /// on the database, at each client count.
    Catalog {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 1_000_000)]
        products: usize,
        /// Client counts, each measured in turn.
        #[arg(long, value_delimiter = ',', default_values_t = [16, 64])]
        clients: Vec<usize>,
        /// Seconds per figure, after a one-second warm-up.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// The deep page of the list, at the API's default 20 per page.
        #[arg(long, default_value_t = 5_000)]
        page: i64,
        /// Keep the filled database and print its URL instead of removing it.
        #[arg(long)]
        keep: bool,
        /// Only these figures, comma-separated (barcode, list_page_1, list_page_5000, search_name,
        /// search_sku_prefix); all by default.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// `POST /api/v1/sales` against the same checkout run directly on the database (the server's
    /// checkout function, no HTTP), one after the other; prints one line.
    Checkout {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds per phase, after a one-second warm-up.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Sell only the first this many products, so that sales contend for their stock rows.
        #[arg(long)]
        hot_products: Option<usize>,
        /// Products in the catalog.
        #[arg(long, default_value_t = 10_000)]
        catalog: usize,
        /// Lines per sale.
        #[arg(long, default_value_t = 3)]
        lines: usize,
        /// Also measure the API while this many background jobs a second run (message deliveries
        /// queued beside the sales), alternating with runs without them.
        #[arg(long, default_value_t = 0)]
        jobs_per_second: u64,
        /// Also measure the API with every sale to a customer with an app account (points
        /// credited in the sale's transaction), alternating with runs without one.
        #[arg(long)]
        customer: bool,
        /// Spread the tills over this many outlets of the one tenant.
        #[arg(long, default_value_t = 1)]
        outlets: usize,
        /// Spread the tills over this many tenants, an outlet each.
        #[arg(long, default_value_t = 1)]
        tenants: usize,
        /// `KEY=VALUE` for the server's environment (repeatable), such as
        /// `KASIR_SQLITE_GROUP_COMMIT=off`.
        #[arg(long = "env", value_parser = parse_env)]
        env: Vec<(String, String)>,
    },
    /// Customer accounts: concurrent signups by SMS code from signup to verified (beside as many
    /// staff logins at once), and closed-loop customer logins beside staff logins and ping.
    Customers {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 50)]
        signups: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Gateway payments against a local server of Xendit's protocol: callbacks handled per second
    /// (each read again from the gateway) beside repeats and the gateway read alone, and the time
    /// from a callback to the customer's `PAYMENT_STATUS_CHANGED` frame.
    Payments {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 2000)]
        payments: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 200)]
        latency_samples: usize,
    },
    /// The monthly attendance report for `employees` employees × 31 days (JSON, CSV, XLSX): time and
    /// the server's peak memory, beside the report's query run directly on the database.
    Workforce {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 500)]
        employees: usize,
    },
    /// Meeting-room bookings of `rooms` rooms from `clients` clients (bookings a second, zero
    /// overlaps) beside the same transaction on the database; public CMS reads beside `ping`.
    Operations {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 20)]
        rooms: usize,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 200)]
        posts: usize,
    },
    /// WebSocket clients on one node while sales commit at a steady rate: latency from commit to
    /// receipt, resident memory per connection, lost events.
    /// `kasir backup` and `kasir restore` at scale, beside the engine's own tools.
    Backup {
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 1_000_000)]
        products: usize,
        #[arg(long, default_value_t = 100_000)]
        sales: usize,
    },
    /// `GET /sync/pull` of the whole feed (one client, then `clients` at once) beside listing the
    /// same records; `POST /sync/push` of 50-change batches from `clients` devices, without and
    /// with conflicts, beside the same edits through `PATCH`.
    Sync {
        #[arg(long, default_value = "sqlite")]
        database: String,
        /// Changes in the feed (customers created).
        #[arg(long, default_value_t = 10_000)]
        changes: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds per push phase.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// Jobs drained per second by one server process and by two.
    Jobs {
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 10_000)]
        jobs: usize,
    },
    Ws {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        #[arg(long, default_value_t = 2000)]
        clients: usize,
        /// Events (sales) per second.
        #[arg(long, default_value_t = 100)]
        rate: u64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// `POST /api/v1/auth/login` (Argon2 password hashing): a burst of logins with the server's
    /// peak and final memory, then closed-loop logins; each beside `/api/v1/ping` done the same way.
    Login {
        /// `sqlite` (a fresh temporary file) or a PostgreSQL admin URL (a fresh database is created).
        #[arg(long, default_value = "sqlite")]
        database: String,
        /// Clients of the closed-loop phase.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds of the closed-loop phase, after a one-second warm-up.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Logins in the burst.
        #[arg(long, default_value_t = 64)]
        burst: usize,
        /// Logins of the burst in flight at once.
        #[arg(long, default_value_t = 32)]
        at_once: usize,
    },
}

/// `KEY=VALUE`.
fn parse_env(raw: &str) -> Result<(String, String), String> {
    raw.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| format!("{raw}: expected KEY=VALUE"))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        match cli.command {
            Bench::Foundation { database, clients, seconds } => foundation::run(&database, clients, seconds).await,
            Bench::Import { database, rows } => import::run(&database, rows).await,
            Bench::Catalog { database, products, clients, seconds, page, keep, only } => {
                let o = catalog::Options { products, clients, seconds, per_page: 20, deep_page: page, keep, only };
                catalog::run(&database, &o).await
            }
            Bench::Backup { database, products, sales } => {
                backup::run(&database, &backup::Options { products, sales }).await
            }
            Bench::Jobs { database, jobs } => jobs::run(&database, jobs).await,
            Bench::Sync { database, changes, clients, seconds } => {
                sync::run(&database, &sync::Options { changes, clients, seconds }).await
            }
            Bench::Ws { database, clients, rate, seconds } => {
                ws::run(&database, &ws::Options { clients, rate, seconds }).await
            }
            Bench::Checkout {
                database,
                clients,
                seconds,
                hot_products,
                catalog,
                lines,
                jobs_per_second,
                customer,
                outlets,
                tenants,
                env,
            } => {
                let o = checkout::Options {
                    clients,
                    seconds,
                    hot_products,
                    catalog,
                    lines,
                    jobs_per_second,
                    customer,
                    outlets,
                    tenants,
                    env,
                };
                checkout::run(&database, &o).await
            }
            Bench::Customers { database, signups, clients, seconds } => {
                customers::run(&database, &customers::Options { signups, clients, seconds }).await
            }
            Bench::Payments { database, payments, clients, latency_samples } => {
                payments::run(&database, &payments::Options { payments, clients, latency_samples }).await
            }
            Bench::Operations { database, rooms, clients, seconds, posts } => {
                operations::run(&database, &operations::Options { rooms, clients, seconds, posts }).await
            }
            Bench::Workforce { database, employees } => {
                workforce::run(&database, &workforce::Options { employees }).await
            }
            Bench::Login { database, clients, seconds, burst, at_once } => {
                login::run(&database, &login::Options { clients, seconds, burst, at_once }).await
            }
        }
    })
}
