//! The durable outbox: one row per event, recipient and channel, in the
//! same database as the plans, so no notice is lost by a restart.
//!
//! A row's life: `pending` (waits until `due_at`) → `sending` (claimed by
//! one relay, committed before anything goes out) → `sent`, or back to
//! `pending` with a later `due_at` after a temporary failure, or `failed`
//! when the mail server refused it for good. A `sending` row whose claim is
//! older than [`CLAIM_TIMEOUT`] belongs to a relay that stopped mid-send; it
//! is sent again (ARCHITECTURE.md, "at least once").

use std::time::Duration;

use crate::access::audit::{self, AuditEntry};
use crate::access::now_millis;
use crate::storage::{sql, Database};

use super::NOTIFIER;

/// A claim older than this is taken as a relay that stopped while sending
/// (the default of `NotificationConfig::claim_timeout`; longer than any
/// one sending may take, the SMTP timeout being 30 s).
pub const CLAIM_TIMEOUT: Duration = Duration::from_secs(300);

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Its id.
    pub id: i64,
    /// To whom: `user:<id>` or `device:<id>`.
    pub principal: String,
    /// `email` or `push`.
    pub channel: String,
    /// The plan.
    pub document_id: String,
    /// The event (`shared::notices::Notice::key`).
    pub event_key: String,
    /// `shared::notices::NoticeKind::as_str`.
    pub kind: String,
    /// The meeting's id for a meeting called or moved, else "".
    pub meeting: String,
    /// Part of a daily summary.
    pub digest: bool,
    /// How many tries were claimed, this one included.
    pub attempts: i64,
}

/// A row to add.
#[derive(Debug, Clone)]
pub struct NewOutgoing<'a> {
    /// To whom.
    pub principal: &'a str,
    /// `email` or `push`.
    pub channel: &'a str,
    /// The event.
    pub event_key: &'a str,
    /// Its kind.
    pub kind: &'a str,
    /// The meeting, or "".
    pub meeting: &'a str,
    /// When it may go out (ms since 1970).
    pub due_at: i64,
    /// Part of a daily summary.
    pub digest: bool,
}

/// Add `row` for `document` inside the caller's transaction; an event
/// already in the outbox for that recipient and channel is not added again.
pub async fn add(
    connection: &mut sql::Connection,
    document: &str,
    row: &NewOutgoing<'_>,
) -> Result<(), sqlx::Error> {
    sql::query(
        "INSERT INTO notification_outbox
             (principal, channel, document_id, event_key, kind, meeting, digest, created_at, due_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (principal, channel, document_id, event_key) DO NOTHING",
    )
    .bind(row.principal)
    .bind(row.channel)
    .bind(document)
    .bind(row.event_key)
    .bind(row.kind)
    .bind(row.meeting)
    .bind(i64::from(row.digest))
    .bind(now_millis())
    .bind(row.due_at)
    .execute(connection)
    .await?;
    Ok(())
}

/// Rows that are due on `channel` now, oldest first (at most 100),
/// including claims older than `claim_timeout`.
pub async fn due(
    db: &Database,
    channel: &str,
    claim_timeout: Duration,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    let now = now_millis();
    let stale = now - claim_timeout.as_millis() as i64;
    let rows = sql::query(
        "SELECT id, principal, channel, document_id, event_key, kind, meeting, digest, attempts
         FROM notification_outbox
         WHERE channel = ?1 AND ((state = 'pending' AND due_at <= ?2) OR (state = 'sending' AND claimed_at < ?3))
         ORDER BY id LIMIT 100",
    )
    .bind(channel)
    .bind(now)
    .bind(stale)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Outgoing {
                id: r.try_get("id")?,
                principal: r.try_get("principal")?,
                channel: r.try_get("channel")?,
                document_id: r.try_get("document_id")?,
                event_key: r.try_get("event_key")?,
                kind: r.try_get("kind")?,
                meeting: r.try_get("meeting")?,
                digest: r.try_get::<i64, _>("digest")? != 0,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Claim `rows` for sending by `relay`, committed before anything is sent;
/// the rows another relay claimed first (less than `claim_timeout` ago)
/// are left out of the answer.
pub async fn claim(
    db: &Database,
    relay: &str,
    rows: Vec<Outgoing>,
    claim_timeout: Duration,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    let now = now_millis();
    let stale = now - claim_timeout.as_millis() as i64;
    let mut transaction = db.begin_write().await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for mut row in rows {
        let done = sql::query(
            "UPDATE notification_outbox
             SET state = 'sending', claimed_by = ?1, claimed_at = ?2, attempts = attempts + 1
             WHERE id = ?3 AND (state = 'pending' OR (state = 'sending' AND claimed_at < ?4))",
        )
        .bind(relay)
        .bind(now)
        .bind(row.id)
        .bind(stale)
        .execute(&mut *transaction)
        .await?;
        if done.rows_affected() == 1 {
            row.attempts += 1;
            claimed.push(row);
        }
    }
    transaction.commit().await?;
    Ok(claimed)
}

/// Give back `rows` that `relay` claimed and did not send (it is
/// stopping): pending again at once, for whichever relay runs next.
pub async fn release(db: &Database, relay: &str, rows: &[Outgoing]) -> Result<(), sqlx::Error> {
    let mut transaction = db.begin_write().await?;
    for row in rows {
        sql::query(
            "UPDATE notification_outbox SET state = 'pending', attempts = attempts - 1
             WHERE id = ?1 AND state = 'sending' AND claimed_by = ?2",
        )
        .bind(row.id)
        .bind(relay)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await
}

/// How one sending ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server took it.
    Sent,
    /// A temporary failure: tried again at `retry_at`.
    Retry {
        /// Why, as the server or the network said.
        error: String,
        /// When to try again (ms since 1970).
        retry_at: i64,
    },
    /// Refused for good.
    Failed {
        /// Why.
        error: String,
    },
}

/// Record how sending `rows` (one message) ended, with an audit entry per
/// row, in one transaction.
pub async fn finish(db: &Database, rows: &[Outgoing], outcome: &Outcome) -> Result<(), sqlx::Error> {
    let now = now_millis();
    let mut transaction = db.begin_write().await?;
    for row in rows {
        let (statement, detail) = match outcome {
            Outcome::Sent => (
                sql::query("UPDATE notification_outbox SET state = 'sent', sent_at = ?1 WHERE id = ?2")
                    .bind(now)
                    .bind(row.id),
                format!("{} till {}: skickat ({}, försök {})", row.channel, row.principal, row.kind, row.attempts),
            ),
            Outcome::Retry { error, retry_at } => (
                sql::query(
                    "UPDATE notification_outbox SET state = 'pending', due_at = ?1, last_error = ?2 WHERE id = ?3",
                )
                .bind(*retry_at)
                .bind(error.as_str())
                .bind(row.id),
                format!(
                    "{} till {}: försök {} misslyckades ({error}); nytt försök om {} s",
                    row.channel,
                    row.principal,
                    row.attempts,
                    (retry_at - now).max(0) / 1000
                ),
            ),
            Outcome::Failed { error } => (
                sql::query("UPDATE notification_outbox SET state = 'failed', last_error = ?1 WHERE id = ?2")
                    .bind(error.as_str())
                    .bind(row.id),
                format!("{} till {}: kunde inte skickas ({error})", row.channel, row.principal),
            ),
        };
        statement.execute(&mut *transaction).await?;
        let entry = AuditEntry::now(NOTIFIER, None, Some(&row.document_id), "notify", detail);
        audit::append(&mut transaction, &entry).await?;
    }
    transaction.commit().await
}
