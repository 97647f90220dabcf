//! The next SIP meeting as the person is told about it in Min plan: which
//! meeting comes next, when it is in words with weekday, year and time,
//! where (or the link to join by), and who is asked to come.
//!
//! Why its own concept: the editor works on the latest meeting (the one
//! the approvals belong to, [`super::approvals::current_meeting`]), which
//! may be one that is over. The person wants the one they are to go to: a
//! meeting that runs now, or else the first one planned from today on.
//! The follow-up date is another thing (when the plan is looked at again)
//! and is said on its own line.

use super::{Meeting, MeetingForm, Plan};
use crate::swedish_time::{clock, spoken_date};

/// The meeting the person is to go to, in the words Min plan shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextMeeting {
    /// The meeting's id in the plan.
    pub id: String,
    /// Whether it runs now (started, not ended).
    pub running: bool,
    /// "lördag 12 december 2026 klockan 13.00" (without the time when the
    /// plan has none).
    pub when: String,
    /// The day, `YYYY-MM-DD`, to count the days until it.
    pub date: String,
    /// Where, in words: the place, "Digitalt möte, på skärmen", "Hemma hos
    /// dig", "På telefon"; empty when nothing is written.
    pub place: String,
    /// The link to join a digital meeting by ([`Meeting::join_link`]).
    pub join_link: Option<String>,
    /// The names of those asked to come, in the plan's order.
    pub invited: Vec<String>,
    /// How long it is planned to last, in minutes (0 when not set).
    pub planned_minutes: u64,
}

/// A meeting that has been held, as Min plan names it when it asks how it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMeeting {
    /// The meeting's id in the plan.
    pub id: String,
    /// Its day, `YYYY-MM-DD`.
    pub date: String,
    /// Its day in words, with the year: "lördag 12 december 2026".
    pub when: String,
    /// What kind of meeting: "SIP-möte", "Uppföljning", "Utvärdering".
    pub kind: &'static str,
}

impl Plan {
    /// The meeting the person is to go to on `today` (`YYYY-MM-DD`): one
    /// that runs now, or else the earliest with a date from today on that
    /// has not ended (by date, then time, then id). `None` when there is
    /// none.
    pub fn next_meeting(&self, today: &str) -> Option<NextMeeting> {
        let running = self.meetings.iter().find(|(_, m)| m.is_running());
        let (id, meeting) = running.or_else(|| {
            self.meetings
                .iter()
                .filter(|(_, m)| !m.has_ended() && m.date.as_deref().is_some_and(|d| d >= today))
                .min_by(|a, b| (&a.1.date, &a.1.time, a.0).cmp(&(&b.1.date, &b.1.time, b.0)))
        })?;
        let date = meeting.date.clone().unwrap_or_default();
        let time = clock(&meeting.time);
        let mut when = spoken_date(&date);
        if !time.is_empty() {
            when.push_str(&format!(" klockan {time}"));
        }
        Some(NextMeeting {
            id: id.clone(),
            running: meeting.is_running(),
            when,
            date,
            place: place_in_words(meeting),
            join_link: meeting.join_link().map(str::to_string),
            invited: self.invited_names(meeting),
            planned_minutes: meeting.planned_minutes,
        })
    }

    /// The latest meeting that has been held on `today` (`YYYY-MM-DD`): one
    /// the chair ended, or one whose day is past and that is not running.
    /// Min plan asks the person how it was for them ([`crate::self_reports::TakingPart`]).
    pub fn meeting_held(&self, today: &str) -> Option<HeldMeeting> {
        let (id, meeting) = self
            .meetings
            .iter()
            .filter(|(_, m)| !m.is_running() && m.date.as_deref().is_some_and(|d| d <= today))
            .filter(|(_, m)| m.has_ended() || m.date.as_deref().is_some_and(|d| d < today))
            .max_by(|a, b| (&a.1.date, &a.1.time, a.0).cmp(&(&b.1.date, &b.1.time, b.0)))?;
        let date = meeting.date.clone().unwrap_or_default();
        Some(HeldMeeting { id: id.clone(), when: spoken_date(&date), date, kind: meeting.kind.label() })
    }

