//! The document task: the IO around [`DocumentCore`].
//!
//! It drains every command waiting in its mailbox (coalescing changes that
//! arrive together, without any fixed delay), looks up the actors the batch
//! needs, runs the core, **writes the new changes to the database**, and only then
//! sends the sync messages that acknowledge them. A task with no peers
//! exits after an idle period, so memory does not grow with the number of
//! documents ever opened. When another relay on the same PostgreSQL stored
//! changes the document lacks (the core stops with [`Stop::CatchUp`]), it
//! reads the chunks stored since and syncs its peers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::DocumentId;
use tokio::sync::mpsc;

use super::catch_up::ChunkRead;
use super::core::{ActorLookups, Binding, CaughtUp, CoreLimits, DocumentCore, Effect, Input, Refusal, Stop};
use super::{DocCommand, DocumentRegistry, PeerHandle, RegistryConfig};
use crate::access::access_log::{Action, Entry, Who};
use crate::storage::Loaded;

/// At most this many commands are applied before persisting and answering.
const MAX_BATCH: usize = 256;

/// After a catch-up could not read the database, it is tried again this
/// much later.
const CATCH_UP_RETRY: Duration = Duration::from_secs(1);

/// What one read of a catch-up did ([`DocumentTask::catch_up`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Applied.
    Applied,
    /// Storage could not be read; tried again later.
    Failed,
    /// Reloaded from storage (everything is read).
    Reloaded,
    /// Reloading failed: the core still holds what was not stored.
    Unusable,
}

/// How [`DocumentTask::answer`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answered {
    /// What was new is stored, and the peers were answered.
    Stored,
    /// Writing failed: the peers were told, the core reloaded from storage.
    Reloaded,
    /// Writing failed and storage could not be read either: the core still
    /// holds what was not stored, so the task ends.
    Unusable,
}

/// One loaded document's task.
pub(super) struct DocumentTask {
    id: DocumentId,
    registry: DocumentRegistry,
    config: Arc<RegistryConfig>,
}

impl DocumentTask {
    pub(super) fn new(id: DocumentId, registry: DocumentRegistry) -> Self {
        let config = registry.config.clone();
        DocumentTask { id, registry, config }
    }

    #[tracing::instrument(name = "document", skip_all, fields(document = %self.id))]
    pub(super) async fn run(self, mut mailbox: mpsc::Receiver<DocCommand>, idle_timeout: Duration) {
        let Some(loaded) = self.load().await else {
            // Storage is unreadable: refuse to serve rather than serve an empty document.
            mailbox.close();
            while let Some(command) = mailbox.recv().await {
                if let DocCommand::Sync { peer, .. } = command {
                    peer.send(shared::Message::Error {
                        sender_id: Some(self.config.server_id.clone()),
                        target_id: Some(peer.id.clone()),
                        message: "Dokumentet kan inte läsas från lagringen just nu.".into(),
                    });
                }
            }
            self.registry.remove_closed(self.id);
            return;
        };
        let limits = CoreLimits {
            max_document_bytes: self.config.max_document_bytes,
            compact_after_chunks: crate::storage::COMPACT_AFTER_CHUNKS,
        };
        let mut core = DocumentCore::new(self.id, self.config.server_id.clone(), limits, loaded);
        let mut closing = false;
        loop {
            let first = if core.has_no_peers() && !closing {
                tokio::select! {
                    command = mailbox.recv() => command,
                    () = tokio::time::sleep(idle_timeout) => {
                        // Idle: leave the registry, then finish what is already queued.
                        closing = true;
                        self.registry.forget_if(self.id, |_| true);
                        mailbox.close();
                        continue;
                    }
                }
            } else {
                mailbox.recv().await
            };
            let Some(first) = first else { break };
            let mut batch = vec![Input::from(first)];
            while batch.len() < MAX_BATCH {
                match mailbox.try_recv() {
                    Ok(command) => batch.push(Input::from(command)),
                    Err(_) => break,
                }
            }
            if !self.apply(&mut core, batch).await {
                self.registry.forget_if(self.id, |_| true);
                break;
            }
        }
        tracing::debug!("document evicted from memory");
    }

    /// Run a batch through the core, doing what it asks between its steps:
    /// one persist and one round of answers for the batch, except that a
    /// peer's second message first gets the answer to its first, and a
    /// refusal after something was applied reloads from storage. False
    /// when the task must end: the document was deleted, or storage could
    /// not be read to undo what was not stored (the next peer loads it
    /// anew).
    async fn apply(&self, core: &mut DocumentCore<PeerHandle>, mut batch: Vec<Input<PeerHandle>>) -> bool {
        loop {
            let lookups = self.look_up_actors(core, &batch).await;
            let step = core.apply(batch, &lookups);
            self.carry_out(step.effects);
            match step.stop {
                Stop::Deleted => return false,
                Stop::Reload => {
                    let loaded = self.load().await;
                    let unreadable = loaded.is_none();
                    self.carry_out(core.reloaded(loaded));
                    if unreadable {
                        return false;
                    }
                }
                Stop::Answer => {
                    // After a failed write (peers told, core reloaded) the
                    // rest of the batch still gets its turn: a new peer's
                    // first message in it would go unanswered.
                    if self.answer(core).await == Answered::Unusable {
                        return false;
                    }
                    if step.rest.is_empty() {
                        return true;
                    }
                }
                Stop::CatchUp => match self.answer(core).await {
                    Answered::Unusable => return false,
                    // Reloaded: it has read everything stored.
                    Answered::Reloaded => {}
                    Answered::Stored => {
                        // As a rule one read of what was stored since the
                        // last chunk read; see `catch_up`.
                        let first = core.chunks_read().first_read();
                        let mut read = self.catch_up(core, &first).await;
                        if read == Read::Applied {
                            if let Some(second) = core.chunks_read().second_read(|h| core.has_change(h)) {
                                read = self.catch_up(core, &second).await;
                                if read == Read::Applied {
                                    if let Some(last) =
                                        core.chunks_read().last_resort_read(|h| core.has_change(h))
                                    {
                                        tracing::info!(document = %self.id, "another relay's heads missing after the window: reading all its chunks");
                                        read = self.catch_up(core, &last).await;
                                    }
                                }
                            }
                        }
                        if read == Read::Unusable || self.answer(core).await == Answered::Unusable {
                            return false;
                        }
                    }
                },
            }
            batch = step.rest;
        }
    }

