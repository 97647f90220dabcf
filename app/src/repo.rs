//! The plans open in this tab, their copy on the device, and their sync
//! with the server: the shell around `shared::repo_core`.
//!
//! The core decides (what to write, what to send, what the save state is,
//! when a preview is due, which fields a change touched); this shell does
//! what it says, with IndexedDB ([`crate::storage`]), the WebSocket
//! ([`crate::connection`]), timers and Leptos signals, and hands the
//! answers back as events. Every call borrows the core only while it runs:
//! its effects are carried out after the borrow ends, so a signal set by
//! one can re-run a view that reads the repo.
//!
//! Data flow of a keystroke: [`Repo::edit_text_at`] splices the Automerge
//! document in the core, which asks for the new changes to be written to
//! IndexedDB ([`crate::storage::DeviceStore::append`]) and, if connected,
//! sent to the server, and for the fields the change touched to be woken.
//! Remote changes arrive through [`Repo::receive_frame`], are merged,
//! written to IndexedDB, and bump the document's `version` signal. The
//! document lives in the core, outside the reactive graph; components only
//! see signals.
//!
//! - [`effects`]: carrying out the core's effects.
//! - [`presence`]: the name this device shows, and who else is here.
//! - [`previews`]: compacting and writing previews (from a wasm chunk).
//! - [`timing`]: performance marks and the clock.
//! - [`handle`]: the app-wide handle the views get the repo by.

mod effects;
pub mod handle;
pub mod presence;
mod previews;
pub mod timing;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use automerge::AutoCommit;
use futures::channel::mpsc::UnboundedSender;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use shared::plan::{self, PlanText, TextPath};
use shared::repo_core::{Event, RepoCore};
use shared::{DocumentId, Message};

pub use handle::RepoHandle;
pub use shared::repo_core::{Availability, Connection, HistoryEntry, Present, SaveState};
pub use timing::{mark, measure, measure_since, timed, timing_start};

use crate::storage::{DeviceStore, KnownPlan, StorageError};
use crate::text_watch::{self, TextWatch};

/// The signals through which components follow one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocSignals {
    /// Who else has the plan open, and where they are.
    pub present: RwSignal<Vec<Present>>,
    /// Bumped on every change (local or remote).
    pub version: RwSignal<u64>,
    /// Bumped once per burst of changes, when the page is idle after it:
    /// what takes longer to follow than a keystroke may (the editor's
    /// typed plan) follows this.
    pub refreshed: RwSignal<u64>,
    /// Where the changes are.
    pub save_state: RwSignal<SaveState>,
    /// Whether there is anything to show.
    pub availability: RwSignal<Availability>,
}

impl DocSignals {
    fn new(availability: Availability) -> DocSignals {
        DocSignals {
            present: RwSignal::new(Vec::new()),
            version: RwSignal::new(0),
            refreshed: RwSignal::new(0),
            save_state: RwSignal::new(SaveState::Saving),
            availability: RwSignal::new(availability),
        }
    }
}

/// What the shell keeps of one open document: what the views follow.
struct ShownDocument {
    signals: DocSignals,
    /// The text fields on the screen, woken by the changes that touch them.
    text_watch: TextWatch,
}

/// What the shell holds besides the core.
#[derive(Default)]
struct Shell {
    documents: HashMap<DocumentId, ShownDocument>,
    socket: Option<UnboundedSender<gloo_net::websocket::Message>>,
    /// This repo's handle, for the code the editor loads as chunks.
    handle: Option<RepoHandle>,
    /// How the editor runs [`Repo::upkeep_now`] (from a wasm chunk):
    /// set by the app, so that only the app refers to the chunk.
    #[cfg(feature = "editor")]
    upkeep: Option<fn(RepoHandle, DocumentId)>,
}

/// The device store once it is open (or why it could not be opened);
/// every caller awaits the same opening.
type StoreReady = Shared<LocalBoxFuture<'static, Result<DeviceStore, StorageError>>>;

