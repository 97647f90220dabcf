//! The kallelse (invitation) to a meeting, in the two forms people send
//! it: as text to paste into a mail or a letter, and as a calendar file
//! (`.ics`) that puts the meeting in a calendar. Both say the same: what,
//! when, where or the link, for how long, who leads and who calls.

use super::{Meeting, MeetingForm, Plan};
use crate::icalendar::{self, Event, Organizer};
use crate::swedish_time::{ClockTime, Day};

/// Why a meeting has no calendar file yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    /// The meeting has no day.
    #[error("Mötet har inget datum än. Välj ett datum, så går det att lägga in i en kalender.")]
    NoDate,
    /// The day is not a day.
    #[error("Mötets datum ({0}) går inte att läsa. Välj datumet igen.")]
    BadDate(String),
    /// The clock time is not a time.
    #[error("Klockslaget ({0}) går inte att läsa. Skriv det som 13:00.")]
    BadTime(String),
}

/// The invitation as text the chair can send or print.
pub fn text(plan: &Plan, meeting: &Meeting) -> String {
    let name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| plan.participants.get(id))
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "inte utsedd".into())
    };
    let mut lines = vec![
        format!("Kallelse till {}: {}", meeting.kind.label(), plan.title.as_str().trim()),
        format!("Syfte: {}", meeting.purpose.as_str().trim()),
        format!(
            "När: {} klockan {}",
            meeting.date.as_deref().unwrap_or("datum inte bestämt"),
            if meeting.time.is_empty() { "inte bestämd" } else { &meeting.time }
        ),
        format!(
            "Var: {}{}",
            meeting.form.label(),
            match meeting.form {
                MeetingForm::Digital if !meeting.digital_link.is_empty() =>
                    format!(", länk: {}", meeting.digital_link),
                _ if !meeting.place.is_empty() => format!(", {}", meeting.place),
                _ => String::new(),
            }
        ),
        format!("Mötet är planerat till {} minuter.", meeting.planned_minutes),
        format!("Ordförande: {}. Antecknar: {}.", name(&meeting.chair), name(&meeting.note_taker)),
        "Dagordning:".to_string(),
        meeting.agenda.as_str().trim().to_string(),
    ];
    let raise = plan.person.preparation.questions_to_raise.as_str().trim();
    if !raise.is_empty() {
        lines.push(format!("Det här vill jag ta upp: {raise}"));
    }
    lines.join("\n")
}

/// The meeting as a calendar file. `plan_id` and `meeting_id` make its
/// UID, so a file downloaded again after a change updates the same event;
/// `now_ms` is when it is made. The organiser is the coordinator (the one
/// who calls the meeting, seed 004), or else the chair, if they have an
/// e-mail address.
pub fn calendar_file(
    plan: &Plan,
    plan_id: &str,
    meeting_id: &str,
    meeting: &Meeting,
    now_ms: i64,
) -> Result<String, InvitationError> {
    let date = meeting.date.as_deref().filter(|d| !d.trim().is_empty()).ok_or(InvitationError::NoDate)?;
    let day = Day::parse(date).ok_or_else(|| InvitationError::BadDate(date.to_string()))?;
    let time = match meeting.time.trim() {
        "" => None,
        time => Some(ClockTime::parse(time).ok_or_else(|| InvitationError::BadTime(time.to_string()))?),
    };
    let digital = meeting.form == MeetingForm::Digital;
    let location = match (digital, meeting.place.trim(), meeting.digital_link.trim()) {
        (true, _, link) if !link.is_empty() => link.to_string(),
        (false, place, _) if !place.is_empty() => place.to_string(),
        _ => meeting.form.label().to_string(),
    };
    let organizer = [plan.coordinator.as_ref(), meeting.chair.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|id| plan.participants.get(id))
        .find(|p| !p.email.trim().is_empty())
        .map(|p| Organizer { name: p.name.clone(), email: p.email.trim().to_string() });
    let title = plan.title.as_str().trim();
    Ok(icalendar::calendar(&Event {
        uid: format!("{meeting_id}.{plan_id}@samplan"),
        stamp_ms: now_ms,
        day,
        time,
        minutes: meeting.planned_minutes,
        summary: if title.is_empty() {
            meeting.kind.label().to_string()
        } else {
            format!("{}: {title}", meeting.kind.label())
        },
        location,
        url: if digital { meeting.digital_link.trim().to_string() } else { String::new() },
        description: text(plan, meeting),
        organizer,
    }))
}

