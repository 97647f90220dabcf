//! Which events are new, and for whom: the plan and its self-report
//! document read again after a stored change (or once an hour, for due
//! dates), `shared::notices` asked for the events, and each event not yet
//! told put in the outbox for each recipient and channel, in the same
//! transaction that remembers it as told (`notification_seen`).
//!
//! The reading is IO; which events there are is the pure
//! `shared::notices::notices`, told here what the plan alone does not say
//! (`Known`: who booked each meeting, through the actors the relay bound
//! to members; whose approvals still hold). The uses of invitations are
//! events of the relay's own tables (`redemptions`), read here beside the
//! plan's and keyed as stably.
//!
//! A kind of event added to the notifier later (its
//! `NoticeKind::generation`) is only remembered, not told, the first time
//! a plan read before it is read again: the past of a plan is not news.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use shared::api::{EmailMode, NotificationSettings};
use shared::notices::{meeting_writers, notices, Known, Notice, NoticeKind};
use shared::DocumentId;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::outbox::{self, NewOutgoing};
use super::{settings, DigestSchedule, NotificationConfig, Watch};
use crate::access::{now_millis, AccessError};
use crate::storage::{sql, Database, StorageError, Store};

/// How long the watcher lets changes gather before it reads: a person
/// answering sends several changes within a moment.
const SETTLE: Duration = Duration::from_millis(300);

/// Why a plan could not be read for events.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// The database failed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The document could not be loaded.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Read changed documents (and every plan each `sweep_every`) and put new
/// events in the outbox; `sender` is woken when there is something to send.
pub async fn run(
    watch: Watch,
    store: Store,
    config: NotificationConfig,
    sender: Arc<Notify>,
    shutdown: CancellationToken,
) {
    match unknown_plans(&store.database()).await {
        Ok(plans) => {
            for plan in plans {
                if let Err(error) = look(&store, &config, &plan, now_millis(), Tell::No).await {
                    tracing::error!(%plan, %error, "could not note a plan's past events");
                }
            }
        }
        Err(error) => tracing::error!(%error, "could not list the plans the notifier has not seen"),
    }
    let mut sweep = tokio::time::interval(config.sweep_every);
    loop {
        let documents: Vec<String> = tokio::select! {
            () = shutdown.cancelled() => return,
            changed = watch.next() => {
                tokio::time::sleep(SETTLE).await;
                changed.iter().map(ToString::to_string).chain(watch_more(&watch)).collect()
            }
            _ = sweep.tick() => match every_plan(&store.database()).await {
                Ok(plans) => plans,
                Err(error) => {
                    tracing::error!(%error, "could not list the plans for due dates");
                    continue;
                }
            },
        };
        let mut added = 0;
        for document in documents {
            match look(&store, &config, &document, now_millis(), Tell::Yes).await {
                Ok(n) => added += n,
                Err(error) => tracing::error!(%document, %error, "could not look for events to notify"),
            }
        }
        if added > 0 {
            sender.notify_one();
        }
    }
}

/// What else changed while the first batch settled.
fn watch_more(watch: &Watch) -> Vec<String> {
    watch.take().iter().map(ToString::to_string).collect()
}

async fn every_plan(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    let rows =
        sql::query("SELECT document_id FROM plans WHERE deleted_at IS NULL AND self_reports_of IS NULL")
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(|r| r.try_get("document_id")).collect()
}

/// The plans the notifier has never read: those stored before
/// notifications were turned on. Their events so far are remembered
/// without telling anyone when it starts ([`Tell::No`]), so that turning
/// notifications on does not mail the past; every plan made later is told
/// from its first event.
async fn unknown_plans(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    let rows = sql::query(
        "SELECT p.document_id FROM plans p
         WHERE p.deleted_at IS NULL AND p.self_reports_of IS NULL
           AND NOT EXISTS (SELECT 1 FROM notification_plans n WHERE n.document_id = p.document_id)",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| r.try_get("document_id")).collect()
}

/// Whether new events go to the outbox or are only remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tell {
    /// Put them in the outbox.
    Yes,
    /// Only remember them (the past of a plan stored before notifications).
    No,
}

