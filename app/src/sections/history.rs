//! Historik: who changed the plan and when, from the Automerge history,
//! with people's names from the server (which knows whose each device's
//! actor id is), and the plan as it was after any of those edits.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::Actor;
use shared::plan::history::Section;
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

/// The plan as it was after one stretch of edits, and what was removed since.
#[derive(Clone)]
struct Then {
    label: String,
    head: String,
    text: String,
}

/// The history section: closed until opened, then read once per opening.
#[component]
pub fn HistorySection(id: DocumentId) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let entries = RwSignal::new(Vec::new());
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let shown = RwSignal::new(None::<Then>);
    let only = RwSignal::new(None::<Section>);
    let restored = RwSignal::new(None::<String>);
    let refresh = move || {
        let mut list = repo.get().history(&id);
        list.reverse();
        entries.set(list);
    };
    let load = move |ev: leptos::ev::Event| {
        let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
        if !open {
            return;
        }
        refresh();
        spawn_local(async move {
            if let Ok(actors) = api::get::<Vec<Actor>>(&format!("/api/plans/{id}/actors")).await {
                names.set(actors.into_iter().map(|a| (a.actor, a.name)).collect());
            }
        });
    };
    let name_of = move |actor: &str| {
        names
            .with(|n| n.iter().find(|(a, _)| a == actor).map(|(_, name)| name.clone()))
            .unwrap_or_else(|| "Okänd enhet".into())
    };
    let visible = move || {
        let only = only.get();
        entries.with(|list| {
            list.iter()
                .filter(|e| only.is_none_or(|s| e.sections.contains(&s)))
                .take(200)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="section no-print" aria-labelledby="history-heading">
            <details on:toggle=load>
                <summary><h2 id="history-heading" class="inline-heading">"Historik – vem ändrade vad och när"</h2></summary>
                <div class="field short">
                    <label for="history-filter">"Visa ändringar i"</label>
                    <select id="history-filter" on:change=move |ev| only.set(Section::from_key(&event_target_value(&ev)))>
                        <option value="">"Alla delar av planen"</option>
                        {Section::ALL.map(|s| view! { <option value=s.key()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                {move || {
                    let list = visible();
                    if list.is_empty() {
                        return view! { <p>"Inga ändringar att visa."</p> }.into_any();
                    }
                    view! {
                        <ol class="history-list" reversed>
                            {list.into_iter().map(|entry| {
                                let who = name_of(&entry.actor);
                                let when = if entry.until - entry.from >= 60 {
                                    format!("{} – {}", local_time(entry.from), local_time(entry.until))
                                } else {
                                    local_time(entry.from)
                                };
                                let edits = if entry.changes == 1 { "1 ändring".to_string() } else { format!("{} ändringar", entry.changes) };
                                let parts: Vec<&str> = entry.sections.iter().map(|s| s.label()).collect();
                                let head = entry.head.clone();
                                let label = format!("{when}, {who}");
                                view! {
                                    <li class="history-entry">
                                        <span>{format!("{when} · {who} · {edits}")}</span>
                                        {(!parts.is_empty()).then(|| view! {
                                            <span class="history-sections">{format!(" · {}", parts.join(", "))}</span>
                                        })}
                                        " "
                                        <button type="button" class="small" aria-label=format!("Visa planen som den var efter {label}")
                                            on:click=move |_| {
                                                let text = repo.get().plan_at(&id, std::slice::from_ref(&head))
                                                    .map(|plan| shared::plan::export::to_text(&plan))
                                                    .unwrap_or_else(|| "Planen gick inte att visa för den tidpunkten.".into());
                                                restored.set(None);
                                                shown.set(Some(Then { label: label.clone(), head: head.clone(), text }));
                                            }>"Visa planen då"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                {move || shown.get().map(|then| plan_then(then, repo, id, entries, restored, shown, refresh))}
            </details>
        </section>
    }
}

/// The plan as it was after a history entry, with what was removed since
/// and "Lägg tillbaka" for each removed item.
#[allow(clippy::too_many_arguments)]
fn plan_then(
    then: Then,
    repo: RepoHandle,
    id: DocumentId,
    entries: impl Track + Copy + Send + Sync + 'static,
    restored: RwSignal<Option<String>>,
    shown: RwSignal<Option<Then>>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let head = then.head.clone();
    let removed = move || {
        entries.track();
        repo.get().removed_since(&id, std::slice::from_ref(&head))
    };
    let head = then.head.clone();
    view! {
        <div class="plan-then">
            <h3>{format!("Planen efter {}", then.label)}</h3>
            <pre tabindex="0">{then.text.clone()}</pre>
            <h4>"Borttaget sedan dess"</h4>
            {move || restored.get().map(|r| view! { <p role="status">{r}</p> })}
            {move || {
                let items = removed();
                if items.is_empty() {
                    return view! { <p>"Inget av det som fanns då är borttaget."</p> }.into_any();
                }
                let head = head.clone();
                view! {
                    <ul class="removed-list">
                        {items.into_iter().map(|item| {
                            let what = format!("{}: {}", item.kind.label(),
                                if item.label.is_empty() { "(utan text)" } else { item.label.as_str() });
                            let head = head.clone();
                            let button_label = format!("Lägg tillbaka {what}");
                            let done = format!("Lagt tillbaka: {what}");
                            view! {
                                <li>
                                    <span>{what.clone()}</span> " "
                                    <button type="button" class="small" aria-label=button_label on:click=move |_| {
                                        match repo.get().restore(&id, std::slice::from_ref(&head), &item) {
                                            Ok(()) => restored.set(Some(done.clone())),
                                            Err(error) => restored.set(Some(format!("Det gick inte: {error}"))),
                                        }
                                        refresh();
                                    }>"Lägg tillbaka"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <button type="button" class="small" on:click=move |_| shown.set(None)>"Stäng"</button>
        </div>
    }
}
