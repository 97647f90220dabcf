//! The sections of the plan page, one concept each: consent, participants,
//! goals, interventions, the completeness checklist and approvals. Each
//! reads the typed plan from a memo and changes it only through
//! `shared::plan::edit` via [`crate::repo::Repo::change`].

pub mod access_log;
pub mod approvals;
pub mod checklist;
pub mod consent;
pub mod consent_form;
pub mod contents;
pub mod deviations;
pub mod follow_up;
pub mod goals;
pub mod history;
pub mod interventions;
pub mod meeting;
pub mod meeting_mode;
pub mod minutes;
pub mod paper;
pub mod participants;
pub mod preparation;
pub mod self_reports;
pub mod sharing;
pub mod sub_goal_outcomes;
pub mod todo;

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
    /// The name the server knows this device's member by (the account's
    /// name, or the invitation's): proposed when they join the participants.
    pub name: RwSignal<String>,
    /// "Bjud in" was pressed beside this participant (their id): sharing
    /// starts an invitation for them.
    pub invite: RwSignal<Option<String>>,
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

/// Who writes a record from this device: the participant the server says
/// it is, by id and by their name in the plan (the relay checks both:
/// `shared::plan::signatures`).
#[derive(Debug, Clone, PartialEq)]
pub struct SignedBy {
    /// The participant's id.
    pub author: String,
    /// Their name, as the plan's participants have it.
    pub name: String,
}

/// What a form says when this device is not among the participants.
const NOT_A_PARTICIPANT: &str =
    "Du finns inte bland deltagarna i planen än. Lägg till dig under Deltagare, så antecknas det du skriver i ditt namn.";

impl PlanContext {
    /// Whether this device may write and is not yet among the participants:
    /// it is asked to join them first ([`participants::JoinPlan`]).
    pub fn not_yet_a_participant(&self) -> bool {
        let may_write = self.role.get().is_some_and(|role| role != shared::Role::Reader);
        may_write
            && self.me.get().is_some_and(|me| {
                self.plan
                    .with(|plan| plan.as_deref().is_some_and(|plan| !plan.participants.contains_key(&me)))
            })
    }

    /// Who this device writes records as, if it is among the participants.
    pub fn signed_by(&self) -> Option<SignedBy> {
        let author = self.me.get()?;
        let name = self.plan.with(|plan| {
            plan.as_deref().and_then(|p| p.participants.get(&author)).map(|p| p.name.trim().to_string())
        })?;
        (!name.is_empty()).then_some(SignedBy { author, name })
    }

    /// Whether this device may remove goals, interventions and participants:
    /// not the person, who reads "Hela planen" to follow it (the plan's items
    /// are removed by the professionals who answer for them, with "Ångra").
    pub fn may_remove(&self) -> bool {
        self.role.get() != Some(shared::Role::Person)
    }

    /// [`PlanContext::signed_by`] for a form about to write: when there is
    /// nobody to sign as, says so and gives `None`.
    pub fn signer(&self) -> Option<SignedBy> {
        let signer = untrack(|| self.signed_by());
        if signer.is_none() {
            self.problem.set(Some(NOT_A_PARTICIPANT.to_string()));
        }
        signer
    }
}

/// The line under a form that says in whose name it is written.
#[component]
pub fn SignedAs(ctx: PlanContext) -> impl IntoView {
    move || match ctx.signed_by() {
        Some(signer) => {
            view! { <p class="signed-as">{format!("Antecknas av {}", signer.name)}</p> }.into_any()
        }
        None => view! { <p class="signed-as">{NOT_A_PARTICIPANT}</p> }.into_any(),
    }
}

pub use crate::clock::{day_of, now_millis, today};
