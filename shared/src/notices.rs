//! What in a plan may need someone outside the app: the events a relay
//! tells members about by e-mail or Web Push (`server::notifications`).
//!
//! Why a list of the plan's current events rather than a diff of two
//! versions: each [`Notice`] has a stable [`Notice::key`] (the self-report's
//! id, the meeting's id with its date and time, the follow-up's date …), and
//! the relay remembers the keys it has told. Reading the plan again after
//! any change, after a restart, or from a second relay then gives the same
//! keys, and only the new ones are told: a moved meeting has a new key, a
//! report read twice has the same one. A diff of "before" and "after" would
//! need the "before" that a crash or another relay may have lost.
//!
//! A notice names its recipients by participant id; who they are (which
//! account or device) the relay looks up. It carries no plan text: what
//! goes out says only that something in "a plan in Samplan" needs them.

use crate::icalendar::{self, Event};
use crate::plan::{MeetingForm, ParticipantKind, Plan};
use crate::self_reports::SelfReports;
use crate::swedish_time::{ClockTime, Day};

/// What happened, in words that name nobody and quote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKind {
    /// The person answered (a rating, the questions after a meeting).
    PersonAnswered,
    /// The person reported that a help did not happen.
    HelpNotGiven,
    /// A meeting was called, or moved to another day or time.
    MeetingCalled,
    /// The follow-up or the evaluation is due.
    FollowUpDue,
    /// The person's own reminder: a report they asked to be reminded of.
    ReportDue,
    /// The plan was closed.
    PlanClosed,
}

impl NoticeKind {
    /// Every kind, in the order a summary lists them.
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::PersonAnswered,
        NoticeKind::HelpNotGiven,
        NoticeKind::MeetingCalled,
        NoticeKind::FollowUpDue,
        NoticeKind::ReportDue,
        NoticeKind::PlanClosed,
    ];

    /// Its name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::PersonAnswered => "person_answered",
            NoticeKind::HelpNotGiven => "help_not_given",
            NoticeKind::MeetingCalled => "meeting_called",
            NoticeKind::FollowUpDue => "follow_up_due",
            NoticeKind::ReportDue => "report_due",
            NoticeKind::PlanClosed => "plan_closed",
        }
    }

    /// The kind named `name` in the database.
    pub fn parse(name: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// One line about it, in plain Swedish, with no personal data.
    pub fn words(self) -> &'static str {
        match self {
            NoticeKind::PersonAnswered => "Det finns ett nytt svar i en plan i Samplan.",
            NoticeKind::HelpNotGiven => "Någon har skrivit att en insats inte blev av, i en plan i Samplan.",
            NoticeKind::MeetingCalled => "Ett möte har bokats eller flyttats, i en plan i Samplan.",
            NoticeKind::FollowUpDue => "Det är dags för uppföljning av en plan i Samplan.",
            NoticeKind::ReportDue => "Det är dags att svara på hur det går, i din plan i Samplan.",
            NoticeKind::PlanClosed => "En plan i Samplan har avslutats.",
        }
    }
}

/// One event that may need someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The same for the same event whenever the plan is read.
    pub key: String,
    /// What happened.
    pub kind: NoticeKind,
    /// Whom it is for, by participant id (never empty).
    pub to: Vec<String>,
    /// The meeting's id, for a meeting called or moved (its calendar file).
    pub meeting: Option<String>,
}

/// The events in `plan` and its self-report document `reports` on `today`
/// (`YYYY-MM-DD`, Swedish local date). Only notices with recipients.
pub fn notices(plan: &Plan, reports: Option<&SelfReports>, today: &str) -> Vec<Notice> {
    let coordinator: Vec<String> = plan.coordinator.iter().cloned().collect();
    let person: Vec<String> = plan
        .participants
        .iter()
        .filter(|(_, p)| p.kind == ParticipantKind::Person)
        .map(|(id, _)| id.clone())
        .collect();
    let others: Vec<String> =
        plan.participants.keys().filter(|id| Some(*id) != plan.coordinator.as_ref()).cloned().collect();
    let mut found = Vec::new();
    let mut add = |key: String, kind: NoticeKind, to: &[String], meeting: Option<String>| {
        if !to.is_empty() {
            found.push(Notice { key, kind, to: to.to_vec(), meeting });
        }
    };
    if plan.closing.is_some() {
        add("closed".into(), NoticeKind::PlanClosed, &others, None);
        return found;
    }
    if let Some(reports) = reports {
        for id in reports.reports.keys() {
            add(format!("self_report:{id}"), NoticeKind::PersonAnswered, &coordinator, None);
        }
        for id in reports.taking_part.keys() {
            add(format!("taking_part:{id}"), NoticeKind::PersonAnswered, &coordinator, None);
        }
        for id in reports.help_not_given.keys() {
            add(format!("not_given:{id}"), NoticeKind::HelpNotGiven, &coordinator, None);
        }
        for goal in reports.due(today) {
            let last = reports.for_goal(&goal).last().map(|r| r.date.clone()).unwrap_or_default();
            add(format!("report_due:{goal}:{last}"), NoticeKind::ReportDue, &person, None);
        }
    }
    for (id, meeting) in &plan.meetings {
        let Some(date) = meeting.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) else { continue };
        if date < today || meeting.ended_at.is_some() {
            continue;
        }
        let key = format!("meeting:{id}:{date}:{}", meeting.time.trim());
        add(key, NoticeKind::MeetingCalled, &others, Some(id.clone()));
    }
    for (what, date) in
        [("follow_up", &plan.follow_up.next_follow_up), ("evaluation", &plan.follow_up.evaluation)]
    {
        if let Some(date) = date.as_deref().map(str::trim).filter(|d| !d.is_empty() && *d <= today) {
            add(format!("{what}:{date}"), NoticeKind::FollowUpDue, &coordinator, None);
        }
    }
    found
}

/// The calendar file of a meeting for a notice: the day, the time and the
/// kind of place only ("Digitalt", "Mötesrum"), a summary that names no
/// one, and the link to the plan. The same UID as the kallelse's file
/// (`plan::invitation::calendar_file`), so a calendar that has one updates it.
pub fn meeting_calendar_file(
    plan: &Plan,
    plan_id: &str,
    meeting_id: &str,
    link: &str,
    now_ms: i64,
) -> Option<String> {
    let meeting = plan.meetings.get(meeting_id)?;
    let day = Day::parse(meeting.date.as_deref()?.trim())?;
    let time = ClockTime::parse(meeting.time.trim());
    let place = match meeting.form {
        MeetingForm::Home => "Möte",
        form => form.label(),
    };
    Some(icalendar::calendar(&Event {
        uid: format!("{meeting_id}.{plan_id}@samplan"),
        stamp_ms: now_ms,
        day,
        time,
        minutes: meeting.planned_minutes,
        summary: "Möte om en plan i Samplan".into(),
        location: place.into(),
        url: link.into(),
        description: format!("Läs kallelsen i Samplan: {link}"),
        organizer: None,
    }))
}

#[cfg(test)]
mod tests;
