//! Personens förberedelse (seed 001): the person's own words before the
//! meeting — what matters, needs, strengths, obstacles, what they can do
//! themselves, questions to raise or avoid. The person fills it at home
//! ("Min plan" → "Inför mötet") or together with someone; it is the same
//! part of the plan, so the answers are here for the meeting at once.

use leptos::prelude::*;
use shared::plan::{edit, PreparationField, TextPath};

use super::PlanContext;
use crate::components::field::InputField;
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
                <Interpreter ctx />
                <p class="hint">"Med personens egna ord. Personen kan fylla i det här hemma, i Min plan."</p>
                {move || open.get().then(|| PreparationField::ALL.into_iter().map(|field| view! {
                    <TextAt id=ctx.id path=TextPath::Preparation(field) label=field.label().to_string() multiline=true />
                }).collect_view())}
            </details>
        </section>
    }
}

/// Interpreter and language (seed 000): on the paper plan as "Tolk" and
/// "Språk"; the person's own words about what they need are among the
/// questions ("Det här behöver jag för att kunna vara med").
#[component]
fn Interpreter(ctx: PlanContext) -> impl IntoView {
    let needed = ctx.part(|p| p.person.interpreter_needed);
    let language = ctx.part(|p| p.person.language.clone());
    let language = Signal::derive(move || language.get());
    view! {
        <div class="field-row">
            <label class="choice">
                <input type="checkbox" prop:checked=move || needed.get() on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    ctx.change(|doc| edit::set_interpreter_needed(doc, on));
                } />
                " Personen behöver tolk"
            </label>
            <InputField id="person-language" label="Språk" value=language
                on_value=Callback::new(move |v: String| { ctx.change(|doc| edit::set_language(doc, &v)); }) />
        </div>
    }
}
