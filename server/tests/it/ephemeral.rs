//! Ephemeral messages (presence) reach the document's other peers once, and
//! are never stored.

use automerge::AutoCommit;
use serde_bytes::ByteBuf;
use shared::{DocumentId, Message};

use crate::harness::*;

pub(crate) fn presence(id: DocumentId, sender: &str, count: u64) -> Message {
    Message::Ephemeral {
        document_id: id,
        sender_id: sender.into(),
        target_id: "server".into(),
        count,
        session_id: format!("{sender}s-flik"),
        data: ByteBuf::from(vec![0xa1, 0x61, 0x66, 0x01]),
    }
}

/// The ephemeral messages (sender, count) that `client` receives, up to
/// and including `last` (the server forwards in order, so anything
/// forwarded before `last` has come by then).
pub(crate) async fn received_until(client: &mut Client, last: (&str, u64)) -> Vec<(String, u64)> {
    let mut received: Vec<(String, u64)> = Vec::new();
    while received.last().is_none_or(|(sender, count)| (sender.as_str(), *count) != last) {
        let message = next_message(&mut client.socket).await.expect("the socket stays open");
        if let Message::Ephemeral { count, sender_id, .. } = message {
            received.push((sender_id, count));
        }
    }
    received
}

#[tokio::test]
async fn presence_reaches_the_other_peers_once_and_is_not_stored() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.plan_by_anna("Plan").await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("bo to get the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let heads_before = store.load(&id).await.expect("load").doc.get_heads();

    for count in [1, 2, 2, 1, 3, 4] {
        send(&mut anna.socket, &presence(id, "anna", count)).await;
    }
    let from_anna: Vec<_> = [1, 2, 3, 4].map(|count| ("anna".to_string(), count)).into();
    assert_eq!(received_until(&mut bo, ("anna", 4)).await, from_anna, "once each, under anna's own id");
    // Bo answers after anna's last: an echo of anna's own would reach her first.
    send(&mut bo.socket, &presence(id, "bo", 1)).await;
    assert_eq!(
        received_until(&mut anna, ("bo", 1)).await,
        [("bo".to_string(), 1)],
        "not echoed to the sender"
    );
    assert_eq!(store.load(&id).await.expect("load").doc.get_heads(), heads_before, "nothing stored");
}