/// Put the new events of the plan that `document` belongs to (the plan or
/// its self-report document) in the outbox; how many rows were added.
pub async fn look(
    store: &Store,
    config: &NotificationConfig,
    document: &str,
    now: i64,
    tell: Tell,
) -> Result<usize, EventsError> {
    let db = store.database();
    let row = sql::query(
        "SELECT COALESCE(self_reports_of, document_id) AS plan, deleted_at FROM plans WHERE document_id = ?",
    )
    .bind(document)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(0) };
    if row.try_get::<Option<i64>, _>("deleted_at")?.is_some() {
        return Ok(0);
    }
    let plan_id: String = row.try_get("plan")?;
    let Ok(id) = DocumentId::parse_url_or_id(&plan_id) else { return Ok(0) };
    let loaded = store.load(&id).await?;
    if shared::plan::is_empty(&loaded.doc) {
        return Ok(0);
    }
    let Ok(plan) = shared::plan::read_plan(&loaded.doc) else { return Ok(0) };
    let reports_id =
        sql::query("SELECT document_id FROM plans WHERE self_reports_of = ? AND deleted_at IS NULL")
            .bind(plan_id.as_str())
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get::<String, _>("document_id"))
            .transpose()?;
    let mut reports = None;
    if let Some(reports_id) = reports_id.and_then(|id| DocumentId::parse_url_or_id(&id).ok()) {
        let stored = store.load(&reports_id).await?;
        match shared::self_reports::read_self_reports(&stored.doc) {
            Ok(read) => reports = Some(read),
            Err(error) => {
                tracing::warn!(document = %reports_id, %error, "a self-report document could not be read")
            }
        }
    }
    let members = members(&db, &plan_id).await?;
    let today = shared::swedish_time::local(now).0.iso();
    let known = known(&db, &members, &plan, &loaded.doc, &today).await?;
    let mut found = notices(&plan, reports.as_ref(), &today, &known);
    found.extend(invitations_used(&db, &plan_id, &members).await?);
    let recipients = recipients(&db, &members, &found).await?;
    let mut with_devices = std::collections::HashSet::new();
    if config.vapid_key_file.is_some() {
        for principal in recipients.values().flatten().map(|(principal, _)| principal) {
            if !settings::subscriptions(&db, principal).await?.is_empty() {
                with_devices.insert(principal.clone());
            }
        }
    }
    let mut transaction = db.begin_write().await?;
    // The generation of kinds this plan was read with before (none: never read).
    let read_with: Option<i64> =
        sql::query("SELECT generation FROM notification_plans WHERE document_id = ?")
            .bind(plan_id.as_str())
            .fetch_optional(&mut *transaction)
            .await?
            .map(|r| r.try_get("generation"))
            .transpose()?;
    sql::query(
        "INSERT INTO notification_plans (document_id, first_seen, generation) VALUES (?1, ?2, ?3)
         ON CONFLICT (document_id) DO UPDATE SET generation = ?3",
    )
    .bind(plan_id.as_str())
    .bind(now)
    .bind(NoticeKind::GENERATION)
    .execute(&mut *transaction)
    .await?;
    let mut added = 0;
    for notice in &found {
        let new = sql::query(
            "INSERT INTO notification_seen (document_id, event_key, seen_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (document_id, event_key) DO NOTHING",
        )
        .bind(plan_id.as_str())
        .bind(notice.key.as_str())
        .bind(now)
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            == 1;
        // A kind this plan was not read with before: its past is not news.
        let kind_is_new_here = read_with.is_some_and(|generation| notice.kind.generation() > generation);
        if !new || tell == Tell::No || kind_is_new_here {
            continue;
        }
        for (principal, settings) in recipients.get(&notice.key).into_iter().flatten() {
            // A kind the member chose not to be told about: remembered as
            // seen, told to nobody of theirs.
            if settings.muted.iter().any(|kind| kind == notice.kind.as_str()) {
                continue;
            }
            let has_devices = with_devices.contains(principal);
            for (channel, due_at, digest) in channels(config, settings, has_devices, now) {
                let row = NewOutgoing {
                    principal,
                    channel,
                    event_key: &notice.key,
                    kind: notice.kind.as_str(),
                    meeting: notice.meeting.as_deref().unwrap_or(""),
                    due_at,
                    digest,
                };
                outbox::add(&mut transaction, &plan_id, &row).await?;
                added += 1;
            }
        }
    }
    transaction.commit().await?;
    Ok(added)
}

/// The plan's members as (principal, participant), sorted.
async fn members(db: &Database, plan: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sql::query("SELECT principal, participant FROM members WHERE document_id = ?")
        .bind(plan)
        .fetch_all(db.pool())
        .await?;
    let mut members: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("principal")?, r.try_get("participant")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    members.sort();
    Ok(members)
}

