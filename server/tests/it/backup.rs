//! `Store::backup` (what `samplan-server backup` runs) copies a live database.

use automerge::AutoCommit;
use server::storage::{StorageError, Store, DATABASE_FILE};
use shared::plan::{new_plan_document, read_text, set_text, PlanText};
use shared::DocumentId;

use crate::harness::*;

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_acknowledged_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(dir.path()).await;
    let id = DocumentId::random();
    let mut anna =
        Client::connect(&server, "anna", id, new_plan_document("Säkerhetskopia").expect("plan")).await;
    set_text(&mut anna.doc, PlanText::MainGoal, "Finns i kopian").expect("edit");
    anna.push().await;
    anna.until_synced().await;

    let store = Store::open(dir.path()).await.expect("store");
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
    let mut bo = Client::connect(&server, "bo", id, AutoCommit::new()).await;
    bo.until("the plan from the backup", |c| {
        read_text(&c.doc, PlanText::MainGoal).is_ok_and(|t| t == "Finns i kopian")
    })
    .await;
    server.stop().await;
}
