//! Gallring: a closed plan is removed when its time is up.
//!
//! Why: a SIP's content belongs in each organisation's own records (the
//! journal of the region, the social services' documentation), where the
//! retention rules of each law apply; Samplan is where the plan is made and
//! followed, and keeps a closed plan only so long as the people in it may
//! still need it (`--gallra-after-days`, default [`DEFAULT_AFTER_DAYS`];
//! README, "Gallring"). A plan is closed when its `closing` has a date; it
//! goes that many days after that date, as a deletion does (content gone
//! from the file, sessions of its devices ended), recorded in the audit log
//! as `gallra` by `system:gallring`. The access log keeps its entries.
//!
//! `samplan-server gallra --dry-run` lists what would go; the server itself
//! gallrar once a day ([`crate::run`]).

use crate::storage::sql;
use shared::DocumentId;

use crate::access::access_log::query::parse_time;
use crate::access::{AccessError, Plans};
use crate::storage::{StorageError, Store};

/// One year after the closing date: time to take the plan into one's own
/// records, to ask about it, or to find that it must be opened again.
pub const DEFAULT_AFTER_DAYS: u32 = 365;

/// Why gallring failed.
#[derive(Debug, thiserror::Error)]
pub enum GallringError {
    /// Reading the plans failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Deleting a plan failed.
    #[error(transparent)]
    Access(#[from] AccessError),
}

/// A closed plan whose time is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The plan's document id.
    pub plan: String,
    /// The closing's date (YYYY-MM-DD).
    pub closed_on: String,
}

/// A plan gallrad: who were its members (to disconnect) and its documents
/// (the plan and its self-report document, to forget in memory).
#[derive(Debug, Clone)]
pub struct Removed {
    /// Which.
    pub due: Due,
    /// Its members' principals.
    pub members: Vec<String>,
    /// Its documents.
    pub documents: Vec<String>,
}

/// The closed plans whose closing date is more than `after_days` before `now` (ms).
pub async fn due(store: &Store, after_days: u32, now: i64) -> Result<Vec<Due>, StorageError> {
    let rows = sql::query(
        "SELECT document_id FROM plans WHERE deleted_at IS NULL AND self_reports_of IS NULL ORDER BY created_at",
    )
    .fetch_all(&store.pool())
    .await?;
    let cutoff = now - i64::from(after_days) * 86_400_000;
    let mut due = Vec::new();
    for row in rows {
        let plan: String = row.try_get("document_id")?;
        let Ok(id) = DocumentId::parse_url_or_id(&plan) else { continue };
        let loaded = store.load(&id).await?;
        let Ok(read) = shared::plan::read_plan(&loaded.doc) else { continue };
        let Some(closing) = read.closing else { continue };
        let closed_on = closing.date.trim().to_string();
        // The whole closing day counts as closed; a date that cannot be read keeps the plan.
        if parse_time(&closed_on, true).is_some_and(|closed| closed < cutoff) {
            due.push(Due { plan, closed_on });
        }
    }
    Ok(due)
}

/// Remove every plan [`due`] names now.
pub async fn gallra(store: &Store, plans: &Plans, after_days: u32) -> Result<Vec<Removed>, GallringError> {
    let mut removed = Vec::new();
    for due in due(store, after_days, crate::access::now_millis()).await? {
        let (members, documents) = plans.gallra(&due.plan, &due.closed_on).await?;
        removed.push(Removed { due, members, documents });
    }
    Ok(removed)
}
