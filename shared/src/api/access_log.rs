//! The access log's side of the API: who looked at a plan, reads a device
//! made offline, and log review (loggkontroll).
//!
//! - `GET /api/plans/{plan}/access-log` → `Vec<`[`PlanAccessEntry`]`>`:
//!   for the plan's person, the members who answer for them
//!   (`reports_for_person`) and its coordinator; reads and changes, newest
//!   first, in plain words.
//! - `POST /api/plans/{plan}/offline-reads` with [`OfflineReads`] → 204:
//!   a device reports when it showed the plan without the network.
//! - `GET /api/access-log?plan=&person=&account=&organisation=&from=&to=&sample=&format=csv`
//!   → `Vec<`[`AccessLogLine`]`>` (or CSV): for log reviewers only.

use serde::{Deserialize, Serialize};

/// One line of "Vem har tittat på planen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAccessEntry {
    /// When (ms since 1970; for an offline read, when the device showed it).
    pub at: i64,
    /// Who: the account's name or the device's label.
    pub name: String,
    /// Their organisation (empty for a device of the person's own).
    pub organisation: String,
    /// What, in plain Swedish: "läste planen", "ändrade planen",
    /// "hämtade planen som fil" …
    pub action: String,
    /// Whether it was a change (else a read).
    pub change: bool,
    /// Whether the device read it without the network and told the server later.
    pub offline: bool,
    /// Whether it was the caller (their account or device), so a view can
    /// leave out or soften "du läste planen".
    #[serde(default)]
    pub own: bool,
}

/// `POST /api/plans/{plan}/offline-reads`: when this device showed the plan
/// while it had no network (at most [`OfflineReads::MAX`], each at most
/// 180 days old).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineReads {
    /// The times (ms since 1970).
    pub reads: Vec<i64>,
}

impl OfflineReads {
    /// At most this many in one report.
    pub const MAX: usize = 500;
}

/// One entry of `GET /api/access-log` (log review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogLine {
    /// When (ms since 1970).
    pub at: i64,
    /// Who: `user:<id>`, `device:<id>`, or `okänd` (a link that did not work).
    pub principal: String,
    /// Their name.
    pub name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their role in the plan (`coordinator`, `editor`, `person`, `reader`, or empty).
    pub role: String,
    /// The plan's id, if any.
    pub plan: Option<String>,
    /// The person the plan is about.
    pub person: String,
    /// What: `read.sync`, `read.first_view`, `read.export`, `read.members`,
    /// `read.offline`, `change`, `refused.change`, `refused.sync`,
    /// `refused.api`, `signin`, `signin.failed`, `review`.
    pub action: String,
    /// The session.
    pub session: Option<i64>,
    /// The kind of device ("Firefox på Linux").
    pub device: String,
    /// Read offline, reported later.
    pub offline: bool,
    /// More (a refusal's reason, an address, a review's filter).
    pub detail: String,
}