/// The tab's documents and connection; cheap to clone.
#[derive(Clone)]
pub struct Repo {
    core: Rc<RefCell<RepoCore>>,
    shell: Rc<RefCell<Shell>>,
    store: StoreReady,
    /// Whether the server is reachable.
    pub connection: RwSignal<Connection>,
}

impl Repo {
    /// A repo over `store` (opening; awaited before any read or write) with
    /// no connection yet; see [`crate::connection::run`].
    pub fn new(
        store: impl std::future::Future<Output = Result<DeviceStore, StorageError>> + 'static,
    ) -> Repo {
        let peer_id = format!("samplan-app-{}", DocumentId::random());
        let colour = (js_sys::Math::random() * 6.0) as u8;
        // The relay names each presence after whom the server knows it as.
        let core = RepoCore::new(peer_id, String::new(), colour, Box::new(timing::BrowserInstruments));
        let repo = Repo {
            core: Rc::new(RefCell::new(core)),
            shell: Rc::new(RefCell::new(Shell::default())),
            store: store.boxed_local().shared(),
            connection: RwSignal::new(Connection::Connecting),
        };
        previews::upkeep_when_hidden(&repo);
        repo
    }

    /// Run `work` on the core, then carry out what it left to do.
    fn with_core<T>(&self, work: impl FnOnce(&mut RepoCore) -> T) -> T {
        let (value, effects) = {
            let mut core = self.core.borrow_mut();
            let value = work(&mut core);
            (value, core.take_effects())
        };
        self.carry_out(effects);
        value
    }

    /// Hand the core an event, then carry out what it says.
    fn handle(&self, event: Event) {
        let effects = self.core.borrow_mut().handle(event);
        self.carry_out(effects);
    }

    /// The signals of an open document.
    fn signals(&self, id: &DocumentId) -> Option<DocSignals> {
        self.shell.borrow().documents.get(id).map(|shown| shown.signals)
    }

    /// The device store, once open. A page opened directly at a plan's
    /// address waits here, so the plan is always read from the device first.
    async fn store(&self) -> Result<DeviceStore, StorageError> {
        self.store.clone().await
    }

    /// Open a plan: from the device if it is there, else from the server.
    ///
    /// A large plan takes Automerge longer to load than opening may take
    /// (every change since the plan was made is rebuilt and hashed), so the
    /// device keeps a preview of each document (its state without history,
    /// `shared::preview`): when the preview shows everything the device
    /// holds, the views show it first and the document itself is loaded
    /// when the page is next idle, or as soon as something needs it (an
    /// edit, a message from the server, the history).
    pub fn open(&self, id: DocumentId) -> DocSignals {
        if let Some(signals) = self.signals(&id) {
            return signals;
        }
        let signals = DocSignals::new(Availability::Loading);
        self.shell
            .borrow_mut()
            .documents
            .insert(id, ShownDocument { signals, text_watch: TextWatch::default() });
        self.handle(Event::Open(id));
        signals
    }

    /// Load the document of a plan shown from its preview when the page is
    /// next idle (its first screen is drawn: the view that draws it asks).
    pub fn load_soon(&self, id: DocumentId) {
        self.handle(Event::FirstScreenDrawn(id));
    }

    /// Forget a plan on this device (after its coordinator deleted it).
    pub async fn forget_plan(&self, id: &DocumentId) -> Result<(), StorageError> {
        self.core.borrow_mut().forget(id);
        self.shell.borrow_mut().documents.remove(id);
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
        let signals = DocSignals::new(Availability::Ready);
        self.shell
            .borrow_mut()
            .documents
            .insert(id, ShownDocument { signals, text_watch: TextWatch::default() });
        self.with_core(|core| core.create(id, doc, key));
        Ok(id)
    }

