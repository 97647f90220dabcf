//! Meetings: the invitation (kallelse), who came, the summary, and each
//! participant's approval of the plan as it was when they approved.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Record, Text};

/// The recommended longest meeting, in minutes (seed 000: at most two hours).
pub const RECOMMENDED_MAX_MINUTES: u64 = 120;

/// Why the meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub enum MeetingKind {
    /// SIP-möte: the plan is made.
    #[default]
    Planning,
    /// Uppföljning.
    FollowUp,
    /// Utvärdering.
    Evaluation,
}

impl MeetingKind {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::Planning => "SIP-möte",
            MeetingKind::FollowUp => "Uppföljning",
            MeetingKind::Evaluation => "Utvärdering",
        }
    }
}

/// Where the meeting is held, chosen for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub enum MeetingForm {
    /// I ett mötesrum.
    #[default]
    MeetingRoom,
    /// Hemma hos den enskilde.
    Home,
    /// Digitalt möte.
    Digital,
    /// Per telefon.
    Phone,
}

impl MeetingForm {
    /// Every form, in the order a form lists them.
    pub const ALL: [MeetingForm; 4] =
        [MeetingForm::MeetingRoom, MeetingForm::Home, MeetingForm::Digital, MeetingForm::Phone];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            MeetingForm::MeetingRoom => "Mötesrum",
            MeetingForm::Home => "Hemma hos mig",
            MeetingForm::Digital => "Digitalt",
            MeetingForm::Phone => "Telefon",
        }
    }
}

/// One invited participant's attendance.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Attendance {
    /// Kallad.
    pub invited: bool,
    /// Närvarade: `None` until known.
    #[autosurgeon(missing = "Default::default")]
    pub attended: Option<bool>,
}

/// A participant's approval (godkännande) of the plan (an immutable [`Record`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The document's heads (hex change hashes) when approved: "which version".
    pub heads: Vec<String>,
    /// When (ms since 1970).
    pub approved_at: i64,
    /// The approver's name at the time, for the paper plan.
    pub name: String,
    /// Who wrote this record: the participant (id) who approved, or for an
    /// oral approval the one who recorded it. Empty in approvals made
    /// before the plan knew who is who.
    #[serde(default)]
    pub author: String,
    /// Approved orally at the meeting ("godkänt muntligt på mötet") by a
    /// participant without a device there, recorded by the chair.
    #[serde(default)]
    pub oral: bool,
    /// For an oral approval, the name of the one who recorded it.
    #[serde(default)]
    pub recorded_by: String,
}

/// A meeting.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Meeting {
    /// Slag av möte.
    #[autosurgeon(missing = "Default::default")]
    pub kind: MeetingKind,
    /// Syfte.
    #[autosurgeon(missing = "Default::default")]
    pub purpose: Text,
    /// Datum (YYYY-MM-DD).
    #[autosurgeon(missing = "Default::default")]
    pub date: Option<String>,
    /// Klockslag (HH:MM).
    #[autosurgeon(missing = "Default::default")]
    pub time: String,
    /// Mötesform.
    #[autosurgeon(missing = "Default::default")]
    pub form: MeetingForm,
    /// Plats (address or room).
    #[autosurgeon(missing = "Default::default")]
    pub place: String,
    /// Länk till digitalt möte.
    #[autosurgeon(missing = "Default::default")]
    pub digital_link: String,
    /// Planerad längd i minuter.
    #[autosurgeon(missing = "Default::default")]
    pub planned_minutes: u64,
    /// Dagordning.
    #[autosurgeon(missing = "Default::default")]
    pub agenda: Text,
    /// Ordförande (participant id).
    #[autosurgeon(missing = "Default::default")]
    pub chair: Option<String>,
    /// Dokumentationsansvarig (participant id); never the chair.
    #[autosurgeon(missing = "Default::default")]
    pub note_taker: Option<String>,
    /// Kallade och närvaro, by participant id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub attendance: BTreeMap<String, Attendance>,
    /// Sammanfattning.
    #[autosurgeon(missing = "Default::default")]
    pub summary: Text,
    /// Godkännanden, by participant id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub approvals: BTreeMap<String, Record<Approval>>,
    /// Which of the meeting's steps ([`super::agenda::steps`]: the agenda's
    /// lines) the chair has reached, counted from 1 (0 before the meeting
    /// starts).
    #[autosurgeon(missing = "Default::default")]
    pub phase: u64,
    /// When the chair started the meeting (ms since 1970): the clock runs from here.
    #[autosurgeon(missing = "Default::default")]
    pub started_at: Option<i64>,
    /// When the chair ended the meeting ("Avsluta mötet"): the clock stops
    /// and who took part is recorded in `attendance`.
    #[autosurgeon(missing = "Default::default")]
    pub ended_at: Option<i64>,
    /// Who ended it (participant id).
    #[autosurgeon(missing = "Default::default")]
    pub ended_by: String,
}

