//! Dates and times as people in Sweden read them, and Swedish local time.
//!
//! The plan stores days as `YYYY-MM-DD` and clock times as `HH:MM`; paper
//! and text say "12 mars 2027" and "13.00" (Språkrådet's forms). A
//! calendar file and an approval's moment need Swedish local time
//! (Europe/Stockholm): CET (UTC+1), and CEST (UTC+2) from the last Sunday
//! of March to the last Sunday of October, switching at 01:00 UTC (the EU
//! rule Sweden has followed since 1996). Written here rather than with a
//! time-zone database: the app carries one zone, and the wasm stays small.

/// The months in Swedish, lower case as Swedish writes them.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A day of the (proleptic Gregorian) calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl Day {
    /// A day written `YYYY-MM-DD` (as the plan and `<input type=date>`
    /// write it), if it is one.
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.trim();
        let mut parts = text.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let day = Day { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        (day.month >= 1 && day.month <= 12 && day.day >= 1 && day.day <= days_in_month(day.year, day.month))
            .then_some(day)
    }

    /// "12 mars 2027".
    pub fn long(self) -> String {
        format!("{} {} {}", self.day, MONTHS[self.month as usize - 1], self.year)
    }

    /// "torsdag 12 december 2026": the day as one says it, with its
    /// weekday and year (the person's view names a meeting so).
    pub fn spoken(self) -> String {
        const WEEKDAYS: [&str; 7] = ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"];
        format!("{} {}", WEEKDAYS[self.weekday() as usize], self.long())
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day `days` days since 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    /// The next day.
    pub fn next(self) -> Day {
        Day::from_days_since_epoch(self.days_since_epoch() + 1)
    }

    /// 0 = Sunday … 6 = Saturday.
    fn weekday(self) -> i64 {
        (self.days_since_epoch() + 4).rem_euclid(7)
    }
}

/// A clock time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime {
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
}

impl ClockTime {
    /// A time written `HH:MM` (or `HH.MM`, or `HH:MM:SS`), if it is one.
    pub fn parse(text: &str) -> Option<ClockTime> {
        let text = text.trim();
        let (h, rest) = text.split_once([':', '.'])?;
        let m = rest.get(..2)?;
        let time = ClockTime { hour: h.parse().ok()?, minute: m.parse().ok()? };
        (h.len() <= 2 && time.hour < 24 && time.minute < 60).then_some(time)
    }

    /// "13.00".
    pub fn swedish(self) -> String {
        format!("{:02}.{:02}", self.hour, self.minute)
    }
}

/// A day as "12 mars 2027"; text that is not a `YYYY-MM-DD` day as it is.
pub fn long_date(text: &str) -> String {
    Day::parse(text).map(Day::long).unwrap_or_else(|| text.trim().to_string())
}

/// A day as "torsdag 12 december 2026"; text that is not a `YYYY-MM-DD`
/// day as it is.
pub fn spoken_date(text: &str) -> String {
    Day::parse(text).map(Day::spoken).unwrap_or_else(|| text.trim().to_string())
}

/// A clock time as "13.00"; text that is not a time as it is.
pub fn clock(text: &str) -> String {
    ClockTime::parse(text).map(ClockTime::swedish).unwrap_or_else(|| text.trim().to_string())
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> Day {
    let last = Day { year, month, day: days_in_month(year, month) };
    Day::from_days_since_epoch(last.days_since_epoch() - last.weekday())
}

/// Whether Swedish summer time (CEST) holds at a moment (ms since 1970, UTC).
pub fn is_summer_time(utc_ms: i64) -> bool {
    let year = Day::from_days_since_epoch(utc_ms.div_euclid(DAY_MS)).year;
    let starts = last_sunday(year, 3).days_since_epoch() * DAY_MS + HOUR_MS;
    let ends = last_sunday(year, 10).days_since_epoch() * DAY_MS + HOUR_MS;
    (starts..ends).contains(&utc_ms)
}

/// Sweden's offset from UTC at a moment, in minutes (60 or 120).
pub fn offset_minutes(utc_ms: i64) -> i64 {
    if is_summer_time(utc_ms) {
        120
    } else {
        60
    }
}

/// The moment (ms since 1970, UTC) of a Swedish local day and time. A time
/// that occurs twice (the October night's hour 02–03) is the first, in
/// summer time; one that does not occur (the March night's) is taken an
/// hour later, as clocks show it.
pub fn to_utc(day: Day, time: ClockTime) -> i64 {
    let local =
        day.days_since_epoch() * DAY_MS + i64::from(time.hour) * HOUR_MS + i64::from(time.minute) * MINUTE_MS;
    let summer = local - 2 * HOUR_MS;
    if is_summer_time(summer) {
        return summer;
    }
    local - HOUR_MS
}

/// A moment (ms since 1970, UTC) as Swedish local day and time (seconds dropped).
pub fn local(utc_ms: i64) -> (Day, ClockTime) {
    let local = utc_ms + offset_minutes(utc_ms) * MINUTE_MS;
    let day = Day::from_days_since_epoch(local.div_euclid(DAY_MS));
    let minutes = local.rem_euclid(DAY_MS) / MINUTE_MS;
    (day, ClockTime { hour: (minutes / 60) as u32, minute: (minutes % 60) as u32 })
}

/// A moment (ms since 1970) as the Swedish day it fell on, "12 mars 2027".
pub fn long_date_of(utc_ms: i64) -> String {
    local(utc_ms).0.long()
}

/// A moment as a person says when something happened, seen at `now_ms`:
/// "idag 14:02", "igår 09:10", else "3 december 2026 14:02" (Swedish
/// local time).
pub fn when_in_words(utc_ms: i64, now_ms: i64) -> String {
    let (day, time) = local(utc_ms);
    let (today, _) = local(now_ms);
    let clock = format!("{:02}:{:02}", time.hour, time.minute);
    match today.days_since_epoch() - day.days_since_epoch() {
        0 => format!("idag {clock}"),
        1 => format!("igår {clock}"),
        _ => format!("{} {clock}", day.long()),
    }
}

#[cfg(test)]
mod tests;
