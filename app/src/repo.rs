//! The plans open in this tab, their copy on the device, and their sync
//! with the server.
//!
//! Data flow of a keystroke: [`Repo::edit_text`] splices the Automerge
//! document, the new changes are written to IndexedDB
//! ([`DeviceStore::append`]) and, if connected, sent to the server as a sync
//! message. Remote changes arrive through [`Repo::receive_frame`], are merged,
//! written to IndexedDB, and bump the document's `version` signal so the
//! fields re-read the document. The document itself lives here, outside the
//! reactive graph; components only see signals.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use automerge::AutoCommit;
use futures::channel::mpsc::UnboundedSender;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::plan::{self, PlanText, TextPath};
use shared::presence::{Presence, EXPIRES_AFTER_MS};
use shared::sync_client::{Received, SyncClient};
use shared::{DocumentId, Message};
use wasm_bindgen::JsCast;

use crate::storage::{DeviceStore, KnownPlan, StorageError, StoredDocument};
use crate::text_watch::{self, TextWatch};

/// Whether this tab talks to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Trying to connect.
    Connecting,
    /// Connected and past the handshake.
    Online,
    /// Not connected; retrying in the background.
    Offline,
}

/// Where a document's changes are, as the person needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// A write to the device is under way.
    Saving,
    /// On the device, not yet confirmed by the server.
    SavedOnDevice,
    /// The server has confirmed every change (it confirms only what it stored).
    Synced,
    /// No connection; changes are kept on the device.
    Offline,
    /// The device refused to store the changes.
    Failed(String),
}

impl SaveState {
    /// The Swedish text the status line shows.
    pub fn label(&self) -> String {
        match self {
            SaveState::Saving => "Sparar …".into(),
            SaveState::SavedOnDevice => "Sparat på enheten".into(),
            SaveState::Synced => "Synkat med servern".into(),
            SaveState::Offline => "Offline – ändringar sparas på enheten".into(),
            SaveState::Failed(reason) => format!("Kunde inte spara på enheten: {reason}"),
        }
    }
}

/// A Performance API mark (read by the browser benchmark, `scripts/browser-bench.sh`).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Run `work`; when the page asks for timings (`window.samplanTiming`, set
/// by the browser benchmark) record how long it took as a Performance API
/// measure named `name`. Off by default: a long session would pile up entries.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let Some(start) = timing_start() else { return work() };
    let value = work();
    measure_since(name, start);
    value
}

/// Now (ms), when the page asks for timings (see [`timed`]).
pub fn timing_start() -> Option<f64> {
    web_sys::window()
        .filter(|w| js_sys::Reflect::get(w, &"samplanTiming".into()).is_ok_and(|v| v.is_truthy()))
        .and_then(|w| w.performance())
        .map(|p| p.now())
}

/// Record a measure named `name` from `start` ([`timing_start`]) to now.
pub fn measure_since(name: &str, start: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return };
    // `performance.measure(name, {start, end})` (its options are not in web-sys's stable API).
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    if let Some(measure) = js_sys::Reflect::get(&performance, &"measure".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
    {
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}

/// A Performance API measure from the mark `start` to now.
pub fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// Commit what is pending with the time now (seconds since 1970):
/// Automerge leaves a change's time at 0 unless told, and the history view
/// shows when each change was made. Must run before anything (such as
/// `get_heads`) closes the transaction with the default time.
fn commit_now(doc: &mut AutoCommit) {
    let seconds = (js_sys::Date::now() / 1000.0) as i64;
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(seconds));
}

/// One stretch of edits by one device in the plan's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The Automerge actor (hex), named by the server's actor list.
    pub actor: String,
    /// When it began and ended (seconds since 1970; 0 if unknown).
    pub from: i64,
    /// When it ended.
    pub until: i64,
    /// How many changes.
    pub changes: usize,
    /// The last change: the plan as it was right after this stretch.
    pub head: String,
    /// The parts of the plan it changed.
    pub sections: std::collections::BTreeSet<plan::history::Section>,
}

/// Whether a document has content to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Being read from the device.
    Loading,
    /// Not on the device; asked the server for it.
    Fetching,
    /// Neither the device nor the server has it (yet).
    Unavailable,
    /// On this device, but the server refuses it: access was revoked or the
    /// plan was deleted. Not shown; the device copy is kept (a server
    /// restored from an old backup must not make devices erase plans).
    NoAccess,
    /// Here.
    Ready,
}

/// Someone else who has the plan open now.
#[derive(Debug, Clone, PartialEq)]
pub struct Present {
    /// Their peer id (one per browser tab).
    pub peer: String,
    /// Their name and field.
    pub presence: Presence,
    /// When we last heard from them (ms since 1970).
    pub seen: f64,
}

/// The signals through which components follow one document.
#[derive(Debug, Clone, Copy)]
pub struct DocSignals {
    /// Who else has the plan open, and where they are.
    pub present: RwSignal<Vec<Present>>,
    /// Bumped on every change (local or remote).
    pub version: RwSignal<u64>,
    /// Where the changes are.
    pub save_state: RwSignal<SaveState>,
    /// Whether there is anything to show.
    pub availability: RwSignal<Availability>,
}

