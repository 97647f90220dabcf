//! The `samplan-server` binary: reads the configuration and runs the server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use server::{Config, Limits};
use tokio_util::sync::CancellationToken;

/// The Samplan relay: merges, stores and forwards SIP plans.
#[derive(Parser)]
#[command(name = "samplan-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the sync WebSocket.
    Serve {
        /// Address to listen on (host:port).
        #[arg(long, env = "SAMPLAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Directory for the SQLite database; created if missing.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// The built app (trunk's output) to serve at `/`.
        #[arg(long, env = "SAMPLAN_STATIC_DIR", default_value = "app/dist")]
        static_dir: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
        /// Seconds a document without peers stays in memory.
        #[arg(long, env = "SAMPLAN_IDLE_DOCUMENT_SECS", default_value_t = 60)]
        idle_document_secs: u64,
    },
    /// Write a consistent copy of the database to PATH while the server runs.
    /// Restore: stop the server and put the copy in place of DATA_DIR/samplan.sqlite3.
    Backup {
        /// The new file to write (must not exist).
        path: PathBuf,
        /// Directory of the SQLite database.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Store an example plan (the one in the SIP manual: goals, sub-goals,
    /// interventions by kommun and region) and print its address as the last line.
    Demo {
        /// Directory of the SQLite database; created if missing.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
}

/// Limits on what peers may send; each refusal is an `error` message and a closed socket.
#[derive(Args)]
struct LimitArgs {
    /// The largest message a peer may send, in bytes.
    #[arg(long, env = "SAMPLAN_MAX_MESSAGE_BYTES", default_value_t = Limits::default().max_message_bytes)]
    max_message_bytes: usize,
    /// The largest a plan may grow in storage, in bytes; changes beyond it are refused.
    #[arg(long, env = "SAMPLAN_MAX_DOCUMENT_BYTES", default_value_t = Limits::default().max_document_bytes)]
    max_document_bytes: u64,
    /// Messages per second one connection may send, sustained.
    #[arg(long, env = "SAMPLAN_MESSAGES_PER_SECOND", default_value_t = Limits::default().messages_per_second)]
    messages_per_second: u32,
    /// Messages one connection may send at once above the sustained rate.
    #[arg(long, env = "SAMPLAN_MESSAGE_BURST", default_value_t = Limits::default().message_burst)]
    message_burst: u32,
    /// Open connections from one IP address (raise it behind a reverse proxy).
    #[arg(long, env = "SAMPLAN_CONNECTIONS_PER_ADDRESS", default_value_t = Limits::default().connections_per_address)]
    connections_per_address: usize,
}

impl From<LimitArgs> for Limits {
    fn from(args: LimitArgs) -> Limits {
        Limits {
            max_message_bytes: args.max_message_bytes,
            max_document_bytes: args.max_document_bytes,
            messages_per_second: args.messages_per_second,
            message_burst: args.message_burst,
            connections_per_address: args.connections_per_address,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn,sqlx=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve { listen, data_dir, static_dir, limits, idle_document_secs } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("kan inte lyssna på {listen}"))?;
            let address = listener.local_addr()?;
            let config = Config {
                data_dir,
                static_dir,
                limits: limits.into(),
                idle_document_timeout: Duration::from_secs(idle_document_secs),
            };
            let shutdown = CancellationToken::new();
            tokio::spawn(cancel_on_signal(shutdown.clone()));
            println!("Samplan körs på http://{address}/");
            server::run(config, listener, shutdown).await?;
            println!("Samplan har stängts.");
            Ok(())
        }
        Command::Backup { path, data_dir } => {
            let store = server::storage::Store::open(&data_dir).await?;
            store.backup(&path).await?;
            store.close().await;
            println!("Säkerhetskopian är skriven till {}", path.display());
            Ok(())
        }
        Command::Demo { data_dir } => {
            let store = server::storage::Store::open(&data_dir).await?;
            let mut plan = shared::plan::fixture::example_plan()?;
            let id = shared::DocumentId::random();
            store.compact(&id, plan.save()).await?;
            store.close().await;
            println!("Exempelplanen finns nu på servern. Öppna den på:");
            println!("/plan/{id}");
            Ok(())
        }
    }
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = ctrl_c.await;
                shutdown.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
    shutdown.cancel();
}
