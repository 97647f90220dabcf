//! The plan's history read for people: which parts of the plan a change
//! touched (so the history can be shown per section), what was removed
//! since an earlier version, and putting a removed item back.
//!
//! Automerge keeps every change; a removed goal is still in the history,
//! so restoring it means reading it from the plan as it was and writing it
//! back under its old id (a new change: the history shows who restored it).

use std::collections::{BTreeSet, HashMap};

use automerge::transaction::Transactable as _;
use automerge::{AutoCommit, Automerge, Change, ChangeHash, ObjId, ObjType, Prop, ReadDoc as _, Value, ROOT};

use super::edit::object_at;
use super::{Plan, PlanError};

/// A part of the plan, as the history names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The plan's name and the person's main goal.
    Plan,
    /// The person and their preparation.
    Person,
    /// Samtycke.
    Consent,
    /// Deltagare, samordningsansvarig, huvudman.
    Participants,
    /// Mål och delmål.
    Goals,
    /// Insatser och åtgärder.
    Interventions,
    /// Möten (kallelse, närvaro, godkännanden).
    Meetings,
    /// Uppföljning och revideringar.
    FollowUp,
    /// Avslut.
    Closing,
    /// Avvikelser.
    Deviations,
    /// Anything else (the schema version, links to other documents).
    Other,
}

impl Section {
    /// Every section, in the plan's order.
    pub const ALL: [Section; 11] = [
        Section::Plan,
        Section::Person,
        Section::Consent,
        Section::Participants,
        Section::Goals,
        Section::Interventions,
        Section::Meetings,
        Section::FollowUp,
        Section::Closing,
        Section::Deviations,
        Section::Other,
    ];

    /// The section a top-level key of the document belongs to.
    pub fn of_key(key: &str) -> Section {
        match key {
            "title" | "main_goal" => Section::Plan,
            "person" => Section::Person,
            "consent" => Section::Consent,
            "participants" | "coordinator" | "overall_responsibility" => Section::Participants,
            "goals" => Section::Goals,
            "interventions" | "no_measures_by_others" => Section::Interventions,
            "meetings" => Section::Meetings,
            "follow_up" | "revisions" => Section::FollowUp,
            "closing" => Section::Closing,
            "deviations" => Section::Deviations,
            _ => Section::Other,
        }
    }

    /// Its name in the app.
    pub fn label(self) -> &'static str {
        match self {
            Section::Plan => "Planens namn och huvudmål",
            Section::Person => "Personen och förberedelsen",
            Section::Consent => "Samtycke",
            Section::Participants => "Deltagare",
            Section::Goals => "Mål",
            Section::Interventions => "Insatser",
            Section::Meetings => "Möten",
            Section::FollowUp => "Uppföljning",
            Section::Closing => "Avslut",
            Section::Deviations => "Avvikelser",
            Section::Other => "Övrigt",
        }
    }

    /// A stable short name (for a form's value).
    pub fn key(self) -> &'static str {
        match self {
            Section::Plan => "plan",
            Section::Person => "person",
            Section::Consent => "consent",
            Section::Participants => "participants",
            Section::Goals => "goals",
            Section::Interventions => "interventions",
            Section::Meetings => "meetings",
            Section::FollowUp => "follow_up",
            Section::Closing => "closing",
            Section::Deviations => "deviations",
            Section::Other => "other",
        }
    }

    /// The section with this [`Section::key`].
    pub fn from_key(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Finds the top-level key under which each change's operations happened.
#[derive(Debug, Default)]
pub struct TopLevelIndex {
    /// Object id (`counter@actor`) → its top-level key (`None`: not found).
    objects: HashMap<String, Option<String>>,
}

impl TopLevelIndex {
    /// The top-level keys under which the operations of `change` (a change
    /// of `doc`) happened. An operation whose object cannot be found is left out.
    pub fn touched(&mut self, doc: &Automerge, change: &Change) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        for op in change.decode().operations {
            let object = op.obj.to_string();
            if object == "_root" {
                // The legacy op types are not public; the `Debug` form of a
                // map key (`Map("title")`) is pinned by the tests.
                let key = format!("{:?}", op.key);
                if let Some(key) = key.strip_prefix("Map(\"").and_then(|k| k.strip_suffix("\")")) {
                    touched.insert(key.to_string());
                }
            } else if let Some(key) =
                self.objects.entry(object).or_insert_with_key(|object| top_level_key(doc, object)).clone()
            {
                touched.insert(key);
            }
        }
        touched
    }
}

