//! Who may see and change a plan, enforced here on the server.
//!
//! Plans hold health and social-care data about one person, so nothing is
//! served to a peer that has not shown a valid session, and every document
//! message is checked against the document's members:
//!
//! - [`tokens`]: random secrets, stored only as SHA-256 hashes and compared
//!   in constant time; never logged.
//! - [`accounts`]: professional accounts, one-time sign-in links and
//!   sessions; [`Principal`] is who a session speaks for.
//! - [`plans`]: members and roles per document, invitations, devices,
//!   deletion (a tombstone), and actor ids bound to principals.
//! - [`audit`]: the append-only log of who did what.
//!
//! Identity is behind [`accounts::Accounts::authenticate`]: an OpenID
//! Connect sign-in (SITHS e-ID) would create the same `user:` principals and
//! sessions, and nothing else would change.

pub mod accounts;
pub mod audit;
pub mod plans;
pub mod tokens;

use sqlx::SqlitePool;

pub use accounts::{Accounts, Principal, PrincipalKind};
pub use plans::{Decision, Membership, Plans};
/// A member's role in one plan (defined in `shared`, which the app reads too).
pub use shared::Role;

/// Why an access operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// SQLite reported an error.
    #[error("databasfel: {0}")]
    Database(#[from] sqlx::Error),
    /// No such user.
    #[error("det finns ingen användare som heter {0}")]
    NoSuchUser(String),
    /// The name is taken.
    #[error("det finns redan en användare som heter {0}")]
    UserExists(String),
    /// A link or token that is unknown, used, expired or revoked.
    #[error("länken gäller inte längre; be om en ny")]
    InvalidLink,
    /// The principal may not do this.
    #[error("du har inte behörighet att göra det")]
    Forbidden,
    /// Bad input, with a plain-language reason.
    #[error("{0}")]
    Invalid(&'static str),
}

/// Access control over the server's database.
#[derive(Clone, Debug)]
pub struct Access {
    /// Accounts and sessions.
    pub accounts: Accounts,
    /// Members, invitations, devices, deletion, actors.
    pub plans: Plans,
}

impl Access {
    /// Access control on `pool` (migrated by [`crate::storage::Store::open`]).
    pub fn new(pool: SqlitePool) -> Access {
        Access { accounts: Accounts::new(pool.clone()), plans: Plans::new(pool) }
    }
}

/// One writer at a time in this process, first come first served.
///
/// SQLite lets one connection write at a time. A connection that finds the
/// lock taken sleeps and tries again (after 1, 2, 5 … then every 100 ms);
/// under load the storage writer commits back to back, and such a
/// connection lost the race for a second or more (binding a new actor,
/// creating a plan). Queueing here first costs at most the commits ahead
/// in the line. Every write in the server takes its turn: the storage
/// writer for each group, [`begin_write`] for each transaction, single
/// statements through [`write_turn`].
static WRITE_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Wait for this process's turn to write (see [`WRITE_TURN`]).
pub async fn write_turn() -> tokio::sync::MutexGuard<'static, ()> {
    WRITE_TURN.lock().await
}

/// A write transaction together with the turn it holds; the turn ends when
/// it is committed or dropped (rolled back).
pub struct WriteTransaction {
    transaction: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl WriteTransaction {
    /// Commit, then give up the turn.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.transaction.commit().await
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &sqlx::SqliteConnection {
        &self.transaction
    }
}

impl std::ops::DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.transaction
    }
}

/// A transaction that takes SQLite's write lock at once (`BEGIN
/// IMMEDIATE`), in its turn. A deferred transaction that reads first and
/// writes later fails at once with "database is locked" when another
/// connection wrote in between.
pub async fn begin_write(pool: &SqlitePool) -> Result<WriteTransaction, sqlx::Error> {
    let turn = write_turn().await;
    let transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTransaction { transaction, _turn: turn })
}

/// Milliseconds since 1970.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
