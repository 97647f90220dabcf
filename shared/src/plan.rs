//! The SIP plan as an Automerge document.
//!
//! The document is the only source of truth; [`Plan`] is its typed view,
//! read with `autosurgeon::hydrate` and written with `reconcile`. Prose
//! fields are Automerge text, so that two people typing in the same field
//! merge character by character instead of overwriting each other.
//!
//! Text positions: the workspace enables automerge's `utf8-indexing`, so
//! Automerge and `autosurgeon::Text` both count UTF-8 bytes ("å" is two).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ROOT};
use autosurgeon::ReadDoc;
use autosurgeon::{hydrate, hydrate_prop, reconcile, Hydrate, Reconcile};

pub mod agenda;
pub mod approvals;
mod closing;
pub(crate) mod collection;
pub mod completeness;
mod consent;
mod deviations;
pub mod edit;
pub mod export;
pub mod fixture;
mod goals;
pub mod help_status;
pub mod history;
mod interventions;
pub mod invitation;
pub mod json_export;
pub mod labels;
mod lifecycle;
mod meetings;
pub mod minutes;
pub mod next_meeting;
pub mod paper;
mod participants;
mod person;
mod record;
pub mod reread;
pub mod rules;
pub mod signatures;
mod text;
mod text_path;
pub mod todo;
pub mod undo;
pub mod validate;

pub use closing::{Closing, ClosingReason, FollowUp, Revision};
pub use consent::{
    consent_state, in_time_order, ConsentDecision, ConsentEntry, ConsentExtent, ConsentForm, ConsentGiver,
    ConsentState,
};
pub use deviations::{Deviation, DeviationKind};
pub use goals::{latest_status, Goal, Outcome, StatusEntry, SubGoal};
pub use interventions::{Intervention, InterventionReport, InterventionStatus, Principal};
pub use lifecycle::Lifecycle;
pub use meetings::{
    Approval, Attendance, Meeting, MeetingForm, MeetingKind, PHASES, RECOMMENDED_MAX_MINUTES,
};
pub use participants::{OrganisationKind, Participant, ParticipantKind};
pub use person::{Person, Preparation, PreparationField};
pub use record::Record;
/// Automerge text in the plan (prose fields), for building new items.
pub use text::Text;
pub use text_path::{InterventionText, MeetingText, SubGoalText, TextPath};

/// The schema version this code writes. Version 1 (the first skeleton) had
/// only `title` and `main_goal`; version 2 is the whole plan. Documents of
/// an older version are read with defaults for what they lack and upgraded
/// by [`edit::migrate`].
pub const SCHEMA_VERSION: u64 = 2;

/// A coordinated individual plan (samordnad individuell plan).
///
/// Collections are maps keyed by a random id, each item with a `position`
/// (a fractional index): concurrent inserts, edits, moves and deletes by
/// different participants never lose or duplicate an item (a move changes
/// one field, it is not a delete plus an insert).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Plan {
    /// Which schema this document follows; see [`SCHEMA_VERSION`].
    pub schema_version: u64,
    /// A name for the plan that the participants recognise ("Planens namn").
    pub title: Text,
    /// The person's main goal in their own words ("Mitt huvudmål").
    pub main_goal: Text,
    /// The person and their preparation.
    #[autosurgeon(missing = "Default::default")]
    pub person: Person,
    /// Samtycke: the whole log, by entry id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub consent: BTreeMap<String, Record<ConsentEntry>>,
    /// Deltagare, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub participants: BTreeMap<String, Participant>,
    /// Samordningsansvarig (participant id).
    #[autosurgeon(missing = "Default::default")]
    pub coordinator: Option<String>,
    /// Which principal has the overall responsibility for the plan.
    #[autosurgeon(missing = "Default::default")]
    pub overall_responsibility: Option<Principal>,
    /// Mål, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub goals: BTreeMap<String, Goal>,
    /// Insatser och åtgärder, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub interventions: BTreeMap<String, Intervention>,
    /// Set when the participants agreed that no one but kommun and region takes measures.
    #[autosurgeon(missing = "Default::default")]
    pub no_measures_by_others: bool,
    /// Möten, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub meetings: BTreeMap<String, Meeting>,
    /// Uppföljning och utvärdering.
    #[autosurgeon(missing = "Default::default")]
    pub follow_up: FollowUp,
    /// Revideringar, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub revisions: BTreeMap<String, Record<Revision>>,
    /// Avslut, once the plan is closed.
    #[autosurgeon(missing = "Default::default")]
    pub closing: Option<Closing>,
    /// Avvikelser, by id.
    #[autosurgeon(missing = "Default::default", hydrate = "crate::plan::collection::hydrate")]
    pub deviations: BTreeMap<String, Deviation>,
    /// The id of the document holding the person's self-reports.
    #[autosurgeon(missing = "Default::default")]
    pub self_reports: Option<String>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            schema_version: SCHEMA_VERSION,
            title: Text::with_value(""),
            main_goal: Text::with_value(""),
            person: Person::default(),
            consent: BTreeMap::new(),
            participants: BTreeMap::new(),
            coordinator: None,
            overall_responsibility: None,
            goals: BTreeMap::new(),
            interventions: BTreeMap::new(),
            no_measures_by_others: false,
            meetings: BTreeMap::new(),
            follow_up: FollowUp::default(),
            revisions: BTreeMap::new(),
            closing: None,
            deviations: BTreeMap::new(),
            self_reports: None,
        }
    }
}

