//! What the views read of an open document: the typed plan (read again
//! only where it changed), its texts, the plan as it was, and its history.

use std::collections::BTreeSet;
use std::sync::Arc;

use automerge::ChangeHash;

use super::RepoCore;
use crate::plan::{self, PlanText};
use crate::DocumentId;

/// One stretch of edits by one device in the plan's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The Automerge actor (hex), named by the server's actor list.
    pub actor: String,
    /// When it began (seconds since 1970; 0 if unknown).
    pub from: i64,
    /// When it ended.
    pub until: i64,
    /// How many changes.
    pub changes: usize,
    /// The last change: the plan as it was right after this stretch.
    pub head: String,
    /// The parts of the plan it changed.
    pub sections: BTreeSet<plan::history::Section>,
}

/// Changes by one actor less than this apart (seconds) are one stretch.
const STRETCH_GAP_S: i64 = 300;

/// The typed plan as last read (at `heads`), and the fields this tab has
/// typed in since: if nothing else changed (the document is at
/// `typed_heads`), the next read reads only those fields again
/// (`crate::plan::reread`), not the whole plan.
pub(super) struct PlanRead {
    plan: Arc<plan::Plan>,
    heads: Vec<ChangeHash>,
    typed: Vec<Vec<String>>,
    typed_heads: Vec<ChangeHash>,
}

impl PlanRead {
    /// This tab typed in the field at `path` + `key`, which took the
    /// document from `before` to `after`: if the plan was up to date
    /// before, it now lacks this field only.
    pub(super) fn typed_field(
        &mut self,
        before: Option<&[ChangeHash]>,
        path: &[String],
        key: &str,
        after: Vec<ChangeHash>,
    ) {
        let known = if self.typed.is_empty() { &self.heads } else { &self.typed_heads };
        if before == Some(known.as_slice()) {
            let field = if path.is_empty() { vec![key.to_string()] } else { path.to_vec() };
            if !self.typed.contains(&field) {
                self.typed.push(field);
            }
            self.typed_heads = after;
        }
    }
}

impl RepoCore {
    /// The text of a prose field of an open plan.
    pub fn text(&self, id: &DocumentId, field: PlanText) -> String {
        self.documents.get(id).and_then(|open| plan::read_text(open.shown(), field).ok()).unwrap_or_default()
    }

    /// The text at `path` of an open plan.
    pub fn text_at(&self, id: &DocumentId, path: &plan::TextPath) -> String {
        self.documents
            .get(id)
            .and_then(|open| plan::edit::text_at(open.shown(), path).ok())
            .unwrap_or_default()
    }

    /// The self-report document `id`, typed (`None` until it has content).
    pub fn self_reports(&self, id: &DocumentId) -> Option<crate::self_reports::SelfReports> {
        let open = self.documents.get(id)?;
        if plan::is_empty(open.shown()) {
            return None;
        }
        crate::self_reports::read_self_reports(open.shown()).ok()
    }

    /// The whole plan, typed, as it is now (`None` until it has content or
    /// when it cannot be read). Shared, not copied: the views hold it
    /// while this keeps it for the next read.
    pub fn plan(&mut self, id: &DocumentId) -> Option<Arc<plan::Plan>> {
        let start = self.instruments.timing_start();
        let plan = self.read_plan(id);
        if let Some(start) = start {
            self.instruments.measure_since("samplan:read-plan", start);
        }
        plan
    }

    fn read_plan(&mut self, id: &DocumentId) -> Option<Arc<plan::Plan>> {
        let open = self.documents.get_mut(id)?;
        if plan::is_empty(open.shown()) {
            return None;
        }
        let heads = open.shown_mut().get_heads();
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
    }

    /// The plan as it was at `heads` (hex change hashes), e.g. when approved.
    pub fn plan_at(&mut self, id: &DocumentId, heads: &[String]) -> Option<plan::Plan> {
        self.load_now(id);
        plan::approvals::plan_at(&mut self.documents.get_mut(id)?.doc, heads)
    }

    /// Items that were in the plan at `heads` and are not now.
    pub fn removed_since(&mut self, id: &DocumentId, heads: &[String]) -> Vec<plan::history::RemovedItem> {
        let Some(then) = self.plan_at(id, heads) else { return Vec::new() };
        let Some(now) = self.plan(id) else { return Vec::new() };
        plan::history::removed_since(&then, &now)
    }

    /// Put a removed item back as it was at `heads` (a normal change).
    pub fn restore(
        &mut self,
        id: &DocumentId,
        heads: &[String],
        item: &plan::history::RemovedItem,
    ) -> Result<(), plan::PlanError> {
        let heads: Vec<ChangeHash> = heads.iter().filter_map(|h| h.parse().ok()).collect();
        self.change(id, &mut |doc| plan::history::restore(doc, &heads, item))
    }

    /// The current heads of an open plan, as hex (what an approval records).
    pub fn heads(&mut self, id: &DocumentId) -> Vec<String> {
        self.load_now(id);
        self.documents
            .get_mut(id)
            .map(|open| open.doc.get_heads().iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    /// Who changed the plan when: its changes grouped into edits by one
    /// actor within five minutes, oldest first.
    pub fn history(&mut self, id: &DocumentId) -> Vec<HistoryEntry> {
        self.load_now(id);
        let Some(open) = self.documents.get_mut(id) else { return Vec::new() };
        let doc = open.doc.document();
        let mut sections = plan::history::SectionIndex::default();
        let mut entries: Vec<HistoryEntry> = Vec::new();
        for change in doc.get_changes(&[]) {
            let actor = change.actor_id().to_hex_string();
            let time = change.timestamp();
            let hash = change.hash().to_string();
            let touched = sections.sections(doc, change);
            match entries.last_mut() {
                Some(last) if last.actor == actor && time - last.until <= STRETCH_GAP_S => {
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
}
