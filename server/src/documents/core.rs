//! The document task's logic without IO: a batch of commands in, what to
//! send, refuse, persist and reload out.
//!
//! The core owns the Automerge document and one sync state per peer. It
//! never waits: what it needs from the database (who owns an actor id) is
//! looked up by the task before a batch runs ([`Input::actor_queries`],
//! [`ActorLookups`]), and what it needs done (persist, reload, send) it
//! returns. The task ([`super::task`]) carries that out in this order:
//!
//! 1. [`DocumentCore::apply`] applies commands until the batch ends, a
//!    peer sends a second message before its first is answered, a refusal
//!    means rolling back, or the plan is deleted ([`Stop`]); it returns the
//!    messages to send now (refusals, presence) and the commands it did not
//!    reach.
//! 2. On [`Stop::Answer`]: [`DocumentCore::unsaved`] says what to write;
//!    once it is on disk, [`DocumentCore::persisted`], then
//!    [`DocumentCore::answers`] (the acknowledgements). Nothing is
//!    acknowledged before it is stored. If writing failed,
//!    [`DocumentCore::persist_failed`], then reload.
//! 3. On [`Stop::Reload`]: load what is stored and give it to
//!    [`DocumentCore::reloaded`]: the refused change is forgotten, and the
//!    other peers sync afresh.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use serde_bytes::ByteBuf;
use shared::plan::rules::{self, Authority, Guarded};
use shared::plan::signatures::{self, Signatures, Signer};
use shared::sync_client::nothing_to_send;
use shared::{DocumentId, Message, PeerId};

pub use super::admission::{ActorLookups, ActorQuery, Binding, Decoded, Input};
use super::catch_up::ChunksRead;
pub use super::outcome::{CaughtUp, Effect, Refusal, Step, Stop, Unsaved};
use super::Writer;
use crate::access::audit::AuditEntry;
use crate::storage::Loaded;

/// Unsaved chunks that did not change the heads are dropped beyond this size
/// (then the next persist falls back to `save_after`).
const UNSAVED_LIMIT: usize = 16 * 1024 * 1024;
/// At most this many ephemeral sessions are remembered per document.
const MAX_EPHEMERAL_SESSIONS: usize = 4096;

/// A peer as the core sees it: the task's handle to its connection.
pub trait Link: Clone {
    /// The peer id it joined with.
    fn peer_id(&self) -> &PeerId;
    /// Whether both are the same connection (a peer id may come back on a
    /// new socket).
    fn same_socket(&self, other: &Self) -> bool;
}

/// Limits the core enforces.
#[derive(Debug, Clone, Copy)]
pub struct CoreLimits {
    /// The largest a document may grow (bytes saved).
    pub max_document_bytes: u64,
    /// Ask for compaction once this many incremental chunks are stored.
    pub compact_after_chunks: i64,
}

struct PeerSync<P> {
    link: P,
    state: sync::State,
}

