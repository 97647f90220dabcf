//! Limits: a peer that floods, one that never reads, too many connections
//! from one address, a plan that would grow too large, a client that
//! reconnects a thousand times. Each gets a clear answer and the server
//! goes on serving everyone else with nothing lost.

use automerge::AutoCommit;
use serde_bytes::ByteBuf;
use server::Limits;
use shared::plan::{read_text, set_text, PlanText};
use shared::{DocumentId, Message};

use crate::harness::*;
use crate::metrics::{get, value};

fn presence(id: DocumentId, sender: &str, count: u64, bytes: usize) -> Message {
    Message::Ephemeral {
        document_id: id,
        sender_id: sender.into(),
        target_id: "server".into(),
        count,
        session_id: format!("{sender}-flik"),
        data: ByteBuf::from(vec![0x40; bytes]),
    }
}

/// The plan is still there and a fresh peer can still edit it.
async fn still_serving(server: &TestServer, id: DocumentId, text: &str) {
    let mut check = Client::connect(server, "kontroll", id, AutoCommit::new()).await;
    check.until("the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    check.edit_synced(PlanText::MainGoal, text).await;
}

#[tokio::test]
async fn a_peer_that_floods_is_told_and_cut_off_and_others_go_on() {
    let limits = Limits { messages_per_second: 50, message_burst: 100, ..Limits::default() };
    let server = TestServer::fresh_with(limits).await;
    let (id, mut anna) = server.plan_by_anna("Plan").await;

    let mut flood = joined_socket(&server, "flod").await;
    for count in 1..=500 {
        if futures::SinkExt::send(
            &mut flood,
            tokio_tungstenite::tungstenite::Message::Binary(presence(id, "flod", count, 8).encode().into()),
        )
        .await
        .is_err()
        {
            break;
        }
    }
    assert_eq!(
        error_before_close(&mut flood).await.as_deref(),
        Some("För många meddelanden på kort tid. Anslut igen om en stund.")
    );

    anna.edit_synced(PlanText::MainGoal, "Anna skriver vidare").await;
    still_serving(&server, id, "Efter floden").await;
    assert_eq!(value(&get(&server, "/metrics").await, "samplan_rate_limited_total "), 1.0);
}

#[tokio::test]
async fn a_peer_that_never_reads_is_disconnected_without_stalling_the_plan() {
    let limits = Limits { messages_per_second: 100_000, message_burst: 100_000, ..Limits::default() };
    let server = TestServer::fresh_with(limits).await;
    let (id, mut anna) = server.plan_by_anna("Plan").await;
    // Sover joins the plan and then never reads another frame.
    let sleeper = Client::connect(&server, "sover", id, AutoCommit::new()).await;

    // Anna sends presence updates of 16 KB: they pile up for the sleeper.
    for count in 1..=4000 {
        send(&mut anna.socket, &presence(id, "anna", count, 16 * 1024)).await;
        if count % 500 == 0 {
            let metrics = get(&server, "/metrics").await;
            if value(&metrics, "samplan_slow_peers_disconnected_total ") >= 1.0 {
                break;
            }
        }
    }
    let metrics = get(&server, "/metrics").await;
    assert_eq!(value(&metrics, "samplan_slow_peers_disconnected_total "), 1.0, "the sleeper is cut off");

    // The plan was never held up: Anna's edit is stored and reaches a new peer.
    anna.edit_synced(PlanText::MainGoal, "Inte blockerad").await;
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until_text(PlanText::MainGoal, "Inte blockerad").await;
    drop(sleeper);
}

#[tokio::test]
async fn too_many_connections_from_one_address_get_429_and_a_freed_slot_is_reusable() {
    let limits = Limits { connections_per_address: 3, ..Limits::default() };
    let server = TestServer::fresh_with(limits).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(raw_socket(&server).await);
    }
    match tokio_tungstenite::connect_async(server.ws_url()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429);
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).to_string();
            assert!(body.contains("För många anslutningar"), "{body}");
        }
        Err(other) => panic!("expected HTTP 429, got {other}"),
        Ok(_) => panic!("a fourth connection from the same address was accepted"),
    }
    drop(open.pop());
    eventually("a closed connection frees its slot", || async {
        tokio_tungstenite::connect_async(server.ws_url()).await.is_ok()
    })
    .await;
}

#[tokio::test]
async fn a_change_that_makes_the_plan_too_large_is_refused_and_nothing_else_is_lost() {
    let limits = Limits { max_document_bytes: 40_000, ..Limits::default() };
    let server = TestServer::fresh_with(limits).await;
    let (id, mut anna) = server.new_plan("anna", "Plan").await;
    anna.edit_synced(PlanText::MainGoal, "Rimligt mål").await;

    // Mallory pastes 100 KB of text that does not compress.
    let mut mallory = Client::connect(&server, "mallory", id, AutoCommit::new()).await;
    mallory.until("the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    let mut seed: u32 = 7;
    let noise: String = (0..100_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            char::from(b'a' + (seed >> 16) as u8 % 26)
        })
        .collect();
    set_text(&mut mallory.doc, PlanText::Title, &noise).expect("edit");
    mallory.push().await;
    assert_eq!(
        error_before_close(&mut mallory.socket).await.as_deref(),
        Some("Planen blir för stor för servern. Ändringen sparades inte.")
    );

    // Anna keeps working; the stored plan has her text and not the paste.
    anna.edit_synced(PlanText::MainGoal, "Rimligt mål, fortsatt").await;
    let stored = crate::harness::open_store(&server.data_dir).await.load(&id).await.expect("load");
    let stored = AutoCommit::load(&stored.doc.save()).expect("load");
    assert_eq!(read_text(&stored, PlanText::Title).expect("title"), "Plan");
    assert_eq!(read_text(&stored, PlanText::MainGoal).expect("goal"), "Rimligt mål, fortsatt");
    assert_eq!(value(&get(&server, "/metrics").await, "samplan_document_limit_refusals_total "), 1.0);
}

#[tokio::test]
async fn a_client_that_reconnects_a_thousand_times_leaves_nothing_behind() {
    let server = TestServer::fresh().await;
    let (id, _anna) = server.plan_by_anna("Plan").await;
    for round in 0..1000 {
        let name = format!("studs-{round}");
        let mut socket = joined_socket(&server, &name).await;
        // Half of them leave politely, half just drop the socket.
        if round % 2 == 0 {
            send(&mut socket, &Message::Leave { sender_id: name }).await;
        }
    }
    still_serving(&server, id, "Efter tusen återanslutningar").await;
    // Every one of those sockets is closed again.
    let connections = || async { value(&get(&server, "/metrics").await, "samplan_connections ") };
    eventually("the sockets to close", || async { connections().await <= 1.0 }).await;
    assert_eq!(connections().await, 1.0, "only anna is still connected");
    assert!(value(&get(&server, "/metrics").await, "samplan_connections_total ") >= 1002.0);
}
