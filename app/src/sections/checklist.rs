//! The legal minimum of a SIP as a checklist that is always in view: what
//! the plan still lacks, in plain Swedish.

use leptos::prelude::*;
use shared::plan::completeness;

use super::PlanContext;

/// "Det här behöver planen": every requirement, met or not.
#[component]
pub fn Checklist(ctx: PlanContext) -> impl IntoView {
    // A memo: checked once per refresh of the plan, drawn again only when a result changes.
    let checks =
        Memo::new(move |_| ctx.plan.get().map(|plan| completeness::check(&plan)).unwrap_or_default());
    let remaining = move || checks.with(|checks| checks.iter().filter(|c| !c.met).count());
    view! {
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
                {move || checks.get().into_iter().map(|check| {
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
    }
}
