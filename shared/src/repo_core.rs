//! The app's repo without IO: the documents open in a tab, their copy on
//! the device and their sync with the server, as a state machine.
//!
//! The app's shell (`app/src/repo.rs`) feeds it [`Event`]s (a frame
//! arrived, a chunk was stored or refused, a timer fired, the socket
//! closed) and calls its methods for local edits and reads; every call
//! leaves [`Effect`]s (send a frame, write a chunk, set a save state, wake
//! these fields, schedule a timer), which the shell carries out with
//! IndexedDB, the WebSocket, timers and Leptos signals, and then takes
//! with [`RepoCore::take_effects`]. The core never waits, spawns or reads
//! the clock itself: time and performance marks come through
//! [`Instruments`]. This is the split of `samod` (a core, and a runtime
//! around it) and of [`crate::sync_client`], which this drives.
//!
//! Why it lives in `shared`: CI runs `cargo test --workspace --exclude app`
//! natively and the app only in a browser, so these rules (a refused write
//! rolls back; "Synkat" only once the server has the heads; a preview only
//! while it shows every stored chunk) are tested here with plain
//! `cargo test` and proptest. The core needs nothing but `shared`'s own
//! vocabulary (the plan, the sync client, presence, previews), and the
//! relay does not call it, so it is not linked into the server.
//!
//! - [`stored`]: what the device holds of a document, and when its
//!   chunks are compacted and its preview shown.
//! - `document`: one open document: loading it, writing its changes,
//!   its save state.
//! - `connection`: frames from the server, the socket going.
//! - `heartbeat`: whether the server still answers.
//! - `previews`: when previews are written and chunks compacted.
//! - `presence`: who else has a document open.
//! - `reading`: the typed plan, texts and history as the views read them.
//! - `touched`: which places of the document a change touched.

mod connection;
mod document;
mod heartbeat;
mod presence;
mod previews;
mod reading;
pub mod stored;
mod touched;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use automerge::AutoCommit;

use crate::sync_client::SyncClient;
use crate::{DocumentId, Message, PeerId};

use document::OpenDocument;
use heartbeat::Heartbeat;
pub use heartbeat::{GIVE_UP_AFTER_MS, HEARTBEAT_EVERY_MS, SILENT_AFTER_MS};
pub use presence::Present;
pub use reading::HistoryEntry;
pub use stored::{CorruptChunk, StoredDocument, StoredPreview};
pub use touched::place;

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

    /// Of this and `other` (two documents shown as one, such as the plan
    /// and the person's answers in Min plan), the state that is furthest
    /// from "Synkat med servern": a failure, then a write under way, then
    /// offline, then on the device only.
    pub fn least_advanced(self, other: SaveState) -> SaveState {
        fn rank(state: &SaveState) -> u8 {
            match state {
                SaveState::Synced => 0,
                SaveState::SavedOnDevice => 1,
                SaveState::Offline => 2,
                SaveState::Saving => 3,
                SaveState::Failed(_) => 4,
            }
        }
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }
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

/// The clock and the performance marks: all the core reads of the world.
/// The app's shell gives the browser's (the Performance API, read by the
/// browser benchmark); tests give a clock they move by hand.
pub trait Instruments {
    /// Now, in milliseconds since 1970.
    fn now_ms(&self) -> f64;
    /// A Performance API mark.
    fn mark(&self, _name: &'static str) {}
    /// A Performance API measure from the mark `start` to now.
    fn measure(&self, _name: &'static str, _start: &'static str) {}
    /// Now (ms), when the page asks for timings of the work it does.
    fn timing_start(&self) -> Option<f64> {
        None
    }
    /// A measure from `start` ([`Instruments::timing_start`]) to now.
    fn measure_since(&self, _name: &'static str, _start: f64) {}
}

/// Something that happened outside the core.
#[derive(Debug)]
pub enum Event {
    /// Open document `id` (the views ask for it): read it from the device.
    Open(DocumentId),
    /// What the device holds of document `id` was read ([`Effect::ReadDevice`]),
    /// or why it could not be.
    DeviceRead {
        /// Which document.
        id: DocumentId,
        /// What was read.
        stored: Result<StoredDocument, String>,
    },
    /// A write ([`Effect::WriteChunk`]) finished.
    Written {
        /// Which document.
        id: DocumentId,
        /// Which write.
        write: u64,
        /// The key the chunk was stored under (`None` when nothing was stored).
        key: Option<String>,
        /// Whether it went well.
        outcome: Result<(), WriteFailure>,
    },
    /// A compaction ([`Keep`]) was stored: `snapshot` replaces the
    /// chunks `replaced`.
    Compacted {
        /// Which document.
        id: DocumentId,
        /// The keys of the chunks replaced.
        replaced: Vec<String>,
        /// The key of the whole document that replaces them.
        snapshot: String,
    },
    /// One binary frame from the server.
    Frame(Vec<u8>),
    /// The socket closed.
    ConnectionLost,
    /// The server answered a heartbeat ping ([`Effect::Ping`]).
    Pong,
    /// A timer ([`Effect::Wait`], [`Effect::WhenIdle`]) fired.
    Timer(Timer),
    /// The page is being hidden: it may not come back (closed, or the
    /// tablet frees its memory).
    PageHidden,
    /// Time to tell the others again that this tab is here, and to forget
    /// those not heard from lately (every few seconds).
    RenewPresence,
    /// The first screen of plan `id` is drawn: load its document, shown
    /// from the preview, when the page is next idle.
    FirstScreenDrawn(DocumentId),
    /// Start syncing document `id` (handed back from [`Effect::Soon`]).
    StartSync(DocumentId),
}

/// Why a write to the device did not go well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteFailure {
    /// The device did not take the chunk (full, say): it is written again.
    Refused(String),
    /// The chunk was stored or there is no device storage at all, but
    /// something else failed (the title for the start page; no store).
    Failed(String),
}

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Load document `id`, shown from its preview.
    Load(DocumentId),
    /// Changes of `id` may have paused: write its preview once they have.
    PreviewPause(DocumentId),
    /// The page is idle: compact `id` and write its preview, if due.
    Upkeep(DocumentId),
    /// A burst of changes of `id` may be over: refresh the views when idle.
    Refresh(DocumentId),
    /// The page is idle after a burst of changes of `id`.
    Refreshed(DocumentId),
    /// Time to check that the server still answers on socket number `n`.
    Heartbeat(u64),
}

