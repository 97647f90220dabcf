//! The automerge-repo WebSocket protocol, version "1", as typed messages.
//!
//! One CBOR map per binary WebSocket frame, tagged by its `type` key. The
//! types follow `automerge-repo-network-websocket/src/messages.ts`; the
//! decoder tolerates what the JS encoder (cbor-x) sends: integers as floats,
//! `undefined` for absent optional fields, unknown keys, and message types
//! this version does not know (decoded as [`Message::Unknown`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_bytes::ByteBuf;

use crate::DocumentId;

/// The only protocol version there is.
pub const PROTOCOL_VERSION: &str = "1";

/// A peer's id: any string the peer picks (the JS client uses a random one).
pub type PeerId = String;

/// A storage id: names a peer's durable storage in `peerMetadata`.
pub type StorageId = String;

/// What a peer says about itself at the handshake.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerMetadata {
    /// The id of the peer's storage, if it stores documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<StorageId>,
    /// True for peers that keep nothing (a browser tab without storage).
    #[serde(default)]
    pub is_ephemeral: bool,
}

/// Heads of a document in one storage, at a time (milliseconds since 1970).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadsAtTime {
    /// Change hashes, hex.
    pub heads: Vec<String>,
    /// When these were the heads, in milliseconds since the Unix epoch.
    #[serde(deserialize_with = "lenient_u64")]
    pub timestamp: u64,
}

/// One protocol message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Message {
    /// Client → server, first message on a new socket.
    Join {
        /// The client's peer id.
        sender_id: PeerId,
        /// Versions the client speaks; absent means `["1"]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supported_protocol_versions: Option<Vec<String>>,
        /// What the client says about itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
    },
    /// Server → client, the answer to `join`.
    Peer {
        /// The server's peer id.
        sender_id: PeerId,
        /// The version both will speak.
        selected_protocol_version: String,
        /// The client's peer id.
        target_id: PeerId,
        /// What the server says about itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
    },
    /// Either side: the sender is going away.
    Leave {
        /// Who leaves.
        sender_id: PeerId,
    },
    /// Either side: something went wrong; the sender closes the socket.
    Error {
        /// Who reports it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sender_id: Option<PeerId>,
        /// To whom.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_id: Option<PeerId>,
        /// A human-readable reason.
        message: String,
    },
    /// The first sync message for a document the sender does not have.
    Request {
        /// Which document.
        document_id: DocumentId,
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
        /// An Automerge sync message.
        data: ByteBuf,
    },
    /// An Automerge sync message for one document.
    Sync {
        /// Which document.
        document_id: DocumentId,
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
        /// An Automerge sync message.
        data: ByteBuf,
    },
    /// The answer to `request` when no peer has the document.
    DocUnavailable {
        /// Which document.
        document_id: DocumentId,
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
    },
    /// A message about a document that is forwarded and never stored
    /// (presence: who is here, which field they are in).
    Ephemeral {
        /// Which document.
        document_id: DocumentId,
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
        /// Increases with every ephemeral message of one session.
        #[serde(deserialize_with = "lenient_u64")]
        count: u64,
        /// The sender's session; with `count` it deduplicates.
        session_id: String,
        /// Application data (CBOR in the JS client).
        data: ByteBuf,
    },
    /// Subscribe to or unsubscribe from heads of other storages.
    RemoteSubscriptionChange {
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
        /// Storages to follow.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        add: Option<Vec<StorageId>>,
        /// Storages to stop following.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remove: Option<Vec<StorageId>>,
    },
    /// Heads of a document in other storages changed.
    RemoteHeadsChanged {
        /// Which document.
        document_id: DocumentId,
        /// Who sends.
        sender_id: PeerId,
        /// To whom.
        target_id: PeerId,
        /// Heads by storage id.
        new_heads: BTreeMap<StorageId, HeadsAtTime>,
    },
    /// A message type this version does not know; ignored, not an error.
    #[serde(other)]
    Unknown,
}

/// Why a frame is not a message.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not CBOR, truncated, or not a map with the fields its type needs.
    #[error("meddelandet kunde inte läsas: {0}")]
    Malformed(String),
}

impl Message {
    /// Encode as one CBOR map, the payload of one binary WebSocket frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        // Writing to a Vec cannot fail, and every field serialises.
        #[allow(clippy::expect_used)]
        ciborium::into_writer(self, &mut out).expect("CBOR encoding into a Vec");
        out
    }

    /// Decode one frame.
    pub fn decode(frame: &[u8]) -> Result<Message, DecodeError> {
        ciborium::from_reader(frame).map_err(|e| DecodeError::Malformed(e.to_string()))
    }

    /// The document a message is about, if any.
    pub fn document_id(&self) -> Option<DocumentId> {
        match self {
            Message::Request { document_id, .. }
            | Message::Sync { document_id, .. }
            | Message::DocUnavailable { document_id, .. }
            | Message::Ephemeral { document_id, .. }
            | Message::RemoteHeadsChanged { document_id, .. } => Some(*document_id),
            _ => None,
        }
    }

    /// The type tag, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Leave { .. } => "leave",
            Message::Error { .. } => "error",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
            Message::Unknown => "unknown",
        }
    }
}

/// An unsigned integer that may arrive as a CBOR integer or as a float with
/// no fraction (JavaScript numbers are floats; cbor-x sometimes writes them so).
fn lenient_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct Lenient;
    impl serde::de::Visitor<'_> for Lenient {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a non-negative integer")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom("negative integer"))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
                // Checked above: integral, non-negative and exactly representable.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(v as u64)
            } else {
                Err(E::custom("not a non-negative integer"))
            }
        }
    }
    deserializer.deserialize_any(Lenient)
}

#[cfg(test)]
mod tests;
