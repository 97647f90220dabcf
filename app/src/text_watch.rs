//! Waking the text fields a change touched, and only those.
//!
//! A large plan has hundreds of text fields on the screen. If each followed
//! the document's `version`, every keystroke would make every field read
//! its text from Automerge again (and re-subscribe), which cost a large
//! plan several milliseconds a keystroke. Instead each field watches its own
//! place in the document, and after a change the repo asks Automerge which
//! objects and keys the new operations touched
//! (`AutoCommit::touched_since_cursor`, a small addition to the vendored
//! automerge: vendor/automerge/PATCH.md) and wakes the fields at or below
//! those places: the field typed in, a field someone else typed in, every
//! field of an item that was restored or replaced. A change too large to
//! look at in detail (a first sync, a load) wakes every field.

use std::collections::{HashMap, HashSet};

use automerge::{AutoCommit, ObjId, Prop, ReadDoc};
use leptos::prelude::*;

/// More touched places than this in one change: wake every field rather
/// than find each place (a whole document arriving, say).
const MOST_TOUCHED: usize = 256;

/// Separates the parts of a place (a path in the document and a key); not
/// a character of any key or id in a plan.
const SEPARATOR: char = '\u{1f}';

/// The fields of one document that are on the screen, by their place.
#[derive(Default)]
pub struct TextWatch {
    fields: HashMap<String, Watched>,
}

struct Watched {
    trigger: ArcTrigger,
    /// How many views show this field (the same text can be shown twice).
    views: usize,
}

/// A field's place in the document: its path and key, joined.
pub fn place(path: &[String], key: &str) -> String {
    join(path.iter().map(String::as_str).chain([key]))
}

/// Parts of a place, each ended by [`SEPARATOR`] (so that `a` is no prefix of `ab`).
fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut place = String::new();
    for part in parts {
        place.push_str(part);
        place.push(SEPARATOR);
    }
    place
}

impl TextWatch {
    /// The trigger a view of the field at `place` tracks; call
    /// [`TextWatch::unwatch`] when the view goes.
    pub fn watch(&mut self, place: &str) -> ArcTrigger {
        let watched = self
            .fields
            .entry(place.to_string())
            .or_insert_with(|| Watched { trigger: ArcTrigger::new(), views: 0 });
        watched.views += 1;
        watched.trigger.clone()
    }

    pub fn unwatch(&mut self, place: &str) {
        if let Some(watched) = self.fields.get_mut(place) {
            watched.views = watched.views.saturating_sub(1);
            if watched.views == 0 {
                self.fields.remove(place);
            }
        }
    }

    /// The fields a change touched, given what it touched in `doc`
    /// (`AutoCommit::touched_since_cursor`); `None` means every field.
    pub fn touched(&self, doc: &AutoCommit, touched: Option<&[(ObjId, Option<String>)]>) -> Vec<ArcTrigger> {
        self.touched_places(doc, touched)
            .into_iter()
            .filter_map(|place| self.fields.get(place))
            .map(|w| w.trigger.clone())
            .collect()
    }

    fn touched_places(&self, doc: &AutoCommit, touched: Option<&[(ObjId, Option<String>)]>) -> Vec<&str> {
        let places = self.fields.keys().map(String::as_str);
        let Some(touched) = touched.filter(|t| t.len() <= MOST_TOUCHED) else {
            return places.collect();
        };
        let changed: HashSet<String> =
            touched.iter().filter_map(|(obj, key)| changed_place(doc, obj, key.as_deref())).collect();
        places.filter(|place| changed.iter().any(|c| place.starts_with(c.as_str()))).collect()
    }
}

