//! One open document: reading it from the device, loading it, writing
//! its changes there, and its save state.
//!
//! A refused write rolls back: the device's heads (`saved`) go back to
//! what they were before the refused chunk, so the next write carries its
//! changes again (a change written twice is harmless).

use automerge::{AutoCommit, ChangeHash};

use super::presence::DocPresence;
use super::reading::PlanRead;
use super::{Availability, Effect, Event, RepoCore, SaveState, StoredDocument, Timer, Touched, WriteFailure};
use super::{LOAD_AFTER_PREVIEW_MS, PREVIEW_IDLE_MS};
use crate::plan::{self, PlanText};
use crate::DocumentId;

/// Heads of the document as it was at some moment, numbered in the order
/// they were taken: of two, the one taken first is older (the document only
/// grows), which is what a rollback needs to know.
#[derive(Debug, Clone, Default)]
pub(super) struct Snapshot {
    pub(super) heads: Vec<ChangeHash>,
    taken: u64,
}

pub(super) struct OpenDocument {
    /// The document: empty until loaded (`loaded`).
    pub(super) doc: AutoCommit,
    /// What the views read until the document is loaded: its state without
    /// history, from the device (`crate::preview`; read only).
    pub(super) preview: Option<AutoCommit>,
    /// What the device holds of the document, read and not yet loaded:
    /// [`RepoCore::load_now`] loads it when something needs the document itself.
    unloaded: Option<StoredDocument>,
    /// The chunks, as loaded, that are to be replaced by one whole document.
    pub(super) compaction: Option<StoredDocument>,
    /// The keys of the chunks this tab knows the device holds of the
    /// document (read when it was loaded, written since): a preview is
    /// stored only if these are all there is.
    pub(super) stored_keys: Vec<String>,
    pub(super) loaded: bool,
    /// Whether a new preview is to be written.
    pub(super) preview_due: bool,
    /// When the document last changed (ms since 1970).
    pub(super) last_change: f64,
    /// The writes under way, with the heads the device held before each.
    writes: Vec<(u64, Snapshot)>,
    pub(super) storage_error: Option<String>,
    /// The heads of what this device has stored (or is storing): the next
    /// write is what comes after them.
    pub(super) saved: Snapshot,
    /// How many snapshots of the heads were taken.
    snapshots: u64,
    /// The typed plan as last read, for reading only what changed next time.
    pub(super) read: Option<PlanRead>,
    pub(super) presence: DocPresence,
    /// Whether the views that follow the document once per burst are to be refreshed.
    pub(super) refresh_pending: bool,
}

impl OpenDocument {
    pub(super) fn new(doc: AutoCommit, loaded: bool) -> OpenDocument {
        OpenDocument {
            doc,
            preview: None,
            unloaded: None,
            compaction: None,
            stored_keys: Vec::new(),
            loaded,
            preview_due: false,
            last_change: 0.0,
            writes: Vec::new(),
            storage_error: None,
            saved: Snapshot::default(),
            snapshots: 0,
            read: None,
            presence: DocPresence::default(),
            refresh_pending: false,
        }
    }

    /// What the views show: the preview until the document is loaded.
    pub(super) fn shown(&self) -> &AutoCommit {
        self.preview.as_ref().unwrap_or(&self.doc)
    }

    pub(super) fn shown_mut(&mut self) -> &mut AutoCommit {
        self.preview.as_mut().unwrap_or(&mut self.doc)
    }

    /// The heads of the document now, as a snapshot.
    fn snapshot(&mut self) -> Snapshot {
        self.snapshots += 1;
        Snapshot { heads: self.doc.get_heads(), taken: self.snapshots }
    }

    /// Whether every change is on the device: written, none under way or refused.
    pub(super) fn all_written(&mut self) -> bool {
        self.loaded
            && self.writes.is_empty()
            && self.storage_error.is_none()
            && self.saved.heads == self.doc.get_heads()
    }
}

impl RepoCore {
    /// Open document `id`: read what the device holds of it.
    pub(super) fn open(&mut self, id: DocumentId) {
        if self.documents.contains_key(&id) {
            return;
        }
        self.documents.insert(id, OpenDocument::new(AutoCommit::new(), false));
        self.instruments.mark("samplan:open");
        self.effects.push(Effect::ReadDevice(id));
    }

    /// A new document, its first chunk stored on the device under `key`.
    pub fn create(&mut self, id: DocumentId, doc: AutoCommit, key: Option<String>) {
        let mut open = OpenDocument::new(doc, true);
        open.saved = open.snapshot();
        open.stored_keys = key.into_iter().collect();
        self.documents.insert(id, open);
        self.start_sync(id);
        self.preview_due(id);
    }

