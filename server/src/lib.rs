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
//! - [`access`]: accounts, sessions, roles per plan, the audit log and
//!   the access log.
//! - [`plan_summaries`]: what "Mina planer" shows of each stored plan,
//!   remembered until the plan changes.
//! - [`oidc`]: signing in with an OpenID Connect provider (staff, citizens).
//! - [`notifications`]: e-mail (and push) when something in a plan needs
//!   someone: events, the durable outbox, the sender.
//! - [`online`]: open connections by principal, closed when access is taken
//!   away, told to decide again when it otherwise changes.
//! - [`connection`]: one WebSocket peer: handshake and routing.
//! - [`documents`]: one task per loaded document: merge, persist, answer.
//! - [`storage`]: the SQLite file (group commit, background compaction).
//! - [`gallring`]: closed plans removed when their time is up.
//! - [`limits`]: message size, rate and connections per address.
//! - [`client_address`]: the client's address behind trusted proxies.
//! - [`metrics`]: counters for `GET /metrics`.
//!
//! [`run`] is the whole server; `main.rs` only reads the configuration.

#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod app_build;
pub mod client_address;
pub mod connection;
pub mod documents;
pub mod first_view;
pub mod gallring;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod notifications;
pub mod oidc;
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
    /// A PostgreSQL database instead of the SQLite file (`postgres://…`),
    /// which several relays may share.
    pub database: Option<String>,
    /// The built app (`app/dist`, from `scripts/build-app.sh`), served at `/`.
    pub static_dir: PathBuf,
    /// Limits on what peers may send.
    pub limits: Limits,
    /// How long a document with no peers stays in memory.
    pub idle_document_timeout: Duration,
    /// The address people use to reach the app (for links and cookies).
    pub public_url: String,
    /// Whether syncs are in the access log: always in service; off only to
    /// measure what logging them costs (`scripts/load-check.sh`).
    pub log_syncs: bool,
    /// Days access-log entries are kept (at least 365; default five years).
    pub access_log_days: u32,
    /// Days after its closing date a closed plan is removed; 0: never.
    pub gallra_after_days: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: client_address::TrustedProxies,
    /// `GET /metrics` needs `Authorization: Bearer` this; `None`: it is off.
    pub metrics_token: Option<String>,
    /// OpenID Connect providers people sign in with; none: sign-in links only.
    pub identity_providers: Vec<oidc::ProviderSettings>,
    /// E-mail and push notifications; off without an SMTP server.
    pub notifications: notifications::NotificationConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            data_dir: PathBuf::from("data"),
            database: None,
            static_dir: PathBuf::from("app/dist"),
            limits: Limits::default(),
            idle_document_timeout: Duration::from_secs(60),
            public_url: "http://127.0.0.1:8080".to_string(),
            log_syncs: true,
            access_log_days: access::access_log::DEFAULT_RETENTION_DAYS,
            gallra_after_days: gallring::DEFAULT_AFTER_DAYS,
            trusted_proxies: client_address::TrustedProxies::default(),
            metrics_token: None,
            identity_providers: Vec::new(),
            notifications: notifications::NotificationConfig::default(),
        }
    }
}

pub use limits::Limits;

