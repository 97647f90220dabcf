//! The device's copy of every plan, in IndexedDB.
//!
//! Store `chunks`: Automerge chunks (the changes after what is stored, or a full
//! save after compaction) under the key `<document id>/<time>-<random>`, so
//! one range read loads a document. Chunks may load in any order: Automerge
//! queues changes until their dependencies arrive. Store `plans`: the plans
//! this device knows, key = document id, value = the title, for the start page.
//!
//! Every write is one IndexedDB transaction that is committed before the
//! caller is told it is saved.

use automerge::AutoCommit;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use shared::DocumentId;
use wasm_bindgen::JsValue;

const DATABASE: &str = "samplan";
const CHUNKS: &str = "chunks";
const PLANS: &str = "plans";
/// Compact a document when it is opened with more chunks than this.
const COMPACT_AFTER: usize = 50;
/// Automerge's chunk type byte (after the four magic and four checksum
/// bytes) for a whole document; change chunks have other types.
const DOCUMENT_CHUNK: u8 = 0;

/// Why the device's storage failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageError {
    /// IndexedDB is missing, blocked (private mode) or full.
    #[error("Enhetens lagring gick inte att använda: {0}")]
    Unavailable(String),
    /// A stored chunk could not be read.
    #[error("En sparad del av planen gick inte att läsa: {0}")]
    Corrupt(String),
}

impl From<indexed_db_futures::error::Error> for StorageError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StorageError::Unavailable(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StorageError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StorageError::Unavailable(e.to_string())
    }
}

/// A plan this device knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPlan {
    /// Its id.
    pub id: DocumentId,
    /// Its title when last saved here.
    pub title: String,
}

/// The device's plan storage.
#[derive(Clone, Debug)]
pub struct DeviceStore {
    db: Database,
}

impl DeviceStore {
    /// Open (and create or upgrade) the database.
    pub async fn open() -> Result<DeviceStore, StorageError> {
        Self::open_named(DATABASE).await
    }

