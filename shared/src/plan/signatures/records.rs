//! The records people sign by writing them: consent decisions, goal
//! status, status reports of interventions, revisions, deviation reports
//! and the closing. Each names its writer twice: `author`, the
//! participant's id, and a name ("Antecknat av", "Rapporterad av", "Vem")
//! that people read. Both must be the writer's own.
//!
//! Why here, beside approvals: the same rule, "nobody writes in someone
//! else's name", checked the same way (notes before and after a change,
//! only new records read). The records are found by where the plan keeps
//! them ([`Kind`]); reading only their op ids keeps a check cheap for a
//! plan with years of history.

use automerge::{ObjId, ObjType, Value, ROOT};
use autosurgeon::{hydrate_prop, ReadDoc};
use serde::Deserialize;

use super::map_at;
use crate::plan::Record;

/// The kinds of signed records, by where the plan keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// `consent/<id>`: CBOR, named by `recorded_by`.
    Consent,
    /// `goals/<g>/status/<id>` and `goals/<g>/sub_goals/<s>/status/<id>`: CBOR, `by`.
    GoalStatus,
    /// `interventions/<i>/reports/<id>`: CBOR, `by`.
    Report,
    /// `revisions/<id>`: CBOR, `by`.
    Revision,
    /// `deviations/<id>`: a map, `reporter`.
    Deviation,
    /// `closing`: a map, `by`.
    Closing,
}

/// Where one record is: its kind, the object holding it and its key there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Place {
    pub kind: Kind,
    pub parent: ObjId,
    pub key: String,
}

/// Who a record says wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Signed {
    /// The participant's id.
    pub author: String,
    /// The name written in it.
    pub name: String,
}

/// Every signed record of `doc`, with the op that wrote it (a new op means
/// a new or rewritten record).
pub(super) fn read(doc: &impl ReadDoc) -> Vec<(Place, ObjId)> {
    let mut found = Vec::new();
    let mut each = |kind: Kind, parent: &ObjId| {
        for entry in doc.map_range(parent, ..) {
            found
                .push((Place { kind, parent: parent.clone(), key: entry.key.to_string() }, entry.id.clone()));
        }
    };
    for (kind, key) in
        [(Kind::Consent, "consent"), (Kind::Revision, "revisions"), (Kind::Deviation, "deviations")]
    {
        if let Some(list) = map_at(doc, &ROOT, key) {
            each(kind, &list);
        }
    }
    for goal in children(doc, &ROOT, "goals") {
        if let Some(status) = map_at(doc, &goal, "status") {
            each(Kind::GoalStatus, &status);
        }
        for sub_goal in children(doc, &goal, "sub_goals") {
            if let Some(status) = map_at(doc, &sub_goal, "status") {
                each(Kind::GoalStatus, &status);
            }
        }
    }
    for intervention in children(doc, &ROOT, "interventions") {
        if let Some(reports) = map_at(doc, &intervention, "reports") {
            each(Kind::Report, &reports);
        }
    }
    if let Ok(Some((Value::Object(ObjType::Map), id))) = doc.get(&ROOT, "closing") {
        found.push((Place { kind: Kind::Closing, parent: ROOT, key: "closing".into() }, id));
    }
    found
}

/// The maps inside the map at `key` of `obj` (goals, interventions).
fn children(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Vec<ObjId> {
    let Some(list) = map_at(doc, obj, key) else { return Vec::new() };
    doc.map_range(&list, ..)
        .filter(|entry| matches!(entry.value, Value::Object(ObjType::Map)))
        .map(|entry| entry.id.clone())
        .collect()
}

/// Who the record at `place` says wrote it; `None` when it does not read
/// as a record of its kind.
pub(super) fn signed(doc: &impl ReadDoc, place: &Place) -> Option<Signed> {
    /// The fields of a CBOR record that name its writer, whichever kind.
    #[derive(Deserialize)]
    struct Fields {
        #[serde(default)]
        author: String,
        #[serde(default)]
        by: Option<String>,
        #[serde(default)]
        recorded_by: Option<String>,
    }
    let (parent, key) = (&place.parent, place.key.as_str());
    match place.kind {
        Kind::Consent | Kind::GoalStatus | Kind::Report | Kind::Revision => {
            let record: Record<Fields> = hydrate_prop(doc, parent, key).ok()?;
            let Fields { author, by, recorded_by } = record.0;
            let name = if place.kind == Kind::Consent { recorded_by } else { by };
            Some(Signed { author, name: name? })
        }
        Kind::Deviation | Kind::Closing => {
            let obj = map_at(doc, parent, key)?;
            let name_key = if place.kind == Kind::Deviation { "reporter" } else { "by" };
            let author: Option<String> = hydrate_prop(doc, &obj, "author").ok().flatten();
            let name: Option<String> = hydrate_prop(doc, &obj, name_key).ok().flatten();
            Some(Signed { author: author.unwrap_or_default(), name: name? })
        }
    }
}

/// The stored bytes of a CBOR record at `place` (also when what held it
/// is gone from the plan: its contents are still in the document).
pub(super) fn bytes(doc: &impl ReadDoc, place: &Place) -> Option<Vec<u8>> {
    match doc.get(&place.parent, place.key.as_str()).ok()?? {
        (Value::Scalar(scalar), _) => match scalar.as_ref() {
            automerge::ScalarValue::Bytes(bytes) => Some(bytes.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The name of participant `id` in `doc`, if they are one.
pub(super) fn participant_name(doc: &impl ReadDoc, id: &str) -> Option<String> {
    let participant = map_at(doc, &ROOT, "participants").and_then(|list| map_at(doc, &list, id))?;
    hydrate_prop::<_, Option<String>, _, _>(doc, &participant, "name").ok().flatten()
}

/// Whether the object a removed record was kept in is still in `doc`
/// (a record goes with the goal or intervention it belongs to).
pub(super) fn parent_kept(doc: &impl ReadDoc, place: &Place) -> bool {
    place.parent == ROOT
        || doc.parents(&place.parent).is_ok_and(|mut parents| parents.all(|parent| parent.visible))
}

#[cfg(test)]
mod tests;