/// The steps of a SIP meeting (seed 000), in order: the meeting's steps
/// when its agenda has none.
pub const PHASES: [&str; 6] =
    ["Inledning och syfte", "Min situation nu", "Mina behov", "Mål och insatser", "Sammanfattning", "Avslut"];

impl Meeting {
    /// Whether the planned duration is above the recommended two hours.
    pub fn is_too_long(&self) -> bool {
        self.planned_minutes > RECOMMENDED_MAX_MINUTES
    }

    /// The digital meeting's link to join by ("Gå med i mötet"), if it is
    /// a digital meeting with a web address (`https:` or `http:`): any
    /// other text (a `javascript:` address typed into the field) is not a
    /// link anyone is sent to.
    pub fn join_link(&self) -> Option<&str> {
        let link = self.digital_link.trim();
        let scheme = link.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
        let web = matches!(scheme.as_deref(), Some("https" | "http")) && link.contains("://");
        (self.form == MeetingForm::Digital && web && !link.contains(char::is_whitespace)).then_some(link)
    }

    /// Whether the meeting has started and not ended: the clock runs.
    pub fn is_running(&self) -> bool {
        self.started_at.is_some() && self.ended_at.is_none()
    }

    /// Whether the chair has ended the meeting.
    pub fn has_ended(&self) -> bool {
        self.ended_at.is_some()
    }

    /// How long the meeting has gone on at `now` (ms since 1970), or went
    /// on if it has ended, in whole minutes; `None` before it started.
    pub fn minutes_gone(&self, now: i64) -> Option<u64> {
        let started = self.started_at?;
        let until = self.ended_at.unwrap_or(now);
        Some(((until - started).max(0) / 60_000) as u64)
    }

    /// "Avsluta mötet": ends the meeting at `at` (ms since 1970), by
    /// `author` (participant id), recording for each of `participants`
    /// whether they took part (`took_part`, from who was there with a
    /// device, corrected by the chair). Nobody is dropped from the
    /// invitations: attendance is added beside them.
    pub fn end<'a>(
        &mut self,
        at: i64,
        author: &str,
        participants: impl IntoIterator<Item = &'a str>,
        took_part: impl Fn(&str) -> bool,
    ) {
        if self.started_at.is_none() {
            self.started_at = Some(at);
        }
        self.ended_at = Some(at);
        self.ended_by = author.to_string();
        for id in participants {
            self.attendance.entry(id.to_string()).or_default().attended = Some(took_part(id));
        }
    }

    /// "Återuppta mötet": the meeting goes on (the clock counts from its start).
    pub fn resume(&mut self) {
        self.ended_at = None;
        self.ended_by.clear();
    }

    /// Participants who were invited but did not come.
    pub fn absent(&self) -> impl Iterator<Item = &str> {
        self.attendance
            .iter()
            .filter(|(_, a)| a.invited && a.attended == Some(false))
            .map(|(id, _)| id.as_str())
    }
}
