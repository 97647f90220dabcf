//! Durable storage of documents: one SQLite file (WAL mode) in the data
//! folder, or a PostgreSQL database that several relays share
//! (`--database postgres://…`).
//!
//! A document is a set of Automerge chunks: snapshots and the incremental
//! chunks appended after them (Automerge applies them in any order).
//! [`Store::append`] returns only when the chunk is committed
//! (`synchronous = FULL` on SQLite, a synchronous commit on PostgreSQL),
//! which is what lets the relay promise that nothing it acknowledges can be
//! lost. One driver, sqlx, for every connection; the SQL that is the same
//! on both databases goes through [`sql`].
//!
//! - [`writer`]: **group commit** on SQLite. All chunk writes go through one writer
//!   that commits every write waiting at that moment in one transaction,
//!   so one fsync serves many documents and no write waits for a fixed delay.
//! - [`shared_writer`]: the same on PostgreSQL, which also tells the other
//!   relays what it committed.
//! - [`relays`]: **several relays on one PostgreSQL**: `LISTEN/NOTIFY`
//!   and a periodic look at what others stored.
//! - [`turn`]: the store's **write turn**, one line for every write
//!   through this store (the writer's groups, the access tables'
//!   transactions), and [`Database`], the access tables' way in.
//! - [`compactor`]: **compaction off the hot path**, from what is stored.
//!
//! **Checkpoints between groups, and a log that restarts** (SQLite). SQLite would
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

mod compactor;
pub mod relays;
mod shared_writer;
pub mod sql;
mod turn;
mod writer;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::Automerge;
use shared::DocumentId;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{mpsc, oneshot};

pub use compactor::COMPACT_AFTER_CHUNKS;

/// Up to this many new chunks a catch-up reads one by one
/// ([`Store::chunks_since`]).
const FEW_CHUNKS: usize = 8;
pub use sql::{Kind, Pool};
pub use turn::{Database, WriteTransaction};

use crate::access::audit::AuditEntry;
use turn::WriteLine;
use writer::Write;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "samplan.sqlite3";

/// Writes waiting for the writer before appenders wait.
const WRITE_QUEUE: usize = 4096;
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
    /// The backup file is already there; nothing was overwritten.
    #[error("{0} finns redan; välj en ny fil för säkerhetskopian")]
    BackupTargetExists(String),
    /// A migration failed.
    #[error("databasen kunde inte uppgraderas: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// `--database` names no database this server can use.
    #[error("--database ska vara en adress som börjar med postgres:// (eller utelämnas för SQLite): {0}")]
    UnknownDatabase(String),
    /// A backup of a PostgreSQL database is pg_dump's work.
    #[error("säkerhetskopiera en PostgreSQL-databas med pg_dump (se README)")]
    BackupIsPgDump,
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
    pool: Pool,
    /// This relay's id in what it tells other relays (PostgreSQL).
    relay: Arc<str>,
    /// Every write through this store waits here for its turn.
    line: WriteLine,
    writes: mpsc::Sender<Write>,
    compactions: mpsc::Sender<DocumentId>,
    /// Documents queued for or in compaction, so each is queued once.
    compacting: Arc<Mutex<HashSet<DocumentId>>>,
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
    /// The id of the last chunk read (what a later catch-up reads after).
    pub last_chunk: Option<i64>,
}

/// Where the store keeps its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The SQLite file [`DATABASE_FILE`] in this folder.
    Folder(PathBuf),
    /// A PostgreSQL database (`postgres://…`).
    Postgres(String),
}

impl Location {
    /// The folder `data_dir`, or the database `--database` names.
    pub fn from_setting(data_dir: &Path, database: Option<&str>) -> Result<Location, StorageError> {
        match database.map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(Location::Folder(data_dir.to_path_buf())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Location::Postgres(url.to_string()))
            }
            Some(other) => {
                Err(StorageError::UnknownDatabase(other.split('@').next_back().unwrap_or("").into()))
            }
        }
    }
}

