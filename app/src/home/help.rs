//! "Hjälp jag får" in Min plan: each help with who gives it and how it is
//! going (the latest status report in plain words), and "Det här blev inte
//! av" for the person to say that a promised help did not happen. It is
//! written in the self-report document ([`shared::self_reports::HelpNotGiven`]),
//! so that a relative who reports for the person (and only reads the plan)
//! can send it too; the coordinator sees it as a deviation in the plan's
//! to-do until someone reports the help's status again
//! ([`shared::plan::help_status`]).

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::{Deviation, Plan};
use shared::self_reports::{add_help_not_given, HelpNotGiven, SelfReports};
use shared::DocumentId;

use crate::clock::{now_millis, today};
use crate::RepoHandle;

/// One help as the list shows it.
#[derive(Debug, Clone, PartialEq)]
struct HelpLine {
    id: String,
    what: String,
    from: String,
    who: String,
    start: String,
    when: String,
    latest: Option<String>,
    comment: String,
    not_given: Option<String>,
}

fn help_lines(plan: &Plan, by_person: &[(String, Deviation)]) -> Vec<HelpLine> {
    plan.ordered_interventions()
        .into_iter()
        .map(|(id, i)| {
            let status = plan.help_status(id, by_person);
            HelpLine {
                id: id.clone(),
                what: i.what.as_str().trim().to_string(),
                from: [i.given_by(), i.unit.trim()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                who: i.responsible_person.trim().to_string(),
                start: i.start.as_deref().map(shared::swedish_time::long_date).unwrap_or_default(),
                when: i.time_plan.as_str().trim().to_string(),
                latest: status.as_ref().and_then(|s| s.latest.clone()),
                comment: status.as_ref().map(|s| s.comment.clone()).unwrap_or_default(),
                not_given: status.and_then(|s| s.not_given),
            }
        })
        .collect()
}

/// The help in the plan. `may_report`: whether this device may write in
/// the self-report document (the person, and a relative the person lets).
#[component]
pub fn HelpPart(
    id: DocumentId,
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> impl IntoView {
    let lines = Memo::new(move |_| {
        let by_person = reports.with(|r| r.as_ref().map(SelfReports::help_not_given).unwrap_or_default());
        plan.get().map(|p| help_lines(&p, &by_person)).unwrap_or_default()
    });
    view! {
        {move || {
            let list = lines.get();
            if list.is_empty() {
                return view! { <p>"Det står ingen hjälp i planen än."</p> }.into_any();
            }
            view! {
                <ul class="help-list">
                    {list.into_iter().map(|line| view! { <HelpItem id line plan reports_id may_report my_name /> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn HelpItem(
    id: DocumentId,
    line: HelpLine,
    plan: Memo<Option<Arc<Plan>>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> impl IntoView {
    let HelpLine { id: help_id, what, from, who, start, when, latest, comment, not_given } = line;
    let reported = not_given.is_some();
    view! {
        <li class="help-item">
            <p class="big-text" data-user-text>{what}</p>
            {(!from.is_empty()).then(|| view! { <p>"Från: " <span data-user-text>{from}</span></p> })}
            {(!who.is_empty()).then(|| view! { <p>"Vem: " <span data-user-text>{who}</span></p> })}
            {(!start.is_empty()).then(|| view! { <p>"Börjar: " {start}</p> })}
            {(!when.is_empty()).then(|| view! { <p>"När: " <span data-user-text>{when}</span></p> })}
            <p class="help-status">
                <strong>"Så går det: "</strong>
                {latest.unwrap_or_else(|| "Ingen har skrivit hur det går än.".to_string())}
            </p>
            {(!comment.is_empty()).then(|| view! { <p>"De skrev: " <span data-user-text>{comment}</span></p> })}
            {not_given.map(|text| view! {
                <p class="help-not-given">{text} " Din samordnare ser det och tar reda på vad som hände."</p>
            })}
            {move || (may_report.get() && reports_id.get().is_some() && !reported).then(|| {
                view! { <NotGivenForm id help_id=help_id.clone() plan reports_id my_name /> }
            })}
        </li>
    }
}

/// "Det här blev inte av": a button, then a few words if the person wants
/// and "Skicka".
#[component]
fn NotGivenForm(
    id: DocumentId,
    help_id: String,
    plan: Memo<Option<Arc<Plan>>>,
    reports_id: Memo<Option<DocumentId>>,
    my_name: RwSignal<String>,
) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let open = RwSignal::new(false);
    let words = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let field_id = format!("not-given-{help_id}");
    let help = StoredValue::new(help_id);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(rid) = reports_id.get_untracked() else { return };
        // In the name the participants list has for this device, if it is
        // one of them; else the name the member gave (a relative).
        let me = crate::api::remembered_participant(&id.to_string());
        let row = me.and_then(|me| {
            plan.get_untracked().and_then(|p| p.participants.get(&me).map(|p| p.name.trim().to_string()))
        });
        let name = row.filter(|n| !n.is_empty()).unwrap_or_else(|| my_name.get_untracked());
        let report = HelpNotGiven {
            intervention: help.get_value(),
            words: words.get_untracked(),
            date: today(),
            reported_at: now_millis(),
            reported_by: name,
        };
        let result = repo.get().change(&rid, |doc| add_help_not_given(doc, &report).map_err(Into::into));
        match result {
            Ok(_) => {
                open.set(false);
                problem.set(None);
            }
            Err(error) => problem.set(Some(error.to_string())),
        }
    };
    view! {
        <div class="not-given no-print" data-no-read>
            {move || if open.get() {
                view! {
                    <form on:submit=send>
                        <div class="field">
                            <label for=field_id.clone()>"Vad hände? Du måste inte skriva något."</label>
                            <textarea id=field_id.clone() rows="2" maxlength="500" prop:value=move || words.get()
                                on:input=move |ev| words.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="submit" class="primary">"Skicka till samordnaren"</button>
                        " "
                        <button type="button" on:click=move |_| open.set(false)>"Avbryt"</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="big" on:click=move |_| open.set(true)>"Det här blev inte av"</button>
                }.into_any()
            }}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </div>
    }
}
