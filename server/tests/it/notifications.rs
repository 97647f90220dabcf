//! Notifications by e-mail, against a real SMTP server: `scripts/smtp-sink.py`
//! (Python's aiosmtpd, from PyPI; `scripts/setup.sh --tests` installs it)
//! writes what it accepts to a folder these tests read. Without aiosmtpd
//! the tests say so and pass, except under CI, where they fail.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use shared::self_reports::{add_self_report, SelfReport};
use shared::DocumentId;
use tokio::io::AsyncBufReadExt;

use crate::access::{device_member, http, link_reports, participant_in, plan_made_by_testare};
use crate::harness::*;

/// The coordinator's address in these tests.
const COORDINATOR_MAIL: &str = "samordnare@example.se";
/// What the person writes: it must never be in a mail.
const PRIVATE_NOTE: &str = "Kim mår bättre efter besöket hos Storgatans vårdcentral";

/// A running SMTP sink and the folder it writes to.
struct Mailbox {
    port: u16,
    dir: tempfile::TempDir,
    _process: tokio::process::Child,
}

impl Mailbox {
    /// A sink answering 451 to the first `fail_first` messages; `None`
    /// when aiosmtpd is missing here (and not under CI).
    async fn start(fail_first: u32) -> Option<Mailbox> {
        Mailbox::start_with(&["--fail-first", &fail_first.to_string()]).await
    }

    /// A sink started with `args` (`scripts/smtp-sink.py`'s options).
    async fn start_with(args: &[&str]) -> Option<Mailbox> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp-sink.py");
        let has_aiosmtpd = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_aiosmtpd {
            assert!(std::env::var_os("CI").is_none(), "CI must have aiosmtpd (scripts/setup.sh --tests)");
            eprintln!("skipped: python3 aiosmtpd is not installed (scripts/setup.sh --tests installs it)");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut process = tokio::process::Command::new("python3")
            .arg(script)
            .arg("--dir")
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP sink");
        let stdout = process.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let line = tokio::time::timeout(PATIENCE, lines.next_line()).await.expect("the sink starts");
        let port = line.expect("read").expect("a port").trim().parse().expect("port");
        Some(Mailbox { port, dir, _process: process })
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read the mailbox")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json"))
            .collect()
    }

    /// Wait until `count` messages arrived, then a while longer to see
    /// that no more come; the messages.
    async fn exactly(&self, count: usize, quiet: Duration) -> Vec<serde_json::Value> {
        eventually(&format!("{count} messages in the mailbox"), || async { self.messages().len() >= count })
            .await;
        tokio::time::sleep(quiet).await;
        let messages = self.messages();
        assert_eq!(messages.len(), count, "{messages:#?}");
        messages
    }
}

/// A server that sends through `mailbox` (none: nothing configured).
async fn server_mailing_to(mailbox: Option<&Mailbox>, daily_every: Option<Duration>) -> TestServer {
    let url = mailbox.map(Mailbox::url);
    TestServer::fresh_configured(|config| {
        config.notifications.smtp_url = url;
        config.notifications.smtp_from = "Samplan <noreply@samplan.example>".into();
        config.notifications.retry_after = Duration::from_millis(300);
        if let Some(every) = daily_every {
            config.notifications.digest =
                server::notifications::DigestSchedule::Every { period: every, offset: Duration::ZERO };
        }
    })
    .await
}

