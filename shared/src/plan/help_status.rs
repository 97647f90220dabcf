//! How a help is going, in the person's words, and the person's report
//! that a promised help did not happen ("Det här blev inte av").
//!
//! Why: the professionals report the status of their interventions
//! ([`InterventionReport`]); the person reads the latest one in plain words
//! in Min plan, and can answer that something promised did not happen. That
//! answer is a deviation report (avvikelse, "en del av planen följdes
//! inte", seed 000) naming the intervention, so it is kept and shown where
//! deviations are, and it stays on the coordinator's to-do
//! ([`super::todo`]) until the intervention gets a status report after it.
//! The person (or a relative who reports for them) writes it in the
//! self-report document ([`crate::self_reports::HelpNotGiven`]); reports
//! written in the plan itself before that still count. Each function here
//! takes those from the self-report document as `by_person`.

use super::{Deviation, Intervention, InterventionReport, InterventionStatus, Plan};
use crate::swedish_time::long_date;

impl InterventionStatus {
    /// The status as the person reads it about their help.
    pub fn in_plain_words(self) -> &'static str {
        match self {
            InterventionStatus::NotStarted => "Har inte börjat än",
            InterventionStatus::Ongoing => "Pågår",
            InterventionStatus::Paused => "Är pausad just nu",
            InterventionStatus::Done => "Är klar",
            InterventionStatus::Cancelled => "Har slutat",
        }
    }
}

impl Intervention {
    /// The latest status report (by when it was recorded).
    pub fn latest_report(&self) -> Option<&InterventionReport> {
        self.reports.values().map(|r| &r.0).max_by_key(|r| r.recorded_at)
    }
}

/// How one help is going, for Min plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpStatus {
    /// "Pågår. Det skrev Eva Lind 3 december 2026." ; `None` when nobody
    /// has reported yet.
    pub latest: Option<String>,
    /// The latest report's comment, as written.
    pub comment: String,
    /// The person's own report that it did not happen, not yet answered by
    /// a status report: "Du skrev 5 december 2026 att det här inte blev av."
    pub not_given: Option<String>,
}

impl Plan {
    /// How the intervention `id` is going, in the person's words, with the
    /// person's reports from the self-report document (`by_person`).
    pub fn help_status(&self, id: &str, by_person: &[(String, Deviation)]) -> Option<HelpStatus> {
        let intervention = self.interventions.get(id)?;
        let latest = intervention.latest_report();
        let not_given = self.unanswered_not_given(id, by_person).last().map(|(_, d)| {
            format!("{} skrev {} att det här inte blev av.", d.reporter.trim(), long_date(&d.date))
        });
        Some(HelpStatus {
            latest: latest.map(|r| {
                format!("{}. Det skrev {} {}.", r.status.in_plain_words(), r.by.trim(), long_date(&r.date))
            }),
            comment: latest.map(|r| r.comment.trim().to_string()).unwrap_or_default(),
            not_given,
        })
    }

    /// " (gäller insatsen \"…\")" for a deviation about one of the plan's
    /// interventions, as the deviation lists and the text export say it;
    /// empty otherwise.
    pub fn deviation_about(&self, deviation: &Deviation) -> String {
        let about = deviation.intervention.as_deref().and_then(|id| self.interventions.get(id));
        about.map(|i| format!(" (gäller insatsen \"{}\")", i.what.as_str().trim())).unwrap_or_default()
    }

    /// The reports that the intervention `id` did not happen which no
    /// status report has answered since (by when they were recorded): those
    /// in the plan and those in the self-report document (`by_person`).
    pub fn unanswered_not_given<'a>(
        &'a self,
        id: &str,
        by_person: &'a [(String, Deviation)],
    ) -> Vec<(&'a String, &'a Deviation)> {
        let answered_at = self
            .interventions
            .get(id)
            .and_then(Intervention::latest_report)
            .map_or(i64::MIN, |r| r.recorded_at);
        let mut reports: Vec<(&String, &Deviation)> = self
            .deviations
            .iter()
            .chain(by_person.iter().map(|(id, d)| (id, d)))
            .filter(|(_, d)| d.intervention.as_deref() == Some(id) && d.recorded_at > answered_at)
            .collect();
        reports.sort_by_key(|(_, d)| d.recorded_at);
        reports
    }
}

