//! Access taken away on one relay is taken away on every relay.
//!
//! With several relays on one PostgreSQL ([`crate::storage::relays`]), a
//! member's connections may be on any of them, and a plan may be loaded on
//! each. When a relay takes access away ([`super::Online::disconnect`]),
//! changes it ([`super::Online::recheck`]) or deletes documents
//! ([`super::Online::deleted`]), it writes the [`News`] into the
//! `access_news` table and notifies [`CHANNEL`] in the same statement;
//! every other relay acts on its own connections and documents as if the
//! change had been made there.
//!
//! A notification can be lost (the listening connection drops, the
//! database restarts, and PostgreSQL keeps nothing for a listener that was
//! away). So the table, not the notification, is the record: each relay
//! reads the news of the last [`LOOK_BACK`] every [`LOOK_EVERY`] and acts
//! on what it has not seen; a notification only makes that prompt. The
//! times are the database's clock, so two relays' clocks do not matter.
//!
//! The news names principals and document ids, never a plan's content, and
//! is kept an hour.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use shared::DocumentId;
use sqlx::postgres::PgListener;
use sqlx::{PgPool, Row};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::storage::{Pool, Store};

/// The channel every relay listens on for access news.
pub const CHANNEL: &str = "samplan_access";
/// How often a relay reads the news, whatever it heard.
pub const LOOK_EVERY: Duration = Duration::from_secs(1);
/// How far back each look goes.
const LOOK_BACK: Duration = Duration::from_secs(10);
/// News older than this is deleted (every relay has long acted on it).
const KEEP: Duration = Duration::from_secs(3600);
/// Looks between two deletions of old news.
const PRUNE_EVERY_LOOKS: u32 = 600;
/// How long to wait before listening again after the connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(250);
/// The database's clock in milliseconds, as `created_at` holds it.
const NOW_MILLIS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// A change of access that every relay must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News {
    /// Close every connection of these principals (access taken away:
    /// a member removed, a device blocked, a session ended).
    Disconnect(Vec<String>),
    /// These principals' connections decide again what they may do.
    Recheck(Vec<String>),
    /// These documents were deleted: drop them from memory, telling their
    /// peers they are unavailable.
    Deleted(Vec<DocumentId>),
}

impl News {
    fn kind(&self) -> &'static str {
        match self {
            News::Disconnect(_) => "disconnect",
            News::Recheck(_) => "recheck",
            News::Deleted(_) => "deleted",
        }
    }

    fn subjects(&self) -> Vec<String> {
        match self {
            News::Disconnect(principals) | News::Recheck(principals) => principals.clone(),
            News::Deleted(documents) => documents.iter().map(ToString::to_string).collect(),
        }
    }

    /// The news a row holds; `None` for a kind this relay does not know
    /// (a newer relay's), which it leaves alone.
    fn from_row(kind: &str, subjects: Vec<String>) -> Option<News> {
        match kind {
            "disconnect" => Some(News::Disconnect(subjects)),
            "recheck" => Some(News::Recheck(subjects)),
            "deleted" => Some(News::Deleted(
                subjects.iter().filter_map(|d| DocumentId::parse_url_or_id(d).ok()).collect(),
            )),
            _ => None,
        }
    }
}

/// The other relays on this relay's PostgreSQL, to be told the news.
#[derive(Debug, Clone)]
pub struct Others {
    pool: PgPool,
    relay: Arc<str>,
}

impl Others {
    /// The other relays of `store`'s database; `None` on SQLite (one relay).
    pub fn of(store: &Store) -> Option<Others> {
        let Pool::Postgres(pool) = store.pool() else { return None };
        Some(Others { pool, relay: store.relay_id().into() })
    }

    /// Record `news` and notify the others. The change of access itself is
    /// already committed; if this fails the others act on it only when
    /// their connections ask the database again, so it is logged loudly.
    pub async fn tell(&self, news: &News) {
        let subjects = news.subjects();
        if subjects.is_empty() {
            return;
        }
        let told = sqlx::query(&format!(
            "WITH n AS (INSERT INTO access_news (relay, kind, subjects, created_at) \
             VALUES ($1, $2, $3, {NOW_MILLIS}) RETURNING id) \
             SELECT pg_notify($4, $1 || ' ' || id) FROM n"
        ))
        .bind(&*self.relay)
        .bind(news.kind())
        .bind(subjects)
        .bind(CHANNEL)
        .execute(&self.pool)
        .await;
        if let Err(error) = told {
            tracing::error!(%error, kind = news.kind(), "could not tell the other relays of a change of access");
        }
    }
}

