//! The storage writer: group commit and checkpoints on one connection.
//!
//! All chunk writes go through one writer that takes every write waiting at
//! that moment and commits them in one transaction, so one fsync serves
//! many documents, and no write waits for a fixed delay. A group is **one
//! command to SQLite**: `BEGIN IMMEDIATE`, one multi-row `INSERT` for the
//! chunks of a run of appends and one for their audit entries, the
//! replacements, and `COMMIT`, sent as one statement list with its
//! arguments (a prepared statement kept per shape of group). sqlx runs
//! SQLite on a thread of its own per connection, and every command is a
//! hand-over to that thread and back; on a busy machine each hand-over can
//! wait milliseconds for a core, so a group makes exactly one (a
//! statement per command made ten per group, and a one-row commit took up
//! to 20 ms).
//!
//! The writer runs on a thread of its own with a single-threaded runtime:
//! every acknowledgement waits for it, and on the server's runtime it would
//! wait behind hundreds of document tasks.
//!
//! Between groups, at most once a second, it checkpoints the write-ahead
//! log in its turn (see the module doc of [`super`]).

use std::time::Duration;

use shared::DocumentId;
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions};
use sqlx::{Arguments, ConnectOptions, Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::turn::WriteLine;
use super::StorageError;
use crate::access::audit::{self, AuditEntry};

/// A group commit that takes this long is logged (at debug level).
pub(super) const SLOW_GROUP: Duration = Duration::from_millis(10);
/// At most this many writes share one transaction.
pub(super) const MAX_GROUP: usize = 1024;
/// At most this many rows go into one `INSERT` (SQLite allows 32,766
/// arguments per statement; an audit row takes 7).
pub(super) const ROWS_PER_INSERT: usize = 256;
/// How often the write-ahead log is copied into the database file (more
/// often in unit tests, so that a short test sees many checkpoints; the
/// integration tests run the server with one second).
pub(super) const CHECKPOINT_EVERY: Duration =
    if cfg!(test) { Duration::from_millis(100) } else { Duration::from_secs(1) };
/// When a checkpoint could not copy the whole log, the next try.
const CHECKPOINT_RETRY: Duration = Duration::from_millis(50);
/// A checkpoint slower than this is logged: every write waited for it.
const SLOW_CHECKPOINT: Duration = Duration::from_millis(100);
/// Prepared statements the writer keeps (one per shape of group).
const STATEMENT_CACHE: usize = 512;

/// Whether a written row's plan is deleted: a deleted plan stays deleted, so
/// a document task or the compactor that was mid-way when the plan was
/// deleted writes nothing. `{}` is the column holding the document id.
pub(super) const NOT_DELETED: &str =
    "NOT EXISTS (SELECT 1 FROM plans p WHERE p.document_id = {} AND p.deleted_at IS NOT NULL)";

/// One write for the writer.
#[derive(Debug)]
pub(super) enum Write {
    /// Append an incremental chunk, with the audit entries of its changes.
    Append {
        id: DocumentId,
        chunk: Vec<u8>,
        audit: Vec<AuditEntry>,
        /// The document's heads after it (hex), for the other relays.
        heads: Vec<String>,
        done: oneshot::Sender<Result<(), StorageError>>,
    },
    /// Replace the chunks with these ids (all if `None`) by a snapshot.
    Replace {
        id: DocumentId,
        snapshot: Vec<u8>,
        read: Option<Vec<i64>>,
        done: oneshot::Sender<Result<(), StorageError>>,
    },
    /// Commit what came before, close the connection, stop.
    Close { done: oneshot::Sender<()> },
}

/// Open the writer's connection. The database exists and is migrated (and
/// in WAL mode, which the file remembers) before this runs; `options` are
/// the store's (`synchronous = FULL`, no automatic checkpoints).
pub(super) async fn open_writer(options: &SqliteConnectOptions) -> Result<SqliteConnection, sqlx::Error> {
    options.clone().statement_cache_capacity(STATEMENT_CACHE).connect().await
}

/// Start the writer on a thread of its own, with its own connection.
/// Returns once the connection is open. If the thread or its runtime cannot
/// start, the queue is dropped and every write fails with
/// [`StorageError::Closed`] (nothing is acknowledged).
pub(super) async fn spawn_writer(
    options: SqliteConnectOptions,
    line: WriteLine,
    queue: mpsc::Receiver<Write>,
) -> Result<(), StorageError> {
    let (opened, connected) = oneshot::channel();
    std::thread::Builder::new()
        .name("samplan-writer".into())
        .spawn(move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(async move {
                match open_writer(&options).await {
                    Ok(connection) => {
                        let _ = opened.send(Ok(()));
                        write_groups(connection, options, line, queue).await;
                    }
                    Err(error) => {
                        let _ = opened.send(Err(error));
                    }
                }
            }),
            Err(error) => tracing::error!(%error, "the storage writer could not start"),
        })
        .map_err(|e| StorageError::WriteFailed(e.to_string()))?;
    connected.await.map_err(|_| StorageError::Closed)??;
    Ok(())
}

