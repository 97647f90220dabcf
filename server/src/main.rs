//! The `samplan-server` binary: reads the configuration and runs the server.

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use server::{Config, Limits};
use tokio_util::sync::CancellationToken;

/// mimalloc instead of glibc malloc: every message allocates, and glibc's
/// malloc and free were a fifth of the process's own CPU (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// E-mail (and push) notifications; none are sent without `--smtp-url`.
#[derive(Args)]
struct NotificationArgs {
    /// The mail server notices are sent through: `smtp://host:25`,
    /// `smtps://user:password@host` (TLS) or `smtp://host:587?tls=required`
    /// (STARTTLS). Without it no e-mail is sent. (README: "Aviseringar".)
    #[arg(long, env = "SAMPLAN_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of the notices.
    #[arg(long, env = "SAMPLAN_SMTP_FROM", default_value = "Samplan <noreply@localhost>")]
    smtp_from: String,
    /// The VAPID private key for Web Push (PKCS#8 PEM, P-256; make one with
    /// `samplan-server vapid-key --out FILE`).
    /// Without it no push messages are sent.
    #[arg(long, env = "SAMPLAN_VAPID_KEY_FILE")]
    vapid_key_file: Option<PathBuf>,
    /// Who runs this server, as push services are told (`mailto:…`).
    #[arg(long, env = "SAMPLAN_VAPID_SUBJECT", default_value = "mailto:noreply@localhost")]
    vapid_subject: String,
    /// For tests with a local push service only: accept push endpoints on
    /// http:// and on loopback or private addresses (by default only
    /// https:// to public hosts, so no member can make the server post
    /// inside its own network).
    #[arg(long, env = "SAMPLAN_PUSH_TO_LOCAL_ENDPOINTS")]
    push_to_local_endpoints: bool,
    /// Seconds before the first retry of a failed sending (doubling each time, at most an hour).
    #[arg(long, env = "SAMPLAN_NOTIFY_RETRY_SECS", default_value_t = 30)]
    notify_retry_secs: u64,
    /// When the daily summaries go out, on the Swedish clock (HH:MM; the
    /// same hour on the wall in summer and winter time).
    #[arg(long, env = "SAMPLAN_DIGEST_AT", default_value = "07:00", value_parser = clock_time)]
    digest_at: shared::swedish_time::ClockTime,
    /// Seconds after which a sending that a relay claimed and never
    /// finished (it stopped mid-send) is taken over and sent again.
    #[arg(long, env = "SAMPLAN_NOTIFY_CLAIM_TIMEOUT_SECS", default_value_t = 300)]
    notify_claim_timeout_secs: u64,
}

/// A clock time `HH:MM` for clap.
fn clock_time(text: &str) -> Result<shared::swedish_time::ClockTime, String> {
    shared::swedish_time::ClockTime::parse(text)
        .ok_or_else(|| format!("{text:?} är inte ett klockslag (TT:MM)"))
}

