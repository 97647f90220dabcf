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
//!
//! Some events need what the plan alone does not say, and the relay finds
//! it out ([`Known`]):
//!
//! - **A meeting called or moved** goes to every participant but the one
//!   who booked or moved it: the writer of the meeting's day or time,
//!   whichever was written last ([`meeting_writers`], read from the
//!   document's history; the relay binds each writer to a member). When
//!   nobody can be found (a writer the relay never bound, a member without
//!   a participant) it goes to everyone but the coordinator, who books most
//!   meetings.
//! - **An approval asked for**: once the plan's current meeting
//!   (`plan::approvals::current_meeting`) is over — the chair ended it, or
//!   its day has passed — each participant whose approval does not hold for
//!   the plan as it is now is asked, one notice each. One who never
//!   approved is asked once (`approval:<meeting>:<participant>`); one whose
//!   approval the plan has since changed away from is asked again, once
//!   per approval that went stale (the key names that approval's version).
//!   Typing in the plan after that asks nobody again until they approve
//!   anew; nobody is asked while the meeting is still going on.
//! - **A status report due**: from [`STATUS_REPORT_LEAD_DAYS`] days before
//!   the next follow-up (or the evaluation), every help that has started
//!   and is not done or cancelled, and has no status report dated in that
//!   week, wants one from whoever answers for it: the professional
//!   participants whose name is its "Ansvarig person"; else those who
//!   reported on it before; else the coordinator. Once per help and
//!   follow-up date.

use std::collections::{BTreeMap, BTreeSet};

use automerge::ReadDoc;

use crate::icalendar::{self, Event};
use crate::plan::approvals::current_meeting;
use crate::plan::{InterventionStatus, MeetingForm, ParticipantKind, Plan};
use crate::self_reports::SelfReports;
use crate::swedish_time::{ClockTime, Day};

/// How many days before a follow-up each help's status report is asked for.
pub const STATUS_REPORT_LEAD_DAYS: i64 = 7;

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
    /// The participant's approval of the plan is asked for.
    ApprovalAsked,
    /// A status report on a help they answer for is due.
    StatusReportDue,
    /// Someone used an invitation the member made, and joined the plan.
    InvitationUsed,
}

impl NoticeKind {
    /// Every kind, in the order a summary lists them.
    pub const ALL: [NoticeKind; 9] = [
        NoticeKind::PersonAnswered,
        NoticeKind::HelpNotGiven,
        NoticeKind::MeetingCalled,
        NoticeKind::ApprovalAsked,
        NoticeKind::FollowUpDue,
        NoticeKind::StatusReportDue,
        NoticeKind::ReportDue,
        NoticeKind::InvitationUsed,
        NoticeKind::PlanClosed,
    ];

    /// The generation of the notifier that first told this kind: a plan the
    /// relay read before a kind was told has that kind's events so far
    /// remembered without telling anyone (as when notifications are turned
    /// on), so a new kind never mails the past.
    pub fn generation(self) -> i64 {
        match self {
            NoticeKind::ApprovalAsked | NoticeKind::StatusReportDue | NoticeKind::InvitationUsed => 2,
            _ => 1,
        }
    }

    /// The generation of this notifier: the highest of [`NoticeKind::generation`].
    pub const GENERATION: i64 = 2;

    /// Its name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::PersonAnswered => "person_answered",
            NoticeKind::HelpNotGiven => "help_not_given",
            NoticeKind::MeetingCalled => "meeting_called",
            NoticeKind::FollowUpDue => "follow_up_due",
            NoticeKind::ReportDue => "report_due",
            NoticeKind::PlanClosed => "plan_closed",
            NoticeKind::ApprovalAsked => "approval_asked",
            NoticeKind::StatusReportDue => "status_report_due",
            NoticeKind::InvitationUsed => "invitation_used",
        }
    }

    /// The kind named `name` in the database.
    pub fn parse(name: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The choice in the settings ("what I am told about"), in plain Swedish.
    pub fn choice(self) -> &'static str {
        match self {
            NoticeKind::PersonAnswered => "Personen har svarat på hur det går",
            NoticeKind::HelpNotGiven => "Någon skriver att en insats inte blev av",
            NoticeKind::MeetingCalled => "Ett möte bokas eller flyttas",
            NoticeKind::FollowUpDue => "Det är dags för uppföljning",
            NoticeKind::ReportDue => "Det är dags att svara på hur det går",
            NoticeKind::PlanClosed => "En plan avslutas",
            NoticeKind::ApprovalAsked => "Du behöver godkänna en plan",
            NoticeKind::StatusReportDue => "Det är dags att rapportera hur en insats går",
            NoticeKind::InvitationUsed => "Någon tar emot en inbjudan du har skickat",
        }
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
            NoticeKind::ApprovalAsked => "Du ombeds godkänna en plan i Samplan.",
            NoticeKind::StatusReportDue => {
                "Det är dags att rapportera hur en insats går, i en plan i Samplan."
            }
            NoticeKind::InvitationUsed => "Någon har tagit emot din inbjudan till en plan i Samplan.",
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

/// What the relay found out that the plan alone does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// Who booked or last moved each meeting: meeting id → participant id
    /// (from [`meeting_writers`] and the relay's members). A meeting
    /// missing here was booked by someone unknown.
    pub meeting_by: BTreeMap<String, String>,
    /// The participants whose approval at the current meeting holds for
    /// the plan as it is now (`plan::approvals::holding_approvals`).
    pub approved_now: BTreeSet<String>,
}

