//! Durable storage of documents in one SQLite file (WAL mode).
//!
//! A document is a set of Automerge chunks: snapshots and the incremental
//! chunks appended after them (Automerge applies them in any order).
//! [`Store::append`] returns only when the chunk is committed
//! (`synchronous = FULL`), which is what lets the relay promise that nothing
//! it acknowledges can be lost.
//!
//! **Group commit.** All writes go through one writer task that takes every
//! write waiting at that moment and commits them in one transaction, so one
//! fsync serves many documents: durable-before-acknowledge costs about one
//! disk flush per busy moment instead of one per edit, and no write waits
//! for a fixed delay.
//!
//! **Checkpoints between groups, and a log that restarts.** SQLite would
//! copy its write-ahead log into the database file (and fsync it) inside
//! whichever commit pushes the log past 1,000 pages, holding up every write
//! in that group. Automatic checkpoints are off; the writer checkpoints at
//! most once a second, between two groups, holding the write turn. A
//! checkpoint running *beside* a busy writer never catches up with it, so
//! the log never restarts from its beginning: it grew by 20 MB a second
//! under the typing load (615 MB after 30 s), and every commit appended to
//! an ever longer file. Between groups nothing is written during the
//! checkpoint, the log is copied whole, and the next commit writes from the
//! start of the file again (`journal_size_limit` trims it after a burst).
//!
//! **Compaction off the hot path.** [`Store::request_compaction`] hands a
//! document id to a compactor task that reads the stored chunks, builds a
//! snapshot on a blocking thread and replaces exactly the chunks it read.
//! The document's own task never waits for it; chunks appended meanwhile
//! stay as they are.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{Automerge, ReadDoc};
use shared::DocumentId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::access::audit::{self, AuditEntry};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "samplan.sqlite3";

/// Compact a document into one snapshot once it has this many incremental chunks.
pub const COMPACT_AFTER_CHUNKS: i64 = 256;
/// The compactor's pause after each document (see `compact_requested`).
const COMPACTION_PAUSE: Duration = Duration::from_millis(if cfg!(test) { 1 } else { 40 });
/// A group commit that takes this long is logged (at debug level).
const SLOW_GROUP: Duration = Duration::from_millis(10);
/// Writes waiting for the writer before appenders wait.
const WRITE_QUEUE: usize = 4096;
/// At most this many writes share one transaction.
const MAX_GROUP: usize = 1024;
/// How often the write-ahead log is copied into the database file (more
/// often in unit tests, so that a short test sees many checkpoints; the
/// integration tests run the server with one second).
const CHECKPOINT_EVERY: Duration =
    if cfg!(test) { Duration::from_millis(100) } else { Duration::from_secs(1) };