impl NotificationArgs {
    fn config(self) -> server::notifications::NotificationConfig {
        server::notifications::NotificationConfig {
            smtp_url: self.smtp_url.filter(|url| !url.trim().is_empty()),
            smtp_from: self.smtp_from,
            vapid_key_file: self.vapid_key_file,
            vapid_subject: self.vapid_subject,
            push_to_local: self.push_to_local_endpoints,
            retry_after: Duration::from_secs(self.notify_retry_secs.max(1)),
            digest: server::notifications::DigestSchedule::Daily(self.digest_at),
            claim_timeout: Duration::from_secs(self.notify_claim_timeout_secs.max(1)),
            ..server::notifications::NotificationConfig::default()
        }
    }
}

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
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE")]
        database: Option<String>,
        /// The built app (`app/dist`, from `scripts/build-app.sh`) to serve at `/`.
        #[arg(long, env = "SAMPLAN_STATIC_DIR", default_value = "app/dist")]
        static_dir: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
        /// Seconds a document without peers stays in memory.
        #[arg(long, env = "SAMPLAN_IDLE_DOCUMENT_SECS", default_value_t = 60)]
        idle_document_secs: u64,
        /// The address people use to reach the app, for links in invitations
        /// (default: http:// and the listening address). With https:// the
        /// session cookie is marked Secure.
        #[arg(long, env = "SAMPLAN_PUBLIC_URL")]
        public_url: Option<String>,
        /// Days the access log keeps its entries (at least 365; the
        /// default is five years, what HSLF-FS 2016:40 asks at least).
        #[arg(long, env = "SAMPLAN_ACCESS_LOG_DAYS", default_value_t = server::access::access_log::DEFAULT_RETENTION_DAYS,
              value_parser = clap::value_parser!(u32).range(365..))]
        access_log_days: u32,
        /// Days after its closing date a closed plan is removed (gallring;
        /// README explains the default). 0: never.
        #[arg(long, env = "SAMPLAN_GALLRA_AFTER_DAYS", default_value_t = server::gallring::DEFAULT_AFTER_DAYS)]
        gallra_after_days: u32,
        /// A reverse proxy (address or network, e.g. 10.0.0.0/8) whose
        /// X-Forwarded-For names the client; repeat for several. Limits per
        /// address then count the client, not the proxy.
        #[arg(long = "trusted-proxy", env = "SAMPLAN_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<server::client_address::Network>,
        /// The bearer token GET /metrics asks for (without one, /metrics is off).
        #[arg(long, env = "SAMPLAN_METRICS_TOKEN")]
        metrics_token: Option<String>,
        /// Log syncs in the access log. Only for measuring what that costs
        /// (scripts/load-check.sh); never turn it off in service.
        #[arg(long, env = "SAMPLAN_LOG_SYNCS", default_value_t = true, action = clap::ArgAction::Set)]
        log_syncs: bool,
        /// An OpenID Connect provider to sign in with, as `key=value` pairs
        /// separated by spaces (README: "Inloggning via identitetsleverantör"):
        /// `id=siths kind=staff issuer=https://… client-id=samplan`. Repeat
        /// for several (in the environment: separated by `;`). The client
        /// secret comes from SAMPLAN_OIDC_<ID>_CLIENT_SECRET.
        #[arg(long = "oidc-provider", env = "SAMPLAN_OIDC_PROVIDERS", value_delimiter = ';')]
        oidc_providers: Vec<server::oidc::ProviderSettings>,
        #[command(flatten)]
        notifications: NotificationArgs,
    },
    /// Professional accounts: add, list, disable, or make a session token.
    User {
        #[command(subcommand)]
        command: UserCommand,
        /// Directory of the SQLite database; created if missing.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data", global = true)]
        data_dir: PathBuf,
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE", global = true)]
        database: Option<String>,
        /// The address people use to reach the app (for sign-in links).
        #[arg(long, env = "SAMPLAN_PUBLIC_URL", default_value = "http://127.0.0.1:8080", global = true)]
        public_url: String,
    },
    /// Log review (loggkontroll): print the access log (who read, changed,
    /// was refused or signed in), filtered; or with --changes, a plan's
    /// changes. The review itself is logged.
    Audit {
        #[command(flatten)]
        filter: AuditFilter,
        /// A random sample of N entries, for the regular check.
        #[arg(long)]
        sample: Option<u32>,
        /// As CSV (for a spreadsheet), not as tab-separated text.
        #[arg(long)]
        csv: bool,
        /// Print who changed --plan, change by change (the audit log), instead.
        #[arg(long)]
        changes: bool,
        /// Directory of the SQLite database.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE")]
        database: Option<String>,
    },
    /// Gallring: remove closed plans whose closing date is more than
    /// --after-days ago (as deleting them does). The server does this daily.
    Gallra {
        /// Days after the closing date.
        #[arg(long, env = "SAMPLAN_GALLRA_AFTER_DAYS", default_value_t = server::gallring::DEFAULT_AFTER_DAYS)]
        after_days: u32,
        /// Only list what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Directory of the SQLite database.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE")]
        database: Option<String>,
    },
    /// Write a consistent copy of the database to PATH while the server runs.
    /// Restore: stop the server and put the copy in place of DATA_DIR/samplan.sqlite3.
    Backup {
        /// The new file to write (must not exist).
        path: PathBuf,
        /// Directory of the SQLite database.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE")]
        database: Option<String>,
    },
    /// Make a VAPID key for Web Push (`serve --vapid-key-file`): written to
    /// --out, readable by its owner only; an existing file is never
    /// overwritten. Prints the public key.
    VapidKey {
        /// The new key file (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Store an example plan (the one in the SIP manual: goals, sub-goals,
    /// interventions by kommun and region) and print its address as the last line.
    Demo {
        /// Directory of the SQLite database; created if missing.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// A PostgreSQL database (`postgres://user@host/db`) instead of the
        /// SQLite file in the data folder; several relays may share one.
        #[arg(long, env = "SAMPLAN_DATABASE")]
        database: Option<String>,
        /// The account that becomes the plan's coordinator (`user add` first).
        #[arg(long)]
        owner: String,
        /// Store the large benchmark plan instead (40 goals, 120 interventions,
        /// 20 participants, two years of follow-ups).
        #[arg(long)]
        large: bool,
    },
}

