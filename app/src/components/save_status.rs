//! The line that always tells where the person's changes are.

use leptos::prelude::*;

use crate::repo::SaveState;

/// "Sparat på enheten", "Synkat med servern", "Offline – …", as `state`
/// says (a closure, not a `Signal`: a new signal type costs the editor's
/// first wasm more than this).
#[component]
pub fn SaveStatus(state: impl Fn() -> SaveState + Copy + Send + Sync + 'static) -> impl IntoView {
    let class = move || match state() {
        SaveState::Synced => "save-status synced",
        SaveState::Failed(_) => "save-status failed",
        SaveState::Offline => "save-status offline",
        SaveState::Saving | SaveState::SavedOnDevice => "save-status local",
    };
    view! { <p class=class role="status" aria-live="polite" data-testid="save-status">{move || state().label()}</p> }
}
