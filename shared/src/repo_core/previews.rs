//! Keeping the device copy quick to open: when a document's preview is
//! written again (once its changes pause, or when the page is hidden) and
//! when its chunks are replaced by one whole document.
//!
//! A preview is written only while the device holds exactly what the tab
//! has (every change written, none refused), made from that, and stored
//! only if no other tab wrote a chunk meanwhile ([`super::stored`]).

use super::{Effect, Keep, RepoCore, Timer, PREVIEW_AFTER_MS, PREVIEW_IDLE_MS};
use crate::plan;
use crate::DocumentId;

impl RepoCore {
    /// A new preview of document `id` is to be written once changes pause
    /// ([`PREVIEW_AFTER_MS`]), or when the page is hidden.
    pub(super) fn preview_due(&mut self, id: DocumentId) {
        let now = self.instruments.now_ms();
        let Some(open) = self.documents.get_mut(&id) else { return };
        open.last_change = now;
        if open.preview_due {
            return;
        }
        open.preview_due = true;
        self.effects.push(Effect::Wait { ms: PREVIEW_AFTER_MS, timer: Timer::PreviewPause(id) });
    }

    /// The wait for changes of `id` to pause is over: if they went on,
    /// wait for them to pause; else write when the page is idle.
    pub(super) fn preview_pause(&mut self, id: DocumentId) {
        let now = self.instruments.now_ms();
        let Some(open) = self.documents.get(&id) else { return };
        let since = now - open.last_change;
        if since < f64::from(PREVIEW_AFTER_MS) {
            let ms = PREVIEW_AFTER_MS - since.max(0.0) as u32;
            self.effects.push(Effect::Wait { ms, timer: Timer::PreviewPause(id) });
        } else {
            self.effects.push(Effect::WhenIdle { timeout_ms: PREVIEW_IDLE_MS, timer: Timer::Upkeep(id) });
        }
    }

    /// Whether document `id` is to be compacted or has a preview due.
    fn upkeep_is_due(&self, id: &DocumentId) -> bool {
        self.documents.get(id).is_some_and(|open| open.preview_due || open.compaction.is_some())
    }

    /// The page is idle: run the upkeep of document `id` if it is due.
    pub(super) fn upkeep_due(&mut self, id: DocumentId) {
        if self.upkeep_is_due(&id) {
            self.effects.push(Effect::RunUpkeep(id));
        }
    }

    /// The page is being hidden: every upkeep that is due runs now.
    pub(super) fn page_hidden(&mut self) {
        let due: Vec<DocumentId> =
            self.documents.keys().copied().filter(|id| self.upkeep_is_due(id)).collect();
        self.effects.extend(due.into_iter().map(Effect::RunUpkeep));
    }

    /// Compact the device copy of document `id` if that is due, and write
    /// its preview if one is due and the device holds exactly what the tab
    /// has (every change written, none refused); else try again once
    /// changes pause. Encodes whole documents, which nothing before the
    /// plan is on the screen does: the editor calls this from a wasm chunk
    /// of its own ([`Effect::RunUpkeep`]), nothing else in the core does.
    /// Returns what to store, in one transaction made before any later
    /// write of this tab (the preview counts exactly the chunks it shows).
    pub fn upkeep(&mut self, id: DocumentId) -> Option<Keep> {
        let instruments = &*self.instruments;
        let open = self.documents.get_mut(&id)?;
        // After a storage error the device's copy is in doubt: left as it is.
        let compaction = open
            .compaction
            .take()
            .filter(|_| open.storage_error.is_none())
            .map(|stored| (open.doc.save(), stored));
        let known = open.stored_keys.clone();
        let preview = if !open.preview_due {
            None
        } else if open.all_written() {
            open.preview_due = false;
            // Nothing to show: no preview (an empty plan opens at once).
            if plan::is_empty(&open.doc) {
                None
            } else {
                let start = instruments.timing_start();
                let preview = crate::preview::save_preview(open.doc.document()).ok();
                if let Some(start) = start {
                    instruments.measure_since("samplan:preview", start);
                }
                preview
            }
        } else {
            self.effects.push(Effect::Wait { ms: PREVIEW_AFTER_MS, timer: Timer::PreviewPause(id) });
            None
        };
        (compaction.is_some() || preview.is_some())
            .then(|| Keep { compaction, preview: preview.map(|p| (p, known)) })
    }

    /// A compaction was stored: the device holds `snapshot` in place of `replaced`.
    pub(super) fn compacted(&mut self, id: DocumentId, replaced: &[String], snapshot: String) {
        if let Some(open) = self.documents.get_mut(&id) {
            open.stored_keys.retain(|key| !replaced.contains(key));
            open.stored_keys.push(snapshot);
        }
    }
}
