//! One WebSocket connection: the automerge-repo handshake, then routing of
//! each message to its document's task.
//!
//! The socket is split into a reader (this task) and a writer task that
//! drains the peer's bounded outbox, pings, and answers the app's
//! heartbeat (a text frame [`shared::wire::HEARTBEAT_PING`], answered with
//! [`shared::wire::HEARTBEAT_PONG`]: a browser cannot send WebSocket pings,
//! so this is how it learns that the server still answers). Either side
//! ending cancels the other. Frames are checked for size before they are decoded; a frame
//! that cannot be decoded gets an `error` message and the socket is closed.
//!
//! Every `request`, `sync` and `ephemeral` is checked against the
//! document's members ([`crate::access::Plans::decide`]) before it reaches
//! the document; the answer is remembered for the connection, which is
//! closed when its principal loses access, and decides again when its
//! principal's access otherwise changes ([`crate::online`]). A
//! document the peer may not read gets `doc-unavailable`, exactly as one
//! that does not exist.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message as Frame, WebSocket};
use futures::{SinkExt, StreamExt};
use shared::wire::{PeerMetadata, HEARTBEAT_PING, HEARTBEAT_PONG, PROTOCOL_VERSION};
use shared::{DocumentId, Message};
use tokio::sync::{mpsc, Notify};

use crate::access::access_log::{Action, Entry, Who, READ_PAUSE};
use crate::access::plans::Intent;
use crate::access::{Decision, Principal};
use crate::documents::{DocCommand, PeerHandle, Writer};
use crate::limits::MessageRate;
use crate::metrics::Metrics;
use crate::online::OnlineGuard;
use crate::AppState;

/// Messages waiting for one peer before it counts as not reading.
const OUTBOX_CAPACITY: usize = 1024;
/// How often the server pings.
const PING_EVERY: Duration = Duration::from_secs(15);
/// A peer that sends nothing (not even a pong) for this long is dropped.
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// How often a connection checks that its session is still valid.
const SESSION_RECHECK: Duration = Duration::from_secs(30);

/// Serve one upgraded socket until it closes.
#[tracing::instrument(name = "connection", skip_all, fields(peer))]
pub async fn serve(socket: WebSocket, state: AppState, principal: Principal) {
    let _open = state.metrics.connection();
    let (sink, mut stream) = socket.split();
    let (outbox, outbox_rx) = mpsc::channel::<Message>(OUTBOX_CAPACITY);
    let disconnect = state.shutdown.child_token();
    let online = state.online.register(&principal.id, disconnect.clone());
    let mut access = ConnectionAccess {
        principal,
        decided: HashMap::new(),
        participants: HashMap::new(),
        online,
        logged: HashMap::new(),
        refused: HashSet::new(),
    };
    // Heartbeats waiting for an answer (several unanswered are answered once).
    let heartbeats = Arc::new(Notify::new());
    let writer = tokio::spawn(write_frames(
        sink,
        outbox_rx,
        heartbeats.clone(),
        disconnect.clone(),
        state.metrics.clone(),
    ));

    let mut peer: Option<PeerHandle> = None;
    let mut documents: Vec<DocumentId> = Vec::new();
    let mut rate = MessageRate::new(&state.limits);
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    loop {
        let frame = tokio::select! {
            frame = tokio::time::timeout(IDLE_LIMIT, stream.next()) => frame,
            () = disconnect.cancelled() => break,
            _ = recheck.tick() => {
                if !state.access.accounts.session_active(access.principal.session_id).await.unwrap_or(false) {
                    tracing::info!("session no longer valid; closing");
                    reject(&outbox, &state, peer.as_ref(), "Inloggningen gäller inte längre. Logga in igen.");
                    break;
                }
                continue;
            }
        };
        let frame = match frame {
            Err(_) => {
                tracing::info!("peer idle too long; closing");
                break;
            }
            Ok(None) | Ok(Some(Err(_))) => break,
            Ok(Some(Ok(frame))) => frame,
        };
        let message = match read_frame(frame, &mut rate, &state) {
            Ok(Incoming::Message(message)) => message,
            Ok(Incoming::Heartbeat) => {
                heartbeats.notify_one();
                continue;
            }
            Ok(Incoming::Nothing) => continue,
            Err(FrameEnd::Closed) => break,
            Err(FrameEnd::Refused(reason)) => {
                reject(&outbox, &state, peer.as_ref(), reason);
                break;
            }
        };
        match (&peer, message) {
            (None, Message::Join { sender_id, supported_protocol_versions, .. }) => {
                let speaks_v1 = supported_protocol_versions
                    .as_ref()
                    .is_none_or(|versions| versions.iter().any(|v| v == PROTOCOL_VERSION));
                if !speaks_v1 {
                    reject(&outbox, &state, None, "unsupported protocol version");
                    break;
                }
                if let Err(reason) = claim_peer_id(&state, &sender_id, &access.principal).await {
                    reject(&outbox, &state, None, reason);
                    break;
                }
                peer = Some(join(sender_id, &outbox, &disconnect, &state, &access.principal));
            }
            (None, _) => {
                // automerge-repo ignores frames from a socket that has not joined.
            }
            (Some(handle), message) => {
                if !route(handle, message, &state, &mut documents, &mut access).await {
                    break;
                }
            }
        }
    }

    if let Some(handle) = &peer {
        for id in documents {
            state.documents.send(id, DocCommand::Leave { peer: handle.clone() }).await;
        }
    }
    disconnect.cancel();
    drop(peer);
    drop(outbox);
    let _ = writer.await;
}

