use super::*;

fn report(goal: &str, rating: i64, date: &str, at: i64) -> SelfReport {
    SelfReport {
        goal_id: goal.into(),
        rating,
        note: String::new(),
        date: date.into(),
        reported_at: at,
        reported_by: "Anna".into(),
    }
}

#[test]
fn reports_are_kept_per_goal_in_date_order() {
    let mut doc = new_self_reports_document("plan-1").expect("doc");
    add_self_report(&mut doc, &report("g1", 1, "2026-11-20", 2)).expect("add");
    add_self_report(&mut doc, &report("g1", -1, "2026-11-13", 1)).expect("add");
    add_self_report(&mut doc, &report("g2", 2, "2026-11-14", 3)).expect("add");
    let reports = read_self_reports(&doc).expect("read");
    assert_eq!(reports.plan_id, "plan-1");
    let g1: Vec<i64> = reports.for_goal("g1").iter().map(|r| r.rating).collect();
    assert_eq!(g1, [-1, 1]);
}

#[test]
fn out_of_range_ratings_and_bad_dates_are_refused() {
    let mut doc = new_self_reports_document("p").expect("doc");
    assert!(matches!(
        add_self_report(&mut doc, &report("g", 3, "2026-11-20", 1)),
        Err(SelfReportError::RatingOutOfRange(3))
    ));
    assert!(matches!(
        add_self_report(&mut doc, &report("g", 0, "20 nov", 1)),
        Err(SelfReportError::InvalidDate(_))
    ));
    assert!(read_self_reports(&doc).expect("read").reports.is_empty());
    for r in RATINGS {
        assert!(rating_label(r).is_some());
    }
    assert_eq!(rating_label(5), None);
}

/// A tablet and a phone that each reported on goal `goal` every day of a
/// week (better on the tablet, worse on the phone), without syncing.
fn a_week_of_reports_on_two_devices(goal: &str) -> (AutoCommit, AutoCommit) {
    let mut tablet = new_self_reports_document("p").expect("doc");
    let mut phone = tablet.fork();
    for day in 1..=7 {
        add_self_report(&mut tablet, &report(goal, 1, &format!("2026-11-0{day}"), day)).expect("add");
        add_self_report(&mut phone, &report(goal, -1, &format!("2026-11-0{day}"), 100 + day)).expect("add");
    }
    (tablet, phone)
}

#[test]
fn reports_made_offline_on_two_devices_all_arrive_once() {
    let (mut tablet, mut phone) = a_week_of_reports_on_two_devices("g");
    tablet.merge(&mut phone).expect("merge");
    phone.merge(&mut tablet).expect("merge");
    tablet.merge(&mut phone).expect("merge again");
    let a = read_self_reports(&tablet).expect("read");
    assert_eq!(a, read_self_reports(&phone).expect("read"));
    assert_eq!(a.reports.len(), 14);
}

#[test]
fn day_numbers_count_days_across_months_and_leap_years() {
    assert_eq!(day_number("1970-01-01"), Some(0));
    assert_eq!(day_number("1970-01-02"), Some(1));
    assert_eq!(day_number("2024-03-01").zip(day_number("2024-02-28")).map(|(a, b)| a - b), Some(2));
    assert_eq!(day_number("2026-01-01").zip(day_number("2025-12-25")).map(|(a, b)| a - b), Some(7));
    assert_eq!(day_number("2026-02-30"), None);
}

#[test]
fn a_report_is_due_when_the_chosen_interval_has_passed() {
    let mut doc = new_self_reports_document("p").expect("doc");
    set_report_interval(&mut doc, "g1", Some(7)).expect("every week");
    set_report_interval(&mut doc, "g2", Some(14)).expect("every two weeks");
    let reports = read_self_reports(&doc).expect("read");
    assert_eq!(reports.due("2026-11-30"), ["g1", "g2"], "nothing reported yet: both due");
    add_self_report(&mut doc, &report("g1", 1, "2026-11-25", 1)).expect("add");
    add_self_report(&mut doc, &report("g2", 1, "2026-11-20", 2)).expect("add");
    let reports = read_self_reports(&doc).expect("read");
    assert!(reports.due("2026-11-30").is_empty(), "five and ten days ago: not yet");
    assert_eq!(reports.due("2026-12-02"), ["g1"], "a week after the last report");
    assert_eq!(reports.due("2026-12-04"), ["g1", "g2"]);
    set_report_interval(&mut doc, "g1", None).expect("stop");
    assert_eq!(read_self_reports(&doc).expect("read").due("2026-12-04"), ["g2"]);
    assert!(matches!(
        set_report_interval(&mut doc, "g1", Some(0)),
        Err(SelfReportError::IntervalOutOfRange(0))
    ));
}