/// Which entries `audit` prints; every option narrows.
#[derive(Args)]
struct AuditFilter {
    /// The plan's id or automerge: URL.
    #[arg(long)]
    plan: Option<String>,
    /// The person the plan is about (part of the name).
    #[arg(long)]
    person: Option<String>,
    /// The account or device: `user:3` or part of the name.
    #[arg(long)]
    account: Option<String>,
    /// Part of the organisation's name.
    #[arg(long = "org")]
    organisation: Option<String>,
    /// From this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    from: Option<String>,
    /// Up to and including this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    to: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; prints a one-time sign-in link (valid 24 hours) as the last line.
    Add {
        /// The person's name, as others will see it.
        #[arg(long)]
        name: String,
        /// Their organisation (e.g. "Region Exempel, vårdcentralen").
        #[arg(long = "org")]
        organisation: String,
        /// The account reviews logs (loggkontroll): `GET /api/access-log`.
        #[arg(long)]
        log_reviewer: bool,
        /// Their HSA-id: signing in through a staff identity provider
        /// (`--oidc-provider`) finds the account by it.
        #[arg(long)]
        hsa_id: Option<String>,
    },
    /// Let an account review logs (loggkontroll).
    GrantReview {
        /// The account's name.
        name: String,
    },
    /// Stop an account reviewing logs.
    RevokeReview {
        /// The account's name.
        name: String,
    },
    /// A new one-time sign-in link for an account, as the last line.
    Link {
        /// The account's name.
        name: String,
    },
    /// List the accounts.
    List,
    /// Disable an account: its sessions stop working at once.
    Disable {
        /// The account's name.
        name: String,
    },
    /// Print a session token for scripts and tests as the last line.
    Token {
        /// The account's name.
        name: String,
        /// How long it lasts: e.g. 30m, 1h, 7d.
        #[arg(long, default_value = "1h", value_parser = parse_duration)]
        expires: Duration,
    },
}

/// A provider's client secret from `SAMPLAN_OIDC_<ID>_CLIENT_SECRET`
/// (`-` in the id as `_`), unless its settings carry one.
fn with_client_secret(mut provider: server::oidc::ProviderSettings) -> server::oidc::ProviderSettings {
    if provider.client_secret.is_none() {
        let name = format!("SAMPLAN_OIDC_{}_CLIENT_SECRET", provider.id.to_uppercase().replace('-', "_"));
        provider.client_secret = std::env::var(name).ok().filter(|s| !s.is_empty());
    }
    provider
}

