//! Where the app keeps plans on the device: the IndexedDB database, its
//! stores and the keys in them.
//!
//! Two programs read this layout: the app (`app/src/storage.rs`) and
//! `public/early-read.js`, which reads the plan in the address while the
//! app's wasm is still loading. The layout is defined once, here. The
//! script cannot import Rust and runs before anything could be fetched
//! for it, so it carries the layout as one generated line (`const layout
//! = …`), and a test of this module checks that line against these
//! definitions (`UPDATE_EARLY_READ=1 cargo test -p shared storage_layout`
//! writes it). The build's manifest does not carry the layout: nothing
//! reads it there, and it changes with the code, not with a build.
//!
//! - Store [`CHUNKS`]: a document's Automerge chunks under
//!   `<document id>/<time>-<random>` ([`chunk_key`]), so that one range
//!   read ([`document_range`]) loads a document; and its preview under
//!   `~preview/<document id>` ([`preview_key`]), outside every document's
//!   range.
//! - Store [`PLANS`]: the plans the device knows, by document id.

use crate::DocumentId;

/// The database's name.
pub const DATABASE: &str = "samplan";
/// The store of chunks and previews.
pub const CHUNKS: &str = "chunks";
/// The store of the plans the device knows (for the start page).
pub const PLANS: &str = "plans";

/// Between a document's id and the rest of a chunk key.
const SEPARATOR: char = '/';
/// The character after [`SEPARATOR`] in code-unit order: the end of a
/// document's range.
const AFTER_SEPARATOR: char = '0';
/// Before a document's id in the key of its preview. Document ids are
/// letters and digits, and '~' sorts after them: no chunk key starts so.
const PREVIEW_PREFIX: &str = "~preview/";

/// The key of a document's chunk written at `millis` (since the epoch),
/// with `random` to tell apart chunks written in the same millisecond:
/// later chunks sort after earlier ones.
pub fn chunk_key(id: &DocumentId, millis: u64, random: u64) -> String {
    format!("{id}{SEPARATOR}{millis:015}-{random:09}")
}

/// The range that holds every chunk key of a document: from the first
/// (included) to the second (excluded).
pub fn document_range(id: &DocumentId) -> (String, String) {
    (format!("{id}{SEPARATOR}"), format!("{id}{AFTER_SEPARATOR}"))
}

/// The key of a document's preview (in [`CHUNKS`]).
pub fn preview_key(id: &DocumentId) -> String {
    format!("{PREVIEW_PREFIX}{id}")
}

/// The line of `public/early-read.js` that carries this layout.
pub fn early_read_line() -> String {
    format!(
        "  const layout = {{ database: '{DATABASE}', chunks: '{CHUNKS}', previewPrefix: '{PREVIEW_PREFIX}', \
         rangeStart: '{SEPARATOR}', rangeEnd: '{AFTER_SEPARATOR}' }};"
    )
}

#[cfg(test)]
mod tests;