#[test]
fn reports_made_offline_on_two_devices_merge_with_none_lost() {
    let (mut tablet, mut phone) = a_week_of_reports_on_two_devices("g1");
    set_report_interval(&mut tablet, "g1", Some(7)).expect("interval");
    tablet.merge(&mut phone).expect("merge");
    phone.merge(&mut tablet.clone()).expect("merge back");
    let a = read_self_reports(&tablet).expect("read");
    assert_eq!(a.for_goal("g1").len(), 14, "every report, no duplicate");
    assert_eq!(a, read_self_reports(&phone).expect("read"), "both devices the same");
    assert!(
        is_self_reports(&tablet) && !is_self_reports(&crate::plan::new_plan_document("x").expect("plan"))
    );
}

#[test]
fn dates_are_spoken_with_weekday_day_and_month() {
    assert_eq!(spoken_date("2026-12-04"), "fredag 4 december");
    assert_eq!(spoken_date("2024-02-29"), "torsdag 29 februari");
    assert_eq!(spoken_date("1970-01-01"), "torsdag 1 januari");
    assert_eq!(spoken_date("2027-03-01"), "måndag 1 mars");
    assert_eq!(spoken_date("i morgon"), "i morgon");
}

fn taking_part(meeting: &str, date: &str, answers: [TakingPartAnswer; 3], at: i64) -> TakingPart {
    TakingPart {
        meeting_id: meeting.into(),
        meeting_date: date.into(),
        answers,
        note: String::new(),
        reported_at: at,
        reported_by: "Anna".into(),
    }
}

#[test]
fn taking_part_answers_are_kept_per_meeting_latest_first_meeting_first() {
    use TakingPartAnswer::{No, Partly, Yes};
    let mut doc = new_self_reports_document("p").expect("doc");
    add_taking_part(&mut doc, &taking_part("m2", "2027-03-15", [Yes, Yes, Partly], 5)).expect("add");
    add_taking_part(&mut doc, &taking_part("m1", "2026-12-12", [No, Partly, No], 1)).expect("add");
    // A second answer about the first meeting: the latest counts.
    add_taking_part(&mut doc, &taking_part("m1", "2026-12-12", [Partly, Partly, No], 2)).expect("add");
    // A copy of the document made offline on another device merges.
    let mut other = doc.fork();
    add_taking_part(&mut other, &taking_part("m3", "2027-06-01", [Yes, Yes, Yes], 9)).expect("add");
    doc.merge(&mut other).expect("merge");
    let reports = read_self_reports(&doc).expect("read");
    let over_time: Vec<(&str, [TakingPartAnswer; 3])> =
        reports.taking_part_over_time().iter().map(|a| (a.meeting_id.as_str(), a.answers)).collect();
    assert_eq!(
        over_time,
        [("m1", [Partly, Partly, No]), ("m2", [Yes, Yes, Partly]), ("m3", [Yes, Yes, Yes])]
    );
    assert_eq!(reports.taking_part_about("m2").map(|a| a.reported_at), Some(5));
    assert_eq!(reports.taking_part_about("m9"), None);
}

#[test]
fn taking_part_answers_need_a_meeting_and_its_date() {
    use TakingPartAnswer::Yes;
    let mut doc = new_self_reports_document("p").expect("doc");
    assert!(matches!(
        add_taking_part(&mut doc, &taking_part(" ", "2026-12-12", [Yes; 3], 1)),
        Err(SelfReportError::NoMeeting)
    ));
    assert!(matches!(
        add_taking_part(&mut doc, &taking_part("m1", "12 dec", [Yes; 3], 1)),
        Err(SelfReportError::InvalidDate(_))
    ));
    assert!(read_self_reports(&doc).expect("read").taking_part.is_empty());
    // A document written before the answers existed reads with none.
    assert_eq!(QUESTIONS.len(), SHORT_QUESTIONS.len());
    assert!(TakingPartAnswer::ALL.iter().all(|a| !a.label().is_empty()));
}

/// A self-report document as the first Min plan stored it (ratings and
/// reminders only): it reads with no answers about meetings and no reports
/// of help not given, and takes both.
#[test]
fn a_stored_document_from_before_the_answers_and_the_help_not_given_takes_them() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/self-reports-v1.automerge");
    let mut doc = AutoCommit::load(&std::fs::read(path).expect("fixture")).expect("load");
    let before = read_self_reports(&doc).expect("read");
    assert_eq!(before.for_goal("goal-1").len(), 1);
    assert_eq!(before.report_every_days.get("goal-1"), Some(&7));
    assert!(before.taking_part.is_empty() && before.help_not_given.is_empty());
    add_taking_part(&mut doc, &taking_part("m1", "2026-12-12", [TakingPartAnswer::Yes; 3], 1)).expect("add");
    let report = HelpNotGiven {
        intervention: "help-1".into(),
        words: String::new(),
        date: "2026-12-13".into(),
        reported_at: 2,
        reported_by: "Anna".into(),
    };
    add_help_not_given(&mut doc, &report).expect("add");
    let after = read_self_reports(&doc).expect("read");
    assert_eq!(after.taking_part.len(), 1);
    assert_eq!(after.help_not_given().len(), 1);
    assert_eq!(after.for_goal("goal-1").len(), 1, "the old report is kept");
}
