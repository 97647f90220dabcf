//! The person's own reports of how their goals go: a separate document per
//! plan, so that the person can write here without write access to the plan.
//!
//! Each report rates one goal on a five-step scale (Goal Attainment Scaling,
//! −2 "mycket sämre" to +2 "mycket bättre") with an optional note, dated.
//! Reports are items of a map keyed by a random id: reports made offline on
//! several devices merge with no duplicate and none lost.

use std::collections::BTreeMap;

use automerge::AutoCommit;
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile};

use serde::{Deserialize, Serialize};

use crate::plan::edit::new_id;
use crate::plan::{PlanError, Record};

mod not_given;
mod taking_part;
pub use not_given::{add_help_not_given, HelpNotGiven};
pub use taking_part::{add_taking_part, TakingPart, TakingPartAnswer, QUESTIONS, SHORT_QUESTIONS};

/// The schema version of self-report documents.
pub const SCHEMA_VERSION: u64 = 1;

/// The lowest and highest rating.
pub const RATINGS: std::ops::RangeInclusive<i64> = -2..=2;

/// The words for each rating, from −2 to +2, in plain Swedish.
pub fn rating_label(rating: i64) -> Option<&'static str> {
    match rating {
        -2 => Some("Mycket sämre"),
        -1 => Some("Lite sämre"),
        0 => Some("Som förut"),
        1 => Some("Lite bättre"),
        2 => Some("Mycket bättre"),
        _ => None,
    }
}

/// The self-report document of one plan.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct SelfReports {
    /// Which schema this document follows.
    pub schema_version: u64,
    /// The plan's document id.
    pub plan_id: String,
    /// Reports, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub reports: BTreeMap<String, Record<SelfReport>>,
    /// How often the person wants to report on a goal, in days, by goal id
    /// (the app reminds them when it is time; nothing is sent anywhere).
    #[autosurgeon(missing = "Default::default")]
    pub report_every_days: BTreeMap<String, i64>,
    /// The person's answers after each meeting ([`TakingPart`]), by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub taking_part: BTreeMap<String, Record<TakingPart>>,
    /// The person's reports that a promised help did not happen
    /// ([`HelpNotGiven`]), by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub help_not_given: BTreeMap<String, Record<HelpNotGiven>>,
}

/// One report by the person (an immutable [`Record`]: a correction is a new report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReport {
    /// Which goal (id in the plan).
    pub goal_id: String,
    /// −2 … +2.
    pub rating: i64,
    /// What the person wants to add.
    #[serde(default)]
    pub note: String,
    /// The day it is about (YYYY-MM-DD).
    pub date: String,
    /// When it was made (ms since 1970).
    pub reported_at: i64,
    /// Who made it (the person, or a relative on their behalf).
    pub reported_by: String,
}

/// Why a report was refused.
#[derive(Debug, thiserror::Error)]
pub enum SelfReportError {
    /// The rating is outside −2 … +2.
    #[error("skattningen måste vara mellan -2 och 2, inte {0}")]
    RatingOutOfRange(i64),
    /// A reminder interval outside 1 … 365 days.
    #[error("påminnelsen måste vara mellan 1 och 365 dagar, inte {0}")]
    IntervalOutOfRange(i64),
    /// Answers about a meeting that name no meeting.
    #[error("svaren måste gälla ett möte")]
    NoMeeting,
    /// A report that a help did not happen that names no help.
    #[error("rapporten måste gälla en insats")]
    NoHelp,
    /// Words longer than the form allows.
    #[error("texten får vara högst {0} tecken")]
    TooLong(usize),
    /// The date is not YYYY-MM-DD.
    #[error("\"{0}\" är inte ett datum (ÅÅÅÅ-MM-DD)")]
    InvalidDate(String),
    /// The document could not be read or written.
    #[error(transparent)]
    Document(Box<PlanError>),
}

impl From<PlanError> for SelfReportError {
    fn from(error: PlanError) -> Self {
        SelfReportError::Document(Box::new(error))
    }
}

/// A new, empty self-report document for the plan `plan_id`.
pub fn new_self_reports_document(plan_id: &str) -> Result<AutoCommit, PlanError> {
    let mut doc = AutoCommit::new();
    let reports = SelfReports {
        schema_version: SCHEMA_VERSION,
        plan_id: plan_id.to_string(),
        reports: BTreeMap::new(),
        report_every_days: BTreeMap::new(),
        taking_part: BTreeMap::new(),
        help_not_given: BTreeMap::new(),
    };
    reconcile(&mut doc, &reports)?;
    Ok(doc)
}

