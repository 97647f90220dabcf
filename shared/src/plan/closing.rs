//! Follow-up and evaluation dates, revisions, and closing the plan (avslut).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::Text;

/// When the plan is followed up and evaluated.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct FollowUp {
    /// Nästa uppföljning (YYYY-MM-DD).
    #[autosurgeon(missing = "Default::default")]
    pub next_follow_up: Option<String>,
    /// Utvärdering (YYYY-MM-DD).
    #[autosurgeon(missing = "Default::default")]
    pub evaluation: Option<String>,
    /// Hur uppföljningen går till.
    #[autosurgeon(missing = "Default::default")]
    pub how: Text,
}

/// A revision of the plan (revidering), recorded at follow-up (an immutable [`super::Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Vem.
    pub by: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[serde(default)]
    pub author: String,
    /// Vad ändrades och varför.
    pub summary: String,
    /// When it was recorded (ms since 1970).
    pub recorded_at: i64,
}

/// Why a plan was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum ClosingReason {
    /// Målen är uppnådda.
    GoalsMet,
    /// Samordning behövs inte längre.
    NoLongerNeeded,
    /// Den enskilde har återkallat sitt samtycke.
    ConsentWithdrawn,
    /// Annat skäl.
    Other,
}

impl ClosingReason {
    /// Every reason, in the order a form lists them.
    pub const ALL: [ClosingReason; 4] = [
        ClosingReason::GoalsMet,
        ClosingReason::NoLongerNeeded,
        ClosingReason::ConsentWithdrawn,
        ClosingReason::Other,
    ];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            ClosingReason::GoalsMet => "Målen är uppnådda",
            ClosingReason::NoLongerNeeded => "Samordning behövs inte längre",
            ClosingReason::ConsentWithdrawn => "Samtycket är återkallat",
            ClosingReason::Other => "Annat skäl",
        }
    }
}

/// The plan was closed (avslutad).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Closing {
    /// Skäl.
    pub reason: ClosingReason,
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Beslutat tillsammans med den enskilde.
    pub decided_with_person: bool,
    /// Vem.
    pub by: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[autosurgeon(missing = "Default::default")]
    pub author: String,
    /// Kommentar.
    #[autosurgeon(missing = "Default::default")]
    pub comment: String,
}