impl Plan {
    /// Whether the plan is in force: consent given and not closed.
    pub fn is_active(&self) -> bool {
        self.closing.is_none() && self.consent_state() == ConsentState::Given
    }

    /// Items of a collection in their plan order (position, then id).
    pub fn ordered<T>(items: &BTreeMap<String, T>, position: impl Fn(&T) -> &str) -> Vec<(&String, &T)> {
        let list: Vec<_> = items.iter().collect();
        let keys: Vec<(&str, &str)> = list.iter().map(|(id, item)| (position(item), id.as_str())).collect();
        plan_order(&keys).into_iter().map(|index| list[index]).collect()
    }

    /// Goals in plan order.
    pub fn ordered_goals(&self) -> Vec<(&String, &Goal)> {
        Self::ordered(&self.goals, |g| &g.position)
    }

    /// Interventions in plan order.
    pub fn ordered_interventions(&self) -> Vec<(&String, &Intervention)> {
        Self::ordered(&self.interventions, |i| &i.position)
    }

    /// Participants in plan order.
    pub fn ordered_participants(&self) -> Vec<(&String, &Participant)> {
        Self::ordered(&self.participants, |p| &p.position)
    }
}

/// The indices of `keys` (position, id) in plan order. Not generic, so the
/// wasm holds one sort for every kind of item.
fn plan_order(keys: &[(&str, &str)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]));
    order
}

/// The prose fields at the top of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanText {
    /// [`Plan::title`].
    Title,
    /// [`Plan::main_goal`].
    MainGoal,
}

impl PlanText {
    /// Every prose field, in the order the plan shows them.
    pub const ALL: [PlanText; 2] = [PlanText::Title, PlanText::MainGoal];

    /// The key in the document.
    pub fn key(self) -> &'static str {
        match self {
            PlanText::Title => "title",
            PlanText::MainGoal => "main_goal",
        }
    }

    /// The Swedish label the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            PlanText::Title => "Planens namn",
            PlanText::MainGoal => "Mitt huvudmål",
        }
    }
}

/// Why a document cannot be read or written as a plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The document does not have the shape of a plan.
    #[error("dokumentet är inte en plan som går att läsa: {0}")]
    Shape(Box<autosurgeon::HydrateError>),
    /// The change could not be written into the document.
    #[error("ändringen kunde inte skrivas: {0}")]
    Write(Box<autosurgeon::ReconcileError>),
    /// The document was written by a newer version of Samplan.
    #[error("planen är skapad med en nyare version (schema {0}); uppdatera appen")]
    TooNew(u64),
    /// An edit names an item that is not in the plan (deleted meanwhile?).
    #[error("det finns ingen {what} med id {id} i planen")]
    NoSuchItem {
        /// What kind of item.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The same person cannot chair the meeting and take the notes.
    #[error("Samma person kan inte vara ordförande och anteckna på mötet. Välj någon annan.")]
    ChairIsNoteTaker,
    /// You are already among the participants.
    #[error("Du finns redan bland deltagarna.")]
    AlreadyAParticipant,
    /// Automerge refused an operation.
    #[error("ändringen kunde inte göras: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    /// A self-report was refused (a rating or date out of range).
    #[error("{0}")]
    SelfReport(String),
}

