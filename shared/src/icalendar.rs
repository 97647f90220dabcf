//! One calendar event as an iCalendar file (RFC 5545), for the kallelse:
//! a participant opens it and the meeting is in their calendar, at the
//! right hour also across summer time.
//!
//! What RFC 5545 asks and this writes: CRLF line ends; lines folded at 75
//! octets (never inside a UTF-8 character), continued with a space; TEXT
//! values escaped (`\\`, `\;`, `\,`, `\n`); parameter values quoted when
//! they hold `:`, `;` or `,`; a `VTIMEZONE` for the one zone used
//! (Europe/Stockholm, with its rules, so a reader needs no time-zone
//! database); `UID`, `DTSTAMP` (UTC) and `DTSTART` in every event. A
//! meeting without a clock time is an all-day event (`VALUE=DATE`).

use std::fmt::Write as _;

use crate::swedish_time::{self, ClockTime, Day};

/// The one time zone the plan's meetings are in.
pub const TIME_ZONE: &str = "Europe/Stockholm";

/// The organiser of an event: a name and the e-mail address a reply goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organizer {
    /// Namn.
    pub name: String,
    /// E-post.
    pub email: String,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// A globally unique id that stays the same for the same meeting, so
    /// that a calendar updates the event rather than adding a second one.
    pub uid: String,
    /// When the file was made (ms since 1970).
    pub stamp_ms: i64,
    /// The day, in Swedish local time.
    pub day: Day,
    /// The start, in Swedish local time; `None` for an all-day event.
    pub time: Option<ClockTime>,
    /// How long, in minutes; 0 when not known (then no end is written).
    pub minutes: u64,
    /// Rubrik.
    pub summary: String,
    /// Plats (an address, a room, or the meeting link).
    pub location: String,
    /// The digital meeting's link, if any.
    pub url: String,
    /// The invitation's text.
    pub description: String,
    /// Who calls the meeting, if they have an e-mail address.
    pub organizer: Option<Organizer>,
}

/// The event as the text of a `.ics` file.
pub fn calendar(event: &Event) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Samplan//Samordnad individuell plan//SV".into(),
        "CALSCALE:GREGORIAN".into(),
    ];
    if event.time.is_some() {
        lines.extend(STOCKHOLM.iter().map(|line| line.to_string()));
    }
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", text(&event.uid)));
    lines.push(format!("DTSTAMP:{}", utc_stamp(event.stamp_ms)));
    match event.time {
        Some(time) => {
            lines.push(format!("DTSTART;TZID={TIME_ZONE}:{}", local_stamp(event.day, time)));
            if event.minutes > 0 {
                let end = swedish_time::to_utc(event.day, time) + event.minutes as i64 * 60_000;
                let (day, time) = swedish_time::local(end);
                lines.push(format!("DTEND;TZID={TIME_ZONE}:{}", local_stamp(day, time)));
            }
        }
        None => {
            lines.push(format!("DTSTART;VALUE=DATE:{}", date_stamp(event.day)));
            lines.push(format!("DTEND;VALUE=DATE:{}", date_stamp(event.day.next())));
        }
    }
    lines.push(format!("SUMMARY:{}", text(&event.summary)));
    if !event.location.trim().is_empty() {
        lines.push(format!("LOCATION:{}", text(event.location.trim())));
    }
    if !event.url.trim().is_empty() {
        lines.push(format!("URL:{}", uri(&event.url)));
    }
    if !event.description.trim().is_empty() {
        lines.push(format!("DESCRIPTION:{}", text(event.description.trim())));
    }
    if let Some(organizer) = &event.organizer {
        lines.push(format!("ORGANIZER;CN={}:mailto:{}", param(&organizer.name), uri(&organizer.email)));
    }
    lines.extend(["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"].map(String::from));
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

/// Europe/Stockholm as a `VTIMEZONE`: CET, and CEST from the last Sunday
/// of March 02:00 to the last Sunday of October 03:00 local time.
const STOCKHOLM: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// One content line, folded at 75 octets, with its CRLF. A character is
/// never split: a folded line may be shorter.
fn fold(line: &str, out: &mut String) {
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped;
/// other control characters (but tab) left out.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value: no double quotes or control characters, and quoted
/// when it holds `:`, `;` or `,`.
fn param(value: &str) -> String {
    let clean: String = value.trim().chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// A URI value (not escaped as TEXT): no white space or control characters.
fn uri(value: &str) -> String {
    value.trim().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect()
}

fn date_stamp(day: Day) -> String {
    format!("{:04}{:02}{:02}", day.year, day.month, day.day)
}

fn local_stamp(day: Day, time: ClockTime) -> String {
    format!("{}T{:02}{:02}00", date_stamp(day), time.hour, time.minute)
}

fn utc_stamp(ms: i64) -> String {
    let day = Day::from_days_since_epoch(ms.div_euclid(86_400_000));
    let seconds = ms.rem_euclid(86_400_000) / 1000;
    let mut out = date_stamp(day);
    let _ = write!(out, "T{:02}{:02}{:02}Z", seconds / 3600, seconds / 60 % 60, seconds % 60);
    out
}

#[cfg(test)]
mod tests;
