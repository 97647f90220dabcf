//! The write turn: one line for every write through one [`super::Store`].
//!
//! SQLite lets one connection write at a time. A connection that finds the
//! lock taken sleeps and tries again (after 1, 2, 5 … then every 100 ms);
//! under load the storage writer commits back to back, and such a
//! connection lost the race for a second or more (binding a new actor,
//! creating a plan). Queueing here first costs at most the commits ahead
//! in the line. Every write takes its turn: the storage writer for each
//! group and each checkpoint, [`Database::begin_write`] for each
//! transaction, [`Database::write`] for a single statement.
//!
//! The line belongs to its store, so two stores (two test servers in one
//! binary) never wait for each other. Outside this module a turn is only
//! ever held inside a [`WriteTransaction`] or for the length of one
//! [`Database::write`], which hand out a connection and nothing that could
//! take a second turn. **The rule: nothing that holds a turn awaits
//! anything that needs one** (a second transaction, a store append, a
//! document task). Breaking it would wait forever; a task that tries is
//! stopped with a panic that names the rule instead
//! ([`WriteLine::refuse_if_held_here`]).

use std::sync::{Arc, Mutex, MutexGuard};

use super::sql::{self, Connection, Done, Pool};

/// The line of one store: first come, first served.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteLine {
    turn: Arc<tokio::sync::Mutex<()>>,
    /// The task that holds the turn, when a task holds it: if that task
    /// waits for the turn again (directly, or through the writer) it waits
    /// forever. A std mutex: it is held for one read or write, never across
    /// an `await`.
    holder: Arc<Mutex<Option<tokio::task::Id>>>,
}

/// A held turn; the next in line goes when it is dropped.
#[derive(Debug)]
pub(crate) struct Turn {
    holder: Arc<Mutex<Option<tokio::task::Id>>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        // Before the guard (fields drop after this body): the next holder
        // records itself only once it has the guard.
        *holder(&self.holder) = None;
    }
}

fn holder(holder: &Mutex<Option<tokio::task::Id>>) -> MutexGuard<'_, Option<tokio::task::Id>> {
    holder.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl WriteLine {
    /// Wait for the turn.
    pub(crate) async fn take(&self) -> Turn {
        self.refuse_if_held_here("take a second write turn");
        let guard = self.turn.clone().lock_owned().await;
        *holder(&self.holder) = tokio::task::try_id();
        Turn { holder: self.holder.clone(), _guard: guard }
    }

    /// Stop a task that holds the turn and is about to wait for something
    /// that needs it (`what`): it would wait forever, and every write with it.
    ///
    /// # Panics
    /// When the calling task holds this line's turn.
    pub(crate) fn refuse_if_held_here(&self, what: &str) {
        let Some(me) = tokio::task::try_id() else { return };
        if *holder(&self.holder) == Some(me) {
            panic!("a task that holds the write turn tried to {what}: that waits for the turn forever");
        }
    }
}

/// The database as the access tables use it: the pool for reads, and
/// writes only in the store's write turn.
#[derive(Clone, Debug)]
pub struct Database {
    pool: Pool,
    line: WriteLine,
}

impl Database {
    pub(crate) fn new(pool: Pool, line: WriteLine) -> Database {
        Database { pool, line }
    }

    /// The pool, for reads (a write through it would skip the line).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A transaction that takes SQLite's write lock at once (`BEGIN
    /// IMMEDIATE`), in its turn. A deferred transaction that reads first and
    /// writes later fails at once with "database is locked" when another
    /// connection wrote in between. (On PostgreSQL a plain `BEGIN`: rows
    /// lock as they are written; the turn still orders this relay's writes.)
    pub async fn begin_write(&self) -> Result<WriteTransaction, sqlx::Error> {
        let turn = self.line.take().await;
        let transaction = self.pool.begin("BEGIN IMMEDIATE").await?;
        Ok(WriteTransaction { transaction, _turn: turn })
    }

    /// Run one writing statement in its turn.
    pub async fn write(&self, statement: sql::Query<'_>) -> Result<Done, sqlx::Error> {
        let _turn = self.line.take().await;
        statement.execute(&self.pool).await
    }
}

impl Database {
    /// Copy the whole write-ahead log into the database file and cut the
    /// log to nothing (`wal_checkpoint(TRUNCATE)`), in the write turn: what
    /// a deletion overwrote in the file is then gone from the log as well.
    /// A reader that still holds an older snapshot keeps the log from being
    /// cut: tried again for up to a second, then it is left to the writer's
    /// next checkpoints (and logged).
    ///
    /// On PostgreSQL there is no such log to cut from here: deleted rows
    /// stay in the table's pages until `VACUUM` reclaims them (README,
    /// "PostgreSQL"), so this does nothing there.
    pub async fn truncate_write_ahead_log(&self) -> Result<(), sqlx::Error> {
        let Pool::Sqlite(pool) = &self.pool else { return Ok(()) };
        for _ in 0..20 {
            let (busy, _, _) = {
                let _turn = self.line.take().await;
                sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(pool)
                    .await?
            };
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tracing::warn!("the write-ahead log could not be cut after a deletion; a later checkpoint copies it");
        Ok(())
    }
}

/// A write transaction together with the turn it holds; the turn ends when
/// it is committed or dropped (rolled back).
pub struct WriteTransaction {
    transaction: Connection,
    _turn: Turn,
}

impl WriteTransaction {
    /// Commit, then give up the turn.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.transaction.commit().await
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.transaction
    }
}

impl std::ops::DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.transaction
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use super::WriteLine;

    /// Run `body` with the line in a task of its own.
    fn in_task<F>(line: &WriteLine, body: impl FnOnce(WriteLine) -> F) -> tokio::task::JoinHandle<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(body(line.clone()))
    }

    #[tokio::test]
    async fn turns_are_taken_one_after_another() {
        let line = WriteLine::default();
        let first = line.take().await;
        let second = in_task(&line, |line| async move { drop(line.take().await) });
        tokio::task::yield_now().await;
        assert!(!second.is_finished(), "the second waits while the first holds the turn");
        drop(first);
        second.await.expect("the second gets the turn once the first is dropped");
    }

    #[tokio::test]
    async fn a_task_that_holds_the_turn_and_waits_for_it_again_is_stopped() {
        let line = WriteLine::default();
        let nested = in_task(&line, |line| async move {
            let _turn = line.take().await;
            let _again = line.take().await;
        });
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), nested).await;
        let error = outcome.expect("stopped, not waiting forever").expect_err("the task panicked");
        assert!(error.is_panic());
        // The line is free again.
        drop(line.take().await);
    }

    #[tokio::test]
    async fn other_tasks_may_wait_for_a_turn_someone_else_holds() {
        let line = WriteLine::default();
        let turn = line.take().await;
        let waiter = in_task(&line, |line| async move {
            line.refuse_if_held_here("wait for the writer");
            drop(line.take().await);
        });
        drop(turn);
        waiter.await.expect("no panic: the waiter does not hold the turn");
    }
}