/// Sign-in links (and, in a bucket of their own, invitations) that may
/// fail per client address and minute.
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
    /// Sign-in links that did not work, per client address.
    pub sign_in_attempts: limits::Attempts,
    /// Invitation links that did not work, per client address.
    pub invitation_attempts: limits::Attempts,
    /// Whose `X-Forwarded-For` names the client.
    pub trusted_proxies: client_address::TrustedProxies,
    /// The bearer token `GET /metrics` asks for; without one, no metrics here.
    pub metrics_token: Option<Arc<str>>,
    /// The address people use to reach the app.
    pub public_url: String,
    /// What the lists of plans show of each plan, read once per change.
    pub plan_summaries: plan_summaries::PlanSummaries,
    /// Who read, changed, was refused or signed in (`access::access_log`).
    pub access_log: access::access_log::AccessLog,
    /// The OpenID Connect providers and the sign-ins in progress.
    pub identity_providers: oidc::IdentityProviders,
    /// What this server can send (for the settings' "not available here").
    pub notifications: Arc<notifications::Available>,
    /// Marks a plan for the notifier when an event that is not a change of
    /// the plan happened (an invitation used).
    pub notices: notifications::Watch,
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
    /// The SMTP setting cannot be used.
    #[error(transparent)]
    Mail(#[from] notifications::mail::MailError),
    /// The VAPID key cannot be used.
    #[error(transparent)]
    Push(#[from] notifications::push::PushError),
}

/// Run the server on `listener` until `shutdown` is cancelled.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServerError> {
    let location = storage::Location::from_setting(&config.data_dir, config.database.as_deref())?;
    let store = Store::open_at(&location).await?;
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
    let plan_summaries = plan_summaries::PlanSummaries::default();
    let access_log = access::access_log::AccessLog::start(&store, plan_summaries.clone(), config.log_syncs);
    tokio::spawn(purge_access_log(store.database(), config.access_log_days, shutdown.clone()));
    let (watch, available, sending) = match start_notifications(&config, &store, &shutdown) {
        Ok(started) => started,
        Err(error) => {
            store.close().await;
            return Err(error);
        }
    };
    let state = AppState {
        documents: DocumentRegistry::new(RegistryConfig {
            store: store.clone(),
            server_id: server_id.clone(),
            idle_timeout: config.idle_document_timeout,
            max_document_bytes: config.limits.max_document_bytes,
            metrics: metrics.clone(),
            plans: access.plans.clone(),
            access_log: access_log.clone(),
            notifications: watch.clone(),
        }),
        store: store.clone(),
        server_id,
        storage_id,
        limits: config.limits.clone(),
        shutdown: shutdown.clone(),
        metrics,
        connections: limits::AddressConnections::default(),
        access,
        online: online::Online::telling(online::elsewhere::Others::of(&store)),
        sign_in_attempts: limits::Attempts::new(SIGN_IN_ATTEMPTS_PER_MINUTE),
        invitation_attempts: limits::Attempts::new(SIGN_IN_ATTEMPTS_PER_MINUTE),
        trusted_proxies: config.trusted_proxies.clone(),
        metrics_token: config.metrics_token.as_deref().map(Arc::from),
        public_url: config.public_url.clone(),
        plan_summaries,
        access_log: access_log.clone(),
        identity_providers: oidc::IdentityProviders::new(
            config.identity_providers.clone(),
            &config.public_url,
        ),
        notifications: Arc::new(available),
        notices: watch,
    };
    if !config.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %config.static_dir.display(), "the app is not built here; only /sync and /healthz will work");
    } else if !config.static_dir.join(app_build::MANIFEST_FILE).exists() {
        tracing::warn!(dir = %config.static_dir.display(), "the app's build has no manifest: its pages' scripts will not run (scripts/build-app.sh writes it)");
    }
    if config.gallra_after_days > 0 {
        tokio::spawn(gallra_daily(state.clone(), config.gallra_after_days));
    }
    if let Some(reports) = storage::relays::follow(&store, shutdown.clone()) {
        tokio::spawn(bring_in_other_relays(state.documents.clone(), reports));
    }
    if let Some(news) = online::elsewhere::follow(&store, shutdown.clone()) {
        tokio::spawn(act_on_access_news(state.online.clone(), state.documents.clone(), news));
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
    if let Some(sending) = sending {
        // The message in flight is finished and recorded as sent, so a
        // stop (not a crash) never sends a notice twice (ARCHITECTURE.md).
        if tokio::time::timeout(notifications::mail::SMTP_TIMEOUT * 2, sending).await.is_err() {
            tracing::warn!("stopped while a notification was being sent; it is sent again on restart");
        }
    }
    access_log.flush().await;
    store.close().await;
    served?;
    Ok(())
}

