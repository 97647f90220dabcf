//! `/inbjudan#<token>`: someone opens an invitation to a plan. The server
//! makes them a member (a signed-in professional joins as themselves; anyone
//! else gets this device registered), then the plan opens.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::route::CurrentPath;

/// The invitation page.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let current = expect_context::<CurrentPath>();
    let problem = RwSignal::new(None::<String>);
    match api::take_fragment() {
        None => problem.set(Some("Länken saknar sin kod. Öppna hela länken du fick.".into())),
        Some(token) => spawn_local(async move {
            let body = api::object(&[("token", token.into())]);
            match api::call("POST", "/api/invitations/redeem", Some(&body)).await {
                Ok(answer) => {
                    let plan = api::field(&answer, "document_id").unwrap_or_default();
                    if let Some(role) = api::field(&answer, "role") {
                        api::remember_role(&plan, &role);
                    }
                    current.navigate(&format!("/plan/{plan}"));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        }),
    }
    view! {
        <main class="page">
            <h1>"Inbjudan till en plan"</h1>
            {move || match problem.get() {
                None => view! { <p role="status">"Öppnar inbjudan …"</p> }.into_any(),
                Some(reason) => view! {
                    <p role="alert" class="error">{reason}</p>
                    <p>"Be den som bjöd in dig om en ny länk."</p>
                }.into_any(),
            }}
        </main>
    }
}
