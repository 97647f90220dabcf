//! Waiting for a wasm chunk (a part of the app split off with
//! `wasm_split`, [`crate::chunks`] for the editor, [`crate::home::parts`]
//! for Min plan) that may not come: the network or the server can go away
//! before the service worker has kept it. Such a chunk is fetched again
//! every few seconds instead of the app stopping.
//!
//! Why its own module: both apps (the editor and the person's Min plan,
//! built without the editor) split their wasm, and both need this.

use leptos::prelude::*;

/// A chunk could not be fetched (the network or the server went away
/// while the plan opened, before the service worker kept it).
#[derive(Debug, thiserror::Error)]
#[error("a part of the app could not be fetched")]
pub struct ChunkMissing;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// The view of a chunk, fetched again every few seconds until it comes:
/// a part that could not be fetched while the network was gone appears
/// when it is back, instead of the app stopping (the chunks of the plan
/// page are marked `fallible`; the others panic on a failed fetch).
pub fn retrying<F>(load: impl Fn() -> F + 'static) -> impl std::future::Future<Output = AnyView> + Send
where
    F: std::future::Future<Output = Result<AnyView, ChunkMissing>> + 'static,
{
    // The browser's timers and the loader are on its one thread: the
    // future never leaves it.
    send_wrapper::SendWrapper::new(async move {
        loop {
            if let Ok(view) = load().await {
                return view;
            }
            gloo_timers::future::TimeoutFuture::new(RETRY_MS).await;
        }
    })
}

/// How long to wait before fetching a chunk again.
const RETRY_MS: u32 = 3_000;
