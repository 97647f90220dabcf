//! Insatser och åtgärder: what each party does, for which goal, who is
//! responsible (kommun, region or someone else), from when and how often.

use leptos::prelude::*;
use shared::plan::{edit, Intervention, Principal};

use super::goals::move_target;
use super::PlanContext;
use crate::components::text_field::TextAt;

/// Every intervention and the button to add one.
#[component]
pub fn InterventionsSection(ctx: PlanContext) -> impl IntoView {
    let ids = Memo::new(move |_| {
        ctx.plan
            .get()
            .map(|p| p.ordered_interventions().into_iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let none_by_others = move || ctx.plan.get().is_some_and(|p| p.no_measures_by_others);
    view! {
        <section class="section" aria-labelledby="interventions-heading">
            <h2 id="interventions-heading">"Insatser"</h2>
            <ol class="intervention-list">
                <For each={move || ids.get().into_iter().enumerate().collect::<Vec<_>>()}
                    key={|(n, id): &(usize, String)| (*n, id.clone())}
                    children=move |(n, iid)| view! { <InterventionItem ctx iid number={n + 1} ids /> } />
            </ol>
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
fn InterventionItem(ctx: PlanContext, iid: String, number: usize, ids: Memo<Vec<String>>) -> impl IntoView {
    let iid = StoredValue::new(iid);
    let current =
        Memo::new(move |_| ctx.plan.get().and_then(|p| p.interventions.get(&iid.get_value()).cloned()));
    let goals = move || {
        ctx.plan
            .get()
            .map(|p| {
                p.ordered_goals()
                    .into_iter()
                    .enumerate()
                    .map(|(n, (id, g))| (id.clone(), format!("Mål {}: {}", n + 1, g.text.as_str())))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let update = move |change: Box<dyn FnOnce(&mut Intervention)>| {
        ctx.change(|doc| edit::update_intervention(doc, &iid.get_value(), change));
    };
    let path = vec!["interventions".to_string(), iid.get_value()];
    let dom = move |what: &str| format!("intervention-{}-{what}", iid.get_value());
    let shift = move |up: bool| {
        let id = iid.get_value();
        if let Some(before) = move_target(&ids.get_untracked(), &id, up) {
            ctx.change(|doc| edit::move_item(doc, &["interventions"], &id, before.as_deref()));
        }
    };
    view! {
        <li class="intervention" data-intervention=iid.get_value()>
            <TextAt id=ctx.id path=path.clone() key="what".to_string() label=format!("Insats {number}: vad görs")
                version=ctx.version multiline=true />
            <div class="field-row">
                <div class="field">
                    <label for=dom("principal")>"Ansvarig huvudman"</label>
                    <select id=dom("principal") on:change=move |ev| {
                        let principal = event_target_value(&ev).parse::<usize>().ok().and_then(|i| Principal::ALL.get(i).copied());
                        update(Box::new(move |i| i.principal = principal));
                    }>
                        <option value="" selected=move || current.get().is_some_and(|i| i.principal.is_none())>"Inte vald"</option>
                        {Principal::ALL.iter().enumerate().map(|(n, p)| view! {
                            <option value=n.to_string() selected=move || current.get().and_then(|i| i.principal) == Some(*p)>{p.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=dom("goal")>"För mål"</label>
                    <select id=dom("goal") on:change=move |ev| {
                        let goal = event_target_value(&ev);
                        update(Box::new(move |i| i.goal_id = (!goal.is_empty()).then_some(goal)));
                    }>
                        <option value="">"Inget särskilt mål"</option>
                        {move || goals().into_iter().map(|(gid, label)| {
                            let selected = current.get().and_then(|i| i.goal_id) == Some(gid.clone());
                            view! { <option value=gid selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=dom("unit")>"Ansvarig enhet"</label>
                    <input id=dom("unit") type="text" prop:value=move || current.get().map(|i| i.unit).unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |i| i.unit = v)); } />
                </div>
                <div class="field">
                    <label for=dom("person")>"Ansvarig person"</label>
                    <input id=dom("person") type="text" prop:value=move || current.get().map(|i| i.responsible_person).unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |i| i.responsible_person = v)); } />
                </div>
                <div class="field">
                    <label for=dom("start")>"Startar"</label>
                    <input id=dom("start") type="date" prop:value=move || current.get().and_then(|i| i.start).unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |i| i.start = (!v.is_empty()).then_some(v))); } />
                </div>
            </div>
            <TextAt id=ctx.id path=path key="time_plan".to_string() label=format!("Insats {number}: hur ofta och hur länge")
                version=ctx.version multiline=false />
            <div class="button-row no-print">
                <button type="button" class="small" aria-label=format!("Flytta insats {number} uppåt") on:click=move |_| shift(true)>"↑ Flytta upp"</button>
                <button type="button" class="small" aria-label=format!("Flytta insats {number} nedåt") on:click=move |_| shift(false)>"↓ Flytta ner"</button>
                <button type="button" class="small" aria-label=format!("Ta bort insats {number}")
                    on:click=move |_| { ctx.change(|doc| edit::remove_intervention(doc, &iid.get_value())); }>"Ta bort"</button>
            </div>
        </li>
    }
}
