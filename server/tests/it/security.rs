//! The holes an outside security review found on the seam between member
//! and person (issue 25): each is tried here, on the real server, and must
//! be held.

mod deleted_plan;
mod device_lists;
mod gone;
mod peer_ids;
mod removed_member;
mod sign_in;
mod stored_history;

use crate::access::*;
use crate::harness::*;

/// A reusable invitation link to plan `id` for `role`, made by the coordinator.
pub(crate) async fn reusable_link(server: &TestServer, id: shared::DocumentId, role: &str) -> String {
    let body = format!("{{\"role\":\"{role}\",\"label\":\"familjen\",\"days\":14,\"single_use\":false}}");
    let (status, answer) =
        http(server, "POST", &format!("/api/plans/{id}/invitations"), Some(&server.token), Some(&body)).await;
    assert_eq!(status, 201, "{answer}");
    json_field(&answer, "link")
}

/// The members of plan `id` as the coordinator sees them.
pub(crate) async fn members(server: &TestServer, id: shared::DocumentId) -> Vec<serde_json::Value> {
    let (status, body) =
        http(server, "GET", &format!("/api/plans/{id}/members"), Some(&server.token), None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).expect("json").as_array().expect("list").clone()
}

/// The coordinator removes member `principal` from plan `id`.
pub(crate) async fn remove(server: &TestServer, id: shared::DocumentId, principal: &str) {
    let path = format!("/api/plans/{id}/members/{principal}");
    let (status, body) = http(server, "DELETE", &path, Some(&server.token), None).await;
    assert_eq!(status, 204, "{body}");
}

/// Redeem `link` as the signed-in `token`: the status.
pub(crate) async fn redeem_signed_in(server: &TestServer, token: &str, link: &str) -> u16 {
    let body = format!("{{\"token\":\"{}\"}}", link.split('#').nth(1).expect("token in link"));
    http(server, "POST", "/api/invitations/redeem", Some(token), Some(&body)).await.0
}

/// Plan "Olles plan" made by the signed-in `token` (its coordinator).
pub(crate) async fn own_plan(server: &TestServer, token: &str, peer: &str) -> shared::DocumentId {
    let id = shared::DocumentId::random();
    let doc = shared::plan::new_plan_document("Olles plan").expect("plan");
    let mut client = Client::connect_as(server, token, peer, id, doc).await;
    client.until_synced().await;
    id
}
