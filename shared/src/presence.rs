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
    /// The name the person gave on this device.
    pub name: String,
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
        let presence = Presence { name: "Karin".into(), field: Some("field-title".into()), colour: 2 };
        assert_eq!(Presence::decode(&presence.encode()).expect("decodes"), presence);
        assert!(Presence::decode(&[0xa1, 0x61, 0x66, 0x01]).is_err(), "a JS client's unrelated data");
        let long = Presence { name: "x".repeat(500), field: None, colour: 9 };
        assert_eq!(Presence::decode(&long.encode()).expect("decodes").name.len(), 80, "names are cut short");
        assert_eq!(long.colour_value(), COLOURS[3]);
    }
}