    /// Read what `read` names of the stored chunks into the core. If it
    /// cannot be read, the document asks again in a second, as if told by
    /// another relay (the look may not name it again).
    async fn catch_up(&self, core: &mut DocumentCore<PeerHandle>, read: &ChunkRead) -> Read {
        match self.config.store.chunks_since(&self.id, read).await {
            Ok(chunks) => {
                tracing::debug!(chunks = chunks.len(), ?read.recent, "caught up with another relay");
                match core.caught_up(&chunks, crate::access::now_millis()) {
                    CaughtUp::Read => Read::Applied,
                    CaughtUp::Recheck => {
                        tracing::info!("a peer's waiting change applied with another relay's: reloading, so that it is sent again and checked");
                        let loaded = self.load().await;
                        let unreadable = loaded.is_none();
                        self.carry_out(core.reloaded_to_recheck(loaded));
                        if unreadable {
                            Read::Unusable
                        } else {
                            Read::Reloaded
                        }
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not read what another relay stored; trying again in a second");
                let (registry, id) = (self.registry.clone(), self.id);
                tokio::spawn(async move {
                    tokio::time::sleep(CATCH_UP_RETRY).await;
                    registry.stored_elsewhere(id, Vec::new()).await;
                });
                Read::Failed
            }
        }
    }

    /// Bind the batch's new actors to the principals that used them.
    async fn look_up_actors(
        &self,
        core: &DocumentCore<PeerHandle>,
        batch: &[Input<PeerHandle>],
    ) -> ActorLookups {
        let mut lookups = ActorLookups::default();
        let document = self.id.to_string();
        for query in core.actor_queries(batch) {
            let binding = match self.config.plans.bind_actor(&query.actor, &query.principal, &document).await
            {
                Ok(true) => Binding::Ours,
                Ok(false) => {
                    tracing::warn!(actor = %query.actor, principal = %query.principal, "a change in another principal's name");
                    Binding::Theirs
                }
                Err(error) => {
                    tracing::warn!(%error, "could not look up an actor");
                    Binding::Failed
                }
            };
            lookups.insert(query, binding);
        }
        lookups
    }

    /// Persist what is new, then send every peer what it lacks. If
    /// persisting fails, the peers are told and the core reloaded.
    async fn answer(&self, core: &mut DocumentCore<PeerHandle>) -> Answered {
        if let Some(unsaved) = core.unsaved() {
            let bytes = unsaved.chunk.len();
            let mut writers: Vec<(String, Option<i64>)> =
                unsaved.audit.iter().map(|entry| (entry.principal.clone(), entry.session_id)).collect();
            writers.dedup();
            let started = Instant::now();
            let heads = unsaved.heads.iter().map(ToString::to_string).collect();
            match self.config.store.append_with_heads(&self.id, unsaved.chunk, unsaved.audit, heads).await {
                Ok(()) => {
                    self.config.metrics.persisted(started.elapsed());
                    self.config.notifications.changed(self.id);
                    for (principal, session_id) in writers {
                        let who = Who { principal, name: None, session_id };
                        self.config.access_log.once_per_pause(who, self.id, Action::Change, None);
                    }
                    tracing::trace!(bytes, micros = started.elapsed().as_micros(), "persisted");
                    if core.persisted(unsaved.heads, bytes) {
                        self.config.store.request_compaction(&self.id);
                    }
                }
                Err(error) => {
                    self.config.metrics.persist_failed();
                    tracing::error!(%error, "could not persist changes; dropping them until peers resend");
                    self.carry_out(core.persist_failed());
                    let loaded = self.load().await;
                    let unreadable = loaded.is_none();
                    self.carry_out(core.reloaded(loaded));
                    return if unreadable { Answered::Unusable } else { Answered::Reloaded };
                }
            }
        }
        self.carry_out(core.answers());
        Answered::Stored
    }

    fn carry_out(&self, effects: Vec<Effect<PeerHandle>>) {
        for effect in effects {
            match effect {
                Effect::Send(peer, message) => peer.send(message),
                Effect::Refuse(peer, refusal, message) => {
                    let entry =
                        Entry::now((*peer.who).clone(), Some(&self.id.to_string()), Action::RefusedChange);
                    self.config.access_log.record(entry.detail(refusal.to_string()));
                    if refusal == Refusal::TooLarge {
                        tracing::warn!(peer = %peer.id, limit = self.config.max_document_bytes, "document would grow too large");
                        self.config.metrics.document_too_large();
                    }
                    peer.send(message);
                    peer.disconnect.cancel();
                }
                Effect::Disconnect(peer) => peer.disconnect.cancel(),
            }
        }
    }

    async fn load(&self) -> Option<Loaded> {
        match self.config.store.load(&self.id).await {
            Ok(loaded) => Some(loaded),
            Err(error) => {
                tracing::error!(%error, "could not load document");
                None
            }
        }
    }
}
