//! Documents flow between peers through the server and stay on disk.

use automerge::{AutoCommit, ReadDoc};
use server::storage::COMPACT_AFTER_CHUNKS;
use shared::plan::{new_plan_document, read_text, set_text, PlanText};
use shared::DocumentId;

use crate::harness::*;
use crate::metrics::{get, value};

#[tokio::test]
async fn an_edit_reaches_the_other_peer() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.plan_by_anna("Annas plan").await;
    let mut bo = server.peer_reading("bo", id, PlanText::Title, "Annas plan").await;

    set_text(&mut bo.doc, PlanText::MainGoal, "Gå ut varje dag").expect("edit");
    bo.push().await;
    anna.until_text(PlanText::MainGoal, "Gå ut varje dag").await;
}

#[tokio::test]
async fn an_unknown_document_is_unavailable_not_a_hang() {
    let server = TestServer::fresh().await;
    let mut bo = Client::connect(&server, "bo", DocumentId::random(), AutoCommit::new()).await;
    bo.until("doc-unavailable", |c| c.unavailable).await;
}

#[tokio::test]
async fn a_document_unavailable_at_first_is_served_when_asked_again_after_it_was_made() {
    // Access is decided per request: a peer that asked too early is not kept
    // waiting on the document (it could be someone else's), it asks again.
    let server = TestServer::fresh().await;
    let id = DocumentId::random();
    let mut early = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    early.until("doc-unavailable", |c| c.unavailable).await;
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Sen").expect("plan")).await;
    anna.until_synced().await;
    server.peer_reading("bo", id, PlanText::Title, "Sen").await;
}

#[tokio::test]
async fn every_acknowledged_change_is_already_on_disk() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.new_plan("anna", "").await;
    let store = crate::harness::open_store(&server.data_dir).await;
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
}

fn autosurgeon_view(doc: &mut automerge::Automerge) -> AutoCommit {
    AutoCommit::load(&doc.save()).expect("load")
}

#[tokio::test]
async fn a_restarted_server_still_has_the_document() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.new_plan("anna", "Kvar").await;
    anna.edit_synced(PlanText::MainGoal, "Efter omstart").await;

    let server = server.restart().await;
    server.peer_reading("bo", id, PlanText::MainGoal, "Efter omstart").await;
}

#[tokio::test]
async fn many_chunks_are_compacted_and_still_load() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.new_plan("anna", "").await;
    let mut typed = String::new();
    for i in 0..COMPACT_AFTER_CHUNKS + 50 {
        typed.push(char::from(b'a' + (i % 26) as u8));
        set_text(&mut anna.doc, PlanText::MainGoal, &typed).expect("edit");
        anna.push().await;
        anna.until_synced().await;
    }
    // Compaction runs in the background: wait for it, then look at the file.
    let store = crate::harness::open_store(&server.data_dir).await;
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
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.plan_by_anna("Plan").await;
    // Bo connects, then reconnects under the same peer id while the old socket closes.
    let first = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    drop(first);
    bo.until_text(PlanText::Title, "Plan").await;
    // Once the old connection is gone (anna and bo remain), its late
    // `Leave` is in the document's mailbox, ahead of anna's edit below.
    eventually("the old connection to close", || async {
        value(&get(&server, "/metrics").await, "samplan_connections ") == 2.0
    })
    .await;

    set_text(&mut anna.doc, PlanText::MainGoal, "Efter återanslutning").expect("edit");
    anna.push().await;
    bo.until_text(PlanText::MainGoal, "Efter återanslutning").await;
}