/// When a checkpoint could not copy the whole log, the next try.
const CHECKPOINT_RETRY: Duration = Duration::from_millis(50);
/// A checkpoint slower than this is logged: every write waited for it.
const SLOW_CHECKPOINT: Duration = Duration::from_millis(100);
/// Compactions waiting; more requests are dropped (the document asks again later).
const COMPACTION_QUEUE: usize = 256;
/// How long a connection waits for another's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The write-ahead log is cut back to this size when it restarts after a burst.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The data directory could not be created.
    #[error("kan inte skapa datakatalogen {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite reported an error.
    #[error("databasfel: {0}")]
    Database(#[from] sqlx::Error),
    /// SQLite reported an error to the storage writer's own connection.
    #[error("databasfel: {0}")]
    Writer(#[from] rusqlite::Error),
    /// The backup file is already there; nothing was overwritten.
    #[error("{0} finns redan; välj en ny fil för säkerhetskopian")]
    BackupTargetExists(String),
    /// A migration failed.
    #[error("databasen kunde inte uppgraderas: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The writer has stopped (the server is shutting down).
    #[error("lagringen har stängts")]
    Closed,
    /// The transaction that carried this write failed.
    #[error("skrivningen misslyckades: {0}")]
    WriteFailed(String),
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    writes: mpsc::Sender<Write>,
    compactions: mpsc::Sender<DocumentId>,
    /// Documents queued for or in compaction, so each is queued once.
    compacting: Arc<Mutex<HashSet<DocumentId>>>,
}

/// One write for the writer task.
#[derive(Debug)]
enum Write {
    /// Append an incremental chunk, with the audit entries of its changes.
    Append {
        id: DocumentId,
        chunk: Vec<u8>,
        audit: Vec<AuditEntry>,
        done: oneshot::Sender<Result<(), StorageError>>,
    },
    /// Replace the chunks with ids up to `through` (all if `None`) by a snapshot.
    Replace {
        id: DocumentId,
        snapshot: Vec<u8>,
        through: Option<i64>,
        done: oneshot::Sender<Result<(), StorageError>>,
    },
    /// Commit what came before, close the connection, stop.
    Close { done: oneshot::Sender<()> },
}

/// Chunks to merge into one snapshot, and where the snapshot goes.
type SnapshotJob = (Vec<Vec<u8>>, oneshot::Sender<Result<Vec<u8>, String>>);
type SnapshotBuilder = std::sync::mpsc::Sender<SnapshotJob>;

/// Start the thread that builds snapshots for compaction, at the lowest
/// priority a normal thread can have (Linux: `SCHED_BATCH`, nice 19).
/// Compaction is never urgent, and under the typing load a hundred
/// documents reach the compaction threshold within a second or two: their
/// snapshots should take CPU time that deliveries do not need. (Not
/// `SCHED_IDLE`: on a machine that is busy for good, compaction would never
/// run; at nice 19 it gets a small share.)
fn spawn_snapshot_builder() -> std::io::Result<SnapshotBuilder> {
    let (jobs, queue) = std::sync::mpsc::channel::<SnapshotJob>();
    std::thread::Builder::new().name("samplan-compactor".into()).spawn(move || {
        lowest_priority();
        for (chunks, reply) in queue {
            // (The compactor may have stopped waiting: nothing to do then.)
            let _ = reply.send(build_snapshot(&chunks));
        }
    })?;
    Ok(jobs)
}

/// Give the calling thread the lowest priority of a normal thread.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        let batch = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch);
        if let Err(error) =
            set_thread_priority_and_policy(thread_native_id(), thread_priority::ThreadPriority::Min, batch)
        {
            tracing::warn!(?error, "the compactor runs at normal priority");
        }
    }
}

/// One snapshot of the stored chunks of a document.
fn build_snapshot(chunks: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut doc = Automerge::new();
    for chunk in chunks {
        doc.load_incremental(chunk).map_err(|e| e.to_string())?;
    }
    // The stored chunks are causally closed; if they were not, a snapshot
    // would drop the changes still waiting for their deps.
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err("stored chunks lack dependencies".to_string());
    }
    Ok(doc.save())
}

/// A document as loaded, with what compaction needs to know.
pub struct Loaded {
    /// The document.
    pub doc: Automerge,
    /// How many incremental chunks follow the snapshot.
    pub incremental_chunks: i64,
    /// Chunks that could not be read; logged and skipped (never deleted).
    pub unreadable_chunks: usize,
    /// The bytes of every stored chunk together.
    pub stored_bytes: u64,
}

