//! Dela planen: the coordinator invites people to the plan (for which role,
//! who it is for, how long the link works, once or several times), sees the
//! invitations and who takes part on which devices, and can revoke an
//! invitation, remove a member, or shut one device out of the plan. The server enforces all of it; this is its face.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Device, Invitation, InviteRequest, Invited, Member};
use shared::plan::ParticipantKind;
use shared::{DocumentId, Role};

use crate::api;
use crate::components::field::{InputField, SelectField};

/// The roles an invitation can give, as the form offers them.
const ROLES: [(Role, &str); 3] = [
    (Role::Editor, "Får ändra planen"),
    (Role::Person, "Personen själv (ändrar planen och sina egna rapporter)"),
    (Role::Reader, "Får bara läsa planen"),
];

/// The role an invitation proposes for a participant: the person edits
/// the plan as themselves (and a child's guardians, who answer for the
/// child: seed 004), staff edit, everyone else reads.
fn proposed_role(kind: ParticipantKind) -> Role {
    match kind {
        ParticipantKind::Person | ParticipantKind::Guardian => Role::Person,
        ParticipantKind::Professional => Role::Editor,
        _ => Role::Reader,
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        // Not "samordningsansvarig": that is a role in the plan, which the
        // participants section sets; this is who runs the plan in Samplan.
        Role::Coordinator => "Administrerar planen",
        Role::Editor => "Ändrar",
        Role::Person => "Personen",
        Role::Reader => "Läser",
    }
}

