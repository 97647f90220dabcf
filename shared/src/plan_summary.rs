//! What a list of plans shows of one plan: the person, the coordinator,
//! the dates of its meetings and follow-up, and whether it is closed.
//!
//! Why not [`crate::plan::read_plan`]: the server lists every plan of a
//! member ("Mina planer") from its copy of each, and a whole read hydrates
//! every goal, intervention, record and approval of every plan. Here a
//! typed view with only the fields a list shows is read from the document
//! (autosurgeon reads only the fields a type names), so a meeting's date
//! is read and not its approvals.

use std::collections::BTreeMap;

use automerge::{ObjType, Value, ROOT};
use autosurgeon::{hydrate, Hydrate, ReadDoc};

use crate::plan::validate::is_valid_date;
use crate::plan::{ParticipantKind, Plan, PlanError, Text};

/// One plan as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanSummary {
    /// The plan's name; empty if nobody wrote one.
    pub title: String,
    /// The person's name: as the plan names the person, else the first
    /// participant who is the person; empty if neither is written.
    pub person: String,
    /// The name of the participant chosen as coordinator, if one is
    /// chosen and has a name.
    pub coordinator: Option<String>,
    /// Nästa uppföljning (YYYY-MM-DD), if it is a date.
    pub next_follow_up: Option<String>,
    /// The days of the plan's meetings that are dates, earliest first.
    pub meetings: Vec<String>,
    /// Whether the plan is closed.
    pub closed: bool,
}

/// The summary of the plan in `doc`.
pub fn read(doc: &impl ReadDoc) -> Result<PlanSummary, PlanError> {
    let listed: Listed = hydrate(doc)?;
    let person = Some(listed.person.name.as_str().trim())
        .filter(|name| !name.is_empty())
        .or_else(|| {
            Plan::ordered(&listed.participants, |p| &p.position)
                .into_iter()
                .map(|(_, p)| p)
                .find(|p| p.kind == ParticipantKind::Person && !p.name.trim().is_empty())
                .map(|p| p.name.trim())
        })
        .unwrap_or_default()
        .to_string();
    let coordinator = listed
        .coordinator
        .as_ref()
        .and_then(|id| listed.participants.get(id))
        .map(|p| p.name.trim().to_string())
        .filter(|name| !name.is_empty());
    let mut meetings: Vec<String> =
        listed.meetings.into_values().filter_map(|m| m.date).filter(|d| is_valid_date(d)).collect();
    meetings.sort_unstable();
    meetings.dedup();
    // A plan is closed while it has a closing (removing it reopens the plan).
    let closed = matches!(doc.get(&ROOT, "closing"), Ok(Some((Value::Object(ObjType::Map), _))));
    Ok(PlanSummary {
        title: listed.title.as_str().trim().to_string(),
        person,
        coordinator,
        next_follow_up: listed.follow_up.next_follow_up.filter(|d| is_valid_date(d)),
        meetings,
        closed,
    })
}

/// The fields of a plan that a list shows (see [`crate::plan::Plan`]).
#[derive(Hydrate)]
struct Listed {
    #[autosurgeon(missing = "Default::default")]
    title: Text,
    #[autosurgeon(missing = "Default::default")]
    person: ListedPerson,
    #[autosurgeon(missing = "Default::default")]
    participants: BTreeMap<String, ListedParticipant>,
    #[autosurgeon(missing = "Default::default")]
    coordinator: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    meetings: BTreeMap<String, ListedMeeting>,
    #[autosurgeon(missing = "Default::default")]
    follow_up: ListedFollowUp,
}

#[derive(Default, Hydrate)]
struct ListedPerson {
    #[autosurgeon(missing = "Default::default")]
    name: Text,
}

#[derive(Hydrate)]
struct ListedParticipant {
    #[autosurgeon(missing = "Default::default")]
    name: String,
    #[autosurgeon(missing = "Default::default")]
    kind: ParticipantKind,
    #[autosurgeon(missing = "Default::default")]
    position: String,
}

#[derive(Hydrate)]
struct ListedMeeting {
    #[autosurgeon(missing = "Default::default")]
    date: Option<String>,
}

#[derive(Default, Hydrate)]
struct ListedFollowUp {
    #[autosurgeon(missing = "Default::default")]
    next_follow_up: Option<String>,
}

#[cfg(test)]
mod tests;