struct OpenDocument {
    /// The document: empty until loaded (`loaded`).
    doc: AutoCommit,
    /// What the views read until the document is loaded: its state without
    /// history, from the device (`shared::preview`; read only).
    preview: Option<AutoCommit>,
    /// What the device holds of the document, read and not yet loaded:
    /// [`Repo::load_now`] loads it when something needs the document itself.
    unloaded: Option<StoredDocument>,
    /// The chunks, as loaded, that are to be replaced by one whole document.
    compaction: Option<StoredDocument>,
    /// The keys of the chunks this tab knows the device holds of the
    /// document (read when it was loaded, written since): a preview is
    /// stored only if these are all there is ([`DeviceStore::keep`]).
    stored_keys: Vec<String>,
    /// The field this tab is in, as last announced.
    my_field: Option<String>,
    signals: DocSignals,
    loaded: bool,
    /// Whether a new preview is to be written ([`Repo::preview_due`]).
    preview_due: bool,
    /// When the document last changed (ms since 1970).
    last_change: f64,
    pending_writes: u32,
    storage_error: Option<String>,
    /// The heads of what this device has stored: the next write is what
    /// comes after them.
    saved: Vec<automerge::ChangeHash>,
    /// The typed plan as last read, for reading only what changed next time.
    read: Option<PlanRead>,
    /// The text fields on the screen, woken by the changes that touch them
    /// (Automerge's diff cursor, set once the device copy is loaded and
    /// reset while a large sync message is applied, tells which).
    text_watch: TextWatch,
}

impl OpenDocument {
    fn new(doc: AutoCommit, signals: DocSignals, loaded: bool) -> OpenDocument {
        OpenDocument {
            doc,
            preview: None,
            unloaded: None,
            compaction: None,
            stored_keys: Vec::new(),
            my_field: None,
            signals,
            loaded,
            preview_due: false,
            last_change: 0.0,
            pending_writes: 0,
            storage_error: None,
            saved: Vec::new(),
            read: None,
            text_watch: TextWatch::default(),
        }
    }

    /// What the views show: the preview until the document is loaded.
    fn shown(&self) -> &AutoCommit {
        self.preview.as_ref().unwrap_or(&self.doc)
    }

    fn shown_mut(&mut self) -> &mut AutoCommit {
        self.preview.as_mut().unwrap_or(&mut self.doc)
    }
}

/// The typed plan as last read (at `heads`), and the fields this tab has
/// typed in since: if nothing else changed (the document is at
/// `typed_heads`), the next read reads only those fields again
/// (`shared::plan::reread`), not the whole plan.
struct PlanRead {
    plan: Arc<plan::Plan>,
    heads: Vec<automerge::ChangeHash>,
    typed: Vec<Vec<String>>,
    typed_heads: Vec<automerge::ChangeHash>,
}

struct Inner {
    /// This repo's handle, for the code the editor loads as chunks.
    handle: Option<crate::RepoHandle>,
    /// How the editor runs [`Repo::upkeep_now`] (from a wasm chunk):
    /// set by the app, so that only the app refers to the chunk.
    #[cfg(feature = "editor")]
    upkeep: Option<fn(crate::RepoHandle, DocumentId)>,
    client: SyncClient,
    documents: HashMap<DocumentId, OpenDocument>,
    socket: Option<UnboundedSender<Vec<u8>>>,
}

/// The device store once it is open (or why it could not be opened);
/// every caller awaits the same opening.
type StoreReady = Shared<LocalBoxFuture<'static, Result<DeviceStore, StorageError>>>;

/// The tab's documents and connection; cheap to clone.
#[derive(Clone)]
pub struct Repo {
    inner: Rc<RefCell<Inner>>,
    store: StoreReady,
    /// Whether the server is reachable.
    pub connection: RwSignal<Connection>,
    /// The name this device shows the others (kept in localStorage).
    pub my_name: RwSignal<String>,
    /// This tab's presence colour.
    colour: u8,
}