/// Start the notifier's tasks when an SMTP server or a VAPID key is
/// configured; the watch the document tasks mark their stored changes on
/// (off otherwise), and what this server can send.
fn start_notifications(
    config: &Config,
    store: &Store,
    shutdown: &CancellationToken,
) -> Result<(notifications::Watch, notifications::Available, Option<tokio::task::JoinHandle<()>>), ServerError>
{
    let settings = &config.notifications;
    if !settings.enabled() {
        tracing::info!(
            "no SMTP server (--smtp-url) and no VAPID key (--vapid-key-file): no notifications are sent"
        );
        return Ok((notifications::Watch::default(), notifications::Available::default(), None));
    }
    let smtp = settings.smtp_url.as_deref().map(notifications::mail::Smtp::new).transpose()?;
    let vapid = match &settings.vapid_key_file {
        Some(path) => {
            let pem = std::fs::read_to_string(path)?;
            Some(Arc::new(notifications::push::Vapid::from_pem(&pem, &settings.vapid_subject)?))
        }
        None => None,
    };
    let available = notifications::Available {
        email: smtp.is_some(),
        push_key: vapid.as_ref().map(|v| v.public_key()),
        push_to_local: settings.push_to_local,
    };
    let watch = notifications::Watch::on();
    let wake = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(notifications::events::run(
        watch.clone(),
        store.clone(),
        settings.clone(),
        wake.clone(),
        shutdown.clone(),
    ));
    let sender = notifications::sender::Sender {
        store: store.clone(),
        config: settings.clone(),
        public_url: config.public_url.clone(),
        relay: store.relay_id().to_string(),
        smtp,
        vapid,
        http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap_or_default(),
    };
    let sending = tokio::spawn(sender.run(wake, shutdown.clone()));
    Ok((watch, available, Some(sending)))
}

/// Hand what other relays stored to the loaded documents ([`storage::relays`]).
async fn bring_in_other_relays(
    documents: DocumentRegistry,
    mut reports: tokio::sync::mpsc::Receiver<storage::relays::StoredElsewhere>,
) {
    while let Some(report) = reports.recv().await {
        documents.stored_elsewhere(report.document, report.heads).await;
    }
}

/// Act here on changes of access made on other relays ([`online::elsewhere`]).
async fn act_on_access_news(
    online: online::Online,
    documents: DocumentRegistry,
    mut news: tokio::sync::mpsc::Receiver<online::elsewhere::News>,
) {
    use online::elsewhere::News;
    while let Some(item) = news.recv().await {
        match item {
            News::Disconnect(principals) => {
                online.disconnect_here(principals.iter().map(String::as_str));
            }
            News::Recheck(principals) => {
                online.recheck_here(principals.iter().map(String::as_str));
            }
            News::Deleted(deleted) => {
                for document in deleted {
                    documents.delete(document).await;
                }
            }
        }
    }
}

/// Remove access-log entries older than `keep_days`, at start and then daily.
async fn purge_access_log(db: storage::Database, keep_days: u32, shutdown: CancellationToken) {
    loop {
        match access::access_log::purge_expired(&db, keep_days).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, keep_days, "old access-log entries removed"),
            Err(error) => tracing::error!(%error, "could not remove old access-log entries"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(86_400)) => {}
        }
    }
}

/// Gallring once a day, the first an hour after the start (not while a
/// restarted server is busiest); see [`gallring`].
async fn gallra_daily(state: AppState, after_days: u32) {
    let mut next = tokio::time::Instant::now() + Duration::from_secs(3600);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep_until(next) => {}
        }
        next += Duration::from_secs(86_400);
        match gallring::gallra(&state.store, &state.access.plans, after_days).await {
            Ok(removed) => {
                for plan in removed {
                    tracing::info!(document = %plan.due.plan, closed_on = %plan.due.closed_on, "closed plan removed (gallring)");
                    let documents: Vec<shared::DocumentId> = plan
                        .documents
                        .iter()
                        .filter_map(|d| shared::DocumentId::parse_url_or_id(d).ok())
                        .collect();
                    for document in &documents {
                        state.documents.delete(*document).await;
                    }
                    state.online.deleted(&documents).await;
                    state.online.disconnect(plan.members.iter().map(String::as_str)).await;
                }
            }
            Err(error) => tracing::error!(%error, "gallring failed; tried again tomorrow"),
        }
    }
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
