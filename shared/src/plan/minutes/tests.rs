use super::*;
use crate::plan::edit::{self, set_text_at};
use crate::plan::{fixture, read_plan, MeetingText, TextPath};
use crate::swedish_time::{to_utc, ClockTime, Day};

/// 8 October 2026 at `hour`.`minute`, Swedish time.
fn at(hour: u32, minute: u32) -> i64 {
    to_utc(Day { year: 2026, month: 10, day: 8 }, ClockTime { hour, minute })
}

fn id_of(plan: &Plan, name: &str) -> String {
    plan.participants.iter().find(|(_, p)| p.name == name).map(|(id, _)| id.clone()).expect("participant")
}

#[test]
fn the_minutes_say_when_who_what_and_who_approved() {
    let mut doc = fixture::example_plan().expect("fixture");
    let plan = read_plan(&doc).expect("plan");
    let meeting_id = plan.meetings.keys().next().expect("meeting").clone();
    let everyone: Vec<String> = plan.participants.keys().cloned().collect();
    let absent = id_of(&plan, "Sara Holm");
    let jonas = id_of(&plan, "Jonas Ek");
    set_text_at(
        &mut doc,
        &TextPath::meeting(&meeting_id, MeetingText::Summary),
        "Anna får hemtjänst två gånger om dagen.",
    )
    .expect("summary");
    edit::update_meeting(&mut doc, &meeting_id, |m| {
        m.started_at = Some(at(13, 2));
        m.phase = 6;
        m.end(at(14, 29), &jonas, everyone.iter().map(String::as_str), |id| id != absent);
    })
    .expect("ended");
    let plan = read_plan(&doc).expect("plan");
    let text = to_text(&minutes(&plan, &meeting_id).expect("minutes"));
    for line in [
        "Minnesanteckningar från SIP-möte 8 oktober 2026",
        "Datum: 8 oktober 2026",
        "Tid: 13.02–14.29 (87 minuter)",
        "Var: Hos Anna, Storgatan 1, Umeå",
        "Ordförande: Jonas Ek",
        "Inte med: Sara Holm",
        "Avslutat av: Jonas Ek",
        "1. Välkommen och syfte",
        "6. Avslut",
        "Anna får hemtjänst två gånger om dagen.",
        "Anna Berg godkände planen",
        "Nästa uppföljning: 15 januari 2027",
    ] {
        assert!(text.contains(line), "{line:?} is missing from the minutes:\n{text}");
    }
    let came = text.lines().find(|l| l.starts_with("Närvarande: ")).expect("who came");
    assert!(came.contains("Anna Berg") && came.contains("Jonas Ek") && !came.contains("Sara Holm"), "{came}");
}

#[test]
fn before_the_meeting_the_minutes_say_it_has_not_begun_and_name_nobody_as_present() {
    let doc = fixture::example_plan().expect("fixture");
    let plan = read_plan(&doc).expect("plan");
    let meeting_id = plan.meetings.keys().next().expect("meeting").clone();
    let text = to_text(&minutes(&plan, &meeting_id).expect("minutes"));
    assert!(text.contains("Tid: Planerat 13.00. Mötet har inte börjat."), "{text}");
    assert!(!text.contains("Närvarande"), "{text}");
    assert!(minutes(&plan, "no-such-meeting").is_none());
}
