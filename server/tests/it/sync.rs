//! Documents flow between peers through the server and stay on disk.

use automerge::{AutoCommit, ReadDoc};
use server::storage::{Store, COMPACT_AFTER_CHUNKS};
use shared::plan::{new_plan_document, read_text, set_text, PlanText};
use shared::DocumentId;

use crate::harness::*;
use crate::metrics::{get, value};

#[tokio::test]
async fn an_edit_reaches_the_other_peer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Annas plan").expect("plan")).await;
    anna.until_synced().await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("bo to receive the plan", |c| {
        read_text(&c.doc, PlanText::Title).is_ok_and(|t| t == "Annas plan")
    })
    .await;

    set_text(&mut bo.doc, PlanText::MainGoal, "Gå ut varje dag").expect("edit");
    bo.push().await;
    anna.until("anna to see bo's goal", |c| {
        read_text(&c.doc, PlanText::MainGoal).is_ok_and(|t| t == "Gå ut varje dag")
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_document_is_unavailable_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let mut bo = Client::connect(&server, "bo", DocumentId::random(), AutoCommit::new()).await;
    bo.until("doc-unavailable", |c| c.unavailable).await;
    server.stop().await;
}

#[tokio::test]
async fn a_document_unavailable_at_first_is_served_when_asked_again_after_it_was_made() {
    // Access is decided per request: a peer that asked too early is not kept
    // waiting on the document (it could be someone else's), it asks again.
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut early = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    early.until("doc-unavailable", |c| c.unavailable).await;
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Sen").expect("plan")).await;
    anna.until_synced().await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("the plan to arrive", |c| read_text(&c.doc, PlanText::Title).is_ok_and(|t| t == "Sen")).await;
    server.stop().await;
}

#[tokio::test]
async fn every_acknowledged_change_is_already_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("").expect("plan")).await;
    let store = Store::open(dir.path()).await.expect("store");
    let mut typed = String::new();
    for c in "Jag vill laga mat själv".chars() {
        typed.push(c);
        set_text(&mut anna.doc, PlanText::MainGoal, &typed).expect("edit");
        anna.push().await;
        anna.until_synced().await;
        // The server said it has this change: it must be in the file now.
        let mut on_disk = store.load(&id).await.expect("load").doc;
        let heads = anna.doc.get_heads();
        for head in &heads {
            assert!(on_disk.get_change_by_hash(head).is_some(), "acknowledged change {head} is not on disk");
        }
        assert_eq!(read_text(&autosurgeon_view(&mut on_disk), PlanText::MainGoal).expect("read"), typed);
    }
    server.stop().await;
}

fn autosurgeon_view(doc: &mut automerge::Automerge) -> AutoCommit {
    AutoCommit::load(&doc.save()).expect("load")
}

#[tokio::test]
async fn a_restarted_server_still_has_the_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Kvar").expect("plan")).await;
    set_text(&mut anna.doc, PlanText::MainGoal, "Efter omstart").expect("edit");
    anna.push().await;
    anna.until_synced().await;
    server.stop().await;

    let server = TestServer::start(dir.path()).await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("the plan after restart", |c| {
        read_text(&c.doc, PlanText::MainGoal).is_ok_and(|t| t == "Efter omstart")
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn many_chunks_are_compacted_and_still_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("").expect("plan")).await;
    let mut typed = String::new();
    for i in 0..COMPACT_AFTER_CHUNKS + 50 {
        typed.push(char::from(b'a' + (i % 26) as u8));
        set_text(&mut anna.doc, PlanText::MainGoal, &typed).expect("edit");
        anna.push().await;
        anna.until_synced().await;
    }
    // Compaction runs in the background: wait for it, then look at the file.
    let store = Store::open(dir.path()).await.expect("store");
    eventually("the document to be compacted", || async {
        store.load(&id).await.expect("load").incremental_chunks < COMPACT_AFTER_CHUNKS
    })
    .await;
    let loaded = store.load(&id).await.expect("load");
    server.stop().await;
    assert!(
        loaded.incremental_chunks < COMPACT_AFTER_CHUNKS,
        "compacted: {} incremental chunks",
        loaded.incremental_chunks
    );
    let doc = AutoCommit::load(&loaded.doc.save()).expect("load");
    assert_eq!(read_text(&doc, PlanText::MainGoal).expect("read"), typed);
}

#[tokio::test]
async fn a_peer_that_reconnects_with_the_same_id_keeps_receiving_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Plan").expect("plan")).await;
    anna.until_synced().await;
    // Bo connects, then reconnects under the same peer id while the old socket closes.
    let first = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    drop(first);
    bo.until("bo to get the plan", |c| read_text(&c.doc, PlanText::Title).is_ok_and(|t| t == "Plan")).await;
    // Once the old connection is gone (anna and bo remain), its late
    // `Leave` is in the document's mailbox, ahead of anna's edit below.
    eventually("the old connection to close", || async {
        value(&get(&server, "/metrics").await, "samplan_connections ") == 2.0
    })
    .await;

    set_text(&mut anna.doc, PlanText::MainGoal, "Efter återanslutning").expect("edit");
    anna.push().await;
    bo.until("bo to see anna's edit", |c| {
        read_text(&c.doc, PlanText::MainGoal).is_ok_and(|t| t == "Efter återanslutning")
    })
    .await;
    server.stop().await;
}
