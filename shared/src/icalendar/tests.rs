use proptest::prelude::*;

use super::*;

fn event(day: &str, time: Option<&str>, minutes: u64) -> Event {
    Event {
        uid: "sip-möte-1@samplan".into(),
        stamp_ms: crate::plan::fixture::FIXTURE_TIME,
        day: Day::parse(day).expect("day"),
        time: time.map(|t| ClockTime::parse(t).expect("time")),
        minutes,
        summary: "SIP-möte: Annas plan".into(),
        location: "Storgatan 1, Umeå; port B".into(),
        url: String::new(),
        description: "Syfte: en plan\\hösten\nVälkommen!".into(),
        organizer: Some(Organizer { name: "Berg, Karin".into(), email: "karin.berg@example.se".into() }),
    }
}

/// The content lines of a file, unfolded.
fn unfolded(ics: &str) -> Vec<String> {
    assert!(ics.ends_with("\r\n"));
    assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "every line ends in CRLF");
    ics.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(String::from).collect()
}

/// Every BEGIN has its END, in order.
fn check_components_close(lines: &[String]) {
    let mut open = Vec::new();
    for line in lines {
        if let Some(name) = line.strip_prefix("BEGIN:") {
            open.push(name);
        } else if let Some(name) = line.strip_prefix("END:") {
            assert_eq!(open.pop(), Some(name), "{lines:#?}");
        }
    }
    assert!(open.is_empty(), "not closed: {open:?}");
}

fn value<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines.iter().find_map(|l| l.strip_prefix(name)).unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
}

#[test]
fn a_meeting_in_winter_and_in_summer_keeps_its_local_hour() {
    let winter = unfolded(&calendar(&event("2027-01-20", Some("13:00"), 90)));
    assert_eq!(value(&winter, "DTSTART;TZID=Europe/Stockholm:"), "20270120T130000");
    assert_eq!(value(&winter, "DTEND;TZID=Europe/Stockholm:"), "20270120T143000");
    assert_eq!(value(&winter, "DTSTAMP:"), "20261008T120000Z");
    assert!(winter.contains(&"TZID:Europe/Stockholm".to_string()), "the zone is defined");
    check_components_close(&winter);
    let summer = unfolded(&calendar(&event("2027-06-20", Some("09:15"), 120)));
    assert_eq!(value(&summer, "DTEND;TZID=Europe/Stockholm:"), "20270620T111500");
}

#[test]
fn a_meeting_over_the_night_the_clocks_go_forward_ends_an_hour_later_on_the_clock() {
    // 01:30 winter time + 90 minutes = 04:00 summer time (02:00–03:00 does not exist).
    let lines = unfolded(&calendar(&event("2027-03-28", Some("01:30"), 90)));
    assert_eq!(value(&lines, "DTEND;TZID=Europe/Stockholm:"), "20270328T040000");
}

#[test]
fn a_meeting_without_a_time_is_all_day_without_a_time_zone() {
    let lines = unfolded(&calendar(&event("2027-12-31", None, 90)));
    assert_eq!(value(&lines, "DTSTART;VALUE=DATE:"), "20271231");
    assert_eq!(value(&lines, "DTEND;VALUE=DATE:"), "20280101");
    assert!(!lines.iter().any(|l| l.starts_with("BEGIN:VTIMEZONE")));
    check_components_close(&lines);
}

#[test]
fn text_is_escaped_and_parameters_quoted() {
    let lines = unfolded(&calendar(&event("2027-01-20", Some("13:00"), 90)));
    assert_eq!(value(&lines, "LOCATION:"), "Storgatan 1\\, Umeå\\; port B");
    assert_eq!(value(&lines, "DESCRIPTION:"), "Syfte: en plan\\\\hösten\\nVälkommen!");
    assert_eq!(value(&lines, "ORGANIZER;"), "CN=\"Berg, Karin\":mailto:karin.berg@example.se");
    assert_eq!(value(&lines, "SUMMARY:"), "SIP-möte: Annas plan");
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
}

proptest! {
    #[test]
    fn long_lines_fold_at_75_octets_and_unfold_to_what_was_written(description in "[a-zåäö ,;\\\\\n€😀]{0,400}") {
        let ics = calendar(&Event { description: description.clone(), ..event("2027-01-20", Some("13:00"), 60) });
        for line in ics.split("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let lines = unfolded(&ics);
        let written = lines.iter().find_map(|l| l.strip_prefix("DESCRIPTION:")).unwrap_or("");
        let expected = text(description.trim());
        prop_assert_eq!(written, expected.as_str());
    }
}
