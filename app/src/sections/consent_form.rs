//! Recording a consent decision, and what the consent covers: who decides
//! (the person, or for a child each guardian: seed 004), with which
//! participants the plan may be shared and what may not be shared or
//! raised (seed 002).
//!
//! Why its own module, in the chunk of the plan page's parts
//! ([`crate::chunks::PagePart::ConsentForm`]): the plan's first screen
//! shows the consent's state and log, which every member reads; the form
//! is used a few times in a plan's life, by the professionals, and its
//! code need not be in the part of the app that is downloaded before
//! anything is shown.

use leptos::prelude::*;
use shared::plan::{
    edit, ConsentDecision, ConsentEntry, ConsentForm, ConsentGiver, ConsentState, Participant,
    ParticipantKind, Plan,
};

use super::{now_millis, today, PlanContext};
use crate::components::field::SelectField;
use crate::components::second_chance::confirmed;

/// The participants the plan may be shared with, as the form lists them:
/// everyone but the person (ids and names, in the plan's order).
fn sharable(plan: &Plan) -> Vec<(String, String)> {
    plan.ordered_participants()
        .into_iter()
        .filter(|(_, p)| p.kind != ParticipantKind::Person)
        .map(|(id, p)| (id.clone(), p.name.trim().to_string()))
        .collect()
}

/// The names of the participants with these ids, in the plan's order.
fn names_of(plan: &Plan, ids: &[String]) -> Vec<String> {
    sharable(plan).into_iter().filter(|(id, _)| ids.contains(id)).map(|(_, name)| name).collect()
}

/// What the consent covers, for everyone who reads the plan (the person
/// too), and the form for the professionals.
#[component]
pub fn ConsentDetails(ctx: PlanContext) -> impl IntoView {
    let extent =
        ctx.part(|p| p.consent_extent().map(|e| (e.shared_with.map(|ids| names_of(p, &ids)), e.not_shared)));
    let awaited = ctx.part(|p| {
        if p.consent.is_empty() {
            Vec::new()
        } else {
            p.guardians_awaited().into_iter().map(|(_, name)| name).collect::<Vec<_>>()
        }
    });
    view! {
        {move || (!awaited.get().is_empty()).then(|| view! {
            <p class="consent-awaited" role="status">{format!(
                "Samtycke saknas från vårdnadshavare: {}. Planen görs när alla vårdnadshavare har samtyckt.",
                awaited.get().join(", ")
            )}</p>
        })}
        {move || extent.get().map(|(shared_with, not_shared)| view! {
            <dl class="consent-extent">
                <dt>"Planen får delas med"</dt>
                <dd>{match shared_with {
                    None => "Alla som är med i planen".to_string(),
                    Some(names) if names.is_empty() => "Ingen av deltagarna".to_string(),
                    Some(names) => names.join(", "),
                }}</dd>
                {(!not_shared.is_empty()).then(|| view! {
                    <dt>"Det här får inte delas eller tas upp"</dt>
                    <dd>{not_shared}</dd>
                })}
            </dl>
        })}
        <DecisionForm ctx />
    }
}

/// The value of "Vem bestämmer?" for the child themselves (the other
/// values are guardians' participant ids).
const THE_CHILD: &str = "barnet";

