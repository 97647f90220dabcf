//! Nothing lost by one click. A removal (a goal, a sub-goal, an
//! intervention, a participant) is done at once and offers "Ångra" for
//! [`UNDO_SECONDS`]: the item comes back as it was, through the document
//! like any change (`shared::plan::undo`). What cannot be taken back that
//! way (withdrawing consent, closing or deleting the plan) asks first
//! ([`confirmed`]).

use leptos::prelude::*;
use shared::plan::undo::{put_back, Removed};

use crate::sections::PlanContext;

/// How long "Ångra" is offered after a removal.
pub const UNDO_SECONDS: u32 = 10;

/// The latest removal that can be taken back, with what the toast says.
#[derive(Clone, Copy)]
pub struct UndoOffer {
    offer: RwSignal<Option<(u64, String, Removed)>>,
}

impl UndoOffer {
    /// No removal to take back yet.
    pub fn new() -> UndoOffer {
        UndoOffer { offer: RwSignal::new(None) }
    }

    /// Remove `item` (found in the plan as it is now by `pick`) with
    /// `remove`; then offer to take it back, saying `said`.
    pub fn remove(
        self,
        ctx: PlanContext,
        said: String,
        pick: impl FnOnce(&shared::plan::Plan) -> Option<Removed>,
        remove: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), shared::plan::PlanError>,
    ) {
        let Some(removed) = ctx.plan.with_untracked(|p| p.as_deref().and_then(pick)) else { return };
        if ctx.change(remove).is_none() {
            return;
        }
        let serial = self.offer.with_untracked(|o| o.as_ref().map_or(0, |(n, _, _)| n + 1));
        self.offer.set(Some((serial, said, removed)));
        let offer = self.offer;
        gloo_timers::callback::Timeout::new(UNDO_SECONDS * 1000, move || {
            if offer.try_with_untracked(|o| o.as_ref().is_some_and(|(n, _, _)| *n == serial)) == Some(true) {
                offer.try_set(None);
            }
        })
        .forget();
    }
}

impl Default for UndoOffer {
    fn default() -> Self {
        UndoOffer::new()
    }
}

/// The toast that offers "Ångra" for the latest removal.
#[component]
pub fn UndoToast(ctx: PlanContext, offer: UndoOffer) -> impl IntoView {
    let undo = move |_| {
        if let Some((_, _, removed)) = offer.offer.get_untracked() {
            offer.offer.set(None);
            ctx.change(|doc| put_back(doc, &removed));
        }
    };
    view! {
        <div class="undo-toast no-print" role="status" aria-live="polite">
            {move || offer.offer.with(|o| o.as_ref().map(|(_, said, _)| said.clone())).map(|said| view! {
                <span>{said}</span>
                " "
                <button type="button" class="small" on:click=undo>"Ångra"</button>
            })}
        </div>
    }
}

/// Whether the person answers yes to `question` (the browser's own dialog:
/// keyboard, screen readers and a tablet all know it).
pub fn confirmed(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}
