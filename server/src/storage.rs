//! Durable storage of documents in one SQLite file (WAL mode).
//!
//! A document is a sequence of Automerge chunks: a snapshot and the
//! incremental chunks appended after it. [`Store::append`] returns only when
//! the chunk is committed (`synchronous = FULL`), which is what lets the
//! relay promise that nothing it acknowledges can be lost.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use automerge::Automerge;
use shared::DocumentId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "samplan.sqlite3";

/// Compact a document into one snapshot once it has this many incremental chunks.
const COMPACT_AFTER_CHUNKS: i64 = 64;

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
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// A document as loaded, with what compaction needs to know.
pub struct Loaded {
    /// The document.
    pub doc: Automerge,
    /// How many incremental chunks follow the snapshot.
    pub incremental_chunks: i64,
    /// Chunks that could not be read; logged and skipped (never deleted).
    pub unreadable_chunks: usize,
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
        Ok(Store { pool })
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
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let bytes: Vec<u8> = row.try_get("bytes")?;
            if kind == "incremental" {
                incremental_chunks += 1;
            }
            if let Err(error) = doc.load_incremental(&bytes) {
                unreadable_chunks += 1;
                tracing::error!(document = %id, %error, "skipping an unreadable stored chunk");
            }
        }
        Ok(Loaded { doc, incremental_chunks, unreadable_chunks })
    }

    /// Append an incremental chunk; returns once it is committed to disk.
    pub async fn append(&self, id: &DocumentId, chunk: &[u8]) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO document_chunks (document_id, kind, bytes, created_at) VALUES (?, 'incremental', ?, ?)")
            .bind(id.to_string())
            .bind(chunk)
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Replace every chunk of the document with one snapshot, atomically.
    pub async fn compact(&self, id: &DocumentId, snapshot: &[u8]) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM document_chunks WHERE document_id = ?")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO document_chunks (document_id, kind, bytes, created_at) VALUES (?, 'snapshot', ?, ?)",
        )
        .bind(id.to_string())
        .bind(snapshot)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
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

    /// Close the pool, waiting for running queries.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
