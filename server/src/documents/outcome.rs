//! What the document core asks of its task: messages to send, peers to
//! refuse, changes to write, and where a run over a batch stopped.

use automerge::ChangeHash;
use shared::plan::{rules, signatures};
use shared::Message;

use super::admission::Input;
use crate::access::audit::AuditEntry;

/// Why a peer's message was refused; the text is what the peer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a sync message, or changes that do not parse or apply.
    #[error("Synkmeddelandet kunde inte läsas.")]
    Unreadable,
    /// A reader sent changes.
    #[error("Du kan läsa planen men inte ändra den. Ändringen sparades inte.")]
    ReadOnly,
    /// A change made by an actor that belongs to another principal.
    #[error("Ändringen är gjord i någon annans namn och sparades inte.")]
    ForeignActor,
    /// The actor's owner could not be looked up.
    #[error("Servern kunde inte kontrollera ändringen. Försök igen.")]
    Unchecked,
    /// The plan's rules say this writer may not make this change.
    #[error("{0}")]
    Rule(rules::Refusal),
    /// An approval in someone else's name (or one the writer may not remove).
    #[error("{0}")]
    Signature(signatures::SignatureRefusal),
    /// The document would grow past its size limit.
    #[error("Planen blir för stor för servern. Ändringen sparades inte.")]
    TooLarge,
    /// Writing to disk failed; the peer still holds its changes.
    #[error("Servern kunde inte spara ändringarna. Försök igen.")]
    NotSaved,
}

/// What the task does for the core.
#[derive(Debug)]
pub enum Effect<P> {
    /// Queue a message for a peer.
    Send(P, Message),
    /// Tell a peer why (the message) and disconnect it.
    Refuse(P, Refusal, Message),
    /// Disconnect a peer without a word (storage cannot be read).
    Disconnect(P),
}

/// Where [`DocumentCore::apply`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Persist what is new and answer (then go on with the rest).
    Answer,
    /// Load the document again from storage, then go on with the rest.
    Reload,
    /// The plan was deleted: the peers were told; the task ends.
    Deleted,
    /// Another relay stored changes this document lacks: persist and
    /// answer what is pending, read what is stored since, give it to
    /// [`super::core::DocumentCore::caught_up`], answer, go on.
    CatchUp,
}

/// What one run of [`DocumentCore::apply`] leaves to the task.
#[derive(Debug)]
pub struct Step<P> {
    /// To carry out now, in order.
    pub effects: Vec<Effect<P>>,
    /// Why it stopped.
    pub stop: Stop,
    /// The commands it did not reach, for the next run.
    pub rest: Vec<Input<P>>,
}

/// The changes to write before anything is acknowledged.
#[derive(Debug)]
pub struct Unsaved {
    /// One incremental chunk holding every new change.
    pub chunk: Vec<u8>,
    /// Who made them.
    pub audit: Vec<AuditEntry>,
    /// The document's heads once it is written.
    pub heads: Vec<ChangeHash>,
}

/// What a catch-up's read did ([`super::core::DocumentCore::caught_up`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaughtUp {
    /// Applied; read on, or answer.
    Read,
    /// A peer's change that waited for a dependency may have applied with
    /// it, unchecked: reload
    /// ([`super::core::DocumentCore::reloaded_to_recheck`]) and read no
    /// more.
    Recheck,
}