    /// The names of the participants `meeting` invites, in the plan's order.
    fn invited_names(&self, meeting: &Meeting) -> Vec<String> {
        self.ordered_participants()
            .into_iter()
            .filter(|(id, _)| meeting.attendance.get(id.as_str()).is_some_and(|a| a.invited))
            .map(|(_, p)| p.name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect()
    }
}

/// How long a meeting lasts, in words ("ungefär en och en halv timme").
pub fn duration_in_words(minutes: u64) -> Option<String> {
    let words = match minutes {
        0 => return None,
        1..=44 => format!("{minutes} minuter"),
        45..=74 => "en timme".to_string(),
        75..=104 => "en och en halv timme".to_string(),
        105..=134 => "två timmar".to_string(),
        _ => format!("{} timmar", (minutes + 30) / 60),
    };
    Some(format!("Mötet är ungefär {words}."))
}

/// Where a meeting is, as the person reads it.
fn place_in_words(meeting: &Meeting) -> String {
    // The place field holds what was written for another form before the
    // meeting became digital or a phone call: not where it is now.
    let place = meeting.place.trim();
    match meeting.form {
        MeetingForm::Digital => "Digitalt möte, på skärmen".to_string(),
        MeetingForm::Phone => "På telefon".to_string(),
        MeetingForm::Home if place.is_empty() => "Hemma hos dig".to_string(),
        MeetingForm::Home | MeetingForm::MeetingRoom => place.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture::example_plan;
    use crate::plan::{read_plan, Attendance};

    fn meeting(date: &str, time: &str) -> Meeting {
        Meeting { date: Some(date.to_string()), time: time.to_string(), ..Meeting::default() }
    }

    #[test]
    fn the_meeting_held_is_the_latest_ended_or_past_never_one_that_runs() {
        let mut plan = read_plan(&example_plan().expect("plan")).expect("read");
        plan.meetings.clear();
        assert_eq!(plan.meeting_held("2026-12-06"), None);
        plan.meetings.insert("a-old".into(), meeting("2026-09-01", "10:00"));
        plan.meetings.insert("b-today".into(), meeting("2026-12-06", "13:00"));
        plan.meetings.insert("c-later".into(), meeting("2027-03-15", "09:00"));
        // Today's meeting has not ended: the one in September is the latest held.
        assert_eq!(plan.meeting_held("2026-12-06").expect("held").id, "a-old");
        plan.meetings.get_mut("b-today").expect("today").started_at = Some(1);
        assert_eq!(
            plan.meeting_held("2026-12-06").expect("held").id,
            "a-old",
            "a running meeting is not held yet"
        );
        plan.meetings.get_mut("b-today").expect("today").ended_at = Some(2);
        let held = plan.meeting_held("2026-12-06").expect("held");
        assert_eq!(
            (held.id.as_str(), held.when.as_str(), held.kind),
            ("b-today", "söndag 6 december 2026", "SIP-möte")
        );
        // The day after, a meeting nobody ended counts as held too.
        plan.meetings.get_mut("b-today").expect("today").ended_at = None;
        plan.meetings.get_mut("b-today").expect("today").started_at = None;
        assert_eq!(plan.meeting_held("2026-12-07").expect("held").id, "b-today");
    }

    #[test]
    fn the_next_meeting_is_the_first_planned_from_today_not_the_latest() {
        let mut plan = read_plan(&example_plan().expect("plan")).expect("read");
        plan.meetings.clear();
        plan.meetings.insert("a-past".into(), meeting("2026-11-01", "10:00"));
        plan.meetings.insert("b-later".into(), meeting("2027-03-15", "09:00"));
        plan.meetings.insert("c-next".into(), meeting("2026-12-12", "13:00"));
        let next = plan.next_meeting("2026-12-06").expect("a meeting");
        assert_eq!(next.id, "c-next");
        assert_eq!(next.when, "lördag 12 december 2026 klockan 13.00");
        // On the day itself it is still the next one; the day after, the
        // one in March.
        assert_eq!(plan.next_meeting("2026-12-12").expect("today").id, "c-next");
        assert_eq!(plan.next_meeting("2026-12-13").expect("march").when, "måndag 15 mars 2027 klockan 09.00");
        assert_eq!(plan.next_meeting("2027-03-16"), None);
    }

    #[test]
    fn a_running_meeting_comes_first_and_an_ended_one_is_not_next() {
        let mut plan = read_plan(&example_plan().expect("plan")).expect("read");
        plan.meetings.clear();
        let mut ended = meeting("2026-12-12", "13:00");
        ended.started_at = Some(1);
        ended.ended_at = Some(2);
        plan.meetings.insert("ended".into(), ended);
        plan.meetings.insert("later".into(), meeting("2027-01-10", ""));
        assert_eq!(plan.next_meeting("2026-12-12").expect("later").when, "söndag 10 januari 2027");
        let mut running = meeting("2026-12-01", "10:00");
        running.started_at = Some(3);
        plan.meetings.insert("running".into(), running);
        let next = plan.next_meeting("2026-12-12").expect("running");
        assert!(next.running);
        assert_eq!(next.id, "running");
    }

    #[test]
    fn a_digital_meeting_has_its_link_and_says_who_is_invited() {
        let mut plan = read_plan(&example_plan().expect("plan")).expect("read");
        plan.meetings.clear();
        let mut digital = meeting("2026-12-12", "13:00");
        digital.form = MeetingForm::Digital;
        digital.digital_link = " https://mote.example.se/abc ".into();
        digital.place = "Hos Anna, Storgatan 1".into();
        let (first, second) = {
            let ordered = plan.ordered_participants();
            (ordered[0].0.clone(), ordered[1].0.clone())
        };
        digital.attendance.insert(second.clone(), Attendance { invited: true, attended: None });
        digital.attendance.insert(first.clone(), Attendance { invited: true, attended: None });
        plan.meetings.insert("m".into(), digital);
        let next = plan.next_meeting("2026-12-06").expect("meeting");
        assert_eq!(next.join_link.as_deref(), Some("https://mote.example.se/abc"));
        assert_eq!(next.place, "Digitalt möte, på skärmen");
        let names: Vec<String> =
            [first, second].iter().map(|id| plan.participants[id].name.trim().to_string()).collect();
        assert_eq!(next.invited, names);
        // A link that is no web address is not offered to join by.
        plan.meetings.get_mut("m").expect("m").digital_link = "javascript:alert(1)".into();
        assert_eq!(plan.next_meeting("2026-12-06").expect("meeting").join_link, None);
    }

    #[test]
    fn a_meeting_lasts_in_words() {
        assert_eq!(duration_in_words(0), None);
        assert_eq!(duration_in_words(30).as_deref(), Some("Mötet är ungefär 30 minuter."));
        assert_eq!(duration_in_words(60).as_deref(), Some("Mötet är ungefär en timme."));
        assert_eq!(duration_in_words(90).as_deref(), Some("Mötet är ungefär en och en halv timme."));
        assert_eq!(duration_in_words(120).as_deref(), Some("Mötet är ungefär två timmar."));
        assert_eq!(duration_in_words(180).as_deref(), Some("Mötet är ungefär 3 timmar."));
    }
}
