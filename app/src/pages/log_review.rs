//! `/loggkontroll`: log review for the account that reviews the access log
//! (a role of its own: `samplan-server user grant-review NAME`). Filter by
//! plan, person, account, organisation and dates; a random sample for the
//! regular check; the same as CSV. The server decides who may (everyone
//! else gets its refusal, which it logs), and logs each review.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::AccessLogLine;

use crate::api;

/// The filter's fields, in the order of the form: (query key, label).
const FIELDS: [(&str, &str); 4] = [
    ("plan", "Planens id"),
    ("person", "Personen planen gäller"),
    ("account", "Konto (namn)"),
    ("organisation", "Organisation"),
];

/// The query string of the filter (without `?`), values encoded.
fn query(values: &[(&str, String)]) -> String {
    values
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v.trim()))))
        .collect::<Vec<_>>()
        .join("&")
}

/// The review page.
#[component]
pub fn LogReviewPage() -> impl IntoView {
    let text: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let sample = RwSignal::new(String::new());
    let lines = RwSignal::new(None::<Result<Vec<AccessLogLine>, String>>);
    let filter = move || {
        let mut values: Vec<(&str, String)> =
            FIELDS.iter().zip(text).map(|((k, _), v)| (*k, v.get())).collect();
        values.extend([("from", from.get()), ("to", to.get()), ("sample", sample.get())]);
        query(&values)
    };
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = untrack(filter);
        lines.set(None);
        spawn_local(async move {
            let got = api::get::<Vec<AccessLogLine>>(&format!("/api/access-log?{q}")).await;
            lines.set(Some(got.map_err(|e| e.to_string())));
        });
    };
    view! {
        <main class="page log-review">
            <nav class="no-print"><a href="/">"Mina planer"</a></nav>
            <h1>"Loggkontroll"</h1>
            <p>"Vem har läst eller ändrat planer, och när. Välj vad du vill granska. Ett slumpat urval är till för den regelbundna kontrollen."</p>
            <form class="log-filter" on:submit=show>
                {FIELDS.iter().zip(text).map(|((key, label), value)| {
                    let id = format!("log-{key}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{*label}</label>
                            <input id=id type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                        </div>
                    }
                }).collect_view()}
                <div class="field short"><label for="log-from">"Från och med"</label>
                    <input id="log-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></div>
                <div class="field short"><label for="log-to">"Till och med"</label>
                    <input id="log-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></div>
                <div class="field short"><label for="log-sample">"Slumpat urval (antal rader, tomt för alla)"</label>
                    <input id="log-sample" type="number" min="1" max="10000" prop:value=move || sample.get() on:input=move |ev| sample.set(event_target_value(&ev)) /></div>
                <p class="button-row">
                    <button type="submit" class="primary">"Visa"</button>
                    <a class="button-link" download="loggkontroll.csv" href=move || format!("/api/access-log?{}&format=csv", filter())>"Ladda ner som CSV"</a>
                </p>
            </form>
            {move || match lines.get() {
                None => ().into_any(),
                Some(Err(reason)) => view! { <p class="error" role="alert">{reason}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p role="status">"Inga rader med det urvalet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <p role="status">{format!("{} rader.", list.len())}</p>
                    <table class="log-table">
                        <thead><tr>
                            {["Tid", "Vem", "Organisation", "Roll", "Plan", "Personen", "Vad", "Enhet", "Mer"].map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|l| view! {
                                <tr>
                                    <td>{shared::swedish_time::when_in_words(l.at, crate::clock::now_millis())}</td>
                                    <td>{format!("{} ({})", l.name, l.principal)}</td>
                                    <td>{l.organisation}</td>
                                    <td>{l.role}</td>
                                    <td>{l.plan.unwrap_or_default()}</td>
                                    <td>{l.person}</td>
                                    <td>{if l.offline { format!("{} (utan nät)", l.action) } else { l.action }}</td>
                                    <td>{l.device}</td>
                                    <td>{l.detail}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </main>
    }
}