    /// A document read from the device: shown from its preview if it has
    /// one that shows every stored chunk, else loaded now.
    pub(super) fn device_read(&mut self, id: DocumentId, stored: Result<StoredDocument, String>) {
        let instruments = &*self.instruments;
        let Some(open) = self.documents.get_mut(&id) else { return };
        match stored {
            Ok(stored) => {
                // A preview that does not load is not shown: the document is.
                instruments.mark("samplan:preview-load-start");
                open.preview = stored.load_preview();
                instruments.measure("samplan:preview-load", "samplan:preview-load-start");
                open.unloaded = Some(stored);
            }
            Err(error) => open.storage_error = Some(error),
        }
        instruments.measure("samplan:device-read", "samplan:device-open");
        if open.preview.is_none() {
            // Nothing to show before the document: load it now.
            self.load_now(&id);
            return;
        }
        self.effects.push(Effect::SetAvailability(id, Availability::Ready));
        let bump = self.bump_version(id);
        self.effects.extend(bump);
        self.effects.push(Effect::Wake(id, Touched::All));
        self.effects.push(Effect::PlanShown);
        // The page asks for it once its first screen is drawn; at the latest now.
        self.effects.push(Effect::Wait { ms: LOAD_AFTER_PREVIEW_MS, timer: Timer::Load(id) });
    }