/// Why reading a connection's frames ends.
enum FrameEnd {
    /// The peer closed the socket.
    Closed,
    /// The frame is refused; the peer is told why, in Swedish, and the socket closed.
    Refused(&'static str),
}

/// What a frame the relay takes brings.
enum Incoming {
    /// A protocol message.
    Message(Message),
    /// The app's heartbeat, to be answered.
    Heartbeat,
    /// Nothing (a control frame).
    Nothing,
}

/// One frame as a message, a heartbeat, or nothing (control frames); an
/// end for a close or a frame the relay refuses (other text, too many,
/// too large, unreadable).
fn read_frame(frame: Frame, rate: &mut MessageRate, state: &AppState) -> Result<Incoming, FrameEnd> {
    let heartbeat = matches!(&frame, Frame::Text(text) if text.as_str() == HEARTBEAT_PING);
    let bytes = match frame {
        Frame::Binary(bytes) => bytes,
        Frame::Close(_) => return Err(FrameEnd::Closed),
        Frame::Ping(_) | Frame::Pong(_) => return Ok(Incoming::Nothing),
        Frame::Text(_) if heartbeat => Default::default(),
        Frame::Text(_) => {
            return Err(FrameEnd::Refused("Textmeddelanden stöds inte; skicka CBOR i binära ramar."))
        }
    };
    if !rate.allow(Instant::now()) {
        tracing::warn!("peer sends too many messages; closing");
        state.metrics.rate_limited();
        return Err(FrameEnd::Refused("För många meddelanden på kort tid. Anslut igen om en stund."));
    }
    if heartbeat {
        return Ok(Incoming::Heartbeat);
    }
    if bytes.len() > state.limits.max_message_bytes {
        tracing::warn!(bytes = bytes.len(), "message too large");
        return Err(FrameEnd::Refused("Meddelandet är för stort."));
    }
    match Message::decode(&bytes) {
        Ok(message) => {
            state.metrics.received(message.kind(), bytes.len());
            Ok(Incoming::Message(message))
        }
        Err(error) => {
            tracing::warn!(%error, "malformed message");
            Err(FrameEnd::Refused("Meddelandet kunde inte läsas."))
        }
    }
}

/// The peer id a `join` names must be its session's: the first session
/// to join with a peer id owns it ([`crate::access::Accounts::claim_peer_id`]).
/// Otherwise another member could take over someone's peer id, and with it
/// the live edits the document sends them.
async fn claim_peer_id(
    state: &AppState,
    peer_id: &shared::PeerId,
    principal: &Principal,
) -> Result<(), &'static str> {
    match state.access.accounts.claim_peer_id(peer_id.as_str(), principal.session_id).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            tracing::warn!(peer = %peer_id, principal = %principal.id, "a join with another session's peer id");
            Err("Anslutningens id (peer id) används redan av en annan inloggning. Ladda om sidan för att få ett eget.")
        }
        Err(error) => {
            tracing::error!(%error, "could not check a peer id");
            Err("Något gick fel på servern. Försök igen.")
        }
    }
}

