//! Several relays on one PostgreSQL: hearing what the others stored.
//!
//! A peer of a plan may be on any relay (the automerge-repo protocol carries
//! many documents on one socket, so a load balancer cannot keep a plan on
//! one relay). Every relay's writer notifies [`super::shared_writer::CHANNEL`]
//! when it commits changes (document id and heads). [`follow`] listens and
//! reports each notice of another relay as a [`StoredElsewhere`]; the
//! server hands it to the document's task, if the document is loaded here,
//! which reads the chunks it lacks and syncs its peers.
//!
//! Notifications can be lost: the listening connection drops, the
//! database restarts (PostgreSQL keeps no notification for a listener that
//! was not connected). So, besides, every [`POLL_EVERY`] the relay looks
//! at which documents others stored chunks of lately (a cheap grouped query
//! over the recent rows); a document whose count or last id changed since
//! the last look is reported too, with no heads (its task reads what is
//! new). The first look after the listener reconnects catches up what was
//! said while it was away. Together: relays converge within a few seconds
//! whatever was lost.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use automerge::ChangeHash;
use shared::DocumentId;
use sqlx::postgres::PgListener;
use sqlx::{PgPool, Row};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::shared_writer::CHANNEL;
use super::{Pool, Store};

/// How often a relay looks at what the others stored.
pub const POLL_EVERY: Duration = Duration::from_secs(1);
/// How far back each look goes (longer than a commit takes, and than the
/// clocks of two relays differ).
const LOOK_BACK: Duration = Duration::from_secs(10);
/// How long to wait before listening again after the connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(250);

/// Another relay stored changes of `document`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredElsewhere {
    /// The document.
    pub document: DocumentId,
    /// Its heads after the changes; empty when not known (a look, not a notice).
    pub heads: Vec<ChangeHash>,
}

/// Reports of what other relays on the store's PostgreSQL stored, until
/// `shutdown`; `None` on SQLite (one relay only).
pub fn follow(store: &Store, shutdown: CancellationToken) -> Option<mpsc::Receiver<StoredElsewhere>> {
    let Pool::Postgres(pool) = store.pool() else { return None };
    let (reports, received) = mpsc::channel(1024);
    let relay: Arc<str> = store.relay_id().into();
    tokio::spawn(async move {
        tokio::select! {
            () = listen_and_look(pool, relay, reports) => {}
            () = shutdown.cancelled() => {}
        }
    });
    Some(received)
}

/// Parse a notice: `<relay> <document> <heads>`; `None` if it is this
/// relay's own or not one of ours.
pub fn parse_notice(payload: &str, own_relay: &str) -> Option<StoredElsewhere> {
    let mut parts = payload.split(' ');
    let relay = parts.next()?;
    let document = DocumentId::parse_url_or_id(parts.next()?).ok()?;
    if relay == own_relay {
        return None;
    }
    let heads = parts
        .next()
        .unwrap_or("")
        .split(',')
        .filter(|h| !h.is_empty())
        .map(str::parse)
        .collect::<Result<Vec<ChangeHash>, _>>()
        .ok()?;
    Some(StoredElsewhere { document, heads })
}

async fn listen_and_look(pool: PgPool, relay: Arc<str>, reports: mpsc::Sender<StoredElsewhere>) {
    let mut listener: Option<PgListener> = None;
    let mut looks = tokio::time::interval(POLL_EVERY);
    looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen: HashMap<String, (i64, i64)> = HashMap::new();
    loop {
        if listener.is_none() {
            match listen(&pool).await {
                Ok(fresh) => {
                    listener = Some(fresh);
                    // What was said while nobody listened: look now.
                    seen.clear();
                    look(&pool, &relay, &mut seen, &reports).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for other relays' changes; trying again");
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    look(&pool, &relay, &mut seen, &reports).await;
                    continue;
                }
            }
        }
        let Some(listening) = listener.as_mut() else { continue };
        tokio::select! {
            notice = listening.try_recv() => match notice {
                Ok(Some(notice)) => {
                    tracing::trace!(payload = notice.payload(), "notice");
                    if let Some(report) = parse_notice(notice.payload(), &relay) {
                        if reports.send(report).await.is_err() {
                            return;
                        }
                    }
                }
                Ok(None) => {
                    tracing::warn!("the connection that listens for other relays dropped");
                    listener = None;
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for other relays failed");
                    listener = None;
                }
            },
            _ = looks.tick() => look(&pool, &relay, &mut seen, &reports).await,
        }
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Report every document whose recent chunks by other relays changed since
/// the last look (`seen`: its count and last id then). A snapshot counts
/// whoever wrote it: this relay's compaction may have folded into it, and
/// deleted, chunks of others that its documents never read.
async fn look(
    pool: &PgPool,
    relay: &str,
    seen: &mut HashMap<String, (i64, i64)>,
    reports: &mpsc::Sender<StoredElsewhere>,
) {
    let since = crate::access::now_millis() - i64::try_from(LOOK_BACK.as_millis()).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        "SELECT document_id, COUNT(*) AS n, MAX(id) AS last FROM document_chunks \
         WHERE created_at > $1 AND (written_by <> $2 OR kind = 'snapshot') GROUP BY document_id",
    )
    .bind(since)
    .bind(relay)
    .fetch_all(pool)
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            tracing::debug!(%error, "could not look at what other relays stored");
            return;
        }
    };
    let mut now_seen = HashMap::with_capacity(rows.len());
    for row in rows {
        let (Ok(document), Ok(n), Ok(last)) = (
            row.try_get::<String, _>("document_id"),
            row.try_get::<i64, _>("n"),
            row.try_get::<i64, _>("last"),
        ) else {
            continue;
        };
        if seen.get(&document) != Some(&(n, last)) {
            tracing::trace!(document, n, last, "another relay stored chunks lately");
            if let Ok(id) = DocumentId::parse_url_or_id(&document) {
                if reports.send(StoredElsewhere { document: id, heads: Vec::new() }).await.is_err() {
                    return;
                }
            }
        }
        now_seen.insert(document, (n, last));
    }
    *seen = now_seen;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_names_the_document_and_its_heads_and_a_relay_ignores_its_own() {
        let id = DocumentId::random();
        let head = ChangeHash([7; 32]);
        let payload = super::super::shared_writer::notice("a", &id.to_string(), &[head.to_string()]);
        assert_eq!(parse_notice(&payload, "b"), Some(StoredElsewhere { document: id, heads: vec![head] }));
        assert_eq!(parse_notice(&payload, "a"), None, "its own");
        assert_eq!(parse_notice("a nonsense x", "b"), None);
        let none = super::super::shared_writer::notice("a", &id.to_string(), &[]);
        assert_eq!(parse_notice(&none, "b"), Some(StoredElsewhere { document: id, heads: vec![] }));
    }
}
