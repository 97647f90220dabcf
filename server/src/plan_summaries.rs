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

/// Summaries of stored plans, each with the last chunk it was read from.
#[derive(Clone, Debug, Default)]
pub struct PlanSummaries {
    /// A `std` mutex: it is never held across an `.await`.
    read: Arc<Mutex<HashMap<DocumentId, (i64, PlanSummary)>>>,
}

impl PlanSummaries {
    /// The summary of plan `id` as `store` holds it now; `None` when the
    /// store holds nothing of it, or a self-report document. A plan that cannot be read as one (a
    /// newer version's) has an empty summary, so that it is still listed.
    pub async fn summary(&self, store: &Store, id: &DocumentId) -> Result<Option<PlanSummary>, StorageError> {
        let Some(last) = store.last_chunk(id).await? else { return Ok(None) };
        if let Some(summary) = self.remembered(id, last) {
            return Ok(Some(summary));
        }
        // Read after `last` was: what is loaded is that or newer, so the
        // summary is never older than the chunk it is remembered with.
        let loaded = store.load(id).await?;
        // A self-report document is part of its plan, also in the moment
        // before the app has linked it (`self_reports_of`).
        if shared::plan::is_empty(&loaded.doc) || shared::self_reports::is_self_reports(&loaded.doc) {
            return Ok(None);
        }
        let summary = plan_summary::read(&loaded.doc).unwrap_or_else(|error| {
            tracing::warn!(document = %id, %error, "a stored plan could not be summarised");
            PlanSummary::default()
        });
        self.remember(*id, last, summary.clone());
        Ok(Some(summary))
    }

    fn remembered(&self, id: &DocumentId, last: i64) -> Option<PlanSummary> {
        let read = self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        read.get(id).filter(|(at, _)| *at == last).map(|(_, summary)| summary.clone())
    }

    fn remember(&self, id: DocumentId, last: i64, summary: PlanSummary) {
        let mut read = self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if read.len() >= REMEMBERED {
            read.clear();
        }
        read.insert(id, (last, summary));
    }
}
