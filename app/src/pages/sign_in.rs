//! `/logga-in#<token>`: a professional opens the sign-in link they got, and
//! this device gets a session (an HttpOnly cookie set by the server). A
//! browser signed in as someone else asks first ("Du är inloggad som X.
//! Vill du logga in som Y i stället?"): opening another person's link must
//! not switch accounts without a word.
//!
//! `/logga-in` without a link: one button per identity provider the server
//! is set up with (SITHS for staff, BankID or Freja for the person); the
//! redirects to the provider and back are the server's (`/auth/<id>/…`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::api::{SignInCheck, SignInProvider, SignInRequest, SignedIn, TokenRequest};

use crate::api;

/// Where the sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Asking the server whose link it is.
    Checking,
    /// Signed in as `current`: sign in as `name` instead?
    Ask { current: String, name: String },
    /// Signed in as this name.
    Done(String),
    /// Stayed signed in as this name.
    Kept(String),
    /// Why it did not work.
    Failed(String),
    /// No link: sign in through an identity provider.
    Choose,
}

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let step = RwSignal::new(Step::Checking);
    let token = StoredValue::new(api::take_fragment());
    let sign_in = move |replace: bool| {
        let Some(token) = token.get_value() else { return };
        step.set(Step::Checking);
        spawn_local(async move {
            let result = api::post::<_, SignedIn>("/api/sign-in", &SignInRequest { token, replace }).await;
            step.set(match result {
                Ok(signed_in) => Step::Done(signed_in.name),
                Err(error) => Step::Failed(error.to_string()),
            });
        });
    };
    match token.get_value() {
        None => step.set(Step::Choose),
        Some(token) => spawn_local(async move {
            match api::post::<_, SignInCheck>("/api/sign-in/check", &TokenRequest { token }).await {
                Ok(SignInCheck { name, signed_in_as: Some(current) }) => {
                    step.set(Step::Ask { current, name })
                }
                Ok(_) => sign_in(false),
                Err(error) => step.set(Step::Failed(error.to_string())),
            }
        }),
    }
    view! {
        <main class="page">
            <h1>"Logga in"</h1>
            {move || match step.get() {
                Step::Checking => view! { <p role="status">"Loggar in …"</p> }.into_any(),
                Step::Ask { current, name } => {
                    let stay = current.clone();
                    view! {
                        <p role="status">{format!("Du är inloggad som {current}. Vill du logga in som {name} i stället?")}</p>
                        <p class="actions">
                            <button type="button" class="primary" on:click=move |_| sign_in(true)>
                                {format!("Ja, logga in som {name}")}
                            </button>
                            " "
                            <button type="button" on:click=move |_| step.set(Step::Kept(stay.clone()))>
                                {format!("Nej, fortsätt som {current}")}
                            </button>
                        </p>
                    }.into_any()
                }
                Step::Done(name) => view! {
                    <p role="status">{format!("Du är inloggad som {name}.")}</p>
                    <p><a href="/">"Till Mina planer"</a></p>
                }.into_any(),
                Step::Kept(name) => view! {
                    <p role="status">{format!("Du är fortfarande inloggad som {name}. Länken är inte använd.")}</p>
                    <p><a href="/">"Till Mina planer"</a></p>
                }.into_any(),
                Step::Choose => view! { <ProviderButtons /> }.into_any(),
                Step::Failed(reason) => view! {
                    <p role="alert" class="error">{reason}</p>
                    <p>"Be den som sköter Samplan om en ny inloggningslänk."</p>
                }.into_any(),
            }}
        </main>
    }
}

/// One button per identity provider; without any, how to sign in instead.
#[component]
fn ProviderButtons() -> impl IntoView {
    let providers = LocalResource::new(|| api::get::<Vec<SignInProvider>>("/api/sign-in/providers"));
    move || {
        providers.get().map(|providers| match providers {
            Ok(providers) if !providers.is_empty() => view! {
                <ul class="sign-in-providers">
                    {providers.into_iter().map(|p| view! {
                        <li><a class="button-link primary" href=format!("/auth/{}/start", p.id)>{p.label}</a></li>
                    }).collect_view()}
                </ul>
                <p class="hint">"Har du fått en inloggningslänk kan du öppna den i stället."</p>
            }.into_any(),
            _ => view! {
                <p role="alert" class="error">"Öppna hela inloggningslänken du har fått."</p>
                <p>"Be den som sköter Samplan om en ny inloggningslänk om du inte har någon."</p>
            }.into_any(),
        })
    }
}