/// One document, its peers and what is not yet stored.
pub struct DocumentCore<P> {
    id: DocumentId,
    server_id: PeerId,
    limits: CoreLimits,
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
    /// Who made the unsaved changes: written with them, in one transaction.
    unsaved_audit: Vec<AuditEntry>,
    /// False when some stored chunk could not be read: keep every chunk.
    compactable: bool,
    peers: HashMap<PeerId, PeerSync<P>>,
    /// The highest ephemeral `count` seen per sending peer and session:
    /// repeats and stale messages are not forwarded (automerge-repo's
    /// deduplication rule). Keyed by the connection's own peer id too, as
    /// the session id is the client's word: no peer can silence another by
    /// sending its session id with a higher count.
    ephemeral_seen: HashMap<(PeerId, String), u64>,
    /// Signed records that went with their goal or intervention lately:
    /// "Ångra" may write them again as they were.
    recently_removed: signatures::RecentlyRemoved,
    /// Actor ids (hex) seen in this document and the principal they belong to.
    actors: HashMap<String, Arc<str>>,
    /// Peers whose sync messages were applied since the last answer. A
    /// peer's second message waits for the answer to its first: Automerge's
    /// sync state takes a later message that only repeats our heads as
    /// proof that the peer already heard them, so answering both at once
    /// would never acknowledge the first one's changes.
    unanswered: Vec<PeerId>,
    /// Peers that asked with `request` since the last answer.
    requests: Vec<PeerId>,
    /// Bytes of the messages applied since the last persist or reload.
    pending_bytes: u64,
    /// The stored chunks read (loaded or caught up), and the heads a
    /// catch-up waits for: what the next catch-up reads.
    chunks_read: ChunksRead,
    /// Peers whose new changes were applied since the last write.
    /// Automerge's sync state on their side remembers that it sent those
    /// changes and never sends them again on that connection: a rollback
    /// that drops them disconnects these peers, and their new connection
    /// sends them again.
    changed_by: Vec<PeerId>,
    /// Peers whose messages left changes waiting for a dependency, until
    /// nothing waits: a rollback drops those too (never written).
    waiting_from: Vec<PeerId>,
    /// Another relay stored changes while nobody was here: the next peer's
    /// message waits for a catch-up, so that nobody opens a copy older than
    /// the database's.
    missed: bool,
}

impl<P: Link> DocumentCore<P> {
    /// The core of document `id`, as loaded from storage.
    pub fn new(id: DocumentId, server_id: PeerId, limits: CoreLimits, loaded: Loaded) -> Self {
        let mut core = DocumentCore {
            id,
            server_id,
            limits,
            doc: Automerge::new(),
            persisted: Vec::new(),
            incremental_chunks: 0,
            stored_bytes: 0,
            unsaved: Vec::new(),
            unsaved_complete: true,
            unsaved_audit: Vec::new(),
            compactable: true,
            peers: HashMap::new(),
            ephemeral_seen: HashMap::new(),
            recently_removed: signatures::RecentlyRemoved::default(),
            actors: HashMap::new(),
            unanswered: Vec::new(),
            requests: Vec::new(),
            pending_bytes: 0,
            chunks_read: ChunksRead::default(),
            missed: false,
            changed_by: Vec::new(),
            waiting_from: Vec::new(),
        };
        core.load(loaded);
        core
    }

    /// The document as it stands (applied, maybe not yet stored).
    pub fn doc(&self) -> &Automerge {
        &self.doc
    }

    /// Whether no peer is connected (the task may then go idle).
    pub fn has_no_peers(&self) -> bool {
        self.peers.is_empty()
    }

    /// Which of the batch's actors must be looked up before it runs.
    pub fn actor_queries(&self, batch: &[Input<P>]) -> Vec<ActorQuery> {
        let mut queries: Vec<ActorQuery> = Vec::new();
        for input in batch {
            let Input::Sync { data: Ok(decoded), writer: Some(writer), .. } = input else { continue };
            let Ok(changes) = &decoded.changes else { continue };
            for (hash, actor) in changes {
                if self.actors.contains_key(actor) || self.doc.get_change_by_hash(hash).is_some() {
                    continue;
                }
                let query = ActorQuery { actor: actor.clone(), principal: writer.principal.clone() };
                if !queries.contains(&query) {
                    queries.push(query);
                }
            }
        }
        queries
    }

