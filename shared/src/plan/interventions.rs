//! Interventions (insatser, by kommun or region) and measures (åtgärder, by
//! others), with the responsible party's status reports over time.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Record, Text};

/// Who is responsible (huvudman) for an intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum Principal {
    /// Kommunen.
    Kommun,
    /// Regionen.
    Region,
    /// Någon annan: then it is a measure (åtgärd) by someone else.
    Other,
}

impl Principal {
    /// Every principal, in the order a form lists them.
    pub const ALL: [Principal; 3] = [Principal::Kommun, Principal::Region, Principal::Other];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Principal::Kommun => "Kommunen",
            Principal::Region => "Regionen",
            Principal::Other => "Annan aktör",
        }
    }
}

/// The state of an intervention as its responsible party reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InterventionStatus {
    /// Inte påbörjad.
    NotStarted,
    /// Pågår.
    Ongoing,
    /// Pausad.
    Paused,
    /// Genomförd.
    Done,
    /// Avbruten.
    Cancelled,
}

impl InterventionStatus {
    /// Every status, in the order a form lists them.
    pub const ALL: [InterventionStatus; 5] = [
        InterventionStatus::NotStarted,
        InterventionStatus::Ongoing,
        InterventionStatus::Paused,
        InterventionStatus::Done,
        InterventionStatus::Cancelled,
    ];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            InterventionStatus::NotStarted => "Inte påbörjad",
            InterventionStatus::Ongoing => "Pågår",
            InterventionStatus::Paused => "Pausad",
            InterventionStatus::Done => "Genomförd",
            InterventionStatus::Cancelled => "Avbruten",
        }
    }
}

/// A status report by the responsible party (an immutable [`Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterventionReport {
    /// Status.
    pub status: InterventionStatus,
    /// Kommentar.
    #[serde(default)]
    pub comment: String,
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Rapporterad av.
    pub by: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[serde(default)]
    pub author: String,
    /// When it was recorded (ms since 1970).
    pub recorded_at: i64,
}

/// An intervention (insats) or a measure by another actor (åtgärd).
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Intervention {
    /// Vad: what will be done, concretely.
    pub what: Text,
    /// För vilket mål: the goal it serves (id), if any.
    #[autosurgeon(missing = "Default::default")]
    pub goal_id: Option<String>,
    /// Ansvarig huvudman.
    #[autosurgeon(missing = "Default::default")]
    pub principal: Option<Principal>,
    /// The other actor, for a measure (Försäkringskassan, skolan …).
    #[autosurgeon(missing = "Default::default")]
    pub other_actor: String,
    /// Ansvarig enhet.
    #[autosurgeon(missing = "Default::default")]
    pub unit: String,
    /// Ansvarig person.
    #[autosurgeon(missing = "Default::default")]
    pub responsible_person: String,
    /// Start (YYYY-MM-DD).
    #[autosurgeon(missing = "Default::default")]
    pub start: Option<String>,
    /// Tidsplan ("varje tisdag i tre månader").
    #[autosurgeon(missing = "Default::default")]
    pub time_plan: Text,
    /// Order in the plan.
    #[autosurgeon(missing = "Default::default")]
    pub position: String,
    /// Status reports, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub reports: BTreeMap<String, Record<InterventionReport>>,
}

impl Intervention {
    /// Whether this is a measure taken by someone other than kommun or region.
    pub fn is_measure_by_other(&self) -> bool {
        self.principal == Some(Principal::Other)
    }

    /// Who gives this help, as the person's own view says it: "Kommunen",
    /// "Regionen", the other actor's name (or "Någon annan"); empty when
    /// no principal is set.
    pub fn given_by(&self) -> &str {
        match self.principal {
            Some(Principal::Other) if !self.other_actor.trim().is_empty() => self.other_actor.trim(),
            Some(Principal::Other) => "Någon annan",
            Some(principal) => principal.label(),
            None => "",
        }
    }
}