/// The calendar file's name: "kallelse-2027-01-20.ics".
pub fn calendar_file_name(meeting: &Meeting) -> String {
    match meeting.date.as_deref().and_then(Day::parse) {
        Some(day) => format!("kallelse-{}.ics", day.iso()),
        None => "kallelse.ics".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{fixture, read_plan};

    fn example() -> (Plan, String, Meeting) {
        let plan = read_plan(&fixture::example_plan().expect("example")).expect("plan");
        let (id, meeting) =
            plan.meetings.iter().next().map(|(i, m)| (i.clone(), m.clone())).expect("a meeting");
        (plan, id, meeting)
    }

    #[test]
    fn the_example_meeting_as_a_calendar_file() {
        let (mut plan, id, meeting) = example();
        let coordinator = plan.coordinator.clone().expect("a coordinator");
        plan.participants.get_mut(&coordinator).expect("participant").email = "maria.lind@umea.se".into();
        let ics = calendar_file(&plan, "plan1", &id, &meeting, fixture::FIXTURE_TIME).expect("a file");
        let unfolded = ics.replace("\r\n ", "");
        for line in [
            format!("UID:{id}.plan1@samplan"),
            "DTSTART;TZID=Europe/Stockholm:20261008T130000".to_string(),
            "DTEND;TZID=Europe/Stockholm:20261008T143000".to_string(),
            "SUMMARY:SIP-möte: SIP för Anna Berg".to_string(),
            "LOCATION:Hos Anna\\, Storgatan 1\\, Umeå".to_string(),
            "ORGANIZER;CN=Maria Lind:mailto:maria.lind@umea.se".to_string(),
        ] {
            assert!(unfolded.contains(&format!("{line}\r\n")), "{line} missing in:\n{unfolded}");
        }
        assert!(unfolded.contains("DESCRIPTION:Kallelse till SIP-möte: SIP för Anna Berg\\nSyfte: "));
        assert_eq!(calendar_file_name(&meeting), "kallelse-2026-10-08.ics");
    }

    #[test]
    fn a_digital_meeting_gives_its_link_and_no_organiser_without_an_address() {
        let (plan, id, meeting) = example();
        let digital = Meeting {
            form: MeetingForm::Digital,
            digital_link: "https://möte.example.se/sip?id=1,2".into(),
            ..meeting
        };
        let ics = calendar_file(&plan, "p", &id, &digital, 0).expect("a file").replace("\r\n ", "");
        assert!(ics.contains("LOCATION:https://möte.example.se/sip?id=1\\,2\r\n"), "{ics}");
        assert!(ics.contains("URL:https://möte.example.se/sip?id=1,2\r\n"), "{ics}");
        assert!(!ics.contains("ORGANIZER"), "nobody has an e-mail address in the example");
    }

    #[test]
    fn a_meeting_without_a_readable_day_or_time_has_no_file_and_says_why() {
        let (plan, id, meeting) = example();
        let undated = Meeting { date: None, ..meeting.clone() };
        assert_eq!(calendar_file(&plan, "p", &id, &undated, 0), Err(InvitationError::NoDate));
        let late = Meeting { time: "25:00".into(), ..meeting.clone() };
        assert_eq!(calendar_file(&plan, "p", &id, &late, 0), Err(InvitationError::BadTime("25:00".into())));
        let all_day = Meeting { time: String::new(), ..meeting };
        let ics = calendar_file(&plan, "p", &id, &all_day, 0).expect("a file");
        assert!(ics.contains("DTSTART;VALUE=DATE:20261008\r\n"));
    }
}
