//! Which places of a document a change touched, so that the app wakes the
//! text fields there and only those.
//!
//! A large plan has hundreds of text fields on the screen. If each followed
//! the document's version, every keystroke would make every field read
//! its text from Automerge again. Instead each field watches its own
//! [`place`], and after a change Automerge says which objects and keys the
//! new operations touched (`AutoCommit::touched_since_cursor`, a small
//! addition to the vendored automerge: vendor/automerge/PATCH.md); the
//! fields at or below those places are woken: the field typed in, a field
//! someone else typed in, every field of an item that was restored or
//! replaced. A change too large to look at in detail (a first sync, a
//! load) wakes every field.

use automerge::{AutoCommit, ObjId, Prop, ReadDoc};

use super::Touched;

/// More touched places than this in one change: wake every field rather
/// than find each place (a whole document arriving, say).
const MOST_TOUCHED: usize = 256;

/// Separates the parts of a place (a path in the document and a key); not
/// a character of any key or id in a plan.
const SEPARATOR: char = '\u{1f}';

/// A field's place in the document: its path and key, joined. A field is
/// touched when its place starts with a place in [`Touched::Places`].
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

impl Touched {
    /// Whether a field at `place` is touched.
    pub fn includes(&self, place: &str) -> bool {
        match self {
            Touched::All => true,
            Touched::Places(changed) => changed.iter().any(|c| place.starts_with(c.as_str())),
        }
    }
}

/// What the changes since the diff cursor touched in `doc` (and the cursor
/// moves past them); everything when the cursor is off.
pub(super) fn touched(doc: &mut AutoCommit) -> Touched {
    let changes = doc.touched_since_cursor();
    places(doc, changes.as_deref())
}

/// The places `touched` (`AutoCommit::touched_since_cursor`) names.
fn places(doc: &AutoCommit, touched: Option<&[(ObjId, Option<String>)]>) -> Touched {
    match touched.filter(|t| t.len() <= MOST_TOUCHED) {
        None => Touched::All,
        Some(touched) => Touched::Places(
            touched.iter().filter_map(|(obj, key)| changed_place(doc, obj, key.as_deref())).collect(),
        ),
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