/// "30m", "1h", "7d" or seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: u64 = number.parse().map_err(|_| format!("inte en tid: {text} (skriv t.ex. 30m, 1h eller 7d)"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("okänd enhet i {text}: använd s, m, h eller d")),
    };
    Ok(Duration::from_secs(secs))
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

/// No transparent huge pages for this process. mimalloc asks for them
/// (`madvise(MADV_HUGEPAGE)`), and the first touch of each 2 MB page then
/// zeroes all of it at once: on a virtual machine whose host backs guest
/// memory lazily, that stalled every thread touching new memory for tens of
/// milliseconds, and deliveries under load for up to half a second
/// (`clear_page_erms` in half of all CPU samples; BENCHMARKS.md,
/// 2026-12-02). Small pages cost a little more TLB, which no figure shows.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = nix::sys::prctl::set_thp_disable(true) {
        tracing::warn!(%error, "transparent huge pages stay on");
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
    without_huge_pages();
    match Cli::parse().command {
        Command::Serve {
            listen,
            data_dir,
            database,
            static_dir,
            limits,
            idle_document_secs,
            public_url,
            access_log_days,
            gallra_after_days,
            trusted_proxies,
            metrics_token,
            log_syncs,
            oidc_providers,
            notifications,
        } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("kan inte lyssna på {listen}"))?;
            let address = listener.local_addr()?;
            let config = Config {
                data_dir,
                database,
                static_dir,
                limits: limits.into(),
                idle_document_timeout: Duration::from_secs(idle_document_secs),
                public_url: public_url.unwrap_or_else(|| format!("http://{address}")),
                log_syncs,
                access_log_days,
                gallra_after_days,
                trusted_proxies: server::client_address::TrustedProxies::new(trusted_proxies),
                metrics_token,
                identity_providers: oidc_providers.into_iter().map(with_client_secret).collect(),
                notifications: notifications.config(),
            };
            let shutdown = CancellationToken::new();
            tokio::spawn(cancel_on_signal(shutdown.clone()));
            println!("Samplan körs på http://{address}/");
            server::run(config, listener, shutdown).await?;
            println!("Samplan har stängts.");
            Ok(())
        }
        Command::VapidKey { out } => {
            let public = server::notifications::push::write_new_key(&out)?;
            println!("Den nya VAPID-nyckeln är skriven till {}.", out.display());
            println!("Publik nyckel: {public}");
            Ok(())
        }
        Command::Gallra { after_days, dry_run, data_dir, database } => {
            let store = open_store(&data_dir, database.as_deref()).await?;
            let result = gallra(&store, after_days, dry_run).await;
            store.close().await;
            result
        }
        Command::Backup { path, data_dir, database } => {
            let store = open_store(&data_dir, database.as_deref()).await?;
            store.backup(&path).await?;
            store.close().await;
            println!("Säkerhetskopian är skriven till {}", path.display());
            Ok(())
        }
        Command::Demo { data_dir, database, owner, large } => {
            let store = open_store(&data_dir, database.as_deref()).await?;
            let access = server::access::Access::new(&store);
            let owner = access
                .accounts
                .list_users()
                .await?
                .into_iter()
                .find(|u| u.name == owner && !u.disabled)
                .with_context(|| {
                    format!("det finns inget aktivt konto som heter {owner}; skapa det med `user add`")
                })?;
            let mut plan = if large {
                shared::plan::fixture::large_plan()?
            } else {
                shared::plan::fixture::example_plan()?
            };
            let id = shared::DocumentId::random();
            // The owner is the plan's coordinator, in the plan as on the server.
            let coordinator = shared::plan::read_plan(plan.document())?.coordinator.unwrap_or_default();
            access.plans.claim_as(&id.to_string(), &owner.principal, &coordinator).await?;
            // Its authors are nobody who can sign in: no one can write in their name.
            access.plans.bind_stored_history(&id.to_string(), plan.document()).await?;
            store.compact(&id, plan.save()).await?;
            store.close().await;
            println!("Exempelplanen finns nu på servern. Öppna den på:");
            println!("/plan/{id}");
            Ok(())
        }
        Command::User { command, data_dir, database, public_url } => {
            let store = open_store(&data_dir, database.as_deref()).await?;
            user(command, store, &public_url).await
        }
        Command::Audit { filter, sample, csv, changes, data_dir, database } => {
            let store = open_store(&data_dir, database.as_deref()).await?;
            let result = if changes {
                print_changes(&store, filter.plan).await
            } else {
                review(&store, filter, sample, csv).await
            };
            store.close().await;
            result
        }
    }
}

