//! The server under test as child processes: `samplan-server` on SQLite,
//! on a fresh PostgreSQL database, or as two relays sharing one; the
//! reference JS sync server, with or without its sync throttle; or the
//! samod relay. Each start is fresh: a free port, its own data directory
//! (and database), and its CPU time and resident memory read from `/proc`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{anyhow, bail, Context};

/// Which server.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `samplan-server serve`, the binary at this path, on `store`.
    Samplan { binary: PathBuf, store: Store },
    /// `node server.mjs` in this directory (with its node_modules); with
    /// `throttled` false, through `unthrottled.mjs` (sync throttle off).
    Reference { dir: PathBuf, throttled: bool },
    /// `samod-relay` (loadgen/samod-relay), the binary at this path.
    Samod(PathBuf),
}

/// Where samplan-server keeps its data.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite in the data directory (the default).
    Sqlite,
    /// `relays` relays on one fresh database of the PostgreSQL whose
    /// superuser's address is `admin` (`postgres://user@host:port/db`).
    Postgres { admin: String, relays: usize },
}

impl Kind {
    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            Kind::Samplan { store: Store::Sqlite, .. } => "samplan-server (SQLite)".into(),
            Kind::Samplan { store: Store::Postgres { relays: 1, .. }, .. } => {
                "samplan-server (PostgreSQL)".into()
            }
            Kind::Samplan { store: Store::Postgres { relays, .. }, .. } => {
                format!("{relays} samplan-servers (one PostgreSQL)")
            }
            Kind::Reference { throttled: true, .. } => "reference (automerge-repo 2.5.6, Node)".into(),
            Kind::Reference { throttled: false, .. } => "reference, sync throttle off".into(),
            Kind::Samod(_) => "samod 0.16 relay (Rust)".into(),
        }
    }
}

/// Running servers (one, or several relays on one database); killed when dropped.
pub struct Target {
    children: Vec<Child>,
    /// Where each listens.
    pub addresses: Vec<SocketAddr>,
    /// A session token for samplan-server (the others have no access control).
    token: Option<String>,
    /// The PostgreSQL postmaster's process, when the servers use one.
    postmaster: Option<u32>,
    _data: tempfile::TempDir,
}

/// Create the load generator's account (in `data`, or in `database`) and
/// return a session token (the last line `samplan-server user token` prints).
fn provision(binary: &Path, data: &Path, database: Option<&str>) -> anyhow::Result<String> {
    let run = |args: &[&str]| -> anyhow::Result<String> {
        let mut command = Command::new(binary);
        command.args(args).arg("--data-dir").arg(data).env("RUST_LOG", "warn");
        if let Some(database) = database {
            command.args(["--database", database]);
        }
        let output = command.output()?;
        if !output.status.success() {
            bail!("samplan-server {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        }
        let stdout = String::from_utf8(output.stdout)?;
        stdout.lines().last().map(str::to_string).ok_or_else(|| anyhow!("no output from {args:?}"))
    };
    run(&["user", "add", "--name", "Lastgeneratorn", "--org", "Test"])?;
    run(&["user", "token", "Lastgeneratorn", "--expires", "7d"])
}

/// A fresh, empty database on the PostgreSQL of `admin`; its address and
/// the postmaster's process id (the parent of the session's backend).
async fn fresh_database(admin: &str) -> anyhow::Result<(String, Option<u32>)> {
    use sqlx::Connection;
    let mut connection =
        sqlx::PgConnection::connect(admin).await.with_context(|| format!("connect to {admin}"))?;
    let name = format!("loadgen_{}", hex(shared::DocumentId::random().as_bytes()));
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut connection).await?;
    let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut connection).await?;
    connection.close().await?;
    let postmaster = u32::try_from(backend).ok().and_then(|pid| stat_of(pid).ok()).and_then(|s| s.parent);
    let (base, _) = admin.rsplit_once('/').ok_or_else(|| anyhow!("{admin}: no /<database> at the end"))?;
    Ok((format!("{base}/{name}"), postmaster))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Target {
    /// Start `kind`; `idle_document_secs` applies to samplan-server only.
    pub async fn start(kind: &Kind, idle_document_secs: u64) -> anyhow::Result<Target> {
        let data = tempfile::Builder::new().prefix("samplan-loadgen-").tempdir()?;
        let (mut target, commands) = match kind {
            Kind::Samplan { binary, store } => {
                let (database, relays, postmaster) = match store {
                    Store::Sqlite => (None, 1, None),
                    Store::Postgres { admin, relays } => {
                        let (url, postmaster) = fresh_database(admin).await?;
                        (Some(url), *relays, postmaster)
                    }
                };
                let token = provision(binary, data.path(), database.as_deref())?;
                let commands = (0..relays)
                    .map(|_| samplan_command(binary, data.path(), database.as_deref(), idle_document_secs))
                    .collect();
                let target = Target {
                    children: Vec::new(),
                    addresses: Vec::new(),
                    token: Some(token),
                    postmaster,
                    _data: data,
                };
                (target, commands)
            }
            Kind::Reference { dir, throttled } => {
                let mut command = Command::new("node");
                command.current_dir(dir);
                if !throttled {
                    command.args(["--import", "./unthrottled.mjs"]);
                }
                command.arg("server.mjs").arg(data.path());
                let target = Target {
                    children: Vec::new(),
                    addresses: Vec::new(),
                    token: None,
                    postmaster: None,
                    _data: data,
                };
                (target, vec![command])
            }
            Kind::Samod(binary) => {
                let mut command = Command::new(binary);
                command.arg(data.path().join("samod"));
                let target = Target {
                    children: Vec::new(),
                    addresses: Vec::new(),
                    token: None,
                    postmaster: None,
                    _data: data,
                };
                (target, vec![command])
            }
        };
        // One after the other: each relay migrates the database at start.
        for mut command in commands {
            let (child, address) = spawn(&mut command).with_context(|| format!("start {}", kind.name()))?;
            target.children.push(child);
            target.addresses.push(address);
        }
        Ok(target)
    }

    /// The WebSocket URL of the sync endpoint (of the first relay).
    pub fn url(&self) -> String {
        self.urls().into_iter().next().unwrap_or_default()
    }

    /// The sync endpoint of every relay.
    pub fn urls(&self) -> Vec<String> {
        self.addresses
            .iter()
            .map(|address| match &self.token {
                Some(token) => format!("ws://{address}/sync?token={token}"),
                None => format!("ws://{address}/sync"),
            })
            .collect()
    }

    /// CPU time the servers have used so far (user and system, all relays
    /// together), in seconds: what a change to the relay costs, apart from
    /// latency.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        self.children.iter().map(|child| stat_of(child.id()).map(|s| s.cpu_seconds)).sum()
    }

    /// CPU time of the PostgreSQL the servers use, in seconds: the
    /// postmaster, its processes now (backends, writers) and those it has
    /// reaped. `None` without PostgreSQL.
    pub fn database_cpu_seconds(&self) -> Option<f64> {
        let postmaster = self.postmaster?;
        let own = stat_of(postmaster).ok()?;
        let children: f64 = std::fs::read_dir("/proc")
            .ok()?
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(|pid| stat_of(pid).ok())
            .filter(|stat| stat.parent == Some(postmaster))
            .map(|stat| stat.cpu_seconds)
            .sum();
        Some(own.cpu_seconds + own.reaped_cpu_seconds + children)
    }

    /// Resident memory of the (first) server process, in bytes.
    pub fn rss_bytes(&self) -> anyhow::Result<u64> {
        rss_of(self.children.first().ok_or_else(|| anyhow!("no server"))?.id())
    }
}

