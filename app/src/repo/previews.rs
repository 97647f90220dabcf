//! Keeping the device copy quick to open: running the core's upkeep
//! (compacting a document's chunks and writing its preview) and storing
//! what it made, in one IndexedDB transaction.
//!
//! The editor loads the code that does it as a wasm chunk
//! ([`crate::chunks::device_upkeep`], see [`Repo::set_upkeep`]): it encodes
//! whole documents, which nothing before the plan is on the screen does.
//! So [`Repo::upkeep_now`] is the only caller of `RepoCore::upkeep`, and
//! what it returns is stored here, not by the effects every page runs.

use leptos::task::spawn_local;
use shared::repo_core::{Event, Keep};
use shared::DocumentId;
use wasm_bindgen::JsCast;

use super::{Repo, RepoHandle};

/// A page being hidden may not come back (closed, or the tablet frees its
/// memory): the previews due are written then.
pub(super) fn upkeep_when_hidden(repo: &Repo) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let hidden = repo.clone();
    let on_hide = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden()) {
            hidden.handle(Event::PageHidden);
        }
    });
    let _ = document.add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
    // The repo lives as long as the page.
    on_hide.forget();
}

impl Repo {
    /// How the editor runs [`Repo::upkeep_now`]: from its wasm chunk.
    #[cfg(feature = "editor")]
    pub fn set_upkeep(&self, run: fn(RepoHandle, DocumentId)) {
        self.shell.borrow_mut().upkeep = Some(run);
    }

    /// The app-wide handle to this repo (see [`RepoHandle::new`]).
    pub fn remember_handle(&self, handle: RepoHandle) {
        self.shell.borrow_mut().handle = Some(handle);
    }

    /// Run the upkeep of document `id`: in the editor through its chunk.
    pub(super) fn run_upkeep(&self, id: DocumentId) {
        #[cfg(feature = "editor")]
        {
            let (handle, run) = {
                let shell = self.shell.borrow();
                (shell.handle, shell.upkeep)
            };
            if let (Some(handle), Some(run)) = (handle, run) {
                run(handle, id);
            }
        }
        #[cfg(not(feature = "editor"))]
        self.upkeep_now(id);
    }

    /// Compact the device copy of document `id` if that is due, and write
    /// its preview if one is due and the device holds exactly what the tab
    /// has; else try again once changes pause.
    pub fn upkeep_now(&self, id: DocumentId) {
        let Some(keep) = self.with_core(|core| core.upkeep(id)) else { return };
        let repo = self.clone();
        spawn_local(async move {
            // One transaction, made now, before any later write of this tab
            // (IndexedDB keeps their order): the preview counts exactly the
            // chunks it shows. If it fails, the chunks stay as they were and
            // the next open loads the document.
            let Ok(store) = repo.store().await else { return };
            let Keep { compaction, preview } = keep;
            let kept = store
                .keep(
                    &id,
                    compaction.as_ref().map(|(snapshot, stored)| (snapshot.as_slice(), stored)),
                    preview.as_ref().map(|(preview, known)| (preview.as_slice(), known.as_slice())),
                )
                .await;
            if let (Ok(Some(snapshot)), Some((_, stored))) = (kept, compaction) {
                repo.handle(Event::Compacted { id, replaced: stored.keys().to_vec(), snapshot });
            }
        });
    }
}
