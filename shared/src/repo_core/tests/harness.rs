//! A tab around the core: carries out its effects the way the app's shell
//! does, against an in-memory device and server, and records what the
//! views would have seen.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, Automerge, ReadDoc};
use serde_bytes::ByteBuf;

use super::super::stored::preview_matches;
use super::super::*;
use crate::wire::Message;

/// The clock and the marks, shared with the test.
#[derive(Clone, Default)]
pub struct Recorder {
    pub now: Rc<Cell<f64>>,
    pub marks: Rc<RefCell<Vec<&'static str>>>,
}

impl Instruments for Recorder {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }

    fn mark(&self, name: &'static str) {
        self.marks.borrow_mut().push(name);
    }
}

/// IndexedDB as `app/src/storage.rs` uses it: chunks under sorted keys,
/// and a preview with the chunks it shows.
#[derive(Default)]
pub struct Device {
    pub chunks: BTreeMap<String, Vec<u8>>,
    pub preview: Option<StoredPreview>,
    next_key: u64,
}

impl Device {
    pub fn append(&mut self, chunk: &[u8]) -> Option<String> {
        if chunk.is_empty() {
            return None;
        }
        let key = self.new_key();
        self.chunks.insert(key.clone(), chunk.to_vec());
        Some(key)
    }

    fn new_key(&mut self) -> String {
        self.next_key += 1;
        format!("doc/{:015}", self.next_key)
    }

    pub fn read(&self) -> StoredDocument {
        StoredDocument::new(
            self.chunks.keys().cloned().collect(),
            self.chunks.values().cloned().collect(),
            self.preview.clone(),
        )
    }

    /// As `DeviceStore::keep`: one transaction.
    pub fn keep(&mut self, keep: &Keep) -> Option<String> {
        let mut replaced: &[String] = &[];
        let mut snapshot_key = None;
        if let Some((snapshot, stored)) = &keep.compaction {
            let key = self.new_key();
            self.chunks.insert(key.clone(), snapshot.clone());
            for key in stored.keys() {
                self.chunks.remove(key);
            }
            replaced = stored.keys();
            snapshot_key = Some(key);
        }
        let stored: Vec<String> = self.chunks.keys().cloned().collect();
        match &keep.preview {
            Some((preview, known)) if preview_matches(known, replaced, snapshot_key.as_ref(), &stored) => {
                let last = stored.last().cloned().unwrap_or_default();
                self.preview =
                    Some(StoredPreview { bytes: preview.clone(), chunks: stored.len() as u32, last });
            }
            _ => self.preview = None,
        }
        snapshot_key
    }

    /// The document as the device holds it.
    pub fn load(&self) -> Option<AutoCommit> {
        self.read().load().expect("the device's chunks load")
    }
}

/// The server: one Automerge peer that stores what it receives.
pub struct Server {
    pub doc: Automerge,
    state: sync::State,
}

impl Server {
    fn new() -> Server {
        Server { doc: Automerge::new(), state: sync::State::new() }
    }

