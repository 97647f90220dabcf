//! Consent (samtycke): a log of decisions, never only the latest state.
//!
//! No SIP without the person's consent; a refusal is documented too; the
//! consent can be withdrawn at any time, which ends the plan. For a child the
//! guardians consent (seed 004), and the child according to age and maturity.

use serde::{Deserialize, Serialize};

/// The decision recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentDecision {
    /// Samtycke lämnat.
    Given,
    /// Samtycke nekat.
    Refused,
    /// Samtycke återkallat: the plan ends.
    Withdrawn,
}

impl ConsentDecision {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            ConsentDecision::Given => "Samtycke lämnat",
            ConsentDecision::Refused => "Samtycke nekat",
            ConsentDecision::Withdrawn => "Samtycke återkallat",
        }
    }
}

/// How the consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentForm {
    /// Muntligt.
    Oral,
    /// Skriftligt.
    Written,
}

impl ConsentForm {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            ConsentForm::Oral => "Muntligt",
            ConsentForm::Written => "Skriftligt",
        }
    }

    /// The label inside a sentence ("muntligt").
    pub fn in_sentence(self) -> &'static str {
        match self {
            ConsentForm::Oral => "muntligt",
            ConsentForm::Written => "skriftligt",
        }
    }
}

/// Who gave (or refused, or withdrew) the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentGiver {
    /// Den enskilde.
    Person,
    /// Vårdnadshavare (for a child).
    Guardian,
}

/// One entry of the consent log (an immutable [`super::Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    /// Beslut.
    pub decision: ConsentDecision,
    /// Muntligt eller skriftligt.
    pub form: ConsentForm,
    /// Vem: the person or a guardian.
    pub giver: ConsentGiver,
    /// The guardian's name, when a guardian decided.
    #[serde(default)]
    pub giver_name: String,
    /// The guardian's participant id in the plan, when a guardian among
    /// the participants decided (empty in entries made before the plan
    /// asked, and for the person).
    #[serde(default)]
    pub giver_id: String,
    /// With which participants (ids) the plan's information may be shared,
    /// when the decision names them (seed 002: consent to sharing with
    /// named parties). `None`: with everyone who takes part in the plan
    /// (the usual consent, and what entries made before the plan asked
    /// meant).
    #[serde(default)]
    pub shared_with: Option<Vec<String>>,
    /// What may not be shared or raised, in the person's words ("Min
    /// missbruksvård tas inte upp med skolan").
    #[serde(default)]
    pub not_shared: String,
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Antecknat av: who recorded it.
    pub recorded_by: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[serde(default)]
    pub author: String,
    /// Kommentar.
    #[serde(default)]
    pub comment: String,
    /// When it was recorded (ms since 1970); orders the log.
    pub recorded_at: i64,
}

/// What the consent log says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    /// Nothing recorded yet.
    NotRecorded,
    /// Consent given (for a child: by every guardian who decided).
    Given,
    /// Refused; nothing may be shared.
    Refused,
    /// Withdrawn; the plan has ended.
    Withdrawn,
}

/// Consent entries in the order they were recorded (stable for equal
/// times). The one sort of entries, shared by every reader of the log.
pub fn in_time_order(mut entries: Vec<&ConsentEntry>) -> Vec<&ConsentEntry> {
    entries.sort_by_key(|e| e.recorded_at);
    entries
}

/// The state of a consent log. The latest decision of each giver counts;
/// any refusal or withdrawal among the latest decisions wins over consent.
pub fn consent_state<'a>(log: impl IntoIterator<Item = &'a ConsentEntry>) -> ConsentState {
    let entries = in_time_order(log.into_iter().collect());
    let mut latest: Vec<(ConsentGiver, &str, ConsentDecision)> = Vec::new();
    for entry in entries {
        let who = (entry.giver, giver_key(entry));
        match latest.iter_mut().find(|(g, n, _)| (*g, *n) == who) {
            Some(slot) => slot.2 = entry.decision,
            None => latest.push((who.0, who.1, entry.decision)),
        }
    }
    if latest.is_empty() {
        ConsentState::NotRecorded
    } else if latest.iter().any(|(_, _, d)| *d == ConsentDecision::Withdrawn) {
        ConsentState::Withdrawn
    } else if latest.iter().any(|(_, _, d)| *d == ConsentDecision::Refused) {
        ConsentState::Refused
    } else {
        ConsentState::Given
    }
}

