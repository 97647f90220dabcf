//! Gallring: a closed plan goes when its time is up; `gallra --dry-run`
//! only lists; an open plan, or one closed lately, stays.

use automerge::ReadDoc;
use shared::plan::{Closing, ClosingReason};

use crate::access::*;
use crate::access_log::logged;
use crate::harness::*;

/// A plan by Testare, closed by its coordinator on `date`.
async fn closed_on(server: &TestServer, date: &str) -> Plan {
    let mut plan = plan_made_by_testare(server).await;
    let signer = participant_in(server, &server.token, plan.id, &mut plan.coordinator.doc).await;
    let closing = Closing {
        reason: ClosingReason::GoalsMet,
        date: date.to_string(),
        decided_with_person: true,
        by: signer.1.clone(),
        author: signer.0.clone(),
        comment: String::new(),
    };
    shared::plan::edit::close_plan(&mut plan.coordinator.doc, &closing).expect("close");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    assert!(plan.coordinator.doc.get(automerge::ROOT, "closing").expect("get").is_some());
    plan
}

fn gallra(server: &TestServer, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_samplan-server"))
        .arg("gallra")
        .args(args)
        .arg("--data-dir")
        .arg(&server.data_dir)
        .output()
        .expect("run samplan-server gallra");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn closed_plans_go_when_their_time_is_up_and_a_dry_run_only_lists_them() {
    let server = TestServer::fresh().await;
    let old = closed_on(&server, "2020-01-01").await;
    let recent = closed_on(&server, "2099-01-01").await;
    let open = plan_made_by_testare(&server).await;
    let path = format!("/api/plans/{}/members", old.id);
    assert_eq!(http(&server, "GET", &path, Some(&server.token), None).await.0, 200);
    logged(&server, "a read of the old plan", |l| l.action == "read.members").await;

    let listed = gallra(&server, &["--dry-run", "--after-days", "365"]);
    assert!(listed.contains(&old.id.to_string()) && listed.contains("2020-01-01"), "{listed}");
    assert!(!listed.contains(&recent.id.to_string()) && !listed.contains(&open.id.to_string()), "{listed}");
    assert!(can_read(&server, &server.token, old.id).await, "a dry run removes nothing");

    let done = gallra(&server, &["--after-days", "365"]);
    assert!(done.contains(&old.id.to_string()), "{done}");
    assert_eq!(http(&server, "GET", &path, Some(&server.token), None).await.0, 404, "the old plan is gone");
    for kept in [recent.id, open.id] {
        let path = format!("/api/plans/{kept}/members");
        assert_eq!(http(&server, "GET", &path, Some(&server.token), None).await.0, 200, "{kept} stays");
    }
    // The access log keeps the gone plan's entries; the audit log says why it went.
    logged(&server, "the read, after gallring", |l| l.action == "read.members").await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &old.id.to_string()).await.expect("log");
    store.close().await;
    assert!(log.iter().any(|(e, _)| e.action == "gallra" && e.principal == "system:gallring"), "{log:?}");
}