/// Set `token`'s notification settings; the answer.
async fn settings(server: &TestServer, token: &str, email: &str, mode: &str) -> serde_json::Value {
    let body = format!("{{\"email\":\"{email}\",\"email_mode\":\"{mode}\",\"push\":true}}");
    let (status, answer) = http(server, "PUT", "/api/notifications", Some(token), Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    serde_json::from_str(&answer).expect("json")
}

/// A plan whose coordinator is Testare, with a self-report document and a
/// person's device; the person's session and the report document's id.
async fn plan_with_person(server: &TestServer) -> (DocumentId, String, DocumentId, Client) {
    let plan = plan_seen_with_coordinator(server).await;
    let reports = self_reports_document(server, plan.id).await;
    let person = device_member(server, plan.id, "person").await;
    // Told to the coordinator if they already have an address; the tests
    // give theirs after this, so that each counts only what it is about.
    until_seen(server, plan.id, "invitation_used:").await;
    (plan.id, person, reports, plan.coordinator)
}

/// A plan whose coordinator is Testare (a participant), once the notifier
/// has seen it (its events so far are not news).
async fn plan_seen_with_coordinator(server: &TestServer) -> crate::access::Plan {
    let mut plan = plan_made_by_testare(server).await;
    let token = server.token.clone();
    let (coordinator, _) = participant_in(server, &token, plan.id, &mut plan.coordinator.doc).await;
    shared::plan::edit::set_coordinator(&mut plan.coordinator.doc, Some(&coordinator)).expect("coordinator");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    let id = plan.id.to_string();
    eventually("the notifier to have seen the plan", || async {
        let store = open_store(&server.data_dir).await;
        let seen =
            server::storage::sql::query("SELECT 1 AS one FROM notification_plans WHERE document_id = ?")
                .bind(id.as_str())
                .fetch_optional(&store.pool())
                .await
                .expect("query")
                .is_some();
        store.close().await;
        seen
    })
    .await;
    plan
}

/// Wait until the notifier has seen an event of `plan` whose key starts with `prefix`.
async fn until_seen(server: &TestServer, plan: DocumentId, prefix: &str) {
    until_seen_count(server, plan, prefix, 1).await;
}

/// Wait until the notifier has seen `count` events of `plan` whose keys start with `prefix`.
async fn until_seen_count(server: &TestServer, plan: DocumentId, prefix: &str, count: i64) {
    let id = plan.to_string();
    let pattern = format!("{prefix}%");
    eventually(&format!("the notifier to have seen {count} of {prefix}"), || async {
        let store = open_store(&server.data_dir).await;
        let seen: i64 = server::storage::sql::query(
            "SELECT COUNT(*) AS n FROM notification_seen WHERE document_id = ? AND event_key LIKE ?",
        )
        .bind(id.as_str())
        .bind(pattern.as_str())
        .fetch_one(&store.pool())
        .await
        .expect("query")
        .try_get("n")
        .expect("n");
        store.close().await;
        seen >= count
    })
    .await;
}

/// The plan's self-report document, made and linked as the coordinator's app does.
async fn self_reports_document(server: &TestServer, plan: DocumentId) -> DocumentId {
    let id = DocumentId::random();
    let doc = shared::self_reports::new_self_reports_document(&plan.to_string()).expect("document");
    let mut coordinator = Client::connect(server, "samordnare-rapporter", id, doc).await;
    coordinator.until_synced().await;
    assert_eq!(link_reports(server, plan, id).await.0, 200);
    id
}

/// The person answers "Hur går det nu?" `times` times in one change.
async fn person_answers(server: &TestServer, person: &str, reports: DocumentId, times: usize) {
    let mut own = Client::connect_as(server, person, "personen", reports, automerge::AutoCommit::new()).await;
    own.until_synced().await;
    for _ in 0..times {
        let report = SelfReport {
            goal_id: "mål-1".into(),
            rating: 1,
            note: PRIVATE_NOTE.into(),
            date: "2027-03-01".into(),
            reported_at: 0,
            reported_by: "personen".into(),
        };
        add_self_report(&mut own.doc, &report).expect("report");
    }
    own.push().await;
    own.until_synced().await;
}

/// Nothing in a message names anyone or quotes the plan.
fn assert_no_personal_data(message: &serde_json::Value) {
    let raw = message["raw"].as_str().expect("raw");
    for private in [PRIVATE_NOTE, "Kim", "Annas plan", "Testare", "Storgatan"] {
        assert!(!raw.contains(private), "{private:?} in {raw}");
    }
}

#[tokio::test]
async fn the_persons_answer_gives_the_coordinator_one_notice_with_no_personal_data() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (plan, person, reports, _) = plan_with_person(&server).await;
    let answer = settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    assert_eq!(answer["email_available"], true);
    person_answers(&server, &person, reports, 1).await;

    let messages = mailbox.exactly(1, Duration::from_secs(1)).await;
    let message = &messages[0];
    assert_eq!(message["rcpt_tos"], serde_json::json!([COORDINATOR_MAIL]));
    assert_eq!(message["subject"], "Något i en plan i Samplan väntar på dig");
    let text = message["text"].as_str().expect("text");
    assert!(text.contains("Det finns ett nytt svar i en plan i Samplan."), "{text}");
    assert!(text.contains(&format!("http://{}/plan/{plan}", server.addr)), "the link: {text}");
    assert_no_personal_data(message);

    // The sending is in the plan's audit log.
    let store = open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &plan.to_string()).await.expect("log");
    store.close().await;
    let notices: Vec<&str> =
        log.iter().filter(|(e, _)| e.action == "notify").map(|(e, _)| e.detail.as_str()).collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("email till user:") && notices[0].contains("skickat"), "{notices:?}");
}

