//! The handshake and bad input: clear errors, closed sockets, a server that goes on.

use futures::SinkExt;
use serde_bytes::ByteBuf;
use server::Limits;
use shared::wire::PROTOCOL_VERSION;
use shared::{DocumentId, Message};
use tokio_tungstenite::tungstenite::Message as Frame;

use crate::harness::*;

/// Connect, send `join`, and return the socket and the server's answer.
async fn answer_to(server: &TestServer, join: Message) -> (Socket, Option<Message>) {
    let mut socket = raw_socket(server).await;
    send(&mut socket, &join).await;
    let answer = next_message(&mut socket).await;
    (socket, answer)
}

#[tokio::test]
async fn join_is_answered_with_peer_and_version_1() {
    let server = TestServer::fresh().await;
    match answer_to(&server, join("anna", Some(vec!["1".into()]))).await.1 {
        Some(Message::Peer { target_id, selected_protocol_version, peer_metadata, .. }) => {
            assert_eq!(target_id, "anna");
            assert_eq!(selected_protocol_version, PROTOCOL_VERSION);
            assert!(peer_metadata.and_then(|m| m.storage_id).is_some());
        }
        other => panic!("expected peer, got {other:?}"),
    }
    // A join without versions means version 1.
    joined_socket(&server, "bo").await;
}

#[tokio::test]
async fn an_unsupported_version_gets_an_error_and_a_closed_socket() {
    let server = TestServer::fresh().await;
    let (mut socket, answer) = answer_to(&server, join("anna", Some(vec!["2".into()]))).await;
    match answer {
        Some(Message::Error { message, .. }) => assert_eq!(message, "unsupported protocol version"),
        other => panic!("expected error, got {other:?}"),
    }
    assert_closes(&mut socket, "after an unsupported version").await;
}

#[tokio::test]
async fn malformed_and_oversized_frames_get_an_error_and_others_keep_working() {
    let server = TestServer::fresh_with(Limits { max_message_bytes: 64 * 1024, ..Limits::default() }).await;
    let id = DocumentId::random();
    let mut anna =
        Client::connect(&server, "anna", id, shared::plan::new_plan_document("Plan").expect("plan")).await;
    anna.until_synced().await;

    let bad_frames: Vec<Vec<u8>> = vec![
        vec![0xff, 0x00, 0x13],                         // not CBOR
        join("x", None).encode()[..5].to_vec(),         // truncated
        vec![0xa1, 0x64, b't', b'y', b'p', b'e', 0x01], // type is a number
        vec![0u8; 100 * 1024],                          // too large
    ];
    for frame in bad_frames {
        let mut socket = joined_socket(&server, "mallory").await;
        socket.send(Frame::Binary(frame.into())).await.expect("send");
        match next_message(&mut socket).await {
            Some(Message::Error { message, .. }) => assert!(!message.is_empty()),
            other => panic!("expected an error message, got {other:?}"),
        }
        assert_closes(&mut socket, "after the error").await;
    }

    // Far beyond the limit: the WebSocket layer closes the socket.
    let mut socket = joined_socket(&server, "mallory").await;
    let _ = socket.send(Frame::Binary(vec![0u8; 1024 * 1024].into())).await;
    let answer = next_message(&mut socket).await;
    assert!(matches!(answer, Some(Message::Error { .. }) | None), "an error or a closed socket: {answer:?}");

    // A sync message whose payload is not an Automerge sync message.
    let mut socket = joined_socket(&server, "mallory").await;
    let corrupt = Message::Sync {
        document_id: id,
        sender_id: "mallory".into(),
        target_id: "server".into(),
        data: ByteBuf::from(vec![0x42, 1, 2, 3]),
    };
    send(&mut socket, &corrupt).await;
    assert!(matches!(next_message(&mut socket).await, Some(Message::Error { .. })));

    // Anna's document is intact and she still syncs.
    shared::plan::set_text(&mut anna.doc, shared::plan::PlanText::MainGoal, "Fortfarande här").expect("edit");
    anna.push().await;
    anna.until_synced().await;
    let mut bo = Client::connect(&server, "bo", id, automerge::AutoCommit::new()).await;
    bo.until("bo to get the plan", |c| {
        shared::plan::read_text(&c.doc, shared::plan::PlanText::MainGoal)
            .is_ok_and(|t| t == "Fortfarande här")
    })
    .await;
}

#[tokio::test]
async fn frames_before_join_are_ignored() {
    let server = TestServer::fresh().await;
    let mut socket = raw_socket(&server).await;
    let request = |document_id| Message::Request {
        document_id,
        sender_id: "early".into(),
        target_id: "server".into(),
        data: ByteBuf::from(vec![0x42]),
    };
    let (before, after) = (DocumentId::random(), DocumentId::random());
    send(&mut socket, &request(before)).await;
    send(&mut socket, &join("early", None)).await;
    assert!(matches!(next_message(&mut socket).await, Some(Message::Peer { .. })));
    // The server answers in order: an answer to the request sent before
    // join would come before the answer to this one.
    send(&mut socket, &request(after)).await;
    match next_message(&mut socket).await {
        Some(Message::DocUnavailable { document_id, .. }) => {
            assert_eq!(document_id, after, "no answer to the request sent before join")
        }
        other => panic!("expected doc-unavailable for the request after join, got {other:?}"),
    }
}

/// The next text frame within [`PATIENCE`] (protocol messages are skipped).
async fn next_text(socket: &mut Socket) -> Option<String> {
    use futures::StreamExt;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Frame::Text(text)))) => return Some(text.to_string()),
            Ok(Some(Ok(Frame::Binary(_) | Frame::Ping(_) | Frame::Pong(_) | Frame::Frame(_)))) => continue,
            _ => return None,
        }
    }
}

#[tokio::test]
async fn a_heartbeat_is_answered_and_any_other_text_refused() {
    use shared::wire::{HEARTBEAT_PING, HEARTBEAT_PONG};
    let server = TestServer::fresh().await;
    let mut socket = joined_socket(&server, "anna").await;
    for _ in 0..3 {
        socket.send(Frame::Text(HEARTBEAT_PING.into())).await.expect("send");
        assert_eq!(next_text(&mut socket).await.as_deref(), Some(HEARTBEAT_PONG));
    }
    socket.send(Frame::Text("hello".into())).await.expect("send");
    match next_message(&mut socket).await {
        Some(Message::Error { message, .. }) => assert!(message.contains("Text"), "{message}"),
        other => panic!("expected an error message, got {other:?}"),
    }
    assert_closes(&mut socket, "after other text").await;
}
