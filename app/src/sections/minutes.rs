//! The meeting's minutes (minnesanteckningar), read in the meeting view
//! once the chair has ended the meeting, and printed from there: the
//! blocks of `shared::plan::minutes`, drawn as the paper plan draws its
//! own ([`super::paper::block`]).

use leptos::prelude::*;
use shared::plan::Meeting;

use super::PlanContext;

/// The minutes of the meeting `meeting_id`, with "Skriv ut" and, for the
/// chair, "Återuppta mötet".
#[component]
pub fn Minutes(
    ctx: PlanContext,
    meeting_id: Memo<Option<String>>,
    leads: Memo<bool>,
    update: impl Fn(Box<dyn FnOnce(&mut Meeting)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let minutes = Memo::new(move |_| {
        let id = meeting_id.get()?;
        ctx.plan.with(|plan| shared::plan::minutes::minutes(plan.as_deref()?, &id))
    });
    let heading = NodeRef::<leptos::html::H3>::new();
    // Whoever ended the meeting comes here: the focus moves to the minutes.
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <article class="minutes" aria-labelledby="minutes-heading">
            <h3 id="minutes-heading" tabindex="-1" node_ref=heading>
                {move || minutes.with(|m| m.as_ref().map(|m| m.heading.clone()))}</h3>
            <div class="paper-section">
                {move || minutes.get().map(|m| m.blocks.into_iter().map(super::paper::block).collect_view())}
            </div>
            <div class="button-row no-print">
                <button type="button" on:click=|_| {
                    if let Some(window) = web_sys::window() {
                        let _ = window.print();
                    }
                }>"Skriv ut minnesanteckningarna"</button>
                {move || leads.get().then(|| view! {
                    <button type="button" on:click=move |_| update(Box::new(Meeting::resume))>"Återuppta mötet"</button>
                })}
            </div>
        </article>
    }
}