#[tokio::test]
async fn a_mail_server_that_says_try_again_later_gets_the_notice_once_on_the_retry() {
    let Some(mailbox) = Mailbox::start(1).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (plan, person, reports, _) = plan_with_person(&server).await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    person_answers(&server, &person, reports, 1).await;

    let messages = mailbox.exactly(1, Duration::from_secs(2)).await;
    assert_eq!(messages[0]["rcpt_tos"], serde_json::json!([COORDINATOR_MAIL]));
    let store = open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &plan.to_string()).await.expect("log");
    store.close().await;
    let notices: Vec<&str> =
        log.iter().filter(|(e, _)| e.action == "notify").map(|(e, _)| e.detail.as_str()).collect();
    assert_eq!(notices.len(), 2, "a failed try, then the sending: {notices:?}");
    assert!(notices[0].contains("försök 1 misslyckades") && notices[0].contains("451"), "{notices:?}");
    assert!(notices[1].contains("skickat") && notices[1].contains("försök 2"), "{notices:?}");
}

#[tokio::test]
async fn a_daily_summary_holds_each_event_once_and_none_sends_nothing() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    // "Daily" every 3 s here.
    let server = server_mailing_to(Some(&mailbox), Some(Duration::from_secs(3))).await;
    let (_, person, reports, _) = plan_with_person(&server).await;
    settings(&server, &server.token, COORDINATOR_MAIL, "daily").await;
    person_answers(&server, &person, reports, 2).await;

    let messages = mailbox.exactly(1, Duration::from_secs(4)).await;
    let message = &messages[0];
    assert_eq!(message["subject"], "Sammanfattning från Samplan");
    let text = message["text"].as_str().expect("text");
    assert_eq!(text.matches("Det finns ett nytt svar i en plan i Samplan.").count(), 2, "{text}");
    assert_no_personal_data(message);

    // With "none", the next answer is told nobody.
    settings(&server, &server.token, COORDINATOR_MAIL, "none").await;
    person_answers(&server, &person, reports, 1).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(mailbox.messages().len(), 1);
}

