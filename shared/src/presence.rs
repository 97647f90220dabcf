//! Presence: who has a plan open right now and which field they are in.
//!
//! Carried in automerge-repo `ephemeral` messages (CBOR), forwarded by the
//! relay to the document's other peers and never stored. Each device sends
//! its presence when the focused field changes and every few seconds; a
//! presence not heard from for [`EXPIRES_AFTER_MS`] is gone.

use serde::{Deserialize, Serialize};

/// A presence not renewed within this many milliseconds has left.
pub const EXPIRES_AFTER_MS: f64 = 30_000.0;
/// How often a device renews its presence.
pub const RENEW_EVERY_MS: u32 = 10_000;

/// One device's presence in one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// Who it is: written by the relay from the sender's account or
    /// invitation, whatever the device sent.
    pub name: String,
    /// The participant of the plan the sender is (their id), written by
    /// the relay: the app shows the participant's name from the plan.
    #[serde(default)]
    pub participant: String,
    /// The id of the field they are in, if any (the element id, e.g. `field-goals-ab12-text`).
    #[serde(default)]
    pub field: Option<String>,
    /// Which of the presence colours to draw them in.
    #[serde(default)]
    pub colour: u8,
}

/// Presence colours: each has at least 4.5:1 contrast on white (WCAG AA).
pub const COLOURS: [&str; 6] = ["#1d4e89", "#8a1c7c", "#1e6b34", "#8a4b00", "#5a3e9b", "#a4161a"];

/// Why presence data could not be read.
#[derive(Debug, thiserror::Error)]
#[error("ogiltig närvaro: {0}")]
pub struct PresenceError(String);

impl Presence {
    /// CBOR, as the `data` of an ephemeral message.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing plain data into a Vec cannot fail.
        let _ = ciborium::into_writer(self, &mut out);
        out
    }

    /// Read presence data; anything else (another app's ephemeral data) is an error.
    pub fn decode(bytes: &[u8]) -> Result<Presence, PresenceError> {
        let mut presence: Presence =
            ciborium::from_reader(bytes).map_err(|e| PresenceError(e.to_string()))?;
        presence.name = presence.name.chars().take(80).collect();
        presence.field = presence.field.map(|f| f.chars().take(200).collect());
        Ok(presence)
    }

    /// The name to show: the participant's name as the plan has it, else
    /// the name the server knows them by, else "Någon".
    pub fn shown_name(&self, plan: Option<&crate::plan::Plan>) -> String {
        let in_plan = plan.and_then(|plan| plan.participants.get(&self.participant)).map(|p| p.name.trim());
        match in_plan.filter(|name| !name.is_empty()) {
            Some(name) => name.to_string(),
            None if !self.name.trim().is_empty() => self.name.trim().to_string(),
            None => "Någon".to_string(),
        }
    }

    /// The colour to draw this presence in.
    pub fn colour_value(&self) -> &'static str {
        COLOURS[usize::from(self.colour) % COLOURS.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_round_trips_and_foreign_data_is_refused() {
        let presence = Presence {
            name: "Karin".into(),
            participant: String::new(),
            field: Some("field-title".into()),
            colour: 2,
        };
        assert_eq!(Presence::decode(&presence.encode()).expect("decodes"), presence);
        assert!(Presence::decode(&[0xa1, 0x61, 0x66, 0x01]).is_err(), "a JS client's unrelated data");
        let long = Presence { name: "x".repeat(500), participant: String::new(), field: None, colour: 9 };
        assert_eq!(Presence::decode(&long.encode()).expect("decodes").name.len(), 80, "names are cut short");
        assert_eq!(long.colour_value(), COLOURS[3]);
    }

    #[test]
    fn the_name_shown_is_the_participants_in_the_plan_then_the_servers() {
        let mut doc = crate::plan::new_plan_document("Plan").expect("plan");
        let karin = crate::plan::Participant { name: "Karin Berg".into(), ..Default::default() };
        crate::plan::edit::add_participant_as(&mut doc, "p1", karin).expect("participant");
        let plan = crate::plan::read_plan(&doc).expect("read");
        let presence = |participant: &str, name: &str| Presence {
            name: name.into(),
            participant: participant.into(),
            field: None,
            colour: 0,
        };
        assert_eq!(presence("p1", "karin.berg").shown_name(Some(&plan)), "Karin Berg");
        assert_eq!(presence("p2", "Lars Holm").shown_name(Some(&plan)), "Lars Holm", "not (yet) in the plan");
        assert_eq!(presence("p1", "karin.berg").shown_name(None), "karin.berg");
        assert_eq!(presence("", " ").shown_name(Some(&plan)), "Någon");
    }
}
