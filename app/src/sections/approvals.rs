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
    let repo = expect_context::<RepoHandle>();
    // What each approved version said (the plan without approvals), by
    // heads: read once per version, shared, not copied.
    let then_cache: StoredValue<HashMap<Vec<String>, Option<Arc<Plan>>>> = StoredValue::new(HashMap::new());
    // A memo: the list is drawn again only when a line changes, and each
    // distinct approved version is compared with the plan once per refresh
    // (not once per participant: a whole-plan comparison each).
    let rows = Memo::new(move |_| {
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
                    (super::day_of(approval.approved_at), current)
                });
                (pid.clone(), participant.name.clone(), status)
            })
            .collect::<Vec<_>>();
        Some(rows)
    });
    let approve = move |pid: String, name: String| {
        ctx.change(|doc| {
            let plan = shared::plan::read_plan(&*doc)?;
            let meeting = match current_meeting(&plan) {
                Some(id) => id.clone(),
                None => edit::add_meeting(doc, &Meeting::default())?,
            };
            edit::approve(doc, &meeting, &pid, &name, now_millis())
        });
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
                                Some((date, true)) => view! { <span class="approved">{format!("Godkände planen {date}.")}</span> }.into_any(),
                                Some((date, false)) => view! {
                                    <span class="changed-after" role="status">{format!("Godkände planen {date}, men planen har ändrats efter det. ")}</span>
                                    <button type="button" class="small no-print" on:click=move |_| approve(pid2.clone(), name2.clone())>
                                        {format!("Godkänn igen ({name})")}</button>
                                }.into_any(),
                                None => view! {
                                    <span class="not-approved">"Har inte godkänt än. "</span>
                                    <button type="button" class="small no-print" on:click=move |_| approve(pid2.clone(), name2.clone())>
                                        {format!("Godkänn planen ({name})")}</button>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