/// Answer a peer's `join` and make its handle.
fn join(
    sender_id: shared::PeerId,
    outbox: &mpsc::Sender<Message>,
    disconnect: &tokio_util::sync::CancellationToken,
    state: &AppState,
    principal: &Principal,
) -> PeerHandle {
    tracing::Span::current().record("peer", sender_id.as_str());
    let handle = PeerHandle {
        id: sender_id.clone(),
        outbox: outbox.clone(),
        disconnect: disconnect.clone(),
        metrics: state.metrics.clone(),
        who: Arc::new(Who::principal(principal)),
    };
    handle.send(Message::Peer {
        sender_id: state.server_id.clone(),
        selected_protocol_version: PROTOCOL_VERSION.to_string(),
        target_id: sender_id,
        peer_metadata: Some(PeerMetadata { storage_id: Some(state.storage_id.clone()), is_ephemeral: false }),
    });
    handle
}

/// The writer side of a socket: drains the peer's outbox, pings and
/// answers heartbeats; on disconnect flushes what is queued (an error
/// message, last sync replies) and closes. Ending cancels the reader.
async fn write_frames(
    mut sink: futures::stream::SplitSink<WebSocket, Frame>,
    mut outbox_rx: mpsc::Receiver<Message>,
    heartbeats: Arc<Notify>,
    disconnect: tokio_util::sync::CancellationToken,
    metrics: Arc<Metrics>,
) {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            message = outbox_rx.recv() => {
                let Some(message) = message else { break };
                let closing = matches!(message, Message::Error { .. });
                if sink.send(frame(&message, &metrics)).await.is_err() || closing {
                    break;
                }
            }
            _ = ping.tick() => {
                if sink.send(Frame::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
            () = heartbeats.notified() => {
                if sink.send(Frame::Text(HEARTBEAT_PONG.into())).await.is_err() {
                    break;
                }
            }
            () = disconnect.cancelled() => {
                while let Ok(message) = outbox_rx.try_recv() {
                    if sink.send(frame(&message, &metrics)).await.is_err() {
                        break;
                    }
                }
                break;
            }
        }
    }
    let _ = sink.send(Frame::Close(Some(CloseFrame { code: 1000, reason: "".into() }))).await;
    disconnect.cancel();
}

/// Encode a message as one binary frame, counting it.
fn frame(message: &Message, metrics: &Metrics) -> Frame {
    let bytes = message.encode();
    metrics.sent(message.kind(), bytes.len());
    Frame::Binary(bytes.into())
}

/// What this connection may do with each document it has asked about.
struct ConnectionAccess {
    principal: Principal,
    /// Read or Write per document (`Unavailable` is asked again next time:
    /// the principal may create the document by syncing it).
    decided: HashMap<DocumentId, Decision>,
    /// The participant the principal is in each document it may read:
    /// whom its approvals and records may name (`shared::plan::signatures`),
    /// and whom its presence shows.
    participants: HashMap<DocumentId, Arc<str>>,
    /// This connection in [`crate::online::Online`]: says when access changed.
    online: OnlineGuard,
    /// When this connection last logged a read of each document: the
    /// access log's own check ([`crate::access::access_log::AccessLog::once_per_pause`])
    /// is asked only once per pause, not for every message.
    logged: HashMap<DocumentId, Instant>,
    /// Documents whose refusal this connection has logged (once each).
    refused: HashSet<DocumentId>,
}

impl ConnectionAccess {
    /// Presence speaks in its sender's own name: whatever name a device
    /// sends, the others see the name and the participant the server knows
    /// it by. Other ephemeral data (not presence) goes on as it came.
    fn in_own_name(&self, document: DocumentId, data: Vec<u8>) -> Vec<u8> {
        let Ok(mut presence) = shared::presence::Presence::decode(&data) else { return data };
        presence.name = self.principal.name.clone();
        presence.participant = self.participants.get(&document).map(|p| p.to_string()).unwrap_or_default();
        presence.encode()
    }

    async fn decide(&mut self, state: &AppState, document: DocumentId, intent: Intent) -> Decision {
        if self.online.access_changed() {
            self.decided.clear();
            self.participants.clear();
        }
        if let Some(decision) = self.decided.get(&document) {
            return *decision;
        }
        let decision = match state.access.plans.decide(&document.to_string(), &self.principal, intent).await {
            Ok(decision) => decision,
            Err(error) => {
                tracing::error!(%error, "could not check access; treating the document as unavailable");
                Decision::Unavailable
            }
        };
        if decision != Decision::Unavailable {
            match state.access.plans.participant(&document.to_string(), &self.principal.id).await {
                Ok(participant) => {
                    self.participants.insert(document, Arc::from(participant.as_str()));
                }
                Err(error) => {
                    tracing::error!(%error, "could not read the writer's participant; treating the document as unavailable");
                    return Decision::Unavailable;
                }
            }
        }
        if decision != Decision::Unavailable {
            self.decided.insert(document, decision);
        }
        decision
    }

