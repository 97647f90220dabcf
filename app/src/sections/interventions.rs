//! Insatser och åtgärder: what each party does, for which goal, who is
//! responsible (kommun, region or someone else), from when and how often.

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::undo::Removed;
use shared::plan::{edit, Intervention, InterventionText, Plan, Principal, TextPath};

use super::goals::move_target;
use super::PlanContext;
use crate::components::field::{enum_options, enum_pick, enum_value, non_empty, InputField, SelectField};
use crate::components::progressive::progressive_limit;
use crate::components::reorder;
use crate::components::second_chance::{UndoOffer, UndoToast};
use crate::components::text_field::TextAt;

/// Every intervention and the button to add one.
#[component]
pub fn InterventionsSection(ctx: PlanContext) -> impl IntoView {
    // Made again only when the interventions (or the goals) changed.
    let interventions_changed = ctx.item(|p| Some(&p.interventions));
    let goals_changed = ctx.item(|p| Some(&p.goals));
    let ids = Memo::new(move |_| {
        interventions_changed
            .get()
            .map(|p| p.ordered_interventions().into_iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    // The goals to choose from, made once for every intervention: a memo, so
    // that an edit elsewhere in the plan does not rebuild 120 lists of options.
    let goal_options = Memo::new(move |_| {
        let mut options = vec![(String::new(), "Inget särskilt mål".to_string())];
        if let Some(p) = goals_changed.get() {
            options.extend(
                p.ordered_goals()
                    .into_iter()
                    .enumerate()
                    .map(|(n, (id, g))| (id.clone(), format!("Mål {}: {}", n + 1, g.text.as_str()))),
            );
        }
        options
    });
    let shown = progressive_limit(move || ids.with(Vec::len));
    let none_by_others = ctx.part(|p| p.no_measures_by_others);
    let none_by_others = move || none_by_others.get();
    let undo = UndoOffer::new();
    view! {
        <section class="section" aria-labelledby="interventions-heading">
            <h2 id="interventions-heading">"Insatser"</h2>
            <ol class="intervention-list">
                <For each={move || ids.get().into_iter().enumerate().take(shown.get()).collect::<Vec<_>>()}
                    key={|(n, id): &(usize, String)| (*n, id.clone())}
                    children=move |(n, iid)| view! { <InterventionItem ctx iid number={n + 1} ids goal_options interventions_changed undo /> } />
            </ol>
            <UndoToast ctx offer=undo />
            <button type="button" class="no-print" on:click=move |_| { ctx.change(|doc| edit::add_intervention(doc, Intervention::default())); }>
                "Lägg till insats"</button>
            <label class="choice">
                <input type="checkbox" prop:checked=none_by_others
                    on:change=move |ev| { let on = event_target_checked(&ev); ctx.change(|doc| edit::set_no_measures_by_others(doc, on)); } />
                " Ingen annan än kommunen och regionen gör något (inga åtgärder av andra)"
            </label>
        </section>
    }
}

#[component]
fn InterventionItem(
    ctx: PlanContext,
    iid: String,
    number: usize,
    ids: Memo<Vec<String>>,
    goal_options: Memo<Vec<(String, String)>>,
    interventions_changed: Memo<Option<Arc<Plan>>>,
    undo: UndoOffer,
) -> impl IntoView {
    let iid = StoredValue::new(iid);
    let current = {
        let iid = iid.get_value();
        PlanContext::item_of(interventions_changed, move |p| p.interventions.get(&iid))
    };
    // What this intervention says, read where it is (no copy).
    let read = move |get: fn(&Intervention) -> String| {
        current.with(|p| {
            iid.with_value(|iid| {
                p.as_deref().and_then(|p| p.interventions.get(iid)).map(get).unwrap_or_default()
            })
        })
    };
    let update = move |change: Box<dyn FnOnce(&mut Intervention)>| {
        ctx.change(|doc| edit::update_intervention(doc, &iid.get_value(), change));
    };
    let text = move |get: fn(&Intervention) -> String| Signal::derive(move || read(get));
    let path = move |field| TextPath::intervention(iid.get_value(), field);
    let dom = move |what: &str| format!("intervention-{}-{what}", iid.get_value());
    let shift = move |up: bool| {
        let id = iid.get_value();
        if let Some(before) = move_target(&ids.get_untracked(), &id, up) {
            if ctx.change(|doc| edit::move_item(doc, &["interventions"], &id, before.as_deref())).is_some() {
                reorder::INTERVENTIONS.follow(&id, up);
            }
        }
    };
    view! {
        <li class="intervention" data-intervention=iid.get_value()>
            <div class="item-body">
            <TextAt id=ctx.id path=path(InterventionText::What) label=format!("Insats {number}: vad görs")
                multiline=true />
            <div class="field-row">
                <SelectField id=dom("principal") label="Ansvarig huvudman"
                    options={
                        let mut options = vec![(String::new(), "Inte vald".to_string())];
                        options.extend(enum_options(&Principal::ALL, |p| p.label()));
                        options
                    }
                    value=Signal::derive(move || read(|i| enum_value(&Principal::ALL, i.principal.as_ref())))
                    on_value=Callback::new(move |v: String| {
                        let principal = enum_pick(&Principal::ALL, &v);
                        update(Box::new(move |i| i.principal = principal));
                    }) />
                <SelectField id=dom("goal") label="För mål"
                    options=goal_options
                    value=Signal::derive(move || read(|i| i.goal_id.clone().unwrap_or_default()))
                    on_value=Callback::new(move |v: String| update(Box::new(move |i| i.goal_id = non_empty(v)))) />
            </div>
            <div class="field-row">
                <InputField id=dom("unit") label="Ansvarig enhet" value=text(|i| i.unit.clone())
                    on_value=Callback::new(move |v: String| update(Box::new(move |i| i.unit = v))) />
                <InputField id=dom("person") label="Ansvarig person" value=text(|i| i.responsible_person.clone())
                    on_value=Callback::new(move |v: String| update(Box::new(move |i| i.responsible_person = v))) />
                <InputField id=dom("start") label="Startar" kind="date" value=text(|i| i.start.clone().unwrap_or_default())
                    on_value=Callback::new(move |v: String| update(Box::new(move |i| i.start = non_empty(v)))) />
            </div>
            <TextAt id=ctx.id path=path(InterventionText::TimePlan) label=format!("Insats {number}: hur ofta och hur länge")
                multiline=false />
            <div class="button-row no-print">
                <button type="button" class="small" data-move="up" aria-label=format!("Flytta insats {number} uppåt") on:click=move |_| shift(true)>"↑ Flytta upp"</button>
                <button type="button" class="small" data-move="down" aria-label=format!("Flytta insats {number} nedåt") on:click=move |_| shift(false)>"↓ Flytta ner"</button>
                <button type="button" hidden=move || !ctx.may_remove() class="small" aria-label=format!("Ta bort insats {number}")
                    on:click=move |_| {
                        let id = iid.get_value();
                        undo.remove(ctx, format!("Insats {number} togs bort."), |p| Removed::intervention(p, &id),
                            |doc| edit::remove_intervention(doc, &id));
                    }>"Ta bort"</button>
            </div>
            </div>
        </li>
    }
}
