//! The line that always tells where the person's changes are.

use leptos::prelude::*;

use crate::repo::SaveState;

/// "Sparat på enheten", "Synkat med servern", "Offline – …".
#[component]
pub fn SaveStatus(state: RwSignal<SaveState>) -> impl IntoView {
    let class = move || match state.get() {
        SaveState::Synced => "save-status synced",
        SaveState::Failed(_) => "save-status failed",
        SaveState::Offline => "save-status offline",
        SaveState::Saving | SaveState::SavedOnDevice => "save-status local",
    };
    view! { <p class=class role="status" aria-live="polite" data-testid="save-status">{move || state.get().label()}</p> }
}
