use super::*;

fn plan(next_follow_up: Option<&str>, meetings: &[&str]) -> MyPlan {
    MyPlan {
        document_id: "abc".into(),
        title: "Annas plan".into(),
        person: "Anna Berg".into(),
        coordinator: "Karin Ek".into(),
        next_follow_up: next_follow_up.map(str::to_string),
        meetings: meetings.iter().map(|d| d.to_string()).collect(),
        closed: false,
        role: Role::Coordinator,
    }
}

/// The next date of a plan with these dates, read on `today`.
fn check(next_follow_up: Option<&str>, meetings: &[&str], today: &str, expected: Option<(&str, DateKind)>) {
    let next = plan(next_follow_up, meetings).next_date(today);
    assert_eq!(next, expected.map(|(date, kind)| NextDate { date: date.into(), kind }));
}

#[test]
fn the_next_date_is_the_first_meeting_or_follow_up_from_today_on() {
    check(None, &[], "2026-12-06", None);
    check(
        Some("2027-01-10"),
        &["2026-11-01", "2027-02-01"],
        "2026-12-06",
        Some(("2027-01-10", DateKind::FollowUp)),
    );
    check(
        Some("2027-03-01"),
        &["2026-11-01", "2027-02-01"],
        "2026-12-06",
        Some(("2027-02-01", DateKind::Meeting)),
    );
    // Today counts; what has passed does not.
    check(Some("2026-12-06"), &["2026-12-05"], "2026-12-06", Some(("2026-12-06", DateKind::FollowUp)));
    check(Some("2026-12-05"), &["2026-11-01"], "2026-12-06", None);
    // A meeting and a follow-up on one day: the meeting.
    check(Some("2027-01-10"), &["2027-01-10"], "2026-12-06", Some(("2027-01-10", DateKind::Meeting)));
}

#[test]
fn the_answer_keeps_its_json() {
    let mut plan = plan(Some("2027-01-10"), &["2027-02-01"]);
    plan.role = Role::Editor;
    let json = serde_json::to_string(&plan).expect("json");
    assert_eq!(
        json,
        concat!(
            r#"{"document_id":"abc","title":"Annas plan","person":"Anna Berg","coordinator":"Karin Ek","#,
            r#""next_follow_up":"2027-01-10","meetings":["2027-02-01"],"closed":false,"role":"editor"}"#
        )
    );
    assert_eq!(serde_json::from_str::<MyPlan>(&json).expect("read back"), plan);
    assert!(!plan.mine_as_coordinator());
}