    /// Apply `batch` until the first [`Stop`]; see the module doc.
    pub fn apply(&mut self, batch: Vec<Input<P>>, lookups: &ActorLookups) -> Step<P> {
        let mut effects = Vec::new();
        let mut batch = batch.into_iter();
        while let Some(input) = batch.next() {
            let stop = match input {
                Input::Delete => Some(self.delete(&mut effects)),
                Input::Sync { ref peer, .. } if self.unanswered.contains(peer.peer_id()) => {
                    let rest = std::iter::once(input).chain(batch).collect();
                    return Step { effects, stop: Stop::Answer, rest };
                }
                Input::Sync { .. } if self.missed => {
                    self.missed = false;
                    // (No heads: read as the once-a-second look does.)
                    self.chunks_read.start(Vec::new());
                    let rest = std::iter::once(input).chain(batch).collect();
                    return Step { effects, stop: Stop::CatchUp, rest };
                }
                Input::Sync { peer, data, request, writer } => {
                    self.sync(peer, data, request, writer.as_ref(), lookups, &mut effects)
                }
                Input::Ephemeral { from, message } => {
                    self.forward_ephemeral(&from, message, &mut effects);
                    None
                }
                Input::Leave { peer } => {
                    if self.peers.get(peer.peer_id()).is_some_and(|p| p.link.same_socket(&peer)) {
                        self.peers.remove(peer.peer_id());
                    }
                    None
                }
                Input::StoredElsewhere { heads } if self.peers.is_empty() => {
                    self.missed_while_alone(&heads);
                    None
                }
                Input::StoredElsewhere { heads } => {
                    let lacks = self.lacks(&heads);
                    if lacks {
                        self.chunks_read.start(heads);
                    }
                    lacks.then_some(Stop::CatchUp)
                }
            };
            if let Some(stop) = stop {
                let rest = if stop == Stop::Deleted { Vec::new() } else { batch.collect() };
                return Step { effects, stop, rest };
            }
        }
        Step { effects, stop: Stop::Answer, rest: Vec::new() }
    }

    /// Apply one sync message; `Some(Stop::Reload)` when it was refused
    /// after some of it was applied.
    fn sync(
        &mut self,
        peer: P,
        message: Result<Decoded, String>,
        request: bool,
        writer: Option<&Writer>,
        lookups: &ActorLookups,
        effects: &mut Vec<Effect<P>>,
    ) -> Option<Stop> {
        let peer_id = peer.peer_id().clone();
        self.unanswered.push(peer_id.clone());
        let entry = self
            .peers
            .entry(peer_id.clone())
            .or_insert_with(|| PeerSync { link: peer.clone(), state: sync::State::new() });
        if !entry.link.same_socket(&peer) {
            // The same peer id on a new socket: start its sync afresh.
            *entry = PeerSync { link: peer.clone(), state: sync::State::new() };
        }
        let decoded = match message {
            Ok(decoded) => decoded,
            Err(reason) => return self.refuse(&peer, &reason, Refusal::Unreadable, effects),
        };
        let mut brings_changes = false;
        if !decoded.message.changes.is_empty() {
            match self.admit(&decoded, writer, lookups) {
                Ok(Some(entry)) => {
                    self.unsaved_audit.push(entry);
                    brings_changes = true;
                }
                Ok(None) => {}
                Err(refusal) => return self.refuse(&peer, "refused changes", refusal, effects),
            }
        }
        // Only the coordinator may close the plan or change its closing,
        // and the person removes nothing (shared::plan::rules); a reader
        // never gets this far with changes.
        let authority = writer.map(|w| w.authority);
        let guarded = match authority {
            Some(Authority::Member | Authority::Person) if !decoded.message.changes.is_empty() => {
                Some(Guarded::read(&self.doc))
            }
            _ => None,
        };
        // Each approves only as themselves (shared::plan::signatures).
        let signed = match writer {
            Some(_) if !decoded.message.changes.is_empty() => Some(Signatures::read(&self.doc)),
            _ => None,
        };
        let before = self.doc.get_heads();
        if let Err(reason) = self.receive(&peer_id, decoded.message) {
            // Some of its changes may have been applied before the error:
            // drop everything unsaved, so that nothing of it is stored or
            // forwarded.
            self.refuse(&peer, &reason, Refusal::Unreadable, effects);
            return self.roll_back(effects);
        }
        if brings_changes {
            let waits = self.doc.get_heads() == before || !self.doc.get_missing_deps(&[]).is_empty();
            let list = if waits { &mut self.waiting_from } else { &mut self.changed_by };
            if !list.contains(&peer_id) {
                list.push(peer_id.clone());
            }
        }
        if self.doc.get_heads() == before {
            if request {
                self.requests.push(peer_id);
            }
            return None;
        }
        if let (Some(before), Some(authority)) = (guarded, authority) {
            if let Err(refusal) = rules::check(authority, &before, &Guarded::read(&self.doc)) {
                self.refuse(&peer, "a change the plan's rules forbid", Refusal::Rule(refusal), effects);
                return self.roll_back(effects);
            }
        }
        if let (Some(before), Some(writer)) = (signed, writer) {
            let signer = Signer {
                participant: &writer.participant,
                coordinator: writer.authority == Authority::Coordinator,
            };
            let after = Signatures::read(&self.doc);
            if let Err(refusal) =
                signatures::check_keeping(signer, &before, &after, &self.doc, &mut self.recently_removed)
            {
                self.refuse(&peer, "a record in someone else's name", Refusal::Signature(refusal), effects);
                return self.roll_back(effects);
            }
        }
        self.pending_bytes += decoded.bytes as u64;
        if !self.within_size_limit() {
            self.refuse(&peer, "the document would grow too large", Refusal::TooLarge, effects);
            return self.roll_back(effects);
        }
        if request {
            self.requests.push(peer_id);
        }
        None
    }

