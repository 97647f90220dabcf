//! Deleted means gone: a deleted plan's content is no longer in the
//! database file nor in its write-ahead log, and the names its links gave
//! its devices go with it.

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

/// A link to plan `id` for a reader, labelled `label`.
async fn labelled_link(server: &TestServer, id: shared::DocumentId, label: &str) -> String {
    let body = format!("{{\"role\":\"reader\",\"label\":\"{label}\",\"days\":14,\"single_use\":true}}");
    let (status, answer) =
        http(server, "POST", &format!("/api/plans/{id}/invitations"), Some(&server.token), Some(&body)).await;
    assert_eq!(status, 201, "{answer}");
    json_field(&answer, "link")
}

async fn delete(server: &TestServer, id: shared::DocumentId) {
    let (status, _) = http(server, "DELETE", &format!("/api/plans/{id}"), Some(&server.token), None).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn a_deleted_plan_is_gone_from_the_database_file_and_its_log() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let marker = format!("MARKOR{}", server::random_hex_id());
    plan.coordinator.edit_synced(PlanText::MainGoal, &marker).await;
    labelled_link(&server, plan.id, &format!("{marker}-etikett")).await;
    assert!(on_disk(&server, &marker), "the marker is on disk before (else this test proves nothing)");

    delete(&server, plan.id).await;
    assert!(!on_disk(&server, &marker), "the marker is gone from the file and the log");
    // The server still works.
    let other = plan_made_by_testare(&server).await;
    assert!(can_read(&server, &server.token, other.id).await);
}

#[tokio::test]
async fn a_deleted_plans_devices_lose_the_names_their_links_gave_them() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    let link = labelled_link(&server, plan.id, "Mormor Karin").await;
    assert_eq!(redeem_as_device(&server, &link).await.0, 200);
    let labels = || async {
        let store = crate::harness::open_store(&server.data_dir).await;
        let rows = server::storage::sql::query("SELECT label FROM devices")
            .fetch_all(&store.pool())
            .await
            .expect("devices");
        store.close().await;
        rows.iter().map(|row| row.try_get::<String, _>("label").expect("label")).collect::<Vec<_>>()
    };
    assert!(labels().await.iter().any(|l| l == "Mormor Karin"));
    delete(&server, plan.id).await;
    assert!(labels().await.iter().all(|l| l != "Mormor Karin"), "the label is gone");
}