impl Store {
    /// Open (creating if needed) the database in `data_dir` and migrate it.
    pub async fn open(data_dir: &Path) -> Result<Store, StorageError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StorageError::DataDir { path: data_dir.display().to_string(), source })?;
        let path = data_dir.join(DATABASE_FILE);
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // No checkpoint inside a commit: the writer checkpoints between
            // groups (see the module doc).
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string());
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options.clone()).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let (writes, write_queue) = mpsc::channel(WRITE_QUEUE);
        let writer_path = path.clone();
        let connection = tokio::task::spawn_blocking(move || open_writer(&writer_path))
            .await
            .map_err(|e| StorageError::WriteFailed(e.to_string()))??;
        spawn_writer(connection, path, write_queue);
        let (compactions, compaction_queue) = mpsc::channel(COMPACTION_QUEUE);
        let store = Store { pool, writes, compactions, compacting: Arc::default() };
        tokio::spawn(store.clone().compact_requested(compaction_queue));
        Ok(store)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// This storage's automerge-repo storage id, made on first use.
    pub async fn storage_id(&self) -> Result<String, StorageError> {
        let fresh = crate::random_hex_id();
        let _turn = crate::access::write_turn().await;
        sqlx::query("INSERT OR IGNORE INTO server_meta (key, value) VALUES ('storage_id', ?)")
            .bind(&fresh)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query("SELECT value FROM server_meta WHERE key = 'storage_id'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }

    /// Load a document; an unknown id gives an empty document.
    pub async fn load(&self, id: &DocumentId) -> Result<Loaded, StorageError> {
        let rows = sqlx::query("SELECT kind, bytes FROM document_chunks WHERE document_id = ? ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut doc = Automerge::new();
        let mut incremental_chunks = 0;
        let mut unreadable_chunks = 0;
        let mut stored_bytes = 0;
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let bytes: Vec<u8> = row.try_get("bytes")?;
            stored_bytes += bytes.len() as u64;
            if kind == "incremental" {
                incremental_chunks += 1;
            }
            if let Err(error) = doc.load_incremental(&bytes) {
                unreadable_chunks += 1;
                tracing::error!(document = %id, %error, "skipping an unreadable stored chunk");
            }
        }
        Ok(Loaded { doc, incremental_chunks, unreadable_chunks, stored_bytes })
    }

    /// Append an incremental chunk and the audit entries saying who made its
    /// changes, in one transaction; returns once both are committed to disk.
    pub async fn append(
        &self,
        id: &DocumentId,
        chunk: Vec<u8>,
        audit: Vec<AuditEntry>,
    ) -> Result<(), StorageError> {
        let (done, committed) = oneshot::channel();
        self.writes
            .send(Write::Append { id: *id, chunk, audit, done })
            .await
            .map_err(|_| StorageError::Closed)?;
        committed.await.map_err(|_| StorageError::Closed)?
    }

    /// Replace every chunk of the document with one snapshot, atomically.
    pub async fn compact(&self, id: &DocumentId, snapshot: Vec<u8>) -> Result<(), StorageError> {
        self.replace(id, snapshot, None).await
    }

    async fn replace(
        &self,
        id: &DocumentId,
        snapshot: Vec<u8>,
        through: Option<i64>,
    ) -> Result<(), StorageError> {
        let (done, committed) = oneshot::channel();
        self.writes
            .send(Write::Replace { id: *id, snapshot, through, done })
            .await
            .map_err(|_| StorageError::Closed)?;
        committed.await.map_err(|_| StorageError::Closed)?
    }

    /// Ask for the document to be compacted in the background. Returns at
    /// once; a document already waiting is not queued twice, and when the
    /// queue is full the request is dropped (the document asks again).
    pub fn request_compaction(&self, id: &DocumentId) {
        let mut compacting = self.compacting.lock().unwrap_or_else(|p| p.into_inner());
        if compacting.insert(*id) && self.compactions.try_send(*id).is_err() {
            compacting.remove(id);
        }
    }

    /// The compactor: one document at a time, snapshots built on a thread
    /// of their own ([`spawn_snapshot_builder`]).
    async fn compact_requested(self, mut queue: mpsc::Receiver<DocumentId>) {
        let builder = match spawn_snapshot_builder() {
            Ok(builder) => builder,
            Err(error) => {
                tracing::error!(%error, "no thread for compaction; documents are not compacted");
                return;
            }
        };
        while let Some(id) = queue.recv().await {
            if let Err(error) = self.compact_stored(&id, &builder).await {
                tracing::warn!(document = %id, %error, "compaction failed; the chunks stay as they were");
            }
            self.compacting.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            // Spread a burst of compactions out (documents that are typed in
            // together reach the threshold together): each one rewrites many
            // pages of the file, and the writer's groups wait for them.
            tokio::time::sleep(COMPACTION_PAUSE).await;
        }
    }

    /// Read the stored chunks, merge them into one snapshot and replace
    /// exactly those chunks. Chunks that cannot be read are never deleted.
    async fn compact_stored(&self, id: &DocumentId, builder: &SnapshotBuilder) -> Result<(), StorageError> {
        let rows = sqlx::query("SELECT id, bytes FROM document_chunks WHERE document_id = ? ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut through = None;
        let mut chunks = Vec::with_capacity(rows.len());
        for row in rows {
            through = Some(row.try_get::<i64, _>("id")?);
            chunks.push(row.try_get::<Vec<u8>, _>("bytes")?);
        }
        if chunks.len() < 2 {
            return Ok(());
        }
        let (reply, built) = oneshot::channel();
        builder
            .send((chunks, reply))
            .map_err(|_| StorageError::WriteFailed("the compactor's thread stopped".into()))?;
        let snapshot = built
            .await
            .map_err(|_| StorageError::WriteFailed("the compactor's thread stopped".into()))?
            .map_err(StorageError::WriteFailed)?;
        let bytes = snapshot.len();
        self.replace(id, snapshot, through).await?;
        tracing::debug!(document = %id, bytes, "compacted");
        Ok(())
    }

    /// Whether a document with this many incremental chunks should be compacted.
    pub fn should_compact(incremental_chunks: i64) -> bool {
        incremental_chunks >= COMPACT_AFTER_CHUNKS
    }

    /// Write a consistent copy of the whole database to `path` while the
    /// server keeps running (SQLite `VACUUM INTO`). `path` must not exist.
    pub async fn backup(&self, path: &Path) -> Result<(), StorageError> {
        if path.exists() {
            return Err(StorageError::BackupTargetExists(path.display().to_string()));
        }
        sqlx::query("VACUUM INTO ?").bind(path.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }

    /// The connection pool, for access control ([`crate::access`]).
    pub fn pool(&self) -> SqlitePool {
        self.pool.clone()
    }

    /// Close the pool, waiting for running queries.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.writes.send(Write::Close { done }).await.is_ok() {
            let _ = closed.await;
        }
        self.pool.close().await;
    }
}

/// Open the storage writer's connection: rusqlite, used synchronously on
/// the writer's own thread. The database exists and is migrated (and in
/// WAL mode, which the file remembers) before this runs.
fn open_writer(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "wal_autocheckpoint", 0)?;
    connection.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    Ok(connection)
}

