use std::time::Duration;

use shared::swedish_time::ClockTime;

use super::next_digest;
use crate::notifications::DigestSchedule;

/// `YYYY-MM-DDTHH:MM` UTC as ms since 1970.
fn utc(text: &str) -> i64 {
    let (day, time) = text.split_once('T').expect("T");
    let day = shared::swedish_time::Day::parse(day).expect("day");
    let time = ClockTime::parse(time).expect("time");
    day.days_since_epoch() * 86_400_000 + i64::from(time.hour) * 3_600_000 + i64::from(time.minute) * 60_000
}

const SEVEN: DigestSchedule = DigestSchedule::Daily(ClockTime { hour: 7, minute: 0 });

#[test]
fn the_daily_summary_goes_at_seven_on_the_swedish_clock_in_winter_and_in_summer() {
    // Winter (CET, UTC+1): 07:00 is 06:00 UTC.
    assert_eq!(next_digest(&SEVEN, utc("2026-12-07T05:00")), utc("2026-12-07T06:00"));
    // Summer (CEST, UTC+2): 07:00 is 05:00 UTC, not 06:00 UTC (08:00 on the wall).
    assert_eq!(next_digest(&SEVEN, utc("2027-06-01T04:00")), utc("2027-06-01T05:00"));
    // After today's, tomorrow's.
    assert_eq!(next_digest(&SEVEN, utc("2027-06-01T05:00")), utc("2027-06-02T05:00"));
    assert_eq!(next_digest(&SEVEN, utc("2026-12-07T22:30")), utc("2026-12-08T06:00"));
}

#[test]
fn the_morning_the_clocks_change_the_summary_still_goes_at_seven() {
    // 2027-03-28: summer time from 03:00. Saturday evening, the next one is
    // Sunday 07:00 CEST = 05:00 UTC.
    assert_eq!(next_digest(&SEVEN, utc("2027-03-27T20:00")), utc("2027-03-28T05:00"));
    // 2027-10-31: winter time from 03:00. Sunday 07:00 CET = 06:00 UTC.
    assert_eq!(next_digest(&SEVEN, utc("2027-10-30T20:00")), utc("2027-10-31T06:00"));
    // Just after midnight local (22:30 UTC the day before in summer).
    assert_eq!(next_digest(&SEVEN, utc("2027-06-30T22:30")), utc("2027-07-01T05:00"));
}

#[test]
fn a_summary_time_of_another_hour_is_kept() {
    let evening = DigestSchedule::Daily(ClockTime { hour: 18, minute: 30 });
    assert_eq!(next_digest(&evening, utc("2027-06-01T04:00")), utc("2027-06-01T16:30"));
    assert_eq!(next_digest(&evening, utc("2026-12-07T18:00")), utc("2026-12-08T17:30"));
}

#[test]
fn a_test_period_counts_from_1970() {
    let every = DigestSchedule::Every { period: Duration::from_secs(3), offset: Duration::ZERO };
    assert_eq!(next_digest(&every, 4_000), 6_000);
    assert_eq!(next_digest(&every, 6_000), 9_000);
}
