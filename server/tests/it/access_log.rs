//! The access log (issue 28): every kind of read, refusal and sign-in is in
//! the log within 5 s with the right person and plan; nothing in it can be
//! altered or removed before its time; it outlives the plan; the person and
//! the coordinator see who looked; log reviewers filter, sample and export.

use std::time::Duration;

use automerge::AutoCommit;
use server::access::access_log::query::{self, Filter, Line};
use server::storage::sql;
use shared::plan::edit::set_text_at;
use shared::plan::{set_text, PlanText, TextPath};
use shared::DocumentId;

use crate::access::*;
use crate::harness::*;

/// How soon an entry must be in the database.
const WITHIN: Duration = Duration::from_secs(5);

/// The whole access log as it is on disk now.
pub(crate) async fn access_log(server: &TestServer) -> Vec<Line> {
    let pool = match database_for(&server.data_dir).await {
        Some(url) => server::storage::Pool::Postgres(sqlx::PgPool::connect(&url).await.expect("open")),
        None => {
            let path = server.data_dir.join(server::storage::DATABASE_FILE);
            let url = format!("sqlite://{}?mode=ro", path.display());
            server::storage::Pool::Sqlite(sqlx::SqlitePool::connect(&url).await.expect("open"))
        }
    };
    let lines = query::review(&pool, &Filter::default()).await.expect("read the log");
    pool.close().await;
    lines
}

