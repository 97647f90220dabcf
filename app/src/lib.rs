//! The Samplan web app (Leptos, client-side rendered).
//!
//! - [`repo`]: the open plans, their device copy and their sync: the shell
//!   around `shared::repo_core`, which holds the Automerge documents.
//! - [`storage`]: the device copy of every plan, in IndexedDB.
//! - [`text_watch`]: which text fields a change touched, so only those
//!   read their text again.
//! - [`connection`]: the WebSocket to the server.
//! - [`route`]: which page the address bar shows.
//! - [`api`]: the server's access API (sign-in, invitations, roles).
//! - [`pages`], [`sections`] and [`components`]: the views; thin, reading
//!   signals. `pages`, `sections` and [`chunks`] are the plan editor (the
//!   `editor` feature, on by default; the person's view is built without it).
//! - [`clock`]: dates as the plan writes them.
//! - [`home`]: the person's own view ("Min plan"), built as a wasm of its own.
//! - [`chunks`]: the parts of the editor loaded as wasm chunks of their own.
//! - [`idle`]: work that waits until the page is idle.

pub mod api;
pub mod chunk_loading;
#[cfg(feature = "editor")]
pub mod chunks;
pub mod clock;
pub mod components;
pub mod connection;
// The person's view is its own wasm (`src/bin/home.rs`, built without the
// editor): not in the editor's, whose first part would otherwise carry
// Min plan's split parts (`home::parts`: their entry points are exports,
// kept by the linker), nor in the editor's in-browser tests (a wasm that
// is not split, with those exports, never starts: "Loading scripts").
// scripts/test.sh lints it on its own.
#[cfg(not(feature = "editor"))]
pub mod home;
pub mod idle;
pub mod offline_reads;
#[cfg(feature = "editor")]
pub mod pages;
pub mod repo;
pub mod route;
#[cfg(feature = "editor")]
pub mod sections;
pub mod storage;
pub mod text_watch;

#[cfg(feature = "editor")]
use leptos::prelude::*;

#[cfg(feature = "editor")]
use crate::repo::Repo;
pub use crate::repo::RepoHandle;
#[cfg(feature = "editor")]
use crate::route::Page;

/// The whole app (the plan editor).
#[cfg(feature = "editor")]
#[component]
pub fn App() -> impl IntoView {
    let repo = Repo::new(storage::DeviceStore::open());
    repo.set_upkeep(|repo, id| leptos::task::spawn_local(chunks::device_upkeep(repo, id)));
    provide_context(RepoHandle::new(repo.clone()));
    leptos::task::spawn_local(connection::run(repo.clone()));
    // Presence is renewed every few seconds and forgotten when not renewed.
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(shared::presence::RENEW_EVERY_MS).await;
            repo.renew_presence();
        }
    });
    let current = route::provide();
    // A memo: the plan's page and its meeting view are one page, not built
    // again when moving between them.
    let page = Memo::new(move |_| current.page());
    move || match page.get() {
        Page::Home => view! { <Suspense>{Suspend::new(chunks::home_page())}</Suspense> }.into_any(),
        Page::Plan(id) => view! { <pages::plan::PlanPage id /> }.into_any(),
        Page::SignIn => view! { <Suspense>{Suspend::new(chunks::sign_in_page())}</Suspense> }.into_any(),
        Page::LogReview => {
            view! { <Suspense>{Suspend::new(chunks::log_review_page())}</Suspense> }.into_any()
        }
        Page::NotFound => view! {
            <main class="page"><h1>"Sidan finns inte"</h1><a href="/">"Till Mina planer"</a></main>
        }
        .into_any(),
    }
}

/// Mount the app on the page.
#[cfg(feature = "editor")]
pub fn start() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}
