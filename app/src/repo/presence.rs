//! The name this device shows the others (kept in localStorage), the field
//! this tab is in, and who else has a plan open (the core keeps the
//! others and forgets those not heard from; this shows them).

use leptos::prelude::*;
use shared::repo_core::{Event, Present};
use shared::DocumentId;

use super::Repo;

/// Where the device keeps the name it shows the others.
const NAME_KEY: &str = "samplan-namn";

/// The name this device shows the others, as stored.
pub(super) fn stored_name() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
        .unwrap_or_default()
}

impl Repo {
    /// Set the name shown to the others, remember it on this device and tell them.
    pub fn set_my_name(&self, name: &str) {
        let name: String = name.chars().take(80).collect();
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(NAME_KEY, &name);
        }
        self.my_name.set(name.clone());
        self.with_core(|core| core.set_name(name));
    }

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
