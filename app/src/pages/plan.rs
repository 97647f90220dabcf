//! One plan: its fields, edited live together with everyone who has the link.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::plan::PlanText;
use shared::DocumentId;

use crate::components::save_status::SaveStatus;
use crate::components::text_field::TextField;
use crate::repo::Availability;
use crate::RepoHandle;

/// The page at `/plan/<id>`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| DocumentId::parse_url_or_id(&id).ok());
    view! {
        <main class="page">
            <nav><a href="/">"← Mina planer"</a></nav>
            {move || match id() {
                Some(id) => view! { <OpenPlan id /> }.into_any(),
                None => view! {
                    <h1>"Länken fungerar inte"</h1>
                    <p role="alert">"Länken till planen är inte giltig. Be den som skickade den om en ny länk."</p>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn OpenPlan(id: DocumentId) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let signals = repo.get().open(id);
    let title = move || {
        signals.version.track();
        let title = repo.get().text(&id, PlanText::Title);
        if title.trim().is_empty() {
            "Namnlös plan".to_string()
        } else {
            title
        }
    };
    let link = move || {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|origin| format!("{origin}/plan/{id}"))
            .unwrap_or_default()
    };
    view! {
        <header class="plan-header">
            <h1>{title}</h1>
            <SaveStatus state=signals.save_state />
        </header>
        {move || match signals.availability.get() {
            Availability::Loading => view! { <p>"Öppnar planen …"</p> }.into_any(),
            Availability::Fetching => view! { <p role="status">"Hämtar planen från servern …"</p> }.into_any(),
            Availability::Unavailable => view! {
                <p role="status">"Planen finns inte på servern än. Den visas här så snart den som skapade den är ansluten."</p>
            }.into_any(),
            Availability::Ready => view! {
                <form class="plan-form" on:submit=|ev| ev.prevent_default()>
                    <TextField id field=PlanText::Title version=signals.version multiline=false />
                    <TextField id field=PlanText::MainGoal version=signals.version multiline=true />
                </form>
                <p class="share">
                    <label for="plan-link">"Länk till planen (dela med de andra deltagarna)"</label>
                    <input id="plan-link" type="text" readonly prop:value=link />
                </p>
            }.into_any(),
        }}
    }
}
