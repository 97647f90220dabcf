//! The client side of the automerge-repo sync protocol, without IO.
//!
//! The app (over a browser WebSocket) and the tests (over channels or a
//! tokio socket) drive the same state machine: send [`SyncClient::join`],
//! feed every received frame to [`SyncClient::receive`], apply sync data
//! with [`SyncClient::apply_sync`], and after every local change or applied
//! message send what [`SyncClient::generate`] returns.

use std::collections::HashMap;

use automerge::sync::{self, SyncDoc};
use automerge::AutoCommit;
use serde_bytes::ByteBuf;

use crate::wire::{Message, PeerId, PeerMetadata, PROTOCOL_VERSION};
use crate::DocumentId;

/// The protocol state of one client connection and the documents it syncs.
#[derive(Debug)]
pub struct SyncClient {
    peer_id: PeerId,
    server: Option<PeerId>,
    documents: HashMap<DocumentId, DocumentSync>,
    /// This client's ephemeral session and the count of its last message.
    session_id: String,
    ephemeral_count: u64,
}

#[derive(Debug, Default)]
struct DocumentSync {
    state: sync::State,
    unavailable: bool,
}

/// What a received message means for the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The handshake finished: send [`SyncClient::generate`] for every open document.
    Connected,
    /// Sync data for an open document: pass it to [`SyncClient::apply_sync`].
    Sync(DocumentId, Vec<u8>),
    /// No peer has the document (yet).
    Unavailable(DocumentId),
    /// Another peer's ephemeral message (presence).
    Ephemeral {
        /// Which document.
        document_id: DocumentId,
        /// Whose.
        sender_id: PeerId,
        /// The payload.
        data: Vec<u8>,
    },
    /// The server reported an error and will close the connection.
    ServerError(String),
    /// Nothing for the caller to do.
    Nothing,
}

/// Why a received message could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SyncClientError {
    /// The `data` of a sync message is not an Automerge sync message.
    #[error("ogiltigt synkmeddelande: {0}")]
    InvalidSyncMessage(String),
    /// Automerge refused the changes in a sync message.
    #[error("ändringarna kunde inte tas emot: {0}")]
    Refused(String),
    /// A message arrived that a server never sends to a client before the handshake.
    #[error("oväntat meddelande före anslutningen: {0}")]
    NotConnected(&'static str),
}

impl SyncClient {
    /// A client with the given peer id and no open documents.
    pub fn new(peer_id: PeerId) -> Self {
        let session_id = format!("{peer_id}-{}", DocumentId::random());
        SyncClient { peer_id, server: None, documents: HashMap::new(), session_id, ephemeral_count: 0 }
    }

    /// This client's peer id.
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// Whether the handshake with the server has finished.
    pub fn is_connected(&self) -> bool {
        self.server.is_some()
    }

