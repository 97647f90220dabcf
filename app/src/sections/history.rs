//! Historik: who changed the plan and when, from the Automerge history,
//! with people's names from the server (which knows whose each device's
//! actor id is), and the plan as it was after any of those edits.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::DocumentId;

use crate::api;
use crate::RepoHandle;

/// A time (seconds since 1970) as the device's local date and time.
fn local_time(seconds: i64) -> String {
    if seconds <= 0 {
        return "okänd tid".into();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("sv-SE", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The history section: closed until opened, then read once per opening.
#[component]
pub fn HistorySection(id: DocumentId) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let entries = RwSignal::new(Vec::new());
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let shown = RwSignal::new(None::<(String, String)>);
    let load = move |ev: leptos::ev::Event| {
        let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
        if !open {
            return;
        }
        let mut list = repo.get().history(&id);
        list.reverse();
        list.truncate(200);
        entries.set(list);
        spawn_local(async move {
            if let Ok(answer) = api::call("GET", &format!("/api/plans/{id}/actors"), None).await {
                names.set(
                    api::items(&answer)
                        .iter()
                        .filter_map(|a| Some((api::field(a, "actor")?, api::field(a, "name")?)))
                        .collect(),
                );
            }
        });
    };
    let name_of = move |actor: &str| {
        names
            .with(|n| n.iter().find(|(a, _)| a == actor).map(|(_, name)| name.clone()))
            .unwrap_or_else(|| "Okänd enhet".into())
    };
    view! {
        <section class="section no-print" aria-labelledby="history-heading">
            <details on:toggle=load>
                <summary><h2 id="history-heading" class="inline-heading">"Historik – vem ändrade vad och när"</h2></summary>
                <ol class="history-list" reversed>
                    {move || entries.get().into_iter().map(|entry| {
                        let who = name_of(&entry.actor);
                        let when = if entry.until - entry.from >= 60 {
                            format!("{} – {}", local_time(entry.from), local_time(entry.until))
                        } else {
                            local_time(entry.from)
                        };
                        let edits = if entry.changes == 1 { "1 ändring".to_string() } else { format!("{} ändringar", entry.changes) };
                        let head = entry.head.clone();
                        let label = format!("{when}, {who}");
                        view! {
                            <li class="history-entry">
                                <span>{format!("{when} · {who} · {edits}")}</span>
                                " "
                                <button type="button" class="small" aria-label=format!("Visa planen som den var efter {label}")
                                    on:click=move |_| {
                                        let text = repo.get().plan_at(&id, std::slice::from_ref(&head))
                                            .map(|plan| shared::plan::export::to_text(&plan))
                                            .unwrap_or_else(|| "Planen gick inte att visa för den tidpunkten.".into());
                                        shown.set(Some((label.clone(), text)));
                                    }>"Visa planen då"</button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {move || shown.get().map(|(label, text)| view! {
                    <div class="plan-then">
                        <h3>{format!("Planen efter {label}")}</h3>
                        <pre tabindex="0">{text}</pre>
                        <button type="button" class="small" on:click=move |_| shown.set(None)>"Stäng"</button>
                    </div>
                })}
            </details>
        </section>
    }
}
