//! A batch as the core takes it: commands with their sync messages
//! decoded, and the actor bindings their changes need, looked up before
//! the batch runs.
//!
//! Every change must be made by an actor that belongs to its writer: the
//! first principal to use an actor id owns it (the `actors` table). Looking
//! that up is a database call; the task makes it for the whole batch
//! first ([`super::core::DocumentCore::actor_queries`]), so that the core
//! never waits in the middle of one.

use std::sync::Arc;

use super::{Command, DocCommand, PeerHandle, Writer};
use automerge::sync;
use automerge::ChangeHash;

/// A command for the core: a [`DocCommand`] with its sync message decoded.
pub type Input<P> = Command<P, Result<Decoded, String>>;

/// A sync message as received, and who made its changes.
#[derive(Debug)]
pub struct Decoded {
    /// The message.
    pub message: sync::Message,
    /// Each change's hash and actor (hex), or `Err` if a change does not parse.
    pub changes: Result<Vec<(ChangeHash, String)>, ()>,
    /// Its size as received.
    pub bytes: usize,
}

impl Decoded {
    /// Decode a sync message and read who made its changes.
    pub fn decode(data: &[u8]) -> Result<Decoded, String> {
        let message = sync::Message::decode(data).map_err(|e| e.to_string())?;
        let mut changes = Ok(Vec::new());
        for chunk in message.changes.iter() {
            // One entry may hold several change chunks, or a whole document.
            match (automerge::parse_changes(chunk), &mut changes) {
                (Ok(parsed), Ok(changes)) => {
                    changes.extend(parsed.iter().map(|c| (c.hash(), c.actor_id().to_hex_string())));
                }
                _ => changes = Err(()),
            }
        }
        Ok(Decoded { message, changes, bytes: data.len() })
    }
}

impl<P> Input<P> {
    /// A sync message from `peer`, decoded.
    pub fn sync(peer: P, data: &[u8], request: bool, writer: Option<Writer>) -> Input<P> {
        Input::Sync { peer, data: Decoded::decode(data), request, writer }
    }
}

impl From<DocCommand> for Input<PeerHandle> {
    fn from(command: DocCommand) -> Self {
        match command {
            DocCommand::Sync { peer, data, request, writer } => Input::sync(peer, &data, request, writer),
            DocCommand::Delete => Input::Delete,
            DocCommand::Ephemeral { from, message } => Input::Ephemeral { from, message },
            DocCommand::Leave { peer } => Input::Leave { peer },
            DocCommand::StoredElsewhere { heads } => Input::StoredElsewhere { heads },
        }
    }
}

/// An actor whose owner the core needs, for a writer that used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorQuery {
    /// The actor id (hex).
    pub actor: String,
    /// The writer's principal.
    pub principal: Arc<str>,
}

/// What the database said about an actor for a principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// It is (now) theirs.
    Ours,
    /// Another principal used it first.
    Theirs,
    /// The database could not tell.
    Failed,
}

/// The answers to a batch's [`ActorQuery`]s.
#[derive(Debug, Default)]
pub struct ActorLookups {
    answers: Vec<(ActorQuery, Binding)>,
}

impl ActorLookups {
    /// Record an answer.
    pub fn insert(&mut self, query: ActorQuery, binding: Binding) {
        self.answers.push((query, binding));
    }

    /// The answer for `actor` used by `principal`, if it was asked.
    pub fn get(&self, actor: &str, principal: &str) -> Option<Binding> {
        self.answers
            .iter()
            .find(|(query, _)| query.actor == actor && &*query.principal == principal)
            .map(|(_, binding)| *binding)
    }
}
