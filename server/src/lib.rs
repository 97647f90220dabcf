//! samplan-server: the relay between the participants of a plan.
//!
//! It speaks the automerge-repo WebSocket protocol at `/sync`, keeps each
//! document in SQLite, and serves the built app from the same origin.
//!
//! - [`http`]: the routes (`/sync`, `/healthz`, the app's files) and the
//!   security headers of every response.
//! - [`app_build`]: the built app's manifest (from `scripts/build-app.sh`),
//!   followed as new builds come: the pages' script hashes for the CSP.
//! - [`api`]: signing in, invitations, members, deleting a plan.
//! - [`access`]: accounts, sessions, roles per plan, the audit log.
//! - [`plan_summaries`]: what "Mina planer" shows of each stored plan,
//!   remembered until the plan changes.
//! - [`online`]: open connections by principal, closed when access is taken
//!   away, told to decide again when it otherwise changes.
//! - [`connection`]: one WebSocket peer: handshake and routing.
//! - [`documents`]: one task per loaded document: merge, persist, answer.
//! - [`storage`]: the SQLite file (group commit, background compaction).
//! - [`limits`]: message size, rate and connections per address.
//! - [`metrics`]: counters for `GET /metrics`.
//!
//! [`run`] is the whole server; `main.rs` only reads the configuration.

#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod app_build;
pub mod connection;
pub mod documents;
pub mod first_view;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod online;
pub mod plan_summaries;
pub mod storage;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::documents::{DocumentRegistry, RegistryConfig};
use crate::metrics::Metrics;
use crate::storage::{StorageError, Store};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite file lives.
    pub data_dir: PathBuf,
    /// The built app (`app/dist`, from `scripts/build-app.sh`), served at `/`.
    pub static_dir: PathBuf,
    /// Limits on what peers may send.
    pub limits: Limits,
    /// How long a document with no peers stays in memory.
    pub idle_document_timeout: Duration,
    /// The address people use to reach the app (for links and cookies).
    pub public_url: String,
}

pub use limits::Limits;

/// Sign-in and invitation attempts allowed per address and minute.
pub const SIGN_IN_ATTEMPTS_PER_MINUTE: u32 = 10;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The loaded documents.
    pub documents: DocumentRegistry,
    /// The database.
    pub store: Store,
    /// This server's peer id in the protocol.
    pub server_id: String,
    /// This server's storage id, announced in `peerMetadata`.
    pub storage_id: String,
    /// Limits on peer input.
    pub limits: Limits,
    /// Cancelled when the server shuts down; connections close cleanly.
    pub shutdown: CancellationToken,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Open connections per address.
    pub connections: limits::AddressConnections,
    /// Who may do what.
    pub access: access::Access,
    /// Open connections by principal.
    pub online: online::Online,
    /// Sign-in and invitation attempts per address.
    pub attempts: limits::Attempts,
    /// The address people use to reach the app.
    pub public_url: String,
    /// What the lists of plans show of each plan, read once per change.
    pub plan_summaries: plan_summaries::PlanSummaries,
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The listener failed.
    #[error("nätverksfel: {0}")]
    Io(#[from] std::io::Error),
}

/// Run the server on `listener` until `shutdown` is cancelled.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServerError> {
    let store = Store::open(&config.data_dir).await?;
    let storage_id = match store.storage_id().await {
        Ok(id) => id,
        Err(error) => {
            store.close().await;
            return Err(error.into());
        }
    };
    let server_id = format!("samplan-server-{}", random_hex_id());
    let metrics = Arc::new(Metrics::default());
    let access = access::Access::new(&store);
    let state = AppState {
        documents: DocumentRegistry::new(RegistryConfig {
            store: store.clone(),
            server_id: server_id.clone(),
            idle_timeout: config.idle_document_timeout,
            max_document_bytes: config.limits.max_document_bytes,
            metrics: metrics.clone(),
            plans: access.plans.clone(),
        }),
        store: store.clone(),
        server_id,
        storage_id,
        limits: config.limits.clone(),
        shutdown: shutdown.clone(),
        metrics,
        connections: limits::AddressConnections::default(),
        access,
        online: online::Online::default(),
        attempts: limits::Attempts::new(SIGN_IN_ATTEMPTS_PER_MINUTE),
        public_url: config.public_url.clone(),
        plan_summaries: plan_summaries::PlanSummaries::default(),
    };
    if !config.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %config.static_dir.display(), "the app is not built here; only /sync and /healthz will work");
    } else if !config.static_dir.join(app_build::MANIFEST_FILE).exists() {
        tracing::warn!(dir = %config.static_dir.display(), "the app's build has no manifest: its pages' scripts will not run (scripts/build-app.sh writes it)");
    }
    let router = http::router(state, &config.static_dir);
    let graceful = shutdown.clone();
    // TCP_NODELAY: a sync message is a few hundred bytes and must leave at
    // once. With Nagle's algorithm a small write waits for the peer's ACK,
    // which the peer may delay by up to 40 ms: that was the tail of the
    // typing benchmark's latency.
    let listener = axum::serve::ListenerExt::tap_io(listener, |socket: &mut tokio::net::TcpStream| {
        if let Err(error) = socket.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let served = axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move { graceful.cancelled().await })
        .await;
    store.close().await;
    served?;
    Ok(())
}

/// 16 random bytes as hex: peer and storage ids.
pub fn random_hex_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No random source: fall back to time, still unique enough for a peer id.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = nanos.to_le_bytes();
    }
    hex::encode(bytes)
}