/// Which text fields a change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// Every field (a load, a large message, a new document).
    All,
    /// The fields at or below these places ([`place`]).
    Places(Vec<String>),
}

/// What [`RepoCore::upkeep`] made, to be stored in one transaction:
/// replace the chunks of `compaction` by the whole document, and store a
/// preview made from exactly the chunks under the keys given with it;
/// answer a compaction with [`Event::Compacted`].
#[derive(Debug)]
pub struct Keep {
    /// The whole document, and the chunks it replaces.
    pub compaction: Option<(Vec<u8>, StoredDocument)>,
    /// The preview, and the keys of the chunks it shows.
    pub preview: Option<(Vec<u8>, Vec<String>)>,
}

/// Something the shell is to do.
#[derive(Debug)]
pub enum Effect {
    /// Send a message to the server (dropped when not connected).
    Send(Message),
    /// Read what the device holds of a document; answer with [`Event::DeviceRead`].
    ReadDevice(DocumentId),
    /// Append a chunk of a document to the device, then remember the
    /// plan's `title` for the start page (when there is one); answer with
    /// [`Event::Written`]. Writes are carried out in the order given.
    WriteChunk {
        /// Which document.
        id: DocumentId,
        /// Which write (in [`Event::Written`]).
        write: u64,
        /// The changes after what the device holds (may be empty).
        chunk: Vec<u8>,
        /// The plan's title (`None` for documents that are no plan).
        title: Option<String>,
    },
    /// Run [`RepoCore::upkeep`] for a document (the editor loads the code
    /// that encodes whole documents as a wasm chunk of its own).
    RunUpkeep(DocumentId),
    /// The document's availability is this (set only when it differs).
    SetAvailability(DocumentId, Availability),
    /// The document changed: everything that follows it reads it again.
    BumpVersion(DocumentId),
    /// Wake the text fields of the document that a change touched.
    Wake(DocumentId, Touched),
    /// The document's save state is this (set only when it differs).
    SetSaveState(DocumentId, SaveState),
    /// Who else has the document open now.
    SetPresent(DocumentId, Vec<Present>),
    /// The connection is this.
    SetConnection(Connection),
    /// Hand [`Event::Timer`] back after `ms` milliseconds.
    Wait {
        /// How long.
        ms: u32,
        /// What for.
        timer: Timer,
    },
    /// Hand [`Event::Timer`] back when the page is idle, at the latest after `timeout_ms`.
    WhenIdle {
        /// The longest wait.
        timeout_ms: u32,
        /// What for.
        timer: Timer,
    },
    /// Carry these out in a microtask: after the view being computed now
    /// (a load may run while one of them reads the document).
    Soon(Vec<Effect>),
    /// Hand this event back to the core.
    Resume(Event),
    /// The plan opened from the device is on the screen once the views
    /// have run: measure `samplan:open-from-device` in the next task.
    PlanShown,
    /// A burst of changes of the document is over: refresh the views that
    /// follow it once per burst (the typed plan of the editor).
    Refresh(DocumentId),
    /// Something a developer may want to know (the browser console).
    Warn(String),
    /// Send the server a heartbeat ping ([`crate::wire::HEARTBEAT_PING`]);
    /// its answer comes back as [`Event::Pong`].
    Ping,
    /// The server has not answered for long: close the socket (and say
    /// so with [`Event::ConnectionLost`]); a new one is opened.
    CloseSocket,
}

/// The longest a document shown from its preview waits to be loaded.
pub const LOAD_AFTER_PREVIEW_MS: u32 = 1_000;

