//! "Att göra" above the checklist: what has happened in the plan that
//! someone must act on (the person said a help did not happen, the
//! follow-up date has come), from [`shared::plan::todo`]. An item leaves
//! the list when it is dealt with in the plan itself.

use leptos::prelude::*;
use shared::plan::todo::coordinator_todo;

use super::PlanContext;
use crate::clock::today;

/// The plan's to-do; nothing when nothing waits.
#[component]
pub fn PlanTodo(ctx: PlanContext) -> impl IntoView {
    let items =
        Memo::new(move |_| ctx.plan.get().map(|plan| coordinator_todo(&plan, &today())).unwrap_or_default());
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
