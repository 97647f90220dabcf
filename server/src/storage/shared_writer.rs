//! The storage writer on PostgreSQL: group commit, and word to the other
//! relays.
//!
//! As on SQLite ([`super::writer`]), every write waiting at one moment goes
//! into one transaction, and nothing is answered before its `COMMIT`. A
//! group is a few statements: one `INSERT … SELECT FROM unnest(…)` for a
//! run of appended chunks (whatever their number), one for their audit
//! entries, the replacements of compaction, and a `pg_notify` per
//! document appended to: **the document id and its new heads, never
//! content**. PostgreSQL delivers a notification only when its transaction
//! commits, so a relay that hears of heads can read them.
//!
//! Each chunk row names the relay that wrote it (`written_by`): the
//! periodic look at what others stored ([`super::relays`]) leaves out a
//! relay's own.
//!
//! A compaction deletes exactly the chunks it read (`id = ANY(…)`): with
//! several writers a chunk with a lower id can commit after a higher one,
//! and deleting "up to the last id read" could delete a change the
//! snapshot does not hold.
//!
//! The writer is a task on the server's runtime (the pool's connections
//! belong to it); the turn orders it with this relay's access writes, as
//! on SQLite.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::mpsc;

use super::turn::WriteLine;
use super::writer::{gather, Write, NOT_DELETED, SLOW_GROUP};
use super::StorageError;
use crate::access::audit::{self, AuditEntry};

/// The channel every relay listens on.
pub const CHANNEL: &str = "samplan_documents";

/// The writer: commit every waiting write in one transaction, then answer
/// each. A failed transaction fails every write in it (none is
/// acknowledged); the pool gives the next group a working connection.
pub(super) async fn write_groups(
    pool: PgPool,
    relay: Arc<str>,
    line: WriteLine,
    mut queue: mpsc::Receiver<Write>,
) {
    let mut closing = None;
    while let Some(first) = queue.recv().await {
        let turn = line.take().await;
        let (group, close) = gather(first, &mut queue);
        closing = close;
        let started = std::time::Instant::now();
        let outcome = if group.is_empty() {
            None
        } else {
            Some(commit_group(&pool, &relay, &group).await.map_err(|e| e.to_string()))
        };
        drop(turn);
        if started.elapsed() >= SLOW_GROUP {
            tracing::debug!(writes = group.len(), elapsed = ?started.elapsed(), "slow group commit");
        }
        if let Some(outcome) = outcome {
            if let Err(error) = &outcome {
                tracing::warn!(%error, "a group commit failed; its writes are not acknowledged");
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
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// An append as the group needs it: document, chunk, audit entries.
type Appended<'w> = (String, &'w [u8], &'w [AuditEntry]);

/// One transaction for the whole group; writes keep their order.
async fn commit_group(pool: &PgPool, relay: &str, group: &[Write]) -> Result<(), sqlx::Error> {
    let now = crate::access::now_millis();
    let mut transaction = pool.begin().await?;
    let mut run: Vec<Appended<'_>> = Vec::new();
    let mut heads: HashMap<String, &[String]> = HashMap::new();
    for write in group {
        match write {
            Write::Append { id, chunk, audit, heads: after, .. } => {
                run.push((id.to_string(), chunk, audit));
                heads.insert(id.to_string(), after);
            }
            Write::Replace { id, snapshot, read, .. } => {
                appends(&mut transaction, &std::mem::take(&mut run), now, relay).await?;
                replace(&mut transaction, &id.to_string(), snapshot, read.as_deref(), now, relay).await?;
            }
            Write::Close { .. } => {}
        }
    }
    appends(&mut transaction, &run, now, relay).await?;
    let payloads: Vec<String> =
        heads.into_iter().map(|(document, heads)| notice(relay, &document, heads)).collect();
    if !payloads.is_empty() {
        sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
            .bind(CHANNEL)
            .bind(payloads)
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await
}

/// What the other relays are told: `<relay> <document> <head>,<head>…`.
pub fn notice(relay: &str, document: &str, heads: &[String]) -> String {
    format!("{relay} {document} {}", heads.join(","))
}

/// Insert a run of appended chunks and their audit entries (rows of
/// deleted plans are left out).
async fn appends(
    transaction: &mut sqlx::PgConnection,
    run: &[Appended<'_>],
    now: i64,
    relay: &str,
) -> Result<(), sqlx::Error> {
    if run.is_empty() {
        return Ok(());
    }
    let documents: Vec<&str> = run.iter().map(|(id, _, _)| id.as_str()).collect();
    let chunks: Vec<&[u8]> = run.iter().map(|(_, chunk, _)| *chunk).collect();
    sqlx::query(&format!(
        "INSERT INTO document_chunks (document_id, kind, bytes, created_at, written_by) \
         SELECT t.d, 'incremental', t.b, $3, $4 FROM unnest($1::text[], $2::bytea[]) AS t(d, b) \
         WHERE {}",
        NOT_DELETED.replace("{}", "t.d")
    ))
    .bind(&documents)
    .bind(&chunks)
    .bind(now)
    .bind(relay)
    .execute(&mut *transaction)
    .await?;
    let entries: Vec<(&str, &AuditEntry)> =
        run.iter().flat_map(|(id, _, audit)| audit.iter().map(move |entry| (id.as_str(), entry))).collect();
    if entries.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO audit_log ({}) SELECT t.at, t.principal, t.session_id, t.document_id, t.action, t.detail \
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) \
         AS t(chunk_of, at, principal, session_id, document_id, action, detail) WHERE {}",
        audit::COLUMNS,
        NOT_DELETED.replace("{}", "t.chunk_of")
    ))
    .bind(entries.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.at).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.principal.as_str()).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.session_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.document_id.as_deref()).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.action.as_str()).collect::<Vec<_>>())
    .bind(entries.iter().map(|(_, e)| e.detail.as_str()).collect::<Vec<_>>())
    .execute(&mut *transaction)
    .await?;
    Ok(())
}

/// Replace the chunks `read` (all if `None`) of `document` by `snapshot`.
async fn replace(
    transaction: &mut sqlx::PgConnection,
    document: &str,
    snapshot: &[u8],
    read: Option<&[i64]>,
    now: i64,
    relay: &str,
) -> Result<(), sqlx::Error> {
    let not_deleted = NOT_DELETED.replace("{}", "$1");
    sqlx::query(&format!(
        "DELETE FROM document_chunks WHERE document_id = $1 AND ($2::bigint[] IS NULL OR id = ANY($2)) \
         AND {not_deleted}"
    ))
    .bind(document)
    .bind(read)
    .execute(&mut *transaction)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO document_chunks (document_id, kind, bytes, created_at, written_by) \
         SELECT $1, 'snapshot', $2, $3, $4 WHERE {not_deleted}"
    ))
    .bind(document)
    .bind(snapshot)
    .bind(now)
    .bind(relay)
    .execute(&mut *transaction)
    .await?;
    Ok(())
}
