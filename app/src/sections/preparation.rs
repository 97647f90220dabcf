//! Personens förberedelse (seed 001): the person's own words before the
//! meeting — what matters, needs, strengths, obstacles, what they can do
//! themselves, questions to raise or avoid. The person fills it at home
//! ("Min plan" → "Inför mötet") or together with someone; it is the same
//! part of the plan, so the answers are here for the meeting at once.

use leptos::prelude::*;
use shared::plan::{PreparationField, TextPath};

use super::PlanContext;
use crate::components::text_field::TextAt;

/// The preparation questions, each a live text field; closed until opened
/// (eleven more live fields would cost every keystroke in the plan).
#[component]
pub fn PreparationSection(ctx: PlanContext) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <section class="section" aria-labelledby="preparation-heading">
            <h2 id="preparation-heading">"Personens förberedelse"</h2>
            <details class="preparation" on:toggle=move |ev| {
                open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open());
            }>
                <summary>"Visa personens svar inför mötet"</summary>
                <p class="hint">"Med personens egna ord. Personen kan fylla i det här hemma, i Min plan."</p>
                {move || open.get().then(|| PreparationField::ALL.into_iter().map(|field| view! {
                    <TextAt id=ctx.id path=TextPath::Preparation(field) label=field.label().to_string() multiline=true />
                }).collect_view())}
            </details>
        </section>
    }
}
