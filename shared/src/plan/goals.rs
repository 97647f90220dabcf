//! Goals in the person's own words, SMART sub-goals, and their status history.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Record, Text};

/// How far a goal has come, as recorded at follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Uppfyllt.
    Fulfilled,
    /// Delvis uppfyllt.
    PartlyFulfilled,
    /// Inte uppfyllt.
    NotFulfilled,
}

impl Outcome {
    /// Every outcome, in the order a form lists them.
    pub const ALL: [Outcome; 3] = [Outcome::Fulfilled, Outcome::PartlyFulfilled, Outcome::NotFulfilled];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Fulfilled => "Uppfyllt",
            Outcome::PartlyFulfilled => "Delvis uppfyllt",
            Outcome::NotFulfilled => "Inte uppfyllt",
        }
    }
}

/// One entry of a goal's or sub-goal's status history (an immutable [`Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    /// Uppfyllt, delvis uppfyllt or inte uppfyllt.
    pub outcome: Outcome,
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Vem: who recorded it.
    pub by: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[serde(default)]
    pub author: String,
    /// Kommentar.
    #[serde(default)]
    pub comment: String,
    /// When it was recorded (ms since 1970); orders the history.
    pub recorded_at: i64,
}

/// A goal (mål), in the person's own words.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Goal {
    /// The goal ("Jag vill gå till brevlådan och hämta min post själv.").
    pub text: Text,
    /// Order in the plan (fractional index; ties broken by id).
    #[autosurgeon(missing = "Default::default")]
    pub position: String,
    /// Delmål, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub sub_goals: BTreeMap<String, SubGoal>,
    /// Status history, by entry id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub status: BTreeMap<String, Record<StatusEntry>>,
}

/// A sub-goal (delmål): specific, measurable, accepted, realistic, time-bound.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct SubGoal {
    /// What (specifikt).
    pub text: Text,
    /// How we will know (mätbart).
    #[autosurgeon(missing = "Default::default")]
    pub measure: Text,
    /// By when (tidsatt), YYYY-MM-DD.
    #[autosurgeon(missing = "Default::default")]
    pub target_date: Option<String>,
    /// Order under its goal.
    #[autosurgeon(missing = "Default::default")]
    pub position: String,
    /// Status history, by entry id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub status: BTreeMap<String, Record<StatusEntry>>,
}

/// The latest entry of a status history.
pub fn latest_status(history: &BTreeMap<String, Record<StatusEntry>>) -> Option<&StatusEntry> {
    history.iter().max_by(|(ia, a), (ib, b)| (a.recorded_at, ia).cmp(&(b.recorded_at, ib))).map(|(_, e)| &e.0)
}
