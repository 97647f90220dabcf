//! The append-only audit log: who (principal), when, which document, what
//! (change hashes, invitations redeemed or revoked, deletion), from which
//! session. SQLite triggers refuse updates and deletes of its rows.
//! `samplan-server audit --plan ID` prints a plan's log.

use sqlx::{Row, SqliteConnection, SqlitePool};

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

/// Append `entry` inside the caller's transaction (so it commits with what it records).
pub async fn append(connection: &mut SqliteConnection, entry: &AuditEntry) -> Result<(), sqlx::Error> {
    append_all(connection, &[entry]).await
}

/// Append several entries in one statement (the storage writer's group
/// commit: one round trip instead of one per entry).
pub async fn append_all(
    connection: &mut SqliteConnection,
    entries: &[&AuditEntry],
) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO audit_log (at, principal, session_id, document_id, action, detail) ",
    );
    query.push_values(entries, |mut row, entry| {
        row.push_bind(entry.at)
            .push_bind(entry.principal.clone())
            .push_bind(entry.session_id)
            .push_bind(entry.document_id.clone())
            .push_bind(entry.action.clone())
            .push_bind(entry.detail.clone());
    });
    query.build().execute(connection).await?;
    Ok(())
}

/// The log of one document, oldest first, with the principals' names.
pub async fn for_document(
    pool: &SqlitePool,
    document_id: &str,
) -> Result<Vec<(AuditEntry, String)>, AccessError> {
    let rows = sqlx::query(
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