/// The top-level key an object (written `counter@actor`) lives under, also
/// for objects removed since.
fn top_level_key(doc: &Automerge, object: &str) -> Option<String> {
    let id = doc.import_obj(object).ok()?;
    match doc.parents(&id).ok()?.last()?.prop {
        Prop::Map(key) => Some(key),
        Prop::Seq(_) => None,
    }
}

/// Finds the sections that changes touched; remembers each object's place.
#[derive(Debug, Default)]
pub struct SectionIndex {
    keys: TopLevelIndex,
}

impl SectionIndex {
    /// The sections that `change` (a change of `doc`) touched.
    pub fn sections(&mut self, doc: &Automerge, change: &Change) -> BTreeSet<Section> {
        if change.deps().is_empty() {
            // The document's first change makes the empty plan: every part
            // with its defaults. It changes no part's content yet.
            return BTreeSet::new();
        }
        self.keys.touched(doc, change).iter().map(|key| Section::of_key(key)).collect()
    }
}

/// What kind of item was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A goal (with its sub-goals and status history).
    Goal,
    /// A sub-goal of a goal that is still in the plan.
    SubGoal {
        /// The goal it belongs to.
        goal_id: String,
    },
    /// An intervention or measure.
    Intervention,
    /// A participant.
    Participant,
    /// A meeting.
    Meeting,
}

impl ItemKind {
    /// Its name in the app.
    pub fn label(&self) -> &'static str {
        match self {
            ItemKind::Goal => "Mål",
            ItemKind::SubGoal { .. } => "Delmål",
            ItemKind::Intervention => "Insats",
            ItemKind::Participant => "Deltagare",
            ItemKind::Meeting => "Möte",
        }
    }
}

/// An item that was in the plan then and is not now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedItem {
    /// What kind.
    pub kind: ItemKind,
    /// Its id (restored under the same id).
    pub id: String,
    /// How people recognise it (its text or name).
    pub label: String,
}

/// The items of `then` that `now` no longer has, in the plan's order.
pub fn removed_since(then: &Plan, now: &Plan) -> Vec<RemovedItem> {
    let mut removed = Vec::new();
    for (id, goal) in then.ordered_goals() {
        match now.goals.get(id) {
            None => removed.push(RemovedItem {
                kind: ItemKind::Goal,
                id: id.clone(),
                label: goal.text.as_str().trim().to_string(),
            }),
            Some(current) => {
                for (sub_id, sub_goal) in Plan::ordered(&goal.sub_goals, |s| s.position.as_str()) {
                    if !current.sub_goals.contains_key(sub_id) {
                        removed.push(RemovedItem {
                            kind: ItemKind::SubGoal { goal_id: id.clone() },
                            id: sub_id.clone(),
                            label: sub_goal.text.as_str().trim().to_string(),
                        });
                    }
                }
            }
        }
    }
    for (id, intervention) in then.ordered_interventions() {
        if !now.interventions.contains_key(id) {
            removed.push(RemovedItem {
                kind: ItemKind::Intervention,
                id: id.clone(),
                label: intervention.what.as_str().trim().to_string(),
            });
        }
    }
    for (id, participant) in then.ordered_participants() {
        if !now.participants.contains_key(id) {
            removed.push(RemovedItem {
                kind: ItemKind::Participant,
                id: id.clone(),
                label: participant.name.trim().to_string(),
            });
        }
    }
    for (id, meeting) in &then.meetings {
        if !now.meetings.contains_key(id) {
            removed.push(RemovedItem {
                kind: ItemKind::Meeting,
                id: id.clone(),
                label: meeting.date.clone().unwrap_or_default(),
            });
        }
    }
    removed
}