    /// Load the document of an open plan from what the device holds of it,
    /// if that is not done yet (it was read, and its preview shown), then
    /// tell the views and start syncing it. Everything that needs the
    /// document itself calls this first: only reading works in a preview
    /// (see `crate::preview`), so an edit waits for the document.
    pub fn load_now(&mut self, id: &DocumentId) {
        let instruments = &*self.instruments;
        let Some(open) = self.documents.get_mut(id) else { return };
        if open.loaded {
            return;
        }
        let stored = open.unloaded.take();
        instruments.mark("samplan:document-load-start");
        let loaded = stored.as_ref().map(StoredDocument::load);
        instruments.measure("samplan:document-load", "samplan:document-load-start");
        match loaded {
            Some(Ok(Some(doc))) => {
                // (Nothing can have come before: every edit and every
                // message from the server waits for this.)
                open.doc = doc;
                open.saved = open.snapshot();
                // Only chunks that loaded are ever compacted (a snapshot
                // of anything less would replace them).
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
        let upkeep = open.compaction.is_some() || (!showed_preview && availability == Availability::Ready);
        // The views are told, and the sync started (which sets the save
        // state), in a microtask: this may run while one of them is being
        // computed (the approvals read an earlier version).
        let mut soon = vec![Effect::SetAvailability(*id, availability)];
        soon.extend(self.bump_version(*id));
        soon.push(Effect::Wake(*id, Touched::All));
        soon.push(Effect::Resume(Event::StartSync(*id)));
        self.effects.push(Effect::Soon(soon));
        if availability == Availability::Ready && !showed_preview {
            self.effects.push(Effect::PlanShown);
        }
        if upkeep {
            // Compact, and write the preview the device lacked: the next
            // open is quick.
            if let Some(open) = self.documents.get_mut(id) {
                open.preview_due = true;
            }
            self.effects.push(Effect::WhenIdle { timeout_ms: PREVIEW_IDLE_MS, timer: Timer::Upkeep(*id) });
        }
    }

    /// Make any change of document `id` (a function of
    /// `crate::plan::edit`), then save it on the device and sync it.
    /// Nothing is written when the change is refused.
    pub fn change(
        &mut self,
        id: &DocumentId,
        edit: &mut dyn FnMut(&mut AutoCommit) -> Result<(), plan::PlanError>,
    ) -> Result<(), plan::PlanError> {
        self.load_now(id);
        let instruments = &*self.instruments;
        let Some(open) = self.documents.get_mut(id) else {
            return Err(plan::PlanError::NoSuchItem { what: "plan", id: id.to_string() });
        };
        let before = open.doc.get_heads();
        if let Err(error) = edit(&mut open.doc) {
            open.doc.rollback();
            return Err(error);
        }
        Self::commit_now(instruments, &mut open.doc);
        if open.doc.get_heads() != before {
            self.changed(*id);
        }
        Ok(())
    }

    /// A person typed in a field anywhere in the plan: the text at `path`
    /// now reads `value`.
    pub fn edit_text_at(
        &mut self,
        id: &DocumentId,
        path: &plan::TextPath,
        value: &str,
    ) -> Result<(), plan::PlanError> {
        self.load_now(id);
        let before = self.documents.get_mut(id).map(|open| open.doc.get_heads());
        self.change(id, &mut |doc| plan::edit::set_text_at(doc, path, value).map(|_| ()))?;
        // If the typed plan was up to date before this keystroke, it now
        // lacks this field only.
        if let Some(open) = self.documents.get_mut(id) {
            let after = open.doc.get_heads();
            if let Some(read) = open.read.as_mut() {
                let parts: Vec<String> = path.parts().iter().map(|part| part.to_string()).collect();
                read.typed_field(before.as_deref(), &parts, path.key(), after);
            }
        }
        Ok(())
    }

    /// After any change of a document: write the new changes to the device,
    /// send the server what it lacks, and tell the views.
    pub(super) fn changed(&mut self, id: DocumentId) {
        let start = self.instruments.timing_start();
        self.changed_now(id);
        if let Some(start) = start {
            self.instruments.measure_since("samplan:changed", start);
        }
    }

    fn changed_now(&mut self, id: DocumentId) {
        let instruments = &*self.instruments;
        let Some(open) = self.documents.get_mut(&id) else { return };
        Self::commit_now(instruments, &mut open.doc);
        let base = open.saved.clone();
        let chunk = open.doc.save_after(&base.heads);
        if !chunk.is_empty() {
            open.saved = open.snapshot();
        }
        let write = self.next_write;
        self.next_write += 1;
        open.writes.push((write, base));
        // Plans go on the start page; self-report documents do not.
        let title = (!crate::self_reports::is_self_reports(&open.doc))
            .then(|| plan::read_text(&open.doc, PlanText::Title).unwrap_or_default());
        let outgoing = self.client.generate(id, &mut open.doc);
        // The text fields this change touched (all of them when the diff
        // cursor was off: a new document, a large sync message).
        let touched = super::touched::touched(&mut open.doc);
        self.effects.extend(outgoing.map(Effect::Send));
        // Only on a real change: setting a signal re-runs everything that reads it.
        self.effects.push(Effect::SetAvailability(id, Availability::Ready));
        let bump = self.bump_version(id);
        self.effects.extend(bump);
        self.effects.push(Effect::Wake(id, touched));
        self.refresh_save_state(id);
        self.preview_due(id);
        self.effects.push(Effect::WriteChunk { id, write, chunk, title });
    }

    /// A write to the device finished.
    pub(super) fn written(
        &mut self,
        id: DocumentId,
        write: u64,
        key: Option<String>,
        outcome: Result<(), WriteFailure>,
    ) {
        let Some(open) = self.documents.get_mut(&id) else { return };
        let base = open.writes.iter().position(|(w, _)| *w == write).map(|at| open.writes.remove(at).1);
        open.stored_keys.extend(key);
        open.storage_error = match outcome {
            Ok(()) => None,
            Err(WriteFailure::Failed(error)) => Some(error),
            Err(WriteFailure::Refused(error)) => {
                // The device did not take this chunk: the next write
                // carries its changes again, so a later success leaves
                // nothing missing. (Unless the heads already went back
                // further, for an earlier refused write.)
                if let Some(base) = base.filter(|base| base.taken < open.saved.taken) {
                    open.saved = base;
                }
                Some(error)
            }
        };
        self.refresh_save_state(id);
    }

    /// Start syncing document `id` (it is loaded, or the connection is new).
    pub(super) fn start_sync(&mut self, id: DocumentId) {
        self.client.open(id);
        if let Some(open) = self.documents.get_mut(&id) {
            self.effects.extend(self.client.generate(id, &mut open.doc).map(Effect::Send));
        }
        self.refresh_save_state(id);
    }

    /// The save state of document `id`, as it is now.
    pub fn save_state(&mut self, id: &DocumentId) -> Option<SaveState> {
        let answering = self.answering();
        let open = self.documents.get_mut(id)?;
        Some(if let Some(error) = &open.storage_error {
            SaveState::Failed(error.clone())
        } else if !open.writes.is_empty() {
            SaveState::Saving
        } else if !answering {
            SaveState::Offline
        } else if self.client.is_synced(id, &mut open.doc) {
            SaveState::Synced
        } else {
            SaveState::SavedOnDevice
        })
    }

    pub(super) fn refresh_save_state(&mut self, id: DocumentId) {
        if let Some(state) = self.save_state(&id) {
            self.effects.push(Effect::SetSaveState(id, state));
        }
    }

    /// Whether the server has everything of document `id`.
    pub fn is_synced(&mut self, id: &DocumentId) -> bool {
        let Some(open) = self.documents.get_mut(id) else { return false };
        self.client.is_connected() && !self.heartbeat.silent && self.client.is_synced(id, &mut open.doc)
    }
}