    /// Receive a sync message, keeping its change chunks as unsaved.
    fn receive(&mut self, peer_id: &PeerId, message: sync::Message) -> Result<(), String> {
        let Some(entry) = self.peers.get_mut(peer_id) else { return Ok(()) };
        let mark = self.unsaved.len();
        message.changes.iter().for_each(|chunk| self.unsaved.extend_from_slice(chunk));
        self.doc.receive_sync_message(&mut entry.state, message).map_err(|e| {
            self.unsaved.truncate(mark);
            e.to_string()
        })
    }

    /// Check the changes of a sync message before anything is applied: a
    /// reader may send none, and every change must be made by an actor that
    /// belongs to the writer (the first principal to use an actor id owns
    /// it), so that no one can write history in someone else's name.
    /// Returns the audit entry for the changes that are new here.
    fn admit(
        &mut self,
        decoded: &Decoded,
        writer: Option<&Writer>,
        lookups: &ActorLookups,
    ) -> Result<Option<AuditEntry>, Refusal> {
        let writer = writer.ok_or(Refusal::ReadOnly)?;
        let changes = decoded.changes.as_ref().map_err(|_| Refusal::Unreadable)?;
        let mut new_hashes = Vec::new();
        for (hash, actor) in changes {
            if self.doc.get_change_by_hash(hash).is_some() {
                // Already here (someone re-sending history): nothing new to admit.
                continue;
            }
            let owner = match self.actors.get(actor) {
                Some(owner) => owner.clone(),
                None => match lookups.get(actor, &writer.principal) {
                    Some(Binding::Ours) => {
                        self.actors.insert(actor.clone(), writer.principal.clone());
                        writer.principal.clone()
                    }
                    Some(Binding::Theirs) => return Err(Refusal::ForeignActor),
                    Some(Binding::Failed) | None => return Err(Refusal::Unchecked),
                },
            };
            if owner != writer.principal {
                return Err(Refusal::ForeignActor);
            }
            new_hashes.push(hash.to_string());
        }
        if new_hashes.is_empty() {
            return Ok(None);
        }
        let document = self.id.to_string();
        Ok(Some(AuditEntry::now(
            &writer.principal,
            Some(writer.session_id),
            Some(&document),
            "change",
            new_hashes.join(","),
        )))
    }

    /// Refuse a peer's message before anything of it was applied: tell it
    /// why and disconnect it.
    fn refuse(
        &mut self,
        peer: &P,
        reason: &str,
        refusal: Refusal,
        effects: &mut Vec<Effect<P>>,
    ) -> Option<Stop> {
        tracing::warn!(peer = %peer.peer_id(), %reason, %refusal, "refused a sync message");
        effects.push(Effect::Refuse(peer.clone(), refusal, self.error_to(peer.peer_id(), refusal)));
        self.peers.remove(peer.peer_id());
        None
    }

