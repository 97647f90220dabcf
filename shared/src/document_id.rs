//! Document ids as automerge-repo writes them.
//!
//! A document id is 16 random bytes (a UUID), written as bs58check: base58 of
//! the bytes followed by the first four bytes of their double SHA-256. A URL
//! is `automerge:<id>`. Using the same form as automerge-repo lets any
//! automerge-repo client (the official JS one included) open our plans.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The prefix of an automerge-repo document URL.
pub const URL_PREFIX: &str = "automerge:";

/// The id of one Automerge document (one plan, or one plan's self-reports).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// Why a string is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentIdError {
    /// Not valid base58, or the checksum does not match.
    #[error("dokument-id är inte giltig bs58check: {0}")]
    Encoding(String),
    /// Decoded, but not 16 bytes long.
    #[error("dokument-id har fel längd: {0} byte i stället för 16")]
    Length(usize),
}

impl DocumentId {
    /// A new random id (UUID v4 layout, as automerge-repo makes them).
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        // The OS or browser random source failing is not recoverable.
        #[allow(clippy::expect_used)]
        getrandom::fill(&mut bytes).expect("no random source available");
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        DocumentId(bytes)
    }

    /// The id from its 16 raw bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        DocumentId(bytes)
    }

    /// The 16 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The automerge-repo URL, `automerge:<id>`.
    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{self}")
    }

    /// Parse either a bare id or an `automerge:` URL.
    pub fn parse_url_or_id(s: &str) -> Result<Self, DocumentIdError> {
        s.strip_prefix(URL_PREFIX).unwrap_or(s).parse()
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(&self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // A 16-byte id is 26 to 28 base58 characters; refuse long input early.
        if s.len() > 64 {
            return Err(DocumentIdError::Encoding("för lång".into()));
        }
        let bytes = bs58::decode(s)
            .with_check(None)
            .into_vec()
            .map_err(|e| DocumentIdError::Encoding(e.to_string()))?;
        let array: [u8; 16] =
            bytes.as_slice().try_into().map_err(|_| DocumentIdError::Length(bytes.len()))?;
        Ok(DocumentId(array))
    }
}

impl Serialize for DocumentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for DocumentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