/// The form that records a decision (hidden for the person, who is told
/// in the consent section how to withdraw).
#[component]
fn DecisionForm(ctx: PlanContext) -> impl IntoView {
    let form = RwSignal::new(ConsentForm::Oral);
    // Who decides in a child's plan: a guardian's participant id, or
    // THE_CHILD; `None` until chosen (then the first guardian).
    let chosen = RwSignal::new(None::<String>);
    let new_guardian = RwSignal::new(String::new());
    // Whether the decision names those the plan may be shared with (else:
    // everyone who takes part), and who of them is left out; anyone not
    // unticked is in, also someone added while the form is open.
    let only_named = RwSignal::new(false);
    let left_out = RwSignal::new(Vec::<String>::new());
    let not_shared = RwSignal::new(String::new());
    let is_child = ctx.part(|p| p.person.is_child);
    let guardians = ctx.part(|p| {
        p.ordered_participants()
            .into_iter()
            .filter(|(_, q)| q.kind == ParticipantKind::Guardian)
            .map(|(id, q)| (id.clone(), q.name.trim().to_string()))
            .collect::<Vec<_>>()
    });
    let giver = Memo::new(move |_| {
        if !is_child.get() {
            return None;
        }
        let guardians = guardians.get();
        match chosen.get() {
            Some(choice) if choice == THE_CHILD || guardians.iter().any(|(id, _)| *id == choice) => {
                Some(choice)
            }
            _ => Some(guardians.first().map_or_else(|| THE_CHILD.to_string(), |(id, _)| id.clone())),
        }
    });
    let participants = ctx.part(sharable);
    let state = ctx.part(|p| Some(p.consent_state()));
    let add_guardian = move |_| {
        let Some(name) = ctx.filled(new_guardian, "Skriv vårdnadshavarens namn.") else { return };
        let guardian = Participant {
            name,
            kind: ParticipantKind::Guardian,
            role: "Vårdnadshavare".into(),
            ..Participant::default()
        };
        if let Some(id) = ctx.change(|doc| edit::add_participant(doc, guardian)) {
            new_guardian.set(String::new());
            chosen.set(Some(id));
        }
    };
    let record = move |decision: ConsentDecision| {
        if decision == ConsentDecision::Withdrawn
            && !confirmed("Tas samtycket tillbaka? Då avslutas planen för alla.")
        {
            return;
        }
        let guardian = giver
            .get_untracked()
            .filter(|g| g != THE_CHILD)
            .and_then(|id| guardians.get_untracked().into_iter().find(|(g, _)| *g == id));
        let Some(signer) = ctx.signer() else { return };
        let given = decision == ConsentDecision::Given;
        let mut shared_with: Vec<String> = participants
            .get_untracked()
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !left_out.with_untracked(|l| l.contains(id)))
            .collect();
        if let Some((id, _)) = &guardian {
            if !shared_with.contains(id) {
                shared_with.push(id.clone());
            }
        }
        let entry = ConsentEntry {
            decision,
            form: form.get_untracked(),
            giver: if guardian.is_some() { ConsentGiver::Guardian } else { ConsentGiver::Person },
            giver_name: guardian.as_ref().map(|(_, name)| name.clone()).unwrap_or_default(),
            giver_id: guardian.map(|(id, _)| id).unwrap_or_default(),
            shared_with: (given && only_named.get_untracked()).then_some(shared_with),
            not_shared: if given { not_shared.get_untracked().trim().to_string() } else { String::new() },
            date: today(),
            recorded_by: signer.name,
            author: signer.author,
            comment: String::new(),
            recorded_at: now_millis(),
        };
        ctx.change(|doc| edit::record_consent(doc, &entry));
    };
    let who = move || match giver.get() {
        Some(g) if g != THE_CHILD => "Vårdnadshavaren",
        Some(_) => "Barnet",
        None => "Personen",
    };
    view! {
        <fieldset class="consent-form" hidden=move || ctx.role.get() == Some(shared::Role::Person)>
            <legend>"Anteckna beslutet om samtycke"</legend>
            <label class="choice">
                <input type="checkbox" prop:checked=move || is_child.get()
                    on:change=move |ev| { ctx.change(|doc| edit::set_person_is_child(doc, event_target_checked(&ev))); } />
                " Planen gäller ett barn eller en ungdom. Då samtycker vårdnadshavarna."
            </label>
            {move || is_child.get().then(|| view! {
                <div class="consent-guardians">
                    <div class="field">
                        <label for="consent-new-guardian">"Lägg till en vårdnadshavare (namn)"</label>
                        <input id="consent-new-guardian" type="text" autocomplete="off" maxlength="200"
                            prop:value=move || new_guardian.get() on:input=move |ev| new_guardian.set(event_target_value(&ev)) />
                    </div>
                    <p><button type="button" on:click=add_guardian>"Lägg till vårdnadshavare"</button></p>
                    <SelectField id="consent-giver" label="Vem bestämmer?"
                        options=Signal::derive(move || {
                            let mut options: Vec<(String, String)> =
                                guardians.get().into_iter().map(|(id, name)| (id, format!("Vårdnadshavare: {name}"))).collect();
                            options.push((THE_CHILD.to_string(), "Barnet eller ungdomen själv".to_string()));
                            options
                        })
                        value=Signal::derive(move || giver.get().unwrap_or_default())
                        on_value=Callback::new(move |v: String| chosen.set(Some(v))) />
                </div>
            })}
            <div class="choice-row" role="radiogroup" aria-label="Hur samtycket lämnades">
                <label class="choice"><input type="radio" name="consent-form" checked=move || form.get() == ConsentForm::Oral
                    on:change=move |_| form.set(ConsentForm::Oral) />" Muntligt"</label>
                <label class="choice"><input type="radio" name="consent-form" checked=move || form.get() == ConsentForm::Written
                    on:change=move |_| form.set(ConsentForm::Written) />" Skriftligt"</label>
            </div>
            <fieldset class="consent-sharing">
                <legend>"Vem får ta del av planen?"</legend>
                <label class="choice"><input type="radio" name="consent-extent" checked=move || !only_named.get()
                    on:change=move |_| only_named.set(false) />" Alla som är med i planen"</label>
                <label class="choice"><input type="radio" name="consent-extent" checked=move || only_named.get()
                    on:change=move |_| only_named.set(true) />" Bara de som är ikryssade här"</label>
                {move || if !only_named.get() {
                    ().into_any()
                } else if participants.get().is_empty() {
                    view! { <p class="hint">"Inga andra deltagare än. Den som läggs till senare ska personen också säga ja till."</p> }.into_any()
                } else {
                    participants.get().into_iter().map(|(id, name)| {
                        let key = id.clone();
                        view! {
                            <label class="choice">
                                <input type="checkbox" prop:checked=move || !left_out.with(|l| l.contains(&key))
                                    on:change=move |ev| {
                                        let id = id.clone();
                                        left_out.update(|l| if event_target_checked(&ev) { l.retain(|x| *x != id) } else { l.push(id) });
                                    } />
                                " " {if name.is_empty() { "(utan namn)".to_string() } else { name }}
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <div class="field">
                <label for="consent-not-shared">"Det här får inte delas eller tas upp (om personen har sagt något)"</label>
                <textarea id="consent-not-shared" rows="2" maxlength="1000" prop:value=move || not_shared.get()
                    on:input=move |ev| not_shared.set(event_target_value(&ev))></textarea>
            </div>
            <super::SignedAs ctx />
            <div class="button-row">
                <button type="button" class="primary" on:click=move |_| record(ConsentDecision::Given)>{move || format!("{} samtycker", who())}</button>
                <button type="button" on:click=move |_| record(ConsentDecision::Refused)>{move || format!("{} samtycker inte", who())}</button>
                {move || (state.get() == Some(ConsentState::Given)).then(|| view! {
                    <button type="button" on:click=move |_| record(ConsentDecision::Withdrawn)>"Samtycket tas tillbaka"</button>
                })}
            </div>
        </fieldset>
    }
}
