//! "Hur var mötet för dig?": after a meeting, Min plan asks the person
//! three short questions about taking part (in the manner of SIP-kollen:
//! [`shared::self_reports::QUESTIONS`]), answered "Ja", "Delvis" or "Nej".
//! The answers go into the self-report document on the device at once and
//! reach the coordinator when there is a network; the coordinator sees
//! them meeting by meeting ([`crate::sections::self_reports`]).

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::Plan;
use shared::self_reports::{add_taking_part, SelfReports, TakingPart, TakingPartAnswer, QUESTIONS};
use shared::DocumentId;

use crate::clock::{now_millis, today};
use crate::RepoHandle;

/// The card, shown after a meeting until the person has answered about it
/// (then once more, to thank them).
#[component]
pub fn TakingPartCard(
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> impl IntoView {
    let held = Memo::new(move |_| plan.get().and_then(|p| p.meeting_held(&today())));
    let answered_now = RwSignal::new(None::<String>);
    let unanswered = move || {
        let meeting = held.get()?;
        let answered =
            reports.with(|r| r.as_ref().is_some_and(|r| r.taking_part_about(&meeting.id).is_some()));
        (!answered && may_report.get() && reports_id.get().is_some()).then_some(meeting)
    };
    view! {
        {move || match (unanswered(), answered_now.get()) {
            (_, Some(when)) => view! {
                <section class="taking-part" aria-labelledby="taking-part-heading">
                    <h2 id="taking-part-heading">"Tack för dina svar"</h2>
                    <p role="status">{format!("Dina svar om mötet {when} är sparade. Din samordnare ser dem.")}</p>
                </section>
            }.into_any(),
            (Some(meeting), None) => view! {
                <Questions meeting_id=meeting.id meeting_date=meeting.date when=meeting.when.clone()
                    reports_id my_name answered_now />
            }.into_any(),
            (None, None) => ().into_any(),
        }}
    }
}

/// The three questions about one meeting.
#[component]
fn Questions(
    meeting_id: String,
    meeting_date: String,
    when: String,
    reports_id: Memo<Option<DocumentId>>,
    my_name: RwSignal<String>,
    answered_now: RwSignal<Option<String>>,
) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let answers: [RwSignal<Option<TakingPartAnswer>>; 3] = std::array::from_fn(|_| RwSignal::new(None));
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let meeting = StoredValue::new((meeting_id, meeting_date, when.clone()));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let [Some(a), Some(b), Some(c)] = answers.map(|a| a.get_untracked()) else {
            problem.set(Some("Svara på alla tre frågorna först.".into()));
            return;
        };
        let Some(rid) = reports_id.get_untracked() else { return };
        let (meeting_id, meeting_date, when) = meeting.get_value();
        let record = TakingPart {
            meeting_id,
            meeting_date,
            answers: [a, b, c],
            note: note.get_untracked().trim().to_string(),
            reported_at: now_millis(),
            reported_by: my_name.get_untracked(),
        };
        let result = repo
            .get()
            .change(&rid, |doc| add_taking_part(doc, &record).map_err(shared::plan::PlanError::from));
        match result {
            Ok(_) => answered_now.set(Some(when)),
            Err(error) => problem.set(Some(error.to_string())),
        }
    };
    view! {
        <section class="taking-part" aria-labelledby="taking-part-heading">
            <h2 id="taking-part-heading">"Hur var mötet för dig?"</h2>
            <p>{format!("Mötet om din plan var {when}. Svara på tre korta frågor. Din samordnare ser svaren och kan göra nästa möte bättre.")}</p>
            <form on:submit=send>
                {QUESTIONS.iter().enumerate().map(|(number, question)| {
                    let answer = answers[number];
                    view! {
                        <fieldset class="taking-part-question">
                            <legend>{*question}</legend>
                            <div class="choice-row">
                                {TakingPartAnswer::ALL.iter().map(|&choice| view! {
                                    <label class="choice big-choice">
                                        <input type="radio" name=format!("taking-part-{number}")
                                            prop:checked=move || answer.get() == Some(choice)
                                            on:change=move |_| answer.set(Some(choice)) />
                                        " " {choice.label()}
                                    </label>
                                }).collect_view()}
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
                <div class="field">
                    <label for="taking-part-note">"Vill du säga något mer om mötet? Du måste inte skriva något."</label>
                    <textarea id="taking-part-note" rows="2" maxlength="1000" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="primary big">"Skicka mina svar"</button>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            </form>
        </section>
    }
}