/// Copy the write-ahead log into the database file, on the writer's
/// connection between two groups and in the write turn, so that nothing is
/// appended meanwhile and the log is copied whole: the next commit then
/// starts the log from its beginning. A reader still on an older snapshot
/// can keep part of it; that part is copied next time.
async fn checkpoint(connection: &rusqlite::Connection) -> bool {
    let _turn = crate::access::write_turn().await;
    let started = std::time::Instant::now();
    let outcome = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    });
    let elapsed = started.elapsed();
    if elapsed > SLOW_CHECKPOINT {
        tracing::warn!(?elapsed, "a checkpoint held up every write");
    }
    match outcome {
        Ok((busy, log, copied)) => {
            tracing::debug!(busy, log, copied, ?elapsed, "checkpoint");
            busy == 0 && copied >= log
        }
        Err(error) => {
            tracing::warn!(%error, "checkpoint failed; the write-ahead log keeps the changes");
            false
        }
    }
}

/// Start the writer on a thread of its own, with its own connection.
///
/// Every acknowledgement waits for the writer, so it must run the moment
/// a write arrives. It has its own single-threaded runtime (on the
/// server's runtime it would wait behind hundreds of document tasks), and
/// it calls SQLite synchronously through rusqlite: a group is one wake-up
/// of this thread. Through sqlx each statement was a hand-over to sqlx's
/// connection thread and back, ten per group, and on a busy machine each
/// hand-over could wait milliseconds for a core (a one-row commit took up
/// to 20 ms). If the thread or its runtime cannot start, the queue is
/// dropped and every write fails with [`StorageError::Closed`] (nothing is
/// acknowledged).
fn spawn_writer(connection: rusqlite::Connection, path: PathBuf, queue: mpsc::Receiver<Write>) {
    let started = std::thread::Builder::new().name("samplan-writer".into()).spawn(move || {
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(write_groups(connection, path, queue)),
            Err(error) => tracing::error!(%error, "the storage writer could not start"),
        }
    });
    if let Err(error) = started {
        tracing::error!(%error, "the storage writer thread could not start");
    }
}

