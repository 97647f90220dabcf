//! A member's devices are listed per plan.

use super::*;
use crate::access::*;
use crate::harness::*;

#[tokio::test]
async fn the_coordinator_sees_only_the_devices_that_used_this_plan() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    // Eva's laptop joins the plan; her tablet is used only for a plan of her own.
    let laptop = signed_in_editor(&server, "Eva", plan.id).await;
    assert!(can_read(&server, &laptop, plan.id).await);
    let tablet = server.token_for("Eva").await;
    own_plan(&server, &tablet, "evas-surfplatta").await;

    let eva = members(&server, plan.id).await.into_iter().find(|m| m["name"] == "Eva").expect("Eva");
    let devices = eva["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 1, "only the laptop: {eva}");
    assert_eq!(eva["active_sessions"], 1, "{eva}");
    // The laptop's session is the one listed: shutting it out ends its access.
    let session = devices[0]["session"].as_i64().expect("session");
    let path = format!("/api/plans/{}/devices/{session}", plan.id);
    assert_eq!(http(&server, "DELETE", &path, Some(&server.token), None).await.0, 204);
    assert!(!can_read(&server, &laptop, plan.id).await, "the listed device was the laptop");
}
