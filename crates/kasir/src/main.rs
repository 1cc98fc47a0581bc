//! `kasir`: the point-of-sale server.
//!
//!     kasir serve [--demo]   start the server (migrates first)
//!     kasir migrate          bring the database schema up to date and exit

use anyhow::Context;
use clap::{Parser, Subcommand};
use kasir_server::{Config, LogFormat};
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

#[derive(Parser)]
#[command(name = "kasir", version, about = "Kasir point-of-sale server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server.
    Serve {
        /// Also create a demo tenant with outlets and one user per built-in role, and print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("error: reading .env: {e}");
            return std::process::ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Err(e) = init_logging(&config) {
        eprintln!("error: KASIR_LOG: {e}");
        return std::process::ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve { demo } => serve(config, demo).await,
            Command::Migrate => migrate(config).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log)?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // ErrorLayer lets a database fault capture the instrumented steps it happened in.
    match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .finish()
            .with(tracing_error::ErrorLayer::default())
            .with(kasir_server::platform::metrics::StoreCallTimer)
            .init(),
        LogFormat::Pretty => builder
            .finish()
            .with(tracing_error::ErrorLayer::default())
            .with(kasir_server::platform::metrics::StoreCallTimer)
            .init(),
    }
    Ok(())
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let bind = config.bind;
    let backend_url = kasir_server::redact(&config.database_url);
    let app = kasir_server::build(config).await?;
    if demo {
        let logins = kasir_server::demo::seed(&app.state).await.context("seeding the demo tenant")?;
        println!("Demo tenant 'demo' is ready. Logins (password: {}):", kasir_server::demo::DEMO_PASSWORD);
        for (username, role) in logins {
            println!("  {username:<14} {role}");
        }
    }
    let listener =
        tokio::net::TcpListener::bind(bind).await.with_context(|| format!("KASIR_BIND: cannot listen on {bind}"))?;
    tracing::info!(address = %listener.local_addr()?, database = %backend_url, "kasir is listening");
    println!("Kasir is listening on http://{} (API docs at /docs)", listener.local_addr()?);
    kasir_server::serve(app, listener, shutdown_signal()).await?;
    tracing::info!("kasir stopped");
    Ok(())
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let db = kasir_store::Db::connect(&config.database_url, &kasir_store::DbOptions::default())
        .await
        .context("connecting to the database")?;
    let ran = kasir_store::migrate(&db).await.context("migrating")?;
    println!("Applied {} migration(s); the schema is at version {}.", ran.len(), kasir_store::MIGRATIONS.len());
    db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; the server then finishes in-flight requests before exiting.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