impl Repo {
    /// A repo over `store` (opening; awaited before any read or write) with
    /// no connection yet; see [`crate::connection::run`].
    pub fn new(
        store: impl std::future::Future<Output = Result<DeviceStore, StorageError>> + 'static,
    ) -> Repo {
        let peer_id = format!("samplan-app-{}", DocumentId::random());
        let repo = Repo {
            inner: Rc::new(RefCell::new(Inner {
                handle: None,
                #[cfg(feature = "editor")]
                upkeep: None,
                client: SyncClient::new(peer_id),
                documents: HashMap::new(),
                socket: None,
            })),
            store: store.boxed_local().shared(),
            connection: RwSignal::new(Connection::Connecting),
            my_name: RwSignal::new(stored_name()),
            colour: (js_sys::Math::random() * 6.0) as u8,
        };
        // A page being hidden may not come back (closed, or the tablet
        // frees its memory): the previews due are written now.
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let hidden = repo.clone();
            let on_hide = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                if web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden()) {
                    hidden.write_due_previews();
                }
            });
            let _ = document
                .add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
            // The repo lives as long as the page.
            on_hide.forget();
        }
        repo
    }

    /// How the editor runs [`Repo::upkeep_now`]: from its wasm chunk.
    #[cfg(feature = "editor")]
    pub fn set_upkeep(&self, run: fn(crate::RepoHandle, DocumentId)) {
        self.inner.borrow_mut().upkeep = Some(run);
    }

    /// The app-wide handle to this repo (see [`crate::RepoHandle::new`]).
    pub fn remember_handle(&self, handle: crate::RepoHandle) {
        self.inner.borrow_mut().handle = Some(handle);
    }

    /// Set the name shown to the others, remember it on this device and tell them.
    pub fn set_my_name(&self, name: &str) {
        let name: String = name.chars().take(80).collect();
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(NAME_KEY, &name);
        }
        self.my_name.set(name);
        self.renew_presence();
    }

    /// This tab is now in `field` of plan `id` (or in none): tell the others.
    pub fn announce(&self, id: &DocumentId, field: Option<String>) {
        if let Some(open) = self.inner.borrow_mut().documents.get_mut(id) {
            open.my_field = field;
        }
        self.send_presence(id);
    }

    fn send_presence(&self, id: &DocumentId) {
        let message = {
            let mut inner = self.inner.borrow_mut();
            let Inner { client, documents, .. } = &mut *inner;
            let Some(open) = documents.get(id) else { return };
            let presence = Presence {
                name: self.my_name.get_untracked(),
                field: open.my_field.clone(),
                colour: self.colour,
            };
            client.ephemeral(*id, presence.encode())
        };
        if let Some(message) = message {
            self.send(message);
        }
    }

    /// Send this tab's presence again and forget those not heard from
    /// lately; called every few seconds.
    pub fn renew_presence(&self) {
        let now = js_sys::Date::now();
        let ids: Vec<(DocumentId, DocSignals)> =
            self.inner.borrow().documents.iter().map(|(id, open)| (*id, open.signals)).collect();
        for (id, signals) in ids {
            self.send_presence(&id);
            if signals.present.with_untracked(|p| p.iter().any(|p| now - p.seen > EXPIRES_AFTER_MS)) {
                signals.present.update(|present| present.retain(|p| now - p.seen <= EXPIRES_AFTER_MS));
            }
        }
    }

    fn receive_presence(&self, id: DocumentId, peer: String, data: &[u8]) {
        let Ok(presence) = Presence::decode(data) else { return };
        let Some(signals) = self.inner.borrow().documents.get(&id).map(|open| open.signals) else { return };
        let seen = js_sys::Date::now();
        signals.present.update(|present| {
            match present.iter_mut().find(|p| p.peer == peer) {
                Some(existing) => {
                    existing.presence = presence;
                    existing.seen = seen;
                }
                None => present.push(Present { peer, presence, seen }),
            }
            present.sort_by(|a, b| a.presence.name.cmp(&b.presence.name));
        });
    }

    /// The device store, once open. A page opened directly at a plan's
    /// address waits here, so the plan is always read from the device first.
    async fn store(&self) -> Result<DeviceStore, StorageError> {
        self.store.clone().await
    }

    /// Forget a plan on this device (after its coordinator deleted it).
    pub async fn forget_plan(&self, id: &DocumentId) -> Result<(), StorageError> {
        self.inner.borrow_mut().documents.remove(id);
        self.store().await?.forget_plan(id).await
    }

    /// The plans this device knows, for the start page.
    pub async fn known_plans(&self) -> Result<Vec<KnownPlan>, StorageError> {
        self.store().await?.known_plans().await
    }

    /// Create a new, empty plan, store it on the device and start syncing it.
    pub async fn create_plan(&self) -> Result<DocumentId, StorageError> {
        let doc = plan::new_plan_document("").map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let id = self.create_document(doc).await?;
        self.store().await?.remember_plan(&id, "").await?;
        Ok(id)
    }

    /// Create the self-report document of plan `plan` (its coordinator
    /// does, once), store it on the device and start syncing it.
    pub async fn create_self_reports(&self, plan: &DocumentId) -> Result<DocumentId, StorageError> {
        let doc = shared::self_reports::new_self_reports_document(&plan.to_string())
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        self.create_document(doc).await
    }

    async fn create_document(&self, mut doc: AutoCommit) -> Result<DocumentId, StorageError> {
        let store = self.store().await?;
        let id = DocumentId::random();
        let key = store.append(&id, &doc.save_incremental()).await?;
        let saved = doc.get_heads();
        let signals = new_signals(Availability::Ready);
        let mut open = OpenDocument::new(doc, signals, true);
        open.saved = saved;
        open.stored_keys = key.into_iter().collect();
        self.inner.borrow_mut().documents.insert(id, open);
        self.start_sync(id);
        self.preview_due(id);
        Ok(id)
    }

    /// The self-report document `id`, typed (`None` until it has content).
    pub fn self_reports(&self, id: &DocumentId) -> Option<shared::self_reports::SelfReports> {
        let inner = self.inner.borrow();
        let open = inner.documents.get(id)?;
        if plan::is_empty(open.shown()) {
            return None;
        }
        shared::self_reports::read_self_reports(open.shown()).ok()
    }

    /// Whether the server has everything of document `id` (after a report
    /// or an edit: "Sparat på servern").
    pub fn is_synced(&self, id: &DocumentId) -> bool {
        let mut inner = self.inner.borrow_mut();
        let Inner { client, documents, .. } = &mut *inner;
        documents.get_mut(id).is_some_and(|open| client.is_connected() && client.is_synced(id, &mut open.doc))
    }

    /// Open a plan: from the device if it is there, else from the server.
    ///
    /// A large plan takes Automerge longer to load than opening may take
    /// (every change since the plan was made is rebuilt and hashed), so the
    /// device keeps a preview of each document (its state without history,
    /// `shared::preview`): when the preview shows everything the device
    /// holds, the views show it first and the document itself is loaded
    /// when the page is next idle, or as soon as something needs it (an
    /// edit, a message from the server, the history): [`Repo::load_now`].
    pub fn open(&self, id: DocumentId) -> DocSignals {
        if let Some(open) = self.inner.borrow().documents.get(&id) {
            return open.signals;
        }
        let signals = new_signals(Availability::Loading);
        self.inner.borrow_mut().documents.insert(id, OpenDocument::new(AutoCommit::new(), signals, false));
        let repo = self.clone();
        mark("samplan:open");
        spawn_local(async move {
            // Read while the app loaded (the plan in the address), or now.
            mark("samplan:device-open");
            let stored = match crate::storage::early_read(&id).await {
                Some(stored) => Ok(stored),
                None => match repo.store().await {
                    Ok(store) => {
                        measure("samplan:idb-open", "samplan:open");
                        mark("samplan:device-open");
                        store.read(&id).await
                    }
                    Err(error) => Err(error),
                },
            };
            let preview = {
                let mut inner = repo.inner.borrow_mut();
                let Some(open) = inner.documents.get_mut(&id) else { return };
                match stored {
                    Ok(stored) => {
                        // A preview that does not load is not shown: the document is.
                        mark("samplan:preview-load-start");
                        open.preview = stored.load_preview();
                        measure("samplan:preview-load", "samplan:preview-load-start");
                        open.unloaded = Some(stored);
                    }
                    Err(error) => open.storage_error = Some(error.to_string()),
                }
                open.preview.as_ref().map(|_| open.text_watch.touched(open.shown(), None))
            };
            let Some(every_field) = preview else {
                // Nothing to show before the document: load it now.
                measure("samplan:device-read", "samplan:device-open");
                repo.load_now(&id);
                return;
            };
            measure("samplan:device-read", "samplan:device-open");
            // (The page may be gone by now: its signals with it.)
            signals.availability.try_set(Availability::Ready);
            signals.version.try_update(|v| *v += 1);
            every_field.iter().for_each(ArcTrigger::notify);
            // After the views have run: the plan is on the screen.
            gloo_timers::callback::Timeout::new(0, || measure("samplan:open-from-device", "samplan:open"))
                .forget();
            // The page asks for it once its first screen is drawn
            // ([`Repo::load_soon`]); at the latest now.
            let repo = repo.clone();
            gloo_timers::callback::Timeout::new(LOAD_AFTER_PREVIEW_MS, move || repo.load_now(&id)).forget();
        });
        signals
    }

    /// Load the document of a plan shown from its preview when the page is
    /// next idle (its first screen is drawn: the view that draws it asks).
    pub fn load_soon(&self, id: DocumentId) {
        let repo = self.clone();
        crate::idle::when_idle(LOAD_WHEN_IDLE_MS, move || repo.load_now(&id));
    }

    /// Load the document of an open plan from what the device holds of it,
    /// if that is not done yet (it was read, and its preview shown), then
    /// tell the views and start syncing it. Everything that needs the
    /// document itself calls this first: only reading works in a preview
    /// (see `shared::preview`), so an edit waits for the document.
    fn load_now(&self, id: &DocumentId) {
        let (availability, every_field, showed_preview, upkeep) = {
            let mut inner = self.inner.borrow_mut();
            let Some(open) = inner.documents.get_mut(id) else { return };
            if open.loaded {
                return;
            }
            let stored = open.unloaded.take();
            mark("samplan:document-load-start");
            let loaded = stored.as_ref().map(StoredDocument::load);
            measure("samplan:document-load", "samplan:document-load-start");
            match loaded {
                Some(Ok(Some(mut doc))) => {
                    // (Nothing can have come before: every edit and every
                    // message from the server waits for this.)
                    open.saved = doc.get_heads();
                    open.doc = doc;
                    // Only chunks that loaded are ever compacted (a
                    // snapshot of anything less would replace them).
                    open.stored_keys = stored.as_ref().map(|s| s.keys().to_vec()).unwrap_or_default();
                    open.compaction = stored.filter(StoredDocument::worth_compacting);
                }
                Some(Ok(None)) | None => {}
                Some(Err(error)) => open.storage_error = Some(error.to_string()),
            }
            let showed_preview = open.preview.take().is_some();
            open.loaded = true;
            // From here on, each change says what it touched.
            open.doc.update_diff_cursor();
            let availability =
                if plan::is_empty(&open.doc) { Availability::Fetching } else { Availability::Ready };
            // Chunks worth replacing by one whole document are, soon.
            let upkeep =
                open.compaction.is_some() || (!showed_preview && availability == Availability::Ready);
            (availability, open.text_watch.touched(&open.doc, None), showed_preview, upkeep)
        };
        let signals = self.inner.borrow().documents.get(id).map(|open| open.signals);
        let Some(signals) = signals else { return };
        let from_device = availability == Availability::Ready;
        // The views are told, and the sync started (which sets the save
        // state), in a microtask: this may run while one of them is being
        // computed (the approvals read an earlier version).
        let repo = self.clone();
        let sync_id = *id;
        queue_microtask(move || {
            // (The page may be gone by then.)
            if signals.availability.try_get_untracked().is_some_and(|a| a != availability) {
                signals.availability.try_set(availability);
            }
            signals.version.try_update(|v| *v += 1);
            every_field.iter().for_each(ArcTrigger::notify);
            repo.start_sync(sync_id);
        });
        if from_device && !showed_preview {
            // After the views have run: the plan is on the screen.
            gloo_timers::callback::Timeout::new(0, || measure("samplan:open-from-device", "samplan:open"))
                .forget();
        }
        if upkeep {
            // Compact, and write the preview the device lacked: the next
            // open is quick.
            self.preview_due_soon(*id);
        }
    }

    /// A new preview of document `id` is to be written once changes
    /// pause ([`PREVIEW_AFTER_MS`]), or when the page is hidden.
    fn preview_due(&self, id: DocumentId) {
        let mut inner = self.inner.borrow_mut();
        let Some(open) = inner.documents.get_mut(&id) else { return };
        open.last_change = js_sys::Date::now();
        if open.preview_due {
            return;
        }
        open.preview_due = true;
        drop(inner);
        self.write_preview_after(id, PREVIEW_AFTER_MS);
    }

    /// A new preview of document `id` is to be written when the page is
    /// next idle (after a load that had none).
    fn preview_due_soon(&self, id: DocumentId) {
        let mut inner = self.inner.borrow_mut();
        let Some(open) = inner.documents.get_mut(&id) else { return };
        open.preview_due = true;
        drop(inner);
        self.write_preview_when_idle(id);
    }

    fn write_preview_when_idle(&self, id: DocumentId) {
        let repo = self.clone();
        crate::idle::when_idle(PREVIEW_IDLE_MS, move || repo.write_preview(id));
    }

    fn write_preview_after(&self, id: DocumentId, delay_ms: u32) {
        let repo = self.clone();
        gloo_timers::callback::Timeout::new(delay_ms, move || {
            let since =
                repo.inner.borrow().documents.get(&id).map(|open| js_sys::Date::now() - open.last_change);
            match since {
                // Changes go on: wait for them to pause.
                Some(since) if since < f64::from(PREVIEW_AFTER_MS) => {
                    repo.write_preview_after(id, PREVIEW_AFTER_MS - since as u32)
                }
                Some(_) => repo.write_preview_when_idle(id),
                None => {}
            }
        })
        .forget();
    }

    /// Compact the device copy of document `id` if that is due, and write
    /// its preview if one is due and the device holds exactly what the tab
    /// has (every change written, none refused); else try again once
    /// changes pause. The editor loads the code that does it as a wasm
    /// chunk ([`crate::chunks::device_upkeep`], see [`Repo::set_upkeep`]):
    /// it encodes whole documents, which nothing before the plan is on the
    /// screen does.
    fn write_preview(&self, id: DocumentId) {
        let due = {
            let inner = self.inner.borrow();
            let Some(open) = inner.documents.get(&id) else { return };
            open.preview_due || open.compaction.is_some()
        };
        if !due {
            return;
        }
        #[cfg(feature = "editor")]
        {
            let (handle, run) = {
                let inner = self.inner.borrow();
                (inner.handle, inner.upkeep)
            };
            if let (Some(handle), Some(run)) = (handle, run) {
                run(handle, id);
            }
        }
        #[cfg(not(feature = "editor"))]
        self.upkeep_now(id);
    }

    /// [`Repo::write_preview`], now.
    pub fn upkeep_now(&self, id: DocumentId) {
        let (compaction, preview, known) = {
            let mut inner = self.inner.borrow_mut();
            let Some(open) = inner.documents.get_mut(&id) else { return };
            // After a storage error the device's copy is in doubt: left as it is.
            let compaction = open
                .compaction
                .take()
                .filter(|_| open.storage_error.is_none())
                .map(|stored| (open.doc.save(), stored));
            let known = open.stored_keys.clone();
            let written = open.loaded && open.pending_writes == 0 && open.storage_error.is_none();
            let preview = if !open.preview_due {
                None
            } else if written && open.saved == open.doc.get_heads() {
                open.preview_due = false;
                // Nothing to show: no preview (an empty plan opens at once).
                (!plan::is_empty(&open.doc))
                    .then(|| timed("samplan:preview", || shared::preview::save_preview(open.doc.document())))
                    .and_then(Result::ok)
            } else {
                drop(inner);
                self.write_preview_after(id, PREVIEW_AFTER_MS);
                None
            };
            (compaction, preview, known)
        };
        if compaction.is_none() && preview.is_none() {
            return;
        }
        let repo = self.clone();
        spawn_local(async move {
            // One transaction, made now, before any later write of this tab
            // (IndexedDB keeps their order): the preview counts exactly the
            // chunks it shows. If it fails, the chunks stay as they were and
            // the next open loads the document.
            let Ok(store) = repo.store().await else { return };
            let kept = store
                .keep(
                    &id,
                    compaction.as_ref().map(|(snapshot, stored)| (snapshot.as_slice(), stored)),
                    preview.as_deref().map(|preview| (preview, known.as_slice())),
                )
                .await;
            if let (Ok(Some(snapshot_key)), Some((_, stored))) = (kept, &compaction) {
                if let Some(open) = repo.inner.borrow_mut().documents.get_mut(&id) {
                    open.stored_keys.retain(|key| !stored.keys().contains(key));
                    open.stored_keys.push(snapshot_key);
                }
            }
        });
    }

    /// Write every preview that is due now (the page is being hidden: it
    /// may not come back).
    pub fn write_due_previews(&self) {
        let ids: Vec<DocumentId> = self
            .inner
            .borrow()
            .documents
            .iter()
            .filter(|(_, open)| open.preview_due || open.compaction.is_some())
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.write_preview(id);
        }
    }

    /// The text of a prose field of an open plan.
    pub fn text(&self, id: &DocumentId, field: PlanText) -> String {
        let inner = self.inner.borrow();
        inner.documents.get(id).and_then(|open| plan::read_text(open.shown(), field).ok()).unwrap_or_default()
    }

    /// The whole plan, typed, as it is now (`None` until it has content or
    /// when it cannot be read).
    /// Shared, not copied: the views hold it while this keeps it for the
    /// next read.
    pub fn plan(&self, id: &DocumentId) -> Option<Arc<plan::Plan>> {
        let mut inner = self.inner.borrow_mut();
        let open = inner.documents.get_mut(id)?;
        if plan::is_empty(open.shown()) {
            return None;
        }
        let heads = open.shown_mut().get_heads();
        timed("samplan:read-plan", || {
            let plan = match open.read.take() {
                Some(read) if read.heads == heads => read.plan,
                Some(read) if !read.typed.is_empty() && read.typed_heads == heads => {
                    // A copy only while the views still hold the last plan.
                    let last = Arc::unwrap_or_clone(read.plan);
                    Arc::new(plan::reread::reread_plan(&open.doc, last, &read.typed).ok()?)
                }
                _ => Arc::new(plan::read_plan(open.shown()).ok()?),
            };
            open.read =
                Some(PlanRead { plan: Arc::clone(&plan), heads, typed: Vec::new(), typed_heads: Vec::new() });
            Some(plan)
        })
    }

    /// The plan as it was at `heads` (hex change hashes), e.g. when approved.
    pub fn plan_at(&self, id: &DocumentId, heads: &[String]) -> Option<plan::Plan> {
        let heads: Vec<automerge::ChangeHash> = heads.iter().filter_map(|h| h.parse().ok()).collect();
        self.load_now(id);
        let mut inner = self.inner.borrow_mut();
        let open = inner.documents.get_mut(id)?;
        let then = open.doc.fork_at(&heads).ok()?;
        plan::read_plan(&then).ok()
    }

    /// Items that were in the plan at `heads` and are not now.
    pub fn removed_since(&self, id: &DocumentId, heads: &[String]) -> Vec<plan::history::RemovedItem> {
        let Some(then) = self.plan_at(id, heads) else { return Vec::new() };
        let Some(now) = self.plan(id) else { return Vec::new() };
        plan::history::removed_since(&then, &now)
    }

    /// Put a removed item back as it was at `heads` (a normal change).
    pub fn restore(
        &self,
        id: &DocumentId,
        heads: &[String],
        item: &plan::history::RemovedItem,
    ) -> Result<(), plan::PlanError> {
        let heads: Vec<automerge::ChangeHash> = heads.iter().filter_map(|h| h.parse().ok()).collect();
        self.change(id, |doc| plan::history::restore(doc, &heads, item))
    }

    /// Who changed the plan when: its changes grouped into edits by one
    /// actor within five minutes, oldest first.
    pub fn history(&self, id: &DocumentId) -> Vec<HistoryEntry> {
        self.load_now(id);
        let mut inner = self.inner.borrow_mut();
        let Some(open) = inner.documents.get_mut(id) else { return Vec::new() };
        let doc = open.doc.document();
        let mut sections = plan::history::SectionIndex::default();
        let mut entries: Vec<HistoryEntry> = Vec::new();
        for change in doc.get_changes(&[]) {
            let actor = change.actor_id().to_hex_string();
            let time = change.timestamp();
            let hash = change.hash().to_string();
            let touched = sections.sections(doc, change);
            match entries.last_mut() {
                Some(last) if last.actor == actor && time - last.until <= 300 => {
                    last.until = time.max(last.until);
                    last.changes += 1;
                    last.head = hash;
                    last.sections.extend(touched);
                }
                _ => entries.push(HistoryEntry {
                    actor,
                    from: time,
                    until: time,
                    changes: 1,
                    head: hash,
                    sections: touched,
                }),
            }
        }
        entries
    }

    /// The current heads of an open plan, as hex (what an approval records).
    pub fn heads(&self, id: &DocumentId) -> Vec<String> {
        self.load_now(id);
        let mut inner = self.inner.borrow_mut();
        inner
            .documents
            .get_mut(id)
            .map(|open| open.doc.get_heads().iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    /// Who else has plan `id` open.
    pub fn present(&self, id: &DocumentId) -> Option<RwSignal<Vec<Present>>> {
        self.inner.borrow().documents.get(id).map(|open| open.signals.present)
    }

    /// The text at `path` of an open plan.
    pub fn text_at(&self, id: &DocumentId, path: &TextPath) -> String {
        let inner = self.inner.borrow();
        inner
            .documents
            .get(id)
            .and_then(|open| plan::edit::text_at(open.shown(), path).ok())
            .unwrap_or_default()
    }

    /// What a view of the text at `path` tracks to show it anew after each
    /// change that touched it ([`crate::text_watch`]); call
    /// [`Repo::unwatch_text`] when the view goes. `None` when the document
    /// is not open.
    pub fn watch_text(&self, id: &DocumentId, path: &TextPath) -> Option<ArcTrigger> {
        let mut inner = self.inner.borrow_mut();
        Some(inner.documents.get_mut(id)?.text_watch.watch(&watched_place(path)))
    }

    pub fn unwatch_text(&self, id: &DocumentId, path: &TextPath) {
        if let Some(open) = self.inner.borrow_mut().documents.get_mut(id) {
            open.text_watch.unwatch(&watched_place(path));
        }
    }

    /// A person typed in a field anywhere in the plan.
    pub fn edit_text_at(&self, id: &DocumentId, path: &TextPath, value: &str) {
        self.load_now(id);
        let before = self.inner.borrow_mut().documents.get_mut(id).map(|open| open.doc.get_heads());
        if let Err(error) = self.change(id, |doc| plan::edit::set_text_at(doc, path, value)) {
            web_sys::console::error_1(&error.to_string().into());
            return;
        }
        // If the typed plan was up to date before this keystroke, it now
        // lacks this field only.
        let mut inner = self.inner.borrow_mut();
        let Some(open) = inner.documents.get_mut(id) else { return };
        let after = open.doc.get_heads();
        if let Some(read) = open.read.as_mut() {
            let known = if read.typed.is_empty() { &read.heads } else { &read.typed_heads };
            if before.as_ref() == Some(known) {
                let parts = path.parts();
                let field: Vec<String> = if parts.is_empty() {
                    vec![path.key().to_string()]
                } else {
                    parts.iter().map(|part| part.to_string()).collect()
                };
                if !read.typed.contains(&field) {
                    read.typed.push(field);
                }
                read.typed_heads = after;
            }
        }
    }

    /// Make any change of the plan (a function of `shared::plan::edit`),
    /// then save it on the device and sync it. Nothing is written when the
    /// change is refused; the error says why, in Swedish.
    pub fn change<T>(
        &self,
        id: &DocumentId,
        edit: impl FnOnce(&mut AutoCommit) -> Result<T, plan::PlanError>,
    ) -> Result<T, plan::PlanError> {
        // A thin generic shell around one non-generic body: every call site
        // would otherwise get its own copy of it in the wasm.
        let mut edit = Some(edit);
        let mut value = None;
        self.change_dyn(id, &mut |doc| {
            if let Some(edit) = edit.take() {
                value = Some(edit(doc)?);
            }
            Ok(())
        })?;
        value.ok_or(plan::PlanError::NoSuchItem { what: "ändring", id: id.to_string() })
    }

    fn change_dyn(
        &self,
        id: &DocumentId,
        edit: &mut dyn FnMut(&mut AutoCommit) -> Result<(), plan::PlanError>,
    ) -> Result<(), plan::PlanError> {
        self.load_now(id);
        let changed = {
            let mut inner = self.inner.borrow_mut();
            let Some(open) = inner.documents.get_mut(id) else {
                return Err(plan::PlanError::NoSuchItem { what: "plan", id: id.to_string() });
            };
            let before = open.doc.get_heads();
            if let Err(error) = edit(&mut open.doc) {
                open.doc.rollback();
                return Err(error);
            }
            commit_now(&mut open.doc);
            open.doc.get_heads() != before
        };
        if changed {
            self.changed(*id);
        }
        Ok(())
    }

    /// A person typed: make the field read `value`, then save and sync.
    pub fn edit_text(&self, id: &DocumentId, field: PlanText, value: &str) {
        self.load_now(id);
        let changed = {
            let mut inner = self.inner.borrow_mut();
            let Some(open) = inner.documents.get_mut(id) else { return };
            match plan::set_text(&mut open.doc, field, value) {
                Ok(changed) => {
                    commit_now(&mut open.doc);
                    changed
                }
                Err(error) => {
                    web_sys::console::error_1(&error.to_string().into());
                    false
                }
            }
        };
        if changed {
            self.changed(*id);
        }
    }

    /// After any change of a document: write the new changes to the device,
    /// send the server what it lacks, and tell the components.
    fn changed(&self, id: DocumentId) {
        timed("samplan:changed", || self.changed_now(id));
    }

    fn changed_now(&self, id: DocumentId) {
        let (chunk, base, title, outgoing, signals, touched) = {
            let mut inner = self.inner.borrow_mut();
            let Inner { client, documents, .. } = &mut *inner;
            let Some(open) = documents.get_mut(&id) else { return };
            open.pending_writes += 1;
            commit_now(&mut open.doc);
            let base = open.saved.clone();
            let chunk = open.doc.save_after(&base);
            if !chunk.is_empty() {
                open.saved = open.doc.get_heads();
            }
            // Plans go on the start page; self-report documents do not.
            let title = (!shared::self_reports::is_self_reports(&open.doc))
                .then(|| plan::read_text(&open.doc, PlanText::Title).unwrap_or_default());
            let outgoing = client.generate(id, &mut open.doc);
            // The text fields this change touched (all of them when the
            // diff cursor was off: a new document, a large sync message).
            let changes = open.doc.touched_since_cursor();
            let touched = open.text_watch.touched(&open.doc, changes.as_deref());
            (chunk, base, title, outgoing, open.signals, touched)
        };
        if let Some(message) = outgoing {
            self.send(message);
        }
        // Only on a real change: setting a signal re-runs everything that reads it.
        if signals.availability.try_get_untracked().is_some_and(|a| a != Availability::Ready) {
            signals.availability.try_set(Availability::Ready);
        }
        signals.version.try_update(|v| *v += 1);
        touched.iter().for_each(ArcTrigger::notify);
        self.refresh_save_state(id);
        self.preview_due(id);
        let repo = self.clone();
        spawn_local(async move {
            // Only a chunk the device refused is written again; with no
            // device storage at all (a private window) there is no later.
            let mut refused = false;
            let result = match repo.store().await {
                Ok(store) => {
                    let appended = store.append(&id, &chunk).await;
                    refused = appended.is_err();
                    if let Ok(Some(key)) = &appended {
                        if let Some(open) = repo.inner.borrow_mut().documents.get_mut(&id) {
                            open.stored_keys.push(key.clone());
                        }
                    }
                    match (appended, title) {
                        (Ok(_), Some(title)) => store.remember_plan(&id, &title).await,
                        (result, _) => result.map(|_| ()),
                    }
                }
                Err(error) => Err(error),
            };
            if let Some(open) = repo.inner.borrow_mut().documents.get_mut(&id) {
                open.pending_writes = open.pending_writes.saturating_sub(1);
                open.storage_error = result.err().map(|e| e.to_string());
                if refused {
                    // The device did not take this chunk: the next write
                    // carries its changes again (a change written twice is
                    // harmless), so a later success leaves nothing missing.
                    open.saved = base;
                }
            }
            repo.refresh_save_state(id);
        });
    }

    fn start_sync(&self, id: DocumentId) {
        let outgoing = {
            let mut inner = self.inner.borrow_mut();
            let Inner { client, documents, .. } = &mut *inner;
            client.open(id);
            documents.get_mut(&id).and_then(|open| client.generate(id, &mut open.doc))
        };
        if let Some(message) = outgoing {
            self.send(message);
        }
        self.refresh_save_state(id);
    }

    fn refresh_save_state(&self, id: DocumentId) {
        let update = {
            let mut inner = self.inner.borrow_mut();
            let Inner { client, documents, .. } = &mut *inner;
            documents.get_mut(&id).map(|open| {
                let state = if let Some(error) = &open.storage_error {
                    SaveState::Failed(error.clone())
                } else if open.pending_writes > 0 {
                    SaveState::Saving
                } else if !client.is_connected() {
                    SaveState::Offline
                } else if client.is_synced(&id, &mut open.doc) {
                    SaveState::Synced
                } else {
                    SaveState::SavedOnDevice
                };
                (open.signals.save_state, state)
            })
        };
        if let Some((signal, state)) = update {
            // (A page gone takes its signals with it; the document stays open here.)
            if signal.try_get_untracked().is_some_and(|s| s != state) {
                signal.try_set(state);
            }
        }
    }

    fn refresh_all(&self) {
        let ids: Vec<DocumentId> = self.inner.borrow().documents.keys().copied().collect();
        for id in ids {
            self.refresh_save_state(id);
        }
    }

    fn send(&self, message: Message) {
        if let Some(socket) = &self.inner.borrow().socket {
            let _ = socket.unbounded_send(message.encode());
        }
    }

    /// A socket opened: returns the `join` message to send first.
    pub fn connected(&self, socket: UnboundedSender<Vec<u8>>) -> Message {
        let mut inner = self.inner.borrow_mut();
        inner.socket = Some(socket);
        inner.client.join()
    }

    /// The socket closed.
    pub fn disconnected(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.socket = None;
            inner.client.connection_lost();
        }
        self.connection.set(Connection::Offline);
        self.refresh_all();
    }

    /// One binary frame from the server.
    pub fn receive_frame(&self, frame: &[u8]) {
        let message = match Message::decode(frame) {
            Ok(message) => message,
            Err(error) => {
                web_sys::console::warn_1(&format!("Oläsbart meddelande från servern: {error}").into());
                return;
            }
        };
        let received = self.inner.borrow_mut().client.receive(message);
        match received {
            Ok(Received::Connected) => {
                self.connection.set(Connection::Online);
                let ids: Vec<DocumentId> = self
                    .inner
                    .borrow()
                    .documents
                    .iter()
                    .filter(|(_, open)| open.loaded)
                    .map(|(id, _)| *id)
                    .collect();
                for id in ids {
                    self.start_sync(id);
                }
                self.renew_presence();
            }
            Ok(Received::Sync(id, data)) => timed("samplan:receive-sync", || self.apply_sync(id, &data)),
            Ok(Received::Unavailable(id)) => {
                let found = self
                    .inner
                    .borrow()
                    .documents
                    .get(&id)
                    .map(|open| (plan::is_empty(&open.doc), open.signals.availability));
                match found {
                    Some((true, signal)) => drop(signal.try_set(Availability::Unavailable)),
                    Some((false, signal)) => drop(signal.try_set(Availability::NoAccess)),
                    None => {}
                }
            }
            Ok(Received::ServerError(reason)) => {
                web_sys::console::warn_1(&format!("Servern svarade med fel: {reason}").into());
            }
            Ok(Received::Ephemeral { document_id, sender_id, data }) => {
                self.receive_presence(document_id, sender_id, &data)
            }
            Ok(Received::Nothing) => {}
            Err(error) => web_sys::console::warn_1(&error.to_string().into()),
        }
    }

    fn apply_sync(&self, id: DocumentId, data: &[u8]) {
        self.load_now(&id);
        let (changed, reply) = {
            let mut inner = self.inner.borrow_mut();
            let Inner { client, documents, .. } = &mut *inner;
            let Some(open) = documents.get_mut(&id) else { return };
            if data.len() > LARGE_SYNC_MESSAGE {
                // Indexing every operation of a whole plan arriving would
                // cost more than waking every field once.
                open.doc.reset_diff_cursor();
            }
            let before = open.doc.get_heads();
            let changed = match client.apply_sync(id, data, &mut open.doc) {
                Ok(changed) => changed,
                Err(error) => {
                    web_sys::console::warn_1(&error.to_string().into());
                    // A message refused half-way may have applied some of
                    // its changes: those are saved and shown like any other.
                    open.doc.get_heads() != before
                }
            };
            let reply = if changed { None } else { client.generate(id, &mut open.doc) };
            (changed, reply)
        };
        if let Some(message) = reply {
            self.send(message);
        }
        if changed {
            // Saves, bumps the version and sends the reply.
            self.changed(id);
        } else {
            self.refresh_save_state(id);
        }
    }
}

