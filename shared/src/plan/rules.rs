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
//! The rules compare the plan before and after a change. They read only
//! the parts of a plan that they judge ([`Guarded`]), so that checking a
//! change costs two reads of those, not of the whole plan.

use std::collections::BTreeMap;

use automerge::ROOT;
use autosurgeon::{hydrate_prop, Hydrate, ReadDoc};

use super::{consent_state, Closing, ClosingReason, ConsentEntry, ConsentState, Plan, Record};

/// What a writer may do under these rules. Readers change nothing at all;
/// that is decided before any rule here is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The plan's coordinator: every change.
    Coordinator,
    /// Any other member who may edit (an editor, the person).
    Member,
}

/// Why a change was refused, in the words the writer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Someone other than the coordinator closed the plan (for another
    /// reason than withdrawn consent), changed its closing, or opened it
    /// (other than by recording consent given again after a withdrawal).
    #[error("Bara samordningsansvarig kan avsluta planen eller ändra avslutet. Ändringen sparades inte.")]
    ClosingIsTheCoordinators,
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
        Guarded { closing, consent: consent_state(plan.consent.values().map(|r| &r.0)) }
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
        Guarded { closing, consent }
    }

    /// Whether the plan is closed because consent was withdrawn.
    pub fn closed_for_withdrawn_consent(&self) -> bool {
        matches!(&self.closing, ClosingState::Closed(closing) if closes_for_withdrawn_consent(closing))
    }
}

/// May a writer with `authority` change the plan from `before` to `after`?
pub fn check(authority: Authority, before: &Guarded, after: &Guarded) -> Result<(), Refusal> {
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

fn closes_for_withdrawn_consent(closing: &ClosingFields) -> bool {
    closing.reason == Some(ClosingReason::ConsentWithdrawn)
}

#[cfg(test)]
mod tests;