/// Read the whole document.
pub fn read_self_reports(doc: &impl autosurgeon::ReadDoc) -> Result<SelfReports, PlanError> {
    let reports: SelfReports = hydrate(doc)?;
    if reports.schema_version > SCHEMA_VERSION {
        return Err(PlanError::TooNew(reports.schema_version));
    }
    Ok(reports)
}

/// Add a report; returns its id.
pub fn add_self_report(doc: &mut AutoCommit, report: &SelfReport) -> Result<String, SelfReportError> {
    if !RATINGS.contains(&report.rating) {
        return Err(SelfReportError::RatingOutOfRange(report.rating));
    }
    if !crate::plan::validate::is_valid_date(&report.date) {
        return Err(SelfReportError::InvalidDate(report.date.clone()));
    }
    let id = new_id();
    crate::plan::edit::put(doc, &["reports"], &id, &Record(report.clone()))?;
    Ok(id)
}

/// How often the person may choose to be reminded (days).
pub const REPORT_INTERVALS: [i64; 3] = [7, 14, 30];

/// Remind the person every `days` days to report on goal `goal_id`, or
/// stop reminding (`None`).
pub fn set_report_interval(
    doc: &mut AutoCommit,
    goal_id: &str,
    days: Option<i64>,
) -> Result<(), SelfReportError> {
    use automerge::transaction::Transactable as _;
    use automerge::{ObjType, ReadDoc as _, Value, ROOT};
    let map = match doc.get(ROOT, "report_every_days").map_err(PlanError::from)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, "report_every_days", ObjType::Map).map_err(PlanError::from)?,
    };
    match days {
        Some(days) if (1..=365).contains(&days) => doc.put(&map, goal_id, days).map_err(PlanError::from)?,
        Some(days) => return Err(SelfReportError::IntervalOutOfRange(days)),
        None => doc.delete(&map, goal_id).map_err(PlanError::from)?,
    }
    Ok(())
}

/// Whether `doc` is a self-report document (and not a plan).
pub fn is_self_reports(doc: &impl automerge::ReadDoc) -> bool {
    doc.get(automerge::ROOT, "reports").is_ok_and(|v| v.is_some())
}

impl SelfReports {
    /// The goals whose report is due on `today` (YYYY-MM-DD): the person
    /// asked to be reminded and their last report on it is that many days
    /// old or older (or there is none yet).
    pub fn due(&self, today: &str) -> Vec<String> {
        let Some(today) = day_number(today) else { return Vec::new() };
        self.report_every_days
            .iter()
            .filter(|(goal, every)| {
                let last = self.for_goal(goal).last().and_then(|r| day_number(&r.date));
                last.is_none_or(|last| today - last >= **every)
            })
            .map(|(goal, _)| goal.clone())
            .collect()
    }

    /// One goal's reports, oldest first.
    pub fn for_goal(&self, goal_id: &str) -> Vec<&SelfReport> {
        let mut list: Vec<&SelfReport> =
            self.reports.values().map(|r| &r.0).filter(|r| r.goal_id == goal_id).collect();
        list.sort_by(|a, b| (&a.date, a.reported_at).cmp(&(&b.date, b.reported_at)));
        list
    }
}

/// A date (YYYY-MM-DD) as people say it: "fredag 4 december". Anything
/// that is not a valid date comes back as it was.
pub fn spoken_date(date: &str) -> String {
    const WEEKDAYS: [&str; 7] = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"];
    let Some(days) = day_number(date) else { return date.to_string() };
    let month: usize = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let day: u32 = date.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(1);
    // 1970-01-01 was a Thursday (index 3 from Monday).
    let weekday = WEEKDAYS[(days + 3).rem_euclid(7) as usize];
    format!("{weekday} {day} {}", crate::swedish_time::MONTHS[month.clamp(1, 12) - 1])
}

/// Days since 1970-01-01 of a YYYY-MM-DD date (the civil-from-days
/// algorithm of H. Hinnant), for the distance between two dates.
pub fn day_number(date: &str) -> Option<i64> {
    if !crate::plan::validate::is_valid_date(date) {
        return None;
    }
    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: i64 = date.get(5..7)?.parse().ok()?;
    let day: i64 = date.get(8..10)?.parse().ok()?;
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests;
