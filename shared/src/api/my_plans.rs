//! `GET /api/plans`: every plan the caller is a member of, as the start
//! page "Mina planer" lists them, on any device.
//!
//! Why the answer carries dates rather than "the next date": which date is
//! next depends on the day the list is read, and the app keeps the last
//! answer for offline use; [`MyPlan::next_date`] picks it on the day it is
//! shown, in the device's time zone.

use serde::{Deserialize, Serialize};

use crate::Role;

/// One plan of the caller's, as the server's copy of it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlan {
    /// The plan's document id (bare, as in `/plan/<id>`).
    pub document_id: String,
    /// The plan's name ("Planens namn"); empty if nobody wrote one.
    pub title: String,
    /// The person's name: as the plan names the person, else the
    /// participant who is the person; empty if neither is written yet.
    pub person: String,
    /// The coordinator's name: the participant chosen as coordinator in
    /// the plan, else the member who coordinates it on the server.
    pub coordinator: String,
    /// Nästa uppföljning (YYYY-MM-DD), if set.
    #[serde(default)]
    pub next_follow_up: Option<String>,
    /// The days of the plan's meetings (YYYY-MM-DD), earliest first.
    #[serde(default)]
    pub meetings: Vec<String>,
    /// Whether the plan is closed (avslutad).
    pub closed: bool,
    /// The caller's own role in the plan.
    pub role: Role,
}

/// What happens on a plan's next date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// A meeting.
    Meeting,
    /// The next follow-up.
    FollowUp,
}

/// A plan's next date: the first meeting or follow-up on `today` or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextDate {
    /// YYYY-MM-DD.
    pub date: String,
    /// What happens then.
    pub kind: DateKind,
}

impl MyPlan {
    /// The first meeting or follow-up on `today` (YYYY-MM-DD) or later; a
    /// meeting before a follow-up on the same day. `None` when none is
    /// planned from today on.
    pub fn next_date(&self, today: &str) -> Option<NextDate> {
        let meetings = self.meetings.iter().map(|date| (date, DateKind::Meeting));
        let follow_up = self.next_follow_up.iter().map(|date| (date, DateKind::FollowUp));
        meetings
            .chain(follow_up)
            .filter(|(date, _)| date.as_str() >= today)
            .min_by(|a, b| a.0.cmp(b.0))
            .map(|(date, kind)| NextDate { date: date.clone(), kind })
    }

    /// Whether the caller is this plan's coordinator (samordningsansvarig).
    pub fn mine_as_coordinator(&self) -> bool {
        self.role == Role::Coordinator
    }
}

#[cfg(test)]
mod tests;