/// The deviation report "Det här blev inte av" about intervention
/// `intervention`, by `reporter` (their name in the plan) who is
/// participant `author`, on `date` (`YYYY-MM-DD`) at `now` (ms since 1970),
/// with the person's own words (may be empty), as it was written in the
/// plan before the self-report document took these reports: the tests
/// make such older plans with it.
#[cfg(test)]
pub fn not_given(
    intervention: &str,
    words: &str,
    date: &str,
    reporter: &str,
    author: &str,
    now: i64,
) -> Deviation {
    Deviation {
        kind: super::DeviationKind::PlanNotFollowed,
        description: super::Text::from(words.trim()),
        date: date.to_string(),
        reporter: reporter.to_string(),
        author: author.to_string(),
        recorded_at: now,
        intervention: Some(intervention.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture::example_plan;
    use crate::plan::DeviationKind;
    use crate::plan::{edit, read_plan, Record};

    fn report(status: InterventionStatus, at: i64) -> Record<InterventionReport> {
        Record(InterventionReport {
            status,
            comment: "Första träffen var bra.".into(),
            date: "2026-12-03".into(),
            by: "Eva Lind".into(),
            author: String::new(),
            recorded_at: at,
        })
    }

    #[test]
    fn the_person_reads_the_latest_status_in_plain_words() {
        let mut plan = read_plan(&example_plan().expect("plan")).expect("read");
        let id = plan.ordered_interventions()[0].0.clone();
        let help = plan.interventions.get_mut(&id).expect("help");
        help.reports.clear();
        assert_eq!(plan.help_status(&id, &[]).expect("status").latest, None);
        let help = plan.interventions.get_mut(&id).expect("help");
        help.reports.insert("b".into(), report(InterventionStatus::Ongoing, 20));
        help.reports.insert("a".into(), report(InterventionStatus::NotStarted, 10));
        let status = plan.help_status(&id, &[]).expect("status");
        assert_eq!(status.latest.as_deref(), Some("Pågår. Det skrev Eva Lind 3 december 2026."));
        assert_eq!(status.comment, "Första träffen var bra.");
        assert_eq!(status.not_given, None);
        assert_eq!(plan.help_status("no-such-help", &[]), None);
    }

    #[test]
    fn a_help_that_did_not_happen_is_open_until_a_status_report_answers_it() {
        let mut doc = example_plan().expect("plan");
        let id = read_plan(&doc).expect("read").ordered_interventions()[0].0.clone();
        let deviation =
            not_given(&id, " Ingen kom. ", "2026-12-05", "Anna Andersson", "p-anna", i64::MAX - 1);
        edit::add_deviation(&mut doc, &deviation).expect("deviation");
        let plan = read_plan(&doc).expect("read again");
        let stored = plan.deviations.values().next().expect("stored");
        assert_eq!(stored.kind, DeviationKind::PlanNotFollowed);
        assert_eq!(stored.description.as_str(), "Ingen kom.");
        assert_eq!(stored.intervention.as_deref(), Some(id.as_str()));
        assert_eq!(plan.unanswered_not_given(&id, &[]).len(), 1);
        assert_eq!(
            plan.help_status(&id, &[]).expect("status").not_given.as_deref(),
            Some("Anna Andersson skrev 5 december 2026 att det här inte blev av.")
        );
        // The responsible party reports after it: answered.
        let mut answered = plan.clone();
        answered
            .interventions
            .get_mut(&id)
            .expect("help")
            .reports
            .insert("z".into(), report(InterventionStatus::Ongoing, i64::MAX));
        assert!(answered.unanswered_not_given(&id, &[]).is_empty());
        assert_eq!(answered.help_status(&id, &[]).expect("status").not_given, None);
    }
}
