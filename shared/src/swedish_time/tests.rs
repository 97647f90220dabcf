use proptest::prelude::*;

use super::*;

fn day(text: &str) -> Day {
    Day::parse(text).expect("a day")
}

fn at(text: &str, time: &str) -> i64 {
    to_utc(day(text), ClockTime::parse(time).expect("a time"))
}

/// 2027-03-28 00:00 UTC in ms (the last Sunday of March 2027).
const MARCH_28_2027: i64 = 1_806_192_000_000;

#[test]
fn days_read_as_swedish_dates() {
    assert_eq!(long_date("2027-03-12"), "12 mars 2027");
    assert_eq!(long_date("2026-10-08"), "8 oktober 2026");
    assert_eq!(long_date("2028-02-29"), "29 februari 2028");
    // Not a day: shown as written, never a made-up date.
    assert_eq!(long_date("2027-02-29"), "2027-02-29");
    assert_eq!(long_date(" snart "), "snart");
    assert_eq!(clock("13:00"), "13.00");
    assert_eq!(clock("08:05"), "08.05");
    assert_eq!(clock("25:00"), "25:00");
    assert_eq!(Day::parse("2027-13-01"), None);
    assert_eq!(Day::parse("27-01-01"), None);
}

#[test]
fn a_day_is_said_with_its_weekday_and_year() {
    assert_eq!(spoken_date("2026-12-12"), "lördag 12 december 2026");
    assert_eq!(spoken_date("2027-03-15"), "måndag 15 mars 2027");
    assert_eq!(spoken_date("2024-02-29"), "torsdag 29 februari 2024");
    assert_eq!(spoken_date("1970-01-01"), "torsdag 1 januari 1970");
    assert_eq!(spoken_date("i vår"), "i vår");
}

#[test]
fn day_numbers_match_the_calendar() {
    assert_eq!(day("1970-01-01").days_since_epoch(), 0);
    assert_eq!(day("2027-03-28").days_since_epoch() * DAY_MS, MARCH_28_2027);
    assert_eq!(day("2027-03-28").weekday(), 0, "a Sunday");
    assert_eq!(last_sunday(2027, 3), day("2027-03-28"));
    assert_eq!(last_sunday(2027, 10), day("2027-10-31"));
    assert_eq!(last_sunday(2026, 10), day("2026-10-25"));
    assert_eq!(day("2027-12-31").next(), day("2028-01-01"));
}

#[test]
fn swedish_local_time_follows_summer_time() {
    // Winter: UTC+1. Summer: UTC+2.
    assert_eq!(at("2027-01-20", "13:00"), day("2027-01-20").days_since_epoch() * DAY_MS + 12 * HOUR_MS);
    assert_eq!(at("2027-06-20", "13:00"), day("2027-06-20").days_since_epoch() * DAY_MS + 11 * HOUR_MS);
    // The March night: 01:59 is winter time, 02:30 does not exist (taken as 03:30 summer time).
    assert_eq!(at("2027-03-28", "01:59"), MARCH_28_2027 + 59 * MINUTE_MS);
    assert_eq!(at("2027-03-28", "02:30"), MARCH_28_2027 + HOUR_MS + 30 * MINUTE_MS);
    assert_eq!(at("2027-03-28", "03:00"), MARCH_28_2027 + HOUR_MS);
    // The October night: 02:30 happens twice; the first is summer time.
    let october = day("2027-10-31").days_since_epoch() * DAY_MS;
    assert_eq!(at("2027-10-31", "02:30"), october + 30 * MINUTE_MS);
    assert_eq!(at("2027-10-31", "03:00"), october + 2 * HOUR_MS);
    assert_eq!(local(october + 90 * MINUTE_MS), (day("2027-10-31"), ClockTime { hour: 2, minute: 30 }));
}

#[test]
fn a_moment_is_the_day_it_was_in_sweden() {
    // 2026-10-08 22:30 UTC is already the 9th in Sweden (summer time).
    let late = day("2026-10-08").days_since_epoch() * DAY_MS + 22 * HOUR_MS + 30 * MINUTE_MS;
    assert_eq!(long_date_of(late), "9 oktober 2026");
    assert_eq!(long_date_of(crate::plan::fixture::FIXTURE_TIME), "8 oktober 2026");
}

proptest! {
    #[test]
    fn day_numbers_round_trip(days in -800_000i64..800_000) {
        let d = Day::from_days_since_epoch(days);
        prop_assert_eq!(d.days_since_epoch(), days);
        prop_assert_eq!(Day::parse(&d.iso()).filter(|_| d.year >= 1000 && d.year <= 9999).unwrap_or(d), d);
    }

    #[test]
    fn local_time_round_trips(minutes in 0i64..(100 * 366 * 24 * 60)) {
        // Every moment from 1996 on: its local day and time lead back to it,
        // except in the October hour that happens twice (then the first).
        let utc = day("1996-01-01").days_since_epoch() * DAY_MS + minutes * MINUTE_MS;
        let (d, t) = local(utc);
        let back = to_utc(d, t);
        prop_assert!(back == utc || back == utc - HOUR_MS, "{utc} → {d:?} {t:?} → {back}");
    }
}

#[test]
fn when_something_happened_in_words() {
    // 2026-12-06 13:02 UTC is 14:02 in Sweden (winter time).
    let at = to_utc(Day { year: 2026, month: 12, day: 6 }, ClockTime { hour: 14, minute: 2 });
    let later_today = at + 3 * 3_600_000;
    assert_eq!(when_in_words(at, later_today), "idag 14:02");
    assert_eq!(when_in_words(at, later_today + 24 * 3_600_000), "igår 14:02");
    assert_eq!(when_in_words(at, later_today + 3 * 24 * 3_600_000), "6 december 2026 14:02");
    // Just before midnight, seen just after it: yesterday.
    let late = to_utc(Day { year: 2026, month: 12, day: 6 }, ClockTime { hour: 23, minute: 59 });
    assert_eq!(when_in_words(late, late + 2 * 60_000), "igår 23:59");
}