/// The writer: commit every waiting write in one transaction, then
/// answer each. If the transaction fails, every write in it fails (none is
/// acknowledged) and the next group starts afresh.
async fn write_groups(mut connection: rusqlite::Connection, path: PathBuf, mut queue: mpsc::Receiver<Write>) {
    let mut closing = None;
    let mut next_checkpoint = tokio::time::Instant::now() + CHECKPOINT_EVERY;
    let mut incomplete = 0u32;
    loop {
        // Once a second, whether or not this writer wrote: the access
        // tables are written through the pool. A reader still on an older
        // snapshot can keep the log from being copied whole; then try
        // again soon rather than let the log grow for another second.
        if tokio::time::Instant::now() >= next_checkpoint {
            if checkpoint(&connection).await {
                incomplete = 0;
                next_checkpoint = tokio::time::Instant::now() + CHECKPOINT_EVERY;
            } else {
                incomplete += 1;
                if incomplete.is_multiple_of(100) {
                    tracing::warn!(attempts = incomplete, "the write-ahead log could not be copied whole");
                }
                next_checkpoint = tokio::time::Instant::now() + CHECKPOINT_RETRY;
            }
        }
        let first = match tokio::time::timeout_at(next_checkpoint, queue.recv()).await {
            Ok(first) => first,
            Err(_) => continue,
        };
        let Some(first) = first else { break };
        // Take the turn first, then the group: what arrives while the
        // turn is busy (a checkpoint, an access write) joins this group.
        let turn = crate::access::write_turn().await;
        let mut group = Vec::new();
        let mut next = Some(first);
        while let Some(write) = next.take() {
            match write {
                Write::Close { done } => {
                    closing = Some(done);
                    break;
                }
                write => group.push(write),
            }
            if group.len() < MAX_GROUP {
                next = queue.try_recv().ok();
            }
        }
        let started = std::time::Instant::now();
        let outcome =
            (!group.is_empty()).then(|| commit_group(&mut connection, &group).map_err(|e| e.to_string()));
        drop(turn);
        let elapsed = started.elapsed();
        if elapsed >= SLOW_GROUP {
            let replaces = group.iter().filter(|w| matches!(w, Write::Replace { .. })).count();
            tracing::debug!(writes = group.len(), replaces, ?elapsed, "slow group commit");
        }
        if let Some(outcome) = outcome {
            if let Err(error) = &outcome {
                // The connection itself may be what failed: start the next
                // group on a fresh one.
                tracing::warn!(%error, "a group commit failed; its writes are not acknowledged");
                match open_writer(&path) {
                    Ok(fresh) => {
                        let _ = std::mem::replace(&mut connection, fresh).close();
                    }
                    Err(error) => tracing::error!(%error, "could not reopen the storage writer's connection"),
                }
            }
            for write in group {
                if let Write::Append { done, .. } | Write::Replace { done, .. } = write {
                    let _ = done.send(outcome.clone().map_err(StorageError::WriteFailed));
                }
            }
        }
        if closing.is_some() {
            break;
        }
    }
    queue.close();
    let _ = connection.close();
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// One transaction for the whole group (the caller holds the write turn).
/// Writes keep their order: appends and replacements go in as they stand.
fn commit_group(connection: &mut rusqlite::Connection, group: &[Write]) -> rusqlite::Result<()> {
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // A deleted plan stays deleted: a document task or the compactor that
    // was mid-way when the plan was deleted writes nothing.
    let deleted = deleted_among(&tx, group)?;
    let now = crate::access::now_millis();
    for write in group {
        match write {
            Write::Append { id, chunk, audit, .. } => {
                if !deleted.contains(id) {
                    insert_chunk(&tx, id, chunk, "incremental", now)?;
                    for entry in audit {
                        audit::append_in(&tx, entry)?;
                    }
                }
            }
            Write::Close { .. } => {}
            Write::Replace { id, snapshot, through, .. } => {
                if deleted.contains(id) {
                    continue;
                }
                tx.prepare_cached("DELETE FROM document_chunks WHERE document_id = ?1 AND id <= ?2")?
                    .execute(rusqlite::params![id.to_string(), through.unwrap_or(i64::MAX)])?;
                insert_chunk(&tx, id, snapshot, "snapshot", now)?;
            }
        }
    }
    tx.commit()
}

/// The documents of `group` whose plan has been deleted.
fn deleted_among(tx: &rusqlite::Transaction<'_>, group: &[Write]) -> rusqlite::Result<HashSet<DocumentId>> {
    let ids: HashSet<DocumentId> = group
        .iter()
        .filter_map(|write| match write {
            Write::Append { id, .. } | Write::Replace { id, .. } => Some(*id),
            Write::Close { .. } => None,
        })
        .collect();
    let mut query =
        tx.prepare_cached("SELECT 1 FROM plans WHERE document_id = ?1 AND deleted_at IS NOT NULL")?;
    let mut deleted = HashSet::new();
    for id in ids {
        if query.exists([id.to_string()])? {
            deleted.insert(id);
        }
    }
    Ok(deleted)
}

/// Insert one chunk.
fn insert_chunk(
    tx: &rusqlite::Transaction<'_>,
    id: &DocumentId,
    bytes: &[u8],
    kind: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO document_chunks (document_id, kind, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![id.to_string(), kind, bytes, now])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    use super::*;

    /// `count` changes of one document, each as its own incremental chunk.
    fn chunks(count: usize) -> Vec<Vec<u8>> {
        let mut doc = AutoCommit::new();
        (0..count)
            .map(|n| {
                doc.put(ROOT, format!("k{n}"), n as u64).expect("put");
                doc.save_incremental()
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_write_ahead_log_restarts_under_a_steady_stream_of_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let wal = dir.path().join(format!("{DATABASE_FILE}-wal"));
        // Start from an empty log (the migrations wrote to it).
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&store.pool).await.expect("truncate");
        // Writers back to back, as on a busy relay (the writer is never
        // idle long), and a reader beside them, for at least 25 checkpoint
        // intervals and 200 writes: the log must be copied and restarted,
        // not grow by everything written.
        let started = std::time::Instant::now();
        let mut writers = Vec::new();
        for writer in 0..4u64 {
            let store = store.clone();
            writers.push(tokio::spawn(async move {
                let id = DocumentId::random();
                let (mut written, mut n) = (0u64, 0u64);
                while started.elapsed() < CHECKPOINT_EVERY * 25 || n < 50 {
                    let chunk: Vec<u8> = (0..16 * 1024).map(|i| (i as u64 ^ n ^ writer) as u8).collect();
                    written += chunk.len() as u64;
                    store.append(&id, chunk, Vec::new()).await.expect("append");
                    n += 1;
                }
                (id, written, n)
            }));
        }
        let reader = {
            let pool = store.pool.clone();
            tokio::spawn(async move {
                while started.elapsed() < CHECKPOINT_EVERY * 25 {
                    sqlx::query("SELECT count(*) FROM document_chunks").execute(&pool).await.expect("read");
                }
            })
        };
        let mut written = 0;
        let mut stored = Vec::new();
        for writer in writers {
            let (id, bytes, n) = writer.await.expect("writer");
            written += bytes;
            stored.push((id, bytes, n));
        }
        reader.await.expect("reader");
        let log = std::fs::metadata(&wal).expect("wal").len();
        // Never restarting, the log holds every frame: about twice what was
        // written (pages and headers). Restarting, it holds the largest
        // stretch between two complete checkpoints, which a reader can
        // lengthen (35 % on a loaded CI machine), so the bound is generous.
        assert!(
            log < written,
            "the write-ahead log is {log} bytes after {written} bytes written: it never restarted"
        );
        for (id, bytes, n) in stored {
            let loaded = store.load(&id).await.expect("load");
            assert_eq!(loaded.stored_bytes, bytes, "every one of the {n} writes is stored");
        }
        store.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_group_acknowledges_none_of_its_writes_and_the_next_one_commits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let (refused, innocent) = (DocumentId::random(), DocumentId::random());
        // SQLite refuses any chunk of `refused`, as a full disk or a broken
        // file would refuse the whole transaction.
        sqlx::query(&format!(
            "CREATE TRIGGER refuse BEFORE INSERT ON document_chunks WHEN NEW.document_id = '{refused}' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ))
        .execute(&store.pool)
        .await
        .expect("trigger");
        // Both writes are queued while the test holds the write turn: the
        // writer takes the first, waits for the turn, then takes the second
        // into the same group.
        let turn = crate::access::write_turn().await;
        let append = |id| {
            let (done, acknowledged) = oneshot::channel();
            (Write::Append { id, chunk: chunks(1).remove(0), audit: Vec::new(), done }, acknowledged)
        };
        let (first, first_acknowledged) = append(innocent);
        let (second, second_acknowledged) = append(refused);
        store.writes.send(first).await.expect("queued");
        store.writes.send(second).await.expect("queued");
        drop(turn);
        let first = first_acknowledged.await.expect("answered");
        assert!(first.is_err(), "a write in a failed group is not acknowledged");
        let second = second_acknowledged.await.expect("answered");
        assert!(second.is_err(), "the refused write is not acknowledged");
        assert_eq!(
            store.load(&innocent).await.expect("load").stored_bytes,
            0,
            "nothing of the group is stored"
        );
        // The writer goes on (on a fresh connection).
        let chunk = chunks(1).remove(0);
        let bytes = chunk.len() as u64;
        store.append(&innocent, chunk, Vec::new()).await.expect("the next group commits");
        assert_eq!(store.load(&innocent).await.expect("load").stored_bytes, bytes);
        store.close().await;
    }

    #[tokio::test]
    async fn the_writer_connection_syncs_every_commit_and_never_checkpoints_by_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let writer = open_writer(&dir.path().join(DATABASE_FILE)).expect("writer");
        let pragma = |name: &str| -> String {
            writer
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|value| match value {
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Text(text) => text,
                    other => format!("{other:?}"),
                })
                .expect("pragma")
        };
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("synchronous"), "2", "FULL: every commit is synced before it is acknowledged");
        assert_eq!(pragma("foreign_keys"), "1");
        assert_eq!(pragma("wal_autocheckpoint"), "0");
        assert_eq!(pragma("journal_size_limit"), JOURNAL_SIZE_LIMIT.to_string());
        store.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_arriving_together_are_all_committed_with_their_audit_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let ids = [DocumentId::random(), DocumentId::random(), DocumentId::random()];
        // Many writes at once, more than one group takes.
        let per_document = 600;
        let mut appends = Vec::new();
        for id in ids {
            for chunk in chunks(per_document) {
                let store = store.clone();
                let entry = AuditEntry::now("user:1", Some(1), Some(&id.to_string()), "change", "hash");
                appends.push(tokio::spawn(async move { store.append(&id, chunk, vec![entry]).await }));
            }
        }
        for append in appends {
            append.await.expect("task").expect("committed");
        }
        for id in ids {
            let loaded = store.load(&id).await.expect("load");
            assert_eq!(loaded.unreadable_chunks, 0);
            assert_eq!(loaded.doc.get_changes(&[]).len(), per_document, "every change of {id} is stored");
        }
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'change'")
            .fetch_one(&store.pool)
            .await
            .expect("count");
        assert_eq!(audited, (3 * per_document) as i64, "one audit entry per write");
        store.close().await;
    }

    #[tokio::test]
    async fn a_compaction_in_the_same_group_keeps_the_appends_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let id = DocumentId::random();
        let all = chunks(10);
        for chunk in &all[..6] {
            store.append(&id, chunk.clone(), Vec::new()).await.expect("append");
        }
        let snapshot = store.load(&id).await.expect("load").doc.save();
        // As the compactor does: replace exactly the chunks it read.
        let through: i64 = sqlx::query_scalar("SELECT MAX(id) FROM document_chunks WHERE document_id = ?")
            .bind(id.to_string())
            .fetch_one(&store.pool)
            .await
            .expect("max id");
        // The compaction and the later appends race into one group.
        let (compacted, later) = tokio::join!(
            store.replace(&id, snapshot, Some(through)),
            futures::future::join_all(all[6..].iter().map(|c| store.append(&id, c.clone(), Vec::new())))
        );
        compacted.expect("replace");
        assert!(later.iter().all(Result::is_ok));
        let loaded = store.load(&id).await.expect("load");
        assert_eq!(loaded.doc.get_changes(&[]).len(), 10, "nothing lost either way round");
        let kinds: Vec<String> =
            sqlx::query_scalar("SELECT kind FROM document_chunks WHERE document_id = ? ORDER BY id")
                .bind(id.to_string())
                .fetch_all(&store.pool)
                .await
                .expect("kinds");
        assert_eq!(kinds.iter().filter(|k| *k == "snapshot").count(), 1, "{kinds:?}");
        assert_eq!(kinds.len(), 5, "one snapshot and the four later chunks: {kinds:?}");
        store.close().await;
    }

    #[tokio::test]
    async fn after_close_a_write_fails_and_is_not_acknowledged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let id = DocumentId::random();
        let chunk = chunks(1).remove(0);
        store.append(&id, chunk.clone(), Vec::new()).await.expect("before close");
        store.close().await;
        assert!(matches!(store.append(&id, chunk, Vec::new()).await, Err(StorageError::Closed)));
    }
}