#[tokio::test]
async fn a_meeting_called_sends_its_calendar_file_to_the_other_participants() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (plan, _person, _reports, mut coordinator) = plan_with_person(&server).await;
    let nurse = crate::access::signed_in_editor(&server, "Olle", plan).await;
    participant_in(&server, &nurse, plan, &mut coordinator.doc).await;
    coordinator.push().await;
    coordinator.until_synced().await;
    until_seen_count(&server, plan, "invitation_used:", 2).await;
    settings(&server, &nurse, "olle@example.se", "immediate").await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    let meeting = shared::plan::Meeting {
        date: Some("2099-03-10".into()),
        time: "13.00".into(),
        place: "Storgatan 1".into(),
        ..Default::default()
    };
    shared::plan::edit::add_meeting(&mut coordinator.doc, &meeting).expect("meeting");
    coordinator.push().await;
    coordinator.until_synced().await;

    let messages = mailbox.exactly(1, Duration::from_secs(1)).await;
    let message = &messages[0];
    assert_eq!(
        message["rcpt_tos"],
        serde_json::json!(["olle@example.se"]),
        "not the coordinator who called it"
    );
    assert_no_personal_data(message);
    let attachments = message["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "{message:#}");
    assert_eq!(attachments[0]["content_type"], "text/calendar");
    let calendar = &attachments[0]["calendar"];
    assert_eq!(calendar["events"], 1, "the calendar file parses: {calendar}");
    assert_eq!(calendar["dtstart"], "2099-03-10T13:00:00+01:00", "{calendar}");
    assert_eq!(calendar["tzid"], "Europe/Stockholm");
}

#[tokio::test]
async fn with_no_mail_server_configured_nothing_is_sent_and_the_settings_say_so() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(None, None).await;
    let answer = settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    assert_eq!(answer["email_available"], false);
    assert_eq!(answer["email"], COORDINATOR_MAIL, "the choice is kept for when it is configured");
    let plan = plan_made_by_testare(&server).await;
    let reports = self_reports_document(&server, plan.id).await;
    let person = device_member(&server, plan.id, "person").await;
    person_answers(&server, &person, reports, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(mailbox.messages().is_empty());
    let store = open_store(&server.data_dir).await;
    let queued = server::storage::sql::query("SELECT COUNT(*) AS n FROM notification_outbox")
        .fetch_one(&store.pool())
        .await
        .expect("count")
        .try_get::<i64, _>("n")
        .expect("n");
    store.close().await;
    assert_eq!(queued, 0, "nothing is even queued");
}

#[tokio::test]
async fn an_address_that_is_not_one_is_refused_in_plain_swedish() {
    let server = server_mailing_to(None, None).await;
    let body = "{\"email\":\"inte en adress\",\"email_mode\":\"immediate\",\"push\":true}";
    let (status, answer) = http(&server, "PUT", "/api/notifications", Some(&server.token), Some(body)).await;
    assert_eq!(status, 400);
    assert!(answer.contains("E-postadressen ser inte rätt ut"), "{answer}");
}

#[tokio::test]
async fn a_kind_the_member_turned_off_is_not_told_and_the_others_still_are() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (plan, person, reports, _) = plan_with_person(&server).await;
    let body = format!(
        "{{\"email\":\"{COORDINATOR_MAIL}\",\"email_mode\":\"immediate\",\"push\":true,\"muted\":[\"person_answered\",\"person_answered\"]}}"
    );
    let (status, answer) = http(&server, "PUT", "/api/notifications", Some(&server.token), Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    let stored: serde_json::Value = serde_json::from_str(&answer).expect("json");
    assert_eq!(stored["muted"], serde_json::json!(["person_answered"]), "kept once");
    person_answers(&server, &person, reports, 1).await;
    // The notifier has read the answer (and chose to tell nobody).
    until_seen(&server, plan, "self_report:").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(mailbox.messages().len(), 0, "an answer is a kind the coordinator turned off");

    // Turned on again: the next answer is told.
    let answer = settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    assert_eq!(answer["muted"], serde_json::json!([]));
    person_answers(&server, &person, reports, 1).await;
    mailbox.exactly(1, Duration::from_secs(1)).await;

    // A kind that does not exist is refused in plain Swedish.
    let body = "{\"email\":\"\",\"email_mode\":\"immediate\",\"push\":true,\"muted\":[\"allt\"]}";
    let (status, answer) = http(&server, "PUT", "/api/notifications", Some(&server.token), Some(body)).await;
    assert_eq!(status, 400);
    assert!(answer.contains("Okänd sorts händelse: allt"), "{answer}");
}

/// A push service and device of `scripts/push-sink.py`: checks VAPID with
/// `cryptography` and decrypts with `http_ece`, writing what came to a folder.
struct PushEndpoint {
    subscription: String,
    dir: tempfile::TempDir,
    _process: tokio::process::Child,
}

impl PushEndpoint {
    async fn start() -> Option<PushEndpoint> {
        PushEndpoint::answering("").await
    }

    /// An endpoint answering the first requests with `answers`
    /// (`503,410`; `scripts/push-sink.py --answers`), then 201.
    async fn answering(answers: &str) -> Option<PushEndpoint> {
        let has_tools = std::process::Command::new("python3")
            .args(["-c", "import http_ece, cryptography"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_tools {
            assert!(std::env::var_os("CI").is_none(), "CI must have http_ece (scripts/setup.sh --tests)");
            eprintln!("skipped: python3 http_ece is not installed (scripts/setup.sh --tests installs it)");
            return None;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/push-sink.py");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut process = tokio::process::Command::new("python3")
            .arg(script)
            .arg("--dir")
            .arg(dir.path())
            .arg("--answers")
            .arg(answers)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the push endpoint");
        let stdout = process.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let line = tokio::time::timeout(PATIENCE, lines.next_line()).await.expect("it starts");
        let subscription = line.expect("read").expect("a subscription");
        Some(PushEndpoint { subscription, dir, _process: process })
    }

    fn received(&self) -> Vec<serde_json::Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json"))
            .collect()
    }
}

#[tokio::test]
async fn a_push_endpoint_inside_the_servers_network_is_refused() {
    let key_dir = tempfile::tempdir().expect("tempdir");
    let key_file = key_dir.path().join("vapid.pem");
    server::notifications::push::write_new_key(&key_file).expect("key");
    let server = TestServer::fresh_configured(|config| {
        config.notifications.vapid_key_file = Some(key_file.clone());
    })
    .await;
    // A device's keys as a browser makes them (P-256, and 16 random bytes).
    let device_key = ring::agreement::EphemeralPrivateKey::generate(
        &ring::agreement::ECDH_P256,
        &ring::rand::SystemRandom::new(),
    )
    .expect("key");
    let public = device_key.compute_public_key().expect("public key");
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let keys = format!(r#""keys":{{"p256dh":"{}","auth":"{}"}}"#, b64(public.as_ref()), b64(&[7u8; 16]));
    for endpoint in ["http://127.0.0.1:9/push", "https://169.254.169.254/latest", "https://10.0.0.5/push"] {
        let body = format!(r#"{{"endpoint":"{endpoint}",{keys}}}"#);
        let (status, answer) =
            http(&server, "POST", "/api/push-subscriptions", Some(&server.token), Some(&body)).await;
        assert_eq!(status, 400, "{endpoint}: {answer}");
        assert!(answer.contains("Enhetens push-adress ser inte rätt ut."), "{answer}");
    }
    // A public push service's address is taken (nothing is sent to it here).
    let body = format!(r#"{{"endpoint":"https://fcm.googleapis.com/fcm/send/test",{keys}}}"#);
    let (status, answer) =
        http(&server, "POST", "/api/push-subscriptions", Some(&server.token), Some(&body)).await;
    assert_eq!(status, 204, "{answer}");

    // Whose it is: the one who subscribed it, not another user of the browser.
    let check = r#"{"endpoint":"https://fcm.googleapis.com/fcm/send/test"}"#;
    let (status, answer) =
        http(&server, "POST", "/api/push-subscriptions/check", Some(&server.token), Some(check)).await;
    assert_eq!((status, answer.as_str()), (200, r#"{"mine":true}"#));
    let other = server.token_for("Annan").await;
    let (status, answer) =
        http(&server, "POST", "/api/push-subscriptions/check", Some(&other), Some(check)).await;
    assert_eq!((status, answer.as_str()), (200, r#"{"mine":false}"#));
}

#[tokio::test]
async fn a_push_is_signed_with_vapid_and_an_independent_decryptor_reads_only_the_notice() {
    let Some(device) = PushEndpoint::start().await else { return };
    let key_dir = tempfile::tempdir().expect("tempdir");
    let key_file = key_dir.path().join("vapid.pem");
    std::fs::write(&key_file, server::notifications::push::Vapid::generate_pem().expect("key"))
        .expect("write");
    let server = TestServer::fresh_configured(|config| {
        config.notifications.vapid_key_file = Some(key_file.clone());
        config.notifications.push_to_local = true;
        config.notifications.vapid_subject = "mailto:drift@samplan.example".into();
    })
    .await;
    let (status, answer) = http(&server, "GET", "/api/notifications", Some(&server.token), None).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
    assert_eq!(
        (answer["push_available"].clone(), answer["email_available"].clone()),
        (true.into(), false.into())
    );
    let (plan, person, reports, _) = plan_with_person(&server).await;
    let (status, body) =
        http(&server, "POST", "/api/push-subscriptions", Some(&server.token), Some(&device.subscription))
            .await;
    assert_eq!(status, 204, "{body}");
    person_answers(&server, &person, reports, 1).await;
    eventually("a push to the device", || async { !device.received().is_empty() }).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received = device.received();
    assert_eq!(received.len(), 1, "{received:#?}");
    let push = &received[0];
    assert_eq!(push["vapid"]["ok"], true, "VAPID: {push:#}");
    assert_eq!(push["vapid"]["claims"]["sub"], "mailto:drift@samplan.example");
    assert_eq!(push["content_encoding"], "aes128gcm");
    let payload: serde_json::Value =
        serde_json::from_str(push["payload"].as_str().unwrap_or_else(|| panic!("decrypted: {push:#}")))
            .expect("json");
    assert_eq!(payload["body"], "Det finns ett nytt svar i en plan i Samplan.");
    assert_eq!(payload["url"], format!("http://{}/plan/{plan}", server.addr));
    let text = payload.to_string();
    for private in [PRIVATE_NOTE, "Kim", "Annas plan", "Testare"] {
        assert!(!text.contains(private), "{private:?} in {text}");
    }

    // Signed out: the device that session subscribed gets nothing more.
    let (status, answer) = http(&server, "POST", "/api/sign-out", Some(&server.token), None).await;
    assert_eq!(status, 204, "{answer}");
    person_answers(&server, &person, reports, 1).await;
    until_seen_count(&server, plan, "self_report:", 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(device.received().len(), 1, "no push after the session that subscribed ended");
}

#[test]
fn vapid_key_writes_a_key_the_server_reads_private_to_its_owner_and_never_over_another() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("vapid.pem");
    let make = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_samplan-server"))
            .args(["vapid-key", "--out"])
            .arg(&file)
            .output()
            .expect("run vapid-key")
    };
    let made = make();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let pem = std::fs::read_to_string(&file).expect("the key file");
    let vapid = server::notifications::push::Vapid::from_pem(&pem, "mailto:drift@samplan.example")
        .expect("--vapid-key-file reads it");
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(said.contains(&vapid.public_key()), "prints the public key: {said}");
    let mode = std::fs::metadata(&file).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only its owner reads it: {mode:o}");

    let again = make();
    assert!(!again.status.success(), "a second run must not replace the key");
    let why = String::from_utf8_lossy(&again.stderr);
    assert!(why.contains("finns redan"), "{why}");
    assert_eq!(std::fs::read_to_string(&file).expect("the key file"), pem, "the first key is kept");
}

/// A plan whose coordinator is Testare, with Olle (a nurse, signed in) as an
/// editor and participant, his invitation's notice already seen:
/// (plan, Olle's token, Olle's participant id, the coordinator's client,
/// Olle's client).
async fn plan_with_nurse(server: &TestServer) -> (DocumentId, String, String, Client, Client) {
    let mut plan = plan_seen_with_coordinator(server).await;
    let nurse = crate::access::signed_in_editor(server, "Olle", plan.id).await;
    let (olle, _) = participant_in(server, &nurse, plan.id, &mut plan.coordinator.doc).await;
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    until_seen(server, plan.id, "invitation_used:").await;
    let mut own = Client::connect_as(server, &nurse, "olle", plan.id, automerge::AutoCommit::new()).await;
    let wanted = olle.clone();
    own.until("Olle to have the plan", |c| {
        shared::plan::read_plan(&c.doc).is_ok_and(|p| p.participants.contains_key(&wanted))
    })
    .await;
    (plan.id, nurse, olle, plan.coordinator, own)
}

#[tokio::test]
async fn a_meeting_a_nurse_books_is_told_to_the_coordinator_and_not_to_her() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (_plan, nurse, _olle, _coordinator, mut own) = plan_with_nurse(&server).await;
    settings(&server, &nurse, "olle@example.se", "immediate").await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    let meeting =
        shared::plan::Meeting { date: Some("2099-05-04".into()), time: "09.00".into(), ..Default::default() };
    shared::plan::edit::add_meeting(&mut own.doc, &meeting).expect("meeting");
    own.push().await;
    own.until_synced().await;

    let messages = mailbox.exactly(1, Duration::from_secs(1)).await;
    assert_eq!(messages[0]["rcpt_tos"], serde_json::json!([COORDINATOR_MAIL]), "not Olle, who booked it");
    assert!(messages[0]["text"].as_str().is_some_and(|t| t.contains("Ett möte har bokats eller flyttats")));
    assert_no_personal_data(&messages[0]);
}

#[tokio::test]
async fn an_invitation_used_tells_the_one_who_made_it_once_with_no_names() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    let (plan, _person, _reports, _) = plan_with_person(&server).await;

    let messages = mailbox.exactly(1, Duration::from_secs(1)).await;
    let message = &messages[0];
    assert_eq!(message["rcpt_tos"], serde_json::json!([COORDINATOR_MAIL]));
    let text = message["text"].as_str().expect("text");
    assert!(text.contains("Någon har tagit emot din inbjudan till en plan i Samplan."), "{text}");
    assert!(text.contains(&format!("/plan/{plan}")), "{text}");
    assert_no_personal_data(message);
    assert!(
        !message["raw"].as_str().unwrap_or_default().contains("test person"),
        "not the invitation's label"
    );
}

#[tokio::test]
async fn an_approval_is_asked_once_the_meeting_is_over_and_again_of_one_whose_approval_a_change_made_stale() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    let (_plan, nurse, olle, mut coordinator, mut own) = plan_with_nurse(&server).await;
    settings(&server, &nurse, "olle@example.se", "immediate").await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    // The chair ends today's meeting: the plan is up for approval.
    let today = shared::swedish_time::local(server::access::now_millis()).0.iso();
    let meeting = shared::plan::Meeting {
        date: Some(today),
        time: "09.00".into(),
        ended_at: Some(server::access::now_millis()),
        ..Default::default()
    };
    let meeting_id = shared::plan::edit::add_meeting(&mut coordinator.doc, &meeting).expect("meeting");
    coordinator.push().await;
    coordinator.until_synced().await;
    let asked = mailbox.exactly(2, Duration::from_secs(1)).await;
    let mut to: Vec<String> =
        asked.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap_or("").to_string()).collect();
    to.sort();
    assert_eq!(to, ["olle@example.se", COORDINATOR_MAIL]);
    for message in &asked {
        assert!(message["text"]
            .as_str()
            .is_some_and(|t| t.contains("Du ombeds godkänna en plan i Samplan.")));
        assert_no_personal_data(message);
    }

    // Olle approves the plan as it is: nobody is asked anything more.
    own.until("Olle to have the meeting", |c| {
        shared::plan::read_plan(&c.doc).is_ok_and(|p| p.meetings.contains_key(&meeting_id))
    })
    .await;
    shared::plan::edit::approve(&mut own.doc, &meeting_id, &olle, "Olle", server::access::now_millis())
        .expect("approve");
    own.push().await;
    own.until_synced().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailbox.messages().len(), 2, "an approval asks nobody");

    // The coordinator changes the plan after it: Olle is asked again, once;
    // the coordinator, already asked, is not.
    coordinator
        .until("the approval", |c| {
            shared::plan::read_plan(&c.doc)
                .is_ok_and(|p| p.meetings[&meeting_id].approvals.contains_key(&olle))
        })
        .await;
    coordinator.edit_synced(shared::plan::PlanText::Title, "Planen efter mötet").await;
    coordinator.edit_synced(shared::plan::PlanText::Title, "Planen efter mötet, igen").await;
    let messages = mailbox.exactly(3, Duration::from_secs(2)).await;
    assert_eq!(messages[2]["rcpt_tos"], serde_json::json!(["olle@example.se"]));
    assert!(messages[2]["text"].as_str().is_some_and(|t| t.contains("Du ombeds godkänna")));
}

/// A server pushing with a new VAPID key, retrying after `retry_after`;
/// the key's folder (kept while the server runs).
async fn server_pushing(retry_after: Duration) -> (TestServer, tempfile::TempDir) {
    let key_dir = tempfile::tempdir().expect("tempdir");
    let key_file = key_dir.path().join("vapid.pem");
    server::notifications::push::write_new_key(&key_file).expect("key");
    let server = TestServer::fresh_configured(|config| {
        config.notifications.vapid_key_file = Some(key_file.clone());
        config.notifications.push_to_local = true;
        config.notifications.retry_after = retry_after;
    })
    .await;
    (server, key_dir)
}

/// The plan's `notify` entries in the audit log.
async fn notify_log(server: &TestServer, plan: DocumentId) -> Vec<String> {
    let store = open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &plan.to_string()).await.expect("log");
    store.close().await;
    log.iter().filter(|(e, _)| e.action == "notify").map(|(e, _)| e.detail.clone()).collect()
}

#[tokio::test]
async fn a_push_service_answering_503_gets_the_notice_once_when_it_recovers() {
    let Some(device) = PushEndpoint::answering("503,503").await else { return };
    let (server, _key) = server_pushing(Duration::from_millis(200)).await;
    let (plan, person, reports, _) = plan_with_person(&server).await;
    let (status, body) =
        http(&server, "POST", "/api/push-subscriptions", Some(&server.token), Some(&device.subscription))
            .await;
    assert_eq!(status, 204, "{body}");
    person_answers(&server, &person, reports, 1).await;

    eventually("the push to be taken", || async {
        device.received().iter().any(|push| push["status"] == 201)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let statuses: Vec<i64> =
        device.received().iter().map(|push| push["status"].as_i64().unwrap_or(0)).collect();
    assert_eq!(statuses, [503, 503, 201], "two refusals, then one delivery and no more");
    let log = notify_log(&server, plan).await;
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log[0].contains("försök 1 misslyckades") && log[0].contains("503"), "{log:?}");
    assert!(log[1].contains("försök 2 misslyckades"), "{log:?}");
    assert!(
        log[2].starts_with("push till user:") && log[2].contains("skickat") && log[2].contains("försök 3")
    );
}

#[tokio::test]
async fn a_push_subscription_the_service_says_is_gone_is_removed_and_not_tried_again() {
    let Some(device) = PushEndpoint::answering("410").await else { return };
    let (server, _key) = server_pushing(Duration::from_millis(200)).await;
    let (plan, person, reports, _) = plan_with_person(&server).await;
    let (status, body) =
        http(&server, "POST", "/api/push-subscriptions", Some(&server.token), Some(&device.subscription))
            .await;
    assert_eq!(status, 204, "{body}");
    person_answers(&server, &person, reports, 1).await;

    eventually("the push to be tried", || async { !device.received().is_empty() }).await;
    eventually("the device to be forgotten", || async {
        let store = open_store(&server.data_dir).await;
        let left: i64 = server::storage::sql::query("SELECT COUNT(*) AS n FROM push_subscriptions")
            .fetch_one(&store.pool())
            .await
            .expect("count")
            .try_get("n")
            .expect("n");
        store.close().await;
        left == 0
    })
    .await;
    // The next answer is pushed nowhere: the device is gone.
    person_answers(&server, &person, reports, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(device.received().len(), 1, "tried once, never again");
    let log = notify_log(&server, plan).await;
    assert!(log.first().is_some_and(|l| l.contains("kunde inte skickas")), "{log:?}");
}

/// Put one notice for `principal` (with `address`, at once) in the outbox
/// of the database of `data_dir`, due now: what the notifier does when
/// the person answers, without a plan.
async fn queue_one_notice(data_dir: &Path, principal: &str, address: &str) {
    let store = open_store(data_dir).await;
    let db = store.database();
    let wanted = shared::api::NotificationSettings {
        email: address.into(),
        email_mode: shared::api::EmailMode::Immediate,
        push: false,
        ..Default::default()
    };
    server::notifications::settings::write(&db, principal, &wanted).await.expect("settings");
    let mut transaction = db.begin_write().await.expect("begin");
    let row = server::notifications::outbox::NewOutgoing {
        principal,
        channel: "email",
        event_key: "self_report:r1",
        kind: "person_answered",
        meeting: "",
        due_at: 0,
        digest: false,
    };
    server::notifications::outbox::add(&mut transaction, "plan-1", &row).await.expect("add");
    transaction.commit().await.expect("commit");
    store.close().await;
}

/// The outbox rows' states, in order.
async fn outbox_states(data_dir: &Path) -> Vec<String> {
    let store = open_store(data_dir).await;
    let rows = server::storage::sql::query("SELECT state FROM notification_outbox ORDER BY id")
        .fetch_all(&store.pool())
        .await
        .expect("states");
    store.close().await;
    rows.iter().map(|r| r.try_get("state").expect("state")).collect()
}

#[tokio::test]
async fn a_relay_stopped_while_the_mail_server_answers_finishes_that_sending_and_never_sends_it_again() {
    let Some(mailbox) = Mailbox::start_with(&["--hold-first", "1.5"]).await else { return };
    let url = mailbox.url();
    let server = TestServer::fresh_configured(|config| {
        config.notifications.smtp_url = Some(url);
        config.notifications.claim_timeout = Duration::from_millis(500);
    })
    .await;
    let data_dir = server.data_dir.clone();
    queue_one_notice(&data_dir, "user:1", COORDINATOR_MAIL).await;
    eventually("the mail server to have the message", || async { !mailbox.messages().is_empty() }).await;
    // Stopped while the mail server has not yet said "250": the stop waits
    // for the answer and records the sending.
    let _kept = server.stop_keeping_data().await;
    assert_eq!(outbox_states(&data_dir).await, ["sent"]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(mailbox.messages().len(), 1, "sent once");
}

/// `samplan-server serve` on `data_dir` as a process of its own, sending
/// through `smtp_url` and taking over claims older than a second.
fn spawn_mailing_server(data_dir: &Path, database: Option<&str>, smtp_url: &str) -> std::process::Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_samplan-server"));
    command.arg("serve");
    if let Some(database) = database {
        command.arg("--database").arg(database);
    }
    command
        .args(["--listen", "127.0.0.1:0", "--static-dir"])
        .arg(data_dir.join("no-app"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--smtp-url", smtp_url, "--notify-retry-secs", "1", "--notify-claim-timeout-secs", "1"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start samplan-server")
}

#[tokio::test]
async fn a_relay_killed_after_the_mail_server_took_a_notice_sends_it_once_more_with_the_same_message_id() {
    // The window no relay can close over SMTP: the server has the message,
    // the relay dies before it hears "250" and records it. What is
    // guaranteed: one more sending (not a loss), with the same Message-ID.
    let Some(mailbox) = Mailbox::start_with(&["--hold-first", "30"]).await else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let database = database_for(dir.path()).await;
    queue_one_notice(dir.path(), "user:1", COORDINATOR_MAIL).await;
    let mut relay = spawn_mailing_server(dir.path(), database.as_deref(), &mailbox.url());
    eventually("the mail server to have the message", || async { !mailbox.messages().is_empty() }).await;
    relay.kill().expect("kill -9");
    relay.wait().expect("wait");
    assert_eq!(outbox_states(dir.path()).await, ["sending"], "the relay never heard the 250");

    let mut relay = spawn_mailing_server(dir.path(), database.as_deref(), &mailbox.url());
    let messages = mailbox.exactly(2, Duration::from_secs(3)).await;
    let _ = relay.kill();
    let _ = relay.wait();
    assert_eq!(messages[0]["message_id"], messages[1]["message_id"], "a repeat a mail client can see as one");
    assert_eq!(outbox_states(dir.path()).await, ["sent"]);
    let store = open_store(dir.path()).await;
    let log = server::access::audit::for_document(&store.pool(), "plan-1").await.expect("log");
    store.close().await;
    let sent: Vec<&str> =
        log.iter().filter(|(e, _)| e.action == "notify").map(|(e, _)| e.detail.as_str()).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("skickat") && sent[0].contains("försök 2"), "{sent:?}");
}

#[tokio::test]
async fn a_kind_of_event_added_later_does_not_mail_the_past_of_a_plan_read_before_it() {
    let Some(mailbox) = Mailbox::start(0).await else { return };
    let server = server_mailing_to(Some(&mailbox), None).await;
    settings(&server, &server.token, COORDINATOR_MAIL, "immediate").await;
    let plan = plan_seen_with_coordinator(&server).await;
    let reports = self_reports_document(&server, plan.id).await;
    let person = device_member(&server, plan.id, "person").await;
    until_seen(&server, plan.id, "invitation_used:").await;
    assert_eq!(mailbox.exactly(1, Duration::from_millis(500)).await.len(), 1, "the invitation used");
    // As if an older notifier (generation 1, before invitations were told)
    // had read the plan, and an invitation was used since.
    let store = open_store(&server.data_dir).await;
    for statement in [
        "UPDATE notification_plans SET generation = 1",
        "DELETE FROM notification_seen WHERE event_key LIKE 'invitation_used:%'",
    ] {
        server::storage::sql::query(statement).execute(&store.pool()).await.expect("as before");
    }
    store.close().await;
    person_answers(&server, &person, reports, 1).await;

    let messages = mailbox.exactly(2, Duration::from_secs(1)).await;
    assert!(
        messages[1]["text"].as_str().is_some_and(|t| t.contains("Det finns ett nytt svar")),
        "the answer, and not the invitation again: {:#}",
        messages[1]
    );
    until_seen(&server, plan.id, "invitation_used:").await;
}