    /// A person typed in a field anywhere in the plan.
    pub fn edit_text_at(&self, id: &DocumentId, path: &TextPath, value: &str) {
        if let Err(error) = self.with_core(|core| core.edit_text_at(id, path, value)) {
            web_sys::console::error_1(&error.to_string().into());
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
        self.with_core(|core| core.change(id, edit))
    }

    /// The self-report document `id`, typed (`None` until it has content).
    pub fn self_reports(&self, id: &DocumentId) -> Option<shared::self_reports::SelfReports> {
        self.core.borrow().self_reports(id)
    }

    /// Whether the server has everything of document `id` (after a report
    /// or an edit: "Sparat på servern").
    pub fn is_synced(&self, id: &DocumentId) -> bool {
        self.core.borrow_mut().is_synced(id)
    }

    /// The text of a prose field of an open plan.
    pub fn text(&self, id: &DocumentId, field: PlanText) -> String {
        self.core.borrow().text(id, field)
    }

    /// The whole plan, typed, as it is now (`None` until it has content or
    /// when it cannot be read).
    pub fn plan(&self, id: &DocumentId) -> Option<Arc<plan::Plan>> {
        self.core.borrow_mut().plan(id)
    }

    /// The plan as it was at `heads` (hex change hashes), e.g. when approved.
    pub fn plan_at(&self, id: &DocumentId, heads: &[String]) -> Option<plan::Plan> {
        self.with_core(|core| core.plan_at(id, heads))
    }

    /// Items that were in the plan at `heads` and are not now.
    pub fn removed_since(&self, id: &DocumentId, heads: &[String]) -> Vec<plan::history::RemovedItem> {
        self.with_core(|core| core.removed_since(id, heads))
    }

    /// Put a removed item back as it was at `heads` (a normal change).
    pub fn restore(
        &self,
        id: &DocumentId,
        heads: &[String],
        item: &plan::history::RemovedItem,
    ) -> Result<(), plan::PlanError> {
        self.with_core(|core| core.restore(id, heads, item))
    }

    /// Who changed the plan when: its changes grouped into edits by one
    /// actor within five minutes, oldest first.
    pub fn history(&self, id: &DocumentId) -> Vec<HistoryEntry> {
        self.with_core(|core| core.history(id))
    }

    /// The current heads of an open plan, as hex (what an approval records).
    pub fn heads(&self, id: &DocumentId) -> Vec<String> {
        self.with_core(|core| core.heads(id))
    }

    /// The text at `path` of an open plan.
    pub fn text_at(&self, id: &DocumentId, path: &TextPath) -> String {
        self.core.borrow().text_at(id, path)
    }

    /// What a view of the text at `path` tracks to show it anew after each
    /// change that touched it ([`crate::text_watch`]); call
    /// [`Repo::unwatch_text`] when the view goes. `None` when the document
    /// is not open.
    pub fn watch_text(&self, id: &DocumentId, path: &TextPath) -> Option<ArcTrigger> {
        let mut shell = self.shell.borrow_mut();
        Some(shell.documents.get_mut(id)?.text_watch.watch(&watched_place(path)))
    }

    pub fn unwatch_text(&self, id: &DocumentId, path: &TextPath) {
        if let Some(shown) = self.shell.borrow_mut().documents.get_mut(id) {
            shown.text_watch.unwatch(&watched_place(path));
        }
    }

    /// A socket opened: returns the `join` message to send first.
    pub fn connected(&self, socket: UnboundedSender<gloo_net::websocket::Message>) -> Message {
        self.shell.borrow_mut().socket = Some(socket);
        self.core.borrow().join()
    }

    /// The socket closed.
    pub fn disconnected(&self) {
        self.shell.borrow_mut().socket = None;
        self.handle(Event::ConnectionLost);
    }

    /// One binary frame from the server.
    pub fn receive_frame(&self, frame: Vec<u8>) {
        self.handle(Event::Frame(frame));
    }

    /// The server answered a heartbeat.
    pub fn receive_pong(&self) {
        self.handle(Event::Pong);
    }
}

/// The place [`crate::text_watch`] knows the field at `path` by.
fn watched_place(path: &TextPath) -> String {
    let parts: Vec<String> = path.parts().iter().map(|part| part.to_string()).collect();
    text_watch::place(&parts, path.key())
}
