//! The durability invariant under `kill -9`: writers edit plans as fast as
//! they can while the server process is killed at random moments, 20 times.
//! After every kill, every change that any writer saw acknowledged (the
//! heads in a sync message from the server) must be in the SQLite file.
//! At the end the writers reconnect and everything they wrote is there.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ReadDoc, ROOT};
use futures::{SinkExt, StreamExt};
use shared::sync_client::{Received, SyncClient};
use shared::{DocumentId, Message};
use tokio_tungstenite::tungstenite::Message as Frame;

const CYCLES: usize = 20;
const DOCUMENTS: usize = 3;
const WRITERS_PER_DOCUMENT: usize = 2;

/// A small deterministic random source; the seed is printed so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `samplan-server serve` on `data_dir` (and on the PostgreSQL `database`,
/// if given), as a process of its own; with its address.
pub fn spawn_server(data_dir: &Path, database: Option<&str>) -> (Child, SocketAddr) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_samplan-server"));
    if let Some(database) = database {
        command.arg("serve").arg("--database").arg(database);
    } else {
        command.arg("serve");
    }
    let mut child = command
        .args(["--listen", "127.0.0.1:0", "--messages-per-second", "100000"])
        .args(["--message-burst", "100000", "--static-dir"])
        .arg(data_dir.join("no-app"))
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start samplan-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the address");
    let address = line
        .trim()
        .strip_prefix("Samplan körs på http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .parse()
        .expect("address");
    (child, address)
}

/// One writer: its own copy of a plan document, kept across server restarts.
pub struct Writer {
    pub name: String,
    /// The session it connects with (all writers are one professional).
    token: String,
    pub id: DocumentId,
    doc: AutoCommit,
    pub written: u64,
    /// Heads the server announced in its sync messages: acknowledged.
    acknowledged: Arc<Mutex<HashSet<ChangeHash>>>,
    /// How many times it connected.
    pub connections: u32,
}

impl Writer {
    /// Writer `name` of plan `id`, noting what the server acknowledged in `acknowledged`.
    pub fn new(
        name: String,
        token: String,
        id: DocumentId,
        acknowledged: Arc<Mutex<HashSet<ChangeHash>>>,
    ) -> Writer {
        Writer { name, token, id, doc: AutoCommit::new(), written: 0, acknowledged, connections: 0 }
    }

    /// How many of this writer's changes `stored` lacks.
    pub fn missing_from(&self, stored: &automerge::Automerge) -> u64 {
        (1..=self.written)
            .filter(|n| !stored.get(ROOT, format!("{}-{n}", self.name)).is_ok_and(|v| v.is_some()))
            .count() as u64
    }

    /// Write and sync until the socket dies; with `settle_within`, write
    /// nothing and stop as soon as the server has acknowledged everything
    /// this writer has (or when that time has passed).
    pub async fn run(&mut self, address: SocketAddr, settle_within: Option<Duration>) {
        let Ok((mut socket, _)) =
            tokio_tungstenite::connect_async(format!("ws://{address}/sync?token={}", self.token)).await
        else {
            return;
        };
        self.connections += 1;
        let mut sync = SyncClient::new(format!("{}-{}", self.name, self.written));
        sync.open(self.id);
        if socket.send(Frame::Binary(sync.join().encode().into())).await.is_err() {
            return;
        }
        let started = tokio::time::Instant::now();
        let mut connected = false;
        loop {
            if let Some(limit) = settle_within {
                if started.elapsed() > limit || (connected && self.settled()) {
                    return;
                }
            }
            if connected && settle_within.is_none() {
                self.written += 1;
                self.doc.put(ROOT, format!("{}-{}", self.name, self.written), self.written).expect("put");
            }
            if connected {
                if let Some(message) = sync.generate(self.id, &mut self.doc) {
                    if socket.send(Frame::Binary(message.encode().into())).await.is_err() {
                        return;
                    }
                }
            }
            let frame = match tokio::time::timeout(Duration::from_millis(3), socket.next()).await {
                Err(_) => continue,
                Ok(None) | Ok(Some(Err(_))) => return,
                Ok(Some(Ok(frame))) => frame,
            };
            let Frame::Binary(bytes) = frame else { continue };
            let Ok(message) = Message::decode(&bytes) else { return };
            match sync.receive(message) {
                Ok(Received::Connected) => connected = true,
                Ok(Received::Sync(id, data)) => {
                    let heads = automerge::sync::Message::decode(&data).expect("sync message").heads;
                    self.acknowledged.lock().expect("lock").extend(heads);
                    sync.apply_sync(id, &data, &mut self.doc).expect("apply");
                }
                Ok(Received::ServerError(error)) => panic!("server error: {error}"),
                _ => {}
            }
        }
    }

