use super::*;
use crate::plan::{
    Approval, Intervention, InterventionReport, InterventionStatus, Meeting, Participant, Record,
};
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
    check_knowing(plan, reports, today, &Known::default(), expected);
}

/// As [`check`], with what the relay found out from the history.
fn check_knowing(
    plan: &Plan,
    reports: Option<&SelfReports>,
    today: &str,
    known: &Known,
    expected: &[(&str, NoticeKind, &[&str])],
) {
    let found: Vec<(String, NoticeKind, Vec<String>)> =
        notices(plan, reports, today, known).into_iter().map(|n| (n.key, n.kind, n.to)).collect();
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
    // Once it has passed, it calls nobody (its approvals are asked for).
    let after = notices(&plan, None, "2027-03-11", &Known::default());
    assert!(after.iter().all(|n| n.kind == NoticeKind::ApprovalAsked), "{after:?}");
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

#[test]
fn a_meeting_is_for_everyone_but_the_one_who_booked_it_when_the_relay_knows_who() {
    let mut plan = plan();
    let meeting = Meeting { date: Some("2027-03-10".into()), time: "13.00".into(), ..Meeting::default() };
    plan.meetings.insert("m1".into(), meeting);
    let mut known = Known::default();
    known.meeting_by.insert("m1".into(), "p-olle".into());
    check_knowing(
        &plan,
        None,
        "2027-03-01",
        &known,
        &[("meeting:m1:2027-03-10:13.00", NoticeKind::MeetingCalled, &["p-anna", "p-kim"])],
    );
}

fn approval(heads: &[&str], by: &str) -> Record<Approval> {
    Record(Approval {
        heads: heads.iter().map(|h| h.to_string()).collect(),
        approved_at: 0,
        name: String::new(),
        author: by.into(),
        oral: false,
        recorded_by: String::new(),
    })
}

#[test]
fn an_approval_is_asked_of_each_participant_once_the_meeting_is_over_and_again_after_a_change() {
    let mut plan = plan();
    let meeting = Meeting { date: Some("2027-03-10".into()), time: "13.00".into(), ..Meeting::default() };
    plan.meetings.insert("m1".into(), meeting);
    let meeting_key = ("meeting:m1:2027-03-10:13.00", NoticeKind::MeetingCalled, &["p-kim", "p-olle"][..]);
    // Before and during the meeting nobody is asked.
    check(&plan, None, "2027-03-10", &[meeting_key]);
    // Once the chair ends it, everyone who has not approved is asked, each
    // by a key of their own.
    plan.meetings.get_mut("m1").expect("m1").ended_at = Some(1);
    check(
        &plan,
        None,
        "2027-03-10",
        &[
            ("approval:m1:p-anna", NoticeKind::ApprovalAsked, &["p-anna"]),
            ("approval:m1:p-kim", NoticeKind::ApprovalAsked, &["p-kim"]),
            ("approval:m1:p-olle", NoticeKind::ApprovalAsked, &["p-olle"]),
        ],
    );
    // Anna approved the plan as it is: she is not asked; the others are
    // still asked by the same keys (told once).
    plan.meetings.get_mut("m1").expect("m1").approvals.insert("p-anna".into(), approval(&["aaaa"], "p-anna"));
    let mut known = Known::default();
    known.approved_now.insert("p-anna".into());
    check_knowing(
        &plan,
        None,
        "2027-03-10",
        &known,
        &[
            ("approval:m1:p-kim", NoticeKind::ApprovalAsked, &["p-kim"]),
            ("approval:m1:p-olle", NoticeKind::ApprovalAsked, &["p-olle"]),
        ],
    );
    // The plan changed after her approval: she is asked again, by a new key.
    check(
        &plan,
        None,
        "2027-03-10",
        &[
            ("approval:m1:p-anna:aaaa", NoticeKind::ApprovalAsked, &["p-anna"]),
            ("approval:m1:p-kim", NoticeKind::ApprovalAsked, &["p-kim"]),
            ("approval:m1:p-olle", NoticeKind::ApprovalAsked, &["p-olle"]),
        ],
    );
    // A meeting whose day has passed asks too, though nobody ended it in the app.
    let mut plan = self::plan();
    let meeting = Meeting { date: Some("2027-03-10".into()), time: "13.00".into(), ..Meeting::default() };
    plan.meetings.insert("m1".into(), meeting);
    let asked: Vec<String> =
        notices(&plan, None, "2027-03-11", &Known::default()).into_iter().map(|n| n.key).collect();
    assert_eq!(asked, ["approval:m1:p-anna", "approval:m1:p-kim", "approval:m1:p-olle"]);
}

fn intervention(responsible: &str, reports: &[(&str, InterventionStatus, &str, &str)]) -> Intervention {
    let mut intervention = Intervention { responsible_person: responsible.into(), ..Intervention::default() };
    for (id, status, date, author) in reports {
        intervention.reports.insert(
            id.to_string(),
            Record(InterventionReport {
                status: *status,
                comment: String::new(),
                date: date.to_string(),
                by: String::new(),
                author: author.to_string(),
                recorded_at: 0,
            }),
        );
    }
    intervention
}

#[test]
fn a_status_report_falls_due_a_week_before_the_follow_up_for_whoever_answers_for_the_help() {
    let mut plan = plan();
    plan.follow_up.next_follow_up = Some("2027-04-01".into());
    // Olle is named as responsible; the second help names nobody in the
    // plan, but Olle reported on it before; the third nobody at all; the
    // fourth is done; the fifth was reported on within the week.
    plan.interventions.insert("i1".into(), intervention("olle nurse", &[]));
    plan.interventions.insert(
        "i2".into(),
        intervention("Hemtjänsten", &[("r1", InterventionStatus::Ongoing, "2027-01-10", "p-olle")]),
    );
    plan.interventions.insert("i3".into(), intervention("", &[]));
    plan.interventions.insert(
        "i4".into(),
        intervention("Olle Nurse", &[("r2", InterventionStatus::Done, "2027-02-01", "p-olle")]),
    );
    plan.interventions.insert(
        "i5".into(),
        intervention("Olle Nurse", &[("r3", InterventionStatus::Ongoing, "2027-03-26", "p-olle")]),
    );
    check(&plan, None, "2027-03-24", &[]);
    check(
        &plan,
        None,
        "2027-03-25",
        &[
            ("status_due:i1:2027-04-01", NoticeKind::StatusReportDue, &["p-olle"]),
            ("status_due:i2:2027-04-01", NoticeKind::StatusReportDue, &["p-olle"]),
            ("status_due:i3:2027-04-01", NoticeKind::StatusReportDue, &["p-anna"]),
        ],
    );
    // A report within the week takes it off (i1 reported on 2027-03-27).
    plan.interventions.get_mut("i1").expect("i1").reports.insert(
        "r4".into(),
        Record(InterventionReport {
            status: InterventionStatus::Ongoing,
            comment: String::new(),
            date: "2027-03-27".into(),
            by: String::new(),
            author: "p-olle".into(),
            recorded_at: 0,
        }),
    );
    let keys: Vec<String> =
        notices(&plan, None, "2027-03-28", &Known::default()).into_iter().map(|n| n.key).collect();
    assert_eq!(keys, ["status_due:i2:2027-04-01", "status_due:i3:2027-04-01"]);
}

#[test]
fn who_booked_a_meeting_and_who_moved_it_are_read_from_the_document() {
    let mut doc = crate::plan::new_plan_document("Plan").expect("plan");
    doc.set_actor(automerge::ActorId::from(b"booker".as_slice()));
    let meeting = Meeting { date: Some("2027-03-10".into()), time: "13.00".into(), ..Meeting::default() };
    let id = crate::plan::edit::add_meeting(&mut doc, &meeting).expect("meeting");
    let booker = automerge::ActorId::from(b"booker".as_slice()).to_hex_string();
    assert_eq!(meeting_writers(&doc).get(&id), Some(&booker));
    doc.set_actor(automerge::ActorId::from(b"mover".as_slice()));
    crate::plan::edit::update_meeting(&mut doc, &id, |m| m.time = "15.00".into()).expect("move");
    let mover = automerge::ActorId::from(b"mover".as_slice()).to_hex_string();
    assert_eq!(meeting_writers(&doc).get(&id), Some(&mover));
}
