//! The field this tab is in, and who else has a plan open (the core keeps
//! the others and forgets those not heard from; this shows them). Who each
//! is, the relay says (`shared::presence`).

use leptos::prelude::*;
use shared::repo_core::{Event, Present};
use shared::DocumentId;

use super::Repo;

impl Repo {
    /// This tab is now in `field` of plan `id` (or in none): tell the others.
    pub fn announce(&self, id: &DocumentId, field: Option<String>) {
        self.with_core(|core| core.announce(id, field));
    }

    /// Send this tab's presence again and forget those not heard from
    /// lately; called every few seconds.
    pub fn renew_presence(&self) {
        self.handle(Event::RenewPresence);
    }

    /// Who else has plan `id` open.
    pub fn present(&self, id: &DocumentId) -> Option<RwSignal<Vec<Present>>> {
        self.signals(id).map(|signals| signals.present)
    }
}
