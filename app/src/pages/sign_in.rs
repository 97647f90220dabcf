//! `/logga-in#<token>`: a professional opens the sign-in link they got, and
//! this device gets a session (an HttpOnly cookie set by the server).

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::api::{SignedIn, TokenRequest};

use crate::api;

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<String, String>>);
    match api::take_fragment() {
        None => outcome.set(Some(Err("Länken saknar sin kod. Öppna hela länken du fick.".into()))),
        Some(token) => spawn_local(async move {
            let result = api::post::<_, SignedIn>("/api/sign-in", &TokenRequest { token }).await;
            outcome.set(Some(result.map(|signed_in| signed_in.name).map_err(|e| e.to_string())));
        }),
    }
    view! {
        <main class="page">
            <h1>"Logga in"</h1>
            {move || match outcome.get() {
                None => view! { <p role="status">"Loggar in …"</p> }.into_any(),
                Some(Ok(name)) => view! {
                    <p role="status">{format!("Du är inloggad som {name}.")}</p>
                    <p><a href="/">"Till Mina planer"</a></p>
                }.into_any(),
                Some(Err(reason)) => view! {
                    <p role="alert" class="error">{reason}</p>
                    <p>"Be den som sköter Samplan om en ny inloggningslänk."</p>
                }.into_any(),
            }}
        </main>
    }
}