    /// The first message on a new socket.
    pub fn join(&self) -> Message {
        Message::Join {
            sender_id: self.peer_id.clone(),
            supported_protocol_versions: Some(vec![PROTOCOL_VERSION.to_string()]),
            peer_metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: false }),
        }
    }

    /// The socket closed: forget the server and start every document's
    /// sync afresh on the next connection.
    pub fn connection_lost(&mut self) {
        self.server = None;
        for doc in self.documents.values_mut() {
            *doc = DocumentSync::default();
        }
    }

    /// Start syncing a document.
    pub fn open(&mut self, document_id: DocumentId) {
        self.documents.entry(document_id).or_default();
    }

    /// Stop syncing a document.
    pub fn close(&mut self, document_id: &DocumentId) {
        self.documents.remove(document_id);
    }

    /// Whether the server said it has no such document (and no one else has sent it since).
    pub fn is_unavailable(&self, document_id: &DocumentId) -> bool {
        self.documents.get(document_id).is_some_and(|d| d.unavailable)
    }

    /// Whether the server has confirmed it holds every change of `doc`.
    /// The server confirms only what it has written to disk.
    pub fn is_synced(&self, document_id: &DocumentId, doc: &mut AutoCommit) -> bool {
        let Some(sync) = self.documents.get(document_id) else {
            return false;
        };
        let mut ours = doc.get_heads();
        ours.sort();
        match &sync.state.their_heads {
            Some(theirs) => {
                let mut theirs = theirs.clone();
                theirs.sort();
                self.server.is_some() && theirs == ours
            }
            None => false,
        }
    }

    /// The next message to send for a document, if any. Call after every
    /// local change and after every applied sync message.
    pub fn generate(&mut self, document_id: DocumentId, doc: &mut AutoCommit) -> Option<Message> {
        let server = self.server.clone()?;
        let sync = self.documents.get_mut(&document_id)?;
        if nothing_to_send(&sync.state, &doc.get_heads()) {
            return None;
        }
        let message = doc.sync().generate_sync_message(&mut sync.state)?;
        let data = ByteBuf::from(message.encode());
        let sender_id = self.peer_id.clone();
        Some(if doc.get_heads().is_empty() {
            Message::Request { document_id, sender_id, target_id: server, data }
        } else {
            Message::Sync { document_id, sender_id, target_id: server, data }
        })
    }

    /// An ephemeral message (presence) for an open document, if connected.
    pub fn ephemeral(&mut self, document_id: DocumentId, data: Vec<u8>) -> Option<Message> {
        let server = self.server.clone()?;
        if !self.documents.contains_key(&document_id) {
            return None;
        }
        self.ephemeral_count += 1;
        Some(Message::Ephemeral {
            document_id,
            sender_id: self.peer_id.clone(),
            target_id: server,
            count: self.ephemeral_count,
            session_id: self.session_id.clone(),
            data: ByteBuf::from(data),
        })
    }

    /// Interpret one message from the server.
    pub fn receive(&mut self, message: Message) -> Result<Received, SyncClientError> {
        match message {
            Message::Peer { sender_id, .. } => {
                self.server = Some(sender_id);
                Ok(Received::Connected)
            }
            Message::Error { message, .. } => Ok(Received::ServerError(message)),
            _ if self.server.is_none() => Err(SyncClientError::NotConnected(message.kind())),
            Message::Sync { document_id, data, .. } | Message::Request { document_id, data, .. } => {
                if self.documents.contains_key(&document_id) {
                    Ok(Received::Sync(document_id, data.into_vec()))
                } else {
                    Ok(Received::Nothing)
                }
            }
            Message::DocUnavailable { document_id, .. } => match self.documents.get_mut(&document_id) {
                Some(doc) => {
                    doc.unavailable = true;
                    Ok(Received::Unavailable(document_id))
                }
                None => Ok(Received::Nothing),
            },
            Message::Ephemeral { document_id, sender_id, data, .. } => {
                if self.documents.contains_key(&document_id) && sender_id != self.peer_id {
                    Ok(Received::Ephemeral { document_id, sender_id, data: data.into_vec() })
                } else {
                    Ok(Received::Nothing)
                }
            }
            _ => Ok(Received::Nothing),
        }
    }

    /// Apply sync data to the document; returns whether the document changed.
    pub fn apply_sync(
        &mut self,
        document_id: DocumentId,
        data: &[u8],
        doc: &mut AutoCommit,
    ) -> Result<bool, SyncClientError> {
        let Some(sync) = self.documents.get_mut(&document_id) else {
            return Ok(false);
        };
        let message =
            sync::Message::decode(data).map_err(|e| SyncClientError::InvalidSyncMessage(e.to_string()))?;
        let before = doc.get_heads();
        doc.sync()
            .receive_sync_message(&mut sync.state, message)
            .map_err(|e| SyncClientError::Refused(e.to_string()))?;
        let changed = doc.get_heads() != before;
        if changed {
            sync.unavailable = false;
        }
        Ok(changed)
    }
}

/// Whether `generate_sync_message` is certain to return `None` for this
/// state with our document at `heads`: we have answered before, our heads
/// have not moved since, and either our last message is still unanswered
/// or the peer has told us it has exactly our heads and needs nothing.
///
/// Automerge builds a Bloom filter over recent changes before it reaches
/// that conclusion; asking first saves that work for every acknowledgement,
/// which is most of the messages while people type.
pub fn nothing_to_send(state: &sync::State, heads: &[automerge::ChangeHash]) -> bool {
    let unchanged = state.have_responded && state.last_sent_heads == heads;
    let they_have_ours = state.their_heads.as_deref() == Some(heads)
        && state.their_need.as_ref().is_none_or(|need| need.is_empty());
    unchanged && (state.in_flight || they_have_ours)
}

#[cfg(test)]
mod tests;
