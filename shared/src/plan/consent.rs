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
        let who = (entry.giver, entry.giver_name.trim());
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
