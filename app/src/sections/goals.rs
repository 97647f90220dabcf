//! Mål och delmål: goals in the person's own words, each with SMART
//! sub-goals; reordered with buttons (keyboard and touch) as a one-field
//! move that merges with what others do at the same time.

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::undo::Removed;
use shared::plan::{edit, Plan, SubGoal, SubGoalText, TextPath};

use super::PlanContext;
use crate::components::field::{non_empty, InputField};
use crate::components::progressive::progressive_limit;
use crate::components::reorder;
use crate::components::second_chance::{UndoOffer, UndoToast};
use crate::components::text_field::TextAt;

/// Move item `id` of `ids` one step up or down: "before" is the item it
/// should end up in front of (`None`: last).
pub fn move_target(ids: &[String], id: &str, up: bool) -> Option<Option<String>> {
    let at = ids.iter().position(|x| x == id)?;
    if up {
        (at > 0).then(|| Some(ids[at - 1].clone()))
    } else if at + 1 < ids.len() {
        Some(ids.get(at + 2).cloned())
    } else {
        None
    }
}

/// Every goal with its sub-goals, and the button to add a goal.
#[component]
pub fn GoalsSection(ctx: PlanContext) -> impl IntoView {
    // Made again only when the goals changed.
    let goals_changed = ctx.item(|p| Some(&p.goals));
    let goal_ids = Memo::new(move |_| {
        goals_changed
            .get()
            .map(|p| p.ordered_goals().into_iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let shown = progressive_limit(move || goal_ids.with(Vec::len));
    let add_goal = move |_| {
        ctx.change(|doc| edit::add_goal(doc, ""));
    };
    let undo = UndoOffer::new();
    view! {
        <section class="section" aria-labelledby="goals-heading">
            <h2 id="goals-heading">"Mål och delmål"</h2>
            <p class="hint">"Skriv målen med personens egna ord. Delmålen ska gå att mäta och ha ett datum."</p>
            <ol class="goal-list">
                <For each={move || goal_ids.get().into_iter().enumerate().take(shown.get()).collect::<Vec<_>>()}
                    key={|(n, id): &(usize, String)| (*n, id.clone())}
                    children=move |(n, gid)| view! { <GoalItem ctx gid number={n + 1} goal_ids goals_changed undo /> } />
            </ol>
            <button type="button" class="no-print" on:click=add_goal>"Lägg till mål"</button>
            <UndoToast ctx offer=undo />
        </section>
    }
}

#[component]
fn GoalItem(
    ctx: PlanContext,
    gid: String,
    number: usize,
    goal_ids: Memo<Vec<String>>,
    goals_changed: Memo<Option<Arc<Plan>>>,
    undo: UndoOffer,
) -> impl IntoView {
    let gid = StoredValue::new(gid);
    // Looked at again only when this goal changed.
    let goal = {
        let gid = gid.get_value();
        PlanContext::item_of(goals_changed, move |p| p.goals.get(&gid))
    };
    let sub_goals = Memo::new(move |_| {
        goal.with(|p| {
            p.as_deref()
                .and_then(|p| p.goals.get(&gid.get_value()))
                .map(|g| {
                    Plan::ordered(&g.sub_goals, |s| &s.position)
                        .into_iter()
                        .map(|(id, _)| id.clone())
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default()
        })
    });
    let shift = move |up: bool| {
        let id = gid.get_value();
        if let Some(before) = move_target(&goal_ids.get_untracked(), &id, up) {
            if ctx.change(|doc| edit::move_item(doc, &["goals"], &id, before.as_deref())).is_some() {
                reorder::GOALS.follow(&id, up);
            }
        }
    };
    let add_sub_goal = move |_| {
        ctx.change(|doc| edit::add_sub_goal(doc, &gid.get_value(), SubGoal::default()));
    };
    let remove = move |_| {
        let id = gid.get_value();
        undo.remove(
            ctx,
            format!("Mål {number} togs bort."),
            |p| Removed::goal(p, &id),
            |doc| edit::remove_goal(doc, &id),
        );
    };
    view! {
        <li class="goal" data-goal=gid.get_value()>
            <div class="item-body">
            <TextAt id=ctx.id path=TextPath::goal(gid.get_value()) label=format!("Mål {number}") multiline=true />
            <div class="button-row no-print">
                <button type="button" class="small" data-move="up" aria-label=format!("Flytta mål {number} uppåt") on:click=move |_| shift(true)>"↑ Flytta upp"</button>
                <button type="button" class="small" data-move="down" aria-label=format!("Flytta mål {number} nedåt") on:click=move |_| shift(false)>"↓ Flytta ner"</button>
                <button type="button" hidden=move || !ctx.may_remove() class="small" aria-label=format!("Ta bort mål {number}") on:click=remove>"Ta bort"</button>
            </div>
            <ul class="sub-goal-list">
                <For each={move || sub_goals.get().into_iter().enumerate().collect::<Vec<_>>()}
                    key={|(n, sid): &(usize, String)| (*n, sid.clone())}
                    children=move |(n, sid)| {
                        let path = |field| TextPath::sub_goal(gid.get_value(), sid.clone(), field);
                        let (text_path, measure_path) = (path(SubGoalText::Text), path(SubGoalText::Measure));
                        let sid = StoredValue::new(sid);
                        let label = format!("Delmål {number}.{}", n + 1);
                        let date_id = format!("subgoal-{}-date", sid.get_value());
                        view! {
                            <li class="sub-goal">
                                <TextAt id=ctx.id path=text_path label=label.clone() multiline=false />
                                <TextAt id=ctx.id path=measure_path
                                    label=format!("{label}: så vet vi att det är nått") multiline=false />
                                <InputField id=date_id label=format!("{label}: klart senast") kind="date"
                                    value=Signal::derive(move || goal.with(|p| p.as_deref()
                                        .and_then(|p| p.goals.get(&gid.get_value())?.sub_goals.get(&sid.get_value())?.target_date.clone())
                                        .unwrap_or_default()))
                                    on_value=Callback::new(move |value: String| {
                                        ctx.change(|doc| edit::update_sub_goal(doc, &gid.get_value(), &sid.get_value(),
                                            |s| s.target_date = non_empty(value.clone())));
                                    }) />
                                <button type="button" hidden=move || !ctx.may_remove() class="small no-print" aria-label=format!("Ta bort delmål {number}.{}", n + 1)
                                    on:click=move |_| {
                                        let (goal_id, id) = (gid.get_value(), sid.get_value());
                                        undo.remove(ctx, format!("Delmål {number}.{} togs bort.", n + 1),
                                            |p| Removed::sub_goal(p, &goal_id, &id), |doc| edit::remove_sub_goal(doc, &goal_id, &id));
                                    }>
                                    "Ta bort delmål"</button>
                            </li>
                        }
                    } />
            </ul>
            <button type="button" class="small no-print" on:click=add_sub_goal>{format!("Lägg till delmål till mål {number}")}</button>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::move_target;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn moving_up_and_down_names_the_item_to_stand_before() {
        let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(move_target(&ids, "b", true), Some(Some("a".into())));
        assert_eq!(move_target(&ids, "a", true), None, "the first cannot move up");
        assert_eq!(move_target(&ids, "a", false), Some(Some("c".into())));
        assert_eq!(move_target(&ids, "b", false), Some(None), "to the end");
        assert_eq!(move_target(&ids, "c", false), None, "the last cannot move down");
    }
}
