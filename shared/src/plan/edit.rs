//! Typed edits of a plan document.
//!
//! Every edit touches only the part of the document it changes (one item,
//! one field): it hydrates that part, changes it, and reconciles it back.
//! That keeps an edit cheap on a large plan and keeps concurrent edits of
//! other parts untouched. Items live in maps keyed by random ids; their
//! order is a fractional index in `position`.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc as _, Value, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};
use fractional_index::FractionalIndex;

use super::{
    Approval, Closing, ClosingReason, ConsentDecision, ConsentEntry, ConsentState, Deviation, Intervention,
    InterventionReport, Meeting, Participant, Plan, PlanError, Principal, Record, Revision, StatusEntry,
    SubGoal, Text, SCHEMA_VERSION,
};
use crate::plan::{Goal, Splice, TextPath};

/// A new random item id (16 hex digits).
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    // The OS or browser random source failing is not recoverable.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("no random source available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a map lives in the document, as a path of keys from the root.
type Path<'a> = &'a [&'a str];

/// The object at `path`, if every step exists and is a map or text.
pub fn object_at(doc: &AutoCommit, path: Path) -> Result<Option<ObjId>, PlanError> {
    let mut obj = ROOT;
    for key in path {
        match doc.get(&obj, *key)? {
            Some((Value::Object(_), id)) => obj = id,
            _ => return Ok(None),
        }
    }
    Ok(Some(obj))
}

/// The map at `path`, creating missing maps on the way (documents of
/// schema 1 have no collections yet).
fn ensure_map(doc: &mut AutoCommit, path: Path) -> Result<ObjId, PlanError> {
    use automerge::transaction::Transactable as _;
    let mut obj = ROOT;
    for key in path {
        obj = match doc.get(&obj, *key)? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => doc.put_object(&obj, *key, ObjType::Map)?,
        };
    }
    Ok(obj)
}

fn require(doc: &AutoCommit, path: Path, what: &'static str) -> Result<ObjId, PlanError> {
    object_at(doc, path)?
        .ok_or_else(|| PlanError::NoSuchItem { what, id: path.last().unwrap_or(&"").to_string() })
}

/// Put `value` under `key` in the map at `path`, creating the map if missing.
pub(crate) fn put<T: Reconcile>(
    doc: &mut AutoCommit,
    path: Path,
    key: &str,
    value: &T,
) -> Result<(), PlanError> {
    let obj = ensure_map(doc, path)?;
    reconcile_prop(doc, obj, key, value)?;
    Ok(())
}

/// Change the value at `path` + `key` in place.
fn update<T, F>(
    doc: &mut AutoCommit,
    path: Path,
    key: &str,
    what: &'static str,
    change: F,
) -> Result<(), PlanError>
where
    T: Hydrate + Reconcile,
    F: FnOnce(&mut T),
{
    update_checked(doc, path, key, what, change, |_| Ok(()))
}

/// Like [`update`], but writes nothing when `check` refuses the changed value.
fn update_checked<T, F, C>(
    doc: &mut AutoCommit,
    path: Path,
    key: &str,
    what: &'static str,
    change: F,
    check: C,
) -> Result<(), PlanError>
where
    T: Hydrate + Reconcile,
    F: FnOnce(&mut T),
    C: FnOnce(&T) -> Result<(), PlanError>,
{
    let obj = require(doc, path, what)?;
    let current: Option<T> = hydrate_prop(&*doc, &obj, key)?;
    let mut value = current.ok_or_else(|| PlanError::NoSuchItem { what, id: key.to_string() })?;
    change(&mut value);
    check(&value)?;
    reconcile_prop(doc, obj, key, &value)?;
    Ok(())
}

fn remove(doc: &mut AutoCommit, path: Path, key: &str, what: &'static str) -> Result<(), PlanError> {
    use automerge::transaction::Transactable as _;
    let obj = require(doc, path, what)?;
    if doc.get(&obj, key)?.is_none() {
        return Err(PlanError::NoSuchItem { what, id: key.to_string() });
    }
    doc.delete(&obj, key)?;
    Ok(())
}

/// The text at `path`; empty when it is not there.
pub fn text_at(doc: &AutoCommit, path: &TextPath) -> Result<String, PlanError> {
    let Some(obj) = object_at(doc, &path.parts())? else { return Ok(String::new()) };
    let text: Option<Text> = hydrate_prop(doc, &obj, path.key())?;
    Ok(text.map(|t| t.as_str().to_string()).unwrap_or_default())
}

