//! Deltagare: who takes part, from which organisation, how to reach them;
//! who is the coordinator and which principal has the overall responsibility.

use leptos::prelude::*;
use shared::plan::{edit, OrganisationKind, Participant, ParticipantKind, Principal};

use super::PlanContext;

/// The participant list, the add form, coordinator and overall responsibility.
#[component]
pub fn ParticipantsSection(ctx: PlanContext) -> impl IntoView {
    let participants = move || {
        ctx.plan
            .get()
            .map(|p| {
                p.ordered_participants()
                    .into_iter()
                    .map(|(id, p)| (id.clone(), p.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let coordinator = move || ctx.plan.get().and_then(|p| p.coordinator);
    let responsibility = move || ctx.plan.get().and_then(|p| p.overall_responsibility);

    // The add form.
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ParticipantKind::Professional);
    let organisation = RwSignal::new(OrganisationKind::Kommun);
    let role = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if name.get_untracked().trim().is_empty() {
            ctx.problem.set(Some("Skriv deltagarens namn.".into()));
            return;
        }
        let participant = Participant {
            name: name.get_untracked().trim().to_string(),
            kind: kind.get_untracked(),
            organisation: organisation.get_untracked(),
            role: role.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            ..Participant::default()
        };
        if ctx.change(|doc| edit::add_participant(doc, participant)).is_some() {
            for field in [name, role, phone, email] {
                field.set(String::new());
            }
        }
    };

    view! {
        <section class="section" aria-labelledby="participants-heading">
            <h2 id="participants-heading">"Deltagare"</h2>
            <ul class="participant-list">
                {move || participants().into_iter().map(|(pid, p)| {
                    let remove_id = pid.clone();
                    let is_coordinator = coordinator().as_deref() == Some(pid.as_str());
                    let details = [p.role.clone(), p.unit.clone(), p.phone.clone(), p.email.clone()]
                        .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
                    let who = if p.kind == ParticipantKind::Professional {
                        format!("{} ({})", p.kind.label(), p.organisation.label())
                    } else {
                        p.kind.label().to_string()
                    };
                    view! {
                        <li class="participant" data-participant=pid.clone()>
                            <span class="participant-name">{p.name.clone()}</span>
                            " – " {who}
                            {(!details.is_empty()).then(|| view! { <span class="participant-details">{format!(" – {details}")}</span> })}
                            {is_coordinator.then(|| view! { <strong class="badge">" Samordningsansvarig"</strong> })}
                            <button type="button" class="small no-print" aria-label=format!("Ta bort {}", p.name)
                                on:click=move |_| { ctx.change(|doc| edit::remove_participant(doc, &remove_id)); }>"Ta bort"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>

            <form class="add-form no-print" on:submit=add>
                <h3>"Lägg till deltagare"</h3>
                <div class="field">
                    <label for="participant-name">"Namn"</label>
                    <input id="participant-name" type="text" autocomplete="off" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="participant-kind">"Roll i planen"</label>
                    <select id="participant-kind" on:change=move |ev| {
                        if let Some(k) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| ParticipantKind::ALL.get(i)) { kind.set(*k) }
                    }>
                        {ParticipantKind::ALL.iter().enumerate().map(|(i, k)| view! {
                            <option value=i.to_string() selected=move || kind.get() == *k>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="participant-organisation">"Organisation"</label>
                    <select id="participant-organisation" on:change=move |ev| {
                        if let Some(o) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| OrganisationKind::ALL.get(i)) { organisation.set(*o) }
                    }>
                        {OrganisationKind::ALL.iter().enumerate().map(|(i, o)| view! {
                            <option value=i.to_string() selected=move || organisation.get() == *o>{o.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="participant-role">"Yrke eller relation"</label>
                    <input id="participant-role" type="text" autocomplete="off" prop:value=move || role.get()
                        on:input=move |ev| role.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="participant-phone">"Telefon"</label>
                    <input id="participant-phone" type="tel" autocomplete="off" prop:value=move || phone.get()
                        on:input=move |ev| phone.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="participant-email">"E-post"</label>
                    <input id="participant-email" type="email" autocomplete="off" prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="primary">"Lägg till deltagare"</button>
            </form>

            <div class="field">
                <label for="coordinator">"Samordningsansvarig"</label>
                <select id="coordinator" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    ctx.change(|doc| edit::set_coordinator(doc, (!value.is_empty()).then_some(value.as_str())));
                }>
                    <option value="" selected=move || coordinator().is_none()>"Ingen vald"</option>
                    {move || participants().into_iter().map(|(pid, p)| {
                        let selected = coordinator().as_deref() == Some(pid.as_str());
                        view! { <option value=pid selected=selected>{p.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>"Vem har det övergripande ansvaret för planen?"</legend>
                <div class="choice-row">
                    {[Principal::Kommun, Principal::Region].into_iter().map(|principal| view! {
                        <label class="choice">
                            <input type="radio" name="overall-responsibility"
                                checked=move || responsibility() == Some(principal)
                                on:change=move |_| { ctx.change(|doc| edit::set_overall_responsibility(doc, Some(principal))); } />
                            {format!(" {}", principal.label())}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
        </section>
    }
}
