//! The automerge-repo WebSocket protocol, version "1", as typed messages.
//!
//! One CBOR map per binary WebSocket frame, tagged by its `type` key. The
//! types follow `automerge-repo-network-websocket/src/messages.ts`; the
//! decoder tolerates what the JS encoder (cbor-x) sends: integers as floats,
//! `undefined` for absent optional fields, unknown keys, and message types
//! this version does not know (decoded as [`Message::Unknown`]).

use std::collections::BTreeMap;

use ciborium::Value;
use serde::Serialize;
use serde_bytes::ByteBuf;

use crate::DocumentId;

/// The only protocol version there is.
pub const PROTOCOL_VERSION: &str = "1";

/// The heartbeat a browser sends, as a WebSocket *text* frame (a browser
/// cannot send WebSocket pings): outside automerge-repo's protocol, which
/// is binary frames only, so no other peer ever sees it. The relay answers
/// each with [`HEARTBEAT_PONG`]; the app shows "Offline" when an answer is
/// late (`crate::repo_core`).
pub const HEARTBEAT_PING: &str = "ping";

/// The relay's answer to [`HEARTBEAT_PING`], a text frame.
pub const HEARTBEAT_PONG: &str = "pong";

/// A peer's id: any string the peer picks (the JS client uses a random one).
pub type PeerId = String;

/// A storage id: names a peer's durable storage in `peerMetadata`.
pub type StorageId = String;

/// What a peer says about itself at the handshake.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadsAtTime {
    /// Change hashes, hex.
    pub heads: Vec<String>,
    /// When these were the heads, in milliseconds since the Unix epoch.
    pub timestamp: u64,
}

