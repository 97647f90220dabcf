//! `/inbjudan#<token>`: someone opens an invitation to a plan. The server
//! makes them a member (a signed-in professional joins as themselves; anyone
//! else gets this device registered). The person then sees "Min plan" at
//! once; everyone else goes on to the plan editor. This page belongs to the
//! person's (smaller) wasm, since most invitations are opened by people at
//! home, often on a slow network.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Redeemed, TokenRequest};
use shared::{DocumentId, Role};

use crate::api;

/// Where `home.html` leaves its redemption of the link (see `api::started_by_page`).
const REDEEMED_BY_PAGE: &str = "samplanInvitation";

/// The invitation page; `opened` gets the plan when it is the person's own.
#[component]
pub fn InvitationPage(opened: RwSignal<Option<DocumentId>>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let token = api::take_fragment();
    spawn_local(async move {
        // The page's own script may have redeemed the link already (to show
        // the plan before this app has loaded); a link works only once.
        let answer = match (api::started_by_page(REDEEMED_BY_PAGE).await, token) {
            (Some(answer), _) => answer,
            (None, Some(token)) => api::post("/api/invitations/redeem", &TokenRequest { token }).await,
            (None, None) => {
                problem.set(Some("Länken saknar sin kod. Öppna hela länken du fick.".into()));
                return;
            }
        };
        match answer {
            Ok(Redeemed { document_id: plan, role }) => {
                api::remember_role(&plan, role);
                let Some(window) = web_sys::window() else { return };
                match DocumentId::parse_url_or_id(&plan) {
                    Ok(id) if role == Role::Person => {
                        let path = format!("{}/{id}", super::BASE);
                        if let Ok(history) = window.history() {
                            let _ =
                                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
                        }
                        opened.set(Some(id));
                    }
                    _ => {
                        let _ = window.location().replace(&format!("/plan/{plan}"));
                    }
                }
            }
            Err(error) => {
                super::first_view_done();
                problem.set(Some(error.to_string()));
            }
        }
    });
    view! {
        <main class="page home-page">
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
