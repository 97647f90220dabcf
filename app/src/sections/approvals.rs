//! Godkännande: each participant approves the plan as it is; the plan
//! shows who approved which version, and warns when it changed after.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::approvals::{approved_content, current_meeting};
use shared::plan::{edit, Meeting, Plan};

use super::{now_millis, PlanContext};
use crate::RepoHandle;

/// One line per participant: approved (which version, still current?) or a button.
#[component]
pub fn ApprovalsSection(ctx: PlanContext) -> impl IntoView {
    let rows = approval_rows(ctx);
    // Each approves in their own name; the chair (or the coordinator)
    // records the approval of someone without a device at the meeting.
    let approve = move |pid: String, name: String| {
        let Some(me) = ctx.me.get_untracked() else { return };
        ctx.change(|doc| {
            let plan = shared::plan::read_plan(&*doc)?;
            let meeting = match current_meeting(&plan) {
                Some(id) => id.clone(),
                None => edit::add_meeting(doc, &Meeting::default())?,
            };
            if pid == me {
                edit::approve(doc, &meeting, &pid, &name, now_millis())
            } else {
                let recorder =
                    plan.participants.get(&me).map(|p| p.name.trim().to_string()).unwrap_or_default();
                edit::record_oral_approval(doc, &meeting, &pid, &name, now_millis(), (&me, &recorder))
            }
        });
    };
    // Whether this device may record oral approvals: the chair of the
    // current meeting, or the coordinator.
    let records_oral = Memo::new(move |_| {
        let me = ctx.me.get();
        ctx.role.get() == Some(shared::Role::Coordinator)
            || ctx.plan.with(|plan| {
                plan.as_deref().is_some_and(|plan| {
                    let chair = current_meeting(plan)
                        .and_then(|m| plan.meetings.get(m))
                        .and_then(|m| m.chair.clone());
                    chair.is_some() && chair == me
                })
            })
    });
    let button = move |pid: String, name: String, again: bool| {
        let own = ctx.me.get().as_deref() == Some(pid.as_str());
        let text = match (own, again) {
            (true, false) => format!("Godkänn planen ({name})"),
            (true, true) => format!("Godkänn igen ({name})"),
            (false, _) if records_oral.get() => format!("Godkänt muntligt på mötet ({name})"),
            (false, _) => return None,
        };
        Some(view! {
            <button type="button" class="small no-print" on:click=move |_| approve(pid.clone(), name.clone())>{text}</button>
        })
    };
    view! {
        <section class="section" aria-labelledby="approvals-heading">
            <h2 id="approvals-heading">"Godkännande"</h2>
            <p class="hint">"Var och en godkänner planen som den ser ut nu. Ändras planen efteråt syns det här."</p>
            <ul class="approval-list">
                {move || rows.get().unwrap_or_default().into_iter().map(|(pid, name, status)| {
                    let (pid2, name2) = (pid.clone(), name.clone());
                    view! {
                        <li class="approval" data-participant=pid>
                            <span class="participant-name">{name.clone()}</span>": "
                            {match status {
                                Some((date, true, oral)) => view! { <span class="approved">{approved_text(&date, oral.as_deref())}</span> }.into_any(),
                                Some((date, false, oral)) => view! {
                                    <span class="changed-after" role="status">{format!("{}, men planen har ändrats efter det. ", approved_text(&date, oral.as_deref()).trim_end_matches('.'))}</span>
                                    {move || button(pid2.clone(), name2.clone(), true)}
                                }.into_any(),
                                None => view! {
                                    <span class="not-approved">"Har inte godkänt än. "</span>
                                    {move || button(pid2.clone(), name2.clone(), false)}
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// One participant's line: id, name, and when they approved, whether that
/// version is still current, and who recorded it if it was oral.
type ApprovalRow = (String, String, Option<(String, bool, Option<String>)>);

/// The lines of the approval list, as a memo: drawn again only when a line
/// changes, and each distinct approved version is compared with the plan
/// once per refresh (not once per participant: a whole-plan comparison each).
fn approval_rows(ctx: PlanContext) -> Memo<Option<Vec<ApprovalRow>>> {
    let repo = expect_context::<RepoHandle>();
    // What each approved version said (the plan without approvals), by
    // heads: read once per version, shared, not copied.
    let then_cache: StoredValue<HashMap<Vec<String>, Option<Arc<Plan>>>> = StoredValue::new(HashMap::new());
    Memo::new(move |_| {
        let plan = ctx.plan.get()?;
        // Made only when someone has approved.
        let now = std::cell::OnceCell::new();
        let approvals = current_meeting(&plan)
            .and_then(|m| plan.meetings.get(m))
            .map(|m| m.approvals.clone())
            .unwrap_or_default();
        let mut still_current: HashMap<Vec<String>, bool> = HashMap::new();
        let rows = plan
            .ordered_participants()
            .into_iter()
            .map(|(pid, participant)| {
                let status = approvals.get(pid).map(|record| {
                    let approval = &record.0;
                    let current = *still_current.entry(approval.heads.clone()).or_insert_with(|| {
                        let then = then_cache.try_update_value(|cache| {
                            cache
                                .entry(approval.heads.clone())
                                .or_insert_with(|| {
                                    repo.get()
                                        .plan_at(&ctx.id, &approval.heads)
                                        .map(|then| Arc::new(approved_content(&then)))
                                })
                                .clone()
                        });
                        then.flatten()
                            .is_some_and(|then| *then == *now.get_or_init(|| approved_content(&plan)))
                    });
                    let oral = approval.oral.then(|| approval.recorded_by.clone());
                    (super::day_of(approval.approved_at), current, oral)
                });
                (pid.clone(), participant.name.clone(), status)
            })
            .collect::<Vec<_>>();
        Some(rows)
    })
}

/// "Godkände planen 12 mars." or, recorded by the chair, "Godkände planen
/// muntligt på mötet 12 mars (antecknat av Karin Berg)."
fn approved_text(date: &str, oral: Option<&str>) -> String {
    match oral {
        Some(by) => format!("Godkände planen muntligt på mötet {date} (antecknat av {by})."),
        None => format!("Godkände planen {date}."),
    }
}