    /// The peer gets `document`'s content: a read, logged once per pause.
    fn log_read(&mut self, state: &AppState, document: DocumentId) {
        let now = Instant::now();
        if self.logged.get(&document).is_some_and(|at| now.saturating_duration_since(*at) < READ_PAUSE) {
            return;
        }
        self.logged.insert(document, now);
        state.access_log.once_per_pause(Who::principal(&self.principal), document, Action::ReadSync, None);
    }

    /// The peer asked for a document it may not read: logged once.
    fn log_refused(&mut self, state: &AppState, document: DocumentId) {
        if self.refused.insert(document) {
            let who = Who::principal(&self.principal);
            state.access_log.record(Entry::now(who, Some(&document.to_string()), Action::RefusedSync));
        }
    }

    fn writer(&self, decision: Decision, document: DocumentId) -> Option<Writer> {
        match decision {
            Decision::Write { authority } => Some(Writer {
                principal: Arc::from(self.principal.id.as_str()),
                session_id: self.principal.session_id,
                authority,
                participant: self.participants.get(&document).cloned().unwrap_or_else(|| Arc::from("")),
            }),
            Decision::Read | Decision::Unavailable => None,
        }
    }
}

fn unavailable(peer: &PeerHandle, state: &AppState, document_id: DocumentId) {
    peer.send(Message::DocUnavailable {
        document_id,
        sender_id: state.server_id.clone(),
        target_id: peer.id.clone(),
    });
}

/// Route one message of a joined peer; false ends the connection.
async fn route(
    peer: &PeerHandle,
    message: Message,
    state: &AppState,
    documents: &mut Vec<DocumentId>,
    access: &mut ConnectionAccess,
) -> bool {
    let message_kind = message.kind();
    match message {
        Message::Sync { document_id, data, .. } | Message::Request { document_id, data, .. }
            if data.is_empty() =>
        {
            tracing::warn!(document = %document_id, "empty sync data");
            reject(&peer.outbox, state, Some(peer), "Synkmeddelandet är tomt.");
            false
        }
        Message::Request { document_id, data, .. } | Message::Sync { document_id, data, .. } => {
            let request = matches!(message_kind, "request");
            let intent = if request { Intent::Request } else { Intent::Sync };
            let decision = access.decide(state, document_id, intent).await;
            if decision == Decision::Unavailable {
                access.log_refused(state, document_id);
                unavailable(peer, state, document_id);
                return true;
            }
            access.log_read(state, document_id);
            if !documents.contains(&document_id) {
                documents.push(document_id);
            }
            let writer = access.writer(decision, document_id);
            let command = DocCommand::Sync { peer: peer.clone(), data: data.into_vec(), request, writer };
            state.documents.send(document_id, command).await;
            true
        }
        Message::Ephemeral { document_id, sender_id, target_id, count, session_id, data } => {
            // Presence only among members; others get nothing (not even a hint).
            if access.decide(state, document_id, Intent::Ephemeral).await != Decision::Unavailable {
                let data = access.in_own_name(document_id, data.into_vec()).into();
                let message =
                    Message::Ephemeral { document_id, sender_id, target_id, count, session_id, data };
                let command = DocCommand::Ephemeral { from: peer.id.clone(), message };
                state.documents.send(document_id, command).await;
            }
            true
        }
        Message::Leave { .. } => false,
        Message::Join { .. } => {
            reject(&peer.outbox, state, Some(peer), "Anslutningen har redan identifierat sig.");
            false
        }
        // Peers, errors and heads bookkeeping from a client need no answer.
        _ => true,
    }
}

fn reject(outbox: &mpsc::Sender<Message>, state: &AppState, peer: Option<&PeerHandle>, reason: &str) {
    let _ = outbox.try_send(Message::Error {
        sender_id: Some(state.server_id.clone()),
        target_id: peer.map(|p| p.id.clone()),
        message: reason.to_string(),
    });
}