/// The news from other relays on `store`'s PostgreSQL, each once, until
/// `shutdown`; `None` on SQLite.
pub fn follow(store: &Store, shutdown: CancellationToken) -> Option<mpsc::Receiver<News>> {
    let Pool::Postgres(pool) = store.pool() else { return None };
    let (news, received) = mpsc::channel(256);
    let relay: Arc<str> = store.relay_id().into();
    tokio::spawn(async move {
        tokio::select! {
            () = listen_and_look(pool, relay, news) => {}
            () = shutdown.cancelled() => {}
        }
    });
    Some(received)
}

async fn listen_and_look(pool: PgPool, relay: Arc<str>, news: mpsc::Sender<News>) {
    let mut listener: Option<PgListener> = None;
    let mut looks = tokio::time::interval(LOOK_EVERY);
    looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = HashSet::new();
    let mut since_prune = 0u32;
    loop {
        if listener.is_none() {
            match listen(&pool).await {
                Ok(fresh) => listener = Some(fresh),
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for other relays' access news; trying again");
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                }
            }
            // What was said while nobody listened.
            if !look(&pool, &relay, &mut seen, &news).await {
                return;
            }
            continue;
        }
        let Some(listening) = listener.as_mut() else { continue };
        tokio::select! {
            notice = listening.try_recv() => match notice {
                Ok(Some(notice)) => {
                    let from_another = notice.payload().split(' ').next() != Some(&*relay);
                    if from_another && !look(&pool, &relay, &mut seen, &news).await {
                        return;
                    }
                }
                Ok(None) => {
                    tracing::warn!("the connection that listens for access news dropped");
                    listener = None;
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for access news failed");
                    listener = None;
                }
            },
            _ = looks.tick() => {
                if !look(&pool, &relay, &mut seen, &news).await {
                    return;
                }
                since_prune += 1;
                if since_prune >= PRUNE_EVERY_LOOKS {
                    since_prune = 0;
                    prune(&pool).await;
                }
            }
        }
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Pass on the other relays' news of the last [`LOOK_BACK`] not yet
/// `seen`, in the order it was recorded; false when nobody takes it any
/// more (the server is stopping).
async fn look(pool: &PgPool, relay: &str, seen: &mut HashSet<i64>, news: &mpsc::Sender<News>) -> bool {
    let rows = sqlx::query(&format!(
        "SELECT id, kind, subjects FROM access_news \
         WHERE created_at > {NOW_MILLIS} - $1 AND relay <> $2 ORDER BY id"
    ))
    .bind(i64::try_from(LOOK_BACK.as_millis()).unwrap_or(i64::MAX))
    .bind(relay)
    .fetch_all(pool)
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            tracing::debug!(%error, "could not read the access news");
            return true;
        }
    };
    let mut now_seen = HashSet::with_capacity(rows.len());
    for row in rows {
        let (Ok(id), Ok(kind), Ok(subjects)) = (
            row.try_get::<i64, _>("id"),
            row.try_get::<String, _>("kind"),
            row.try_get::<Vec<String>, _>("subjects"),
        ) else {
            continue;
        };
        now_seen.insert(id);
        if seen.contains(&id) {
            continue;
        }
        match News::from_row(&kind, subjects) {
            Some(item) => {
                tracing::debug!(id, ?item, "access news from another relay");
                if news.send(item).await.is_err() {
                    return false;
                }
            }
            None => tracing::warn!(id, kind, "access news of a kind this relay does not know"),
        }
    }
    *seen = now_seen;
    true
}

async fn prune(pool: &PgPool) {
    let pruned = sqlx::query(&format!("DELETE FROM access_news WHERE created_at < {NOW_MILLIS} - $1"))
        .bind(i64::try_from(KEEP.as_millis()).unwrap_or(i64::MAX))
        .execute(pool)
        .await;
    if let Err(error) = pruned {
        tracing::debug!(%error, "could not delete old access news");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_goes_into_a_row_and_comes_back_the_same() {
        let id = DocumentId::random();
        for news in [
            News::Disconnect(vec!["user:1".into(), "device:2".into()]),
            News::Recheck(vec!["user:3".into()]),
            News::Deleted(vec![id]),
        ] {
            assert_eq!(News::from_row(news.kind(), news.subjects()), Some(news.clone()));
        }
        assert_eq!(News::from_row("promote", vec!["user:1".into()]), None, "an unknown kind is left alone");
    }
}
