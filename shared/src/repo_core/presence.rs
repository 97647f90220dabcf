//! Who else has a document open, and telling them this tab is here: the
//! name and colour of this tab and the field it is in, sent as an
//! ephemeral message; the others' kept until not heard from for a while.

use super::{Effect, RepoCore};
use crate::presence::{Presence, EXPIRES_AFTER_MS};
use crate::DocumentId;

/// Someone else who has the plan open now.
#[derive(Debug, Clone, PartialEq)]
pub struct Present {
    /// Their peer id (one per browser tab).
    pub peer: String,
    /// Their name and field.
    pub presence: Presence,
    /// When we last heard from them (ms since 1970).
    pub seen: f64,
}

/// Presence in one document.
#[derive(Debug, Default)]
pub(super) struct DocPresence {
    /// The field this tab is in, as last announced.
    my_field: Option<String>,
    /// The others, by name.
    present: Vec<Present>,
}

impl RepoCore {
    /// This tab is now in `field` of plan `id` (or in none): tell the others.
    pub fn announce(&mut self, id: &DocumentId, field: Option<String>) {
        if let Some(open) = self.documents.get_mut(id) {
            open.presence.my_field = field;
        }
        self.send_presence(id);
    }

    /// The name shown to the others is now `name`: tell them.
    pub fn set_name(&mut self, name: String) {
        self.name = name;
        self.renew_presence();
    }

    fn send_presence(&mut self, id: &DocumentId) {
        let Some(open) = self.documents.get(id) else { return };
        let presence = Presence {
            name: self.name.clone(),
            participant: String::new(),
            field: open.presence.my_field.clone(),
            colour: self.colour,
        };
        self.effects.extend(self.client.ephemeral(*id, presence.encode()).map(Effect::Send));
    }

    /// Send this tab's presence again and forget those not heard from lately.
    pub(super) fn renew_presence(&mut self) {
        let now = self.instruments.now_ms();
        let ids: Vec<DocumentId> = self.documents.keys().copied().collect();
        for id in ids {
            self.send_presence(&id);
            let Some(open) = self.documents.get_mut(&id) else { continue };
            let present = &mut open.presence.present;
            if present.iter().any(|p| now - p.seen > EXPIRES_AFTER_MS) {
                present.retain(|p| now - p.seen <= EXPIRES_AFTER_MS);
                self.effects.push(Effect::SetPresent(id, present.clone()));
            }
        }
    }

    pub(super) fn receive_presence(&mut self, id: DocumentId, peer: String, data: &[u8]) {
        let Ok(presence) = Presence::decode(data) else { return };
        let seen = self.instruments.now_ms();
        let Some(open) = self.documents.get_mut(&id) else { return };
        let present = &mut open.presence.present;
        match present.iter_mut().find(|p| p.peer == peer) {
            Some(existing) => {
                existing.presence = presence;
                existing.seen = seen;
            }
            None => present.push(Present { peer, presence, seen }),
        }
        present.sort_by(|a, b| a.presence.name.cmp(&b.presence.name));
        self.effects.push(Effect::SetPresent(id, present.clone()));
    }
}