/// The longest a document shown from its preview waits to be loaded.
const LOAD_AFTER_PREVIEW_MS: u32 = 1_000;

/// The longest a document waits for the page to be idle after its first
/// screen was drawn ([`Repo::load_soon`]).
const LOAD_WHEN_IDLE_MS: u32 = 100;

/// How long the changes of a document pause before its preview is written
/// again (making it takes tens of milliseconds for a large plan).
const PREVIEW_AFTER_MS: u32 = 2_000;

/// The longest a due preview waits for the page to be idle.
const PREVIEW_IDLE_MS: u32 = 1_000;

/// A sync message larger than this (bytes) is applied without the diff
/// cursor: it wakes every text field ([`crate::text_watch`]).
const LARGE_SYNC_MESSAGE: usize = 16 * 1024;

/// Where the device keeps the name it shows the others.
const NAME_KEY: &str = "samplan-namn";

fn stored_name() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
        .unwrap_or_default()
}

fn new_signals(availability: Availability) -> DocSignals {
    DocSignals {
        present: RwSignal::new(Vec::new()),
        version: RwSignal::new(0),
        save_state: RwSignal::new(SaveState::Saving),
        availability: RwSignal::new(availability),
    }
}

/// The place [`crate::text_watch`] knows the field at `path` by.
fn watched_place(path: &TextPath) -> String {
    let parts: Vec<String> = path.parts().iter().map(|part| part.to_string()).collect();
    text_watch::place(&parts, path.key())
}
