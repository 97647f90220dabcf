//! The meeting as the chair leads it: each line of the agenda is a step,
//! and each step shows the part of the plan it is about (the person's
//! situation and preparation, needs, goals and interventions, the
//! summary). Why here and not in the app: the steps are what everyone's
//! meeting view follows (`Meeting::phase` counts them), what the minutes
//! list and what a test can check without a browser.
//!
//! An agenda is free text ("1. Välkommen och syfte\n2. Annas situation…");
//! which part a line is about is found from its words, in plain Swedish as
//! people write agendas. A line that names no part stays with the part
//! before it (a first line with the opening), so that "Övrigt" after the
//! goals still shows the goals.

use super::{Meeting, PHASES};

/// The part of the plan a step of the meeting is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanPart {
    /// Welcome and purpose: who is here, why, the meeting's roles.
    Opening,
    /// The person's situation now and their own preparation.
    Situation,
    /// What the person needs help with.
    Needs,
    /// The goals and the interventions that lead to them.
    GoalsAndInterventions,
    /// The summary, the follow-up and everyone's approval.
    Summary,
    /// The end: who took part, and ending the meeting.
    Closing,
}

impl PlanPart {
    /// What the step shows, in the words of the meeting view.
    pub fn label(self) -> &'static str {
        match self {
            PlanPart::Opening => "Syfte och deltagare",
            PlanPart::Situation => "Personens situation och förberedelse",
            PlanPart::Needs => "Behov",
            PlanPart::GoalsAndInterventions => "Mål och insatser",
            PlanPart::Summary => "Sammanfattning och godkännande",
            PlanPart::Closing => "Avslut",
        }
    }

    /// The part a line of an agenda is about, if its words name one.
    /// The order matters: "Sammanfattning av mål" is the summary.
    pub fn named_in(line: &str) -> Option<PlanPart> {
        let line = line.to_lowercase();
        let says = |words: &[&str]| words.iter().any(|w| line.contains(w));
        if says(&["sammanfatt", "godkän", "beslut"]) {
            Some(PlanPart::Summary)
        } else if says(&["avslut", "nästa möte", "avrund"]) {
            Some(PlanPart::Closing)
        } else if says(&["mål", "insats", "åtgärd", "ansvar", "stöd"]) {
            Some(PlanPart::GoalsAndInterventions)
        } else if says(&["behov"]) {
            Some(PlanPart::Needs)
        } else if says(&[
            "situation",
            "förbered",
            "nuläge",
            "läget",
            "har det gått",
            "mitt liv",
            "hur jag har det",
        ]) {
            Some(PlanPart::Situation)
        } else if says(&["välkom", "inled", "syfte", "presentation", "öppna"]) {
            Some(PlanPart::Opening)
        } else {
            None
        }
    }
}

/// One step of the meeting: a line of its agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The line as the agenda says it, without its number ("Annas situation").
    pub title: String,
    /// The part of the plan it is about.
    pub part: PlanPart,
}

/// A line without the number or bullet it was written with: "1. Välkommen"
/// and "- Välkommen" are "Välkommen"; "2027 års mål" and "13.00 Fika" keep
/// their numbers (a number is a marker only when a `.`, `)` or `:` and a
/// space follow it).
fn without_marker(line: &str) -> &str {
    let line = line.trim();
    let digits = line.trim_start_matches(|c: char| c.is_ascii_digit());
    let numbered = (digits.len() < line.len())
        .then(|| digits.strip_prefix(['.', ')', ':']))
        .flatten()
        .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace));
    match numbered {
        Some(rest) => rest.trim(),
        None => line.strip_prefix(['-', '*', '•', '–']).unwrap_or(line).trim(),
    }
}

/// The meeting's steps: its agenda's lines, or the SIP meeting's usual
/// steps ([`PHASES`]) when the agenda has none.
pub fn steps(meeting: &Meeting) -> Vec<Step> {
    let lines: Vec<&str> =
        meeting.agenda.as_str().lines().map(without_marker).filter(|line| !line.is_empty()).collect();
    let lines = if lines.is_empty() { PHASES.to_vec() } else { lines };
    let mut part = PlanPart::Opening;
    lines
        .into_iter()
        .map(|line| {
            part = PlanPart::named_in(line).unwrap_or(part);
            Step { title: line.to_string(), part }
        })
        .collect()
}

/// The step the meeting is at, counted from 1, with the step; `None`
/// before it started. A step beyond the agenda (lines were removed while
/// the meeting ran) is its last.
pub fn current_step(meeting: &Meeting) -> Option<(usize, Step)> {
    if meeting.phase == 0 {
        return None;
    }
    let mut steps = steps(meeting);
    let at = (meeting.phase as usize).min(steps.len());
    Some((at, steps.swap_remove(at - 1)))
}

/// The step after the current one (the first before the meeting started),
/// counted from 1; the last stays the last.
pub fn next_step(meeting: &Meeting) -> u64 {
    let last = steps(meeting).len() as u64;
    (meeting.phase + 1).min(last)
}

/// The step before the current one; the first stays the first.
pub fn previous_step(meeting: &Meeting) -> u64 {
    meeting.phase.saturating_sub(1).max(1)
}

#[cfg(test)]
mod tests;
