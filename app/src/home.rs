//! The person's own plan at home ("Min plan", `/min-plan/<id>`), and
//! the invitation links (`/inbjudan`) that bring people to a plan.
//!
//! The person (or a relative they let) reads their plan in plain Swedish,
//! one part at a time, reports how their goals go, prepares the next
//! meeting and sees what is due. It is built as its own wasm
//! (`src/bin/home.rs`, `home.html`) from the same library, without the
//! plan editor: a tablet on a weak network loads less. Every fixed text
//! here is plain language (the end-to-end suite measures its LIX); text
//! that people wrote is marked `data-user-text` so the measure skips it.

pub mod about_sip;
pub mod help;
pub mod invitation;
pub mod keep_on_tablet;
pub mod my_plan;
pub mod next_meeting;
pub mod parts;
pub mod read_aloud;
pub mod report;
pub mod seen;
pub mod taking_part;
pub mod text_size;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::DocumentId;

use crate::repo::Repo;
use crate::{connection, storage, RepoHandle};

/// Where the person's view lives.
pub const BASE: &str = "/min-plan";

/// The app shows the plan itself now (or cannot): the plain first view that
/// `home.html` may have put up while the app loaded gives way.
pub fn first_view_done() {
    remove_first_view();
    let performance = web_sys::window().and_then(|w| w.performance());
    if let Some(performance) = performance {
        if performance.get_entries_by_name("samplan:plan-readable").length() == 0 {
            let _ = performance.mark("samplan:plan-readable");
        }
    }
}

/// Take away what `home.html` put up while the app loaded (the plain
/// first view of a plan, or an invitation's button).
pub fn remove_first_view() {
    if let Some(view) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("first-view"))
    {
        view.remove();
    }
}

/// Mount the person's view on the page.
pub fn start() {
    console_error_panic_hook::set_once();
    mount_to_body(HomeApp);
}

/// The whole person's view: one plan, or the plans this device has.
#[component]
pub fn HomeApp() -> impl IntoView {
    let repo = Repo::new(storage::DeviceStore::open());
    let handle = RepoHandle::new(repo.clone());
    provide_context(handle);
    text_size::apply_stored();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    if path.trim_end_matches('/') == "/inbjudan" {
        let opened = RwSignal::new(None::<DocumentId>);
        // The device has no session before the invitation is used: its
        // socket would be refused. It connects once the plan is opened.
        Effect::new(move |connected: Option<bool>| {
            if connected == Some(true) || opened.get().is_none() {
                return connected.unwrap_or(false);
            }
            spawn_local(connection::run(handle.get()));
            true
        });
        return (move || match opened.get() {
            Some(id) => view! { <my_plan::MyPlanPage id /> }.into_any(),
            None => view! { <invitation::InvitationPage opened /> }.into_any(),
        })
        .into_any();
    }
    spawn_local(connection::run(repo));
    let plan = path
        .strip_prefix(BASE)
        .map(|rest| rest.trim_matches('/'))
        .filter(|rest| !rest.is_empty())
        .map(|rest| DocumentId::parse_url_or_id(rest).ok());
    match plan {
        Some(Some(id)) => view! { <my_plan::MyPlanPage id /> }.into_any(),
        Some(None) => view! {
            <main class="page home-page">
                <h1>"Länken fungerar inte"</h1>
                <p role="alert">"Be din samordnare om en ny länk."</p>
            </main>
        }
        .into_any(),
        // A chunk of its own (`parts::my_plans`).
        None => view! {
            <Suspense>{move || Suspend::new(crate::chunk_loading::retrying(parts::my_plans))}</Suspense>
        }
        .into_any(),
    }
}

/// The plans on this device, each a link to its "Min plan".
#[component]
pub fn MyPlans() -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let plans = LocalResource::new(move || async move { repo.get().known_plans().await });
    view! {
        <main class="page home-page">
            <h1>"Mina planer"</h1>
            {move || match plans.get() {
                None => view! { <p>"Letar …"</p> }.into_any(),
                Some(Err(_)) => view! {
                    <p role="alert">"Den här enheten kan inte spara något just nu. Är webbläsaren i privat läge?"</p>
                }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p>"Det finns ingen plan här än. Öppna länken du fick av din samordnare."</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="plan-list big-links">
                        {list.into_iter().map(|plan| {
                            let title = if plan.title.trim().is_empty() { "Min plan".to_string() } else { plan.title };
                            view! { <li><a href=format!("{BASE}/{}", plan.id) data-user-text>{title}</a></li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </main>
    }
}