/// The writer: commit every waiting write in one transaction, then
/// answer each. If the transaction fails, every write in it fails (none is
/// acknowledged) and the next group starts afresh on a new connection.
async fn write_groups(
    mut connection: SqliteConnection,
    options: SqliteConnectOptions,
    line: WriteLine,
    mut queue: mpsc::Receiver<Write>,
) {
    let mut closing = None;
    let mut checkpoints = Checkpoints::new();
    loop {
        if checkpoints.due() {
            let _turn = line.take().await;
            let complete = checkpoint(&mut connection).await;
            checkpoints.done(complete);
        }
        let first = match tokio::time::timeout_at(checkpoints.next, queue.recv()).await {
            Ok(first) => first,
            Err(_) => continue,
        };
        let Some(first) = first else { break };
        // Take the turn first, then the group: what arrives while the
        // turn is busy (a checkpoint, an access write) joins this group.
        let turn = line.take().await;
        let (group, close) = gather(first, &mut queue);
        closing = close;
        let started = std::time::Instant::now();
        let outcome = if group.is_empty() {
            None
        } else {
            Some(commit_group(&mut connection, &group).await.map_err(|e| e.to_string()))
        };
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
                match open_writer(&options).await {
                    Ok(fresh) => {
                        let _ = std::mem::replace(&mut connection, fresh).close().await;
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
    let _ = connection.close().await;
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// `first` and every write waiting behind it, up to [`MAX_GROUP`] or a
/// `Close` (returned apart: it ends the writer after this group).
pub(super) fn gather(
    first: Write,
    queue: &mut mpsc::Receiver<Write>,
) -> (Vec<Write>, Option<oneshot::Sender<()>>) {
    let mut group = Vec::new();
    let mut next = Some(first);
    while let Some(write) = next.take() {
        match write {
            Write::Close { done } => return (group, Some(done)),
            write => group.push(write),
        }
        if group.len() < MAX_GROUP {
            next = queue.try_recv().ok();
        }
    }
    (group, None)
}

/// When the next checkpoint is due. Once a second, whether or not this
/// writer wrote: the access tables are written through the pool. A reader
/// still on an older snapshot can keep the log from being copied whole;
/// then try again soon rather than let the log grow for another second.
struct Checkpoints {
    next: tokio::time::Instant,
    incomplete: u32,
}

impl Checkpoints {
    fn new() -> Checkpoints {
        Checkpoints { next: tokio::time::Instant::now() + CHECKPOINT_EVERY, incomplete: 0 }
    }

    fn due(&self) -> bool {
        tokio::time::Instant::now() >= self.next
    }

    fn done(&mut self, complete: bool) {
        if complete {
            self.incomplete = 0;
            self.next = tokio::time::Instant::now() + CHECKPOINT_EVERY;
        } else {
            self.incomplete += 1;
            if self.incomplete.is_multiple_of(100) {
                tracing::warn!(attempts = self.incomplete, "the write-ahead log could not be copied whole");
            }
            self.next = tokio::time::Instant::now() + CHECKPOINT_RETRY;
        }
    }
}

/// Copy the write-ahead log into the database file, on the writer's
/// connection between two groups and in the write turn (the caller's), so
/// that nothing is appended meanwhile and the log is copied whole: the next
/// commit then starts the log from its beginning. A reader still on an
/// older snapshot can keep part of it; that part is copied next time.
async fn checkpoint(connection: &mut SqliteConnection) -> bool {
    let started = std::time::Instant::now();
    let outcome = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *connection)
        .await;
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

/// One transaction for the whole group, sent as one command (the caller
/// holds the write turn). Writes keep their order: a run of appends goes
/// in together, a replacement where it stands.
async fn commit_group(connection: &mut SqliteConnection, group: &[Write]) -> Result<(), sqlx::Error> {
    let now = crate::access::now_millis();
    let mut statements = Group::default();
    statements.sql.push_str("BEGIN IMMEDIATE;");
    let mut run: Vec<(&DocumentId, &[u8], &[AuditEntry])> = Vec::new();
    for write in group {
        match write {
            Write::Append { id, chunk, audit, .. } => run.push((id, chunk.as_slice(), audit.as_slice())),
            Write::Replace { id, snapshot, read, .. } => {
                statements.appends(&std::mem::take(&mut run), now)?;
                // One writer: no chunk below the last one read can commit later.
                let through = read.as_ref().map_or(i64::MAX, |ids| ids.iter().copied().max().unwrap_or(0));
                statements.replace(id, snapshot, through, now)?;
            }
            Write::Close { .. } => {}
        }
    }
    statements.appends(&run, now)?;
    statements.sql.push_str("COMMIT;");
    let Group { sql, arguments } = statements;
    let outcome = sqlx::query_with(&sql, arguments).execute(&mut *connection).await;
    if outcome.is_err() {
        // The statements after the failed one did not run: end the
        // transaction (if the connection still can), so that nothing of
        // the group is committed later.
        let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    }
    outcome.map(|_| ())
}

/// The statements of one group and their arguments, in order.
#[derive(Default)]
struct Group<'q> {
    sql: String,
    arguments: SqliteArguments<'q>,
}

type BindResult = Result<(), sqlx::Error>;

impl<'q> Group<'q> {
    fn bind<T>(&mut self, value: T) -> BindResult
    where
        T: 'q + sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        self.arguments.add(value).map_err(sqlx::Error::Encode)
    }

    /// Insert a run of appended chunks and their audit entries.
    fn appends(&mut self, run: &[(&DocumentId, &[u8], &[AuditEntry])], now: i64) -> BindResult {
        for rows in run.chunks(ROWS_PER_INSERT) {
            let insert = "INSERT INTO document_chunks (document_id, kind, bytes, created_at) \
                          SELECT column1, 'incremental', column2, column3";
            self.values(insert, rows.len(), 3);
            for (id, chunk, _) in rows {
                self.bind(id.to_string())?;
                self.bind(chunk.to_vec())?;
                self.bind(now)?;
            }
        }
        let entries: Vec<(&DocumentId, &AuditEntry)> =
            run.iter().flat_map(|(id, _, audit)| audit.iter().map(move |entry| (*id, entry))).collect();
        for rows in entries.chunks(ROWS_PER_INSERT) {
            let insert = format!(
                "INSERT INTO audit_log ({}) SELECT column2, column3, column4, column5, column6, column7",
                audit::COLUMNS
            );
            self.values(&insert, rows.len(), 7);
            for (id, entry) in rows {
                self.bind(id.to_string())?;
                self.bind(entry.at)?;
                self.bind(entry.principal.clone())?;
                self.bind(entry.session_id)?;
                self.bind(entry.document_id.clone())?;
                self.bind(entry.action.clone())?;
                self.bind(entry.detail.clone())?;
            }
        }
        Ok(())
    }

    /// `insert … select` from `rows` rows of `columns` arguments each; the
    /// first of a row is the document it belongs to, and the rows of
    /// deleted plans are left out.
    fn values(&mut self, insert_select: &str, rows: usize, columns: usize) {
        self.sql.push_str(insert_select);
        self.sql.push_str(" FROM (VALUES ");
        let row = format!("(?{})", ", ?".repeat(columns - 1));
        for n in 0..rows {
            if n > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push_str(&row);
        }
        self.sql.push_str(") WHERE ");
        self.sql.push_str(&NOT_DELETED.replace("{}", "column1"));
        self.sql.push(';');
    }

    /// Replace a document's chunks up to `through` by `snapshot`.
    fn replace(&mut self, id: &DocumentId, snapshot: &[u8], through: i64, now: i64) -> BindResult {
        let not_deleted = NOT_DELETED.replace("{}", "?");
        self.sql.push_str(&format!(
            "DELETE FROM document_chunks WHERE document_id = ? AND id <= ? AND {not_deleted};\
             INSERT INTO document_chunks (document_id, kind, bytes, created_at) \
             SELECT ?, 'snapshot', ?, ? WHERE {not_deleted};"
        ));
        let id = id.to_string();
        self.bind(id.clone())?;
        self.bind(through)?;
        self.bind(id.clone())?;
        self.bind(id.clone())?;
        self.bind(snapshot.to_vec())?;
        self.bind(now)?;
        self.bind(id)
    }
}
