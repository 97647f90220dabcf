//! Who may change what in a plan: the rules the relay enforces on every
//! change a peer sends, and that the app can follow to hide what a role
//! may not do.
//!
//! Closing the plan (avslut) is the coordinator's (samordningsansvarig):
//! only they may close it, change how it was closed, or open it again.
//! Consent can be withdrawn at any time and to whoever is there, and a
//! withdrawal ends the plan: anyone who may edit may record it, and the
//! closing that comes with it ([`super::edit::record_consent`]) closes an
//! open plan for every writer. In the same way anyone who may edit may
//! record that the person consents again, which opens a plan that the
//! withdrawal closed: the consent log must go from withdrawn to given.
//!
//! The person reads "Hela planen" to follow it and writes in it (their
//! main goal, their preparation, their approval), but removes nothing: a
//! goal, sub-goal, intervention or participant is removed by the
//! professionals who answer for it, and comes back with "Ångra". The app
//! shows the person no "Ta bort"; the relay refuses a removal from them all
//! the same.
//!
//! The rules compare the plan before and after a change. They read only
//! the parts of a plan that they judge ([`Guarded`]), so that checking a
//! change costs two reads of those, not of the whole plan.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{ObjType, Value, ROOT};
use autosurgeon::{hydrate_prop, Hydrate, ReadDoc};

use super::{consent_state, Closing, ClosingReason, ConsentEntry, ConsentState, Plan, Record};

/// What a writer may do under these rules. Readers change nothing at all;
/// that is decided before any rule here is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The plan's coordinator: every change.
    Coordinator,
    /// Any other member who may edit (an editor).
    Member,
    /// The person the plan is for (or a member who answers for them): as a
    /// member, and removes no item of the plan.
    Person,
}

/// Why a change was refused, in the words the writer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Someone other than the coordinator closed the plan (for another
    /// reason than withdrawn consent), changed its closing, or opened it
    /// (other than by recording consent given again after a withdrawal).
    #[error("Bara samordningsansvarig kan avsluta planen eller ändra avslutet. Ändringen sparades inte.")]
    ClosingIsTheCoordinators,
    /// The person removed a goal, sub-goal, intervention or participant.
    #[error("Du kan inte ta bort något ur planen. Säg till din samordnare om något ska bort. Ändringen sparades inte.")]
    RemovalIsNotThePersons,
}

/// The plan's closing as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClosingState {
    /// Not closed.
    Open,
    /// Closed, and how.
    Closed(ClosingFields),
    /// Something is stored as the closing that is not one (a damaged or
    /// foreign document): only the coordinator may touch it.
    Unreadable,
}

/// A closing as it is stored, each field read if it is there: a closing
/// written by another client may lack fields that [`Closing`] requires, and
/// is still a closing (a withdrawal recorded with only its reason and date
/// closes the plan).
#[derive(Debug, Clone, PartialEq, Default, Hydrate)]
pub struct ClosingFields {
    /// Skäl.
    #[autosurgeon(missing = "Default::default")]
    pub reason: Option<ClosingReason>,
    /// Datum.
    #[autosurgeon(missing = "Default::default")]
    pub date: Option<String>,
    /// Beslutat tillsammans med den enskilde.
    #[autosurgeon(missing = "Default::default")]
    pub decided_with_person: Option<bool>,
    /// Vem.
    #[autosurgeon(missing = "Default::default")]
    pub by: Option<String>,
    /// Kommentar.
    #[autosurgeon(missing = "Default::default")]
    pub comment: Option<String>,
}

impl From<&Closing> for ClosingFields {
    fn from(closing: &Closing) -> Self {
        ClosingFields {
            reason: Some(closing.reason),
            date: Some(closing.date.clone()),
            decided_with_person: Some(closing.decided_with_person),
            by: Some(closing.by.clone()),
            comment: Some(closing.comment.clone()),
        }
    }
}

/// The parts of a plan that the rules judge.
#[derive(Debug, Clone, PartialEq)]
pub struct Guarded {
    /// Avslut.
    pub closing: ClosingState,
    /// What the consent log says (an unreadable log says nothing).
    pub consent: ConsentState,
    /// Every item the person may not remove, by its place in the document
    /// ("goals/<id>", "goals/<id>/sub_goals/<id>", "interventions/<id>",
    /// "participants/<id>").
    pub items: BTreeSet<String>,
}

