//! The app-wide handle to the [`Repo`]: components get it with
//! `expect_context`, and the editor's wasm chunks are called with it (it
//! is `Copy`). It lives with the repo, not with the views: the repo
//! depends on nothing of the pages and sections.

use leptos::prelude::*;

use super::Repo;

/// The app-wide handle to the [`Repo`]; components get it with `expect_context`.
#[derive(Clone, Copy)]
pub struct RepoHandle(pub StoredValue<Repo, LocalStorage>);

impl RepoHandle {
    /// The handle to `repo`, which remembers it.
    pub fn new(repo: Repo) -> RepoHandle {
        let handle = RepoHandle(StoredValue::new_local(repo.clone()));
        repo.remember_handle(handle);
        handle
    }

    /// The repo.
    pub fn get(&self) -> Repo {
        self.0.get_value()
    }
}
