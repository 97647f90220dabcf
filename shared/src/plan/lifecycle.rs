//! The plan's life cycle, made explicit: a draft until the person
//! consents, then consented, active once approved at a meeting, closed
//! (by the coordinator, or by a withdrawal of consent), and reopened when
//! the person consents again after withdrawing. Derived from the consent
//! log and the closing, never stored: there is nothing to get out of step.

use super::{ConsentDecision, ConsentState, Plan};

/// Where the plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// No consent yet, or a refusal: nothing may be shared.
    Draft,
    /// The person has consented; the plan is being made.
    Consented,
    /// Consented and approved at a meeting: in force.
    Active,
    /// Closed, or consent withdrawn.
    Closed,
    /// Consent given again after a withdrawal: in force again.
    Reopened,
}

impl Lifecycle {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Lifecycle::Draft => "Utkast",
            Lifecycle::Consented => "Samtycke finns",
            Lifecycle::Active => "Pågår",
            Lifecycle::Closed => "Avslutad",
            Lifecycle::Reopened => "Öppnad igen",
        }
    }
}

impl Plan {
    /// Where the plan is in its life.
    pub fn lifecycle(&self) -> Lifecycle {
        if self.closing.is_some() {
            return Lifecycle::Closed;
        }
        match self.consent_state() {
            ConsentState::NotRecorded | ConsentState::Refused => Lifecycle::Draft,
            ConsentState::Withdrawn => Lifecycle::Closed,
            ConsentState::Given => {
                let withdrawn_before =
                    self.consent.values().any(|r| r.0.decision == ConsentDecision::Withdrawn);
                let approved = self.meetings.values().any(|m| !m.approvals.is_empty());
                if withdrawn_before {
                    Lifecycle::Reopened
                } else if approved {
                    Lifecycle::Active
                } else {
                    Lifecycle::Consented
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
