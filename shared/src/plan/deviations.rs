//! Deviation reports (avvikelse), of the four kinds in the seeds.

use autosurgeon::{Hydrate, Reconcile};

use super::Text;

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum DeviationKind {
    /// SIP was not initiated though the need was obvious.
    NotInitiated,
    /// An invited representative did not come.
    InvitedDidNotAttend,
    /// The person was treated badly.
    TreatedBadly,
    /// A part of the plan was not followed.
    PlanNotFollowed,
}

impl DeviationKind {
    /// Every kind, in the order of the seeds.
    pub const ALL: [DeviationKind; 4] = [
        DeviationKind::NotInitiated,
        DeviationKind::InvitedDidNotAttend,
        DeviationKind::TreatedBadly,
        DeviationKind::PlanNotFollowed,
    ];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            DeviationKind::NotInitiated => "SIP togs inte initiativ till trots tydligt behov",
            DeviationKind::InvitedDidNotAttend => "Kallad företrädare kom inte",
            DeviationKind::TreatedBadly => "Den enskilde blev illa bemött",
            DeviationKind::PlanNotFollowed => "En del av planen följdes inte",
        }
    }
}

/// One deviation report.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Deviation {
    /// Slag.
    pub kind: DeviationKind,
    /// Beskrivning.
    pub description: Text,
    /// Datum (YYYY-MM-DD).
    pub date: String,
    /// Rapporterad av.
    pub reporter: String,
    /// The participant who wrote it (their id in the plan): the server
    /// checks that it is the writer, and that the name above is theirs.
    #[autosurgeon(missing = "Default::default")]
    pub author: String,
    /// When it was recorded (ms since 1970).
    pub recorded_at: i64,
    /// The intervention it is about (its id), when it is one: the person
    /// said that a promised help did not happen ("Det här blev inte av").
    #[autosurgeon(missing = "Default::default")]
    pub intervention: Option<String>,
}
