//! The loaded documents: one task per document that merges, persists,
//! then answers.
//!
//! Every document has its own task (an actor) that owns the Automerge
//! document and one sync state per peer. Work on different documents never
//! waits on a shared lock; the registry's mutex is held only to find or
//! start a task.
//!
//! - [`core`]: the task's logic without IO: a batch in; what to send,
//!   refuse, persist and reload out.
//! - [`admission`]: a batch decoded, and the actor bindings it needs.
//! - [`catch_up`]: what a document reads when another relay stored
//!   changes to it.
//! - [`outcome`]: what the core asks of the task.
//! - [`task`]: the task itself, doing the core's IO (storage, the actor
//!   table, the peers' queues).

pub mod admission;
pub mod catch_up;
pub mod core;
pub mod outcome;
mod task;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared::plan::rules::Authority;
use shared::{DocumentId, Message, PeerId};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use self::task::DocumentTask;
use crate::access::Plans;
use crate::metrics::Metrics;
use crate::storage::Store;

/// How many commands may wait for one document before senders wait.
const MAILBOX_CAPACITY: usize = 1024;

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
    /// Who is connected (the access log names them when a change is refused).
    pub who: Arc<crate::access::access_log::Who>,
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

impl core::Link for PeerHandle {
    fn peer_id(&self) -> &PeerId {
        &self.id
    }

    fn same_socket(&self, other: &Self) -> bool {
        self.outbox.same_channel(&other.outbox)
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
    /// What the plan's rules let it do: only the coordinator closes the
    /// plan, the person removes nothing (`shared::plan::rules`).
    pub authority: Authority,
    /// The participant of the plan it is (its id): the only one it may
    /// approve as (`shared::plan::signatures`).
    pub participant: Arc<str>,
}

/// What a connection asks of a document task; `D` is the sync message,
/// as received ([`DocCommand`]) or decoded ([`admission::Input`]).
#[derive(Debug)]
pub enum Command<P, D> {
    /// A `sync` or `request` from a peer.
    Sync {
        /// From whom.
        peer: P,
        /// The Automerge sync message.
        data: D,
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
        peer: P,
    },
    /// Another relay on the same PostgreSQL stored changes of this
    /// document; `heads` are its heads after them (empty: not known, look).
    StoredElsewhere {
        /// The heads the other relay reached.
        heads: Vec<automerge::ChangeHash>,
    },
}

/// A command as a connection sends it.
pub type DocCommand = Command<PeerHandle, Vec<u8>>;

/// What the registry gives every document task.
#[derive(Debug)]
pub struct RegistryConfig {
    /// Where documents are stored.
    pub store: Store,
    /// This server's peer id: signs outgoing messages.
    pub server_id: PeerId,
    /// How long a document with no peers stays in memory.
    pub idle_timeout: Duration,
    /// The largest a document may grow (bytes saved).
    pub max_document_bytes: u64,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Who owns which actor id.
    pub plans: Plans,
    /// Changes and refused changes are logged here.
    pub access_log: crate::access::access_log::AccessLog,
    /// Stored changes are marked here for the notifier (`crate::notifications`).
    pub notifications: crate::notifications::Watch,
}

/// Finds or starts the task of a document.
#[derive(Clone)]
pub struct DocumentRegistry {
    tasks: Arc<Mutex<HashMap<DocumentId, mpsc::Sender<DocCommand>>>>,
    config: Arc<RegistryConfig>,
}

impl DocumentRegistry {
    /// A registry with `config`.
    pub fn new(config: RegistryConfig) -> Self {
        DocumentRegistry { tasks: Arc::default(), config: Arc::new(config) }
    }

    /// Tell a loaded document's task that the plan was deleted (no task is
    /// started for it).
    pub async fn delete(&self, id: DocumentId) {
        let sender = self.tasks.lock().ok().and_then(|tasks| tasks.get(&id).cloned());
        if let Some(sender) = sender {
            let _ = sender.send(DocCommand::Delete).await;
        }
    }

    /// Tell the document's task, if it is loaded, that another relay stored
    /// changes of it (no task is started: a relay without peers on a
    /// document has nobody to bring them to).
    pub async fn stored_elsewhere(&self, id: DocumentId, heads: Vec<automerge::ChangeHash>) {
        let sender = self.tasks.lock().ok().and_then(|tasks| tasks.get(&id).cloned());
        if let Some(sender) = sender {
            let _ = sender.send(DocCommand::StoredElsewhere { heads }).await;
        }
    }

    /// How many documents are loaded now.
    pub fn loaded(&self) -> usize {
        self.tasks.lock().map(|t| t.len()).unwrap_or(0)
    }

    /// Deliver a command to the document's task, starting it if needed.
    pub async fn send(&self, id: DocumentId, mut command: DocCommand) {
        // The task may need the store's write turn (to bind an actor).
        self.config.store.refuse_if_turn_held_here("wait for a document task");
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
        let task = DocumentTask::new(id, self.clone());
        tokio::spawn(task.run(receiver, self.config.idle_timeout));
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
