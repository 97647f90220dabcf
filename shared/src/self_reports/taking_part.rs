//! The person's sense of taking part, asked after each meeting.
//!
//! The field's own evaluations (seed 003) name the person's participation
//! as what most needs to improve: meetings not adapted to the person, too
//! little information. SIP-kollen asks the person a few short questions
//! after a meeting; Samplan asks three, in plain Swedish, with the answers
//! "Ja", "Delvis" and "Nej", in Min plan after each meeting. The answers
//! live in the self-report document (the person writes there without write
//! access to the plan) and the coordinator sees them meeting by meeting.

use serde::{Deserialize, Serialize};

use super::{SelfReportError, SelfReports};
use crate::plan::edit::new_id;
use crate::plan::Record;

/// One answer to a taking-part question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TakingPartAnswer {
    /// Ja.
    Yes,
    /// Delvis.
    Partly,
    /// Nej.
    No,
}

impl TakingPartAnswer {
    /// Every answer, in the order they are offered.
    pub const ALL: [TakingPartAnswer; 3] =
        [TakingPartAnswer::Yes, TakingPartAnswer::Partly, TakingPartAnswer::No];

    /// The word the person picks.
    pub fn label(self) -> &'static str {
        match self {
            TakingPartAnswer::Yes => "Ja",
            TakingPartAnswer::Partly => "Delvis",
            TakingPartAnswer::No => "Nej",
        }
    }
}

/// The three questions, in the order they are asked.
pub const QUESTIONS: [&str; 3] = [
    "Fick du säga det som var viktigt för dig?",
    "Lyssnade de andra på dig?",
    "Vet du vad som händer nu och vem som gör vad?",
];

/// The same questions, short, as column heads for the coordinator.
pub const SHORT_QUESTIONS: [&str; 3] = ["Fick säga det viktiga", "Blev lyssnad på", "Vet vad som händer nu"];

/// The person's answers about one meeting (an immutable [`Record`]: a
/// second answer about the same meeting is kept, and the latest counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakingPart {
    /// Which meeting (its id in the plan).
    pub meeting_id: String,
    /// The meeting's date (YYYY-MM-DD), so that the answers read in time
    /// order even if the meeting is later removed from the plan.
    pub meeting_date: String,
    /// The answers to [`QUESTIONS`], in order.
    pub answers: [TakingPartAnswer; 3],
    /// What the person wants to add.
    #[serde(default)]
    pub note: String,
    /// When it was answered (ms since 1970).
    pub reported_at: i64,
    /// Who answered (the person, or a relative on their behalf).
    pub reported_by: String,
}

/// Add the person's answers about a meeting; returns the record's id.
pub fn add_taking_part(
    doc: &mut automerge::AutoCommit,
    answers: &TakingPart,
) -> Result<String, SelfReportError> {
    if answers.meeting_id.trim().is_empty() {
        return Err(SelfReportError::NoMeeting);
    }
    if !crate::plan::validate::is_valid_date(&answers.meeting_date) {
        return Err(SelfReportError::InvalidDate(answers.meeting_date.clone()));
    }
    let id = new_id();
    crate::plan::edit::put(doc, &["taking_part"], &id, &Record(answers.clone()))?;
    Ok(id)
}

impl SelfReports {
    /// The latest answers about each meeting, oldest meeting first.
    pub fn taking_part_over_time(&self) -> Vec<&TakingPart> {
        let mut latest: Vec<&TakingPart> = Vec::new();
        for answers in self.taking_part.values().map(|r| &r.0) {
            match latest.iter_mut().find(|a| a.meeting_id == answers.meeting_id) {
                Some(slot) if slot.reported_at < answers.reported_at => *slot = answers,
                Some(_) => {}
                None => latest.push(answers),
            }
        }
        latest.sort_by(|a, b| (&a.meeting_date, a.reported_at).cmp(&(&b.meeting_date, b.reported_at)));
        latest
    }

    /// The latest answers about the meeting `meeting_id`, if any.
    pub fn taking_part_about(&self, meeting_id: &str) -> Option<&TakingPart> {
        self.taking_part_over_time().into_iter().find(|a| a.meeting_id == meeting_id)
    }
}
