//! "Mina planer": the plans on this device, and a button for a new one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Me, PrincipalKind};
use shared::Role;

use crate::route::CurrentPath;
use crate::RepoHandle;

/// The start page.
#[component]
pub fn HomePage() -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let plans = LocalResource::new(move || async move { repo.get().known_plans().await });
    let error = RwSignal::new(None::<String>);
    // Who is signed in: only professionals create plans.
    let me = LocalResource::new(crate::api::me);
    let current = expect_context::<CurrentPath>();
    let new_plan = move |_| {
        spawn_local(async move {
            match repo.get().create_plan().await {
                Ok(id) => current.navigate(&format!("/plan/{id}")),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <main class="page">
            <h1>"Mina planer"</h1>
            {move || me.get().map(|me| match me {
                Ok(Me { kind: PrincipalKind::User, name }) => view! {
                    <p class="signed-in">{format!("Inloggad som {name}")}</p>
                    <button type="button" class="primary" on:click=new_plan>"Ny plan"</button>
                }.into_any(),
                Ok(_) => view! { <p class="signed-in">"Den här enheten är inbjuden till en plan."</p> }.into_any(),
                Err(crate::api::ApiError::NotSignedIn) => view! {
                    <p class="hint">"Du är inte inloggad. Öppna inloggningslänken eller inbjudan du har fått."</p>
                }.into_any(),
                Err(e) => view! { <p class="hint">{e.to_string()}</p> }.into_any(),
            })}
            <p role="alert" class="error">{move || error.get()}</p>
            <Suspense fallback=|| view! { <p>"Hämtar planer …"</p> }>
                {move || plans.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p>"Du har inga planer på den här enheten än."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plan-list">
                            {list.into_iter().map(|plan| {
                                let title = if plan.title.trim().is_empty() { "Namnlös plan".to_string() } else { plan.title };
                                // The person opens their own view ("Min plan").
                                let own = crate::api::remembered_role(&plan.id.to_string()) == Some(Role::Person);
                                let href = if own { format!("/min-plan/{}", plan.id) } else { format!("/plan/{}", plan.id) };
                                view! { <li><a href=href>{title}</a></li> }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="error">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