/// What the plan alone does not say: who booked or moved each meeting
/// (the writer of its day or time, bound to a member through the actors
/// the relay recorded), and whose approvals hold for the plan as it is now.
async fn known(
    db: &Database,
    members: &[(String, String)],
    plan: &shared::plan::Plan,
    doc: &automerge::Automerge,
    today: &str,
) -> Result<Known, EventsError> {
    let mut known = Known::default();
    for (meeting, actor) in meeting_writers(doc) {
        let principal: Option<String> = sql::query("SELECT principal FROM actors WHERE actor = ?")
            .bind(actor.as_str())
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get("principal"))
            .transpose()?;
        let participant = principal.and_then(|principal| {
            members.iter().find(|(p, participant)| *p == principal && !participant.is_empty())
        });
        if let Some((_, participant)) = participant {
            known.meeting_by.insert(meeting, participant.clone());
        }
    }
    // Reading the plan at each approval's version costs a fork of the
    // document: only once approvals are asked for.
    if shared::notices::approvals_wanted(plan, today) {
        known.approved_now = shared::plan::approvals::holding_approvals(plan, |heads| {
            let heads: Vec<automerge::ChangeHash> = heads.iter().filter_map(|h| h.parse().ok()).collect();
            shared::plan::read_plan(&doc.fork_at(&heads).ok()?).ok()
        });
    }
    Ok(known)
}

/// Each use of an invitation to the plan, told to the member who made it
/// (unless they used it themselves): the redemptions are durable rows, so
/// the event is keyed by the invitation and who used it, and the notifier
/// reads it as it reads the plan. Why the one who invited and nobody else:
/// they sent the link, and learn at once that it was used (a link that
/// reached the wrong person is seen at once); the invited one has no
/// address here yet.
async fn invitations_used(
    db: &Database,
    plan: &str,
    members: &[(String, String)],
) -> Result<Vec<Notice>, sqlx::Error> {
    let rows = sql::query(
        "SELECT r.invitation_id, r.principal, i.created_by FROM redemptions r
         JOIN invitations i ON i.id = r.invitation_id
         WHERE r.document_id = ? ORDER BY r.invitation_id, r.principal",
    )
    .bind(plan)
    .fetch_all(db.pool())
    .await?;
    let mut used = Vec::new();
    for row in rows {
        let invitation: i64 = row.try_get("invitation_id")?;
        let by: String = row.try_get("principal")?;
        let inviter: String = row.try_get("created_by")?;
        if by == inviter {
            continue;
        }
        let to: Vec<String> = members
            .iter()
            .filter(|(principal, participant)| *principal == inviter && !participant.is_empty())
            .map(|(_, participant)| participant.clone())
            .collect();
        if !to.is_empty() {
            let key = format!("invitation_used:{invitation}:{by}");
            used.push(Notice { key, kind: NoticeKind::InvitationUsed, to, meeting: None });
        }
    }
    Ok(used)
}

/// The members each notice is for, with their settings, by notice key.
async fn recipients(
    db: &Database,
    members: &[(String, String)],
    found: &[Notice],
) -> Result<HashMap<String, Vec<(String, NotificationSettings)>>, EventsError> {
    let mut settings_of: HashMap<String, NotificationSettings> = HashMap::new();
    let mut by_key = HashMap::new();
    for notice in found {
        let mut to = Vec::new();
        for (principal, participant) in members {
            if !notice.to.contains(participant) {
                continue;
            }
            if !settings_of.contains_key(principal) {
                settings_of.insert(principal.clone(), settings::read(db, principal).await?);
            }
            if let Some(settings) = settings_of.get(principal) {
                to.push((principal.clone(), settings.clone()));
            }
        }
        by_key.insert(notice.key.clone(), to);
    }
    Ok(by_key)
}

/// The channels a member gets an event on: (channel, due at, in the daily summary).
fn channels(
    config: &NotificationConfig,
    settings: &NotificationSettings,
    has_devices: bool,
    now: i64,
) -> Vec<(&'static str, i64, bool)> {
    let mut channels = Vec::new();
    if config.vapid_key_file.is_some() && settings.push && has_devices {
        channels.push(("push", now, false));
    }
    if config.smtp_url.is_some() && !settings.email.trim().is_empty() {
        match settings.email_mode {
            EmailMode::Immediate => channels.push(("email", now, false)),
            EmailMode::Daily => channels.push(("email", next_digest(&config.digest, now), true)),
            EmailMode::None => {}
        }
    }
    channels
}

/// The next time a daily summary goes out after `now` (ms since 1970).
/// A daily time is Swedish local time, so it moves with summer time; the
/// morning the clocks change, it is still that time on the wall.
pub fn next_digest(schedule: &DigestSchedule, now: i64) -> i64 {
    match *schedule {
        DigestSchedule::Daily(at) => {
            let (today, _) = shared::swedish_time::local(now);
            let mut day = today;
            loop {
                let moment = shared::swedish_time::to_utc(day, at);
                if moment > now {
                    return moment;
                }
                day = day.next();
            }
        }
        DigestSchedule::Every { period, offset } => {
            let every = (period.as_millis() as i64).max(1);
            let offset = offset.as_millis() as i64 % every;
            let start = now - offset;
            (start.div_euclid(every) + 1) * every + offset
        }
    }
}

#[cfg(test)]
mod tests;