/// The first entry `matches` selects, once it is there (within [`WITHIN`]).
pub(crate) async fn logged(server: &TestServer, what: &str, matches: impl Fn(&Line) -> bool) -> Line {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        if let Some(line) = access_log(server).await.into_iter().find(|l| matches(l)) {
            return line;
        }
        assert!(tokio::time::Instant::now() < deadline, "not in the access log within {WITHIN:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A plan about "Anna Berg", made by Testare (its coordinator) and synced.
async fn annas_plan(server: &TestServer) -> Plan {
    let mut plan = plan_made_by_testare(server).await;
    set_text_at(&mut plan.coordinator.doc, &TextPath::PersonName, "Anna Berg").expect("name");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    plan
}

fn is(line: &Line, action: &str, plan: DocumentId) -> bool {
    line.action == action && line.plan.as_deref() == Some(plan.to_string().as_str())
}

#[tokio::test]
async fn every_read_refusal_and_sign_in_is_logged_with_who_and_about_whom() {
    let server = TestServer::fresh().await;
    let mut plan = annas_plan(&server).await;
    let id = plan.id;

    // The coordinator's sync: who, organisation, role, plan, person, device.
    let sync = logged(&server, "the coordinator's sync", |l| is(l, "read.sync", id)).await;
    assert_eq!((sync.name.as_str(), sync.organisation.as_str()), ("Testare", "Testkommunen"));
    assert_eq!(sync.role, "coordinator");
    assert!(sync.principal.starts_with("user:") && sync.session_id.is_some() && !sync.offline);
    // Whom the plan is about is read from the plan (the first sync may come
    // before the name was typed; every later entry names her).
    for (path, action) in
        [("first-view", "read.first_view"), ("export.json", "read.export"), ("members", "read.members")]
    {
        let (status, body) =
            http(&server, "GET", &format!("/api/plans/{id}/{path}"), Some(&server.token), None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let line = logged(&server, action, |l| is(l, action, id)).await;
        assert_eq!(
            (line.name.as_str(), line.person.as_str(), line.role.as_str()),
            ("Testare", "Anna Berg", "coordinator")
        );
    }

    // A change, once per pause.
    plan.coordinator.edit_synced(PlanText::MainGoal, "Att bo kvar hemma").await;
    logged(&server, "the change", |l| is(l, "change", id) && l.name == "Testare").await;

    // A reader's device reads, then tries to change: refused and logged.
    let reader = device_member(&server, id, "reader").await;
    let mut device = Client::connect_as(&server, &reader, "läsplatta", id, AutoCommit::new()).await;
    device.until_text(PlanText::Title, "Annas plan").await;
    let read = logged(&server, "the reader's sync", |l| {
        is(l, "read.sync", id) && l.principal.starts_with("device:")
    })
    .await;
    assert_eq!((read.role.as_str(), read.person.as_str()), ("reader", "Anna Berg"));
    set_text(&mut device.doc, PlanText::MainGoal, "Nej").expect("edit");
    device.push().await;
    let heads = device.doc.get_heads();
    let _ = refusal(&mut device, &heads).await;
    let refused = logged(&server, "the refused change", |l| is(l, "refused.change", id)).await;
    assert_eq!(refused.principal, read.principal);

    // An outsider: a refused API call and a refused sync.
    let outsider = server.token_for("Utomstående").await;
    assert_eq!(http(&server, "GET", &format!("/api/plans/{id}/members"), Some(&outsider), None).await.0, 404);
    let api = logged(&server, "the refused API call", |l| is(l, "refused.api", id)).await;
    assert_eq!((api.name.as_str(), api.role.as_str()), ("Utomstående", ""));
    assert!(!can_read(&server, &outsider, id).await);
    logged(&server, "the refused sync", |l| is(l, "refused.sync", id) && l.name == "Utomstående").await;

    // A member refused by their role (a reader may not invite): logged too.
    let body = r#"{"role":"editor","label":"Någon","days":7,"single_use":true}"#;
    let (status, _) =
        http(&server, "POST", &format!("/api/plans/{id}/invitations"), Some(&reader), Some(body)).await;
    assert_eq!(status, 404, "refused as if the plan did not exist");
    let refused = logged(&server, "the reader's refused call", |l| {
        is(l, "refused.api", id) && l.detail.starts_with("POST ") && l.detail.ends_with("/invitations")
    })
    .await;
    assert_eq!(refused.role, "reader");

    // Reads made offline, reported later, marked as such.
    let at = server::access::now_millis() - 3_600_000;
    let body = format!("{{\"reads\":[{at}]}}");
    let (status, answer) =
        http(&server, "POST", &format!("/api/plans/{id}/offline-reads"), Some(&reader), Some(&body)).await;
    assert_eq!(status, 204, "{answer}");
    let offline = logged(&server, "the offline read", |l| is(l, "read.offline", id)).await;
    assert!(offline.offline && offline.at == at && offline.person == "Anna Berg");
    let too_old = format!("{{\"reads\":[{}]}}", at - 400 * 86_400_000);
    let path = format!("/api/plans/{id}/offline-reads");
    assert_eq!(http(&server, "POST", &path, Some(&reader), Some(&too_old)).await.0, 400);

    // Sign-ins, failed ones too.
    let store = crate::harness::open_store(&server.data_dir).await;
    let link = server::access::Access::new(&store).accounts.add_user("Kim", "Regionen").await.expect("user");
    store.close().await;
    let body = format!("{{\"token\":\"{}\"}}", link.reveal());
    assert_eq!(http(&server, "POST", "/api/sign-in", None, Some(&body)).await.0, 200);
    logged(&server, "the sign-in", |l| l.action == "signin" && l.name == "Kim").await;
    let junk = format!("{{\"token\":\"{}\"}}", "0".repeat(64));
    assert_eq!(http(&server, "POST", "/api/sign-in", None, Some(&junk)).await.0, 410);
    let failed = logged(&server, "the failed sign-in", |l| l.action == "signin.failed").await;
    assert!(failed.detail.contains("127.0.0.1"), "{failed:?}");
    logged(&server, "the device's sign-in by invitation", |l| is(l, "signin", id) && l.role == "reader")
        .await;
}

#[tokio::test]
async fn no_entry_can_be_altered_or_removed_before_its_time() {
    let server = TestServer::fresh().await;
    let plan = annas_plan(&server).await;
    logged(&server, "a read", |l| is(l, "read.sync", plan.id)).await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let pool = store.pool();
    let mut attacks = vec![
        "UPDATE access_log SET name = 'någon annan'",
        "UPDATE access_log SET at = 0",
        "DELETE FROM access_log",
        "DELETE FROM access_log_retention",
        "UPDATE access_log_retention SET keep_days = 0",
    ];
    if on_postgres() {
        // PostgreSQL has TRUNCATE, which no row trigger sees.
        attacks.extend(["TRUNCATE access_log", "TRUNCATE access_log_retention", "TRUNCATE audit_log"]);
    }
    for attack in attacks {
        assert!(sql::query(attack).execute(&pool).await.is_err(), "{attack} is refused");
    }
    // Only what is older than the retention goes.
    let years_ago = server::access::now_millis() - 6 * 365 * 86_400_000;
    sql::query(
        "INSERT INTO access_log (at, principal, name, organisation, role, plan, person, action, session_id, device, offline, detail)
         VALUES (?, 'user:1', 'Gammal', '', '', NULL, '', 'read.sync', NULL, '', FALSE, '')",
    )
    .bind(years_ago)
    .execute(&pool)
    .await
    .expect("insert an old entry");
    let before = access_log(&server).await.len();
    let purged = server::access::access_log::purge_expired(&store.database(), 1827).await.expect("purge");
    assert_eq!(purged, 1);
    let after = access_log(&server).await;
    assert_eq!(after.len(), before - 1);
    assert!(after.iter().all(|l| l.name != "Gammal"));
    assert!(
        server::access::access_log::purge_expired(&store.database(), 30).await.is_err(),
        "no retention under a year"
    );
    store.close().await;
}

#[tokio::test]
async fn the_log_outlives_the_plan() {
    let server = TestServer::fresh().await;
    let plan = annas_plan(&server).await;
    let path = format!("/api/plans/{}/members", plan.id);
    assert_eq!(http(&server, "GET", &path, Some(&server.token), None).await.0, 200);
    logged(&server, "the member list", |l| is(l, "read.members", plan.id)).await;
    let (status, _) =
        http(&server, "DELETE", &format!("/api/plans/{}", plan.id), Some(&server.token), None).await;
    assert_eq!(status, 204);
    let kept = logged(&server, "the read, after deletion", |l| is(l, "read.members", plan.id)).await;
    assert_eq!(kept.person, "Anna Berg");
}

#[tokio::test]
async fn the_person_and_the_coordinator_see_who_looked_and_nobody_else_does() {
    let server = TestServer::fresh().await;
    let plan = annas_plan(&server).await;
    let id = plan.id;
    let person = device_member(&server, id, "person").await;
    let editor = signed_in_editor(&server, "Eva", id).await;
    let mut evas = Client::connect_as(&server, &editor, "eva", id, AutoCommit::new()).await;
    evas.until_text(PlanText::Title, "Annas plan").await;
    logged(&server, "Eva's read", |l| is(l, "read.sync", id) && l.name == "Eva").await;
    let path = format!("/api/plans/{id}/access-log");
    for token in [&person, &server.token] {
        let (status, body) = http(&server, "GET", &path, Some(token), None).await;
        assert_eq!(status, 200, "{body}");
        let entries: Vec<shared::api::PlanAccessEntry> = serde_json::from_str(&body).expect("entries");
        let eva = entries.iter().find(|e| e.name == "Eva").expect("Eva is in the list");
        assert_eq!(
            (eva.action.as_str(), eva.organisation.as_str(), eva.change),
            ("läste planen", "Testkommunen", false)
        );
        assert!(entries.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
        assert!(!eva.own);
        let callers_own = if token == &server.token { "Testare" } else { "test person" };
        assert!(entries.iter().filter(|e| e.own).all(|e| e.name == callers_own), "{entries:?}");
    }
    assert_eq!(
        http(&server, "GET", &path, Some(&editor), None).await.0,
        403,
        "an editor does not see the log"
    );
    logged(&server, "the refusal", |l| is(l, "refused.api", id) && l.name == "Eva").await;
}

#[tokio::test]
async fn log_reviewers_filter_sample_and_export_and_nobody_else_reads_the_log() {
    let server = TestServer::fresh().await;
    let plan = annas_plan(&server).await;
    logged(&server, "a read", |l| is(l, "read.sync", plan.id)).await;
    let (status, _) = http(&server, "GET", "/api/access-log", Some(&server.token), None).await;
    assert_eq!(status, 403, "a coordinator is no log reviewer");
    logged(&server, "the refusal", |l| l.action == "refused.api" && l.detail.contains("/api/access-log"))
        .await;

    let reviewer = server.token_for("Granskare").await;
    let store = crate::harness::open_store(&server.data_dir).await;
    server::access::Access::new(&store).accounts.set_log_reviewer("Granskare", true).await.expect("grant");
    store.close().await;
    let path = format!("/api/access-log?plan={}&person=anna&organisation=testkommun", plan.id);
    let (status, body) = http(&server, "GET", &path, Some(&reviewer), None).await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<shared::api::AccessLogLine> = serde_json::from_str(&body).expect("lines");
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.plan.as_deref() == Some(plan.id.to_string().as_str())));
    let (_, body) = http(&server, "GET", "/api/access-log?account=Utomst", Some(&reviewer), None).await;
    assert_eq!(body, "[]", "nobody by that name");
    let (_, body) = http(&server, "GET", "/api/access-log?sample=1", Some(&reviewer), None).await;
    assert_eq!(serde_json::from_str::<Vec<shared::api::AccessLogLine>>(&body).expect("lines").len(), 1);
    let (_, body) =
        http(&server, "GET", "/api/access-log?from=2000-01-01&to=2000-12-31", Some(&reviewer), None).await;
    assert_eq!(body, "[]");
    let (status, csv) = http(&server, "GET", "/api/access-log?format=csv", Some(&reviewer), None).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("tid (UTC),vem,namn,organisation"), "{csv}");
    assert!(csv.contains("read.sync") && csv.contains("Anna Berg"), "{csv}");
    logged(&server, "the review itself", |l| l.action == "review" && l.name == "Granskare").await;

    // The same from the command line, logged too.
    let mut audit = std::process::Command::new(env!("CARGO_BIN_EXE_samplan-server"));
    if let Some(database) = database_for(&server.data_dir).await {
        audit.env("SAMPLAN_DATABASE", database);
    }
    let output = audit
        .args(["audit", "--csv", "--plan", &plan.id.to_string(), "--data-dir"])
        .arg(&server.data_dir)
        .output()
        .expect("run samplan-server audit");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.starts_with("tid (UTC),") && printed.contains("read.sync"), "{printed}");
    logged(&server, "the command line's review", |l| l.action == "review" && l.principal == "system:cli")
        .await;
}

#[tokio::test]
async fn a_session_that_keeps_typing_is_one_read_and_one_change_per_pause_not_one_per_keystroke() {
    let server = TestServer::fresh().await;
    let mut plan = annas_plan(&server).await;
    let id = plan.id;
    for n in 0..20 {
        plan.coordinator.edit_synced(PlanText::MainGoal, &format!("Mål {n}")).await;
    }
    // The same session again on a new connection (a reload) within the pause.
    let mut again = Client::connect(&server, "samordnare-igen", id, AutoCommit::new()).await;
    again.until_text(PlanText::MainGoal, "Mål 19").await;
    // A flush of the log: an entry made after all of the above is written.
    let (status, _) =
        http(&server, "GET", &format!("/api/plans/{id}/members"), Some(&server.token), None).await;
    assert_eq!(status, 200);
    logged(&server, "the member list", |l| is(l, "read.members", id)).await;
    let lines = access_log(&server).await;
    let count = |action: &str| lines.iter().filter(|l| is(l, action, id) && l.name == "Testare").count();
    assert_eq!(count("read.sync"), 1, "one read per session and pause: {lines:#?}");
    assert_eq!(count("change"), 1, "one change entry per session and pause");
}
