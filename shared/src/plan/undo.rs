//! Taking back a removal ("Ångra"): the item as it was just before it was
//! removed, put back under its own id and at its own place, as a new
//! change that syncs like any other. The app offers it for a few seconds
//! after each removal of a goal, sub-goal, intervention or participant;
//! later, the history's "Lägg tillbaka" does the same from any version.

use automerge::AutoCommit;

use super::edit::put;
use super::{Goal, Intervention, Participant, Plan, PlanError, SubGoal, Text};

/// An item as it was when it was removed.
#[derive(Debug, Clone, PartialEq)]
pub enum Removed {
    /// A goal, with its sub-goals.
    Goal {
        /// Its id.
        id: String,
        /// The goal.
        goal: Goal,
    },
    /// A sub-goal of goal `goal_id`.
    SubGoal {
        /// Its goal's id.
        goal_id: String,
        /// Its id.
        id: String,
        /// The sub-goal.
        sub_goal: SubGoal,
    },
    /// An intervention.
    Intervention {
        /// Its id.
        id: String,
        /// The intervention.
        intervention: Intervention,
    },
    /// A participant.
    Participant {
        /// Its id.
        id: String,
        /// The participant.
        participant: Participant,
    },
}

// Each item is kept with its prose as new text of the same value: a
// `Text` read from the document writes only the edits made to it since,
// so put back as read it would come back empty.

impl Removed {
    /// Goal `id` of `plan`, as it is.
    pub fn goal(plan: &Plan, id: &str) -> Option<Removed> {
        let goal = plan.goals.get(id)?;
        let sub_goals = goal.sub_goals.iter().map(|(id, s)| (id.clone(), fresh_sub_goal(s))).collect();
        let goal = Goal { text: fresh(&goal.text), sub_goals, ..goal.clone() };
        Some(Removed::Goal { id: id.to_string(), goal })
    }

    /// Sub-goal `id` of goal `goal_id`, as it is.
    pub fn sub_goal(plan: &Plan, goal_id: &str, id: &str) -> Option<Removed> {
        let sub_goal = fresh_sub_goal(plan.goals.get(goal_id)?.sub_goals.get(id)?);
        Some(Removed::SubGoal { goal_id: goal_id.to_string(), id: id.to_string(), sub_goal })
    }

    /// Intervention `id`, as it is.
    pub fn intervention(plan: &Plan, id: &str) -> Option<Removed> {
        let intervention = plan.interventions.get(id)?;
        let intervention = Intervention {
            what: fresh(&intervention.what),
            time_plan: fresh(&intervention.time_plan),
            ..intervention.clone()
        };
        Some(Removed::Intervention { id: id.to_string(), intervention })
    }

    /// Participant `id`, as it is.
    pub fn participant(plan: &Plan, id: &str) -> Option<Removed> {
        Some(Removed::Participant { id: id.to_string(), participant: plan.participants.get(id)?.clone() })
    }

    /// The item's id.
    pub fn id(&self) -> &str {
        match self {
            Removed::Goal { id, .. }
            | Removed::SubGoal { id, .. }
            | Removed::Intervention { id, .. }
            | Removed::Participant { id, .. } => id,
        }
    }
}

/// New text with the value of `text`.
fn fresh(text: &Text) -> Text {
    Text::with_value(text.as_str())
}

fn fresh_sub_goal(sub_goal: &SubGoal) -> SubGoal {
    SubGoal { text: fresh(&sub_goal.text), measure: fresh(&sub_goal.measure), ..sub_goal.clone() }
}

/// Put a removed item back as it was (nothing happens if it is there).
/// A sub-goal whose goal is gone cannot come back.
pub fn put_back(doc: &mut AutoCommit, removed: &Removed) -> Result<(), PlanError> {
    let there = |doc: &AutoCommit, path: &[&str]| super::edit::object_at(doc, path).map(|o| o.is_some());
    match removed {
        Removed::Goal { id, goal } if !there(doc, &["goals", id])? => put(doc, &["goals"], id, goal),
        Removed::SubGoal { goal_id, id, sub_goal } => {
            if !there(doc, &["goals", goal_id])? {
                return Err(PlanError::NoSuchItem { what: "mål", id: goal_id.clone() });
            }
            if there(doc, &["goals", goal_id, "sub_goals", id])? {
                return Ok(());
            }
            put(doc, &["goals", goal_id, "sub_goals"], id, sub_goal)
        }
        Removed::Intervention { id, intervention } if !there(doc, &["interventions", id])? => {
            put(doc, &["interventions"], id, intervention)
        }
        Removed::Participant { id, participant } if !there(doc, &["participants", id])? => {
            put(doc, &["participants"], id, participant)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
