//! What the device holds of one document, and the rules that decide what
//! is done with it: how its chunks load, when they are worth compacting,
//! and when its preview may be shown.
//!
//! The app's IndexedDB code (`app/src/storage.rs`) reads and writes the
//! bytes; the decisions are here so that they are tested natively.

use automerge::AutoCommit;

/// Compact a document when it is opened with more chunks than this.
const COMPACT_AFTER: usize = 50;

/// Automerge's chunk type byte (after the four magic and four checksum
/// bytes) for a whole document; change chunks have other types.
const DOCUMENT_CHUNK: u8 = 0;

/// A stored chunk did not read as Automerge.
#[derive(Debug, Clone, thiserror::Error)]
#[error("En sparad del av planen gick inte att läsa: {0}")]
pub struct CorruptChunk(pub String);

/// A stored preview and the chunks it shows: how many, and the last key.
/// Chunks are only ever added (with a key after the earlier ones) or
/// replaced all at once by compaction (with a new last key), so these two
/// tell whether any was written since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPreview {
    /// The preview (`crate::preview`).
    pub bytes: Vec<u8>,
    /// How many chunks it shows.
    pub chunks: u32,
    /// The key of the last of them.
    pub last: String,
}

impl StoredPreview {
    /// Whether this preview shows exactly the chunks stored under `keys`
    /// (sorted, as IndexedDB gives them).
    pub fn shows(&self, keys: &[String]) -> bool {
        !keys.is_empty() && self.chunks as usize == keys.len() && keys.last() == Some(&self.last)
    }
}

/// Whether a preview made from a document that holds exactly the chunks
/// under `known` may be stored beside the chunks stored now (`stored`,
/// sorted), when a compaction in the same transaction replaces the chunks
/// `replaced` by one under `snapshot`: only if they are the same chunks
/// (another tab may have written one the preview would not show).
pub fn preview_matches(
    known: &[String],
    replaced: &[String],
    snapshot: Option<&String>,
    stored: &[String],
) -> bool {
    let mut expected: Vec<&String> =
        known.iter().filter(|key| !replaced.contains(key)).chain(snapshot).collect();
    expected.sort();
    stored.iter().eq(expected.iter().copied())
}

/// What the device holds of one document (read in one transaction).
#[derive(Debug, Clone, Default)]
pub struct StoredDocument {
    keys: Vec<String>,
    chunks: Vec<Vec<u8>>,
    /// The document's preview, when it shows exactly these chunks.
    pub preview: Option<Vec<u8>>,
}

impl StoredDocument {
    /// The chunks stored under `keys` (in key order), and the stored
    /// preview, kept only if it shows exactly these chunks.
    pub fn new(keys: Vec<String>, chunks: Vec<Vec<u8>>, preview: Option<StoredPreview>) -> StoredDocument {
        let preview = preview.filter(|p| p.shows(&keys)).map(|p| p.bytes);
        StoredDocument { keys, chunks, preview }
    }

    /// Load the document: `None` if the device has none of it.
    pub fn load(&self) -> Result<Option<AutoCommit>, CorruptChunk> {
        let chunks = &self.chunks;
        if chunks.is_empty() {
            return Ok(None);
        }
        let first = self.first_whole();
        let mut doc = AutoCommit::new();
        for i in first.into_iter().chain((0..chunks.len()).filter(|i| Some(*i) != first)) {
            doc.load_incremental(&chunks[i]).map_err(|e| CorruptChunk(e.to_string()))?;
        }
        // Everything loaded is stored; the caller writes only what comes
        // after its heads. (Not `save_incremental` here to mark that: it
        // encodes every change of the document, 4,581 in the large plan,
        // only to throw them away.)
        Ok(Some(doc))
    }

    /// The preview as a document to read (`None` when there is none or it
    /// does not load: then the document itself is shown).
    pub fn load_preview(&self) -> Option<AutoCommit> {
        let mut preview = AutoCommit::new();
        // (As the chunks load: one way of loading in the wasm, not two.)
        preview.load_incremental(self.preview.as_deref()?).ok()?;
        Some(preview)
    }

    /// The chunk loaded first: the largest whole document. Automerge loads
    /// one in a single pass only into an empty document; after anything
    /// else it too is applied change by change. Loaded into an empty
    /// document, a chunk that does not read whole fails the load; every
    /// later chunk is loaded as far as it reads.
    fn first_whole(&self) -> Option<usize> {
        let chunks = &self.chunks;
        (0..chunks.len()).filter(|i| is_whole(&chunks[*i])).max_by_key(|i| chunks[*i].len())
    }

    /// The keys of the chunks read.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The chunks read, in key order.
    pub fn chunks(&self) -> &[Vec<u8>] {
        &self.chunks
    }

    /// The chunks read, in key order, taken.
    pub fn into_chunks(self) -> Vec<Vec<u8>> {
        self.chunks
    }

    /// Whether the chunks are worth replacing by one whole document.
    /// Change chunks are applied one change at a time: the large plan as it
    /// came from the server (4,581 changes) took about 140 ms to open in the
    /// browser, against one pass for a whole document. So compact when the
    /// change chunks outweigh the whole document (automerge-repo has a
    /// similar rule when it saves), when there are several whole documents
    /// (two tabs compacted at once), and when there are many chunks. Only
    /// chunks that read whole are replaced: after the first chunk
    /// ([`StoredDocument::first_whole`]) Automerge loads what it can of a
    /// damaged chunk (the changes before a damaged tail; nothing of a
    /// damaged whole document), and compacting would delete the rest for
    /// good. (Checking a second whole document costs another load of it;
    /// there is one only after two tabs compacted at once.)
    pub fn worth_compacting(&self) -> bool {
        let (wholes, changes): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = self.chunks.iter().partition(|c| is_whole(c));
        let bytes = |chunks: &[&Vec<u8>]| chunks.iter().map(|c| c.len()).sum::<usize>();
        let worth_it =
            self.keys.len() > COMPACT_AFTER || bytes(&changes) > bytes(&wholes) || wholes.len() > 1;
        let first = self.first_whole();
        worth_it
            && (0..self.chunks.len())
                .filter(|i| Some(*i) != first)
                .all(|i| automerge::parse_changes(&self.chunks[i]).is_ok())
    }
}

/// Whether a stored chunk is a whole document (not changes).
fn is_whole(bytes: &[u8]) -> bool {
    bytes.get(8) == Some(&DOCUMENT_CHUNK)
}