/// The place of `key` in the object `obj` (or of the object itself): every
/// field at or below it may show something else now. `None` for an object
/// no longer in the document (its removal touched its parent).
fn changed_place(doc: &AutoCommit, obj: &ObjId, key: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    for parent in doc.parents(obj).ok()? {
        if !parent.visible {
            return None;
        }
        parts.push(match parent.prop {
            Prop::Map(key) => key,
            Prop::Seq(index) => index.to_string(),
        });
    }
    parts.reverse();
    Some(join(parts.iter().map(String::as_str).chain(key)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    fn goal_text(id: &str) -> String {
        place(&["goals".to_string(), id.to_string()], "text")
    }

    /// A document with two goals' texts, and the diff cursor set after them.
    fn two_goals() -> (AutoCommit, ObjId) {
        let mut doc = AutoCommit::new();
        let goals = doc.put_object(ROOT, "goals", ObjType::Map).expect("goals");
        for id in ["a", "b"] {
            let goal = doc.put_object(&goals, id, ObjType::Map).expect("goal");
            let text = doc.put_object(&goal, "text", ObjType::Text).expect("text");
            doc.splice_text(&text, 0, 0, "hej").expect("splice");
        }
        doc.update_diff_cursor();
        (doc, goals)
    }

    fn woken(watch: &TextWatch, doc: &mut AutoCommit) -> Vec<String> {
        let touched = doc.touched_since_cursor().expect("the cursor is set");
        let mut places: Vec<String> =
            watch.touched_places(doc, Some(&touched)).into_iter().map(str::to_string).collect();
        places.sort();
        places
    }

    #[wasm_bindgen_test]
    fn typing_wakes_only_the_field_typed_in() {
        let (mut doc, goals) = two_goals();
        let mut watch = TextWatch::default();
        for place in [goal_text("a"), goal_text("b"), place(&[], "title")] {
            watch.watch(&place);
        }
        let goal = doc.get(&goals, "a").expect("read").expect("goal a").1;
        let text = doc.get(&goal, "text").expect("read").expect("text").1;
        doc.splice_text(&text, 3, 0, "!").expect("splice");
        assert_eq!(woken(&watch, &mut doc), vec![goal_text("a")]);
        assert!(woken(&watch, &mut doc).is_empty(), "nothing new since");
    }

    #[wasm_bindgen_test]
    fn a_replaced_item_wakes_all_its_fields() {
        let (mut doc, goals) = two_goals();
        let mut watch = TextWatch::default();
        let measure = place(&["goals".to_string(), "a".to_string()], "measure");
        for place in [goal_text("a"), measure.clone(), goal_text("b")] {
            watch.watch(&place);
        }
        doc.put_object(&goals, "a", ObjType::Map).expect("replace");
        assert_eq!(woken(&watch, &mut doc), vec![measure, goal_text("a")]);
    }

    #[wasm_bindgen_test]
    fn a_change_from_another_device_wakes_its_field() {
        let (mut doc, goals) = two_goals();
        let mut other = doc.fork();
        let goal = other.get(&goals, "b").expect("read").expect("goal b").1;
        let text = other.get(&goal, "text").expect("read").expect("text").1;
        other.splice_text(&text, 0, 0, "Och ").expect("splice");
        let mut watch = TextWatch::default();
        for place in [goal_text("a"), goal_text("b")] {
            watch.watch(&place);
        }
        doc.merge(&mut other).expect("merge");
        assert_eq!(woken(&watch, &mut doc), vec![goal_text("b")]);
    }

    #[wasm_bindgen_test]
    fn a_prefix_of_an_id_is_not_the_item() {
        let (mut doc, goals) = two_goals();
        let mut watch = TextWatch::default();
        watch.watch(&goal_text("ab"));
        doc.delete(&goals, "a").expect("delete");
        assert!(woken(&watch, &mut doc).is_empty());
    }

    #[wasm_bindgen_test]
    fn too_much_wakes_everything_and_gone_views_nothing() {
        let doc = AutoCommit::new();
        let mut watch = TextWatch::default();
        watch.watch(&goal_text("a"));
        watch.watch(&goal_text("a"));
        watch.watch(&place(&[], "title"));
        assert_eq!(watch.touched(&doc, None).len(), 2);
        watch.unwatch(&goal_text("a"));
        assert_eq!(watch.touched(&doc, None).len(), 2, "another view still shows it");
        watch.unwatch(&goal_text("a"));
        assert_eq!(watch.touched(&doc, None).len(), 1);
    }
}