impl From<crate::self_reports::SelfReportError> for PlanError {
    fn from(error: crate::self_reports::SelfReportError) -> Self {
        match error {
            crate::self_reports::SelfReportError::Document(inner) => *inner,
            other => PlanError::SelfReport(other.to_string()),
        }
    }
}

// The library errors are boxed: they are large, and every edit returns a
// `Result<_, PlanError>` (clippy's `result_large_err` on wasm32).
impl From<autosurgeon::HydrateError> for PlanError {
    fn from(error: autosurgeon::HydrateError) -> Self {
        PlanError::Shape(Box::new(error))
    }
}

impl From<autosurgeon::ReconcileError> for PlanError {
    fn from(error: autosurgeon::ReconcileError) -> Self {
        PlanError::Write(Box::new(error))
    }
}

impl From<automerge::AutomergeError> for PlanError {
    fn from(error: automerge::AutomergeError) -> Self {
        PlanError::Automerge(Box::new(error))
    }
}

/// A new plan document with every field present and empty.
pub fn new_plan_document(title: &str) -> Result<AutoCommit, PlanError> {
    let mut doc = AutoCommit::new();
    let plan = Plan { title: Text::with_value(title), ..Plan::default() };
    reconcile(&mut doc, &plan)?;
    Ok(doc)
}

/// Load a document saved with `save()` (a device or server copy), verifying
/// its change hashes. (Skipping the verification was measured: no faster.)
pub fn load_document(bytes: &[u8]) -> Result<AutoCommit, PlanError> {
    Ok(AutoCommit::load(bytes)?)
}

/// Whether the document holds anything yet (a plan opened by link starts
/// empty until the first sync brings it).
pub fn is_empty(doc: &impl ReadDoc) -> bool {
    doc.length(ROOT) == 0
}

/// The whole plan, typed.
pub fn read_plan(doc: &impl ReadDoc) -> Result<Plan, PlanError> {
    let plan: Plan = hydrate(doc)?;
    if plan.schema_version > SCHEMA_VERSION {
        return Err(PlanError::TooNew(plan.schema_version));
    }
    Ok(plan)
}

/// One prose field as a string; empty if the field is missing.
pub fn read_text(doc: &impl ReadDoc, field: PlanText) -> Result<String, PlanError> {
    let text: Option<Text> = hydrate_prop(doc, ROOT, field.key())?;
    Ok(text.map(|t| t.as_str().to_string()).unwrap_or_default())
}

/// Make a prose field read `new_value`, as the smallest splice at the place
/// where the two differ. An input element reports the whole new value on
/// every keystroke; splicing only the difference keeps concurrent typing by
/// others intact. Returns whether anything changed.
pub fn set_text(doc: &mut AutoCommit, field: PlanText, new_value: &str) -> Result<bool, PlanError> {
    edit::set_text_at(doc, &TextPath::Plan(field), new_value)
}

/// The one contiguous edit that turns one string into another, in UTF-8
/// byte offsets on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// Where the edit starts.
    pub at: usize,
    /// How many bytes of the old string it removes.
    pub delete: usize,
    /// What it inserts.
    pub insert: String,
}

impl Splice {
    /// The edit from `old` to `new`, or `None` if they are equal.
    pub fn between(old: &str, new: &str) -> Option<Splice> {
        if old == new {
            return None;
        }
        let prefix: usize =
            old.chars().zip(new.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
        let suffix: usize = old[prefix..]
            .chars()
            .rev()
            .zip(new[prefix..].chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        Some(Splice {
            at: prefix,
            delete: old.len() - prefix - suffix,
            insert: new[prefix..new.len() - suffix].to_string(),
        })
    }

    /// Where a position (a cursor, in bytes of the old string) ends up after
    /// the edit: before the edit it stays, after it moves with the text, and
    /// inside deleted text it goes to the end of the insertion.
    pub fn map_position(&self, position: usize) -> usize {
        if position <= self.at {
            position
        } else if position >= self.at + self.delete {
            position - self.delete + self.insert.len()
        } else {
            self.at + self.insert.len()
        }
    }
}

/// A UTF-16 offset (what the DOM's `selectionStart` counts) as a UTF-8 byte
/// offset into `text`, clamped to its end.
pub fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// A UTF-8 byte offset into `text` as a UTF-16 offset.
pub fn byte_to_utf16(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|(b, _)| *b < byte).map(|(_, c)| c.len_utf16()).sum()
}

#[cfg(test)]
mod tests;