/// The longest a document waits for the page to be idle after its first
/// screen was drawn ([`Event::FirstScreenDrawn`]).
pub const LOAD_WHEN_IDLE_MS: u32 = 100;

/// How long the changes of a document pause before its preview is written
/// again (making it takes tens of milliseconds for a large plan).
pub const PREVIEW_AFTER_MS: u32 = 2_000;

/// The longest a due preview waits for the page to be idle.
pub const PREVIEW_IDLE_MS: u32 = 1_000;

/// How long the views that follow a document once per burst wait for more
/// changes before they follow them (a burst of keystrokes or sync
/// messages is followed once).
pub const REFRESH_AFTER_MS: u32 = 40;

/// The longest those views wait for the page to be idle after that.
pub const REFRESH_IDLE_MS: u32 = 200;

/// A sync message larger than this (bytes) is applied without the diff
/// cursor: it wakes every text field.
pub const LARGE_SYNC_MESSAGE: usize = 16 * 1024;

/// The documents open in a tab, their device copy and their sync.
pub struct RepoCore {
    client: SyncClient,
    documents: HashMap<DocumentId, OpenDocument>,
    /// The name this tab shows the others.
    name: String,
    /// This tab's presence colour.
    colour: u8,
    instruments: Box<dyn Instruments>,
    /// What the shell is to do, in order, since it last took them.
    effects: Vec<Effect>,
    /// The number of the next write to the device.
    next_write: u64,
    /// Whether the server still answers.
    heartbeat: Heartbeat,
}

impl RepoCore {
    /// A core for a tab with peer id `peer_id`, showing the others `name`
    /// in colour `colour`, with no document open and no connection.
    pub fn new(peer_id: PeerId, name: String, colour: u8, instruments: Box<dyn Instruments>) -> RepoCore {
        RepoCore {
            client: SyncClient::new(peer_id),
            documents: HashMap::new(),
            name,
            colour,
            instruments,
            effects: Vec::new(),
            next_write: 0,
            heartbeat: Heartbeat::default(),
        }
    }

    /// Take in one event; returns what to do (with whatever earlier calls left).
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Open(id) => self.open(id),
            Event::DeviceRead { id, stored } => self.device_read(id, stored),
            Event::Written { id, write, key, outcome } => self.written(id, write, key, outcome),
            Event::Compacted { id, replaced, snapshot } => self.compacted(id, &replaced, snapshot),
            Event::Frame(frame) => self.receive_frame(&frame),
            Event::ConnectionLost => self.connection_lost(),
            Event::Pong => self.heard(),
            Event::Timer(timer) => self.timer(timer),
            Event::PageHidden => self.page_hidden(),
            Event::RenewPresence => self.renew_presence(),
            Event::FirstScreenDrawn(id) => {
                self.effects.push(Effect::WhenIdle { timeout_ms: LOAD_WHEN_IDLE_MS, timer: Timer::Load(id) })
            }
            Event::StartSync(id) => self.start_sync(id),
        }
        self.take_effects()
    }

    /// What the calls since last asked left to do, in order.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn timer(&mut self, timer: Timer) {
        match timer {
            Timer::Load(id) => self.load_now(&id),
            Timer::PreviewPause(id) => self.preview_pause(id),
            Timer::Upkeep(id) => self.upkeep_due(id),
            Timer::Refresh(id) => self
                .effects
                .push(Effect::WhenIdle { timeout_ms: REFRESH_IDLE_MS, timer: Timer::Refreshed(id) }),
            Timer::Refreshed(id) => {
                if let Some(open) = self.documents.get_mut(&id) {
                    open.refresh_pending = false;
                }
                self.effects.push(Effect::Refresh(id));
            }
            Timer::Heartbeat(socket) => self.heartbeat(socket),
        }
    }

    /// Whether document `id` is open.
    pub fn is_open(&self, id: &DocumentId) -> bool {
        self.documents.contains_key(id)
    }

    /// Forget document `id` (its plan was deleted; the device copy goes too).
    pub fn forget(&mut self, id: &DocumentId) {
        self.documents.remove(id);
    }

    /// Commit what is pending with the time now (seconds since 1970):
    /// Automerge leaves a change's time at 0 unless told, and the history
    /// view shows when each change was made. Must run before anything (such
    /// as `get_heads`) closes the transaction with the default time.
    fn commit_now(instruments: &dyn Instruments, doc: &mut AutoCommit) {
        let seconds = (instruments.now_ms() / 1000.0) as i64;
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(seconds));
    }

    /// The document changed: everything following it reads it again, and
    /// the views that follow it once per burst are refreshed when it pauses.
    fn bump_version(&mut self, id: DocumentId) -> Vec<Effect> {
        let mut effects = vec![Effect::BumpVersion(id)];
        if let Some(open) = self.documents.get_mut(&id) {
            if !open.refresh_pending {
                open.refresh_pending = true;
                effects.push(Effect::Wait { ms: REFRESH_AFTER_MS, timer: Timer::Refresh(id) });
            }
        }
        effects
    }
}
