//! The append-only audit log: who (principal), when, which document, what
//! (change hashes, invitations redeemed or revoked, deletion), from which
//! session. SQLite triggers refuse updates and deletes of its rows.
//! `samplan-server audit --plan ID` prints a plan's log.

use crate::storage::sql;

use super::{now_millis, AccessError};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (ms since 1970).
    pub at: i64,
    /// Who: `user:<id>` or `device:<id>`.
    pub principal: String,
    /// From which session, if any.
    pub session_id: Option<i64>,
    /// Which document, if any.
    pub document_id: Option<String>,
    /// What kind of event: `change`, `create`, `invite`, `redeem`, `revoke`, `delete` …
    pub action: String,
    /// The details (change hashes, an invitation's id and role …).
    pub detail: String,
}

impl AuditEntry {
    /// An entry made now.
    pub fn now(
        principal: &str,
        session_id: Option<i64>,
        document_id: Option<&str>,
        action: &str,
        detail: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            at: now_millis(),
            principal: principal.to_string(),
            session_id,
            document_id: document_id.map(str::to_string),
            action: action.to_string(),
            detail: detail.into(),
        }
    }
}

/// The columns of an entry, for both connections that write entries: the
/// pool (access changes) and the storage writer (changes to documents,
/// which are committed together with the chunks they record).
pub(crate) const COLUMNS: &str = "at, principal, session_id, document_id, action, detail";

/// Append `entry` inside the caller's transaction (so it commits with what it records).
pub async fn append(connection: &mut sql::Connection, entry: &AuditEntry) -> Result<(), sqlx::Error> {
    sql::query(&format!("INSERT INTO audit_log ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))
        .bind(entry.at)
        .bind(&entry.principal)
        .bind(entry.session_id)
        .bind(&entry.document_id)
        .bind(&entry.action)
        .bind(&entry.detail)
        .execute(connection)
        .await?;
    Ok(())
}

/// The log of one document, oldest first, with the principals' names.
pub async fn for_document(
    pool: &sql::Pool,
    document_id: &str,
) -> Result<Vec<(AuditEntry, String)>, AccessError> {
    let rows = sql::query(
        "SELECT a.at, a.principal, a.session_id, a.document_id, a.action, a.detail,
                COALESCE(u.name, d.label, a.principal) AS name
         FROM audit_log a
         LEFT JOIN users u ON a.principal = 'user:' || u.id
         LEFT JOIN devices d ON a.principal = 'device:' || d.id
         WHERE a.document_id = ? ORDER BY a.id",
    )
    .bind(document_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                AuditEntry {
                    at: r.try_get("at")?,
                    principal: r.try_get("principal")?,
                    session_id: r.try_get("session_id")?,
                    document_id: r.try_get("document_id")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                },
                r.try_get("name")?,
            ))
        })
        .collect()
}