    fn handle(&mut self, message: Message) -> Vec<Message> {
        match message {
            Message::Join { sender_id, .. } => {
                self.state = sync::State::new();
                vec![Message::Peer {
                    sender_id: "server".into(),
                    selected_protocol_version: "1".into(),
                    target_id: sender_id,
                    peer_metadata: None,
                }]
            }
            Message::Sync { document_id, sender_id, data, .. }
            | Message::Request { document_id, sender_id, data, .. } => {
                let message = sync::Message::decode(&data).expect("a sync message");
                self.doc.receive_sync_message(&mut self.state, message).expect("received");
                self.doc
                    .generate_sync_message(&mut self.state)
                    .map(|reply| Message::Sync {
                        document_id,
                        sender_id: "server".into(),
                        target_id: sender_id,
                        data: ByteBuf::from(reply.encode()),
                    })
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the server holds every change of `heads`.
    pub fn has(&self, heads: &[automerge::ChangeHash]) -> bool {
        heads.iter().all(|h| self.doc.get_change_by_hash(h).is_some())
    }
}

/// What the views of one document would show.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub availability: Availability,
    pub save_state: SaveState,
    pub version: u64,
    pub refreshed: u64,
    pub present: Vec<Present>,
    pub woken: Vec<Touched>,
}

impl Default for Shown {
    fn default() -> Self {
        Shown {
            availability: Availability::Loading,
            save_state: SaveState::Saving,
            version: 0,
            refreshed: 0,
            present: Vec::new(),
            woken: Vec::new(),
        }
    }
}

/// A write to the device not yet carried out.
pub struct PendingWrite {
    pub id: DocumentId,
    pub write: u64,
    pub chunk: Vec<u8>,
    pub title: Option<String>,
}

/// One tab, its device and the server.
pub struct Tab {
    pub core: RepoCore,
    pub recorder: Recorder,
    pub device: Device,
    pub server: Server,
    /// Whether the socket is open.
    pub online: bool,
    /// Sent to the server, not yet delivered.
    pub outbox: VecDeque<Message>,
    pub writes: VecDeque<PendingWrite>,
    pub timers: Vec<Timer>,
    pub idle: Vec<Timer>,
    pub shown: HashMap<DocumentId, Shown>,
    pub connection: Connection,
    pub warnings: Vec<String>,
    /// Effects carried out, by kind, in order (for checks of order).
    pub log: Vec<String>,
    /// The titles remembered for the start page.
    pub titles: Vec<String>,
    /// Heartbeat pings sent on an open socket, and those not yet answered.
    pub pings: usize,
    pub unanswered_pings: usize,
    /// Whether the server has stopped answering (the socket stays open).
    pub server_silent: bool,
}

pub fn plan_id() -> DocumentId {
    DocumentId::from_bytes([7; 16])
}

impl Tab {
    pub fn new() -> Tab {
        let recorder = Recorder::default();
        recorder.now.set(1_000_000.0);
        let core = RepoCore::new("tab".into(), "Anna".into(), 2, Box::new(recorder.clone()));
        Tab {
            core,
            recorder,
            device: Device::default(),
            server: Server::new(),
            online: false,
            outbox: VecDeque::new(),
            writes: VecDeque::new(),
            timers: Vec::new(),
            idle: Vec::new(),
            shown: HashMap::new(),
            connection: Connection::Connecting,
            warnings: Vec::new(),
            log: Vec::new(),
            titles: Vec::new(),
            pings: 0,
            unanswered_pings: 0,
            server_silent: false,
        }
    }

    /// A tab whose device holds `doc` as one chunk.
    pub fn with_stored(doc: &mut AutoCommit) -> Tab {
        let mut tab = Tab::new();
        tab.device.append(&doc.save());
        tab
    }

    pub fn shown(&self, id: &DocumentId) -> &Shown {
        self.shown.get(id).expect("the document is shown")
    }

    pub fn event(&mut self, event: Event) {
        let effects = self.core.handle(event);
        self.carry_out(effects);
    }

    /// Run `work` on the core and carry out what it left.
    pub fn call<T>(&mut self, work: impl FnOnce(&mut RepoCore) -> T) -> T {
        let value = work(&mut self.core);
        let effects = self.core.take_effects();
        self.carry_out(effects);
        value
    }

    pub fn open(&mut self, id: DocumentId) {
        self.shown.entry(id).or_default();
        self.event(Event::Open(id));
    }

    pub fn edit_title(&mut self, id: DocumentId, title: &str) {
        self.call(|core| {
            core.edit_text_at(&id, &crate::plan::TextPath::Plan(crate::plan::PlanText::Title), title)
        })
        .expect("typed");
    }

    pub fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.carry_out_one(effect);
        }
    }

    fn carry_out_one(&mut self, effect: Effect) {
        self.log.push(format!("{effect:?}").split(['(', ' ', '{']).next().unwrap_or_default().to_string());
        match effect {
            Effect::Send(message) => {
                if self.online {
                    self.outbox.push_back(message);
                }
            }
            Effect::ReadDevice(id) => {
                let stored = self.device.read();
                self.event(Event::DeviceRead { id, stored: Ok(stored) });
            }
            Effect::WriteChunk { id, write, chunk, title } => {
                self.writes.push_back(PendingWrite { id, write, chunk, title })
            }
            Effect::RunUpkeep(id) => self.upkeep(id),
            Effect::SetAvailability(id, availability) => self.view(id, |s| s.availability = availability),
            Effect::BumpVersion(id) => self.view(id, |s| s.version += 1),
            Effect::Wake(id, touched) => self.view(id, |s| s.woken.push(touched)),
            Effect::SetSaveState(id, state) => {
                if state == SaveState::Synced {
                    let heads = self.core.documents.get_mut(&id).expect("open").doc.get_heads();
                    assert!(self.server.has(&heads), "Synkat before the server has the heads");
                }
                self.view(id, |s| s.save_state = state)
            }
            Effect::SetPresent(id, present) => self.view(id, |s| s.present = present),
            Effect::SetConnection(connection) => self.connection = connection,
            Effect::Wait { timer, .. } => self.timers.push(timer),
            Effect::WhenIdle { timer, .. } => self.idle.push(timer),
            Effect::Soon(effects) => self.carry_out(effects),
            Effect::Resume(event) => self.event(event),
            Effect::PlanShown => {}
            Effect::Refresh(id) => self.view(id, |s| s.refreshed += 1),
            Effect::Warn(text) => self.warnings.push(text),
            Effect::Ping => {
                if self.online {
                    self.pings += 1;
                    self.unanswered_pings += 1;
                }
            }
            Effect::CloseSocket => {
                if self.online {
                    self.disconnect();
                }
            }
        }
    }

