//! What "Mina planer" shows of each stored plan (`shared::plan_summary`),
//! remembered per plan until the plan changes.
//!
//! Why: a member's list reads every plan they are in, and loading a
//! document makes Automerge rebuild and hash every change it ever had
//! (tens of milliseconds for a plan with a long history). A plan is listed
//! far more often than it changes, so each summary is kept with the id of
//! the last stored chunk it was read from ([`Store::last_chunk`]): while
//! that id is the same, so is the stored plan, and a list costs one query
//! per plan.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shared::plan_summary::{self, PlanSummary};
use shared::DocumentId;

use crate::storage::{StorageError, Store};

/// At most this many summaries are remembered; beyond, they are forgotten
/// all at once and read again as they are asked for.
const REMEMBERED: usize = 10_000;

/// What is remembered of a document: the last chunk read, and its summary
/// (`None`: not a plan, e.g. a self-report document).
type Remembered = (i64, Option<PlanSummary>);

/// Summaries of stored plans, each with the last chunk it was read from.
#[derive(Clone, Debug, Default)]
pub struct PlanSummaries {
    /// A `std` mutex: it is never held across an `.await`.
    read: Arc<Mutex<HashMap<DocumentId, Remembered>>>,
}

impl PlanSummaries {
    /// The summary of plan `id` as `store` holds it now; `None` when the
    /// store holds nothing of it, or it is a self-report document. A plan
    /// that cannot be read as one (a newer version's) has an empty summary,
    /// so that it is still listed.
    pub async fn summary(&self, store: &Store, id: &DocumentId) -> Result<Option<PlanSummary>, StorageError> {
        let Some(last) = store.last_chunk(id).await? else { return Ok(None) };
        if let Some(summary) = self.remembered(id, last) {
            return Ok(summary);
        }
        // Read after `last` was: what is loaded is that or newer, so the
        // summary is never older than the chunk it is remembered with.
        let loaded = store.load(id).await?;
        let summary = if shared::plan::is_empty(&loaded.doc) {
            None
        } else if is_self_reports(&loaded.doc) {
            // Part of its plan, also in the moment before the app has
            // linked it (`self_reports_of`).
            None
        } else {
            Some(plan_summary::read(&loaded.doc).unwrap_or_else(|error| {
                tracing::warn!(document = %id, %error, "a stored plan could not be summarised");
                PlanSummary::default()
            }))
        };
        self.remember(*id, last, summary.clone());
        Ok(summary)
    }

    fn remembered(&self, id: &DocumentId, last: i64) -> Option<Option<PlanSummary>> {
        let read = self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        read.get(id).filter(|(at, _)| *at == last).map(|(_, summary)| summary.clone())
    }

    fn remember(&self, id: DocumentId, last: i64, summary: Option<PlanSummary>) {
        let mut read = self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if read.len() >= REMEMBERED {
            read.clear();
        }
        read.insert(id, (last, summary));
    }
}

/// A self-report document, not a plan: its keys, and none of a plan's (a
/// plan that someone gave a `reports` key is still listed).
fn is_self_reports(doc: &automerge::Automerge) -> bool {
    use automerge::ReadDoc;
    shared::self_reports::is_self_reports(doc)
        && doc.get(automerge::ROOT, "person").is_ok_and(|v| v.is_none())
}
