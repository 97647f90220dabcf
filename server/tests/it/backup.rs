//! `Store::backup` (what `samplan-server backup` runs) copies a live database.

use server::storage::{StorageError, DATABASE_FILE};
use shared::plan::PlanText;

use crate::harness::*;

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_acknowledged_change() {
    let server = TestServer::fresh().await;
    let (id, mut anna) = server.new_plan("anna", "Säkerhetskopia").await;
    anna.edit_synced(PlanText::MainGoal, "Finns i kopian").await;

    let store = crate::harness::open_store(&server.data_dir).await;
    let copy_dir = tempfile::tempdir().expect("tempdir");
    let copy = copy_dir.path().join(DATABASE_FILE);
    store.backup(&copy).await.expect("backup while the server runs");
    assert!(
        matches!(store.backup(&copy).await, Err(StorageError::BackupTargetExists(_))),
        "never overwrites"
    );
    server.stop().await;

    // Restore = serve from a directory holding the copy.
    let server = TestServer::start(copy_dir.path()).await;
    server.peer_reading("bo", id, PlanText::MainGoal, "Finns i kopian").await;
}