    fn view(&mut self, id: DocumentId, change: impl FnOnce(&mut Shown)) {
        if let Some(shown) = self.shown.get_mut(&id) {
            change(shown);
        }
    }

    /// As `Repo::upkeep_now`: run the upkeep, store what it made.
    pub fn upkeep(&mut self, id: DocumentId) {
        let Some(keep) = self.call(|core| core.upkeep(id)) else { return };
        let snapshot = self.device.keep(&keep);
        if let (Some(snapshot), Some((_, stored))) = (snapshot, keep.compaction) {
            self.event(Event::Compacted { id, replaced: stored.keys().to_vec(), snapshot });
        }
    }

    /// Carry out the oldest write: stored, or refused.
    pub fn finish_write(&mut self, refused: bool) {
        let Some(PendingWrite { id, write, chunk, title }) = self.writes.pop_front() else { return };
        let (key, outcome) = if refused {
            (None, Err(WriteFailure::Refused("full".into())))
        } else {
            self.titles.extend(title);
            (self.device.append(&chunk), Ok(()))
        };
        self.event(Event::Written { id, write, key, outcome });
    }

    pub fn finish_writes(&mut self) {
        while !self.writes.is_empty() {
            self.finish_write(false);
        }
    }

    /// Open the socket: the tab joins.
    pub fn connect(&mut self) {
        self.online = true;
        let join = self.core.join();
        self.outbox.push_back(join);
    }

    pub fn disconnect(&mut self) {
        self.online = false;
        self.unanswered_pings = 0;
        self.outbox.clear();
        self.event(Event::ConnectionLost);
    }

    /// The server answers the pings sent (unless it is silent).
    pub fn answer_pings(&mut self) {
        if self.server_silent || !self.online {
            return;
        }
        for _ in 0..std::mem::take(&mut self.unanswered_pings) {
            self.event(Event::Pong);
        }
    }

    /// Deliver one message to the server and its answers to the tab.
    pub fn deliver_one(&mut self) -> bool {
        if self.server_silent {
            return false;
        }
        let Some(message) = self.outbox.pop_front() else { return false };
        for reply in self.server.handle(message) {
            let frame = reply.encode();
            self.event(Event::Frame(frame));
        }
        true
    }

    /// Deliver until no one has anything more to say.
    pub fn deliver(&mut self) {
        for _ in 0..200 {
            if !self.deliver_one() {
                return;
            }
        }
        panic!("the tab and the server never stop talking");
    }

    /// Fire every timer (not those they start).
    pub fn fire_timers(&mut self) {
        for timer in std::mem::take(&mut self.timers) {
            self.event(Event::Timer(timer));
        }
    }

    /// The page is idle: every idle callback runs (not those they start).
    pub fn idle(&mut self) {
        for timer in std::mem::take(&mut self.idle) {
            self.event(Event::Timer(timer));
        }
    }

    pub fn advance(&mut self, ms: f64) {
        self.recorder.now.set(self.recorder.now.get() + ms);
    }

    pub fn marked(&self, name: &str) -> bool {
        self.recorder.marks.borrow().contains(&name)
    }

    /// The heads of the tab's document.
    pub fn heads(&mut self, id: DocumentId) -> Vec<automerge::ChangeHash> {
        self.core.documents.get_mut(&id).expect("open").doc.get_heads()
    }

    pub fn loaded(&self, id: DocumentId) -> bool {
        self.core.documents.get(&id).is_some_and(|open| open.loaded)
    }
}
