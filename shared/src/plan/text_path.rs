//! Where a prose field lives in the plan document, typed.
//!
//! Why: a view, an edit and the field watch name a field by its place in
//! the document (which goal, which sub-goal, which field). Written by hand
//! as a list of keys, a slip (`"sub_goal"`, a goal id where a sub-goal id
//! belongs) edits a map that nothing reads and nothing reports. Built
//! here, only places the schema has can be named; [`TextPath::parts`] and
//! [`TextPath::key`] are the keys, for the code that walks the document.

use super::{PlanText, PreparationField};

/// A prose field of a sub-goal ([`super::SubGoal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubGoalText {
    /// The sub-goal itself.
    Text,
    /// How we know it is reached.
    Measure,
}

/// A prose field of an intervention ([`super::Intervention`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterventionText {
    /// What is done.
    What,
    /// How often and for how long.
    TimePlan,
}

/// A prose field of a meeting ([`super::Meeting`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingText {
    /// Why the meeting is held.
    Purpose,
    /// The agenda.
    Agenda,
    /// What was said and decided.
    Summary,
}

/// The place of one prose field in a plan document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TextPath {
    /// A field of the plan itself (title, main goal).
    Plan(PlanText),
    /// The person's name.
    PersonName,
    /// A field of the person's preparation.
    Preparation(PreparationField),
    /// A goal, in the person's words.
    Goal {
        /// The goal's id.
        goal: String,
    },
    /// A field of a sub-goal.
    SubGoal {
        /// The goal's id.
        goal: String,
        /// The sub-goal's id.
        sub_goal: String,
        /// Which field.
        field: SubGoalText,
    },
    /// A field of an intervention.
    Intervention {
        /// The intervention's id.
        intervention: String,
        /// Which field.
        field: InterventionText,
    },
    /// A field of a meeting.
    Meeting {
        /// The meeting's id.
        meeting: String,
        /// Which field.
        field: MeetingText,
    },
}

impl TextPath {
    /// The text of goal `goal`.
    pub fn goal(goal: impl Into<String>) -> TextPath {
        TextPath::Goal { goal: goal.into() }
    }

    /// `field` of sub-goal `sub_goal` of goal `goal`.
    pub fn sub_goal(goal: impl Into<String>, sub_goal: impl Into<String>, field: SubGoalText) -> TextPath {
        TextPath::SubGoal { goal: goal.into(), sub_goal: sub_goal.into(), field }
    }

    /// `field` of intervention `intervention`.
    pub fn intervention(intervention: impl Into<String>, field: InterventionText) -> TextPath {
        TextPath::Intervention { intervention: intervention.into(), field }
    }

    /// `field` of meeting `meeting`.
    pub fn meeting(meeting: impl Into<String>, field: MeetingText) -> TextPath {
        TextPath::Meeting { meeting: meeting.into(), field }
    }

    /// The keys of the maps from the document's root to the map that holds
    /// the field (empty for the plan's own fields).
    pub fn parts(&self) -> Vec<&str> {
        match self {
            TextPath::Plan(_) => Vec::new(),
            TextPath::PersonName => vec!["person"],
            TextPath::Preparation(_) => vec!["person", "preparation"],
            TextPath::Goal { goal } => vec!["goals", goal],
            TextPath::SubGoal { goal, sub_goal, .. } => vec!["goals", goal, "sub_goals", sub_goal],
            TextPath::Intervention { intervention, .. } => vec!["interventions", intervention],
            TextPath::Meeting { meeting, .. } => vec!["meetings", meeting],
        }
    }

    /// The field's key in that map.
    pub fn key(&self) -> &'static str {
        match self {
            TextPath::Plan(field) => field.key(),
            TextPath::PersonName => "name",
            TextPath::Preparation(field) => field.key(),
            TextPath::Goal { .. } => "text",
            TextPath::SubGoal { field: SubGoalText::Text, .. } => "text",
            TextPath::SubGoal { field: SubGoalText::Measure, .. } => "measure",
            TextPath::Intervention { field: InterventionText::What, .. } => "what",
            TextPath::Intervention { field: InterventionText::TimePlan, .. } => "time_plan",
            TextPath::Meeting { field: MeetingText::Purpose, .. } => "purpose",
            TextPath::Meeting { field: MeetingText::Agenda, .. } => "agenda",
            TextPath::Meeting { field: MeetingText::Summary, .. } => "summary",
        }
    }
}

#[cfg(test)]
mod tests;