/// The store in `data_dir`, or in the PostgreSQL database `database` names.
async fn open_store(
    data_dir: &std::path::Path,
    database: Option<&str>,
) -> anyhow::Result<server::storage::Store> {
    let location = server::storage::Location::from_setting(data_dir, database)?;
    Ok(server::storage::Store::open_at(&location).await?)
}

/// `user …`: accounts.
async fn user(command: UserCommand, store: server::storage::Store, public_url: &str) -> anyhow::Result<()> {
    let accounts = server::access::Access::new(&store).accounts;
    let link = |token: &server::access::tokens::Token| {
        format!("{}/logga-in#{}", public_url.trim_end_matches('/'), token.reveal())
    };
    match command {
        UserCommand::Add { name, organisation, log_reviewer, hsa_id } => {
            let token = match &hsa_id {
                Some(hsa_id) => accounts.add_user_with_hsa_id(&name, &organisation, hsa_id).await?,
                None => accounts.add_user(&name, &organisation).await?,
            };
            if let Some(hsa_id) = hsa_id {
                println!("Kontot {name} loggar in med HSA-id {hsa_id} via identitetsleverantören.");
            }
            if log_reviewer {
                accounts.set_log_reviewer(&name, true).await?;
                println!("Kontot {name} granskar loggar.");
            }
            println!(
                "Kontot {name} är skapat. Inloggningslänken gäller i 24 timmar och kan användas en gång:"
            );
            println!("{}", link(&token));
        }
        UserCommand::Link { name } => {
            let token = accounts.sign_in_link(&name).await?;
            println!("Ny inloggningslänk för {name} (24 timmar, en gång):");
            println!("{}", link(&token));
        }
        UserCommand::GrantReview { name } => {
            accounts.set_log_reviewer(&name, true).await?;
            println!("Kontot {name} granskar nu loggar.");
        }
        UserCommand::RevokeReview { name } => {
            accounts.set_log_reviewer(&name, false).await?;
            println!("Kontot {name} granskar inte längre loggar.");
        }
        UserCommand::List => {
            for user in accounts.list_users().await? {
                let state = if user.disabled { "avstängt" } else { "aktivt" };
                println!("{}\t{}\t{}\t{state}", user.principal, user.name, user.organisation);
            }
        }
        UserCommand::Disable { name } => {
            accounts.disable_user(&name).await?;
            println!("Kontot {name} är avstängt. Dess sessioner slutar gälla nu (anslutna klienter kopplas ner inom en minut eller vid omstart).");
        }
        UserCommand::Token { name, expires } => {
            let token = accounts.user_token(&name, expires).await?;
            println!("Sessionstoken för {name} (gäller {} s):", expires.as_secs());
            println!("{}", token.reveal());
        }
    }
    store.close().await;
    Ok(())
}

