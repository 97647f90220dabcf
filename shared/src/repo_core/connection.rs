//! The connection to the server as the open documents see it: the
//! handshake starts their sync, frames bring changes and presence, and a
//! lost socket makes every save state "Offline".

use super::{Availability, Connection, Effect, RepoCore, LARGE_SYNC_MESSAGE};
use crate::plan;
use crate::sync_client::Received;
use crate::{DocumentId, Message};

impl RepoCore {
    /// A socket opened: the `join` message to send first.
    pub fn join(&self) -> Message {
        self.client.join()
    }

    /// The socket closed.
    pub(super) fn connection_lost(&mut self) {
        self.client.connection_lost();
        self.stop_heartbeat();
        self.effects.push(Effect::SetConnection(Connection::Offline));
        self.refresh_every_save_state();
    }

    /// One binary frame from the server.
    pub(super) fn receive_frame(&mut self, frame: &[u8]) {
        self.heard();
        let message = match Message::decode(frame) {
            Ok(message) => message,
            Err(error) => {
                self.effects.push(Effect::Warn(format!("Oläsbart meddelande från servern: {error}")));
                return;
            }
        };
        match self.client.receive(message) {
            Ok(Received::Connected) => {
                self.start_heartbeat();
                self.effects.push(Effect::SetConnection(Connection::Online));
                let ids: Vec<DocumentId> =
                    self.documents.iter().filter(|(_, open)| open.loaded).map(|(id, _)| *id).collect();
                for id in ids {
                    self.start_sync(id);
                }
                self.renew_presence();
            }
            Ok(Received::Sync(id, data)) => {
                let start = self.instruments.timing_start();
                self.apply_sync(id, &data);
                if let Some(start) = start {
                    self.instruments.measure_since("samplan:receive-sync", start);
                }
            }
            Ok(Received::Unavailable(id)) => {
                if let Some(open) = self.documents.get(&id) {
                    let availability = if plan::is_empty(&open.doc) {
                        Availability::Unavailable
                    } else {
                        Availability::NoAccess
                    };
                    self.effects.push(Effect::SetAvailability(id, availability));
                }
            }
            Ok(Received::ServerError(reason)) => {
                self.effects.push(Effect::Warn(format!("Servern svarade med fel: {reason}")));
            }
            Ok(Received::Ephemeral { document_id, sender_id, data }) => {
                self.receive_presence(document_id, sender_id, &data)
            }
            Ok(Received::Nothing) => {}
            Err(error) => self.effects.push(Effect::Warn(error.to_string())),
        }
    }

    fn apply_sync(&mut self, id: DocumentId, data: &[u8]) {
        self.load_now(&id);
        let Some(open) = self.documents.get_mut(&id) else { return };
        if data.len() > LARGE_SYNC_MESSAGE {
            // Indexing every operation of a whole plan arriving would
            // cost more than waking every field once.
            open.doc.reset_diff_cursor();
        }
        let before = open.doc.get_heads();
        let changed = match self.client.apply_sync(id, data, &mut open.doc) {
            Ok(changed) => changed,
            Err(error) => {
                self.effects.push(Effect::Warn(error.to_string()));
                // A message refused half-way may have applied some of its
                // changes: those are saved and shown like any other.
                open.doc.get_heads() != before
            }
        };
        if changed {
            // Saves, bumps the version and sends the reply.
            self.changed(id);
        } else {
            let reply = self.client.generate(id, &mut open.doc);
            self.effects.extend(reply.map(Effect::Send));
            self.refresh_save_state(id);
        }
    }
}