    /// After refusing a message some of which was applied: everything not
    /// yet stored is undone (nothing of it was acknowledged) by reloading.
    /// The other peers whose changes that drops are disconnected: on a new
    /// connection they send them again (see `changed_by`).
    fn roll_back(&mut self, effects: &mut Vec<Effect<P>>) -> Option<Stop> {
        self.pending_bytes = 0;
        self.disconnect_dropped(effects);
        Some(Stop::Reload)
    }

    /// Before a reload: disconnect the peers whose unwritten changes it
    /// drops (see `changed_by`).
    fn disconnect_dropped(&mut self, effects: &mut Vec<Effect<P>>) {
        let dropped = std::mem::take(&mut self.changed_by);
        for peer_id in dropped.into_iter().chain(std::mem::take(&mut self.waiting_from)) {
            if let Some(peer) = self.peers.remove(&peer_id) {
                effects.push(Effect::Disconnect(peer.link));
            }
        }
    }

    /// Whether the document stays within its size limit with the pending
    /// bytes. Cheap while the running total is under the limit; measures
    /// the document exactly before saying no.
    fn within_size_limit(&mut self) -> bool {
        let limit = self.limits.max_document_bytes;
        if self.stored_bytes.saturating_add(self.pending_bytes) <= limit {
            return true;
        }
        let exact = self.doc.save().len() as u64;
        // The running total overcounts after compaction; correct it, so that
        // the next change does not pay for a full save again.
        self.stored_bytes = exact.saturating_sub(self.pending_bytes);
        exact <= limit
    }

    fn delete(&mut self, effects: &mut Vec<Effect<P>>) -> Stop {
        let peers: Vec<_> = self.peers.drain().collect();
        for (peer_id, peer) in peers {
            effects.push(Effect::Send(peer.link, self.unavailable_to(peer_id)));
        }
        self.doc = Automerge::new();
        self.unsaved.clear();
        self.unsaved_audit.clear();
        Stop::Deleted
    }

    fn forward_ephemeral(&mut self, from: &PeerId, message: Message, effects: &mut Vec<Effect<P>>) {
        let Message::Ephemeral { document_id, count, session_id, data, .. } = message else {
            return;
        };
        let key = (from.clone(), session_id);
        if self.ephemeral_seen.get(&key).is_some_and(|seen| *seen >= count) {
            return;
        }
        if self.ephemeral_seen.len() >= MAX_EPHEMERAL_SESSIONS {
            self.ephemeral_seen.clear();
        }
        self.ephemeral_seen.insert(key.clone(), count);
        let session_id = key.1;
        for (peer_id, peer) in &self.peers {
            if peer_id != from {
                let message = Message::Ephemeral {
                    document_id,
                    sender_id: from.clone(),
                    target_id: peer_id.clone(),
                    count,
                    session_id: session_id.clone(),
                    data: data.clone(),
                };
                effects.push(Effect::Send(peer.link.clone(), message));
            }
        }
    }

    /// What to write before answering, if anything is new since the last
    /// persist. Only repeats, or changes still waiting for their
    /// dependencies, leave nothing to write: the latter are kept for when
    /// they apply, the former dropped.
    pub fn unsaved(&mut self) -> Option<Unsaved> {
        let heads = self.doc.get_heads();
        if heads == self.persisted {
            if self.doc.get_missing_deps(&[]).is_empty() {
                self.unsaved.clear();
            } else if self.unsaved.len() > UNSAVED_LIMIT {
                self.unsaved.clear();
                self.unsaved_complete = false;
            }
            return None;
        }
        // Changes still waiting for a dependency are never written: what is
        // stored stays causally closed (the compactor refuses anything else,
        // so a change whose dependency never comes would stop compaction
        // for good). Their bytes are then dropped here, but Automerge keeps
        // them waiting; once they apply, `unsaved` does not hold them, so
        // the next write is `save_after`, which does.
        let waiting = !self.doc.get_missing_deps(&[]).is_empty();
        let chunk = if self.unsaved_complete && !waiting && !self.unsaved.is_empty() {
            std::mem::take(&mut self.unsaved)
        } else {
            self.unsaved.clear();
            self.doc.save_after(&self.persisted)
        };
        self.unsaved_complete = !waiting;
        Some(Unsaved { chunk, audit: std::mem::take(&mut self.unsaved_audit), heads })
    }

