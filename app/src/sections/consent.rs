//! Samtycke: recorded before anything else is shared. Until the person (or
//! a guardian) has consented, the rest of the plan stays closed.

use leptos::prelude::*;
use shared::plan::{
    edit, in_time_order, ConsentDecision, ConsentEntry, ConsentForm, ConsentGiver, ConsentState,
};

use super::{now_millis, today, PlanContext};
use crate::components::second_chance::confirmed;

/// The consent log and the form to record a decision.
#[component]
pub fn ConsentSection(ctx: PlanContext) -> impl IntoView {
    let form = RwSignal::new(ConsentForm::Oral);
    let state = ctx.part(|p| Some(p.consent_state()));
    let state = move || state.get().unwrap_or(ConsentState::NotRecorded);
    let record = move |decision: ConsentDecision| {
        if decision == ConsentDecision::Withdrawn
            && !confirmed("Tar personen tillbaka sitt samtycke? Då avslutas planen för alla.")
        {
            return;
        }
        let Some(signer) = ctx.signer() else { return };
        let entry = ConsentEntry {
            decision,
            form: form.get_untracked(),
            giver: ConsentGiver::Person,
            giver_name: String::new(),
            date: today(),
            recorded_by: signer.name,
            author: signer.author,
            comment: String::new(),
            recorded_at: now_millis(),
        };
        ctx.change(|doc| edit::record_consent(doc, &entry));
    };
    let log = move || {
        ctx.plan
            .get()
            .map(|p| {
                in_time_order(p.consent.values().map(|r| &r.0).collect())
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="section" aria-labelledby="consent-heading">
            <h2 id="consent-heading">"Samtycke"</h2>
            <p class="consent-state" role="status">{move || match state() {
                ConsentState::NotRecorded => "Personen har inte lämnat samtycke än. Inget i planen delas förrän samtycket är antecknat.",
                // Given after a withdrawal: `shared::plan::Lifecycle::Reopened`.
                ConsentState::Given if log().iter().any(|e| e.decision == ConsentDecision::Withdrawn) =>
                    "Personen har samtyckt igen. Planen är öppnad igen och delas med deltagarna.",
                ConsentState::Given => "Personen har samtyckt till att planen görs och delas med deltagarna.",
                ConsentState::Refused => "Personen har inte samtyckt. Planen får inte göras.",
                ConsentState::Withdrawn => "Personen har tagit tillbaka sitt samtycke. Planen är avslutad.",
            }}</p>
            <ul class="consent-log">
                {move || log().into_iter().map(|e| view! {
                    <li>{format!("{}: {} ({}), antecknat av {}", e.date, e.decision.label(), e.form.in_sentence(),
                        if e.recorded_by.is_empty() { "okänd" } else { &e.recorded_by })}</li>
                }).collect_view()}
            </ul>
            // The professionals record the person's decision; the person
            // reading "Hela planen" is told how to withdraw it.
            {move || (ctx.role.get() == Some(shared::Role::Person)).then(|| view! {
                <p>"Vill du ta tillbaka ditt samtycke? Säg det till din samordnare. Då avslutas planen."</p>
            })}
            <fieldset class="consent-form" hidden=move || ctx.role.get() == Some(shared::Role::Person)>
                <legend>"Anteckna personens beslut"</legend>
                <div class="choice-row" role="radiogroup" aria-label="Hur samtycket lämnades">
                    <label class="choice"><input type="radio" name="consent-form" checked=move || form.get() == ConsentForm::Oral
                        on:change=move |_| form.set(ConsentForm::Oral) />" Muntligt"</label>
                    <label class="choice"><input type="radio" name="consent-form" checked=move || form.get() == ConsentForm::Written
                        on:change=move |_| form.set(ConsentForm::Written) />" Skriftligt"</label>
                </div>
                <super::SignedAs ctx />
                <div class="button-row">
                    <button type="button" class="primary" on:click=move |_| record(ConsentDecision::Given)>"Personen samtycker"</button>
                    <button type="button" on:click=move |_| record(ConsentDecision::Refused)>"Personen samtycker inte"</button>
                    {move || (state() == ConsentState::Given).then(|| view! {
                        <button type="button" on:click=move |_| record(ConsentDecision::Withdrawn)>"Samtycket tas tillbaka"</button>
                    })}
                </div>
            </fieldset>
        </section>
    }
}
