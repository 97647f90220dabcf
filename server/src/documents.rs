//! One task per loaded document: merge, persist, then answer.
//!
//! Every document has its own task (an actor) that owns the Automerge
//! document and one sync state per peer. Work on different documents never
//! waits on a shared lock; the registry's mutex is held only to find or
//! start a task. A task drains all commands that are waiting (coalescing
//! changes that arrive together, without any fixed delay), applies them,
//! **writes the new changes to SQLite**, and only then generates the sync
//! messages that acknowledge them. A task with no peers exits after an idle
//! period, so memory does not grow with the number of documents ever opened.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use serde_bytes::ByteBuf;
use shared::sync_client::nothing_to_send;
use shared::{DocumentId, Message, PeerId};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::access::audit::AuditEntry;
use crate::access::Plans;
use crate::metrics::Metrics;
use crate::storage::Store;

/// How many commands may wait for one document before senders wait.
const MAILBOX_CAPACITY: usize = 1024;
/// At most this many commands are applied before persisting and answering.
const MAX_BATCH: usize = 256;

/// A connected peer as the document tasks see it.
#[derive(Clone, Debug)]
pub struct PeerHandle {
    /// The peer id it joined with.
    pub id: PeerId,
    /// Messages to send to it; bounded, so a peer that does not read is cut off.
    pub outbox: mpsc::Sender<Message>,
    /// Cancelled to disconnect the peer.
    pub disconnect: CancellationToken,
    /// Counts disconnections of slow peers.
    pub metrics: Arc<Metrics>,
}

impl PeerHandle {
    /// Queue a message; a peer whose queue is full is disconnected, so that
    /// one slow reader never holds up a document.
    pub fn send(&self, message: Message) {
        if let Err(error) = self.outbox.try_send(message) {
            if matches!(error, mpsc::error::TrySendError::Full(_)) && !self.disconnect.is_cancelled() {
                tracing::warn!(peer = %self.id, "peer does not read its messages; disconnecting");
                self.metrics.slow_peer_disconnected();
            }
            self.disconnect.cancel();
        }
    }
}

/// Who may write through a sync message: changes are applied only with one,
/// and only when each change's actor belongs to this principal.
#[derive(Debug, Clone)]
pub struct Writer {
    /// `user:<id>` or `device:<id>`.
    pub principal: Arc<str>,
    /// The session, for the audit log.
    pub session_id: i64,
    /// Whether it is the plan's coordinator (only they may close the plan).
    pub coordinator: bool,
}

/// What a connection asks of a document task.
#[derive(Debug)]
pub enum DocCommand {
    /// A `sync` or `request` from a peer.
    Sync {
        /// From whom.
        peer: PeerHandle,
        /// The Automerge sync message.
        data: Vec<u8>,
        /// Whether it came as `request` (answer `doc-unavailable` if we have nothing).
        request: bool,
        /// Set when the peer may change the document; `None` for a reader.
        writer: Option<Writer>,
    },
    /// The plan was deleted: tell the peers it is gone and forget it.
    Delete,
    /// An `ephemeral` message to forward to the document's other peers.
    Ephemeral {
        /// From whom.
        from: PeerId,
        /// The message as received.
        message: Message,
    },
    /// The peer's socket closed. Carries the handle so that a late `Leave`
    /// from an old socket does not remove the same peer's new connection.
    Leave {
        /// Who.
        peer: PeerHandle,
    },
}

/// Finds or starts the task of a document.
#[derive(Clone)]
pub struct DocumentRegistry {
    tasks: Arc<Mutex<HashMap<DocumentId, mpsc::Sender<DocCommand>>>>,
    store: Store,
    server_id: PeerId,
    idle_timeout: Duration,
    max_document_bytes: u64,
    metrics: Arc<Metrics>,
    plans: Plans,
}

impl DocumentRegistry {
    /// A registry over `store`; `server_id` signs outgoing messages.
    pub fn new(
        store: Store,
        server_id: PeerId,
        idle_timeout: Duration,
        max_document_bytes: u64,
        metrics: Arc<Metrics>,
        plans: Plans,
    ) -> Self {
        DocumentRegistry {
            tasks: Arc::default(),
            store,
            server_id,
            idle_timeout,
            max_document_bytes,
            metrics,
            plans,
        }
    }