/// The sharing section (shown to the coordinator only).
#[component]
pub fn SharingSection(id: DocumentId) -> impl IntoView {
    let role = RwSignal::new(Role::Editor);
    let label = RwSignal::new(String::new());
    let days = RwSignal::new("14".to_string());
    let single_use = RwSignal::new(true);
    // The participant the invitation is for (their id), if one of them.
    let participant = RwSignal::new(String::new());
    let link = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let refresh = RwSignal::new(0u32);
    let repo = expect_context::<crate::RepoHandle>();
    let current = expect_context::<crate::route::CurrentPath>();
    let participants = participant_choices(repo, id);
    // Picking a participant proposes the role from who they are.
    let pick = move |pid: String| {
        let found = participants.with_untracked(|all| all.iter().find(|c| c.id == pid).cloned());
        if let Some(choice) = found {
            label.set(choice.name);
            role.set(proposed_role(choice.kind));
        }
        participant.set(pid);
    };
    invite_when_asked(pick);
    // Where to send the link just made: the participant's phone and e-mail.
    let send_to = RwSignal::new(None::<String>);
    let lists = LocalResource::new(move || {
        refresh.track();
        async move {
            let invitations = api::get::<Vec<Invitation>>(&format!("/api/plans/{id}/invitations")).await;
            let members = api::get::<Vec<Member>>(&format!("/api/plans/{id}/members")).await;
            (invitations.unwrap_or_default(), members.unwrap_or_default())
        }
    });
    let remove = move |path: String| {
        spawn_local(async move {
            match api::delete(&path).await {
                Ok(_) => problem.set(None),
                Err(error) => problem.set(Some(error.to_string())),
            }
            refresh.update(|n| *n += 1);
        });
    };
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = participants.with_untracked(|all| {
            all.iter().find(|c| c.id == participant.get_untracked()).map(|c| match c.contact.as_str() {
                "" => format!("{} har inget telefonnummer eller e-post i planen.", c.name),
                contact => format!("Skicka den till {}: {contact}", c.name),
            })
        });
        let body = InviteRequest {
            role: Some(role.get_untracked()),
            label: label.get_untracked(),
            days: Some(days.get_untracked().parse::<u32>().unwrap_or(14)),
            single_use: Some(single_use.get_untracked()),
            participant: Some(participant.get_untracked()).filter(|p| !p.is_empty()),
        };
        spawn_local(async move {
            match api::post::<_, Invited>(&format!("/api/plans/{id}/invitations"), &body).await {
                Ok(invited) => {
                    link.set(Some(invited.link));
                    send_to.set(to);
                    problem.set(None);
                    label.set(String::new());
                    participant.set(String::new());
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <section class="section no-print" aria-labelledby="sharing-heading">
            <h2 id="sharing-heading">"Dela planen"</h2>
            <form class="add-form" on:submit=invite>
                <h3>"Bjud in någon"</h3>
                <SelectField id="invite-participant" label="Vem av deltagarna är inbjudan till?"
                    options=Signal::derive(move || {
                        let mut options = vec![(String::new(), "Någon som inte finns bland deltagarna".to_string())];
                        options.extend(participants.get().into_iter().map(|c| (c.id, c.name)));
                        options
                    })
                    value=Signal::derive(move || participant.get())
                    on_value=Callback::new(pick) />
                <InputField id="invite-label" label="Vem är inbjudan till?" value=label on_value=Callback::new(move |v| label.set(v)) />
                <SelectField id="invite-role" label="Vad får personen göra?"
                    options={ROLES.iter().map(|(r, l)| (r.as_str().to_string(), l.to_string())).collect::<Vec<_>>()}
                    value=Signal::derive(move || role.get().as_str().to_string())
                    on_value=Callback::new(move |v: String| if let Some(r) = Role::parse(&v) { role.set(r) }) />
                <InputField id="invite-days" label="Länken gäller i antal dagar (1–90)" kind="number"
                    value=days on_value=Callback::new(move |v| days.set(v)) />
                <label class="choice"><input type="checkbox" prop:checked=move || single_use.get()
                    on:change=move |ev| single_use.set(event_target_checked(&ev)) />" Länken kan bara användas en gång"</label>
                <button type="submit" class="primary">"Skapa inbjudan"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            {move || link.get().map(|link| new_link(link, send_to))}
            <h3>"Inbjudningar"</h3>
            <ul class="invitation-list">
                {move || lists.get().map(|(invitations, _)| {
                    invitations.into_iter().map(|i| invitation_item(id, i, remove)).collect_view()
                })}
            </ul>
            <h3>"Ta bort planen"</h3>
            <p class="hint">"Planen tas bort från servern för alla. Det går inte att ångra."</p>
            <p><button type="button" class="danger" on:click=move |_| delete_plan(id, problem, repo, current)>"Ta bort planen för alla"</button></p>
            <h3>"Med i planen"</h3>
            <p><button type="button" class="small" on:click=move |_| refresh.update(|n| *n += 1)>"Uppdatera listorna"</button></p>
            <ul class="member-list">
                {move || lists.get().map(|(_, members)| {
                    members.into_iter().map(|m| member_item(id, m, remove)).collect_view()
                })}
            </ul>
            <super::access_log::PlanAccessLog id />
        </section>
    }
}

/// One participant an invitation can be for.
#[derive(Debug, Clone, PartialEq)]
struct Choice {
    id: String,
    name: String,
    kind: ParticipantKind,
    /// Where to send the link: phone and e-mail, as the plan has them.
    contact: String,
}

/// The participants an invitation can be for, following the plan.
fn participant_choices(repo: crate::RepoHandle, id: DocumentId) -> Memo<Vec<Choice>> {
    let version = repo.get().open(id).version;
    Memo::new(move |_| {
        version.track();
        repo.get()
            .plan(&id)
            .map(|plan| {
                plan.ordered_participants()
                    .into_iter()
                    .map(|(pid, p)| Choice {
                        id: pid.clone(),
                        name: p.name.clone(),
                        kind: p.kind,
                        contact: [p.phone.trim(), p.email.trim()]
                            .into_iter()
                            .filter(|c| !c.is_empty())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    })
}

/// "Bjud in" beside a participant ([`super::PlanContext::invite`]): the
/// form, ready for them, with the keyboard focus on it.
fn invite_when_asked(pick: impl Fn(String) + 'static) {
    let Some(ctx) = use_context::<super::PlanContext>() else { return };
    Effect::new(move |_| {
        if let Some(pid) = ctx.invite.get() {
            pick(pid);
            ctx.invite.set(None);
            focus("invite-participant");
        }
    });
}

/// The link just made, with where to send it and a button that copies it.
fn new_link(link: String, send_to: RwSignal<Option<String>>) -> impl IntoView {
    let copied = RwSignal::new(None::<&'static str>);
    let text = link.clone();
    view! {
        <div class="field">
            <label for="invite-link">"Skicka den här länken till personen (den visas bara nu)"</label>
            <input id="invite-link" type="text" readonly prop:value=link />
            {move || send_to.get().map(|to| view! { <p class="send-to">{to}</p> })}
            <p class="button-row">
                <button type="button" on:click=move |_| copy_link(text.clone(), copied)>"Kopiera länken"</button>
                <span role="status">{move || copied.get()}</span>
            </p>
        </div>
    }
}

/// Move the keyboard focus to (and show) the element `id`.
fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        element.scroll_into_view();
        let _ = element.focus();
    }
}

/// Copy an invitation link to the clipboard, and say how it went.
fn copy_link(link: String, copied: RwSignal<Option<&'static str>>) {
    let Some(window) = web_sys::window() else { return };
    let promise = window.navigator().clipboard().write_text(&link);
    spawn_local(async move {
        let said = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => "Länken är kopierad. Klistra in den i ett mejl eller sms.",
            Err(_) => "Det gick inte att kopiera. Markera länken och kopiera den själv.",
        };
        copied.set(Some(said));
    });
}

/// "Ta bort planen för alla", once the coordinator has said yes.
fn delete_plan(
    id: DocumentId,
    problem: RwSignal<Option<String>>,
    repo: crate::RepoHandle,
    current: crate::route::CurrentPath,
) {
    let sure = web_sys::window()
        .and_then(|w| w.confirm_with_message("Vill du ta bort planen för alla? Det går inte att ångra.").ok())
        .unwrap_or(false);
    if !sure {
        return;
    }
    spawn_local(async move {
        match api::delete(&format!("/api/plans/{id}")).await {
            Ok(_) => {
                let _ = repo.get().forget_plan(&id).await;
                current.navigate("/");
            }
            Err(error) => problem.set(Some(error.to_string())),
        }
    });
}

/// One invitation, with its button to revoke it while it works.
fn invitation_item(
    id: DocumentId,
    invitation: Invitation,
    remove: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let Invitation { id: invitation, usable, label: who, role, .. } = invitation;
    let what = role_label(role);
    let state = if usable { "gäller" } else { "gäller inte längre" };
    view! {
        <li class="invitation">
            {format!("{who} – {what} – {state}")}
            {usable.then(|| view! {
                <button type="button" class="small" aria-label=format!("Återkalla inbjudan till {who}")
                    on:click=move |_| remove(format!("/api/plans/{id}/invitations/{invitation}"))>"Återkalla"</button>
            })}
        </li>
    }
}

/// One member with their devices, with buttons to remove the member (not
/// the coordinator) and to shut a device out.
fn member_item(id: DocumentId, member: Member, remove: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let Member { principal, name, role, devices, reports_for_person: reports, .. } = member;
    let removable = role != Role::Coordinator;
    let summary = format!(
        "{name} – {}{} – {} inloggade enheter",
        role_label(role),
        if reports { ", rapporterar åt personen" } else { "" },
        devices.len(),
    );
    let device_name = name.clone();
    view! {
        <li class="member">
            {summary}
            {removable.then(|| view! {
                <button type="button" class="small" aria-label=format!("Ta bort {name} från planen")
                    on:click=move |_| remove(format!("/api/plans/{id}/members/{principal}"))>"Ta bort"</button>
            })}
            <ul class="device-list">
                {devices.into_iter().map(|Device { session, description, since, blocked }| {
                    let what = if description.is_empty() { "Enhet".to_string() } else { description };
                    let since = super::day_of(since);
                    let who = device_name.clone();
                    view! {
                        <li class="device">
                            {format!("{what}, inloggad {since}{}", if blocked { " – utestängd från planen" } else { "" })}
                            {(!blocked).then(|| view! {
                                <button type="button" class="small" aria-label=format!("Stäng ute {who}s enhet {what} från planen")
                                    on:click=move |_| remove(format!("/api/plans/{id}/devices/{session}"))>"Stäng ute"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}
