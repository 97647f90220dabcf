//! The access log (åtkomstlogg): every time the server gives plan content
//! to someone, every refusal and every sign-in, in one append-only table.
//!
//! Why: a plan holds health and social-care data, and health care must log
//! and check who read what (patientdatalagen 4 kap. 3 §, HSLF-FS 2016:40
//! 4 kap. 9 §: what was done, by whom, in which unit, when, about whom).
//! [`super::audit`] says who *changed* what, change by change; this log says
//! who *saw* what, and is what the person (`GET /api/plans/{plan}/access-log`)
//! and the log reviewer ([`query`], `samplan-server audit`) read.
//!
//! - **What is logged** ([`Action`]): the first sync of a document in a
//!   session, and again once [`READ_PAUSE`] has passed since that
//!   session's last entry for it (not per keystroke); the first view, the
//!   JSON export and the member list; reads a device made offline, as it
//!   reports them; changes (again once per pause); refused changes,
//!   refused syncs and refused API calls; sign-ins, failed ones too.
//! - **Off the hot path**: [`AccessLog::record`] puts an [`Entry`] on a
//!   queue and returns; one writer task writes what waits in one
//!   transaction every [`FLUSH_EVERY`], so an entry is in the database
//!   well within 5 s, and a sync never waits for the log. The writer fills
//!   in what the caller need not know (organisation, role, device, the
//!   person the plan is about) from the database and the plan summaries.
//! - **Append-only, in the database**: SQLite triggers refuse every
//!   `UPDATE` and every `DELETE` of an entry younger than the retention
//!   (`access_log_retention.keep_days`, at least 365 days; the server
//!   sets it from `--access-log-days`, default [`DEFAULT_RETENTION_DAYS`]).
//!   The only delete is [`purge_expired`], which the server runs at start
//!   and daily; it removes only what the triggers let go. Entries stay when
//!   their plan is deleted: they name it by id. Anyone who can write the
//!   database file can drop a trigger; against that, backups.
//! - **The person the plan is about**: read from the plan as "Mina planer"
//!   shows it (`shared::plan_summary`, remembered per stored version, so
//!   it costs nothing while the plan is unchanged); empty when the plan
//!   names nobody yet or is gone.

pub mod query;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::storage::sql;
use shared::DocumentId;
use tokio::sync::{mpsc, oneshot};

use super::{now_millis, Principal, Role};
use crate::plan_summaries::PlanSummaries;
use crate::storage::{Database, Store};

/// A session's reads of one document are logged once per pause: a
/// session that syncs a plan all afternoon is one entry per quarter hour
/// it is open, not one per keystroke, and still shows when it looked again.
pub const READ_PAUSE: Duration = Duration::from_secs(15 * 60);
/// The writer writes what waits this often (one transaction each time).
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Five years and the leap days in them: what HSLF-FS 2016:40 asks at least.
pub const DEFAULT_RETENTION_DAYS: u32 = 1827;
/// At most this many entries in one transaction.
const MAX_BATCH: usize = 1024;
/// Entries waiting for the writer before `record` hands them to a task.
const QUEUE: usize = 65_536;
/// Read and change throttles remembered at most; beyond, forgotten at once
/// (a few entries more, never fewer).
const REMEMBERED: usize = 200_000;

/// What was done. The strings are what the table and CSV hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A sync of the document: the server sent (or offered) its content.
    ReadSync,
    /// The plain first view of the plan (`/api/plans/{plan}/first-view`).
    ReadFirstView,
    /// The plan as a JSON file (`/api/plans/{plan}/export.json`).
    ReadExport,
    /// The member list (`/api/plans/{plan}/members`).
    ReadMembers,
    /// A read the device made offline, reported at its next sync.
    ReadOffline,
    /// Changes stored.
    Change,
    /// A change refused (not stored, not forwarded).
    RefusedChange,
    /// A sync or request of a plan the session may not read.
    RefusedSync,
    /// An API call refused (not a member, not a reviewer).
    RefusedApi,
    /// A sign-in (a link redeemed, an invitation redeemed).
    SignIn,
    /// A sign-in or invitation link that did not work.
    SignInFailed,
    /// A log reviewer read the log.
    Review,
}

