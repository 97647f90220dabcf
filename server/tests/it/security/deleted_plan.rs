//! Deleting a plan ends its devices' sessions.

use super::*;
use crate::access::*;
use crate::harness::*;

#[tokio::test]
async fn deleting_a_plan_ends_its_device_sessions() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    let device = device_member(&server, plan.id, "reader").await;
    let eva = signed_in_editor(&server, "Eva", plan.id).await;
    let evas_plan = own_plan(&server, &eva, "eva-egen").await;
    // A device that redeemed a second invitation, to another plan, as itself.
    let other = own_plan(&server, &server.token, "samordnare-andra").await;
    let twice = device_member(&server, plan.id, "reader").await;
    let (status, body) = join_as(&server, &twice, other, "reader").await;
    assert_eq!(status, 200, "{body}");
    let mut open = raw_socket_as(&server, &device).await;
    send(&mut open, &join("enhet", None)).await;
    assert!(matches!(next_message(&mut open).await, Some(shared::Message::Peer { .. })));

    let (status, _) =
        http(&server, "DELETE", &format!("/api/plans/{}", plan.id), Some(&server.token), None).await;
    assert_eq!(status, 204);
    assert_closes(&mut open, "the device's open connection").await;
    assert_eq!(http(&server, "GET", "/api/me", Some(&device), None).await.0, 401, "its session has ended");
    assert!(
        tokio_tungstenite::connect_async(server.ws_url_as(&device)).await.is_err(),
        "it cannot connect again"
    );
    // Accounts keep their sessions for their other plans, not for the deleted one.
    assert_eq!(http(&server, "GET", "/api/me", Some(&eva), None).await.0, 200);
    assert!(!can_read(&server, &eva, plan.id).await, "the deleted plan is gone for Eva");
    let mut evas =
        Client::connect_as(&server, &eva, "eva-igen", evas_plan, automerge::AutoCommit::new()).await;
    evas.until_text(shared::plan::PlanText::Title, "Olles plan").await;
    // A device in another plan too keeps its session for that plan.
    assert_eq!(http(&server, "GET", "/api/me", Some(&twice), None).await.0, 200);
    let mut still =
        Client::connect_as(&server, &twice, "två-planer", other, automerge::AutoCommit::new()).await;
    still.until_text(shared::plan::PlanText::Title, "Olles plan").await;
}