fn samplan_command(binary: &Path, data: &Path, database: Option<&str>, idle_document_secs: u64) -> Command {
    let mut command = Command::new(binary);
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(data)
        .arg("--static-dir")
        .arg(data.join("no-app"))
        .args(["--connections-per-address", "1000000"])
        .args(["--messages-per-second", "1000000", "--message-burst", "1000000"])
        .args(["--idle-document-secs", &idle_document_secs.to_string()])
        // LOADGEN_SERVER_LOG (a RUST_LOG filter) shows the relay's own log.
        .env("RUST_LOG", std::env::var("LOADGEN_SERVER_LOG").unwrap_or_else(|_| "warn".into()));
    if let Some(database) = database {
        command.args(["--database", database]);
    }
    command
}

/// Start `command` and read the address it listens on from its first line.
fn spawn(command: &mut Command) -> anyhow::Result<(Child, SocketAddr)> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    // Keep reading what it prints, so that it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = line
        .trim()
        .rsplit(['/', ' '])
        .find(|part| part.contains(':'))
        .ok_or_else(|| anyhow!("no address in {line:?}"))?
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("address in {line:?}"));
    match address {
        Ok(address) => Ok((child, address)),
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(error)
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What `/proc/<pid>/stat` says about a process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStat {
    /// Its parent's process id.
    pub parent: Option<u32>,
    /// User and system time, seconds.
    pub cpu_seconds: f64,
    /// User and system time of the children it has waited for, seconds.
    pub reaped_cpu_seconds: f64,
}

fn stat_of(pid: u32) -> anyhow::Result<ProcessStat> {
    parse_stat(&std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat"))?)
}

/// Parse a `/proc/<pid>/stat` line.
pub fn parse_stat(stat: &str) -> anyhow::Result<ProcessStat> {
    // After the command name (in parentheses, which may hold spaces): the
    // state is field 3, the parent 4, utime and stime 14 and 15, cutime and
    // cstime 16 and 17.
    let rest = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| anyhow!("no stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let number =
        |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).ok_or_else(|| anyhow!("no field {i}"));
    // Clock ticks of USER_HZ, which is 100 on Linux.
    let seconds =
        |a: usize, b: usize| -> anyhow::Result<f64> { Ok((number(a)? + number(b)?) as f64 / 100.0) };
    Ok(ProcessStat {
        parent: number(1).ok().and_then(|p| u32::try_from(p).ok()),
        cpu_seconds: seconds(11, 12)?,
        reaped_cpu_seconds: seconds(13, 14)?,
    })
}

fn rss_of(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status"))?;
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| anyhow!("no VmRSS"))?;
    Ok(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_gives_parent_and_cpu_even_with_spaces_in_the_name() {
        let line = "4242 (postgres: samplan db 127.0.0.1(5) idle) S 4100 4100 4100 0 -1 4194560 \
                    100 0 0 0 250 75 30 20 20 0 1 0 1000 1000 100";
        let stat = parse_stat(line).expect("a stat line");
        assert_eq!(stat.parent, Some(4100));
        assert!((stat.cpu_seconds - 3.25).abs() < 1e-9, "{stat:?}");
        assert!((stat.reaped_cpu_seconds - 0.5).abs() < 1e-9, "{stat:?}");
    }
}