/// One protocol message.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    ///
    /// Decoded to a generic CBOR value and mapped by hand: a serde-derived
    /// decoder for this internally tagged enum is several times larger in wasm.
    pub fn decode(frame: &[u8]) -> Result<Message, DecodeError> {
        let value: Value = ciborium::from_reader(frame).map_err(|e| DecodeError::Malformed(e.to_string()))?;
        Fields::new(value)?.message()
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

fn malformed(what: &str) -> DecodeError {
    DecodeError::Malformed(what.to_string())
}

/// Tags (cbor-x may tag byte strings) carry no meaning here.
fn untag(mut value: Value) -> Value {
    while let Value::Tag(_, inner) = value {
        value = *inner;
    }
    value
}

/// The entries of one CBOR map with text keys; other keys are ignored.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn new(value: Value) -> Result<Fields, DecodeError> {
        match untag(value) {
            Value::Map(entries) => Ok(Fields(
                entries
                    .into_iter()
                    .filter_map(|(k, v)| match untag(k) {
                        Value::Text(k) => Some((k, v)),
                        _ => None,
                    })
                    .collect(),
            )),
            _ => Err(malformed("not a map")),
        }
    }

    /// A field's value; absent, null and undefined are all `None`.
    fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        match untag(self.0.swap_remove(at).1) {
            Value::Null => None,
            value => Some(value),
        }
    }

    fn required(&mut self, key: &str) -> Result<Value, DecodeError> {
        self.take(key).ok_or_else(|| DecodeError::Malformed(format!("missing field `{key}`")))
    }

    fn string(&mut self, key: &str) -> Result<String, DecodeError> {
        text(self.required(key)?, key)
    }

    fn opt_string(&mut self, key: &str) -> Result<Option<String>, DecodeError> {
        self.take(key).map(|v| text(v, key)).transpose()
    }

    fn opt_strings(&mut self, key: &str) -> Result<Option<Vec<String>>, DecodeError> {
        self.take(key).map(|v| strings(v, key)).transpose()
    }

    fn u64(&mut self, key: &str) -> Result<u64, DecodeError> {
        lenient_u64(self.required(key)?, key)
    }

    fn bytes(&mut self, key: &str) -> Result<ByteBuf, DecodeError> {
        match self.required(key)? {
            Value::Bytes(b) => Ok(ByteBuf::from(b)),
            _ => Err(DecodeError::Malformed(format!("`{key}` is not a byte string"))),
        }
    }

    fn document_id(&mut self) -> Result<DocumentId, DecodeError> {
        self.string("documentId")?
            .parse()
            .map_err(|e: crate::document_id::DocumentIdError| DecodeError::Malformed(e.to_string()))
    }

    fn peer_metadata(&mut self) -> Result<Option<PeerMetadata>, DecodeError> {
        let Some(value) = self.take("peerMetadata") else {
            return Ok(None);
        };
        let mut fields = Fields::new(value)?;
        let storage_id = fields.opt_string("storageId")?;
        let is_ephemeral = match fields.take("isEphemeral") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(malformed("`isEphemeral` is not a boolean")),
        };
        Ok(Some(PeerMetadata { storage_id, is_ephemeral }))
    }

    fn message(mut self) -> Result<Message, DecodeError> {
        let kind = self.string("type")?;
        Ok(match kind.as_str() {
            "join" => Message::Join {
                sender_id: self.string("senderId")?,
                supported_protocol_versions: self.opt_strings("supportedProtocolVersions")?,
                peer_metadata: self.peer_metadata()?,
            },
            "peer" => Message::Peer {
                sender_id: self.string("senderId")?,
                selected_protocol_version: self.string("selectedProtocolVersion")?,
                target_id: self.string("targetId")?,
                peer_metadata: self.peer_metadata()?,
            },
            "leave" => Message::Leave { sender_id: self.string("senderId")? },
            "error" => Message::Error {
                sender_id: self.opt_string("senderId")?,
                target_id: self.opt_string("targetId")?,
                message: self.string("message")?,
            },
            "request" => Message::Request {
                document_id: self.document_id()?,
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
                data: self.bytes("data")?,
            },
            "sync" => Message::Sync {
                document_id: self.document_id()?,
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
                data: self.bytes("data")?,
            },
            "doc-unavailable" => Message::DocUnavailable {
                document_id: self.document_id()?,
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
            },
            "ephemeral" => Message::Ephemeral {
                document_id: self.document_id()?,
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
                count: self.u64("count")?,
                session_id: self.string("sessionId")?,
                data: self.bytes("data")?,
            },
            "remote-subscription-change" => Message::RemoteSubscriptionChange {
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
                add: self.opt_strings("add")?,
                remove: self.opt_strings("remove")?,
            },
            "remote-heads-changed" => Message::RemoteHeadsChanged {
                document_id: self.document_id()?,
                sender_id: self.string("senderId")?,
                target_id: self.string("targetId")?,
                new_heads: self.new_heads()?,
            },
            _ => Message::Unknown,
        })
    }

    fn new_heads(&mut self) -> Result<BTreeMap<StorageId, HeadsAtTime>, DecodeError> {
        let mut heads = BTreeMap::new();
        for (storage_id, value) in Fields::new(self.required("newHeads")?)?.0 {
            let mut fields = Fields::new(value)?;
            let entry = HeadsAtTime {
                heads: strings(fields.required("heads")?, "heads")?,
                timestamp: fields.u64("timestamp")?,
            };
            heads.insert(storage_id, entry);
        }
        Ok(heads)
    }
}

fn text(value: Value, key: &str) -> Result<String, DecodeError> {
    match untag(value) {
        Value::Text(s) => Ok(s),
        _ => Err(DecodeError::Malformed(format!("`{key}` is not a string"))),
    }
}

fn strings(value: Value, key: &str) -> Result<Vec<String>, DecodeError> {
    match untag(value) {
        Value::Array(items) => items.into_iter().map(|v| text(v, key)).collect(),
        _ => Err(DecodeError::Malformed(format!("`{key}` is not an array"))),
    }
}

/// An unsigned integer that may arrive as a CBOR integer or as a float with
/// no fraction (JavaScript numbers are floats; cbor-x sometimes writes them so).
fn lenient_u64(value: Value, key: &str) -> Result<u64, DecodeError> {
    match untag(value) {
        Value::Integer(i) => u64::try_from(i).ok(),
        Value::Float(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 => {
            // Checked: integral, non-negative and exactly representable.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(v as u64)
        }
        _ => None,
    }
    .ok_or_else(|| DecodeError::Malformed(format!("`{key}` is not a non-negative integer")))
}

#[cfg(test)]
mod tests;
