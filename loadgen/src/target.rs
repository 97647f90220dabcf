//! The server under test as a child process: `samplan-server` or the
//! reference JS sync server, started fresh on a free port with its own data
//! directory, and its resident memory read from `/proc`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{anyhow, bail, Context};

/// Which server.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `samplan-server serve`, the binary at this path.
    Samplan(PathBuf),
    /// `node server.mjs` in this directory (with its node_modules).
    Reference(PathBuf),
}

impl Kind {
    /// A short name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Samplan(_) => "samplan-server",
            Kind::Reference(_) => "reference (automerge-repo 2.5.6, Node)",
        }
    }
}

/// A running server; killed when dropped.
pub struct Target {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    /// A session token for samplan-server (the reference server has no access control).
    token: Option<String>,
    _data: tempfile::TempDir,
}

/// Create the load generator's account in `data` and return a session token
/// (the last line `samplan-server user token` prints).
fn provision(binary: &Path, data: &Path) -> anyhow::Result<String> {
    let run = |args: &[&str]| -> anyhow::Result<String> {
        let output =
            Command::new(binary).args(args).arg("--data-dir").arg(data).env("RUST_LOG", "warn").output()?;
        if !output.status.success() {
            bail!("samplan-server {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        }
        let stdout = String::from_utf8(output.stdout)?;
        stdout.lines().last().map(str::to_string).ok_or_else(|| anyhow!("no output from {args:?}"))
    };
    run(&["user", "add", "--name", "Lastgeneratorn", "--org", "Test"])?;
    run(&["user", "token", "Lastgeneratorn", "--expires", "7d"])
}

impl Target {
    /// Start `kind`; `idle_document_secs` applies to samplan-server only.
    pub fn start(kind: &Kind, idle_document_secs: u64) -> anyhow::Result<Target> {
        let data = tempfile::Builder::new().prefix("samplan-loadgen-").tempdir()?;
        let token = match kind {
            Kind::Samplan(binary) => Some(provision(binary, data.path())?),
            Kind::Reference(_) => None,
        };
        let mut command = match kind {
            Kind::Samplan(binary) => {
                let mut command = Command::new(binary);
                command
                    .args(["serve", "--listen", "127.0.0.1:0"])
                    .arg("--data-dir")
                    .arg(data.path())
                    .arg("--static-dir")
                    .arg(data.path().join("no-app"))
                    .args(["--connections-per-address", "1000000"])
                    .args(["--messages-per-second", "1000000", "--message-burst", "1000000"])
                    .args(["--idle-document-secs", &idle_document_secs.to_string()])
                    // LOADGEN_SERVER_LOG (a RUST_LOG filter) shows the relay's own log.
                    .env("RUST_LOG", std::env::var("LOADGEN_SERVER_LOG").unwrap_or_else(|_| "warn".into()));
                command
            }
            Kind::Reference(dir) => {
                let mut command = Command::new("node");
                command.current_dir(dir).arg("server.mjs").arg(data.path());
                command
            }
        };
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("start {}", kind.name()))?;
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
            .with_context(|| format!("address in {line:?}"))?;
        Ok(Target { child, address, token, _data: data })
    }

    /// The WebSocket URL of the sync endpoint.
    pub fn url(&self) -> String {
        match &self.token {
            Some(token) => format!("ws://{}/sync?token={token}", self.address),
            None => format!("ws://{}/sync", self.address),
        }
    }

    /// CPU time the server process has used so far (user and system), in
    /// seconds: what a change to the relay costs, apart from latency.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let stat =
            std::fs::read_to_string(Path::new("/proc").join(self.child.id().to_string()).join("stat"))?;
        // After the command name (in parentheses, which may hold spaces):
        // the state is field 3, utime and stime fields 14 and 15.
        let rest = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| anyhow!("no stat"))?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields.get(i).and_then(|f| f.parse::<u64>().ok()).ok_or_else(|| anyhow!("no field {i}"))
        };
        // Clock ticks of USER_HZ, which is 100 on Linux.
        Ok((ticks(11)? + ticks(12)?) as f64 / 100.0)
    }

    /// Resident memory of the server process, in bytes.
    pub fn rss_bytes(&self) -> anyhow::Result<u64> {
        rss_of(self.child.id())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
