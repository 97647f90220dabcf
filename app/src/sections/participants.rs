//! Deltagare: who takes part, from which organisation, how to reach them;
//! who is the coordinator and which principal has the overall responsibility.

use leptos::prelude::*;
use shared::plan::undo::Removed;
use shared::plan::{edit, OrganisationKind, Participant, ParticipantKind, Principal};

use super::PlanContext;
use crate::components::field::{enum_options, enum_pick, enum_value, InputField, SelectField};
use crate::components::second_chance::{UndoOffer, UndoToast};

/// The participant list, the add form, coordinator and overall responsibility.
#[component]
pub fn ParticipantsSection(ctx: PlanContext) -> impl IntoView {
    // A memo: the list is drawn again only when a participant changes, not
    // on every change of the plan.
    let participants = Memo::new(move |_| {
        ctx.plan
            .get()
            .map(|p| {
                p.ordered_participants()
                    .into_iter()
                    .map(|(id, p)| (id.clone(), p.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let coordinator = ctx.part(|p| p.coordinator.clone());
    let coordinator = move || coordinator.get();
    let responsibility = ctx.part(|p| p.overall_responsibility);
    let responsibility = move || responsibility.get();
    let undo = UndoOffer::new();

    view! {
        <section class="section" aria-labelledby="participants-heading">
            <h2 id="participants-heading">"Deltagare"</h2>
            <ul class="participant-list">
                {move || participants.get().into_iter().map(|(pid, p)| {
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
                            {invite_button(ctx, pid.clone(), p.name.clone())}
                            <button type="button" hidden=move || !ctx.may_remove() class="small no-print" aria-label=format!("Ta bort {}", p.name)
                                on:click={
                                    let said = format!("{} togs bort.", if p.name.is_empty() { "Deltagaren" } else { p.name.as_str() });
                                    move |_| {
                                        let id = remove_id.clone();
                                        undo.remove(ctx, said.clone(), |p| Removed::participant(p, &id),
                                            |doc| edit::remove_participant(doc, &id));
                                    }
                                }>"Ta bort"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <UndoToast ctx offer=undo />

            <AddParticipantForm ctx />

            <SelectField id="coordinator" label="Samordningsansvarig"
                options=Signal::derive(move || {
                    let mut options = vec![(String::new(), "Ingen vald".to_string())];
                    options.extend(participants.get().into_iter().map(|(pid, p)| (pid, p.name)));
                    options
                })
                value=Signal::derive(move || coordinator().unwrap_or_default())
                on_value=Callback::new(move |value: String| {
                    ctx.change(|doc| edit::set_coordinator(doc, (!value.is_empty()).then_some(value.as_str())));
                }) />
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

/// "Bjud in" beside a participant, for whoever runs the plan in Samplan
/// (not beside oneself): starts an invitation for them under "Dela planen".
fn invite_button(ctx: PlanContext, pid: String, name: String) -> impl IntoView {
    let shown = ctx.role.get_untracked() == Some(shared::Role::Coordinator)
        && ctx.me.get_untracked().as_deref() != Some(pid.as_str());
    shown.then(|| {
        view! {
            <button type="button" class="small no-print" aria-label=format!("Bjud in {name}")
                on:click=move |_| ctx.invite.set(Some(pid.clone()))>"Bjud in"</button>
        }
    })
}

/// For a member who is not yet among the participants: join them, with
/// the name the server knows them by proposed. Until then they cannot
/// approve the plan or record anything in their name.
#[component]
pub fn JoinPlan(ctx: PlanContext) -> impl IntoView {
    view! {
        <section class="section join-plan no-print" aria-labelledby="join-plan-heading">
            <h2 id="join-plan-heading">"Du är inte med bland deltagarna än"</h2>
            <p>"Lägg till dig själv som deltagare. Då kan du godkänna planen, och det du antecknar står i ditt namn."</p>
            <AddParticipantForm ctx myself=true />
        </section>
    }
}

/// Adding a participant, or (`myself`) oneself under the participant id
/// the server links this device's member to.
#[component]
fn AddParticipantForm(ctx: PlanContext, #[prop(optional)] myself: bool) -> impl IntoView {
    let name = RwSignal::new(String::new());
    if myself {
        // The name the server knows them by, also when it comes after the form.
        Effect::new(move |_| {
            let known = ctx.name.get();
            if name.get_untracked().is_empty() {
                name.set(known);
            }
        });
    }
    let person = myself && ctx.role.get_untracked() == Some(shared::Role::Person);
    let kind = RwSignal::new(if person { ParticipantKind::Person } else { ParticipantKind::Professional });
    let organisation = RwSignal::new(OrganisationKind::Kommun);
    let role = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let prefix = if myself { "me" } else { "participant" };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let missing = if myself { "Skriv ditt namn." } else { "Skriv deltagarens namn." };
        let Some(name_now) = ctx.filled(name, missing) else { return };
        let participant = Participant {
            name: name_now,
            kind: kind.get_untracked(),
            organisation: organisation.get_untracked(),
            role: role.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            ..Participant::default()
        };
        let added = match ctx.me.get_untracked().filter(|_| myself) {
            Some(me) => ctx.change(|doc| edit::add_participant_as(doc, &me, participant)).is_some(),
            None => ctx.change(|doc| edit::add_participant(doc, participant)).is_some(),
        };
        if added {
            for field in [name, role, phone, email] {
                field.set(String::new());
            }
        }
    };
    let (heading, button) =
        if myself { ("Om dig", "Lägg till mig") } else { ("Lägg till deltagare", "Lägg till deltagare") };
    view! {
        <form class="add-form no-print" on:submit=add>
            <h3>{heading}</h3>
            <InputField id=format!("{prefix}-name") label="Namn" value=name on_value=Callback::new(move |v| name.set(v)) />
            <SelectField id=format!("{prefix}-kind") label="Roll i planen"
                options=enum_options(&ParticipantKind::ALL, |k| k.label())
                value=Signal::derive(move || enum_value(&ParticipantKind::ALL, Some(&kind.get())))
                on_value=Callback::new(move |v: String| if let Some(k) = enum_pick(&ParticipantKind::ALL, &v) { kind.set(k) }) />
            <SelectField id=format!("{prefix}-organisation") label="Organisation"
                options=enum_options(&OrganisationKind::ALL, |o| o.label())
                value=Signal::derive(move || enum_value(&OrganisationKind::ALL, Some(&organisation.get())))
                on_value=Callback::new(move |v: String| if let Some(o) = enum_pick(&OrganisationKind::ALL, &v) { organisation.set(o) }) />
            <InputField id=format!("{prefix}-role") label="Yrke eller relation" value=role on_value=Callback::new(move |v| role.set(v)) />
            <InputField id=format!("{prefix}-phone") label="Telefon" kind="tel" value=phone on_value=Callback::new(move |v| phone.set(v)) />
            <InputField id=format!("{prefix}-email") label="E-post" kind="email" value=email on_value=Callback::new(move |v| email.set(v)) />
            <button type="submit" class="primary">{button}</button>
        </form>
    }
}
