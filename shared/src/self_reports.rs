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
    };
    reconcile(&mut doc, &reports)?;
    Ok(doc)
}

/// Read the whole document.
pub fn read_self_reports(doc: &AutoCommit) -> Result<SelfReports, PlanError> {
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

impl SelfReports {
    /// One goal's reports, oldest first.
    pub fn for_goal(&self, goal_id: &str) -> Vec<&SelfReport> {
        let mut list: Vec<&SelfReport> =
            self.reports.values().map(|r| &r.0).filter(|r| r.goal_id == goal_id).collect();
        list.sort_by(|a, b| (&a.date, a.reported_at).cmp(&(&b.date, b.reported_at)));
        list
    }
}

#[cfg(test)]
mod tests;