    /// `unsaved` is on disk. True when the document should now be
    /// compacted (off the task: the compactor works from what is stored).
    pub fn persisted(&mut self, heads: Vec<ChangeHash>, bytes: usize) -> bool {
        self.persisted = heads;
        self.changed_by.clear();
        if self.unsaved_complete {
            // (Incomplete: changes still wait, unwritten.)
            self.waiting_from.clear();
        }
        self.incremental_chunks += 1;
        self.stored_bytes += bytes as u64;
        if self.compactable && self.incremental_chunks >= self.limits.compact_after_chunks {
            self.incremental_chunks = 0;
            return true;
        }
        false
    }

    /// Writing failed: forget the unwritten changes (they were never
    /// acknowledged) and tell the peers, who still hold them and will send
    /// them again. The task reloads next.
    pub fn persist_failed(&mut self) -> Vec<Effect<P>> {
        self.forget_answers();
        let peers: Vec<P> = self.peers.drain().map(|(_, p)| p.link).collect();
        peers
            .into_iter()
            .map(|peer| {
                let message = self.error_to(peer.peer_id(), Refusal::NotSaved);
                Effect::Refuse(peer, Refusal::NotSaved, message)
            })
            .collect()
    }

    /// Send every peer what it lacks (the acknowledgement of what it sent)
    /// and `doc-unavailable` to those who asked for a document we do not
    /// have. Only once everything applied is stored.
    pub fn answers(&mut self) -> Vec<Effect<P>> {
        let mut effects = Vec::new();
        let heads = self.doc.get_heads();
        debug_assert_eq!(heads, self.persisted, "nothing is acknowledged before it is stored");
        for (peer_id, peer) in &mut self.peers {
            if nothing_to_send(&peer.state, &heads) {
                continue;
            }
            if let Some(message) = self.doc.generate_sync_message(&mut peer.state) {
                let message = Message::Sync {
                    document_id: self.id,
                    sender_id: self.server_id.clone(),
                    target_id: peer_id.clone(),
                    data: ByteBuf::from(message.encode()),
                };
                effects.push(Effect::Send(peer.link.clone(), message));
            }
        }
        if heads.is_empty() {
            for peer_id in &self.requests {
                if let Some(peer) = self.peers.get(peer_id) {
                    effects.push(Effect::Send(peer.link.clone(), self.unavailable_to(peer_id.clone())));
                }
            }
        }
        self.forget_answers();
        effects
    }

    fn forget_answers(&mut self) {
        self.requests.clear();
        self.unanswered.clear();
        self.pending_bytes = 0;
    }

    /// Whether the document has the change `hash`.
    pub fn has_change(&self, hash: &ChangeHash) -> bool {
        self.doc.get_change_by_hash(hash).is_some()
    }

    /// Another relay's news while no peer is here: the next peer waits
    /// for a catch-up (see `missed`). Nothing has been read since, so
    /// reading as a look does (the newer chunks and the recent ones) covers
    /// every notice missed.
    fn missed_while_alone(&mut self, heads: &[ChangeHash]) {
        if heads.is_empty() || heads.iter().any(|h| self.doc.get_change_by_hash(h).is_none()) {
            self.missed = true;
        }
    }

    /// Whether the document lacks any of `heads` (an empty list: not
    /// known, so maybe). Peers that have nobody here need nothing.
    fn lacks(&self, heads: &[ChangeHash]) -> bool {
        !self.peers.is_empty()
            && (heads.is_empty() || heads.iter().any(|h| self.doc.get_change_by_hash(h).is_none()))
    }

