//! The legal minimum of a SIP as a checklist that is always in view: what
//! the plan still lacks, in plain Swedish.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::plan::approvals::approval_state;
use shared::plan::{completeness, Plan};

use super::PlanContext;
use crate::RepoHandle;

/// "Det här behöver planen": every requirement, met or not, and whether
/// the plan as it is now is approved.
#[component]
pub fn Checklist(ctx: PlanContext) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    // Each approved version read once (without its approvals), by heads.
    let versions: StoredValue<HashMap<Vec<String>, Option<Plan>>> = StoredValue::new(HashMap::new());
    // A memo: checked once per refresh of the plan, drawn again only when a result changes.
    let checks = Memo::new(move |_| {
        let Some(plan) = ctx.plan.get() else { return Vec::new() };
        let approval = approval_state(&plan, |heads| {
            versions
                .try_update_value(|cache| {
                    cache.entry(heads.to_vec()).or_insert_with(|| repo.get().plan_at(&ctx.id, heads)).clone()
                })
                .flatten()
        });
        completeness::check_with_approval(&plan, approval)
    });
    let remaining = move || checks.with(|checks| checks.iter().filter(|c| !c.met).count());
    // One column beside the plan on a laptop: the to-do above the
    // checklist (each alone would be an item of the plan's grid).
    view! {
        <div class="plan-side">
        <super::todo::PlanTodo ctx />
        <aside class="checklist" aria-labelledby="checklist-heading">
            <h2 id="checklist-heading">"Det här behöver planen"</h2>
            <p class="checklist-summary" role="status">
                {move || match remaining() {
                    0 => "Planen har allt som lagen kräver.".to_string(),
                    1 => "1 sak saknas.".to_string(),
                    n => format!("{n} saker saknas."),
                }}
            </p>
            <ul>
                // What is missing first: on a laptop the list is taller than
                // the screen, and its end would be out of view.
                {move || {
                    let mut checks = checks.get();
                    checks.sort_by_key(|check| check.met);
                    checks
                }.into_iter().map(|check| {
                    let class = if check.met { "met" } else { "missing" };
                    let mark = if check.met { "✓ Klart: " } else { "✗ Saknas: " };
                    view! {
                        <li class=class>
                            <span class="mark">{mark}</span>
                            {check.requirement.label()}
                            {check.detail.map(|d| view! { <span class="detail">" – "{d}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </aside>
        </div>
    }
}
