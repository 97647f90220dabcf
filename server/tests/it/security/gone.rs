//! Deleted means gone: a deleted plan's content is no longer in the
//! database file nor in its write-ahead log.

use shared::plan::PlanText;

use crate::access::*;
use crate::harness::*;

/// Whether `marker` is in the database file or its write-ahead log.
fn on_disk(server: &TestServer, marker: &str) -> bool {
    let database = server.data_dir.join(server::storage::DATABASE_FILE);
    ["", "-wal"].iter().any(|suffix| {
        let mut path = database.clone().into_os_string();
        path.push(suffix);
        std::fs::read(&path)
            .map(|bytes| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
            .unwrap_or(false)
    })
}

#[tokio::test]
async fn a_deleted_plan_is_gone_from_the_database_file_and_its_log() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let marker = format!("MARKOR{}", server::random_hex_id());
    plan.coordinator.edit_synced(PlanText::MainGoal, &marker).await;
    let label =
        format!("{{\"role\":\"reader\",\"label\":\"{marker}-etikett\",\"days\":14,\"single_use\":true}}");
    let path = format!("/api/plans/{}/invitations", plan.id);
    assert_eq!(http(&server, "POST", &path, Some(&server.token), Some(&label)).await.0, 201);
    assert!(on_disk(&server, &marker), "the marker is on disk before (else this test proves nothing)");

    let (status, _) =
        http(&server, "DELETE", &format!("/api/plans/{}", plan.id), Some(&server.token), None).await;
    assert_eq!(status, 204);
    assert!(!on_disk(&server, &marker), "the marker is gone from the file and the log");
    // The server still works, and the log still has the plan's entries.
    let other = plan_made_by_testare(&server).await;
    assert!(can_read(&server, &server.token, other.id).await);
}