/// `gallra`: remove (or with `dry_run` list) the closed plans whose time is up.
async fn gallra(store: &server::storage::Store, after_days: u32, dry_run: bool) -> anyhow::Result<()> {
    anyhow::ensure!(after_days > 0, "--after-days 0 betyder att inget gallras");
    if dry_run {
        let due = server::gallring::due(store, after_days, server::access::now_millis()).await?;
        println!(
            "{} avslutade planer skulle gallras (avslutade för mer än {after_days} dagar sedan):",
            due.len()
        );
        for plan in due {
            println!("{}\tavslutad {}", plan.plan, plan.closed_on);
        }
        return Ok(());
    }
    let plans = server::access::Access::new(store).plans;
    let removed = server::gallring::gallra(store, &plans, after_days).await?;
    println!("{} avslutade planer gallrades:", removed.len());
    for plan in removed {
        println!("{}\tavslutad {}", plan.due.plan, plan.due.closed_on);
    }
    println!("De kan inte öppnas längre; en server som kör släpper dem ur minnet när ingen har dem öppna.");
    Ok(())
}

/// `audit --changes --plan ID`: who changed the plan, change by change.
async fn print_changes(store: &server::storage::Store, plan: Option<String>) -> anyhow::Result<()> {
    let plan = plan.context("--changes behöver --plan")?;
    let id = shared::DocumentId::parse_url_or_id(&plan).context("inte ett plan-id")?;
    let entries = server::access::audit::for_document(&store.pool(), &id.to_string()).await?;
    println!("tid (UTC)\tvem\tprincipal\tsession\thändelse\tdetaljer");
    for (entry, name) in entries {
        let at = utc_time(entry.at);
        let session = entry.session_id.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
        println!("{at}\t{name}\t{}\t{session}\t{}\t{}", entry.principal, entry.action, entry.detail);
    }
    Ok(())
}

/// `audit`: the access log as the filter selects it; the review is logged.
async fn review(
    store: &server::storage::Store,
    asked: AuditFilter,
    sample: Option<u32>,
    csv: bool,
) -> anyhow::Result<()> {
    use server::access::access_log::{self, query, Action, Entry, Who};
    let time = |text: &Option<String>, end: bool| -> anyhow::Result<Option<i64>> {
        text.as_deref()
            .map(|t| {
                query::parse_time(t, end).with_context(|| format!("inte ett datum: {t} (skriv ÅÅÅÅ-MM-DD)"))
            })
            .transpose()
    };
    let plan = match &asked.plan {
        Some(plan) => {
            Some(shared::DocumentId::parse_url_or_id(plan).context("inte ett plan-id")?.to_string())
        }
        None => None,
    };
    let filter = query::Filter {
        plan,
        person: asked.person,
        account: asked.account,
        organisation: asked.organisation,
        from: time(&asked.from, false)?,
        to: time(&asked.to, true)?,
        sample,
    };
    let log = access_log::AccessLog::start(store, server::plan_summaries::PlanSummaries::default(), true);
    let cli = Who {
        principal: server::access::plans::SYSTEM_CLI.to_string(),
        name: Some("kommandoraden".into()),
        session_id: None,
    };
    log.record(Entry::now(cli, filter.plan.as_deref(), Action::Review).detail(filter.describe()));
    log.flush().await;
    let lines = query::review(&store.pool(), &filter).await?;
    if csv {
        print!("{}", query::to_csv(&lines)?);
        return Ok(());
    }
    println!("tid (UTC)\tvem\tnamn\torganisation\troll\tplan\tperson\thändelse\tenhet\toffline\tdetaljer");
    for l in lines {
        let plan = l.plan.as_deref().unwrap_or("-");
        let offline = if l.offline { "ja" } else { "nej" };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{plan}\t{}\t{}\t{}\t{offline}\t{}",
            query::utc_time(l.at),
            l.principal,
            l.name,
            l.organisation,
            l.role,
            l.person,
            l.action,
            l.device,
            l.detail
        );
    }
    Ok(())
}

/// Milliseconds since 1970 as "YYYY-MM-DD HH:MM:SS" (UTC).
fn utc_time(millis: i64) -> String {
    server::access::access_log::query::utc_time(millis)
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
