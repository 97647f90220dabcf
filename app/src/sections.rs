//! The sections of the plan page, one concept each: consent, participants,
//! goals, interventions, the completeness checklist and approvals. Each
//! reads the typed plan from a memo and changes it only through
//! `shared::plan::edit` via [`crate::repo::Repo::change`].

pub mod approvals;
pub mod checklist;
pub mod consent;
pub mod deviations;
pub mod follow_up;
pub mod goals;
pub mod history;
pub mod interventions;
pub mod meeting;
pub mod participants;
pub mod preparation;
pub mod self_reports;
pub mod sharing;

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::Plan;
use shared::DocumentId;

/// What every section gets: the plan's id, its version signal and its typed view.
#[derive(Clone, Copy)]
pub struct PlanContext {
    /// Which plan.
    pub id: DocumentId,
    /// Bumped on every change.
    pub version: RwSignal<u64>,
    /// The plan as it is now. Shared, not copied: every section and every
    /// item reads it, and a large plan's copy costs more than a keystroke may
    /// (each `get` of a `Memo<Option<Plan>>` cloned the whole plan).
    pub plan: Memo<Option<Arc<Plan>>>,
    /// The last refusal of a change, shown to the person.
    pub problem: RwSignal<Option<String>>,
}

impl PlanContext {
    /// Run an edit; a refusal becomes the message shown under the header.
    pub fn change<T>(
        &self,
        edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<T, shared::plan::PlanError>,
    ) -> Option<T> {
        let result = expect_context::<crate::RepoHandle>().get().change(&self.id, edit);
        self.report(result.as_ref().err().map(ToString::to_string));
        result.ok()
    }

    fn report(&self, problem: Option<String>) {
        self.problem.set(problem);
    }
}

/// The name this device signs entries with ("Okänd" when none is set).
pub fn signer_name() -> String {
    let name = expect_context::<crate::RepoHandle>().get().my_name.get_untracked();
    if name.trim().is_empty() {
        "Okänd".into()
    } else {
        name
    }
}

pub use crate::clock::{day_of, now_millis, today};
