//! Removing a member revokes the invitations they came in by.

use super::*;
use crate::access::*;
use crate::harness::*;

#[tokio::test]
async fn a_removed_member_is_not_back_by_a_reused_link() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;

    // A relative comes in on a device by a reusable link, and is removed.
    let family = reusable_link(&server, plan.id, "reader").await;
    let (status, device) = redeem_as_device(&server, &family).await;
    assert_eq!(status, 200);
    let device = device.expect("a device session");
    let principal =
        members(&server, plan.id).await.iter().find(|m| m["role"] == "reader").expect("the relative")
            ["principal"]
            .as_str()
            .expect("principal")
            .to_string();
    remove(&server, plan.id, &principal).await;
    assert_eq!(redeem_as_device(&server, &family).await.0, 410, "the link is refused on a new device");
    assert_eq!(redeem_signed_in(&server, &device, &family).await, 410, "and with the old session");
    assert!(
        members(&server, plan.id).await.iter().all(|m| m["role"] != "reader"),
        "no member was made by the reused link"
    );

    // A signed-in professional who joined by a reusable link, removed, is not back either.
    let staff = reusable_link(&server, plan.id, "editor").await;
    let eva = server.token_for("Eva").await;
    assert_eq!(redeem_signed_in(&server, &eva, &staff).await, 200);
    assert!(can_read(&server, &eva, plan.id).await);
    let eva_principal = members(&server, plan.id).await.iter().find(|m| m["name"] == "Eva").expect("Eva")
        ["principal"]
        .as_str()
        .expect("principal")
        .to_string();
    remove(&server, plan.id, &eva_principal).await;
    assert_eq!(redeem_signed_in(&server, &eva, &staff).await, 410, "Eva's reused link is refused");
    assert!(!can_read(&server, &eva, plan.id).await, "Eva is out");

    // The coordinator sees both links revoked, and can invite Eva anew.
    let (_, listed) =
        http(&server, "GET", &format!("/api/plans/{}/invitations", plan.id), Some(&server.token), None).await;
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("json");
    assert!(listed.as_array().expect("list").iter().all(|i| i["usable"] == false), "{listed}");
    let again = reusable_link(&server, plan.id, "editor").await;
    assert_eq!(redeem_signed_in(&server, &eva, &again).await, 200, "a new invitation works");
}
