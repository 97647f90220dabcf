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
    },
    /// Professional accounts: add, list, disable, or make a session token.
    User {
        #[command(subcommand)]
        command: UserCommand,
        /// Directory of the SQLite database; created if missing.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data", global = true)]
        data_dir: PathBuf,
        /// The address people use to reach the app (for sign-in links).
        #[arg(long, env = "SAMPLAN_PUBLIC_URL", default_value = "http://127.0.0.1:8080", global = true)]
        public_url: String,
    },
    /// Print the audit log of a plan: who did what, when, from which session.
    Audit {
        /// The plan's id or automerge: URL.
        #[arg(long)]
        plan: String,
        /// Directory of the SQLite database.
        #[arg(long, env = "SAMPLAN_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
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
        /// The account that becomes the plan's coordinator (`user add` first).
        #[arg(long)]
        owner: String,
        /// Store the large benchmark plan instead (40 goals, 120 interventions,
        /// 20 participants, two years of follow-ups).
        #[arg(long)]
        large: bool,
    },
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
        Command::Serve { listen, data_dir, static_dir, limits, idle_document_secs, public_url } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("kan inte lyssna på {listen}"))?;
            let address = listener.local_addr()?;
            let config = Config {
                data_dir,
                static_dir,
                limits: limits.into(),
                idle_document_timeout: Duration::from_secs(idle_document_secs),
                public_url: public_url.unwrap_or_else(|| format!("http://{address}")),
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
        Command::Demo { data_dir, owner, large } => {
            let store = server::storage::Store::open(&data_dir).await?;
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
        Command::User { command, data_dir, public_url } => {
            let store = server::storage::Store::open(&data_dir).await?;
            let accounts = server::access::Access::new(&store).accounts;
            let link = |token: &server::access::tokens::Token| {
                format!("{}/logga-in#{}", public_url.trim_end_matches('/'), token.reveal())
            };
            match command {
                UserCommand::Add { name, organisation } => {
                    let token = accounts.add_user(&name, &organisation).await?;
                    println!("Kontot {name} är skapat. Inloggningslänken gäller i 24 timmar och kan användas en gång:");
                    println!("{}", link(&token));
                }
                UserCommand::Link { name } => {
                    let token = accounts.sign_in_link(&name).await?;
                    println!("Ny inloggningslänk för {name} (24 timmar, en gång):");
                    println!("{}", link(&token));
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
        Command::Audit { plan, data_dir } => {
            let id = shared::DocumentId::parse_url_or_id(&plan).context("inte ett plan-id")?;
            let store = server::storage::Store::open(&data_dir).await?;
            let entries = server::access::audit::for_document(&store.pool(), &id.to_string()).await?;
            println!("tid (UTC)\tvem\tprincipal\tsession\thändelse\tdetaljer");
            for (entry, name) in entries {
                let at = utc_time(entry.at);
                let session = entry.session_id.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
                println!("{at}\t{name}\t{}\t{session}\t{}\t{}", entry.principal, entry.action, entry.detail);
            }
            store.close().await;
            Ok(())
        }
    }
}

/// Milliseconds since 1970 as "YYYY-MM-DD HH:MM:SS" (UTC).
fn utc_time(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
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
