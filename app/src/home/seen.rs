//! "Vem har sett min plan": who has read or changed the person's plan, and
//! when, in plain words ("Olle Svensson, läste planen, idag 14:02"), from
//! the server's access log (`GET /api/plans/<id>/access-log`,
//! [`shared::api::PlanAccessEntry`]). Health care lets patients see who
//! has read their records; the person sees the same of their plan.

use leptos::prelude::*;
use shared::api::{lines_in_words, PlanAccessEntry};
use shared::DocumentId;

use crate::api;
use crate::clock::now_millis;

/// How many lines are shown before "Visa alla".
const FIRST_LINES: usize = 20;

/// The list, newest first.
#[component]
pub fn SeenPart(id: DocumentId) -> impl IntoView {
    let entries = LocalResource::new(move || async move {
        api::get::<Vec<PlanAccessEntry>>(&format!("/api/plans/{id}/access-log")).await
    });
    let all = RwSignal::new(false);
    view! {
        <p>"Här ser du vem som har läst eller ändrat din plan, och när. Det senaste står först."</p>
        {move || match entries.get() {
            None => view! { <p>"Hämtar …"</p> }.into_any(),
            Some(Err(_)) => view! { <p>"Du behöver nät för att se det här."</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>"Ingen har läst din plan än."</p> }.into_any(),
            Some(Ok(list)) => {
                let lines = lines_in_words(&list, now_millis());
                let more = lines.len() > FIRST_LINES;
                let shown = if all.get() { lines.len() } else { FIRST_LINES };
                view! {
                    <ul class="seen-list">
                        {lines.into_iter().take(shown).map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                    {(more && !all.get()).then(|| view! {
                        <button type="button" class="big" on:click=move |_| all.set(true)>"Visa alla"</button>
                    })}
                }.into_any()
            }
        }}
    }
}
