//! "Det här blev inte av", written where the person writes: a promised
//! help that did not happen, reported in the self-report document.
//!
//! Why here and not in the plan: the person may answer for themselves, and
//! so may a relative the person lets report for them (a member who only
//! reads the plan). Both write the self-report document, not the plan. The
//! coordinator's to-do and the person's help list read these reports as
//! deviation reports (`PlanNotFollowed`, naming the intervention) beside
//! those in the plan ([`crate::plan::help_status`]); a status report on the
//! help after it answers it.

use serde::{Deserialize, Serialize};

use super::{SelfReportError, SelfReports};
use crate::plan::edit::new_id;
use crate::plan::{Deviation, DeviationKind, Record, Text};

/// The longest account of what happened, in characters.
pub const MAX_WORDS: usize = 2000;

/// One report that a help did not happen (an immutable [`Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpNotGiven {
    /// Which help (the intervention's id in the plan).
    pub intervention: String,
    /// What happened, in the reporter's words (may be empty).
    #[serde(default)]
    pub words: String,
    /// The day it is about (YYYY-MM-DD).
    pub date: String,
    /// When it was reported (ms since 1970).
    pub reported_at: i64,
    /// Who reported it, by name (the person, or a relative for them).
    pub reported_by: String,
}

/// Add a report that a help did not happen; returns its id.
pub fn add_help_not_given(
    doc: &mut automerge::AutoCommit,
    report: &HelpNotGiven,
) -> Result<String, SelfReportError> {
    if report.intervention.trim().is_empty() {
        return Err(SelfReportError::NoHelp);
    }
    if !crate::plan::validate::is_valid_date(&report.date) {
        return Err(SelfReportError::InvalidDate(report.date.clone()));
    }
    if report.words.chars().count() > MAX_WORDS {
        return Err(SelfReportError::TooLong(MAX_WORDS));
    }
    let id = new_id();
    let mut stored = report.clone();
    stored.words = stored.words.trim().to_string();
    crate::plan::edit::put(doc, &["help_not_given"], &id, &Record(stored))?;
    Ok(id)
}

impl SelfReports {
    /// The reports that a help did not happen, as the deviation reports
    /// they are, each with its id ("self-reports/<id>", never one of the
    /// plan's own), oldest first.
    pub fn help_not_given(&self) -> Vec<(String, Deviation)> {
        let mut list: Vec<(String, Deviation)> = self
            .help_not_given
            .iter()
            .map(|(id, report)| {
                let deviation = Deviation {
                    kind: DeviationKind::PlanNotFollowed,
                    description: Text::from(report.words.as_str()),
                    date: report.date.clone(),
                    reporter: report.reported_by.clone(),
                    author: String::new(),
                    recorded_at: report.reported_at,
                    intervention: Some(report.intervention.clone()),
                };
                (format!("self-reports/{id}"), deviation)
            })
            .collect();
        list.sort_by_key(|(_, d)| d.recorded_at);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture::example_plan;
    use crate::plan::todo::{coordinator_todo, TodoItem};
    use crate::plan::{read_plan, InterventionReport, InterventionStatus};
    use crate::self_reports::{new_self_reports_document, read_self_reports};

    fn report(intervention: &str, words: &str, date: &str) -> HelpNotGiven {
        HelpNotGiven {
            intervention: intervention.to_string(),
            words: words.to_string(),
            date: date.to_string(),
            reported_at: 4_000_000_000_000,
            reported_by: "Lisa Andersson".to_string(),
        }
    }

    #[test]
    fn a_relative_reports_in_the_self_reports_and_the_coordinator_sees_it_until_answered() {
        let plan = read_plan(&example_plan().expect("plan")).expect("read");
        let (id, help) = plan.ordered_interventions()[0];
        let (id, what) = (id.clone(), help.what.as_str().trim().to_string());
        let mut doc = new_self_reports_document("plan").expect("document");
        add_help_not_given(&mut doc, &report(&id, "  Ingen kom på tisdagen. ", "2026-12-05")).expect("added");
        let by_person = read_self_reports(&doc).expect("read").help_not_given();
        assert_eq!(by_person.len(), 1);
        assert!(by_person[0].0.starts_with("self-reports/"));

        let todo = coordinator_todo(&plan, &by_person, "2026-12-06");
        let Some(TodoItem::HelpNotGiven { intervention, what: listed, words, reporter, .. }) = todo.first()
        else {
            panic!("the report waits for the coordinator: {todo:?}")
        };
        assert_eq!((intervention, listed, words.as_str()), (&id, &what, "Ingen kom på tisdagen."));
        assert_eq!(reporter, "Lisa Andersson");
        assert_eq!(
            plan.help_status(&id, &by_person).expect("status").not_given.as_deref(),
            Some("Lisa Andersson skrev 5 december 2026 att det här inte blev av.")
        );
        // Without the self-reports, the plan alone knows nothing of it.
        assert_eq!(plan.help_status(&id, &[]).expect("status").not_given, None);

        // A status report after it answers it.
        let mut answered = plan.clone();
        let status = InterventionReport {
            status: InterventionStatus::Ongoing,
            comment: "Ny tid på torsdag.".into(),
            date: "2026-12-07".into(),
            by: "Eva Lind".into(),
            author: String::new(),
            recorded_at: 4_000_000_000_001,
        };
        answered.interventions.get_mut(&id).expect("help").reports.insert("z".into(), Record(status));
        assert!(answered.unanswered_not_given(&id, &by_person).is_empty());
        assert!(!coordinator_todo(&answered, &by_person, "2026-12-06")
            .iter()
            .any(|item| matches!(item, TodoItem::HelpNotGiven { .. })));
    }

    #[test]
    fn a_report_naming_no_help_with_a_bad_date_or_too_many_words_is_refused_and_nothing_stored() {
        let mut doc = new_self_reports_document("plan").expect("document");
        let refused = [
            report(" ", "", "2026-12-05"),
            report("help", "", "5 december"),
            report("help", &"x".repeat(MAX_WORDS + 1), "2026-12-05"),
        ];
        for bad in refused {
            assert!(add_help_not_given(&mut doc, &bad).is_err(), "{bad:?}");
        }
        assert!(read_self_reports(&doc).expect("read").help_not_given.is_empty());
    }
}