/// Make the text at `path` read `value`, as the smallest splice.
/// Returns whether anything changed.
///
/// A field that a plan made before it existed lacks (a preparation
/// question added later) is made by its first write: a text object with
/// `value`. (Two devices that both write such a field first, unsynced,
/// make two objects and one wins, as two devices adding the same key
/// would; a plan made since has every field from the start.)
pub fn set_text_at(doc: &mut AutoCommit, path: &TextPath, value: &str) -> Result<bool, PlanError> {
    use automerge::transaction::Transactable as _;
    let (parts, key) = (path.parts(), path.key());
    let obj = require(doc, &parts, "text")?;
    if doc.get(&obj, key)?.is_none() {
        let text = doc.put_object(&obj, key, automerge::ObjType::Text)?;
        doc.splice_text(&text, 0, 0, value)?;
        return Ok(true);
    }
    let current: Option<Text> = hydrate_prop(&*doc, &obj, key)?;
    let mut text = current.unwrap_or_default();
    let Some(edit) = Splice::between(text.as_str(), value) else {
        return Ok(false);
    };
    text.splice(edit.at, isize::try_from(edit.delete).unwrap_or(isize::MAX), &edit.insert);
    reconcile_prop(doc, obj, key, &text)?;
    Ok(true)
}

/// The positions of the items of the map at `path`, sorted.
fn positions(doc: &AutoCommit, path: Path) -> Result<Vec<(String, String)>, PlanError> {
    let Some(obj) = object_at(doc, path)? else { return Ok(Vec::new()) };
    let mut list = Vec::new();
    for item in doc.map_range(&obj, ..) {
        let position = match doc.get(&item.id, "position")? {
            Some((Value::Scalar(s), _)) => s.to_str().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        list.push((position, item.key.to_string()));
    }
    list.sort();
    Ok(list)
}

fn index(position: &str) -> Option<FractionalIndex> {
    FractionalIndex::from_string(position).ok()
}

/// A position after every item of the map at `path`.
fn position_last(doc: &AutoCommit, path: Path) -> Result<String, PlanError> {
    let last = positions(doc, path)?.into_iter().rev().find_map(|(p, _)| index(&p));
    Ok(match last {
        Some(last) => FractionalIndex::new_after(&last).to_string(),
        None => FractionalIndex::default().to_string(),
    })
}

/// Move item `id` of the map at `path` to just before `before` (or last).
/// A move writes one field, so concurrent moves never duplicate the item.
pub fn move_item(doc: &mut AutoCommit, path: Path, id: &str, before: Option<&str>) -> Result<(), PlanError> {
    let others: Vec<(String, String)> = positions(doc, path)?.into_iter().filter(|(_, k)| k != id).collect();
    let new_position = match before {
        None => others
            .last()
            .and_then(|(p, _)| index(p))
            .map(|p| FractionalIndex::new_after(&p))
            .unwrap_or_default(),
        Some(before) => {
            let at = others
                .iter()
                .position(|(_, k)| k == before)
                .ok_or_else(|| PlanError::NoSuchItem { what: "plats", id: before.to_string() })?;
            let upper = index(&others[at].0).unwrap_or_default();
            match at.checked_sub(1).and_then(|i| index(&others[i].0)) {
                Some(lower) if lower < upper => FractionalIndex::new_between(&lower, &upper)
                    .unwrap_or_else(|| FractionalIndex::new_before(&upper)),
                Some(lower) => {
                    // Two items added at the same moment share a position
                    // (ordered by id). Make room: move `before` just above
                    // the tie, then put the item between.
                    let next = others[at + 1..].iter().filter_map(|(p, _)| index(p)).find(|p| *p > lower);
                    let bumped = next
                        .and_then(|next| FractionalIndex::new_between(&lower, &next))
                        .unwrap_or_else(|| FractionalIndex::new_after(&lower));
                    let before_obj = require(doc, &[path, &[before]].concat(), "post")?;
                    reconcile_prop(doc, before_obj, "position", bumped.to_string())?;
                    FractionalIndex::new_between(&lower, &bumped)
                        .unwrap_or_else(|| FractionalIndex::new_before(&bumped))
                }
                None => FractionalIndex::new_before(&upper),
            }
        }
    };
    let obj = require(doc, &[path, &[id]].concat(), "post")?;
    reconcile_prop(doc, obj, "position", new_position.to_string())?;
    Ok(())
}

/// Upgrade a document of an older schema to [`SCHEMA_VERSION`]: create the
/// collections it lacks and record the version. Returns whether it changed.
/// A document of a newer schema is refused.
pub fn migrate(doc: &mut AutoCommit) -> Result<bool, PlanError> {
    let version: Option<u64> = hydrate_prop(&*doc, ROOT, "schema_version")?;
    let version = version.unwrap_or(1);
    if version > SCHEMA_VERSION {
        return Err(PlanError::TooNew(version));
    }
    if version == SCHEMA_VERSION {
        return Ok(false);
    }
    let plan: Plan = autosurgeon::hydrate(&*doc)?;
    let upgraded = Plan { schema_version: SCHEMA_VERSION, ..plan };
    autosurgeon::reconcile(doc, &upgraded)?;
    Ok(true)
}

/// Add a goal in the person's words; returns its id.
pub fn add_goal(doc: &mut AutoCommit, text: &str) -> Result<String, PlanError> {
    let id = new_id();
    let goal =
        Goal { text: Text::with_value(text), position: position_last(doc, &["goals"])?, ..Goal::default() };
    put(doc, &["goals"], &id, &goal)?;
    Ok(id)
}

/// Change a sub-goal's details (its date; prose goes through [`set_text_at`]).
pub fn update_sub_goal(
    doc: &mut AutoCommit,
    goal_id: &str,
    id: &str,
    change: impl FnOnce(&mut SubGoal),
) -> Result<(), PlanError> {
    update(doc, &["goals", goal_id, "sub_goals"], id, "delmål", change)
}

/// Remove a goal (and its sub-goals and history).
pub fn remove_goal(doc: &mut AutoCommit, id: &str) -> Result<(), PlanError> {
    remove(doc, &["goals"], id, "mål")
}

/// Add a sub-goal under a goal; returns its id.
pub fn add_sub_goal(doc: &mut AutoCommit, goal_id: &str, sub_goal: SubGoal) -> Result<String, PlanError> {
    require(doc, &["goals", goal_id], "mål")?;
    let id = new_id();
    let path = ["goals", goal_id, "sub_goals"];
    let sub_goal = SubGoal { position: position_last(doc, &path)?, ..sub_goal };
    put(doc, &path, &id, &sub_goal)?;
    Ok(id)
}

/// Remove a sub-goal.
pub fn remove_sub_goal(doc: &mut AutoCommit, goal_id: &str, id: &str) -> Result<(), PlanError> {
    remove(doc, &["goals", goal_id, "sub_goals"], id, "delmål")
}

/// Record the status of a goal (or of one of its sub-goals) at follow-up.
pub fn record_goal_status(
    doc: &mut AutoCommit,
    goal_id: &str,
    sub_goal_id: Option<&str>,
    entry: &StatusEntry,
) -> Result<String, PlanError> {
    let id = new_id();
    match sub_goal_id {
        Some(sub) => {
            require(doc, &["goals", goal_id, "sub_goals", sub], "delmål")?;
            put(doc, &["goals", goal_id, "sub_goals", sub, "status"], &id, &Record(entry.clone()))?;
        }
        None => {
            require(doc, &["goals", goal_id], "mål")?;
            put(doc, &["goals", goal_id, "status"], &id, &Record(entry.clone()))?;
        }
    }
    Ok(id)
}

/// Add a participant; returns the id.
pub fn add_participant(doc: &mut AutoCommit, participant: Participant) -> Result<String, PlanError> {
    let id = new_id();
    add_participant_as(doc, &id, participant)?;
    Ok(id)
}

/// Add a participant under a given id: the one the server links a member
/// to (`members.participant`), when that member adds themselves ("Det här
/// är jag"). Refuses an id that is already a participant.
pub fn add_participant_as(doc: &mut AutoCommit, id: &str, participant: Participant) -> Result<(), PlanError> {
    if object_at(doc, &["participants", id])?.is_some() {
        return Err(PlanError::AlreadyAParticipant);
    }
    let participant = Participant { position: position_last(doc, &["participants"])?, ..participant };
    put(doc, &["participants"], id, &participant)
}

/// Change a participant's details.
pub fn update_participant(
    doc: &mut AutoCommit,
    id: &str,
    change: impl FnOnce(&mut Participant),
) -> Result<(), PlanError> {
    update(doc, &["participants"], id, "deltagare", change)
}

/// Remove a participant.
pub fn remove_participant(doc: &mut AutoCommit, id: &str) -> Result<(), PlanError> {
    remove(doc, &["participants"], id, "deltagare")
}

/// Appoint the coordinator (samordningsansvarig), or clear it.
pub fn set_coordinator(doc: &mut AutoCommit, participant_id: Option<&str>) -> Result<(), PlanError> {
    if let Some(id) = participant_id {
        require(doc, &["participants", id], "deltagare")?;
    }
    reconcile_prop(doc, ROOT, "coordinator", participant_id.map(str::to_string))?;
    Ok(())
}

/// Set which principal has the overall responsibility.
pub fn set_overall_responsibility(
    doc: &mut AutoCommit,
    principal: Option<Principal>,
) -> Result<(), PlanError> {
    reconcile_prop(doc, ROOT, "overall_responsibility", principal)?;
    Ok(())
}

/// Record that no one but kommun and region takes measures (or undo it).
pub fn set_no_measures_by_others(doc: &mut AutoCommit, none: bool) -> Result<(), PlanError> {
    reconcile_prop(doc, ROOT, "no_measures_by_others", none)?;
    Ok(())
}

/// Whether the person needs an interpreter. Its own field: checking it
/// never writes the language (a language typed a moment before, not yet in
/// the typed plan the box was drawn from, is kept; and two people, one
/// ticking the box and one typing the language, both keep theirs).
pub fn set_interpreter_needed(doc: &mut AutoCommit, needed: bool) -> Result<(), PlanError> {
    let person = ensure_map(doc, &["person"])?;
    reconcile_prop(doc, &person, "interpreter_needed", needed)?;
    Ok(())
}

/// The language the person speaks with an interpreter (its own field; see
/// [`set_interpreter_needed`]).
pub fn set_language(doc: &mut AutoCommit, language: &str) -> Result<(), PlanError> {
    let person = ensure_map(doc, &["person"])?;
    reconcile_prop(doc, &person, "language", language.trim().to_string())?;
    Ok(())
}

/// Whether the plan is a child's (barn eller ungdom): then the guardians
/// among the participants consent (seed 004).
pub fn set_person_is_child(doc: &mut AutoCommit, is_child: bool) -> Result<(), PlanError> {
    let person = ensure_map(doc, &["person"])?;
    reconcile_prop(doc, &person, "is_child", is_child)?;
    Ok(())
}

/// Record a consent decision. A withdrawal also closes the plan; consent
/// given again after a withdrawal opens the plan that the withdrawal
/// closed (not one closed for another reason).
pub fn record_consent(doc: &mut AutoCommit, entry: &ConsentEntry) -> Result<String, PlanError> {
    let id = new_id();
    put(doc, &["consent"], &id, &Record(entry.clone()))?;
    let closed: Result<Option<Closing>, _> = hydrate_prop(&*doc, ROOT, "closing");
    match entry.decision {
        ConsentDecision::Withdrawn => {
            if closed?.is_none() {
                let closing = Closing {
                    reason: ClosingReason::ConsentWithdrawn,
                    date: entry.date.clone(),
                    decided_with_person: true,
                    by: entry.recorded_by.clone(),
                    author: entry.author.clone(),
                    comment: String::new(),
                };
                reconcile_prop(doc, ROOT, "closing", Some(closing))?;
            }
        }
        // (A closing another client wrote without every field is left alone.)
        ConsentDecision::Given => {
            if closed.ok().flatten().is_some_and(|c| c.reason == ClosingReason::ConsentWithdrawn)
                && super::read_plan(&*doc)?.consent_state() == ConsentState::Given
            {
                // As a plan that was never closed: no closing (null).
                reconcile_prop(doc, ROOT, "closing", None::<Closing>)?;
            }
        }
        ConsentDecision::Refused => {}
    }
    Ok(id)
}

/// Add an intervention or measure; returns its id.
pub fn add_intervention(doc: &mut AutoCommit, intervention: Intervention) -> Result<String, PlanError> {
    let id = new_id();
    let intervention = Intervention { position: position_last(doc, &["interventions"])?, ..intervention };
    put(doc, &["interventions"], &id, &intervention)?;
    Ok(id)
}

/// Change an intervention's details (not its prose: use [`set_text_at`]).
pub fn update_intervention(
    doc: &mut AutoCommit,
    id: &str,
    change: impl FnOnce(&mut Intervention),
) -> Result<(), PlanError> {
    update(doc, &["interventions"], id, "insats", change)
}

/// Remove an intervention.
pub fn remove_intervention(doc: &mut AutoCommit, id: &str) -> Result<(), PlanError> {
    remove(doc, &["interventions"], id, "insats")
}

/// A status report by the party responsible for an intervention.
pub fn report_intervention(
    doc: &mut AutoCommit,
    id: &str,
    report: &InterventionReport,
) -> Result<String, PlanError> {
    require(doc, &["interventions", id], "insats")?;
    let report_id = new_id();
    put(doc, &["interventions", id, "reports"], &report_id, &Record(report.clone()))?;
    Ok(report_id)
}

/// Add a meeting; returns its id.
pub fn add_meeting(doc: &mut AutoCommit, meeting: &Meeting) -> Result<String, PlanError> {
    let id = new_id();
    put(doc, &["meetings"], &id, meeting)?;
    Ok(id)
}

/// Change a meeting's details (not its prose: use [`set_text_at`]).
/// Refuses to make the chair the note-taker.
pub fn update_meeting(
    doc: &mut AutoCommit,
    id: &str,
    change: impl FnOnce(&mut Meeting),
) -> Result<(), PlanError> {
    update_checked(doc, &["meetings"], id, "möte", change, |meeting: &Meeting| {
        if meeting.chair.is_some() && meeting.chair == meeting.note_taker {
            Err(PlanError::ChairIsNoteTaker)
        } else {
            Ok(())
        }
    })
}

/// A participant approves the plan as it is now (its current heads).
pub fn approve(
    doc: &mut AutoCommit,
    meeting_id: &str,
    participant_id: &str,
    name: &str,
    now_millis: i64,
) -> Result<(), PlanError> {
    put_approval(doc, meeting_id, participant_id, name, now_millis, None)
}

/// The chair records that a participant without a device at the meeting
/// approved the plan orally ("godkänt muntligt på mötet"): a record of its
/// own kind, naming who recorded it (`recorder`, a participant id, and
/// their name).
pub fn record_oral_approval(
    doc: &mut AutoCommit,
    meeting_id: &str,
    participant_id: &str,
    name: &str,
    now_millis: i64,
    recorder: (&str, &str),
) -> Result<(), PlanError> {
    put_approval(doc, meeting_id, participant_id, name, now_millis, Some(recorder))
}

/// An approval of the plan as it is now by `participant_id`, their own or
/// (with `recorder`) recorded as oral.
fn put_approval(
    doc: &mut AutoCommit,
    meeting_id: &str,
    participant_id: &str,
    name: &str,
    now_millis: i64,
    recorder: Option<(&str, &str)>,
) -> Result<(), PlanError> {
    require(doc, &["meetings", meeting_id], "möte")?;
    require(doc, &["participants", participant_id], "deltagare")?;
    let heads = doc.get_heads().iter().map(ToString::to_string).collect();
    let (author, recorded_by) = recorder.unwrap_or((participant_id, ""));
    let approval = Approval {
        heads,
        approved_at: now_millis,
        name: name.to_string(),
        author: author.to_string(),
        oral: recorder.is_some(),
        recorded_by: recorded_by.to_string(),
    };
    put(doc, &["meetings", meeting_id, "approvals"], participant_id, &Record(approval))
}

/// Set the next follow-up date (YYYY-MM-DD), or clear it.
pub fn set_next_follow_up(doc: &mut AutoCommit, date: Option<&str>) -> Result<(), PlanError> {
    let obj = ensure_map(doc, &["follow_up"])?;
    reconcile_prop(doc, obj, "next_follow_up", date.map(str::to_string))?;
    Ok(())
}

/// Set the evaluation date (YYYY-MM-DD), or clear it.
pub fn set_evaluation(doc: &mut AutoCommit, date: Option<&str>) -> Result<(), PlanError> {
    let obj = ensure_map(doc, &["follow_up"])?;
    reconcile_prop(doc, obj, "evaluation", date.map(str::to_string))?;
    Ok(())
}

/// Record a revision of the plan.
pub fn add_revision(doc: &mut AutoCommit, revision: &Revision) -> Result<String, PlanError> {
    let id = new_id();
    put(doc, &["revisions"], &id, &Record(revision.clone()))?;
    Ok(id)
}

/// Close the plan.
pub fn close_plan(doc: &mut AutoCommit, closing: &Closing) -> Result<(), PlanError> {
    reconcile_prop(doc, ROOT, "closing", Some(closing.clone()))?;
    Ok(())
}

/// Record a deviation report.
pub fn add_deviation(doc: &mut AutoCommit, deviation: &Deviation) -> Result<String, PlanError> {
    let id = new_id();
    put(doc, &["deviations"], &id, deviation)?;
    Ok(id)
}

/// Link the plan to its self-report document.
pub fn link_self_reports(doc: &mut AutoCommit, document_id: &str) -> Result<(), PlanError> {
    reconcile_prop(doc, ROOT, "self_reports", Some(document_id.to_string()))?;
    Ok(())
}