/// Put `item` back into the plan as it was at `heads` (the version
/// `removed_since` compared), under its old id: every value and text of
/// it is copied from that version into a new change.
pub fn restore(doc: &mut AutoCommit, heads: &[ChangeHash], item: &RemovedItem) -> Result<(), PlanError> {
    let (path, what): (Vec<&str>, &'static str) = match &item.kind {
        ItemKind::Goal => (vec!["goals"], "mål"),
        ItemKind::SubGoal { goal_id } => (vec!["goals", goal_id.as_str(), "sub_goals"], "delmål"),
        ItemKind::Intervention => (vec!["interventions"], "insats"),
        ItemKind::Participant => (vec!["participants"], "deltagare"),
        ItemKind::Meeting => (vec!["meetings"], "möte"),
    };
    let missing = || PlanError::NoSuchItem { what, id: item.id.clone() };
    // Where it was then.
    let mut then = ROOT;
    for key in &path {
        match doc.get_at(&then, *key, heads)? {
            Some((Value::Object(_), id)) => then = id,
            _ => return Err(missing()),
        }
    }
    let Some((Value::Object(ObjType::Map), source)) = doc.get_at(&then, item.id.as_str(), heads)? else {
        return Err(missing());
    };
    // Where it goes now: the collection must still be there (a sub-goal's goal).
    let Some(target) = object_at(doc, &path)? else {
        let goal = path.get(1).map(|g| g.to_string()).unwrap_or_default();
        return Err(PlanError::NoSuchItem { what: "mål", id: goal });
    };
    if doc.get(&target, item.id.as_str())?.is_some() {
        return Ok(());
    }
    let copy = doc.put_object(&target, item.id.as_str(), ObjType::Map)?;
    copy_map(doc, heads, &source, &copy)
}

