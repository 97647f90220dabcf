//! "Mina planer": every plan of the signed-in member, from the server on
//! any device, together with the plans on this device; a search field and
//! filters; a button for a new plan; and the member's notification
//! settings ([`notifications`]).
//!
//! Without contact with the server the page lists the plans on this
//! device, says so, and shows what the server said of them last time
//! ([`server_list`]). Which plans are listed, in which order, and what a
//! search keeps is `shared::plan_list`; this module draws it.

mod filters;
mod notifications;
mod server_list;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{DateKind, Me, PrincipalKind};
use shared::plan_list::{merge, DevicePlan, ListedPlan, PlanFilter, Source};
use shared::self_reports::spoken_date;
use shared::Role;

use self::filters::PlanFilters;
use self::notifications::NotificationSettingsForm;
use self::server_list::ServerList;
use crate::route::CurrentPath;
use crate::RepoHandle;

/// The start page.
#[component]
pub fn HomePage() -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let device = LocalResource::new(move || async move {
        let plans = repo.get().known_plans().await.map_err(|e| e.to_string())?;
        Ok::<_, String>(
            plans
                .into_iter()
                .map(|plan| {
                    let id = plan.id.to_string();
                    DevicePlan { role: crate::api::remembered_role(&id), id, title: plan.title }
                })
                .collect::<Vec<_>>(),
        )
    });
    let server = LocalResource::new(server_list::fetch);
    let filter = RwSignal::new(PlanFilter::default());
    let plans = Memo::new(move |_| {
        let device = device.get()?.unwrap_or_default();
        let today = crate::clock::today();
        Some(match server.get() {
            Some(ServerList::Fresh(list)) => merge(&list, &device, Source::Server, &today),
            Some(ServerList::Offline(kept) | ServerList::Failed(_, kept)) => {
                merge(&kept, &device, Source::DeviceOnly, &today)
            }
            Some(ServerList::NotSignedIn) => merge(&[], &device, Source::DeviceOnly, &today),
            None => merge(&server_list::kept(), &device, Source::DeviceOnly, &today),
        })
    });
    let device_error = move || device.get().and_then(Result::err);
    view! {
        <main class="page">
            <h1>"Mina planer"</h1>
            <WhoAndNewPlan />
            <p role="alert" class="error">{device_error}</p>
            <ListStatus server />
            <PlanFilters filter />
            {move || plans.get().map(|list| view! { <PlanList list filter /> })}
        </main>
    }
}

