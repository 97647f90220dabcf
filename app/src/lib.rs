//! The Samplan web app (Leptos, client-side rendered).
//!
//! - [`repo`]: the open plans, their device copy and their sync; the only
//!   place that touches Automerge documents.
//! - [`storage`]: the device copy of every plan, in IndexedDB.
//! - [`connection`]: the WebSocket to the server.
//! - [`pages`] and [`components`]: the views; thin, reading signals.

pub mod components;
pub mod connection;
pub mod pages;
pub mod repo;
pub mod sections;
pub mod storage;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::repo::Repo;

/// The app-wide handle to the [`Repo`]; components get it with `expect_context`.
#[derive(Clone, Copy)]
pub struct RepoHandle(pub StoredValue<Repo, LocalStorage>);

impl RepoHandle {
    /// The repo.
    pub fn get(&self) -> Repo {
        self.0.get_value()
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let repo = Repo::new(storage::DeviceStore::open());
    provide_context(RepoHandle(StoredValue::new_local(repo.clone())));
    spawn_local(connection::run(repo.clone()));
    // Presence is renewed every few seconds and forgotten when not renewed.
    spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(shared::presence::RENEW_EVERY_MS).await;
            repo.renew_presence();
        }
    });
    view! {
        <Router>
            <Routes fallback=|| view! { <main class="page"><h1>"Sidan finns inte"</h1><a href="/">"Till Mina planer"</a></main> }>
                <Route path=path!("/") view=pages::home::HomePage />
                <Route path=path!("/plan/:id") view=pages::plan::PlanPage />
            </Routes>
        </Router>
    }
}

/// Mount the app on the page.
pub fn start() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}
