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
    /// Write a consistent snapshot of the whole database (taken online: sales may go on) in the
    /// portable backup format, which `kasir restore` loads into either engine.
    Backup {
        /// Where to write it (`-`: standard output).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Load a backup into the empty database of KASIR_DATABASE_URL (SQLite or PostgreSQL).
    Restore {
        /// The backup file (`-`: standard input).
        file: std::path::PathBuf,
    },
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
            Command::Backup { out } => backup(config, out).await,
            Command::Restore { file } => restore(config, file).await,
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

async fn backup(config: Config, out: std::path::PathBuf) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = connect(&config).await?;
    let to_stdout = out.as_os_str() == "-";
    // Written beside its final name and renamed into place once complete: a file by that name is
    // always a whole backup.
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into())
    ));
    let sink: Box<dyn std::io::Write + Send> = if to_stdout {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?)
    };
    let dumped =
        kasir_store::platform::backup::dump(&db, &kasir_store::platform::backup::Content::Database, sink).await;
    db.close().await;
    let summary = match dumped {
        Ok(s) => s,
        Err(e) => {
            if !to_stdout {
                let _ = std::fs::remove_file(&partial);
            }
            return Err(e).context("backing up");
        }
    };
    if !to_stdout {
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).context("syncing the backup")?;
        std::fs::rename(&partial, &out).with_context(|| format!("moving the backup to {}", out.display()))?;
    }
    eprintln!(
        "Backed up {} rows of {} tables from {} in {:.1} s.",
        summary.rows,
        summary.tables,
        kasir_server::redact(&config.database_url),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore(config: Config, file: std::path::PathBuf) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let input: Box<dyn std::io::Read + Send> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?)
    };
    let db = connect(&config).await?;
    let restored = kasir_store::platform::backup::restore(&db, input).await;
    db.close().await;
    let summary = restored.context("restoring")?;
    println!(
        "Restored {} rows of {} tables into {} in {:.1} s.",
        summary.rows,
        summary.tables,
        kasir_server::redact(&config.database_url),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<kasir_store::Db> {
    kasir_store::Db::connect(&config.database_url, &kasir_store::DbOptions::default())
        .await
        .context("connecting to the database")
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
