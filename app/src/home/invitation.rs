//! `/inbjudan#<token>`: someone opens an invitation to a plan. Nothing
//! happens until they press "Öppna planen": a mail scanner or a link
//! preview that runs the page's scripts must not use the link up (nor
//! become a member). Then the server makes them a member (a signed-in
//! professional joins as themselves; anyone else gets this device
//! registered). The person then sees "Min plan" at once; everyone else goes
//! on to the plan editor. This page belongs to the person's (smaller) wasm,
//! since most invitations are opened by people at home, often on a slow
//! network.
//!
//! With a citizen identity provider set up on the server (BankID, Freja),
//! the person can instead sign in: the invitation is then bound to who they
//! are, and signing in opens Min plan on any new device, with no new link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Redeemed, SignInProvider, TokenRequest};
use shared::{DocumentId, Role};

use crate::api::{self, ApiError};

/// Where `home.html` leaves its redemption of the link, when its own
/// "Öppna planen" was pressed before this app loaded (see `api::started_by_page`).
const REDEEMED_BY_PAGE: &str = "samplanInvitation";

/// Where the invitation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Waiting for the press of "Öppna planen".
    Offered,
    /// Redeeming it.
    Opening,
    /// Why it did not work.
    Failed(String),
}

/// The invitation page; `opened` gets the plan when it is the person's own.
#[component]
pub fn InvitationPage(opened: RwSignal<Option<DocumentId>>) -> impl IntoView {
    let step = RwSignal::new(Step::Offered);
    let token = StoredValue::new(api::take_fragment());
    if api::page_started(REDEEMED_BY_PAGE) {
        // The page's own button was pressed already; a link works only once.
        step.set(Step::Opening);
        spawn_local(async move {
            if let Some(answer) = api::started_by_page(REDEEMED_BY_PAGE).await {
                go_to_plan(answer, opened, step);
            }
        });
    } else {
        // This page's button takes over from the one the page put up.
        super::remove_first_view();
        if token.get_value().is_none() {
            step.set(Step::Failed("Länken saknar sin kod. Öppna hela länken du fick.".into()));
        }
    }
    let open = move |_| {
        let Some(token) = token.get_value() else { return };
        step.set(Step::Opening);
        spawn_local(async move {
            go_to_plan(api::post("/api/invitations/redeem", &TokenRequest { token }).await, opened, step);
        });
    };
    view! {
        <main class="page home-page">
            <h1>"Inbjudan till en plan"</h1>
            {move || match step.get() {
                Step::Offered => view! {
                    <p>"Du har fått en inbjudan till en plan."</p>
                    <p>"Tryck på knappen för att öppna planen."</p>
                    <button type="button" class="primary big" on:click=open>"Öppna planen"</button>
                    <Suspense>{move || Suspend::new(crate::chunk_loading::retrying(move || super::parts::sign_in_to_open(token)))}</Suspense>
                }.into_any(),
                Step::Opening => view! { <p role="status">"Öppnar inbjudan …"</p> }.into_any(),
                Step::Failed(reason) => view! {
                    <p role="alert" class="error">{reason}</p>
                    <p>"Be den som bjöd in dig om en ny länk."</p>
                }.into_any(),
            }}
        </main>
    }
}

/// Open the invitation by signing in with a citizen identity provider,
/// one button per provider; nothing when the server has none. A chunk of
/// its own (`parts::sign_in_to_open`): most invitations are opened where
/// no provider is set up.
#[component]
pub(super) fn SignInToOpen(token: String) -> impl IntoView {
    let providers = LocalResource::new(|| api::get::<Vec<SignInProvider>>("/api/sign-in/providers"));
    move || {
        let citizen: Vec<SignInProvider> =
            providers.get()?.ok()?.into_iter().filter(|p| p.kind == "citizen").collect();
        if citizen.is_empty() {
            return None;
        }
        let token = token.clone();
        Some(view! {
            <p>"Eller logga in. Då kan du öppna planen på andra enheter också, utan en ny länk."</p>
            {citizen.into_iter().map(|p| {
                let href = format!("/auth/{}/start?invitation={token}", p.id);
                view! { <p><a class="button-link" href=href>{p.label}</a></p> }
            }).collect_view()}
        })
    }
}

/// After the server's answer to redeeming: the person's own view, the plan
/// editor, or why not.
fn go_to_plan(
    answer: Result<Redeemed, ApiError>,
    opened: RwSignal<Option<DocumentId>>,
    step: RwSignal<Step>,
) {
    match answer {
        Ok(Redeemed { document_id: plan, role }) => {
            api::remember_role(&plan, role);
            let Some(window) = web_sys::window() else { return };
            match DocumentId::parse_url_or_id(&plan) {
                Ok(id) if role == Role::Person => {
                    let path = format!("{}/{id}", super::BASE);
                    if let Ok(history) = window.history() {
                        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
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
            step.set(Step::Failed(error.to_string()));
        }
    }
}