impl Action {
    /// Every action, for parsing.
    pub const ALL: [Action; 12] = [
        Action::ReadSync,
        Action::ReadFirstView,
        Action::ReadExport,
        Action::ReadMembers,
        Action::ReadOffline,
        Action::Change,
        Action::RefusedChange,
        Action::RefusedSync,
        Action::RefusedApi,
        Action::SignIn,
        Action::SignInFailed,
        Action::Review,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadSync => "read.sync",
            Action::ReadFirstView => "read.first_view",
            Action::ReadExport => "read.export",
            Action::ReadMembers => "read.members",
            Action::ReadOffline => "read.offline",
            Action::Change => "change",
            Action::RefusedChange => "refused.change",
            Action::RefusedSync => "refused.sync",
            Action::RefusedApi => "refused.api",
            Action::SignIn => "signin",
            Action::SignInFailed => "signin.failed",
            Action::Review => "review",
        }
    }

    /// The action stored as `text`.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// What the person reads ("Eva läste planen").
    pub fn in_plain_words(self) -> &'static str {
        match self {
            Action::ReadSync => "läste planen",
            Action::ReadFirstView => "öppnade planen",
            Action::ReadExport => "hämtade planen som fil",
            Action::ReadMembers => "såg vilka som är med i planen",
            Action::ReadOffline => "läste planen utan nätverk",
            Action::Change => "ändrade planen",
            Action::RefusedChange => "försökte ändra planen men fick inte",
            Action::RefusedSync | Action::RefusedApi => "försökte öppna planen men fick inte",
            Action::SignIn => "loggade in",
            Action::SignInFailed => "försökte logga in",
            Action::Review => "granskade loggen",
        }
    }

    /// Whether the person sees it in "who looked" (reads and changes).
    pub fn shown_to_person(self) -> bool {
        matches!(
            self,
            Action::ReadSync
                | Action::ReadFirstView
                | Action::ReadExport
                | Action::ReadMembers
                | Action::ReadOffline
                | Action::Change
        )
    }

    /// Whether it is a change (else a read, for the person's view).
    pub fn is_change(self) -> bool {
        self == Action::Change
    }
}

/// Who did it, as far as the caller knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// `user:<id>`, `device:<id>`, or [`UNKNOWN`] for a failed sign-in.
    pub principal: String,
    /// Their name, if the caller has it (else looked up by the writer).
    pub name: Option<String>,
    /// The session.
    pub session_id: Option<i64>,
}

/// The principal of an attempt nobody could be identified by.
pub const UNKNOWN: &str = "okänd";

impl Who {
    /// A signed-in principal.
    pub fn principal(principal: &Principal) -> Who {
        Who {
            principal: principal.id.clone(),
            name: Some(principal.name.clone()),
            session_id: Some(principal.session_id),
        }
    }

    /// Someone who could not be identified (a link that did not work).
    pub fn unknown() -> Who {
        Who { principal: UNKNOWN.to_string(), name: Some(UNKNOWN.to_string()), session_id: None }
    }
}

/// One entry as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When (ms since 1970); for an offline read, when the device read.
    pub at: i64,
    /// Who.
    pub who: Who,
    /// The document (a plan, or its self-report document), if any.
    pub document: Option<String>,
    /// Their role in the plan, when the caller knows it (else looked up).
    pub role: Option<Role>,
    /// What.
    pub action: Action,
    /// Made offline and reported later.
    pub offline: bool,
    /// More (a refusal's reason, a client address, a review's filter).
    pub detail: String,
}

impl Entry {
    /// An entry made now.
    pub fn now(who: Who, document: Option<&str>, action: Action) -> Entry {
        Entry {
            at: now_millis(),
            who,
            document: document.map(str::to_string),
            role: None,
            action,
            offline: false,
            detail: String::new(),
        }
    }

    /// With `detail`.
    pub fn detail(mut self, detail: impl Into<String>) -> Entry {
        self.detail = detail.into();
        self
    }

    /// With the member's `role`.
    pub fn role(mut self, role: Role) -> Entry {
        self.role = Some(role);
        self
    }
}

/// What the writer is asked.
enum Queued {
    Entry(Box<Entry>),
    /// Answer once everything queued before is written.
    Flush(oneshot::Sender<()>),
}

/// What is logged once per pause: a session's action on a document.
type Throttled = (i64, DocumentId, Action);

/// The log's handle: cheap to clone.
#[derive(Clone, Debug)]
pub struct AccessLog {
    queue: mpsc::Sender<Queued>,
    /// When each (session, document, action) was last logged, for
    /// [`READ_PAUSE`]. A `std` mutex: held for one lookup, never across an
    /// `.await`.
    last: Arc<Mutex<HashMap<Throttled, Instant>>>,
    /// Whether syncs are logged (off only to measure what logging costs).
    log_syncs: bool,
}

impl AccessLog {
    /// Start the writer for `store`'s database. `log_syncs` false leaves
    /// out the entries of syncs (for the benchmark; never in service).
    pub fn start(store: &Store, summaries: PlanSummaries, log_syncs: bool) -> AccessLog {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(write_entries(store.database(), store.clone(), summaries, waiting));
        AccessLog { queue, last: Arc::default(), log_syncs }
    }

    /// Queue `entry`; it is written within [`FLUSH_EVERY`] and a commit.
    /// Never waits: a full queue hands the entry to a task of its own.
    pub fn record(&self, entry: Entry) {
        match self.queue.try_send(Queued::Entry(Box::new(entry))) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(queued)) => {
                let queue = self.queue.clone();
                tokio::spawn(async move {
                    if queue.send(queued).await.is_err() {
                        tracing::error!("the access log has stopped; an entry is lost");
                    }
                });
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::error!("the access log has stopped; an entry is lost");
            }
        }
    }

    /// Record that `who` synced `document` (or changed it: `action`), if
    /// their session has no entry of it within [`READ_PAUSE`].
    pub fn once_per_pause(&self, who: Who, document: DocumentId, action: Action, role: Option<Role>) {
        if action == Action::ReadSync && !self.log_syncs {
            return;
        }
        let Some(session) = who.session_id else { return };
        let now = Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let key = (session, document, action);
            if last.get(&key).is_some_and(|at| now.saturating_duration_since(*at) < READ_PAUSE) {
                return;
            }
            if last.len() >= REMEMBERED {
                last.clear();
            }
            last.insert(key, now);
        }
        let mut entry = Entry::now(who, Some(&document.to_string()), action);
        entry.role = role;
        self.record(entry);
    }

    /// Wait until everything recorded before is written (shutdown, tests).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Queued::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

