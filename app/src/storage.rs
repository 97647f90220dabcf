//! The device's copy of every plan, in IndexedDB.
//!
//! Store `chunks`: Automerge chunks (the changes after what is stored, or a full
//! save after compaction) under the key `<document id>/<time>-<random>`, so
//! one range read loads a document. Chunks may load in any order: Automerge
//! queues changes until their dependencies arrive. Store `plans`: the plans
//! this device knows, key = document id, value = the title, for the start page.
//! Also in `chunks`, under `~preview/<document id>` (outside every
//! document's range; no new store, so no database upgrade that a tab still
//! running the old app would block): the document's preview, its current
//! state without history (`shared::preview`), shown while the document
//! loads, with the chunks it shows (their number and last key). A preview
//! that does not show every stored chunk is not used.
//!
//! Every write is one IndexedDB transaction that is committed before the
//! caller is told it is saved.

use automerge::AutoCommit;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
pub use shared::repo_core::StoredDocument;
use shared::repo_core::{stored, CorruptChunk, StoredPreview};
use shared::DocumentId;
use wasm_bindgen::{JsCast, JsValue};

use shared::storage_layout::{CHUNKS, DATABASE, PLANS};

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

impl From<CorruptChunk> for StorageError {
    fn from(e: CorruptChunk) -> Self {
        StorageError::Corrupt(e.0)
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

    /// Append a chunk of a document; returns its key when it is committed
    /// (`None` for an empty chunk: nothing is written).
    pub async fn append(&self, id: &DocumentId, chunk: &[u8]) -> Result<Option<String>, StorageError> {
        if chunk.is_empty() {
            return Ok(None);
        }
        let tx = self.db.transaction(CHUNKS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(CHUNKS)?;
        let key = chunk_key(id);
        store.put(bytes_value(chunk)).with_key(key.clone()).primitive()?;
        tx.commit().await?;
        Ok(Some(key))
    }

    /// Load a document, or `None` if this device has none of it, and
    /// compact its chunks when that makes the next open faster: the steps
    /// the app takes apart ([`DeviceStore::read`], [`StoredDocument::load`],
    /// then later [`DeviceStore::keep`]), in one call (for tests).
    /// All of it is stored: save only what comes after its heads.
    pub async fn load(&self, id: &DocumentId) -> Result<Option<AutoCommit>, StorageError> {
        let stored = self.read(id).await?;
        let Some(mut doc) = stored.load()? else { return Ok(None) };
        if stored.worth_compacting() {
            // If it fails, the chunks stay as they were and the plan opens anyway.
            let _ = self.compact(id, &doc.save(), &stored).await;
        }
        Ok(Some(doc))
    }

    /// What the device holds of a document (its chunks, and its preview if
    /// that shows every chunk), read in one transaction.
    pub async fn read(&self, id: &DocumentId) -> Result<StoredDocument, StorageError> {
        let tx = self.db.transaction(CHUNKS).build()?;
        let store = tx.object_store(CHUNKS)?;
        // All three asked for at once: IndexedDB answers them in turn
        // without waiting for the page to ask for the next.
        let keys = store.get_all_keys().with_query::<String, _>(document_range(id)).primitive()?;
        let values = store.get_all().with_query::<String, _>(document_range(id)).primitive()?;
        let preview = store.get::<JsValue, String, _>(preview_key(id)).primitive()?;
        let keys: Vec<String> = keys.await?.collect::<Result<_, _>>()?;
        let values: Vec<JsValue> = values.await?.collect::<Result<_, _>>()?;
        let preview: Option<JsValue> = preview.await?;
        Ok(stored_document(keys, &values, preview))
    }

    /// Store the preview of a document made from the chunks under
    /// `known` (and nothing else). See [`DeviceStore::keep`].
    pub async fn save_preview(
        &self,
        id: &DocumentId,
        preview: &[u8],
        known: &[String],
    ) -> Result<(), StorageError> {
        self.keep(id, None, Some((preview, known))).await.map(|_| ())
    }

    /// Keep a document quick to open, in one transaction: replace the
    /// chunks read as `stored` by `snapshot` (a whole save of the document
    /// loaded from them), and store a `preview` made from a document that
    /// holds exactly the chunks under the keys given with it (with
    /// `snapshot` in place of those it replaces). The preview is stored
    /// only if those are exactly the chunks stored now, counted in the same
    /// transaction: another tab may have written more, which the preview
    /// would not show. Otherwise the stored preview is deleted (the next
    /// open loads the document). Later writes wait for this transaction
    /// (IndexedDB runs transactions on one store in the order they were
    /// made). Returns the key of `snapshot`.
    pub async fn keep(
        &self,
        id: &DocumentId,
        compaction: Option<(&[u8], &StoredDocument)>,
        preview: Option<(&[u8], &[String])>,
    ) -> Result<Option<String>, StorageError> {
        let tx = self.db.transaction(CHUNKS).with_mode(TransactionMode::Readwrite).build()?;
        let chunks = tx.object_store(CHUNKS)?;
        let mut replaced: &[String] = &[];
        let mut snapshot_key = None;
        if let Some((snapshot, stored)) = compaction {
            let key = chunk_key(id);
            chunks.put(bytes_value(snapshot)).with_key(key.clone()).primitive()?;
            for key in stored.keys() {
                chunks.delete(key.as_str()).primitive()?;
            }
            replaced = stored.keys();
            snapshot_key = Some(key);
        }
        let shown = match preview {
            Some((preview, known)) => {
                let stored: Vec<String> = chunks
                    .get_all_keys()
                    .with_query::<String, _>(document_range(id))
                    .primitive()?
                    .await?
                    .collect::<Result<_, _>>()?;
                // (IndexedDB gives the keys sorted.)
                stored::preview_matches(known, replaced, snapshot_key.as_ref(), &stored)
                    .then_some((preview, stored))
            }
            None => None,
        };
        match shown {
            Some((preview, stored)) => {
                chunks.put(preview_record(preview, &stored)).with_key(preview_key(id)).primitive()?;
            }
            None if preview.is_some() || compaction.is_some() => {
                chunks.delete(preview_key(id)).primitive()?;
            }
            None => {}
        }
        tx.commit().await?;
        Ok(snapshot_key)
    }

    /// The chunks this device holds of a document, in order, as stored
    /// (to see whether it has been compacted).
    pub async fn chunks(&self, id: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError> {
        Ok(self.read(id).await?.into_chunks())
    }

    /// Replace the chunks read as `stored` by `snapshot` (a whole save of
    /// the document loaded from them), atomically. Its preview no longer
    /// shows the chunks: it is not used until a new one is stored.
    pub async fn compact(
        &self,
        id: &DocumentId,
        snapshot: &[u8],
        stored: &StoredDocument,
    ) -> Result<(), StorageError> {
        self.keep(id, Some((snapshot, stored)), None).await.map(|_| ())
    }

    /// Forget a plan on this device: its chunks and its entry on the start
    /// page (after its coordinator deleted it).
    pub async fn forget_plan(&self, id: &DocumentId) -> Result<(), StorageError> {
        let tx = self.db.transaction([CHUNKS, PLANS]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(CHUNKS)?.delete::<KeyRange<String>, _>(document_range(id)).primitive()?;
        tx.object_store(PLANS)?.delete(id.to_string()).primitive()?;
        tx.object_store(CHUNKS)?.delete(preview_key(id)).primitive()?;
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

/// What the device holds of one document, read as IndexedDB gives it:
/// the chunks' keys and values, and the preview's record.
fn stored_document(keys: Vec<String>, values: &[JsValue], preview: Option<JsValue>) -> StoredDocument {
    let chunks = values.iter().map(|chunk| js_sys::Uint8Array::new(chunk).to_vec()).collect();
    StoredDocument::new(keys, chunks, preview.and_then(|record| preview_from_record(&record)))
}

/// What `public/early-read.js` read of document `id` (the plan in the
/// address) while the app loaded, taken once; `None` when it read nothing
/// or another document, or its answer is not as expected: then the app
/// reads by itself. The read is one transaction, made before this tab
/// wrote anything.
pub async fn early_read(id: &DocumentId) -> Option<StoredDocument> {
    let window: JsValue = web_sys::window()?.into();
    let name = JsValue::from("samplanEarlyRead");
    let early = js_sys::Reflect::get(&window, &name).ok().filter(JsValue::is_object)?;
    // Taken by the first open, whichever document it is: a later open (of
    // a plan forgotten meanwhile, say) must not get this old read.
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &name);
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).ok();
    if get(&early, "id")?.as_string()? != id.to_string() {
        return None;
    }
    let read = get(&early, "read")?.dyn_into::<js_sys::Promise>().ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(read).await.ok().filter(JsValue::is_object)?;
    let keys = get(&answer, "keys")?.dyn_into::<js_sys::Array>().ok()?;
    let values = get(&answer, "values")?.dyn_into::<js_sys::Array>().ok()?;
    let keys: Vec<String> = keys.iter().map(|key| key.as_string()).collect::<Option<_>>()?;
    if keys.len() != values.length() as usize {
        return None;
    }
    let preview = get(&answer, "preview").filter(JsValue::is_object);
    Some(stored_document(keys, &values.to_vec(), preview))
}

/// A preview's record: the preview, and the chunks it shows (how many,
/// and the last key; `shared::repo_core::StoredPreview`).
fn preview_record(bytes: &[u8], keys: &[String]) -> JsValue {
    let record = js_sys::Object::new();
    // (Setting a property of a plain new object cannot fail.)
    let set = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&record, &name.into(), &value);
    };
    set("bytes", bytes_value(bytes));
    set("chunks", JsValue::from(keys.len() as u32));
    set("last", JsValue::from(keys.last().map(String::as_str).unwrap_or("")));
    record.into()
}

fn preview_from_record(record: &JsValue) -> Option<StoredPreview> {
    let get = |name: &str| js_sys::Reflect::get(record, &name.into()).ok();
    let bytes = get("bytes")?.dyn_into::<js_sys::Uint8Array>().ok()?.to_vec();
    let chunks = get("chunks")?.as_f64()? as u32;
    let last = get("last")?.as_string()?;
    Some(StoredPreview { bytes, chunks, last })
}

fn bytes_value(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}

/// A key that sorts after the document's earlier chunks and is unique.
fn chunk_key(id: &DocumentId) -> String {
    // (Milliseconds, whole: formatted as an integer, the same key as a float with no decimals.)
    let now = js_sys::Date::now();
    let random = (js_sys::Math::random() * 1e9) as u64;
    shared::storage_layout::chunk_key(id, now as u64, random)
}

/// Where a document's preview is stored: in `chunks`, outside every
/// document's range (document ids are letters and digits; '~' sorts after them).
fn preview_key(id: &DocumentId) -> String {
    shared::storage_layout::preview_key(id)
}

fn document_range(id: &DocumentId) -> KeyRange<String> {
    let (first, end) = shared::storage_layout::document_range(id);
    KeyRange::Bound(first, false, end, true)
}
