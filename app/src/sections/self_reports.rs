//! The person's self-reports in the plan editor. The coordinator's app
//! makes the plan's self-report document once (the server then lets only
//! the person, and those they let, write it); the follow-up view shows
//! each goal's reports beside it, as the person sees them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::SelfReportsRequest;
use shared::plan::edit;
use shared::plan::ConsentState;
use shared::self_reports::{SelfReports, SHORT_QUESTIONS};
use shared::DocumentId;

use super::PlanContext;
use crate::components::progress_chart::ProgressChart;
use crate::repo::Connection;
use crate::RepoHandle;

/// Where a coordinator's device remembers a self-report document it made
/// but could not link yet (offline), so that it is not made twice.
fn pending_key(plan: &DocumentId) -> String {
    format!("samplan-rapporter-{plan}")
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

/// When the coordinator has the plan open and online and the plan has no
/// self-report document yet: make it, wait until the server has it, link
/// it on the server and in the plan.
pub fn ensure_document(ctx: PlanContext, coordinator: Signal<bool>) {
    let repo = expect_context::<RepoHandle>();
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let online = repo.get().connection.get() == Connection::Online;
        // Decided on the plan as the server has it: a device with an old
        // copy must not make a second document.
        let synced = repo.get().open(ctx.id).save_state.get() == crate::repo::SaveState::Synced;
        let missing = ctx.plan.get().is_some_and(|p| p.self_reports.is_none()) && synced;
        if !(online && missing && coordinator.get()) || started.get_value() {
            return;
        }
        started.set_value(true);
        spawn_local(crate::chunks::self_reports_document(repo, ctx.id));
    });
}

/// Make the self-report document of plan `plan_id` (or take the one this
/// device made before and could not link), wait until the server has it,
/// link it on the server and in the plan. In a wasm chunk of its own
/// ([`crate::chunks::self_reports_document`]): it runs once per plan.
pub fn make_document(repo: RepoHandle, plan_id: DocumentId) {
    spawn_local(async move {
        let repo = repo.get();
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        let pending = storage
            .as_ref()
            .and_then(|s| s.get_item(&pending_key(&plan_id)).ok().flatten())
            .and_then(|id| DocumentId::parse_url_or_id(&id).ok());
        let reports_id = match pending {
            Some(id) => {
                repo.open(id);
                id
            }
            None => match repo.create_self_reports(&plan_id).await {
                Ok(id) => {
                    if let Some(s) = &storage {
                        let _ = s.set_item(&pending_key(&plan_id), &id.to_string());
                    }
                    id
                }
                Err(error) => {
                    warn(&format!("Kunde inte skapa dokumentet för personens rapporter: {error}"));
                    return;
                }
            },
        };
        // The server makes the document when it first gets it.
        for _ in 0..150 {
            if repo.is_synced(&reports_id) {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(200).await;
        }
        let body = SelfReportsRequest { document_id: reports_id.to_string() };
        let path = format!("/api/plans/{plan_id}/self-reports");
        // The answer names the plan's document: this one, or one this
        // device linked before and lost from its copy of the plan (a reload
        // before the link was stored).
        match crate::api::post::<_, SelfReportsRequest>(&path, &body).await {
            Ok(linked) => {
                if let Err(error) =
                    repo.change(&plan_id, |doc| edit::link_self_reports(doc, &linked.document_id))
                {
                    warn(&error.to_string());
                }
                if let Some(s) = &storage {
                    let _ = s.remove_item(&pending_key(&plan_id));
                }
            }
            // Tried again the next time the plan is opened.
            Err(error) => warn(&format!("Kunde inte koppla personens rapporter till planen: {error}")),
        }
    });
}

/// The plan's self-reports, followed live (`None` until the plan names its
/// document and the document is here). Opened once the plan's sections are
/// drawn: reading a second document from the device is no part of opening
/// the plan (the to-do above the checklist gets the person's reports a
/// moment later).
pub fn follow(ctx: PlanContext) -> Memo<Option<SelfReports>> {
    let repo = expect_context::<RepoHandle>();
    let reports_id = Memo::new(move |_| {
        let plan = ctx.plan.get()?;
        // (A plan not consented to has no sections to wait for.)
        if !ctx.sections_shown.get() && plan.consent_state() == ConsentState::Given {
            return None;
        }
        plan.self_reports.as_deref().and_then(|r| DocumentId::parse_url_or_id(r).ok())
    });
    let version = Memo::new(move |_| reports_id.get().map(|rid| repo.get().open(rid).version));
    Memo::new(move |_| {
        let rid = reports_id.get()?;
        version.get()?.track();
        repo.get().self_reports(&rid)
    })
}

/// One goal's self-reports, as a chart and a list (nothing while there are none).
#[component]
pub fn GoalReports(reports: Memo<Option<SelfReports>>, goal_id: String, heading_id: String) -> impl IntoView {
    let goal_id = StoredValue::new(goal_id);
    move || {
        let list: Vec<_> = reports
            .get()
            .map(|r| r.for_goal(&goal_id.read_value()).into_iter().cloned().collect())
            .unwrap_or_default();
        (!list.is_empty()).then(|| {
            view! {
                <div class="goal-self-reports">
                    <p><strong>"Personens egna svar om hur det går"</strong></p>
                    <ProgressChart reports=list heading_id=heading_id.clone() />
                </div>
            }
        })
    }
}

/// The person's answers after each meeting ("Hur var mötet för dig?"),
/// meeting by meeting, oldest first: how their sense of taking part goes
/// over time.
#[component]
pub fn TakingPartOverTime(ctx: PlanContext, reports: Memo<Option<SelfReports>>) -> impl IntoView {
    let rows = Memo::new(move |_| {
        let plan = ctx.plan.get();
        reports
            .get()
            .map(|r| {
                r.taking_part_over_time()
                    .into_iter()
                    .map(|a| {
                        let kind = plan
                            .as_deref()
                            .and_then(|p| p.meetings.get(&a.meeting_id))
                            .map_or("Möte", |m| m.kind.label());
                        let when = format!("{kind} {}", shared::swedish_time::long_date(&a.meeting_date));
                        (when, a.answers.map(|x| x.label()), a.note.clone(), a.reported_by.clone())
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    move || {
        if rows.with(Vec::is_empty) {
            return view! { <p>"Personen har inte svarat på frågorna efter något möte än. Frågorna kommer i Min plan när ett möte är över."</p> }.into_any();
        }
        view! {
            <table class="taking-part-table">
                <caption class="visually-hidden">"Personens svar efter varje möte"</caption>
                <thead><tr>
                    <th scope="col">"Möte"</th>
                    {SHORT_QUESTIONS.iter().map(|q| view! { <th scope="col">{*q}</th> }).collect_view()}
                    <th scope="col">"Mer om mötet"</th>
                </tr></thead>
                <tbody>
                    {rows.get().into_iter().map(|(when, answers, note, by)| view! {
                        <tr>
                            <th scope="row">{when}</th>
                            {answers.into_iter().map(|a| view! { <td>{a}</td> }).collect_view()}
                            <td>{note}{(!by.is_empty()).then(|| format!(" (svarat av {by})"))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    }
}