/// The events in `plan` and its self-report document `reports` on `today`
/// (`YYYY-MM-DD`, Swedish local date). Only notices with recipients.
pub fn notices(plan: &Plan, reports: Option<&SelfReports>, today: &str, known: &Known) -> Vec<Notice> {
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
        let to = match known.meeting_by.get(id).filter(|by| plan.participants.contains_key(*by)) {
            Some(by) => plan.participants.keys().filter(|p| *p != by).cloned().collect(),
            None => others.clone(),
        };
        add(key, NoticeKind::MeetingCalled, &to, Some(id.clone()));
    }
    for (key, to) in approvals_asked(plan, today, known) {
        add(key, NoticeKind::ApprovalAsked, &[to], None);
    }
    for (what, date) in
        [("follow_up", &plan.follow_up.next_follow_up), ("evaluation", &plan.follow_up.evaluation)]
    {
        if let Some(date) = date.as_deref().map(str::trim).filter(|d| !d.is_empty() && *d <= today) {
            add(format!("{what}:{date}"), NoticeKind::FollowUpDue, &coordinator, None);
        }
    }
    for (key, to) in status_reports_due(plan, today) {
        add(key, NoticeKind::StatusReportDue, &to, None);
    }
    found
}

/// Whether approvals are asked for on `today`: the plan's current meeting
/// is over (the chair ended it, or its day has passed). Before that, the
/// relay need not find out whose approvals hold ([`Known::approved_now`]).
pub fn approvals_wanted(plan: &Plan, today: &str) -> bool {
    let Some(meeting) = current_meeting(plan).and_then(|id| plan.meetings.get(id)) else { return false };
    let day_passed =
        meeting.date.as_deref().map(str::trim).is_some_and(|date| !date.is_empty() && date < today);
    meeting.has_ended() || day_passed
}

/// The approvals asked for, as (key, participant).
fn approvals_asked(plan: &Plan, today: &str, known: &Known) -> Vec<(String, String)> {
    if !approvals_wanted(plan, today) {
        return Vec::new();
    }
    let Some((meeting_id, meeting)) = current_meeting(plan).and_then(|id| Some((id, plan.meetings.get(id)?)))
    else {
        return Vec::new();
    };
    let mut asked = Vec::new();
    for participant in plan.participants.keys() {
        if known.approved_now.contains(participant) {
            continue;
        }
        let key = match meeting.approvals.get(participant) {
            None => format!("approval:{meeting_id}:{participant}"),
            Some(approval) => {
                let mut heads: Vec<&str> =
                    approval.heads.iter().map(|h| h.get(..12).unwrap_or(h.as_str())).collect();
                heads.sort_unstable();
                format!("approval:{meeting_id}:{participant}:{}", heads.join("+"))
            }
        };
        asked.push((key, participant.clone()));
    }
    asked
}

/// The status reports due, as (key, participants).
fn status_reports_due(plan: &Plan, today: &str) -> Vec<(String, Vec<String>)> {
    let Some(today_day) = Day::parse(today) else { return Vec::new() };
    let mut dates: Vec<&str> = [&plan.follow_up.next_follow_up, &plan.follow_up.evaluation]
        .into_iter()
        .filter_map(|d| d.as_deref().map(str::trim).filter(|d| !d.is_empty()))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let mut due = Vec::new();
    for date in dates {
        let Some(day) = Day::parse(date) else { continue };
        let from = Day::from_days_since_epoch(day.days_since_epoch() - STATUS_REPORT_LEAD_DAYS);
        if today_day < from {
            continue;
        }
        let from = from.iso();
        for (id, intervention) in plan.ordered_interventions() {
            if intervention.start.as_deref().map(str::trim).is_some_and(|s| !s.is_empty() && s > today) {
                continue;
            }
            let mut reports: Vec<_> = intervention.reports.values().collect();
            reports.sort_by(|a, b| (&a.date, a.recorded_at).cmp(&(&b.date, b.recorded_at)));
            let finished = reports.last().is_some_and(|r| {
                matches!(r.status, InterventionStatus::Done | InterventionStatus::Cancelled)
            });
            if finished || reports.iter().any(|r| r.date.as_str() >= from.as_str()) {
                continue;
            }
            let responsible = intervention.responsible_person.trim().to_lowercase();
            let mut to: Vec<String> = plan
                .participants
                .iter()
                .filter(|(_, p)| p.kind != ParticipantKind::Person)
                .filter(|(_, p)| !responsible.is_empty() && p.name.trim().to_lowercase() == responsible)
                .map(|(id, _)| id.clone())
                .collect();
            if to.is_empty() {
                to = reports
                    .iter()
                    .map(|r| r.author.clone())
                    .filter(|author| plan.participants.contains_key(author))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
            }
            if to.is_empty() {
                to = plan.coordinator.iter().cloned().collect();
            }
            due.push((format!("status_due:{id}:{date}"), to));
        }
    }
    due
}

/// Who wrote each meeting's day or time last, as the actor (hex) of that
/// change: the one who booked the meeting, or who moved it since.
pub fn meeting_writers(doc: &impl ReadDoc) -> BTreeMap<String, String> {
    let mut writers = BTreeMap::new();
    let Ok(Some((_, meetings))) = doc.get(automerge::ROOT, "meetings") else { return writers };
    for id in doc.keys(&meetings) {
        let Ok(Some((_, meeting))) = doc.get(&meetings, id.as_str()) else { continue };
        let last = ["date", "time"]
            .into_iter()
            .filter_map(|field| match doc.get(&meeting, field) {
                Ok(Some((_, automerge::ObjId::Id(counter, actor, _)))) => Some((counter, actor)),
                _ => None,
            })
            .max();
        if let Some((_, actor)) = last {
            writers.insert(id, actor.to_hex_string());
        }
    }
    writers
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
