//! What waits for the coordinator (samordningsansvarig) in a plan: the
//! to-do the editor shows above the checklist.
//!
//! Why beside the checklist ([`super::completeness`]): the checklist says
//! what a plan lacks by law; the to-do says what has happened that someone
//! must act on — the person said a help did not happen, a follow-up date
//! has come or passed — and leaves the list when it is dealt with (a status
//! report on the help, a new follow-up date).

use super::{Deviation, Plan};
use crate::swedish_time::long_date;

/// One thing that waits for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TodoItem {
    /// The person (or whoever answers for them) reported that a help did
    /// not happen, and nobody has reported its status since.
    HelpNotGiven {
        /// The deviation report's id.
        deviation: String,
        /// The intervention's id.
        intervention: String,
        /// What the help is ("Hemtjänst två gånger i veckan").
        what: String,
        /// Who reported it, by name.
        reporter: String,
        /// When (`YYYY-MM-DD`).
        date: String,
        /// The reporter's own words (may be empty).
        words: String,
    },
    /// The next follow-up is today or has passed.
    FollowUpDue {
        /// Its date (`YYYY-MM-DD`).
        date: String,
    },
}

impl TodoItem {
    /// The to-do line, in Swedish.
    pub fn text(&self) -> String {
        match self {
            TodoItem::HelpNotGiven { what, reporter, date, words, .. } => {
                let mut text = format!(
                    "{} skrev {} att en insats inte blev av: \"{}\". Ta reda på vad som hände och rapportera insatsens status.",
                    reporter.trim(),
                    long_date(date),
                    what.trim()
                );
                if !words.trim().is_empty() {
                    text.push_str(&format!(" Personens ord: \"{}\"", words.trim()));
                }
                text
            }
            TodoItem::FollowUpDue { date } => {
                format!(
                    "Uppföljningen var planerad till {}. Följ upp planen och sätt ett nytt datum.",
                    long_date(date)
                )
            }
        }
    }
}

/// What waits for the coordinator in `plan` on `today` (`YYYY-MM-DD`): the
/// unanswered reports of help not given (oldest first; those in the plan
/// and `by_person`, from the self-report document), then a follow-up that
/// is due. A closed plan waits for nothing.
pub fn coordinator_todo(plan: &Plan, by_person: &[(String, Deviation)], today: &str) -> Vec<TodoItem> {
    if plan.closing.is_some() {
        return Vec::new();
    }
    let mut items: Vec<(i64, TodoItem)> = Vec::new();
    for (id, intervention) in plan.ordered_interventions() {
        for (deviation, report) in plan.unanswered_not_given(id, by_person) {
            items.push((
                report.recorded_at,
                TodoItem::HelpNotGiven {
                    deviation: deviation.clone(),
                    intervention: id.clone(),
                    what: intervention.what.as_str().to_string(),
                    reporter: report.reporter.clone(),
                    date: report.date.clone(),
                    words: report.description.as_str().to_string(),
                },
            ));
        }
    }
    items.sort_by_key(|(at, _)| *at);
    let mut items: Vec<TodoItem> = items.into_iter().map(|(_, item)| item).collect();
    if let Some(date) = plan.follow_up.next_follow_up.as_deref().filter(|d| !d.is_empty() && *d <= today) {
        items.push(TodoItem::FollowUpDue { date: date.to_string() });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture::example_plan;
    use crate::plan::help_status::not_given;
    use crate::plan::{edit, read_plan, InterventionReport, InterventionStatus};

    #[test]
    fn a_help_not_given_waits_until_its_status_is_reported_and_a_due_follow_up_until_moved() {
        let mut doc = example_plan().expect("plan");
        edit::set_next_follow_up(&mut doc, Some("2026-12-10")).expect("date");
        let id = read_plan(&doc).expect("read").ordered_interventions()[0].0.clone();
        assert_eq!(coordinator_todo(&read_plan(&doc).expect("read"), &[], "2026-12-06"), vec![]);
        let report =
            not_given(&id, "Ingen kom på tisdagen.", "2026-12-05", "Anna Andersson", "p", 4_000_000_000_000);
        let deviation = edit::add_deviation(&mut doc, &report).expect("deviation");
        let plan = read_plan(&doc).expect("read");
        let todo = coordinator_todo(&plan, &[], "2026-12-10");
        assert_eq!(todo.len(), 2, "{todo:?}");
        let TodoItem::HelpNotGiven { deviation: listed, intervention, .. } = &todo[0] else {
            panic!("first the help: {todo:?}")
        };
        assert_eq!((listed, intervention), (&deviation, &id));
        let what = plan.interventions[&id].what.as_str().trim().to_string();
        assert_eq!(
            todo[0].text(),
            format!("Anna Andersson skrev 5 december 2026 att en insats inte blev av: \"{what}\". Ta reda på vad som hände och rapportera insatsens status. Personens ord: \"Ingen kom på tisdagen.\"")
        );
        assert_eq!(
            todo[1].text(),
            "Uppföljningen var planerad till 10 december 2026. Följ upp planen och sätt ett nytt datum."
        );
        // A status report after it, and a new date: nothing waits.
        let answer = InterventionReport {
            status: InterventionStatus::Ongoing,
            comment: "Ny tid bokad.".into(),
            date: "2026-12-07".into(),
            by: "Eva".into(),
            author: String::new(),
            recorded_at: 4_000_000_000_001,
        };
        edit::report_intervention(&mut doc, &id, &answer).expect("report");
        edit::set_next_follow_up(&mut doc, Some("2027-03-15")).expect("date");
        assert_eq!(coordinator_todo(&read_plan(&doc).expect("read"), &[], "2026-12-10"), vec![]);
    }
}
