//! "Vem har sett planen" for the coordinator: who has read or changed the
//! plan, and when, from the server's access log (the same list the person
//! sees in Min plan, `GET /api/plans/<id>/access-log`). In the sharing
//! chunk, beside who is in the plan.

use leptos::prelude::*;
use shared::api::{lines_in_words, PlanAccessEntry};
use shared::DocumentId;

use crate::api;
use crate::clock::now_millis;

/// How many lines are shown before "Visa alla".
const FIRST_LINES: usize = 15;

/// The list, newest first, fetched when opened.
#[component]
pub fn PlanAccessLog(id: DocumentId) -> impl IntoView {
    let open = RwSignal::new(false);
    let all = RwSignal::new(false);
    let entries = LocalResource::new(move || {
        let wanted = open.get();
        async move {
            if !wanted {
                return None;
            }
            Some(api::get::<Vec<PlanAccessEntry>>(&format!("/api/plans/{id}/access-log")).await)
        }
    });
    view! {
        <h3>"Vem har sett planen"</h3>
        <p class="hint">"Alla som har läst eller ändrat planen, och när. Personen ser samma lista i Min plan."</p>
        {move || if !open.get() {
            view! { <p><button type="button" on:click=move |_| open.set(true)>"Visa vem som har sett planen"</button></p> }.into_any()
        } else {
            match entries.get().flatten() {
                None => view! { <p>"Hämtar …"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(list)) => {
                    let lines = lines_in_words(&list, now_millis());
                    let shown = if all.get() { lines.len() } else { FIRST_LINES };
                    let more = lines.len() > shown;
                    view! {
                        <ul class="seen-list">
                            {lines.into_iter().take(shown).map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ul>
                        {more.then(|| view! {
                            <p><button type="button" on:click=move |_| all.set(true)>"Visa alla"</button></p>
                        })}
                    }.into_any()
                }
            }
        }}
    }
}
