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

impl PlanAccessEntry {
    /// The line as the person reads it, seen at `now` (ms since 1970):
    /// "Olle Svensson, läste planen, idag 14:02"; the organisation in
    /// brackets after the name when there is one; "Du" for the reader's own.
    pub fn in_words(&self, now: i64) -> String {
        let who = if self.own {
            "Du".to_string()
        } else if self.organisation.trim().is_empty() {
            self.name.trim().to_string()
        } else {
            format!("{} ({})", self.name.trim(), self.organisation.trim())
        };
        // (A read made offline says so in its action: "läste planen utan nätverk".)
        format!("{who}, {}, {}", self.action.trim(), crate::swedish_time::when_in_words(self.at, now))
    }
}

/// The lines of a list of entries (newest first), seen at `now`: the same
/// line several times in a row (a device that read two documents of the
/// plan in the same minute) is said once, "(2 gånger)".
pub fn lines_in_words(entries: &[PlanAccessEntry], now: i64) -> Vec<String> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for line in entries.iter().map(|e| e.in_words(now)) {
        match lines.last_mut() {
            Some((last, times)) if *last == line => *times += 1,
            _ => lines.push((line, 1)),
        }
    }
    lines
        .into_iter()
        .map(|(line, times)| if times > 1 { format!("{line} ({times} gånger)") } else { line })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_in_the_persons_words() {
        let at = crate::swedish_time::to_utc(
            crate::swedish_time::Day { year: 2026, month: 12, day: 6 },
            crate::swedish_time::ClockTime { hour: 14, minute: 2 },
        );
        let entry = PlanAccessEntry {
            at,
            name: "Olle Svensson".into(),
            organisation: String::new(),
            action: "läste planen".into(),
            change: false,
            offline: false,
            own: false,
        };
        assert_eq!(entry.in_words(at + 60_000), "Olle Svensson, läste planen, idag 14:02");
        let staff =
            PlanAccessEntry { organisation: "Hemtjänsten Norr".into(), offline: true, ..entry.clone() };
        assert_eq!(staff.in_words(at + 60_000), "Olle Svensson (Hemtjänsten Norr), läste planen, idag 14:02");
        assert!(PlanAccessEntry { own: true, ..entry.clone() }.in_words(at).starts_with("Du, läste planen"));
        let later = PlanAccessEntry { at: at + 120_000, action: "ändrade planen".into(), ..entry.clone() };
        assert_eq!(
            lines_in_words(&[later, entry.clone(), entry.clone(), staff], at + 180_000),
            [
                "Olle Svensson, ändrade planen, idag 14:04",
                "Olle Svensson, läste planen, idag 14:02 (2 gånger)",
                "Olle Svensson (Hemtjänsten Norr), läste planen, idag 14:02",
            ]
        );
    }
}