impl Guarded {
    /// The guarded parts of a plan.
    pub fn of(plan: &Plan) -> Guarded {
        let closing = match &plan.closing {
            Some(closing) => ClosingState::Closed(closing.into()),
            None => ClosingState::Open,
        };
        // The log's own state, as [`Guarded::read`] reads it (not a child's
        // plan waiting for a guardian: the rules judge the log).
        let mut items = BTreeSet::new();
        for (id, goal) in &plan.goals {
            items.insert(format!("goals/{id}"));
            items.extend(goal.sub_goals.keys().map(|sub| format!("goals/{id}/sub_goals/{sub}")));
        }
        items.extend(plan.interventions.keys().map(|id| format!("interventions/{id}")));
        items.extend(plan.participants.keys().map(|id| format!("participants/{id}")));
        Guarded { closing, consent: consent_state(plan.consent.values().map(|r| &r.0)), items }
    }

    /// The guarded parts, read straight from the plan's document (without
    /// reading the rest of the plan).
    pub fn read(doc: &impl ReadDoc) -> Guarded {
        let closing = match hydrate_prop::<_, Option<ClosingFields>, _, _>(doc, ROOT, "closing") {
            Ok(Some(closing)) => ClosingState::Closed(closing),
            Ok(None) => ClosingState::Open,
            Err(_) => ClosingState::Unreadable,
        };
        let log =
            hydrate_prop::<_, Option<BTreeMap<String, Record<ConsentEntry>>>, _, _>(doc, ROOT, "consent");
        let consent = match log {
            Ok(Some(log)) => consent_state(log.values().map(|r| &r.0)),
            Ok(None) | Err(_) => ConsentState::NotRecorded,
        };
        Guarded { closing, consent, items: read_items(doc) }
    }

    /// Whether the plan is closed because consent was withdrawn.
    pub fn closed_for_withdrawn_consent(&self) -> bool {
        matches!(&self.closing, ClosingState::Closed(closing) if closes_for_withdrawn_consent(closing))
    }
}

/// May a writer with `authority` change the plan from `before` to `after`?
pub fn check(authority: Authority, before: &Guarded, after: &Guarded) -> Result<(), Refusal> {
    if authority == Authority::Person && !before.items.is_subset(&after.items) {
        return Err(Refusal::RemovalIsNotThePersons);
    }
    if authority == Authority::Coordinator || before.closing == after.closing {
        return Ok(());
    }
    match (&before.closing, &after.closing) {
        (ClosingState::Open, ClosingState::Closed(closing)) if closes_for_withdrawn_consent(closing) => {
            Ok(())
        }
        (ClosingState::Closed(closing), ClosingState::Open)
            if closes_for_withdrawn_consent(closing)
                && before.consent == ConsentState::Withdrawn
                && after.consent == ConsentState::Given =>
        {
            Ok(())
        }
        _ => Err(Refusal::ClosingIsTheCoordinators),
    }
}

/// [`check`] over two whole plans.
pub fn check_plans(authority: Authority, before: &Plan, after: &Plan) -> Result<(), Refusal> {
    check(authority, &Guarded::of(before), &Guarded::of(after))
}

/// Whether a writer with `authority` may close the plan for any reason,
/// change its closing or open it again (the app shows the closing form).
pub fn may_close(authority: Authority) -> bool {
    authority == Authority::Coordinator
}

/// Whether a writer with `authority` may record that consent was withdrawn
/// (and so close an open plan): every writer may.
pub fn may_record_withdrawal(_authority: Authority) -> bool {
    true
}

/// Whether a writer with `authority` may remove goals, sub-goals,
/// interventions and participants (the app shows "Ta bort").
pub fn may_remove(authority: Authority) -> bool {
    authority != Authority::Person
}

/// The places of the items in [`Guarded::items`], read as keys of the
/// document's maps (nothing of the items themselves is read).
fn read_items(doc: &impl ReadDoc) -> BTreeSet<String> {
    let map = |parent: &automerge::ObjId, key: &str| match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    };
    let keys = |map: &automerge::ObjId| -> Vec<String> {
        doc.map_range(map, ..).map(|item| item.key.to_string()).collect()
    };
    let mut items = BTreeSet::new();
    if let Some(goals) = map(&ROOT, "goals") {
        for id in keys(&goals) {
            if let Some(sub_goals) = map(&goals, &id).and_then(|goal| map(&goal, "sub_goals")) {
                items.extend(keys(&sub_goals).into_iter().map(|sub| format!("goals/{id}/sub_goals/{sub}")));
            }
            items.insert(format!("goals/{id}"));
        }
    }
    for collection in ["interventions", "participants"] {
        if let Some(map) = map(&ROOT, collection) {
            items.extend(keys(&map).into_iter().map(|id| format!("{collection}/{id}")));
        }
    }
    items
}

fn closes_for_withdrawn_consent(closing: &ClosingFields) -> bool {
    closing.reason == Some(ClosingReason::ConsentWithdrawn)
}

#[cfg(test)]
mod tests;
