//! Immutable records: log entries stored as one CBOR value each.
//!
//! Consent decisions, status entries, intervention reports, revisions and
//! self-reports are facts that are added, never edited: a correction is a
//! new entry. Storing each as one bytes scalar instead of a map of fields
//! keeps a long history cheap to load and hydrate (one value per entry, not
//! one object with five fields), while concurrent additions still merge,
//! since every entry has its own key in a map.

use std::ops::Deref;

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An immutable entry of type `T`, stored as CBOR bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<T>(pub T);

impl<T> Deref for Record<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Record<T> {
    fn from(value: T) -> Self {
        Record(value)
    }
}

impl<T: Serialize> Reconcile for Record<T> {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut bytes = Vec::with_capacity(64);
        // Writing plain data into a Vec cannot fail.
        #[allow(clippy::expect_used)]
        ciborium::into_writer(&self.0, &mut bytes).expect("CBOR encoding into a Vec");
        reconciler.bytes(bytes)
    }
}

impl<T: DeserializeOwned> Hydrate for Record<T> {
    fn hydrate_bytes(bytes: &[u8]) -> Result<Self, HydrateError> {
        ciborium::from_reader(bytes)
            .map(Record)
            .map_err(|e| HydrateError::unexpected("a record in CBOR", e.to_string()))
    }
}
