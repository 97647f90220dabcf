//! A prose field of the plan (a goal in the person's words, what an
//! intervention is, how the follow-up goes): an Automerge text object, so
//! that two people typing in the same field both keep their words.
//!
//! Why a type of our own and not `autosurgeon::Text` itself: a device's
//! preview of a plan ([`crate::preview`]) holds these fields as plain
//! strings, because Automerge loads a plain string as one operation and a
//! text object as one operation per character (the large plan's preview
//! loads in about half the time). `autosurgeon::Text` reads only text
//! objects; this reads both and, like it, writes a text object.
//!
//! A text read from a plain string is new to Automerge ("fresh"): written
//! back, it would be inserted before what the field holds. Nothing does
//! that: a preview is for reading only, edits are made in the document
//! itself, and a field's text is changed by splices at its path
//! ([`super::edit::set_text_at`]).

use std::ops::{Deref, DerefMut};

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler};

/// Automerge text in the plan; reads as a `str` (`as_str`), changes by
/// `splice` (both from `autosurgeon::Text`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(autosurgeon::Text);

impl Text {
    /// A new text holding `value`.
    pub fn with_value<S: AsRef<str>>(value: S) -> Text {
        Text(autosurgeon::Text::with_value(value))
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: AsRef<str>> From<S> for Text {
    fn from(value: S) -> Self {
        Text::with_value(value)
    }
}

impl Deref for Text {
    type Target = autosurgeon::Text;

    fn deref(&self) -> &autosurgeon::Text {
        &self.0
    }
}

impl DerefMut for Text {
    fn deref_mut(&mut self) -> &mut autosurgeon::Text {
        &mut self.0
    }
}

impl Hydrate for Text {
    fn hydrate_text<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        autosurgeon::Text::hydrate_text(doc, obj).map(Text)
    }

    /// A preview's field.
    fn hydrate_string(value: &str) -> Result<Self, HydrateError> {
        Ok(Text::with_value(value))
    }
}

impl Reconcile for Text {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.0.reconcile(reconciler)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT};
    use autosurgeon::{hydrate_prop, reconcile_prop};

    #[test]
    fn reads_a_text_object_and_a_plain_string_alike() {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "object", ObjType::Text).expect("text");
        doc.splice_text(&text, 0, 0, "Gå till affären").expect("splice");
        doc.put(ROOT, "plain", "Gå till affären").expect("put");
        let object: Text = hydrate_prop(&doc, ROOT, "object").expect("object");
        let plain: Text = hydrate_prop(&doc, ROOT, "plain").expect("plain");
        assert_eq!(object.as_str(), "Gå till affären");
        assert_eq!(object, plain);
    }

    #[test]
    fn is_written_as_a_text_object_and_edits_merge() {
        let mut doc = AutoCommit::new();
        reconcile_prop(&mut doc, ROOT, "goal", Text::with_value("Bo kvar")).expect("reconcile");
        assert!(matches!(
            doc.get(&ROOT, "goal").expect("get"),
            Some((automerge::Value::Object(ObjType::Text), _))
        ));
        let mut other = doc.fork();
        let mut mine: Text = hydrate_prop(&doc, ROOT, "goal").expect("mine");
        let end = mine.as_str().len();
        mine.splice(end, 0, " hemma");
        reconcile_prop(&mut doc, ROOT, "goal", &mine).expect("mine");
        let mut theirs: Text = hydrate_prop(&other, ROOT, "goal").expect("theirs");
        theirs.splice(0, 0, "Jag vill ");
        reconcile_prop(&mut other, ROOT, "goal", &theirs).expect("theirs");
        doc.merge(&mut other).expect("merge");
        let merged: Text = hydrate_prop(&doc, ROOT, "goal").expect("merged");
        assert_eq!(merged.as_str(), "Jag vill Bo kvar hemma");
    }
}
