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
pub mod paper;
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
    /// The sections' first screen was drawn. What is below them on the page
    /// and comes as a wasm chunk of its own (the history, sharing) waits
    /// for it: fetched at once, its chunk competed with the sections' for
    /// the network and the main thread while the plan was opening.
    pub sections_shown: RwSignal<bool>,
    /// This device's role in the plan, from the server (remembered for
    /// offline use).
    pub role: RwSignal<Option<shared::Role>>,
    /// The participant of the plan this device is (its id), from the
    /// server: the row whose approval is one's own.
    pub me: RwSignal<Option<String>>,
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

    /// One part of the plan, as a memo: what shows it is drawn again only
    /// when that part changed, not on every change of the plan.
    pub fn part<T: PartialEq + Default + Send + Sync + 'static>(
        &self,
        part: impl Fn(&Plan) -> T + Send + Sync + 'static,
    ) -> Memo<T> {
        let plan = self.plan;
        Memo::new(move |_| plan.with(|p| p.as_deref().map(&part).unwrap_or_default()))
    }

    /// One item of the plan (found by `pick`) as a memo of the plan that
    /// tells its readers only when that item changed. Nothing is copied:
    /// readers look at the item in the plan the memo holds. A large plan
    /// has hundreds of items, and copying each one to compare it after every
    /// change was most of the time the plan took to follow a keystroke.
    pub fn item<T: PartialEq + 'static>(
        &self,
        pick: impl for<'a> Fn(&'a Plan) -> Option<&'a T> + Send + Sync + 'static,
    ) -> Memo<Option<Arc<Plan>>> {
        Self::item_of(self.plan, pick)
    }

    /// [`PlanContext::item`] of an item in a part that is itself such a
    /// memo (an intervention of `interventions`): when the part did not
    /// change, its items are not looked at.
    pub fn item_of<T: PartialEq + 'static>(
        plan: Memo<Option<Arc<Plan>>>,
        pick: impl for<'a> Fn(&'a Plan) -> Option<&'a T> + Send + Sync + 'static,
    ) -> Memo<Option<Arc<Plan>>> {
        Memo::new_owning(move |last: Option<Option<Arc<Plan>>>| {
            let now = plan.get();
            let changed = match &last {
                Some(last) => last.as_deref().and_then(&pick) != now.as_deref().and_then(&pick),
                None => true,
            };
            (now, changed)
        })
    }

    /// The trimmed text of a form field that must not be empty; `None`,
    /// with `missing` shown as the problem, when it is.
    pub fn filled(&self, field: RwSignal<String>, missing: &str) -> Option<String> {
        let text = field.get_untracked().trim().to_string();
        if text.is_empty() {
            self.problem.set(Some(missing.to_string()));
            return None;
        }
        Some(text)
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
