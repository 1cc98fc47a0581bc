//! `kasir-bench`: measures Kasir against baselines taken in the same run, and prints one line per
//! figure with the ratio.
//!
//!     cargo build --release -p kasir && cargo run --release -p kasir-bench -- foundation --database sqlite
//!     cargo run --release -p kasir-bench -- foundation --database postgres://postgres@127.0.0.1:5432/postgres

mod foundation;
mod load;
mod server;

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        match cli.command {
            Bench::Foundation { database, clients, seconds } => foundation::run(&database, clients, seconds).await,
        }
    })
}