/// Copy the map `source` as it was at `heads` into the empty map `target`.
fn copy_map(
    doc: &mut AutoCommit,
    heads: &[ChangeHash],
    source: &ObjId,
    target: &ObjId,
) -> Result<(), PlanError> {
    let entries: Vec<(String, Value<'static>, ObjId)> = doc
        .map_range_at(source, .., heads)
        .map(|item| (item.key.to_string(), item.value.into_owned(), item.id.clone()))
        .collect();
    for (key, value, id) in entries {
        match value {
            Value::Scalar(scalar) => doc.put(target, key.as_str(), scalar.into_owned())?,
            Value::Object(ObjType::Text) => {
                let text = doc.text_at(&id, heads)?;
                let new = doc.put_object(target, key.as_str(), ObjType::Text)?;
                doc.splice_text(&new, 0, 0, &text)?;
            }
            Value::Object(ObjType::Map | ObjType::Table) => {
                let new = doc.put_object(target, key.as_str(), ObjType::Map)?;
                copy_map(doc, heads, &id, &new)?;
            }
            Value::Object(ObjType::List) => {
                // The plan has no lists (items are maps keyed by id); an
                // unknown list is copied as its scalar items.
                let new = doc.put_object(target, key.as_str(), ObjType::List)?;
                let items: Vec<Value<'static>> =
                    doc.list_range_at(&id, .., heads).map(|item| item.value.into_owned()).collect();
                for (index, item) in items.into_iter().enumerate() {
                    if let Value::Scalar(scalar) = item {
                        doc.insert(&new, index, scalar.into_owned())?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::edit::{
        add_goal, add_intervention, add_sub_goal, remove_goal, remove_sub_goal, set_text_at,
    };
    use crate::plan::{new_plan_document, read_plan, Intervention, SubGoal, SubGoalText, TextPath};

    fn sections_of_last_change(doc: &mut AutoCommit) -> BTreeSet<Section> {
        let doc = doc.document();
        let change = doc.get_changes(&[]).into_iter().last().expect("a change");
        SectionIndex::default().sections(doc, change)
    }

    #[test]
    fn each_change_is_placed_in_the_sections_it_touched() {
        let mut doc = new_plan_document("").expect("plan");
        doc.commit();
        assert_eq!(
            sections_of_last_change(&mut doc),
            BTreeSet::new(),
            "making the empty plan changes no part"
        );
        let goal = add_goal(&mut doc, "Gå till brevlådan").expect("goal");
        doc.commit();
        assert_eq!(sections_of_last_change(&mut doc), BTreeSet::from([Section::Goals]));
        set_text_at(&mut doc, &TextPath::goal(&goal), "Gå till brevlådan själv").expect("edit");
        doc.commit();
        assert_eq!(sections_of_last_change(&mut doc), BTreeSet::from([Section::Goals]));
        add_intervention(&mut doc, Intervention::default()).expect("intervention");
        crate::plan::set_text(&mut doc, crate::plan::PlanText::Title, "Annas nya plan").expect("title");
        doc.commit();
        assert_eq!(
            sections_of_last_change(&mut doc),
            BTreeSet::from([Section::Plan, Section::Interventions])
        );
        let someone = crate::plan::edit::add_participant(&mut doc, crate::plan::Participant::default())
            .expect("participant");
        doc.commit();
        crate::plan::edit::set_coordinator(&mut doc, Some(&someone)).expect("coordinator");
        doc.commit();
        assert_eq!(sections_of_last_change(&mut doc), BTreeSet::from([Section::Participants]));
        // A change inside a goal that was removed later is still a goal's change.
        remove_goal(&mut doc, &goal).expect("remove");
        doc.commit();
        let automerge = doc.document();
        let mut index = SectionIndex::default();
        let all: BTreeSet<Section> =
            automerge.get_changes(&[]).into_iter().flat_map(|c| index.sections(automerge, c)).collect();
        assert!(all.contains(&Section::Goals) && all.contains(&Section::Plan));
    }

    #[test]
    fn a_removed_goal_and_sub_goal_come_back_as_they_were() {
        let mut doc = new_plan_document("Annas plan").expect("plan");
        let kept = add_goal(&mut doc, "Laga mat").expect("goal");
        let sub = add_sub_goal(&mut doc, &kept, SubGoal::default()).expect("sub-goal");
        set_text_at(
            &mut doc,
            &TextPath::sub_goal(&kept, &sub, SubGoalText::Text),
            "Koka pasta en gång i veckan",
        )
        .expect("text");
        let gone = add_goal(&mut doc, "Gå till brevlådan").expect("goal");
        let then = read_plan(&doc).expect("then");
        let heads = doc.get_heads();
        remove_goal(&mut doc, &gone).expect("remove goal");
        remove_sub_goal(&mut doc, &kept, &sub).expect("remove sub-goal");
        let now = read_plan(&doc).expect("now");
        let removed = removed_since(&then, &now);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(removed.iter().any(|r| r.kind == ItemKind::Goal && r.label == "Gå till brevlådan"));
        assert!(removed.iter().any(|r| r.label == "Koka pasta en gång i veckan"));
        for item in &removed {
            restore(&mut doc, &heads, item).expect("restore");
        }
        let restored = read_plan(&doc).expect("restored");
        assert_eq!(restored.goals, then.goals, "both back, under their old ids, with their text");
        assert!(removed_since(&then, &restored).is_empty());
    }

    #[test]
    fn a_sub_goal_cannot_come_back_without_its_goal() {
        let mut doc = new_plan_document("Annas plan").expect("plan");
        let goal = add_goal(&mut doc, "Laga mat").expect("goal");
        let sub = add_sub_goal(&mut doc, &goal, SubGoal::default()).expect("sub-goal");
        let heads = doc.get_heads();
        remove_goal(&mut doc, &goal).expect("remove");
        let item =
            RemovedItem { kind: ItemKind::SubGoal { goal_id: goal.clone() }, id: sub, label: String::new() };
        assert!(matches!(restore(&mut doc, &heads, &item), Err(PlanError::NoSuchItem { .. })));
        assert!(read_plan(&doc).expect("plan").goals.is_empty(), "nothing half-restored");
    }

    #[test]
    fn a_keystroke_in_a_goal_touches_only_the_goals() {
        let mut doc: AutoCommit = crate::plan::fixture::example_plan().expect("example");
        let goal = add_goal(&mut doc, "Laga mat").expect("goal");
        doc.commit();
        set_text_at(&mut doc, &TextPath::goal(&goal), "Laga mat själv").expect("edit");
        doc.commit();
        let automerge = doc.document();
        let change = automerge.get_changes(&[]).into_iter().last().expect("change");
        let touched = TopLevelIndex::default().touched(automerge, change);
        assert_eq!(touched, BTreeSet::from(["goals".to_string()]));
    }
}
