use super::query::{parse_time, to_csv, utc_time, Line};
use super::Action;

#[test]
fn every_action_reads_back_as_itself_and_has_words() {
    for action in Action::ALL {
        assert_eq!(Action::parse(action.as_str()), Some(action));
        assert!(!action.in_plain_words().is_empty());
    }
    assert_eq!(Action::parse("nonsense"), None);
}

#[test]
fn dates_are_days_in_utc() {
    let start = parse_time("2026-12-06", false).expect("date");
    assert_eq!(utc_time(start), "2026-12-06 00:00:00");
    assert_eq!(utc_time(parse_time("2026-12-06", true).expect("date")), "2026-12-06 23:59:59");
    assert_eq!(parse_time("1700000000000", false), Some(1_700_000_000_000));
    assert_eq!(parse_time("2026-13-01", false), None);
    assert_eq!(parse_time("igår", false), None);
}

#[test]
fn csv_quotes_what_needs_quoting() {
    let line = Line {
        id: 1,
        at: 0,
        principal: "user:1".into(),
        name: "Eva \"Evi\" Ek".into(),
        organisation: "Region Exempel, vårdcentralen".into(),
        role: "editor".into(),
        plan: None,
        person: "Anna".into(),
        action: "read.sync".into(),
        session_id: Some(3),
        device: "Firefox på Linux".into(),
        offline: false,
        detail: "rad ett\nrad två".into(),
    };
    let csv = to_csv(&[line]).expect("csv");
    assert!(csv.starts_with("tid (UTC),vem,namn"), "{csv}");
    assert!(csv.contains("\"Eva \"\"Evi\"\" Ek\""), "{csv}");
    assert!(csv.contains("\"Region Exempel, vårdcentralen\""), "{csv}");
    assert!(csv.contains("\"rad ett\nrad två\""), "{csv}");
}
