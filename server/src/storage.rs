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
//! **Compaction off the hot path.** [`Store::request_compaction`] hands a
//! document id to a compactor task that reads the stored chunks, builds a
//! snapshot on a blocking thread and replaces exactly the chunks it read.
//! The document's own task never waits for it; chunks appended meanwhile
//! stay as they are.

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
/// Writes waiting for the writer before appenders wait.
const WRITE_QUEUE: usize = 4096;
/// At most this many writes share one transaction.
const MAX_GROUP: usize = 1024;
/// Compactions waiting; more requests are dropped (the document asks again later).
const COMPACTION_QUEUE: usize = 256;

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
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let (writes, write_queue) = mpsc::channel(WRITE_QUEUE);
        tokio::spawn(write_groups(pool.clone(), write_queue));
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

    /// The compactor: one document at a time, snapshots built on a blocking thread.
    async fn compact_requested(self, mut queue: mpsc::Receiver<DocumentId>) {
        while let Some(id) = queue.recv().await {
            if let Err(error) = self.compact_stored(&id).await {
                tracing::warn!(document = %id, %error, "compaction failed; the chunks stay as they were");
            }
            self.compacting.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        }
    }

    /// Read the stored chunks, merge them into one snapshot and replace
    /// exactly those chunks. Chunks that cannot be read are never deleted.
    async fn compact_stored(&self, id: &DocumentId) -> Result<(), StorageError> {
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
        let snapshot = tokio::task::spawn_blocking(move || {
            let mut doc = Automerge::new();
            for chunk in &chunks {
                doc.load_incremental(chunk).map_err(|e| e.to_string())?;
            }
            // The stored chunks are causally closed; if they were not, a
            // snapshot would drop the changes still waiting for their deps.
            if !doc.get_missing_deps(&[]).is_empty() {
                return Err("stored chunks lack dependencies".to_string());
            }
            Ok::<_, String>(doc.save())
        })
        .await
        .map_err(|e| StorageError::WriteFailed(e.to_string()))?
        .map_err(StorageError::WriteFailed)?;
        self.replace(id, snapshot, through).await
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
        self.pool.close().await;
    }
}

/// The writer task: commit every waiting write in one transaction, then
/// answer each. If the transaction fails, every write in it fails (none is
/// acknowledged) and the next group starts afresh.
async fn write_groups(pool: SqlitePool, mut queue: mpsc::Receiver<Write>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(write) => group.push(write),
                Err(_) => break,
            }
        }
        let outcome = commit_group(&pool, &group).await.map_err(|e| e.to_string());
        for write in group {
            let (Write::Append { done, .. } | Write::Replace { done, .. }) = write;
            let _ = done.send(outcome.clone().map_err(StorageError::WriteFailed));
        }
    }
}

async fn commit_group(pool: &SqlitePool, group: &[Write]) -> Result<(), sqlx::Error> {
    let mut tx = crate::access::begin_write(pool).await?;
    let now = now_millis();
    for write in group {
        let id = match write {
            Write::Append { id, .. } | Write::Replace { id, .. } => id,
        };
        // A deleted plan stays deleted: a document task or the compactor
        // that was mid-way when the plan was deleted writes nothing.
        let deleted = sqlx::query("SELECT 1 FROM plans WHERE document_id = ? AND deleted_at IS NOT NULL")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if deleted {
            continue;
        }
        let (id, kind, bytes) = match write {
            Write::Append { id, chunk, audit, .. } => {
                for entry in audit {
                    audit::append(&mut tx, entry).await?;
                }
                (id, "incremental", chunk)
            }
            Write::Replace { id, snapshot, through, .. } => {
                sqlx::query("DELETE FROM document_chunks WHERE document_id = ? AND id <= ?")
                    .bind(id.to_string())
                    .bind(through.unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                (id, "snapshot", snapshot)
            }
        };
        sqlx::query("INSERT INTO document_chunks (document_id, kind, bytes, created_at) VALUES (?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(kind)
            .bind(bytes.as_slice())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
