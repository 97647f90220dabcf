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
//! - [`audit`]: the append-only log of who changed what.
//! - [`access_log`]: the append-only log of who read what, refusals and
//!   sign-ins, for the person and for log review.
//!
//! Identity is behind [`accounts::Accounts::authenticate`]: a sign-in
//! through an OpenID Connect provider (`crate::oidc`) makes the same
//! `user:` and `device:` principals and sessions as links do, with the
//! provider's `acr`, `amr` and organisation beside them.

pub mod access_log;
pub mod accounts;
pub mod audit;
pub mod plans;
pub mod tokens;

use crate::storage::Store;

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
    /// Access control over `store`'s database, writing in its write turn.
    pub fn new(store: &Store) -> Access {
        let db = store.database();
        Access { accounts: Accounts::new(db.clone()), plans: Plans::new(db) }
    }
}

/// Milliseconds since 1970.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
