//! Reading a collection (a map of items by id) out of the document.
//!
//! autosurgeon hydrates a `BTreeMap` with `FromIterator`, which collects and
//! sorts: every element type gets its own copy of the standard library's
//! sort, a few kilobytes of wasm each, for keys that Automerge already
//! yields in order. This reader inserts the items one by one instead. Use it
//! on every `BTreeMap` field of the plan with
//! `#[autosurgeon(missing = "Default::default", hydrate = "collection::hydrate")]`.

use std::collections::BTreeMap;

use automerge::ObjId;
use autosurgeon::{hydrate_prop, Hydrate, HydrateError, Prop, ReadDoc};

/// A map collection read in key order.
struct InKeyOrder<T>(BTreeMap<String, T>);

impl<T: Hydrate> Hydrate for InKeyOrder<T> {
    fn hydrate_map<D: ReadDoc>(doc: &D, obj: &ObjId) -> Result<Self, HydrateError> {
        let mut items = BTreeMap::new();
        for item in doc.map_range(obj, ..) {
            let value = T::hydrate(doc, obj, item.key.into())?;
            items.insert(item.key.to_string(), value);
        }
        Ok(InKeyOrder(items))
    }
}

/// Hydrates the collection at `prop` of `obj`; errors as autosurgeon's own
/// `BTreeMap` reader does when the value there is not a map.
pub(crate) fn hydrate<D: ReadDoc, T: Hydrate>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'_>,
) -> Result<BTreeMap<String, T>, HydrateError> {
    hydrate_prop::<_, InKeyOrder<T>, _, _>(doc, obj, prop).map(|items| items.0)
}