    /// Open a database with another name (tests use their own).
    pub async fn open_named(name: &str) -> Result<DeviceStore, StorageError> {
        let db = Database::open(name)
            .with_version(1u8)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(CHUNKS).build()?;
                    db.create_object_store(PLANS).build()?;
                }
                Ok(())
            })
            .await?;
        Ok(DeviceStore { db })
    }

    /// Append a chunk of a document; returns when it is committed.
    pub async fn append(&self, id: &DocumentId, chunk: &[u8]) -> Result<(), StorageError> {
        if chunk.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(CHUNKS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(CHUNKS)?;
        store.put(bytes_value(chunk)).with_key(chunk_key(id)).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Load a document, or `None` if this device has none of it.
    /// Compacts its chunks into one whole document when that makes the
    /// next open faster (see below). All of it is stored: save only what
    /// comes after its heads.
    pub async fn load(&self, id: &DocumentId) -> Result<Option<AutoCommit>, StorageError> {
        let (keys, chunks) = self.read_chunks(id).await?;
        if chunks.is_empty() {
            return Ok(None);
        }
        let is_whole = |bytes: &[u8]| bytes.get(8) == Some(&DOCUMENT_CHUNK);
        // The largest whole document first: Automerge loads one in a single
        // pass only into an empty document; after anything else it too is
        // applied change by change.
        let first = (0..chunks.len()).filter(|i| is_whole(&chunks[*i])).max_by_key(|i| chunks[*i].len());
        let mut doc = AutoCommit::new();
        for i in first.into_iter().chain((0..chunks.len()).filter(|i| Some(*i) != first)) {
            doc.load_incremental(&chunks[i]).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        }
        // Change chunks are applied one change at a time: the large plan as
        // it came from the server (4,581 changes) took about 140 ms to open
        // in the browser, against one pass for a whole document. So compact
        // when the change chunks outweigh the whole document (automerge-repo
        // has a similar rule when it saves), when there are several whole
        // documents (two tabs compacted at once), and when there are many chunks.
        let (wholes, changes): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = chunks.iter().partition(|c| is_whole(c));
        let bytes = |chunks: &[&Vec<u8>]| chunks.iter().map(|c| c.len()).sum::<usize>();
        let worth_it = keys.len() > COMPACT_AFTER || bytes(&changes) > bytes(&wholes) || wholes.len() > 1;
        // Only chunks that read whole are replaced: Automerge loads what it
        // can of a change chunk with a damaged tail, and compacting would
        // delete the rest for good.
        if worth_it && changes.iter().all(|c| automerge::parse_changes(c).is_ok()) {
            // If it fails, the chunks stay as they were and the plan opens anyway.
            let _ = self.compact(id, &mut doc, &keys).await;
        }
        // Everything loaded is stored; the caller writes only what comes
        // after its heads. (Not `save_incremental` here to mark that: it
        // encodes every change of the document, 4,581 in the large plan,
        // only to throw them away.)
        Ok(Some(doc))
    }

    /// The chunks this device holds of a document, in order, as stored
    /// (to see whether it has been compacted).
    pub async fn chunks(&self, id: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError> {
        Ok(self.read_chunks(id).await?.1)
    }

    /// A document's chunk keys and bytes, in key order, read in one transaction.
    async fn read_chunks(&self, id: &DocumentId) -> Result<(Vec<String>, Vec<Vec<u8>>), StorageError> {
        let tx = self.db.transaction(CHUNKS).build()?;
        let store = tx.object_store(CHUNKS)?;
        let keys: Vec<String> = store
            .get_all_keys()
            .with_query::<String, _>(document_range(id))
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        let values: Vec<JsValue> = store
            .get_all()
            .with_query::<String, _>(document_range(id))
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok((keys, values.iter().map(|chunk| js_sys::Uint8Array::new(chunk).to_vec()).collect()))
    }

    /// Replace the given chunks of a document by one full save, atomically.
    async fn compact(
        &self,
        id: &DocumentId,
        doc: &mut AutoCommit,
        old_keys: &[String],
    ) -> Result<(), StorageError> {
        let snapshot = doc.save();
        let tx = self.db.transaction(CHUNKS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(CHUNKS)?;
        store.put(bytes_value(&snapshot)).with_key(chunk_key(id)).primitive()?;
        for key in old_keys {
            store.delete(key.as_str()).primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forget a plan on this device: its chunks and its entry on the start
    /// page (after its coordinator deleted it).
    pub async fn forget_plan(&self, id: &DocumentId) -> Result<(), StorageError> {
        let tx = self.db.transaction([CHUNKS, PLANS]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(CHUNKS)?.delete::<KeyRange<String>, _>(document_range(id)).primitive()?;
        tx.object_store(PLANS)?.delete(id.to_string()).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Remember a plan (and its current title) for the start page.
    pub async fn remember_plan(&self, id: &DocumentId, title: &str) -> Result<(), StorageError> {
        let tx = self.db.transaction(PLANS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PLANS)?;
        store.put(title).with_key(id.to_string()).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Every plan this device knows.
    pub async fn known_plans(&self) -> Result<Vec<KnownPlan>, StorageError> {
        let tx = self.db.transaction(PLANS).build()?;
        let store = tx.object_store(PLANS)?;
        let keys: Vec<String> = store.get_all_keys().primitive()?.await?.collect::<Result<_, _>>()?;
        let titles: Vec<String> = store.get_all().primitive()?.await?.collect::<Result<_, _>>()?;
        Ok(keys
            .into_iter()
            .zip(titles)
            .filter_map(|(key, title)| key.parse().ok().map(|id| KnownPlan { id, title }))
            .collect())
    }
}

fn bytes_value(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}

/// A key that sorts after the document's earlier chunks and is unique.
fn chunk_key(id: &DocumentId) -> String {
    let now = js_sys::Date::now();
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("{id}/{now:015.0}-{random:09}")
}

fn document_range(id: &DocumentId) -> KeyRange<String> {
    // '/' is followed by '0' in code-unit order; every chunk key of the document lies between.
    KeyRange::Bound(format!("{id}/"), false, format!("{id}0"), true)
}
