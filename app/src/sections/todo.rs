//! "Att göra" above the checklist: what has happened in the plan that
//! someone must act on (the person said a help did not happen, the
//! follow-up date has come), from [`shared::plan::todo`], with the reports
//! from the person's self-report document. An item leaves the list when it
//! is dealt with in the plan itself.

use leptos::prelude::*;
use shared::plan::todo::coordinator_todo;
use shared::self_reports::SelfReports;

use super::PlanContext;
use crate::clock::today;

/// The plan's to-do; nothing when nothing waits.
#[component]
pub fn PlanTodo(ctx: PlanContext) -> impl IntoView {
    let reports = super::self_reports::follow(ctx);
    let items = Memo::new(move |_| {
        let by_person = reports.with(|r| r.as_ref().map(SelfReports::help_not_given).unwrap_or_default());
        ctx.plan.get().map(|plan| coordinator_todo(&plan, &by_person, &today())).unwrap_or_default()
    });
    move || {
        let items = items.get();
        (!items.is_empty()).then(|| {
            view! {
                <aside class="plan-todo" aria-labelledby="plan-todo-heading">
                    <h2 id="plan-todo-heading">"Att göra"</h2>
                    <ul>{items.into_iter().map(|item| view! { <li>{item.text()}</li> }).collect_view()}</ul>
                </aside>
            }
        })
    }
}
