//! Checks a plan's content beyond its shape: references between items,
//! dates, the chair and note-taker rule. The server runs it on what peers
//! send; the app shows the problems.

use super::Plan;

/// One problem found in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A date field is not YYYY-MM-DD.
    InvalidDate {
        /// Which field.
        field: String,
        /// The value found.
        value: String,
    },
    /// A reference to a participant who is not in the plan.
    UnknownParticipant {
        /// Which field.
        field: String,
        /// The id found.
        id: String,
    },
    /// An intervention names a goal that is not in the plan.
    UnknownGoal {
        /// The intervention.
        intervention: String,
        /// The goal id found.
        goal: String,
    },
    /// A meeting's chair is also its note-taker.
    ChairIsNoteTaker {
        /// The meeting.
        meeting: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::InvalidDate { field, value } => {
                write!(f, "{field}: \"{value}\" är inte ett datum (ÅÅÅÅ-MM-DD)")
            }
            Problem::UnknownParticipant { field, id } => write!(f, "{field}: deltagaren {id} finns inte"),
            Problem::UnknownGoal { intervention, goal } => {
                write!(f, "insatsen {intervention} hör till målet {goal}, som inte finns")
            }
            Problem::ChairIsNoteTaker { meeting } => {
                write!(f, "mötet {meeting}: ordföranden kan inte också vara dokumentationsansvarig")
            }
        }
    }
}

/// Whether `s` is a calendar date written YYYY-MM-DD.
pub fn is_valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse().ok())
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1900 && (1..=days).contains(&day)
}

/// Every problem in the plan; empty when it is consistent.
pub fn validate(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut date = |field: String, value: Option<&String>| {
        if let Some(value) = value {
            if !is_valid_date(value) {
                problems.push(Problem::InvalidDate { field, value: value.clone() });
            }
        }
    };
    date("follow_up.next_follow_up".into(), plan.follow_up.next_follow_up.as_ref());
    date("follow_up.evaluation".into(), plan.follow_up.evaluation.as_ref());
    for (id, entry) in &plan.consent {
        date(format!("consent.{id}.date"), Some(&entry.date));
    }
    for (id, goal) in &plan.goals {
        for (sid, sub) in &goal.sub_goals {
            date(format!("goals.{id}.sub_goals.{sid}.target_date"), sub.target_date.as_ref());
        }
    }
    for (id, intervention) in &plan.interventions {
        date(format!("interventions.{id}.start"), intervention.start.as_ref());
    }
    for (id, meeting) in &plan.meetings {
        date(format!("meetings.{id}.date"), meeting.date.as_ref());
    }
    if let Some(closing) = &plan.closing {
        date("closing.date".into(), Some(&closing.date));
    }

    let mut participant = |field: String, id: Option<&String>| {
        if let Some(id) = id {
            if !plan.participants.contains_key(id) {
                problems.push(Problem::UnknownParticipant { field, id: id.clone() });
            }
        }
    };
    participant("coordinator".into(), plan.coordinator.as_ref());
    for (id, meeting) in &plan.meetings {
        participant(format!("meetings.{id}.chair"), meeting.chair.as_ref());
        participant(format!("meetings.{id}.note_taker"), meeting.note_taker.as_ref());
    }
    for (id, meeting) in &plan.meetings {
        if meeting.chair.is_some() && meeting.chair == meeting.note_taker {
            problems.push(Problem::ChairIsNoteTaker { meeting: id.clone() });
        }
    }
    for (id, intervention) in &plan.interventions {
        if let Some(goal) = &intervention.goal_id {
            if !plan.goals.contains_key(goal) {
                problems.push(Problem::UnknownGoal { intervention: id.clone(), goal: goal.clone() });
            }
        }
    }
    problems
}