impl Store {
    /// Open (creating if needed) the SQLite database in `data_dir` and migrate it.
    pub async fn open(data_dir: &Path) -> Result<Store, StorageError> {
        Store::open_at(&Location::Folder(data_dir.to_path_buf())).await
    }

    /// Open (creating tables if needed) the database at `location` and migrate it.
    pub async fn open_at(location: &Location) -> Result<Store, StorageError> {
        let line = WriteLine::default();
        let (writes, write_queue) = mpsc::channel(WRITE_QUEUE);
        let relay: Arc<str> = crate::random_hex_id().into();
        let pool = match location {
            Location::Folder(data_dir) => {
                only_ours(data_dir).map_err(|source| StorageError::DataDir {
                    path: data_dir.display().to_string(),
                    source,
                })?;
                let path = data_dir.join(DATABASE_FILE);
                let options = connect_options(&path)?;
                let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options.clone()).await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                writer::spawn_writer(options, line.clone(), write_queue).await?;
                Pool::Sqlite(pool)
            }
            Location::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(BUSY_TIMEOUT)
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                tokio::spawn(shared_writer::write_groups(
                    pool.clone(),
                    relay.clone(),
                    line.clone(),
                    write_queue,
                ));
                Pool::Postgres(pool)
            }
        };
        let (compactions, compaction_queue) = mpsc::channel(compactor::COMPACTION_QUEUE);
        let store = Store { pool, relay, line, writes, compactions, compacting: Arc::default() };
        tokio::spawn(store.clone().compact_requested(compaction_queue));
        Ok(store)
    }

    /// Which database this store is on.
    pub fn kind(&self) -> Kind {
        self.pool.kind()
    }

    /// This relay's id in what it tells the others.
    pub fn relay_id(&self) -> &str {
        &self.relay
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sql::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// This storage's automerge-repo storage id, made on first use.
    pub async fn storage_id(&self) -> Result<String, StorageError> {
        let fresh = crate::random_hex_id();
        self.database()
            .write(
                sql::query(
                    "INSERT INTO server_meta (key, value) VALUES ('storage_id', ?) ON CONFLICT (key) DO NOTHING",
                )
                .bind(fresh),
            )
            .await?;
        let row = sql::query("SELECT value FROM server_meta WHERE key = 'storage_id'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }

    /// Load a document; an unknown id gives an empty document.
    pub async fn load(&self, id: &DocumentId) -> Result<Loaded, StorageError> {
        let rows =
            sql::query("SELECT id, kind, bytes FROM document_chunks WHERE document_id = ? ORDER BY id")
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?;
        let mut doc = Automerge::new();
        let mut incremental_chunks = 0;
        let mut unreadable_chunks = 0;
        let mut stored_bytes = 0;
        let mut last_chunk = None;
        for row in rows {
            last_chunk = Some(row.try_get::<i64, _>("id")?);
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
        Ok(Loaded { doc, incremental_chunks, unreadable_chunks, stored_bytes, last_chunk })
    }

    /// The chunks of document `id` that `read` names, as (id, bytes) by
    /// id: stored after `read.after` (or within `read.recent`, whatever
    /// their id), not in `read.known`, and on PostgreSQL not written by
    /// this relay (its own chunks are in its memory already; its own
    /// compaction's snapshots are read, as they may hold what other relays
    /// wrote and this document did not read yet). What another
    /// relay stored reaches this relay's document this way
    /// ([`relays`], [`crate::documents::catch_up`]).
    ///
    /// With `recent`, the ids are read first and the bytes only of those
    /// not known (each by id when there are few, else the range they span):
    /// once everything has arrived, a look reads ids only.
    /// Every statement has a fixed text (no list of ids in it), so each is
    /// prepared once per connection.
    pub async fn chunks_since(
        &self,
        id: &DocumentId,
        read: &crate::documents::catch_up::ChunkRead,
    ) -> Result<Vec<(i64, Vec<u8>)>, StorageError> {
        // A snapshot of this relay's own compaction counts as another's:
        // it may hold chunks of other relays this document never read,
        // and it deleted them.
        let not_own =
            if self.kind() == Kind::Postgres { " AND (written_by <> ? OR kind = 'snapshot')" } else { "" };
        let after = read.after.unwrap_or(0);
        let (from, to) = match read.recent {
            None => (after, i64::MAX),
            Some(recent) => {
                let since =
                    crate::access::now_millis() - i64::try_from(recent.as_millis()).unwrap_or(i64::MAX);
                let sql = format!(
                    "SELECT id FROM document_chunks WHERE document_id = ? AND (id > ? OR created_at > ?){not_own}"
                );
                let mut query = sql::query(&sql).bind(id.to_string()).bind(after).bind(since);
                if !not_own.is_empty() {
                    query = query.bind(self.relay.to_string());
                }
                let mut new = Vec::new();
                for row in query.fetch_all(&self.pool).await? {
                    let chunk: i64 = row.try_get("id")?;
                    if read.known.binary_search(&chunk).is_err() {
                        new.push(chunk);
                    }
                }
                // A few new chunks (as a rule none, or the one a lost notice
                // named): each by its id; more, the range they span.
                if new.len() <= FEW_CHUNKS {
                    let mut chunks = Vec::with_capacity(new.len());
                    for chunk in new {
                        let row =
                            sql::query("SELECT bytes FROM document_chunks WHERE document_id = ? AND id = ?")
                                .bind(id.to_string())
                                .bind(chunk)
                                .fetch_optional(&self.pool)
                                .await?;
                        if let Some(row) = row {
                            chunks.push((chunk, row.try_get("bytes")?));
                        }
                    }
                    return Ok(chunks);
                }
                match (new.iter().min(), new.iter().max()) {
                    (Some(&first), Some(&last)) => (first - 1, last),
                    _ => return Ok(Vec::new()),
                }
            }
        };
        let sql = format!(
            "SELECT id, bytes FROM document_chunks WHERE document_id = ? AND id > ? AND id <= ?{not_own} ORDER BY id"
        );
        let mut query = sql::query(&sql).bind(id.to_string()).bind(from).bind(to);
        if !not_own.is_empty() {
            query = query.bind(self.relay.to_string());
        }
        let mut chunks = Vec::new();
        for row in query.fetch_all(&self.pool).await? {
            let chunk: i64 = row.try_get("id")?;
            if read.known.binary_search(&chunk).is_err() {
                chunks.push((chunk, row.try_get("bytes")?));
            }
        }
        Ok(chunks)
    }

    /// The id of the last chunk stored for document `id` (`None` if it has
    /// none). Every write of a document adds a chunk (an append, or a
    /// compaction's snapshot), and ids only grow (AUTOINCREMENT): the same
    /// last id means the same stored document.
    pub async fn last_chunk(&self, id: &DocumentId) -> Result<Option<i64>, StorageError> {
        let row = sql::query("SELECT MAX(id) AS last FROM document_chunks WHERE document_id = ?")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("last")?)
    }

    /// Append an incremental chunk and the audit entries saying who made its
    /// changes, in one transaction; returns once both are committed to disk.
    pub async fn append(
        &self,
        id: &DocumentId,
        chunk: Vec<u8>,
        audit: Vec<AuditEntry>,
    ) -> Result<(), StorageError> {
        self.append_with_heads(id, chunk, audit, Vec::new()).await
    }

    /// [`Store::append`], saying the document's `heads` after this chunk
    /// (hex): on PostgreSQL the other relays are told them when it commits.
    pub async fn append_with_heads(
        &self,
        id: &DocumentId,
        chunk: Vec<u8>,
        audit: Vec<AuditEntry>,
        heads: Vec<String>,
    ) -> Result<(), StorageError> {
        self.submit(|done| Write::Append { id: *id, chunk, audit, heads, done }).await
    }

    /// Replace every chunk of the document with one snapshot, atomically.
    pub async fn compact(&self, id: &DocumentId, snapshot: Vec<u8>) -> Result<(), StorageError> {
        self.replace(id, snapshot, None).await
    }

    /// Replace the chunks `read` (all if `None`) by `snapshot`.
    async fn replace(
        &self,
        id: &DocumentId,
        snapshot: Vec<u8>,
        read: Option<Vec<i64>>,
    ) -> Result<(), StorageError> {
        self.submit(|done| Write::Replace { id: *id, snapshot, read, done }).await
    }

    /// Hand a write to the writer and wait until it is committed.
    async fn submit(
        &self,
        write: impl FnOnce(oneshot::Sender<Result<(), StorageError>>) -> Write,
    ) -> Result<(), StorageError> {
        self.refuse_if_turn_held_here("wait for the storage writer");
        let (done, committed) = oneshot::channel();
        self.writes.send(write(done)).await.map_err(|_| StorageError::Closed)?;
        committed.await.map_err(|_| StorageError::Closed)?
    }

    /// Stop a task that holds this store's write turn and is about to wait
    /// for something that needs it (`what`); see [`turn`].
    pub fn refuse_if_turn_held_here(&self, what: &str) {
        self.line.refuse_if_held_here(what);
    }

    /// Write a consistent copy of the whole database to `path` while the
    /// server keeps running (SQLite `VACUUM INTO`). `path` must not exist.
    pub async fn backup(&self, path: &Path) -> Result<(), StorageError> {
        let Pool::Sqlite(pool) = &self.pool else { return Err(StorageError::BackupIsPgDump) };
        if path.exists() {
            return Err(StorageError::BackupTargetExists(path.display().to_string()));
        }
        // Made empty first, for the server's user only; SQLite writes into it.
        create_private(path)
            .map_err(|source| StorageError::DataDir { path: path.display().to_string(), source })?;
        sqlx::query("VACUUM INTO ?").bind(path.display().to_string()).execute(pool).await?;
        Ok(())
    }

    /// The connection pool, for reads.
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// The database with this store's write turn, for access control ([`crate::access`]).
    pub fn database(&self) -> Database {
        Database::new(self.pool.clone(), self.line.clone())
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

/// The data directory, and the database with its write-ahead log, for the
/// server's user only (0700, 0600): they hold health and social-care data.
/// Created so; tightened if they were not. SQLite creates the log and its
/// index with the database file's permissions, so the file is made (empty,
/// which SQLite takes as a new database) before SQLite first opens it.
fn only_ours(data_dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        // Tightening what exists is best effort: a folder that another
        // user owns (set up so on purpose) is warned about, not refused.
        let tighten = |path: &Path, mode: u32| {
            if let Err(error) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                tracing::warn!(%error, path = %path.display(), "could not make it the server's user's only");
            }
        };
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(data_dir)?;
        tighten(data_dir, 0o700);
        let database = data_dir.join(DATABASE_FILE);
        if !database.exists() {
            create_private(&database)?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut file = database.clone().into_os_string();
            file.push(suffix);
            if Path::new(&file).exists() {
                tighten(Path::new(&file), 0o600);
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(data_dir)
}

/// A new, empty file at `path` that only the server's user may read.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// How every connection of the store is opened.
fn connect_options(path: &Path) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        // Deleted rows and the pages they free are overwritten with zeros:
        // a deleted plan is gone from the file, not only unlinked.
        .pragma("secure_delete", "ON")
        // No checkpoint inside a commit: the writer checkpoints between
        // groups (see the module doc).
        .pragma("wal_autocheckpoint", "0")
        .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string()))
}

#[cfg(test)]
mod tests;