/// The writer: every [`FLUSH_EVERY`], what waits in one transaction.
async fn write_entries(
    db: Database,
    store: Store,
    summaries: PlanSummaries,
    mut waiting: mpsc::Receiver<Queued>,
) {
    while let Some(first) = waiting.recv().await {
        let mut entries = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(queued) = next.take() {
            match queued {
                Queued::Entry(entry) => entries.push(*entry),
                Queued::Flush(done) => flushes.push(done),
            }
            if entries.len() < MAX_BATCH {
                next = waiting.try_recv().ok();
            }
        }
        if !entries.is_empty() {
            let persons = persons(&db, &store, &summaries, &entries).await;
            let mut tries = 0;
            while let Err(error) = insert(&db, &entries, &persons).await {
                tries += 1;
                tracing::error!(%error, tries, "could not write the access log; trying again");
                if tries == 5 {
                    tracing::error!(lost = entries.len(), "access log entries are lost");
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
        tokio::time::sleep(FLUSH_EVERY).await;
    }
}

/// The plan each document belongs to, and the person that plan is about.
async fn persons(
    db: &Database,
    store: &Store,
    summaries: &PlanSummaries,
    entries: &[Entry],
) -> HashMap<String, (String, String)> {
    let mut found = HashMap::new();
    for document in entries.iter().filter_map(|e| e.document.as_deref()) {
        if found.contains_key(document) {
            continue;
        }
        let plan = sql::query(
            "SELECT COALESCE(self_reports_of, document_id) AS plan FROM plans WHERE document_id = ?",
        )
        .bind(document)
        .fetch_optional(db.pool())
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get::<String, _>("plan").ok())
        .unwrap_or_else(|| document.to_string());
        let person = match DocumentId::parse_url_or_id(&plan) {
            Ok(id) => match summaries.summary(store, &id).await {
                Ok(summary) => summary.map(|s| s.person).unwrap_or_default(),
                Err(error) => {
                    tracing::warn!(%error, "could not read whom a plan is about for the access log");
                    String::new()
                }
            },
            Err(_) => String::new(),
        };
        found.insert(document.to_string(), (plan, person));
    }
    found
}

/// Write `entries` in one transaction, filling in name, organisation, role
/// and device from the database.
async fn insert(
    db: &Database,
    entries: &[Entry],
    persons: &HashMap<String, (String, String)>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for entry in entries {
        let (plan, person) = match entry.document.as_deref().and_then(|d| persons.get(d)) {
            Some((plan, person)) => (Some(plan.as_str()), person.as_str()),
            None => (entry.document.as_deref(), ""),
        };
        sql::query(
            "INSERT INTO access_log (at, principal, name, organisation, role, plan, person, action,
                                     session_id, device, offline, detail)
             VALUES (?1, ?2,
                COALESCE(?3,
                    (SELECT name FROM users WHERE id = ?11),
                    (SELECT label FROM devices WHERE id = ?12),
                    ?2),
                COALESCE((SELECT organisation FROM users WHERE id = ?11), ''),
                COALESCE(?4, (SELECT role FROM members WHERE document_id = ?5 AND principal = ?2), ''),
                ?5, ?6, ?7, ?8,
                COALESCE((SELECT device FROM sessions WHERE id = ?8), ''),
                ?9, ?10)",
        )
        .bind(entry.at)
        .bind(&entry.who.principal)
        .bind(&entry.who.name)
        .bind(entry.role.map(|role| role.as_str()))
        .bind(plan)
        .bind(person)
        .bind(entry.action.as_str())
        .bind(entry.who.session_id)
        .bind(entry.offline)
        .bind(&entry.detail)
        .bind(numbered(&entry.who.principal, "user:"))
        .bind(numbered(&entry.who.principal, "device:"))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The number in `principal` after `prefix` (`user:12` → 12), if it has that prefix.
fn numbered(principal: &str, prefix: &str) -> Option<i64> {
    principal.strip_prefix(prefix).and_then(|id| id.parse().ok())
}

/// Set how long entries are kept (at least 365 days, which the database
/// enforces too), then remove those older: the only way an entry goes.
/// Returns how many went.
pub async fn purge_expired(db: &Database, keep_days: u32) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sql::query("UPDATE access_log_retention SET keep_days = ? WHERE id = 1")
        .bind(i64::from(keep_days))
        .execute(&mut *tx)
        .await?;
    let cutoff = now_millis() - i64::from(keep_days) * 86_400_000;
    let purged = sql::query("DELETE FROM access_log WHERE at < ?")
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(purged)
}

#[cfg(test)]
mod tests;