    /// Tell a loaded document's task that the plan was deleted (no task is
    /// started for it).
    pub async fn delete(&self, id: DocumentId) {
        let sender = self.tasks.lock().ok().and_then(|tasks| tasks.get(&id).cloned());
        if let Some(sender) = sender {
            let _ = sender.send(DocCommand::Delete).await;
        }
    }

    /// How many documents are loaded now.
    pub fn loaded(&self) -> usize {
        self.tasks.lock().map(|t| t.len()).unwrap_or(0)
    }

    /// Deliver a command to the document's task, starting it if needed.
    pub async fn send(&self, id: DocumentId, mut command: DocCommand) {
        // A task may be exiting (idle) just as we send; then start a new one.
        for _ in 0..3 {
            let sender = self.task(id);
            match sender.send(command).await {
                Ok(()) => return,
                Err(mpsc::error::SendError(returned)) => {
                    self.forget(id, &sender);
                    command = returned;
                }
            }
        }
        tracing::error!(document = %id, "could not reach the document task");
    }

    fn task(&self, id: DocumentId) -> mpsc::Sender<DocCommand> {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = tasks.get(&id) {
            if !sender.is_closed() {
                return sender.clone();
            }
        }
        let (sender, receiver) = mpsc::channel(MAILBOX_CAPACITY);
        tasks.insert(id, sender.clone());
        let task = DocumentTask {
            id,
            store: self.store.clone(),
            server_id: self.server_id.clone(),
            registry: self.clone(),
            doc: Automerge::new(),
            persisted: Vec::new(),
            incremental_chunks: 0,
            stored_bytes: 0,
            unsaved: Vec::new(),
            unsaved_complete: true,
            compactable: true,
            peers: HashMap::new(),
            ephemeral_seen: HashMap::new(),
            actors: HashMap::new(),
            unsaved_audit: Vec::new(),
            deleted: false,
        };
        tokio::spawn(task.run(receiver, self.idle_timeout));
        sender
    }

    fn remove_closed(&self, id: DocumentId) {
        self.forget_if(id, mpsc::Sender::is_closed);
    }

    fn forget(&self, id: DocumentId, sender: &mpsc::Sender<DocCommand>) {
        self.forget_if(id, |s| s.same_channel(sender));
    }

    /// Drop the registry entry of `id` if `stale` says it is the stale one.
    fn forget_if(&self, id: DocumentId, stale: impl FnOnce(&mpsc::Sender<DocCommand>) -> bool) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        if tasks.get(&id).is_some_and(stale) {
            tasks.remove(&id);
        }
    }
}

struct PeerSync {
    handle: PeerHandle,
    state: sync::State,
}

struct DocumentTask {
    id: DocumentId,
    store: Store,
    server_id: PeerId,
    registry: DocumentRegistry,
    doc: Automerge,
    /// Heads that are on disk; nothing beyond them may be acknowledged.
    persisted: Vec<ChangeHash>,
    incremental_chunks: i64,
    /// Bytes stored for this document, at most (compaction only shrinks it);
    /// recomputed exactly before anything is refused for size.
    stored_bytes: u64,
    /// The change chunks received since the last persist, as they came in
    /// the sync messages: writing them is what `save_after` would compute,
    /// without walking the change graph.
    unsaved: Vec<u8>,
    /// False when something was applied that `unsaved` may not hold (a
    /// message that failed halfway); then persist falls back to `save_after`.
    unsaved_complete: bool,
    /// False when some stored chunk could not be read: keep every chunk.
    compactable: bool,
    peers: HashMap<PeerId, PeerSync>,
    /// The highest ephemeral `count` seen per session: repeats and stale
    /// messages are not forwarded (automerge-repo's deduplication rule).
    ephemeral_seen: HashMap<String, u64>,
    /// Actor ids (hex) seen in this document and the principal they belong to.
    actors: HashMap<String, Arc<str>>,
    /// Who made the unsaved changes: written with them, in one transaction.
    unsaved_audit: Vec<AuditEntry>,
    /// Set once the plan is deleted; the task then only says so.
    deleted: bool,
}

