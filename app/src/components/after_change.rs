//! A view that a change of the plan switches away (the sections when
//! consent is withdrawn, a step's part of the plan in the meeting view,
//! the steps when the meeting ends) is switched a task after that change.
//!
//! Why: one change of the plan both queues updates of the fields in the
//! view and switches the view. Switched at once, the view's fields are
//! disposed while their updates are still queued; Leptos (reactive_graph
//! 0.2) then runs those updates anyway, they read signals that are gone,
//! and the app panics ("Tried to access a reactive value that has already
//! been disposed"). A task later, every queued update has run.

use leptos::prelude::*;

/// `source`, followed a task after it changes (at once the first time).
pub fn after_the_change<T>(source: impl Fn() -> T + Send + Sync + 'static) -> RwSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    following(source, |_| false)
}

/// Whether a part is shown, as `source` says: shown at once, taken away a
/// task after the change (only taking away disposes anything).
pub fn shown_until_after_the_change(source: impl Fn() -> bool + Send + Sync + 'static) -> RwSignal<bool> {
    following(source, |shown| *shown)
}

/// `source`, at once when `at_once` says so of its new value, else a task later.
fn following<T>(source: impl Fn() -> T + Send + Sync + 'static, at_once: fn(&T) -> bool) -> RwSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let value = RwSignal::new(untrack(&source));
    Effect::new(move |_| {
        let next = source();
        if value.try_with_untracked(|now| *now == next) != Some(false) {
            return;
        }
        if at_once(&next) {
            value.set(next);
            return;
        }
        gloo_timers::callback::Timeout::new(0, move || {
            if value.try_with_untracked(|now| *now != next) == Some(true) {
                value.try_set(next);
            }
        })
        .forget();
    });
    value
}
