//! A document's current state without its history: what a device shows
//! while it loads the document itself.
//!
//! Loading a document makes Automerge rebuild and hash every change it
//! ever had: the large plan's 4,582 changes take it over 100 ms in the
//! browser, longer than opening a plan may take. The same state written as
//! one change loads several times faster. So the device keeps such a copy
//! beside each document, shows it first, and loads the real document right
//! after (`app/src/repo.rs`).
//!
//! Text objects (the plan's prose fields) are written as plain strings:
//! Automerge loads a text object as one operation per character and a
//! string as one, and the large plan's preview loads in about half the time
//! (15.4 against 8.7 ms natively, 2026-12-02). The plan's text type reads
//! both (`crate::plan::Text`).
//!
//! A preview is for reading only. Its objects have other ids than the
//! document's (they were made by another actor, in one change), so an edit
//! made in it could never be merged into the document: every edit waits
//! for the document.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, AutomergeError, ObjId, ObjType, ReadDoc, Value, ROOT};

/// The current state of `doc` as a new document of one change, its text
/// objects as plain strings. Where a field has conflicting values, the
/// copy has the one Automerge shows (the winner); the copy has no
/// conflicts and no history.
pub fn history_free_copy(doc: &impl ReadDoc) -> Result<AutoCommit, AutomergeError> {
    let mut copy = AutoCommit::new();
    copy_map(doc, &ROOT, &mut copy, &ROOT)?;
    copy.commit();
    Ok(copy)
}

/// [`history_free_copy`], saved: the bytes a device stores.
pub fn save_preview(doc: &impl ReadDoc) -> Result<Vec<u8>, AutomergeError> {
    Ok(history_free_copy(doc)?.save())
}

/// Copy the entries of the map `from` (in `doc`) into the map `to` (in `copy`).
fn copy_map(
    doc: &impl ReadDoc,
    from: &ObjId,
    copy: &mut AutoCommit,
    to: &ObjId,
) -> Result<(), AutomergeError> {
    for item in doc.map_range(from, ..) {
        match item.value {
            Value::Object(ObjType::Text) => copy.put(to, item.key, doc.text(&item.id)?)?,
            Value::Object(kind) => {
                let child = copy.put_object(to, item.key, kind)?;
                copy_object(doc, &item.id, kind, copy, &child)?;
            }
            Value::Scalar(value) => copy.put(to, item.key, value.into_owned())?,
        }
    }
    Ok(())
}

/// Copy the contents of the object `from` of type `kind` into `to`.
fn copy_object(
    doc: &impl ReadDoc,
    from: &ObjId,
    kind: ObjType,
    copy: &mut AutoCommit,
    to: &ObjId,
) -> Result<(), AutomergeError> {
    match kind {
        ObjType::Map | ObjType::Table => copy_map(doc, from, copy, to),
        ObjType::Text => {
            let text = doc.text(from)?;
            copy.splice_text(to, 0, 0, &text)
        }
        ObjType::List => {
            for (index, item) in doc.list_range(from, ..).enumerate() {
                match item.value {
                    Value::Object(ObjType::Text) => copy.insert(to, index, doc.text(&item.id)?)?,
                    Value::Object(kind) => {
                        let child = copy.insert_object(to, index, kind)?;
                        copy_object(doc, &item.id, kind, copy, &child)?;
                    }
                    Value::Scalar(value) => copy.insert(to, index, value.into_owned())?,
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture::large_plan;
    use crate::plan::read_plan;
    use automerge::ScalarValue;

    #[test]
    fn a_preview_reads_as_the_same_plan_in_one_change() {
        let mut doc = large_plan().expect("large plan");
        let preview = AutoCommit::load(&save_preview(&doc).expect("preview")).expect("load");
        assert_eq!(read_plan(&preview).expect("read"), read_plan(&doc).expect("read"));
        // Prose is a plain string in the preview, a text object in the document.
        let kind =
            |doc: &AutoCommit| doc.get(ROOT, "main_goal").expect("get").map(|(value, _)| value.is_str());
        assert_eq!((kind(&preview), kind(&doc)), (Some(true), Some(false)));
        assert!(doc.get_changes(&[]).len() > 1_000);
        let mut preview = preview;
        assert_eq!(preview.get_changes(&[]).len(), 1);
    }

    #[test]
    fn a_preview_has_the_winning_value_of_a_conflict_and_every_kind_of_value() {
        let mut a = AutoCommit::new();
        a.put(ROOT, "title", "A").expect("put");
        a.put(ROOT, "visits", ScalarValue::counter(3)).expect("put");
        let list = a.put_object(ROOT, "list", ObjType::List).expect("list");
        a.insert(&list, 0, 1_i64).expect("insert");
        let text = a.insert_object(&list, 1, ObjType::Text).expect("text");
        a.splice_text(&text, 0, 0, "hej då").expect("splice");
        let mut b = a.fork();
        a.put(ROOT, "title", "från a").expect("put");
        b.put(ROOT, "title", "från b").expect("put");
        a.merge(&mut b).expect("merge");
        let copy = history_free_copy(&a).expect("copy");
        assert_eq!(copy.get_all(ROOT, "title").expect("get").len(), 1);
        // The text object is a plain string in the copy; everything else as it was.
        let (_, copied_list) = copy.get(ROOT, "list").expect("get").expect("list");
        assert_eq!(
            copy.get(&copied_list, 1).expect("get").map(|(v, _)| v.to_str().map(str::to_string)),
            Some(Some("hej då".into()))
        );
        a.put(&list, 1, "hej då").expect("put");
        assert_eq!(copy.hydrate(ROOT, None), a.hydrate(ROOT, None));
    }
}
