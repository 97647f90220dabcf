//! A peer id belongs to a session; presence speaks only for its own peer.

use crate::access::*;
use crate::harness::*;

/// The server's answer to a join as `peer` with session `token`.
async fn join_answer(server: &TestServer, token: &str, peer: &str) -> (Socket, Option<shared::Message>) {
    let mut socket = raw_socket_as(server, token).await;
    send(&mut socket, &join(peer, None)).await;
    let answer = next_message(&mut socket).await;
    (socket, answer)
}

/// A join as `peer` with session `token` is refused with a Swedish reason, and the socket closed.
async fn assert_join_refused(server: &TestServer, token: &str, peer: &str) {
    let (mut socket, answer) = join_answer(server, token, peer).await;
    match answer {
        Some(shared::Message::Error { message, .. }) => {
            assert!(message.contains("används redan av en annan inloggning"), "{message}")
        }
        other => panic!("a join with another session's peer id is refused, got {other:?}"),
    }
    assert_closes(&mut socket, "the refused join").await;
}

#[tokio::test]
async fn a_peer_id_belongs_to_the_session_that_first_joined_with_it() {
    use shared::plan::PlanText;
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let reader = device_member(&server, plan.id, "reader").await;
    let eva = signed_in_editor(&server, "Eva", plan.id).await;

    // A reader joins with the coordinator's peer id ("samordnare"): refused.
    assert_join_refused(&server, &reader, "samordnare").await;
    // The coordinator keeps getting live edits.
    let mut editor = Client::connect_as(&server, &eva, "eva", plan.id, automerge::AutoCommit::new()).await;
    editor.until_synced().await;
    editor.edit_synced(PlanText::MainGoal, "Evas ändring").await;
    plan.coordinator.until_text(PlanText::MainGoal, "Evas ändring").await;
    // Its own session may join with it again (a reconnect, a second socket).
    let (_, answer) = join_answer(&server, &server.token, "samordnare").await;
    assert!(matches!(answer, Some(shared::Message::Peer { .. })), "{answer:?}");

    // The binding is stored: it holds after a restart.
    let coordinator = server.token.clone();
    let server = server.restart().await;
    assert_join_refused(&server, &reader, "samordnare").await;
    let (_, answer) = join_answer(&server, &coordinator, "samordnare").await;
    assert!(matches!(answer, Some(shared::Message::Peer { .. })), "{answer:?}");
}

#[tokio::test]
async fn a_reader_cannot_silence_or_impersonate_anothers_presence() {
    use crate::ephemeral::{presence, received_until};
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let reader = device_member(&server, plan.id, "reader").await;
    let eva = signed_in_editor(&server, "Eva", plan.id).await;
    let mut editor = Client::connect_as(&server, &eva, "eva", plan.id, automerge::AutoCommit::new()).await;
    editor.until_synced().await;
    let mut spy = Client::connect_as(&server, &reader, "läsare", plan.id, automerge::AutoCommit::new()).await;
    spy.until_synced().await;

    // The reader sends presence in the coordinator's name and tab, far
    // ahead: it reaches the others under the reader's own peer id.
    send(&mut spy.socket, &presence(plan.id, "samordnare", 1000)).await;
    let spy_id = peer_id(&server, &reader, "läsare");
    let heard = received_until(&mut editor, (&spy_id, 1000)).await;
    assert!(
        heard.iter().all(|(sender, _)| sender != "samordnare"),
        "not in the coordinator's name: {heard:?}"
    );
    // The coordinator's own presence (its tab, count 1) still reaches them.
    send(&mut plan.coordinator.socket, &presence(plan.id, "samordnare", 1)).await;
    let heard = received_until(&mut editor, ("samordnare", 1)).await;
    assert_eq!(heard, [("samordnare".to_string(), 1)], "not silenced");
}
