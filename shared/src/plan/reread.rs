//! Reading again only the part of a plan that a change touched.
//!
//! Why: the editor shows a typed [`Plan`] that follows the document while
//! people type. Reading a large plan whole (40 goals, 120 interventions,
//! two years of follow-up) takes 15–40 ms in the browser, longer than a
//! keystroke may take; a keystroke changes one text. So the app keeps the
//! plan it last read and, when it knows which part a change touched (its
//! own typing: the field's path), reads that part again: one top-level
//! field, or one item of a collection. Anything it does not know how to
//! read in part is read whole; the result is always the plan that
//! [`read_plan`] would give (tested on random edits).

use automerge::ROOT;
use autosurgeon::{hydrate_prop, Hydrate, Prop, ReadDoc};
use std::collections::BTreeMap;

use super::{read_plan, Plan, PlanError};

/// `previous` (the plan as last read) brought up to date with the document,
/// given the path of every part changed since: a top-level field
/// (`["main_goal"]`), or anything inside a collection's item
/// (`["interventions", id, …]`). A path it does not know makes it read the
/// whole plan.
pub fn reread_plan(doc: &impl ReadDoc, previous: Plan, touched: &[Vec<String>]) -> Result<Plan, PlanError> {
    let mut plan = previous;
    for path in touched {
        if !reread_part(doc, &mut plan, path)? {
            return read_plan(doc);
        }
    }
    Ok(plan)
}

/// Reads the part of `plan` at `path` again; false when it cannot be read in part.
fn reread_part(doc: &impl ReadDoc, plan: &mut Plan, path: &[String]) -> Result<bool, PlanError> {
    let Some(field) = path.first() else { return Ok(false) };
    let item = path.get(1);
    match (field.as_str(), item) {
        ("title", _) => plan.title = hydrate_prop(doc, ROOT, "title")?,
        ("main_goal", _) => plan.main_goal = hydrate_prop(doc, ROOT, "main_goal")?,
        ("person", _) => plan.person = field_or_default(doc, "person")?,
        ("follow_up", _) => plan.follow_up = field_or_default(doc, "follow_up")?,
        ("consent", Some(id)) => reread_item(doc, &mut plan.consent, "consent", id)?,
        ("participants", Some(id)) => reread_item(doc, &mut plan.participants, "participants", id)?,
        ("goals", Some(id)) => reread_item(doc, &mut plan.goals, "goals", id)?,
        ("interventions", Some(id)) => reread_item(doc, &mut plan.interventions, "interventions", id)?,
        ("meetings", Some(id)) => reread_item(doc, &mut plan.meetings, "meetings", id)?,
        ("revisions", Some(id)) => reread_item(doc, &mut plan.revisions, "revisions", id)?,
        ("deviations", Some(id)) => reread_item(doc, &mut plan.deviations, "deviations", id)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// A top-level field that reads as its default when missing (as in [`Plan`]).
fn field_or_default<T: Hydrate + Default>(doc: &impl ReadDoc, key: &str) -> Result<T, PlanError> {
    let value: Option<T> = hydrate_prop(doc, ROOT, key)?;
    Ok(value.unwrap_or_default())
}

/// One item of a collection, read again; gone from the map when gone from the document.
fn reread_item<T: Hydrate>(
    doc: &impl ReadDoc,
    items: &mut BTreeMap<String, T>,
    collection: &str,
    id: &str,
) -> Result<(), PlanError> {
    // The same reading of an item as the whole plan's (collection::hydrate).
    let item = match doc.get(&ROOT, collection)? {
        Some((_, collection)) => match doc.get(&collection, id)? {
            Some(_) => Some(T::hydrate(doc, &collection, Prop::from(id))?),
            None => None,
        },
        None => None,
    };
    match item {
        Some(item) => {
            items.insert(id.to_string(), item);
        }
        None => {
            items.remove(id);
        }
    }
    Ok(())
}