    /// Chunks another relay stored (read after [`Stop::CatchUp`], with
    /// everything this core applied already persisted): applied; what they
    /// bring is stored already, so it counts as persisted, and the next
    /// [`DocumentCore::answers`] sends it to the peers.
    ///
    /// Except for a peer's changes that were waiting for one of them: they
    /// apply now too, and they are stored nowhere yet. If any may have,
    /// the heads do not count as persisted, and the next
    /// [`DocumentCore::unsaved`] writes them (with what the catch-up
    /// brought again, if it must fall back to `save_after`).
    ///
    /// `chunks` are (id, bytes), read at `now` (ms since 1970).
    pub fn caught_up(&mut self, chunks: &[(i64, Vec<u8>)], now: i64) -> CaughtUp {
        self.chunks_read.read(chunks.iter().map(|(id, _)| *id), now);
        // (Behind already: a waiting change applied in an earlier read of
        // this catch-up, and is not written yet.)
        let stored = self.doc.get_heads() == self.persisted;
        let waiting = self.doc.get_missing_deps(&[]);
        for (_, chunk) in chunks {
            if let Err(error) = self.doc.load_incremental(chunk) {
                tracing::warn!(document = %self.id, %error, "a chunk another relay stored could not be read");
            }
            self.stored_bytes += chunk.len() as u64;
        }
        // A waiting change applies only once every dependency it lacked is
        // here: then the set of missing dependencies is another. While it
        // is the same, nothing that waited has applied.
        if waiting.is_empty() || self.doc.get_missing_deps(&[]) == waiting {
            if stored {
                self.persisted = self.doc.get_heads();
            }
            return CaughtUp::Read;
        }
        // A peer's change may have applied with what was read, unchecked by
        // the plan's rules (its sender's message was checked when nothing
        // of it applied). It is stored nowhere: reload, and its sender
        // sends it again on a new connection, checked then.
        CaughtUp::Recheck
    }

    /// After [`CaughtUp::Recheck`]: the document as stored (`None`: it
    /// could not be read), and the peers whose unwritten changes that drops
    /// disconnected, to send them again.
    pub fn reloaded_to_recheck(&mut self, loaded: Option<Loaded>) -> Vec<Effect<P>> {
        let mut effects = Vec::new();
        self.disconnect_dropped(&mut effects);
        effects.extend(self.reloaded(loaded));
        effects
    }

    /// The document as stored, after a refusal or a failed write: what was
    /// not stored is gone, and every peer's sync starts afresh so that the
    /// others send their own unsaved changes again. `None` when storage
    /// could not be read: every peer is disconnected.
    pub fn reloaded(&mut self, loaded: Option<Loaded>) -> Vec<Effect<P>> {
        let Some(loaded) = loaded else {
            return self.peers.drain().map(|(_, peer)| Effect::Disconnect(peer.link)).collect();
        };
        self.load(loaded);
        for peer in self.peers.values_mut() {
            peer.state = sync::State::new();
        }
        Vec::new()
    }

    fn load(&mut self, loaded: Loaded) {
        self.doc = loaded.doc;
        self.persisted = self.doc.get_heads();
        self.incremental_chunks = loaded.incremental_chunks;
        self.stored_bytes = loaded.stored_bytes;
        self.unsaved.clear();
        self.unsaved_audit.clear();
        self.unsaved_complete = true;
        self.compactable = loaded.unreadable_chunks == 0;
        self.chunks_read = ChunksRead::loaded(loaded.last_chunk);
        self.missed = false;
        self.changed_by.clear();
        self.waiting_from.clear();
    }

    /// What this core has read of the stored chunks: what a catch-up reads.
    pub fn chunks_read(&self) -> &ChunksRead {
        &self.chunks_read
    }

    /// `doc-unavailable` for a peer.
    fn unavailable_to(&self, peer: PeerId) -> Message {
        Message::DocUnavailable { document_id: self.id, sender_id: self.server_id.clone(), target_id: peer }
    }

    /// An `error` message for a peer.
    pub fn error_to(&self, peer: &PeerId, refusal: Refusal) -> Message {
        Message::Error {
            sender_id: Some(self.server_id.clone()),
            target_id: Some(peer.clone()),
            message: refusal.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
