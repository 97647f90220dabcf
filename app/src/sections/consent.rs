//! Samtycke: recorded before anything else is shared. Until the person (or
//! a guardian) has consented, the rest of the plan stays closed.
//!
//! The consent's state and log are on the plan's first screen; what the
//! consent covers and the form to record a decision are a chunk of their
//! own ([`super::consent_form`]), drawn once the plan's sections are (or at
//! once while there is no consent).

use leptos::prelude::*;
use shared::plan::{in_time_order, ConsentDecision, ConsentState};

use super::PlanContext;

/// The consent's state, its log, and (a chunk) what it covers and the form.
#[component]
pub fn ConsentSection(ctx: PlanContext) -> impl IntoView {
    let state = ctx.part(|p| Some(p.consent_state()));
    let state = move || state.get().unwrap_or(ConsentState::NotRecorded);
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
                // A child's plan with consent from some of the guardians: the
                // chunk says from whom it is missing.
                ConsentState::NotRecorded if !log().is_empty() => "Samtycket är inte klart än. Inget i planen delas förrän det är antecknat.",
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
                    <li>{format!("{}: {} ({}{}), antecknat av {}", e.date, e.decision.label(), e.form.in_sentence(),
                        if e.giver_name.is_empty() { String::new() } else { format!(", vårdnadshavare {}", e.giver_name) },
                        if e.recorded_by.is_empty() { "okänd" } else { &e.recorded_by })}</li>
                }).collect_view()}
            </ul>
            // The professionals record the person's decision; the person
            // reading "Hela planen" is told how to withdraw it.
            {move || (ctx.role.get() == Some(shared::Role::Person)).then(|| view! {
                <p>"Vill du ta tillbaka ditt samtycke? Säg det till din samordnare. Då avslutas planen."</p>
            })}
            <Show when=move || ctx.sections_shown.get() || state() != ConsentState::Given>
                <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, crate::chunks::PagePart::ConsentForm))}</Suspense>
            </Show>
        </section>
    }
}
