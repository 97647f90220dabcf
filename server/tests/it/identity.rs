//! Who is who: every member of a plan is one participant of it. The
//! coordinator who made the plan, and anyone who joins, is linked to a
//! participant id; an invitation made for a participant makes whoever
//! opens it that participant.

use automerge::AutoCommit;
use serde_bytes::ByteBuf;
use shared::api::{Invited, PlanAccess};
use shared::presence::Presence;
use shared::{DocumentId, Message};

use crate::access::{
    assert_push_refused, http, participant_in, plan_made_by_testare, signed_in_editor, stored_heads,
};
use crate::harness::*;

async fn access(server: &TestServer, token: &str, id: DocumentId) -> PlanAccess {
    let (status, body) = http(server, "GET", &format!("/api/plans/{id}/access"), Some(token), None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("PlanAccess")
}

async fn invite_for(server: &TestServer, id: DocumentId, participant: &str) -> (u16, String) {
    let body = format!(
        r#"{{"role":"editor","label":"Lars Holm","days":3,"single_use":true,"participant":"{participant}"}}"#
    );
    http(server, "POST", &format!("/api/plans/{id}/invitations"), Some(&server.token), Some(&body)).await
}

/// A fresh server with a plan of "Testare", its coordinator, synced.
async fn plan() -> (TestServer, DocumentId) {
    let server = TestServer::fresh().await;
    let (id, mut client) = server.new_plan("testare", "Annas plan").await;
    client.until_synced().await;
    (server, id)
}

/// The link of an invitation answered with 201.
fn link((status, body): (u16, String)) -> String {
    assert_eq!(status, 201, "{body}");
    serde_json::from_str::<Invited>(&body).expect("Invited").link
}

async fn redeem(server: &TestServer, token: &str, link: &str) -> u16 {
    let body = format!(r#"{{"token":"{}"}}"#, link.split('#').nth(1).expect("token in link"));
    http(server, "POST", "/api/invitations/redeem", Some(token), Some(&body)).await.0
}

#[tokio::test]
async fn the_coordinator_who_makes_a_plan_is_a_participant_of_it_and_stays_the_same_one() {
    let (server, id) = plan().await;
    let first = access(&server, &server.token, id).await;
    assert_eq!(first.participant.len(), 16, "a participant id in the app's form: {first:?}");
    assert!(first.participant.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(access(&server, &server.token, id).await.participant, first.participant, "and it stays");
}

#[tokio::test]
async fn an_invitation_for_a_participant_makes_whoever_opens_it_that_participant() {
    let (server, id) = plan().await;
    let invited = link(invite_for(&server, id, "c0ffee0000000001").await);
    let lars = server.token_for("Lars Holm").await;
    assert_eq!(redeem(&server, &lars, &invited).await, 200);
    let seen = access(&server, &lars, id).await;
    assert_eq!(seen.participant, "c0ffee0000000001");
    assert_eq!(seen.name, "Lars Holm");
    assert_ne!(access(&server, &server.token, id).await.participant, seen.participant, "not the coordinator");
}

#[tokio::test]
async fn a_member_who_joins_by_a_plain_invitation_gets_a_participant_of_their_own() {
    let (server, id) = plan().await;
    let body = Some(r#"{"role":"reader","label":"Erik"}"#);
    let invited =
        link(http(&server, "POST", &format!("/api/plans/{id}/invitations"), Some(&server.token), body).await);
    let erik = server.token_for("Erik").await;
    assert_eq!(redeem(&server, &erik, &invited).await, 200);
    let seen = access(&server, &erik, id).await;
    assert_eq!(seen.participant.len(), 16);
    assert_ne!(seen.participant, access(&server, &server.token, id).await.participant);
}

#[tokio::test]
async fn an_invitation_naming_a_participant_in_a_form_no_plan_uses_is_refused_in_words() {
    let (server, id) = plan().await;
    for participant in ["a b", "x\\u0000", &"a".repeat(65)] {
        let (status, body) = invite_for(&server, id, participant).await;
        assert_eq!(status, 400, "{participant}: {body}");
        assert!(body.contains("okänd deltagare"), "{body}");
    }
}

#[tokio::test]
async fn presence_shows_the_name_and_participant_the_server_knows_whatever_the_device_says() {
    let (server, id) = plan().await;
    let invited = link(invite_for(&server, id, "c0ffee0000000001").await);
    let lars_token = server.token_for("Lars Holm").await;
    assert_eq!(redeem(&server, &lars_token, &invited).await, 200);
    let mut coordinator = Client::connect(&server, "testare", id, AutoCommit::new()).await;
    coordinator.until("the coordinator to get the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    let mut lars = Client::connect_as(&server, &lars_token, "lars", id, AutoCommit::new()).await;
    lars.until("lars to get the plan", |c| !shared::plan::is_empty(&c.doc)).await;

    let forged = Presence {
        name: "Testare (samordnare)".into(),
        participant: access(&server, &server.token, id).await.participant,
        field: Some("field-title".into()),
        colour: 1,
    };
    let message = Message::Ephemeral {
        document_id: id,
        sender_id: peer_id(&server, &lars_token, "lars"),
        target_id: "server".into(),
        count: 1,
        session_id: "flik".into(),
        data: ByteBuf::from(forged.encode()),
    };
    send(&mut lars.socket, &message).await;
    let seen = loop {
        match next_message(&mut coordinator.socket).await.expect("the socket stays open") {
            Message::Ephemeral { data, .. } => break Presence::decode(&data).expect("presence"),
            _ => continue,
        }
    };
    assert_eq!(
        (seen.name.as_str(), seen.participant.as_str(), seen.field.as_deref()),
        ("Lars Holm", "c0ffee0000000001", Some("field-title")),
        "the name and participant the server knows, the field the device is in"
    );
}

/// A status report of the plan's first intervention, signed `(author, by)`.
fn report(doc: &mut AutoCommit, (author, by): (&str, &str)) {
    let plan = shared::plan::read_plan(&*doc).expect("plan");
    let intervention = plan.ordered_interventions()[0].0.clone();
    let report = shared::plan::InterventionReport {
        status: shared::plan::InterventionStatus::Done,
        comment: "Klart".into(),
        date: "2026-12-06".into(),
        by: by.into(),
        author: author.into(),
        recorded_at: 1,
    };
    shared::plan::edit::report_intervention(doc, &intervention, &report).expect("report");
}

#[tokio::test]
async fn a_status_report_in_someone_elses_name_is_refused_over_the_socket_and_ones_own_is_kept() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let coordinator = participant_in(&server, &server.token, plan.id, &mut plan.coordinator.doc).await;
    shared::plan::edit::add_intervention(&mut plan.coordinator.doc, Default::default())
        .expect("intervention");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    let lars = signed_in_editor(&server, "Lars Holm", plan.id).await;
    let mut client = Client::connect_as(&server, &lars, "lars", plan.id, AutoCommit::new()).await;
    client.until("the plan", |c| !shared::plan::is_empty(&c.doc)).await;
    let own = participant_in(&server, &lars, plan.id, &mut client.doc).await;
    client.push().await;
    client.until_synced().await;

    let before = stored_heads(&server, plan.id).await;
    let mut forged = client.doc.fork();
    report(&mut forged, (&coordinator.0, &coordinator.1));
    let mut forger = Client::connect_as(&server, &lars, "lars-2", plan.id, forged).await;
    assert_push_refused(&server, &mut forger, &before, "a report in the coordinator's name").await;

    report(&mut client.doc, (&own.0, &own.1));
    client.push().await;
    client.until_synced().await;
    let stored = crate::harness::open_store(&server.data_dir).await;
    let plan_now = shared::plan::read_plan(&stored.load(&plan.id).await.expect("load").doc).expect("plan");
    stored.close().await;
    let reports: Vec<_> =
        plan_now.interventions.values().flat_map(|i| i.reports.values()).map(|r| r.by.clone()).collect();
    assert_eq!(reports, ["Lars Holm"], "his own report, and only that, is stored");
}
