//! Reporting how a goal goes: five large steps from "Mycket sämre" to
//! "Mycket bättre" (radio buttons: keyboard and screen reader work as for
//! any choice), a short note if the person wants, and the day. A report is
//! written to the self-report document on the device at once and synced
//! when there is a network.

use leptos::prelude::*;
use shared::self_reports::{add_self_report, rating_label, SelfReport, RATINGS};
use shared::DocumentId;

use crate::clock::{now_millis, today};
use crate::RepoHandle;

/// A mark for each step, so that the scale is seen without reading.
fn mark(rating: i64) -> &'static str {
    match rating {
        -2 => "−−",
        -1 => "−",
        0 => "=",
        1 => "+",
        _ => "++",
    }
}

/// The report form for goal `goal_id`, writing into `reports`.
#[component]
pub fn ReportForm(reports: DocumentId, goal_id: String, reporter: Signal<String>) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let rating = RwSignal::new(None::<i64>);
    let note = RwSignal::new(String::new());
    let day = RwSignal::new(today());
    let answer = RwSignal::new(None::<Result<String, String>>);
    let name = format!("rating-{goal_id}");
    let goal = StoredValue::new(goal_id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = rating.get_untracked() else {
            answer.set(Some(Err("Välj först hur det går.".into())));
            return;
        };
        let report = SelfReport {
            goal_id: goal.get_value(),
            rating: value,
            note: note.get_untracked().trim().to_string(),
            date: day.get_untracked(),
            reported_at: now_millis(),
            reported_by: reporter.get_untracked(),
        };
        let result = repo
            .get()
            .change(&reports, |doc| add_self_report(doc, &report).map_err(shared::plan::PlanError::from));
        answer.set(Some(match result {
            Ok(_) => {
                rating.set(None);
                note.set(String::new());
                Ok("Tack! Ditt svar är sparat.".into())
            }
            Err(error) => Err(error.to_string()),
        }));
    };
    let note_id = format!("note-{goal_id}");
    let day_id = format!("day-{goal_id}");
    view! {
        <form class="report-form no-print" on:submit=save>
            <fieldset class="rating-scale">
                <legend>"Hur går det nu?"</legend>
                <div class="rating-steps">
                    {RATINGS.map(|value| {
                        let id = format!("{name}-{value}");
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="rating-step" class:chosen=move || rating.get() == Some(value)>
                                <input type="radio" id=id name=name.clone() value=value.to_string()
                                    prop:checked=move || rating.get() == Some(value)
                                    on:change=move |_| rating.set(Some(value)) />
                                <span class="rating-mark" aria-hidden="true">{mark(value)}</span>
                                <span>{rating_label(value).unwrap_or("")}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for=note_id.clone()>"Vill du skriva något? Du måste inte."</label>
                <textarea id=note_id rows="2" maxlength="500" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field short">
                <label for=day_id.clone()>"Dag"</label>
                <input id=day_id type="date" prop:value=move || day.get() on:change=move |ev| day.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="primary big">"Spara mitt svar"</button>
            {move || answer.get().map(|a| match a {
                Ok(text) => view! { <p class="saved" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </form>
    }
}