    /// Whether the server has acknowledged every head of this writer's copy.
    fn settled(&mut self) -> bool {
        let acknowledged = self.acknowledged.lock().expect("lock");
        self.doc.get_heads().iter().all(|head| acknowledged.contains(head))
    }
}

pub async fn stored_hashes_missing(
    data_dir: &Path,
    ids: &[DocumentId],
    acknowledged: &HashSet<ChangeHash>,
) -> usize {
    let store = crate::harness::open_store(data_dir).await;
    let mut found = HashSet::new();
    for id in ids {
        let loaded = store.load(id).await.expect("load");
        assert_eq!(loaded.unreadable_chunks, 0, "no stored chunk is damaged");
        for hash in acknowledged {
            if loaded.doc.get_change_by_hash(hash).is_some() {
                found.insert(*hash);
            }
        }
    }
    store.close().await;
    acknowledged.len() - found.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_change_is_lost_when_the_server_is_killed_20_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    println!("seed {seed}");
    let mut random = Lcg(seed);
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let ids: Vec<DocumentId> = (0..DOCUMENTS).map(|_| DocumentId::random()).collect();
    let token = crate::harness::provision(dir.path(), "Skribent").await;
    let database = crate::harness::database_for(dir.path()).await;
    let mut writers: Vec<Writer> = (0..DOCUMENTS * WRITERS_PER_DOCUMENT)
        .map(|n| Writer::new(format!("skribent{n}"), token.clone(), ids[n % DOCUMENTS], acknowledged.clone()))
        .collect();

    for cycle in 0..CYCLES {
        let (mut server, address) = spawn_server(dir.path(), database.as_deref());
        let kill_after = Duration::from_millis(50 + random.below(400));
        let tasks: Vec<_> = writers
            .drain(..)
            .map(|mut writer| {
                tokio::spawn(async move {
                    writer.run(address, None).await;
                    writer
                })
            })
            .collect();
        tokio::time::sleep(kill_after).await;
        server.kill().expect("kill -9");
        server.wait().expect("reap");
        for task in tasks {
            writers.push(task.await.expect("writer"));
        }
        let seen = acknowledged.lock().expect("lock").clone();
        let missing = stored_hashes_missing(dir.path(), &ids, &seen).await;
        println!(
            "cycle {cycle}: killed after {kill_after:?}; {} acknowledged heads, {missing} missing",
            seen.len()
        );
        assert_eq!(missing, 0, "cycle {cycle} (seed {seed}): acknowledged changes are gone");
    }

    // Everyone reconnects once more and syncs; then every change anyone
    // wrote is on the server, and the writers of a plan agree. Rounds go on
    // until all is there or a minute has passed: after a kill the first
    // connections also pay for access checks and actor bindings, and a
    // writer with many unacknowledged changes needs several round trips
    // (a debug build on a loaded CI machine is slow). Each writer stays until
    // the server acknowledged all it has, at most 5 s a round; a change that
    // never arrives (a stalled resync) still fails below.
    let (mut server, address) = spawn_server(dir.path(), database.as_deref());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut round = 0;
    loop {
        round += 1;
        for writer in &mut writers {
            writer.run(address, Some(Duration::from_secs(5))).await;
        }
        let store = crate::harness::open_store(dir.path()).await;
        let mut lacking = Vec::new();
        for writer in &writers {
            let stored = store.load(&writer.id).await.expect("load").doc;
            let missing = (1..=writer.written)
                .filter(|n| !stored.get(ROOT, format!("{}-{n}", writer.name)).is_ok_and(|v| v.is_some()))
                .count();
            if missing > 0 {
                lacking.push(format!("{}: {missing} of {}", writer.name, writer.written));
            }
        }
        store.close().await;
        println!("final round {round}: not yet on the server: {lacking:?}");
        if lacking.is_empty() || tokio::time::Instant::now() > deadline {
            break;
        }
    }
    server.kill().expect("stop");
    server.wait().expect("reap");
    let store = crate::harness::open_store(dir.path()).await;
    let total: u64 = writers.iter().map(|w| w.written).sum();
    assert!(total > 100, "the writers wrote something ({total} changes)");
    for writer in &writers {
        let stored = store.load(&writer.id).await.expect("load").doc;
        for n in 1..=writer.written {
            let key = format!("{}-{n}", writer.name);
            assert!(stored.get(ROOT, &key).expect("read").is_some(), "{key} is on the server");
        }
    }
    println!("{total} changes written over {CYCLES} kills; none lost");
}
