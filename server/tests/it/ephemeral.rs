//! Ephemeral messages (presence) reach the document's other peers once, and
//! are never stored.

use std::time::Duration;

use automerge::AutoCommit;
use serde_bytes::ByteBuf;
use server::storage::Store;
use shared::plan::new_plan_document;
use shared::{DocumentId, Message};

use crate::harness::*;

fn presence(id: DocumentId, count: u64) -> Message {
    Message::Ephemeral {
        document_id: id,
        sender_id: "anna".into(),
        target_id: "server".into(),
        count,
        session_id: "annas-flik".into(),
        data: ByteBuf::from(vec![0xa1, 0x61, 0x66, 0x01]),
    }
}

/// The ephemeral counts `client` receives within `wait`.
async fn received_counts(client: &mut Client, wait: Duration) -> Vec<u64> {
    let mut counts = Vec::new();
    while let Ok(Some(message)) = tokio::time::timeout(wait, next_message(&mut client.socket)).await {
        if let Message::Ephemeral { count, sender_id, .. } = message {
            assert_eq!(sender_id, "anna", "forwarded under the sender's own id");
            counts.push(count);
        }
    }
    counts
}

#[tokio::test]
async fn presence_reaches_the_other_peers_once_and_is_not_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna = Client::connect(&server, "anna", id, new_plan_document("Plan").expect("plan")).await;
    anna.until_synced().await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("bo to get the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    let store = Store::open(dir.path()).await.expect("store");
    let heads_before = store.load(&id).await.expect("load").doc.get_heads();

    for count in [1, 2, 2, 1, 3] {
        send(&mut anna.socket, &presence(id, count)).await;
    }
    assert_eq!(received_counts(&mut bo, Duration::from_millis(500)).await, [1, 2, 3]);
    assert!(
        received_counts(&mut anna, Duration::from_millis(200)).await.is_empty(),
        "not echoed to the sender"
    );
    assert_eq!(store.load(&id).await.expect("load").doc.get_heads(), heads_before, "nothing stored");
    server.stop().await;
}