/// Who is signed in, and "Ny plan" for professionals.
#[component]
fn WhoAndNewPlan() -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let current = expect_context::<CurrentPath>();
    let me = LocalResource::new(crate::api::me);
    let error = RwSignal::new(None::<String>);
    let new_plan = move |_| {
        spawn_local(async move {
            match repo.get().create_plan().await {
                Ok(id) => {
                    // The server has it once it has synced: asking before
                    // would only get "no such plan".
                    crate::api::remember_made_here(&id.to_string());
                    current.navigate(&format!("/plan/{id}"))
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        {move || me.get().map(|me| match me {
            Ok(Me { kind: PrincipalKind::User, name, .. }) => view! {
                <p class="signed-in">{format!("Inloggad som {name}")}</p>
                <SignOutButton />
                <button type="button" class="primary" on:click=new_plan>"Ny plan"</button>
                <NotificationSettingsForm />
            }.into_any(),
            Ok(_) => view! { <p class="signed-in">"Den här enheten är inbjuden till en plan."</p> }.into_any(),
            Err(crate::api::ApiError::NotSignedIn) => view! {
                <p class="hint">"Du är inte inloggad. Öppna inloggningslänken eller inbjudan du har fått."</p>
            }.into_any(),
            Err(e) => view! { <p class="hint">{e.to_string()}</p> }.into_any(),
        })}
        <p role="alert" class="error">{move || error.get()}</p>
    }
}

/// "Logga ut": a plain form, so that no script is needed. The server ends
/// the session and sends the browser on (to the identity provider, to sign
/// out there too, when the session came from one).
#[component]
fn SignOutButton() -> impl IntoView {
    view! {
        <form class="sign-out" method="post" action="/auth/sign-out">
            <button type="submit">"Logga ut"</button>
        </form>
    }
}

/// Where the list comes from, when it is not simply the server's now.
#[component]
fn ListStatus(server: LocalResource<ServerList>) -> impl IntoView {
    const DEVICE_ONLY: &str = "Här visas bara planerna som finns på den här enheten.";
    move || {
        let (class, text) = match server.get() {
            None => ("list-status", "Hämtar dina planer från servern …".to_string()),
            Some(ServerList::Fresh(_)) => return None,
            Some(ServerList::Offline(_)) => {
                ("list-status offline-note", format!("Du är offline. {DEVICE_ONLY}"))
            }
            Some(ServerList::NotSignedIn) => ("list-status", DEVICE_ONLY.to_string()),
            Some(ServerList::Failed(reason, _)) => (
                "list-status offline-note",
                format!("Dina planer på servern gick inte att hämta. {reason} {DEVICE_ONLY}"),
            ),
        };
        Some(view! { <p class=class role="status">{text}</p> })
    }
}

/// The plans the filter keeps, and how many they are.
#[component]
fn PlanList(list: Vec<ListedPlan>, filter: RwSignal<PlanFilter>) -> impl IntoView {
    let total = list.len();
    let list = StoredValue::new(list);
    let shown = Memo::new(move |_| {
        filter.with(|f| list.with_value(|all| all.iter().filter(|p| f.keeps(p)).cloned().collect::<Vec<_>>()))
    });
    let count = move || {
        let n = shown.with(Vec::len);
        match (n, total) {
            (_, 0) => "Du har inga planer än.".to_string(),
            (0, _) => "Ingen plan passar sökningen.".to_string(),
            (1, 1) => "Visar 1 plan.".to_string(),
            (n, total) if n == total => format!("Visar alla {total} planer."),
            (n, total) => format!("Visar {n} av {total} planer."),
        }
    };
    view! {
        <p class="plan-count" role="status">{count}</p>
        <ul class="plan-list plan-cards">
            <For each=move || shown.get() key=|plan| plan.id.clone() let:plan>
                <PlanCard plan />
            </For>
        </ul>
    }
}

/// One plan: the person, the coordinator, the next date, open or closed,
/// and the member's own role.
#[component]
fn PlanCard(plan: ListedPlan) -> impl IntoView {
    // The person opens their own view ("Min plan").
    let href = match plan.role {
        Some(Role::Person) => format!("/min-plan/{}", plan.id),
        _ => format!("/plan/{}", plan.id),
    };
    let name = plan.name().unwrap_or("Namnlös plan").to_string();
    let title = (!plan.person.trim().is_empty() && !plan.title.trim().is_empty()).then(|| plan.title.clone());
    let facts = plan.known.then(|| {
        let coordinator = Some(plan.coordinator.clone()).filter(|c| !c.trim().is_empty());
        let next = match &plan.next {
            Some(next) => {
                let what = if next.kind == DateKind::Meeting { "Möte" } else { "Uppföljning" };
                format!("{what} {} {}", spoken_date(&next.date), next.date.get(..4).unwrap_or_default())
            }
            None => "Inget datum är bestämt".to_string(),
        };
        view! {
            <dl class="plan-facts">
                <div><dt>"Samordningsansvarig"</dt>
                    <dd data-user-text>{coordinator.unwrap_or_else(|| "Inte vald än".to_string())}</dd></div>
                <div><dt>"Nästa möte eller uppföljning"</dt><dd>{next}</dd></div>
                <div><dt>"Status"</dt><dd>{if plan.closed { "Avslutad" } else { "Pågående" }}</dd></div>
                <div><dt>"Du i planen"</dt><dd>{plan.role.map(role_label)}</dd></div>
            </dl>
        }
    });
    view! {
        <li class="plan-card">
            <h2 class="plan-card-name"><a href=href data-user-text>{name}</a></h2>
            {title.map(|title| view! { <p class="plan-card-title">"Planens namn: "<span data-user-text>{title}</span></p> })}
            {facts}
        </li>
    }
}

/// The member's role in a plan, in plain words.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "Du administrerar planen",
        Role::Editor => "Ändrar i planen",
        Role::Person => "Planen handlar om dig",
        Role::Reader => "Läser planen",
    }
}