/// Who decided, as the log tells givers apart: the guardian's participant
/// id when known, else their name.
fn giver_key(entry: &ConsentEntry) -> &str {
    if entry.giver_id.is_empty() {
        entry.giver_name.trim()
    } else {
        &entry.giver_id
    }
}

/// The extent of what was consented to: the latest consent given, and with
/// whom the plan's information may be shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentExtent {
    /// The participant ids the information may be shared with; `None`:
    /// everyone who takes part in the plan.
    pub shared_with: Option<Vec<String>>,
    /// What may not be shared, in the person's words.
    pub not_shared: String,
}

impl super::Plan {
    /// The consent in force for the plan, taking a child's plan into
    /// account: for a child ([`super::Person::is_child`]) with guardians
    /// among the participants, consent is given only when every one of
    /// them has given it (until then [`ConsentState::NotRecorded`], and
    /// [`Self::guardians_awaited`] names who is awaited).
    pub fn consent_state(&self) -> ConsentState {
        let state = consent_state(self.consent.values().map(|r| &r.0));
        if state == ConsentState::Given && !self.guardians_awaited().is_empty() {
            ConsentState::NotRecorded
        } else {
            state
        }
    }

    /// For a child's plan: the guardians among the participants (ids and
    /// names, in the plan's order) whose latest decision is not consent
    /// given. Empty for an adult's plan.
    pub fn guardians_awaited(&self) -> Vec<(String, String)> {
        if !self.person.is_child {
            return Vec::new();
        }
        let log = in_time_order(self.consent.values().map(|r| &r.0).collect());
        self.ordered_participants()
            .into_iter()
            .filter(|(_, p)| p.kind == super::ParticipantKind::Guardian)
            .filter(|(id, p)| {
                let latest = log.iter().rev().find(|e| {
                    e.giver == ConsentGiver::Guardian
                        && (e.giver_id == **id
                            || (e.giver_id.is_empty() && e.giver_name.trim() == p.name.trim()))
                });
                latest.is_none_or(|e| e.decision != ConsentDecision::Given)
            })
            .map(|(id, p)| (id.clone(), p.name.trim().to_string()))
            .collect()
    }

    /// What the consent in force allows to be shared: from the latest
    /// entry that gave consent. `None` when no consent is in force.
    pub fn consent_extent(&self) -> Option<ConsentExtent> {
        if self.consent_state() != ConsentState::Given {
            return None;
        }
        let log = in_time_order(self.consent.values().map(|r| &r.0).collect());
        let latest = log.into_iter().rev().find(|e| e.decision == ConsentDecision::Given)?;
        Some(ConsentExtent {
            shared_with: latest.shared_with.clone(),
            not_shared: latest.not_shared.trim().to_string(),
        })
    }

    /// The participants (ids and names) that the consent in force does not
    /// name among those the information may be shared with: added after
    /// the consent, or left out on purpose. Not the person themselves.
    /// Empty when no consent is in force or it covers everyone who takes
    /// part.
    pub fn participants_outside_consent(&self) -> Vec<(String, String)> {
        let Some(ConsentExtent { shared_with: Some(shared_with), .. }) = self.consent_extent() else {
            return Vec::new();
        };
        self.ordered_participants()
            .into_iter()
            .filter(|(id, p)| p.kind != super::ParticipantKind::Person && !shared_with.contains(id))
            .map(|(id, p)| (id.clone(), p.name.trim().to_string()))
            .collect()
    }
}
