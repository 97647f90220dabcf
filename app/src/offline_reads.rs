//! Reads made without the network, told to the server when it is back.
//!
//! The server logs every time it gives a plan to someone (the access log);
//! a device that shows a plan from its own copy, offline, is a read the
//! server never saw. So the device notes when it showed the plan offline
//! (in localStorage, a list of times per plan) and sends the list
//! (`POST /api/plans/<id>/offline-reads`) once it is online again; the
//! server logs them as reads made offline. Kept until the server has said
//! yes: a failed send is tried again at the next connection.

use leptos::prelude::*;
use shared::api::OfflineReads;
use shared::DocumentId;

use crate::repo::Connection;
use crate::RepoHandle;

fn key(plan: &DocumentId) -> String {
    format!("samplan-lasningar-utan-nat-{plan}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn noted(plan: &DocumentId) -> Vec<i64> {
    storage()
        .and_then(|s| s.get_item(&key(plan)).ok().flatten())
        .map(|text| text.split(',').filter_map(|at| at.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// The times as stored: "1765030920000,1765030980000" (no JSON parser in
/// the wasm for this).
fn stored(reads: &[i64]) -> String {
    reads.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The plan `plan` is open on this page: if the device finds itself
/// offline before it was ever online here, the read is noted (online, the
/// server logs the read itself when it syncs the plan); whenever the
/// device is online, what is noted is sent.
pub fn follow(plan: DocumentId) {
    let repo = expect_context::<RepoHandle>();
    let connection = repo.get().connection;
    let decided = StoredValue::new(false);
    let sending = StoredValue::new(false);
    Effect::new(move |_| {
        let now = connection.get();
        if !decided.get_value() {
            match now {
                Connection::Connecting => {}
                Connection::Online => decided.set_value(true),
                Connection::Offline => {
                    decided.set_value(true);
                    note(&plan);
                }
            }
        }
        if now == Connection::Online && !sending.get_value() {
            send(plan, sending);
        }
    });
}

/// Note a read now.
fn note(plan: &DocumentId) {
    let mut reads = noted(plan);
    reads.push(crate::clock::now_millis());
    // The server takes at most this many in one report: keep the latest.
    let excess = reads.len().saturating_sub(OfflineReads::MAX);
    reads.drain(..excess);
    if let Some(s) = storage() {
        let _ = s.set_item(&key(plan), &stored(&reads));
    }
}

/// Send what is noted; forget what the server took.
fn send(plan: DocumentId, sending: StoredValue<bool>) {
    let reads = noted(&plan);
    if reads.is_empty() {
        return;
    }
    sending.set_value(true);
    leptos::task::spawn_local(async move {
        let path = format!("/api/plans/{plan}/offline-reads");
        if crate::api::post::<_, ()>(&path, &OfflineReads { reads: reads.clone() }).await.is_ok() {
            // Only what was sent: a read noted meanwhile stays.
            let left: Vec<i64> = noted(&plan).into_iter().filter(|at| !reads.contains(at)).collect();
            if let Some(s) = storage() {
                let _ = if left.is_empty() {
                    s.remove_item(&key(&plan))
                } else {
                    s.set_item(&key(&plan), &stored(&left))
                };
            }
        }
        sending.set_value(false);
    });
}