/// Unsaved chunks that did not change the heads are dropped beyond this size
/// (then the next persist falls back to `save_after`).
const UNSAVED_LIMIT: usize = 16 * 1024 * 1024;

/// At most this many ephemeral sessions are remembered per document.
const MAX_EPHEMERAL_SESSIONS: usize = 4096;

impl DocumentTask {
    #[tracing::instrument(name = "document", skip_all, fields(document = %self.id))]
    async fn run(mut self, mut mailbox: mpsc::Receiver<DocCommand>, idle_timeout: Duration) {
        if !self.reload().await {
            // Storage is unreadable: refuse to serve rather than serve an empty document.
            mailbox.close();
            while let Some(command) = mailbox.recv().await {
                if let DocCommand::Sync { peer, .. } = command {
                    peer.send(self.error_to(&peer.id, "Dokumentet kan inte läsas från lagringen just nu."));
                }
            }
            self.registry.remove_closed(self.id);
            return;
        }
        let mut closing = false;
        loop {
            let first = if self.peers.is_empty() && !closing {
                tokio::select! {
                    command = mailbox.recv() => command,
                    () = tokio::time::sleep(idle_timeout) => {
                        // Idle: leave the registry, then finish what is already queued.
                        closing = true;
                        if let Ok(mut tasks) = self.registry.tasks.lock() {
                            tasks.remove(&self.id);
                        }
                        mailbox.close();
                        continue;
                    }
                }
            } else {
                mailbox.recv().await
            };
            let Some(first) = first else { break };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match mailbox.try_recv() {
                    Ok(command) => batch.push(command),
                    Err(_) => break,
                }
            }
            self.apply(batch).await;
            if self.deleted {
                self.registry.forget_if(self.id, |_| true);
                break;
            }
        }
        tracing::debug!("document evicted from memory");
    }

    async fn reload(&mut self) -> bool {
        match self.store.load(&self.id).await {
            Ok(loaded) => {
                self.doc = loaded.doc;
                self.persisted = self.doc.get_heads();
                self.incremental_chunks = loaded.incremental_chunks;
                self.stored_bytes = loaded.stored_bytes;
                self.unsaved.clear();
                self.unsaved_audit.clear();
                self.unsaved_complete = true;
                self.compactable = loaded.unreadable_chunks == 0;
                true
            }
            Err(error) => {
                tracing::error!(%error, "could not load document");
                false
            }
        }
    }

    /// Apply a batch of commands: one persist and one round of answers for
    /// all of them, except that a peer's second sync message in the batch
    /// first gets the answer to its first. (Automerge's sync state takes a
    /// later message that only repeats our heads as proof that the peer
    /// already heard them, so answering both at once would never
    /// acknowledge the first one's changes.)
    async fn apply(&mut self, batch: Vec<DocCommand>) {
        let mut requests = Vec::new();
        let mut unanswered: Vec<PeerId> = Vec::new();
        let mut pending_bytes = 0u64;
        for command in batch {
            match command {
                DocCommand::Delete => {
                    for (peer_id, peer) in self.peers.drain() {
                        peer.handle.send(Message::DocUnavailable {
                            document_id: self.id,
                            sender_id: self.server_id.clone(),
                            target_id: peer_id,
                        });
                    }
                    self.doc = Automerge::new();
                    self.unsaved.clear();
                    self.unsaved_audit.clear();
                    self.deleted = true;
                    return;
                }
                DocCommand::Sync { peer, data, request, writer } => {
                    let peer_id = peer.id.clone();
                    if unanswered.contains(&peer_id) {
                        if !self.answer(&mut requests).await {
                            return;
                        }
                        unanswered.clear();
                        pending_bytes = 0;
                    }
                    unanswered.push(peer_id.clone());
                    let entry = self
                        .peers
                        .entry(peer_id.clone())
                        .or_insert_with(|| PeerSync { handle: peer.clone(), state: sync::State::new() });
                    if !entry.handle.outbox.same_channel(&peer.outbox) {
                        // The same peer id on a new socket: start its sync afresh.
                        *entry = PeerSync { handle: peer.clone(), state: sync::State::new() };
                    }
                    let message = match sync::Message::decode(&data) {
                        Ok(message) => message,
                        Err(error) => {
                            self.refuse(&peer, &error.to_string(), "Synkmeddelandet kunde inte läsas.");
                            continue;
                        }
                    };
                    if !message.changes.is_empty() {
                        match self.admit_changes(&message, writer.as_ref()).await {
                            Ok(Some(entry)) => self.unsaved_audit.push(entry),
                            Ok(None) => {}
                            Err(refusal) => {
                                self.refuse(&peer, refusal, refusal);
                                continue;
                            }
                        }
                    }
                    // Only the coordinator may close the plan or change its closing;
                    // anyone who may write may record that consent was withdrawn.
                    let guarded = writer.as_ref().is_some_and(|w| !w.coordinator);
                    let closing_before = if guarded { self.closing_state() } else { None };
                    let Some(entry) = self.peers.get_mut(&peer_id) else { continue };
                    let before = self.doc.get_heads();
                    let unsaved = &mut self.unsaved;
                    let result = Ok(message).and_then(|m: sync::Message| {
                        let mark = unsaved.len();
                        m.changes.iter().for_each(|chunk| unsaved.extend_from_slice(chunk));
                        self.doc.receive_sync_message(&mut entry.state, m).map_err(|e| {
                            unsaved.truncate(mark);
                            e.to_string()
                        })
                    });
                    if let Err(reason) = result {
                        // Some of its changes may have been applied before the
                        // error: drop everything unsaved, so that nothing of it
                        // is stored or forwarded.
                        tracing::warn!(peer = %peer_id, %reason, "refused a sync message");
                        self.refuse_and_reload(&peer, "Synkmeddelandet kunde inte läsas.").await;
                        pending_bytes = 0;
                        continue;
                    }
                    if self.doc.get_heads() == before {
                        if request {
                            requests.push(peer_id);
                        }
                        continue;
                    }
                    if guarded {
                        let closing_after = self.closing_state();
                        let withdrawal = closing_before.is_none() && self.closed_for_withdrawn_consent();
                        if closing_after != closing_before && !withdrawal {
                            self.refuse_and_reload(
                                &peer,
                                "Bara samordningsansvarig kan avsluta planen eller ändra avslutet. Ändringen sparades inte.",
                            )
                            .await;
                            pending_bytes = 0;
                            continue;
                        }
                    }
                    pending_bytes += data.len() as u64;
                    if !self.within_size_limit(pending_bytes) {
                        self.refuse_oversized(&peer).await;
                        pending_bytes = 0;
                        continue;
                    }
                    if request {
                        requests.push(peer_id);
                    }
                }
                DocCommand::Ephemeral { from, message } => self.forward_ephemeral(&from, message),
                DocCommand::Leave { peer } => {
                    let same_socket =
                        self.peers.get(&peer.id).is_some_and(|p| p.handle.outbox.same_channel(&peer.outbox));
                    if same_socket {
                        self.peers.remove(&peer.id);
                    }
                }
            }
        }

        self.answer(&mut requests).await;
    }

    /// Persist what is new, then send every peer what it lacks (the
    /// acknowledgement of what it sent) and `doc-unavailable` to those who
    /// asked for a document we do not have. False if persisting failed.
    async fn answer(&mut self, requests: &mut Vec<PeerId>) -> bool {
        if !self.persist().await {
            return false;
        }
        let heads = self.doc.get_heads();
        for (peer_id, peer) in &mut self.peers {
            if nothing_to_send(&peer.state, &heads) {
                continue;
            }
            if let Some(message) = self.doc.generate_sync_message(&mut peer.state) {
                peer.handle.send(Message::Sync {
                    document_id: self.id,
                    sender_id: self.server_id.clone(),
                    target_id: peer_id.clone(),
                    data: ByteBuf::from(message.encode()),
                });
            }
        }
        if self.doc.get_heads().is_empty() {
            for peer_id in requests.iter() {
                if let Some(peer) = self.peers.get(peer_id) {
                    peer.handle.send(Message::DocUnavailable {
                        document_id: self.id,
                        sender_id: self.server_id.clone(),
                        target_id: peer_id.clone(),
                    });
                }
            }
        }
        requests.clear();
        true
    }

    /// Write what is new since the last persist. On failure, forget the
    /// unwritten changes (they were never acknowledged) and tell the peers,
    /// who still hold them and will send them again.
    async fn persist(&mut self) -> bool {
        let heads = self.doc.get_heads();
        if heads == self.persisted {
            // Only repeats, or changes still waiting for their dependencies:
            // keep the latter for when they apply, drop the former.
            if self.doc.get_missing_deps(&[]).is_empty() {
                self.unsaved.clear();
            } else if self.unsaved.len() > UNSAVED_LIMIT {
                self.unsaved.clear();
                self.unsaved_complete = false;
            }
            return true;
        }
        let chunk = if self.unsaved_complete && !self.unsaved.is_empty() {
            std::mem::take(&mut self.unsaved)
        } else {
            self.unsaved.clear();
            self.doc.save_after(&self.persisted)
        };
        self.unsaved_complete = true;
        let bytes = chunk.len();
        let started = std::time::Instant::now();
        let audit = std::mem::take(&mut self.unsaved_audit);
        match self.store.append(&self.id, chunk, audit).await {
            Ok(()) => {
                self.registry.metrics.persisted(started.elapsed());
                tracing::trace!(bytes, micros = started.elapsed().as_micros(), "persisted");
                self.persisted = heads;
                self.incremental_chunks += 1;
                self.stored_bytes += bytes as u64;
                if self.compactable && Store::should_compact(self.incremental_chunks) {
                    // Off this task: the compactor works from what is stored.
                    self.store.request_compaction(&self.id);
                    self.incremental_chunks = 0;
                }
                true
            }
            Err(error) => {
                self.registry.metrics.persist_failed();
                tracing::error!(%error, "could not persist changes; dropping them until peers resend");
                let peers: Vec<PeerHandle> = self.peers.drain().map(|(_, p)| p.handle).collect();
                for peer in peers {
                    peer.send(self.error_to(&peer.id, "Servern kunde inte spara ändringarna. Försök igen."));
                    peer.disconnect.cancel();
                }
                self.reload().await;
                false
            }
        }
    }

    /// Whether the document stays within its size limit with `pending`
    /// unsaved bytes. Cheap while the running total is under the limit;
    /// measures the document exactly before saying no.
    fn within_size_limit(&mut self, pending: u64) -> bool {
        let limit = self.registry.max_document_bytes;
        if self.stored_bytes.saturating_add(pending) <= limit {
            return true;
        }
        let exact = self.doc.save().len() as u64;
        // The running total overcounts after compaction; correct it, so that
        // the next change does not pay for a full save again.
        self.stored_bytes = exact.saturating_sub(pending);
        exact <= limit
    }

    /// Undo everything not yet stored (nothing of it was acknowledged), tell
    /// the peer that sent the change that made the document too large, and
    /// start every other peer's sync afresh so that they send their own
    /// unsaved changes again.
    async fn refuse_oversized(&mut self, peer: &PeerHandle) {
        tracing::warn!(peer = %peer.id, limit = self.registry.max_document_bytes, "document would grow too large");
        self.registry.metrics.document_too_large();
        self.refuse_and_reload(peer, "Planen blir för stor för servern. Ändringen sparades inte.").await;
    }

    /// The plan's `closing` as text (`key=value;` in key order), or `None`
    /// while the plan is open: enough to see whether a change touched it.
    fn closing_state(&self) -> Option<String> {
        let Ok(Some((automerge::Value::Object(_), closing))) = self.doc.get(automerge::ROOT, "closing")
        else {
            return None;
        };
        Some(self.doc.map_range(&closing, ..).map(|item| format!("{}={:?};", item.key, item.value)).collect())
    }

    /// Whether the plan's `closing` says that consent was withdrawn.
    fn closed_for_withdrawn_consent(&self) -> bool {
        let Ok(Some((automerge::Value::Object(_), closing))) = self.doc.get(automerge::ROOT, "closing")
        else {
            return false;
        };
        matches!(self.doc.get(&closing, "reason"), Ok(Some((automerge::Value::Scalar(reason), _)))
            if reason.to_str() == Some("ConsentWithdrawn"))
    }

    /// Undo everything not yet stored, tell `peer` why its change was
    /// refused, and start every other peer's sync afresh.
    async fn refuse_and_reload(&mut self, peer: &PeerHandle, told: &str) {
        peer.send(self.error_to(&peer.id, told));
        peer.disconnect.cancel();
        self.peers.remove(&peer.id);
        if !self.reload().await {
            for (_, other) in self.peers.drain() {
                other.handle.disconnect.cancel();
            }
            return;
        }
        for other in self.peers.values_mut() {
            other.state = sync::State::new();
        }
    }

    fn forward_ephemeral(&mut self, from: &PeerId, message: Message) {
        let Message::Ephemeral { document_id, count, session_id, data, .. } = message else {
            return;
        };
        if self.ephemeral_seen.get(&session_id).is_some_and(|seen| *seen >= count) {
            return;
        }
        if self.ephemeral_seen.len() >= MAX_EPHEMERAL_SESSIONS {
            self.ephemeral_seen.clear();
        }
        self.ephemeral_seen.insert(session_id.clone(), count);
        for (peer_id, peer) in &self.peers {
            if peer_id != from {
                peer.handle.send(Message::Ephemeral {
                    document_id,
                    sender_id: from.clone(),
                    target_id: peer_id.clone(),
                    count,
                    session_id: session_id.clone(),
                    data: data.clone(),
                });
            }
        }
    }

    /// Check the changes of a sync message before anything is applied: a
    /// reader may send none, and every change must be made by an actor that
    /// belongs to the writer (the first principal to use an actor id owns
    /// it), so that no one can write history in someone else's name.
    /// Returns the audit entry for the changes that are new here.
    async fn admit_changes(
        &mut self,
        message: &sync::Message,
        writer: Option<&Writer>,
    ) -> Result<Option<AuditEntry>, &'static str> {
        let Some(writer) = writer else {
            return Err("Du kan läsa planen men inte ändra den. Ändringen sparades inte.");
        };
        let mut new_hashes = Vec::new();
        let mut changes = Vec::new();
        for chunk in message.changes.iter() {
            // One entry may hold several change chunks, or a whole document.
            changes.extend(automerge::parse_changes(chunk).map_err(|_| "Synkmeddelandet kunde inte läsas.")?);
        }
        for change in changes {
            let hash = change.hash();
            if self.doc.get_change_by_hash(&hash).is_some() {
                // Already here (someone re-sending history): nothing new to admit.
                continue;
            }
            let actor = change.actor_id().to_hex_string();
            let owner = match self.actors.get(&actor) {
                Some(owner) => owner.clone(),
                None => {
                    let ours = self
                        .registry
                        .plans
                        .bind_actor(&actor, &writer.principal, &self.id.to_string())
                        .await
                        .map_err(|_| "Servern kunde inte kontrollera ändringen. Försök igen.")?;
                    if !ours {
                        tracing::warn!(%actor, principal = %writer.principal, "a change in another principal's name");
                        return Err("Ändringen är gjord i någon annans namn och sparades inte.");
                    }
                    self.actors.insert(actor, writer.principal.clone());
                    writer.principal.clone()
                }
            };
            if owner != writer.principal {
                tracing::warn!(principal = %writer.principal, "a change in another principal's name");
                return Err("Ändringen är gjord i någon annans namn och sparades inte.");
            }
            new_hashes.push(hash.to_string());
        }
        if new_hashes.is_empty() {
            return Ok(None);
        }
        Ok(Some(AuditEntry::now(
            &writer.principal,
            Some(writer.session_id),
            Some(&self.id.to_string()),
            "change",
            new_hashes.join(","),
        )))
    }

    /// Refuse a peer's message: log why, tell it in plain words, disconnect it.
    fn refuse(&mut self, peer: &PeerHandle, reason: &str, told: &str) {
        tracing::warn!(peer = %peer.id, %reason, "refused a sync message");
        peer.send(self.error_to(&peer.id, told));
        peer.disconnect.cancel();
        self.peers.remove(&peer.id);
    }

    fn error_to(&self, peer: &PeerId, message: &str) -> Message {
        Message::Error {
            sender_id: Some(self.server_id.clone()),
            target_id: Some(peer.clone()),
            message: message.to_string(),
        }
    }
}
