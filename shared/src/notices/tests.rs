use super::*;
use crate::plan::{Meeting, Participant, Record};
use crate::self_reports::SelfReport;

fn plan() -> Plan {
    let mut plan = Plan::default();
    for (id, name, kind) in [
        ("p-anna", "Anna Coordinator", ParticipantKind::default()),
        ("p-kim", "Kim Person", ParticipantKind::Person),
        ("p-olle", "Olle Nurse", ParticipantKind::default()),
    ] {
        plan.participants
            .insert(id.into(), Participant { name: name.into(), kind, ..Participant::default() });
    }
    plan.coordinator = Some("p-anna".into());
    plan
}

fn report(goal: &str, date: &str) -> Record<SelfReport> {
    Record(SelfReport {
        goal_id: goal.into(),
        rating: 1,
        note: "Private words".into(),
        date: date.into(),
        reported_at: 0,
        reported_by: "p-kim".into(),
    })
}

/// key, kind, recipients: the notices as a table.
fn check(plan: &Plan, reports: Option<&SelfReports>, today: &str, expected: &[(&str, NoticeKind, &[&str])]) {
    let found: Vec<(String, NoticeKind, Vec<String>)> =
        notices(plan, reports, today).into_iter().map(|n| (n.key, n.kind, n.to)).collect();
    let expected: Vec<(String, NoticeKind, Vec<String>)> = expected
        .iter()
        .map(|(key, kind, to)| (key.to_string(), *kind, to.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_persons_answer_is_for_the_coordinator() {
    let mut reports = SelfReports::default();
    reports.reports.insert("r1".into(), report("g1", "2027-03-01"));
    check(
        &plan(),
        Some(&reports),
        "2027-03-02",
        &[("self_report:r1", NoticeKind::PersonAnswered, &["p-anna"])],
    );
}

#[test]
fn a_meeting_is_for_everyone_but_the_coordinator_and_moving_it_is_a_new_event() {
    let mut plan = plan();
    let meeting = Meeting { date: Some("2027-03-10".into()), time: "13.00".into(), ..Meeting::default() };
    plan.meetings.insert("m1".into(), meeting);
    check(
        &plan,
        None,
        "2027-03-01",
        &[("meeting:m1:2027-03-10:13.00", NoticeKind::MeetingCalled, &["p-kim", "p-olle"])],
    );
    plan.meetings.get_mut("m1").expect("meeting").time = "14.00".into();
    check(
        &plan,
        None,
        "2027-03-01",
        &[("meeting:m1:2027-03-10:14.00", NoticeKind::MeetingCalled, &["p-kim", "p-olle"])],
    );
    // Once it has passed, it calls nobody.
    check(&plan, None, "2027-03-11", &[]);
}

#[test]
fn a_follow_up_is_due_on_its_day_and_the_persons_reminder_when_they_asked_for_one() {
    let mut plan = plan();
    plan.follow_up.next_follow_up = Some("2027-04-01".into());
    let mut reports = SelfReports::default();
    reports.report_every_days.insert("g1".into(), 7);
    reports.reports.insert("r1".into(), report("g1", "2027-03-20"));
    check(
        &plan,
        Some(&reports),
        "2027-03-26",
        &[("self_report:r1", NoticeKind::PersonAnswered, &["p-anna"])],
    );
    check(
        &plan,
        Some(&reports),
        "2027-04-01",
        &[
            ("self_report:r1", NoticeKind::PersonAnswered, &["p-anna"]),
            ("report_due:g1:2027-03-20", NoticeKind::ReportDue, &["p-kim"]),
            ("follow_up:2027-04-01", NoticeKind::FollowUpDue, &["p-anna"]),
        ],
    );
}

#[test]
fn a_closed_plan_tells_only_that_it_closed() {
    let mut plan = plan();
    plan.follow_up.next_follow_up = Some("2027-01-01".into());
    plan.closing = Some(crate::plan::fixture::closing(crate::plan::ClosingReason::GoalsMet, "p-anna"));
    check(&plan, None, "2027-04-01", &[("closed", NoticeKind::PlanClosed, &["p-kim", "p-olle"])]);
}

#[test]
fn the_calendar_file_names_no_one_and_says_no_plan_text() {
    let mut plan = plan();
    *plan.title = autosurgeon::Text::with_value("Kims plan");
    let meeting = Meeting {
        date: Some("2027-03-10".into()),
        time: "13.00".into(),
        form: MeetingForm::Home,
        place: "Storgatan 1".into(),
        ..Meeting::default()
    };
    plan.meetings.insert("m1".into(), meeting);
    let file =
        meeting_calendar_file(&plan, "doc1", "m1", "https://samplan.example/plan/doc1", 0).expect("file");
    assert!(file.contains("DTSTART;TZID=Europe/Stockholm:20270310T130000"), "{file}");
    assert!(file.contains("UID:m1.doc1@samplan"), "{file}");
    for private in ["Kim", "Storgatan", "Anna", "Hemma"] {
        assert!(!file.contains(private), "{private} in {file}");
    }
}
