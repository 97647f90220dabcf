//! Who may see and change a plan: every role and every kind of outsider
//! against every action, on the real server. A denied action is refused
//! with nothing stored and nothing forwarded.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ReadDoc, ROOT};
use shared::plan::{new_plan_document, read_text, set_text, PlanText};
use shared::{DocumentId, Message};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::harness::*;

/// One HTTP request to the server; returns status and body.
pub async fn http(
    server: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.addr);
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

pub(crate) fn json_field(body: &str, field: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body}"));
    value[field].as_str().unwrap_or_else(|| panic!("{field} in {body}")).to_string()
}

/// Redeem an invitation link as a new device; returns the device's session token.
pub(crate) async fn redeem_as_device(server: &TestServer, link: &str) -> (u16, Option<String>) {
    let token = link.split('#').nth(1).expect("token in link");
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let body = format!("{{\"token\":\"{token}\"}}");
    let request = format!(
        "POST /api/invitations/redeem HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let cookie = response
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: samplan_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string());
    (status, cookie)
}

pub(crate) async fn invite(
    server: &TestServer,
    by: &str,
    id: DocumentId,
    role: &str,
    days: u32,
) -> (u16, String) {
    let body =
        format!("{{\"role\":\"{role}\",\"label\":\"test {role}\",\"days\":{days},\"single_use\":true}}");
    http(server, "POST", &format!("/api/plans/{id}/invitations"), Some(by), Some(&body)).await
}

/// The server's answer to a change it must refuse: the `error` (or the
/// closed socket) that comes. A sync message whose heads include `ours`
/// acknowledges the change and is returned as it is (the caller's assertion
/// then fails), and so does silence: a refusal is said, not left to a
/// timeout. Any other sync message is answered, as a client would: the
/// first push may carry only heads (the client did not yet know what the
/// server has), and the change itself goes with the answer.
pub(crate) async fn refusal(client: &mut Client, ours: &[ChangeHash]) -> Option<Message> {
    loop {
        let message = next_message(&mut client.socket).await;
        if let Some(Message::Sync { data, .. }) = &message {
            let acknowledged = automerge::sync::Message::decode(data)
                .is_ok_and(|m| ours.iter().all(|hash| m.heads.contains(hash)));
            if !acknowledged {
                if let Some(received) = message.clone() {
                    if let Ok(shared::sync_client::Received::Sync(id, data)) = client.sync.receive(received) {
                        client.sync.apply_sync(id, &data, &mut client.doc).expect("apply");
                        client.push().await;
                    }
                }
                continue;
            }
        }
        return message;
    }
}

/// What is stored for a document now, as heads.
pub(crate) async fn stored_heads(server: &TestServer, id: DocumentId) -> Vec<ChangeHash> {
    let store = crate::harness::open_store(&server.data_dir).await;
    let heads = store.load(&id).await.expect("load").doc.get_heads();
    store.close().await;
    heads
}

/// A device session of a new member of plan `id` in `role`: the
/// coordinator ("Testare") invites, a new device redeems the link.
pub(crate) async fn device_member(server: &TestServer, id: DocumentId, role: &str) -> String {
    let (status, body) = invite(server, &server.token, id, role, 14).await;
    assert_eq!(status, 201, "{body}");
    let (status, session) = redeem_as_device(server, &json_field(&body, "link")).await;
    assert_eq!(status, 200, "a {role} device redeems its link");
    session.expect("a device session cookie")
}

/// Signed-in `token` redeems the coordinator's invitation to plan `id` as
/// `role`, joining as themselves; the server's answer.
pub(crate) async fn join_as(server: &TestServer, token: &str, id: DocumentId, role: &str) -> (u16, String) {
    let (status, body) = invite(server, &server.token, id, role, 14).await;
    assert_eq!(status, 201, "{body}");
    let redeem = format!("{{\"token\":\"{}\"}}", json_field(&body, "link").split('#').nth(1).expect("token"));
    http(server, "POST", "/api/invitations/redeem", Some(token), Some(&redeem)).await
}

/// A signed-in professional `name` who has joined plan `id` as an editor.
pub(crate) async fn signed_in_editor(server: &TestServer, name: &str, id: DocumentId) -> String {
    let token = server.token_for(name).await;
    let (status, body) = join_as(server, &token, id, "editor").await;
    assert_eq!(status, 200, "{name} joins as an editor: {body}");
    token
}

/// Send `client`'s local change, which the server must refuse (an error or
/// a closed socket) without storing anything: `before` is what it stored.
pub(crate) async fn assert_push_refused(
    server: &TestServer,
    client: &mut Client,
    before: &[ChangeHash],
    what: &str,
) {
    client.push().await;
    let ours = client.doc.get_heads();
    let answer = refusal(client, &ours).await;
    assert!(matches!(answer, Some(Message::Error { .. }) | None), "{what} is refused: {answer:?}");
    assert_eq!(stored_heads(server, client.id).await, before, "nothing of {what} is stored");
}

/// A self-report document, made by the coordinator as peer `name` and synced.
async fn reports_document(server: &TestServer, name: &str) -> (DocumentId, Client) {
    let id = DocumentId::random();
    let mut reports = AutoCommit::new();
    reports.put(ROOT, "schema_version", 1_u64).expect("put");
    let mut coordinator = Client::connect(server, name, id, reports).await;
    coordinator.until_synced().await;
    (id, coordinator)
}

/// The coordinator links self-report document `reports` to plan `plan`: the status.
pub(crate) async fn link_reports(
    server: &TestServer,
    plan: DocumentId,
    reports: DocumentId,
) -> (u16, String) {
    let body = format!("{{\"document_id\":\"{reports}\"}}");
    http(server, "POST", &format!("/api/plans/{plan}/self-reports"), Some(&server.token), Some(&body)).await
}

/// The participant that `token`'s member is in plan `id`, added to `doc`
/// as the app adds it when they join: (id, name), what their records name.
pub(crate) async fn participant_in(
    server: &TestServer,
    token: &str,
    id: DocumentId,
    doc: &mut AutoCommit,
) -> (String, String) {
    let (status, body) = http(server, "GET", &format!("/api/plans/{id}/access"), Some(token), None).await;
    assert_eq!(status, 200, "{body}");
    let access: shared::api::PlanAccess = serde_json::from_str(&body).expect("PlanAccess");
    let participant = shared::plan::Participant { name: access.name.clone(), ..Default::default() };
    shared::plan::edit::add_participant_as(doc, &access.participant, participant).expect("participant");
    (access.participant, access.name)
}

/// Put a closing (on `date`, for `reason` if any) into `doc`, signed by
/// `(author, name)`.
fn close(doc: &mut AutoCommit, date: &str, reason: Option<&str>, (author, name): (&str, &str)) {
    let closing = doc.put_object(ROOT, "closing", automerge::ObjType::Map).expect("closing");
    if let Some(reason) = reason {
        doc.put(&closing, "reason", reason).expect("reason");
    }
    doc.put(&closing, "date", date).expect("date");
    doc.put(&closing, "author", author).expect("author");
    doc.put(&closing, "by", name).expect("by");
}

pub(crate) struct Plan {
    pub(crate) id: DocumentId,
    pub(crate) coordinator: Client,
}

pub(crate) async fn plan_made_by_testare(server: &TestServer) -> Plan {
    let id = DocumentId::random();
    let mut coordinator =
        Client::connect(server, "samordnare", id, new_plan_document("Annas plan").expect("plan")).await;
    coordinator.until_synced().await;
    Plan { id, coordinator }
}

/// Can `token` read the plan (gets its title) or not (doc-unavailable)?
pub(crate) async fn can_read(server: &TestServer, token: &str, id: DocumentId) -> bool {
    let mut client = Client::connect_as(server, token, "läsare", id, AutoCommit::new()).await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if client.unavailable {
            return false;
        }
        if read_text(&client.doc, PlanText::Title).is_ok_and(|t| t == "Annas plan") {
            return true;
        }
        let message = match listen_until(&mut client.socket, deadline).await {
            Heard::Message(message) => message,
            Heard::Closed => return false,
            Heard::Nothing => panic!("neither the plan nor doc-unavailable came"),
        };
        if let Ok(shared::sync_client::Received::Sync(doc, data)) = client.sync.receive(message.clone()) {
            client.sync.apply_sync(doc, &data, &mut client.doc).expect("apply");
            client.push().await;
        } else if matches!(message, Message::DocUnavailable { .. }) {
            client.unavailable = true;
        }
    }
}

/// Try an edit with `token`: whether it was stored (and reached the coordinator).
pub(crate) async fn try_edit(server: &TestServer, plan: &mut Plan, token: &str, text: &str) -> bool {
    let mut editor = Client::connect_as(server, token, "redaktör", plan.id, AutoCommit::new()).await;
    // Get the plan first (a reader gets it too).
    editor
        .until("the plan or doc-unavailable", |c| {
            c.unavailable || read_text(&c.doc, PlanText::Title).is_ok_and(|t| t == "Annas plan")
        })
        .await;
    if editor.unavailable {
        return false;
    }
    let before = stored_heads(server, plan.id).await;
    set_text(&mut editor.doc, PlanText::MainGoal, text).expect("edit locally");
    editor.push().await;
    let refused = !acknowledged(&mut editor, plan.id).await;
    if refused {
        assert_eq!(stored_heads(server, plan.id).await, before, "a refused edit stores nothing");
        return false;
    }
    plan.coordinator.until_text(PlanText::MainGoal, text).await;
    true
}

#[tokio::test]
async fn each_role_and_outsider_gets_exactly_its_rights() {
    let server = TestServer::fresh().await;
    let coordinator = server.token.clone();
    let mut plan = plan_made_by_testare(&server).await;

    // Invitations from the coordinator.
    let eva = server.token_for("Eva").await;
    let (status, body) = join_as(&server, &eva, plan.id, "editor").await;
    assert_eq!(status, 200, "a signed-in professional joins as themselves: {body}");
    let reader = device_member(&server, plan.id, "reader").await;
    let person = device_member(&server, plan.id, "person").await;
    let other = server.token_for("Olle").await;
    let _others_plan = {
        let id = DocumentId::random();
        let mut c =
            Client::connect_as(&server, &other, "olle", id, new_plan_document("Olles plan").expect("plan"))
                .await;
        c.until_synced().await;
        c
    };
    let revoked = device_member(&server, plan.id, "reader").await;
    let (status, members) =
        http(&server, "GET", &format!("/api/plans/{}/members", plan.id), Some(&coordinator), None).await;
    assert_eq!(status, 200);
    let members: serde_json::Value = serde_json::from_str(&members).expect("json");
    let revoked_device =
        members.as_array().expect("list").iter().rfind(|m| m["role"] == "reader").expect("the second reader")
            ["principal"]
            .as_str()
            .expect("principal")
            .to_string();
    let (status, _) = http(
        &server,
        "DELETE",
        &format!("/api/plans/{}/members/{revoked_device}", plan.id),
        Some(&coordinator),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let forged = "ab".repeat(32);

    // Read.
    for (who, token, expected) in [
        ("coordinator", coordinator.as_str(), true),
        ("editor", eva.as_str(), true),
        ("reader", reader.as_str(), true),
        ("person", person.as_str(), true),
        ("member of another plan", other.as_str(), false),
    ] {
        assert_eq!(can_read(&server, token, plan.id).await, expected, "read: {who}");
    }
    // Revoked device, forged token, no token: not even a connection.
    for (who, token) in [("revoked device", revoked.as_str()), ("forged token", forged.as_str())] {
        let refused = tokio_tungstenite::connect_async(server.ws_url_as(token)).await;
        assert!(refused.is_err(), "{who}: the upgrade is refused");
    }
    let no_token = tokio_tungstenite::connect_async(format!("ws://{}/sync", server.addr)).await;
    assert!(no_token.is_err(), "no token: the upgrade is refused");
    let (status, _) = http(&server, "GET", "/api/me", Some(&forged), None).await;
    assert_eq!(status, 401, "a forged token is nobody");

    // Edit.
    assert!(try_edit(&server, &mut plan, &eva, "Eva skrev").await, "the editor edits");
    assert!(try_edit(&server, &mut plan, &person, "Personen skrev").await, "the person edits");
    assert!(!try_edit(&server, &mut plan, &reader, "Läsaren skrev").await, "the reader cannot edit");
    assert!(!try_edit(&server, &mut plan, &other, "Olle skrev").await, "an outsider cannot edit");

    // Invite and revoke invitations: the coordinator only.
    for (who, token) in [("editor", &eva), ("reader", &reader), ("person", &person), ("outsider", &other)] {
        let (status, _) = invite(&server, token, plan.id, "reader", 14).await;
        assert_eq!(status, 404, "{who} cannot invite");
        let (status, _) =
            http(&server, "GET", &format!("/api/plans/{}/invitations", plan.id), Some(token), None).await;
        assert_eq!(status, 404, "{who} cannot list invitations");
        let (status, _) =
            http(&server, "DELETE", &format!("/api/plans/{}/invitations/1", plan.id), Some(token), None)
                .await;
        assert_eq!(status, 404, "{who} cannot revoke an invitation");
        let (status, _) =
            http(&server, "DELETE", &format!("/api/plans/{}", plan.id), Some(token), None).await;
        assert_eq!(status, 404, "{who} cannot delete the plan");
    }
    let (status, _) =
        http(&server, "DELETE", &format!("/api/plans/{}/invitations/1", plan.id), Some(&coordinator), None)
            .await;
    assert_eq!(status, 204, "the coordinator revokes an invitation");

    // Close: an editor's change that closes the plan is refused; the coordinator's is kept.
    let mut eva_client = Client::connect_as(&server, &eva, "eva", plan.id, AutoCommit::new()).await;
    eva_client.until_synced().await;
    let signer = participant_in(&server, &eva, plan.id, &mut eva_client.doc).await;
    eva_client.push().await;
    eva_client.until_synced().await;
    let before = stored_heads(&server, plan.id).await;
    close(&mut eva_client.doc, "2026-11-25", None, (&signer.0, &signer.1));
    assert_push_refused(&server, &mut eva_client, &before, "closing by an editor").await;
    let signer = participant_in(&server, &coordinator, plan.id, &mut plan.coordinator.doc).await;
    close(&mut plan.coordinator.doc, "2026-11-25", None, (&signer.0, &signer.1));
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;

    // Delete: the coordinator; then nobody can read it, and syncing it again does not bring it back.
    let (status, _) =
        http(&server, "DELETE", &format!("/api/plans/{}", plan.id), Some(&coordinator), None).await;
    assert_eq!(status, 204);
    assert!(!can_read(&server, &eva, plan.id).await, "a deleted plan is unavailable");
    let mut resurrect = Client::connect(&server, "åter", plan.id, plan.coordinator.doc.clone()).await;
    resurrect.until("doc-unavailable", |c| c.unavailable).await;
    assert!(stored_heads(&server, plan.id).await.is_empty(), "a deleted plan is not stored again");
    // Not even a write that was under way when it was deleted (a document
    // task mid-batch, the compactor) stores it again.
    let store = crate::harness::open_store(&server.data_dir).await;
    store.append(&plan.id, plan.coordinator.doc.save(), Vec::new()).await.expect("append");
    store.compact(&plan.id, plan.coordinator.doc.save()).await.expect("compact");
    store.close().await;
    assert!(stored_heads(&server, plan.id).await.is_empty(), "late writes of a deleted plan are dropped");
}

#[tokio::test]
async fn only_the_coordinator_changes_the_closing_but_anyone_may_record_withdrawn_consent() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let person = device_member(&server, plan.id, "person").await;
    let editor = device_member(&server, plan.id, "editor").await;

    // The person withdraws consent, which closes the plan: allowed.
    let mut own = Client::connect_as(&server, &person, "personen", plan.id, AutoCommit::new()).await;
    own.until_text(PlanText::Title, "Annas plan").await;
    let signer = participant_in(&server, &person, plan.id, &mut own.doc).await;
    close(&mut own.doc, "2026-11-25", Some("ConsentWithdrawn"), (&signer.0, &signer.1));
    own.push().await;
    own.until_synced().await;
    plan.coordinator
        .until("the coordinator to see the plan closed", |c| {
            c.doc.get(ROOT, "closing").is_ok_and(|v| v.is_some())
        })
        .await;

    // An editor may not change the closing (nor reopen the plan).
    let mut other = Client::connect_as(&server, &editor, "redaktör", plan.id, AutoCommit::new()).await;
    other.until_synced().await;
    let before = stored_heads(&server, plan.id).await;
    let Some((_, closing)) = other.doc.get(ROOT, "closing").expect("get") else { panic!("closing is there") };
    other.doc.put(&closing, "date", "2020-01-01").expect("date");
    assert_push_refused(&server, &mut other, &before, "an editor's change of the closing").await;
}

#[tokio::test]
async fn an_expired_or_used_link_and_a_foreign_origin_are_refused() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    let (_, body) = invite(&server, &server.token, plan.id, "reader", 1).await;
    let link = json_field(&body, "link");
    // Make it expire (the API does not allow the past).
    let store = crate::harness::open_store(&server.data_dir).await;
    server::storage::sql::query("UPDATE invitations SET expires_at = 0")
        .execute(&store.pool())
        .await
        .expect("expire");
    store.close().await;
    let (status, cookie) = redeem_as_device(&server, &link).await;
    assert_eq!((status, cookie), (410, None), "an expired link gives nothing");

    let (_, body) = invite(&server, &server.token, plan.id, "reader", 1).await;
    let link = json_field(&body, "link");
    assert_eq!(redeem_as_device(&server, &link).await.0, 200);
    assert_eq!(redeem_as_device(&server, &link).await.0, 410, "a single-use link works once");

    let mut request = server.ws_url().into_client_request().expect("request");
    request.headers_mut().insert("Origin", "http://evil.example".parse().expect("header"));
    assert!(tokio_tungstenite::connect_async(request).await.is_err(), "a cross-origin WebSocket is refused");
}

#[tokio::test]
async fn a_change_in_another_principals_name_is_refused() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let eva = signed_in_editor(&server, "Eva", plan.id).await;
    // Eva forges a change with the coordinator's actor id.
    let mut forged = Client::connect_as(&server, &eva, "eva", plan.id, AutoCommit::new()).await;
    forged.until_synced().await;
    let before = stored_heads(&server, plan.id).await;
    let actor = plan.coordinator.doc.get_actor().clone();
    forged.doc.set_actor(actor);
    forged.doc.put(ROOT, "forged", true).expect("put");
    assert_push_refused(&server, &mut forged, &before, "a change under another's actor").await;
    plan.coordinator.doc.put(ROOT, "still", "works").expect("put");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    assert!(plan.coordinator.doc.get(ROOT, "forged").expect("get").is_none(), "nothing forwarded");
}

#[tokio::test]
async fn the_audit_log_names_who_changed_what() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    plan.coordinator.edit_synced(PlanText::MainGoal, "Ett mål").await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &plan.id.to_string()).await.expect("log");
    store.close().await;
    assert_eq!(log.first().map(|(e, _)| e.action.as_str()), Some("create"));
    let heads = plan.coordinator.doc.get_heads();
    let changes: Vec<_> = log.iter().filter(|(e, _)| e.action == "change").collect();
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|(e, name)| name == "Testare" && e.session_id.is_some()));
    let logged: String = changes.iter().map(|(e, _)| e.detail.clone()).collect::<Vec<_>>().join(",");
    assert!(heads.iter().all(|h| logged.contains(&h.to_string())), "every change hash is in the log");

    // The log is append-only.
    let store = crate::harness::open_store(&server.data_dir).await;
    assert!(server::storage::sql::query("DELETE FROM audit_log").execute(&store.pool()).await.is_err());
    assert!(server::storage::sql::query("UPDATE audit_log SET principal = 'x'")
        .execute(&store.pool())
        .await
        .is_err());
    store.close().await;
}

#[tokio::test]
async fn sign_in_links_work_once_and_attempts_are_limited() {
    let server = TestServer::fresh().await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let accounts = server::access::Access::new(&store).accounts;
    let link = accounts.add_user("Kim", "Regionen").await.expect("user");
    store.close().await;
    let body = format!("{{\"token\":\"{}\"}}", link.reveal());
    let (status, response) = http(&server, "POST", "/api/sign-in", None, Some(&body)).await;
    assert_eq!(status, 200, "{response}");
    let (status, _) = http(&server, "POST", "/api/sign-in", None, Some(&body)).await;
    assert_eq!(status, 410, "a sign-in link works once");
    let mut limited = false;
    for _ in 0..20 {
        let (status, _) = http(
            &server,
            "POST",
            "/api/sign-in",
            None,
            Some(&format!("{{\"token\":\"{}\"}}", "0".repeat(64))),
        )
        .await;
        if status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "guessing is slowed down");
    // Security headers on every response.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr).as_bytes(),
        )
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let response = response.to_ascii_lowercase();
    for header in [
        "content-security-policy: default-src 'self'",
        "frame-ancestors 'none'",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
    ] {
        assert!(response.contains(header), "missing {header}");
    }
}

#[tokio::test]
async fn self_reports_are_written_by_the_person_and_read_by_the_other_members() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    // The coordinator makes the self-report document and links it to the plan.
    let (reports_id, mut coordinator_reports) = reports_document(&server, "samordnare-rapporter").await;
    let (status, answer) = link_reports(&server, plan.id, reports_id).await;
    assert_eq!((status, answer), (200, format!("{{\"document_id\":\"{reports_id}\"}}")));
    // A plan has one self-report document: a second one is not linked, and
    // the answer names the one that is (a device that lost its link on a
    // reload writes that one into the plan instead of failing).
    let (second, _) = reports_document(&server, "samordnare-andra").await;
    let (status, answer) = link_reports(&server, plan.id, second).await;
    assert_eq!((status, answer), (200, format!("{{\"document_id\":\"{reports_id}\"}}")));
    // Linking changed the coordinator's access (it now reads the reports),
    // but its connection stays open: it decides again, and goes on syncing.
    let person = device_member(&server, plan.id, "person").await;
    let editor = device_member(&server, plan.id, "editor").await;

    // The person writes a report.
    let mut own = Client::connect_as(&server, &person, "personen", reports_id, AutoCommit::new()).await;
    own.until_synced().await;
    own.doc.put(ROOT, "rapport", "Bättre i dag").expect("put");
    own.push().await;
    own.until_synced().await;
    coordinator_reports
        .until("the coordinator to read the report", |c| {
            c.doc.get(ROOT, "rapport").is_ok_and(|v| v.is_some())
        })
        .await;

    // An editor of the plan may read the reports but not write them.
    let mut other = Client::connect_as(&server, &editor, "redaktör", reports_id, AutoCommit::new()).await;
    other.until("the reports", |c| c.doc.get(ROOT, "rapport").is_ok_and(|v| v.is_some())).await;
    let before = stored_heads(&server, reports_id).await;
    other.doc.put(ROOT, "rapport", "Någon annans ord").expect("put");
    assert_push_refused(&server, &mut other, &before, "an editor's report").await;
    // The coordinator, too, only reads them.
    coordinator_reports.doc.put(ROOT, "rapport", "Samordnarens ord").expect("put");
    assert_push_refused(&server, &mut coordinator_reports, &before, "the coordinator's report").await;
}

/// Whether a WebSocket upgrade with session cookie `session` (and no token) is accepted.
async fn cookie_opens(server: &TestServer, session: &str) -> bool {
    let mut request = format!("ws://{}/sync", server.addr).into_client_request().expect("request");
    let cookie = format!("samplan_session={session}");
    request.headers_mut().insert("Cookie", cookie.parse().expect("header"));
    tokio_tungstenite::connect_async(request).await.is_ok()
}

#[tokio::test]
async fn a_forged_cookie_opens_nothing() {
    let server = TestServer::fresh().await;
    assert!(!cookie_opens(&server, &"cd".repeat(32)).await, "a forged cookie is refused");
    // The real session as a cookie works (same origin or no Origin).
    assert!(cookie_opens(&server, &server.token).await, "a valid cookie is accepted");
}

#[tokio::test]
async fn the_coordinator_sees_each_device_and_shuts_one_out_of_the_plan() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    // Eva joins as an editor from her laptop, then signs in on a tablet too.
    let laptop = signed_in_editor(&server, "Eva", plan.id).await;
    let tablet = server.token_for("Eva").await;
    assert!(can_read(&server, &tablet, plan.id).await && can_read(&server, &laptop, plan.id).await);

    // The coordinator sees both of Eva's devices; Eva sees none of anyone's.
    let plan_id = plan.id;
    let members_of = |token: String| {
        let server = &server;
        async move {
            let (status, body) =
                http(server, "GET", &format!("/api/plans/{plan_id}/members"), Some(&token), None).await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str::<serde_json::Value>(&body).expect("json")
        }
    };
    let members = members_of(server.token.clone()).await;
    let eva = members.as_array().expect("list").iter().find(|m| m["role"] == "editor").expect("Eva").clone();
    let devices = eva["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 2, "two devices: {eva}");
    assert!(devices.iter().all(|d| d["blocked"] == false));
    let seen_by_eva = members_of(laptop.clone()).await;
    assert!(
        seen_by_eva
            .as_array()
            .expect("list")
            .iter()
            .all(|m| m["devices"].as_array().is_some_and(|d| d.is_empty())),
        "only the coordinator sees devices: {seen_by_eva}"
    );

    // Shut the newer one (the tablet) out.
    let tablet_session = devices[1]["session"].as_i64().expect("session id");
    let (status, body) = http(
        &server,
        "DELETE",
        &format!("/api/plans/{}/devices/{tablet_session}", plan.id),
        Some(&server.token),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert!(!can_read(&server, &tablet, plan.id).await, "the tablet gets doc-unavailable");
    assert!(!try_edit(&server, &mut plan, &tablet, "från surfplattan").await, "and cannot edit");
    assert!(try_edit(&server, &mut plan, &laptop, "från datorn").await, "the laptop still edits");
    let members = members_of(server.token.clone()).await;
    let eva = members.as_array().expect("list").iter().find(|m| m["role"] == "editor").expect("Eva").clone();
    assert_eq!(eva["devices"][1]["blocked"], true, "{eva}");

    // Refused: Eva shutting out a device, the coordinator shutting out their
    // own device, a session that is not in the plan.
    let laptop_session = devices[0]["session"].as_i64().expect("session id");
    let path = format!("/api/plans/{}/devices/{laptop_session}", plan.id);
    assert_eq!(http(&server, "DELETE", &path, Some(&laptop), None).await.0, 404);
    let own = members_of(server.token.clone()).await;
    let own_session = own[0]["devices"][0]["session"].as_i64().expect("own session");
    let path = format!("/api/plans/{}/devices/{own_session}", plan.id);
    assert_eq!(http(&server, "DELETE", &path, Some(&server.token), None).await.0, 400);
    let path = format!("/api/plans/{}/devices/999999", plan.id);
    assert_eq!(http(&server, "DELETE", &path, Some(&server.token), None).await.0, 400);
    assert!(can_read(&server, &laptop, plan.id).await, "the laptop was not touched");

    let store = crate::harness::open_store(&server.data_dir).await;
    let log = server::access::audit::for_document(&store.pool(), &plan.id.to_string()).await.expect("audit");
    store.close().await;
    assert!(log.iter().any(|(e, _)| e.action == "block-device"), "audited: {log:?}");
}

#[tokio::test]
async fn the_person_lets_a_relative_write_self_reports_and_can_stop_it() {
    let server = TestServer::fresh().await;
    let plan = plan_made_by_testare(&server).await;
    let (reports_id, _coordinator_reports) = reports_document(&server, "samordnare-rapporter").await;
    assert_eq!(link_reports(&server, plan.id, reports_id).await.0, 200);
    let person = device_member(&server, plan.id, "person").await;
    let relative = device_member(&server, plan.id, "reader").await;
    let (_, members) =
        http(&server, "GET", &format!("/api/plans/{}/members", plan.id), Some(&person), None).await;
    let members: serde_json::Value = serde_json::from_str(&members).expect("json");
    let relative_principal = members
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["role"] == "reader")
        .and_then(|m| m["principal"].as_str())
        .expect("the relative")
        .to_string();

    // Writes one report as `token`; true if the server stored it.
    let write_report = |token: String, text: &'static str| {
        let server = &server;
        async move {
            let mut client =
                Client::connect_as(server, &token, "rapportör", reports_id, AutoCommit::new()).await;
            client.until_synced().await;
            let before = stored_heads(server, reports_id).await;
            client.doc.put(ROOT, text, text).expect("put");
            client.push().await;
            let stored = acknowledged(&mut client, reports_id).await;
            if !stored {
                assert_eq!(stored_heads(server, reports_id).await, before, "nothing stored");
            }
            stored
        }
    };
    assert!(!write_report(relative.clone(), "innan").await, "a reader does not write reports");
    // A connection of the relative's that stays open through the changes.
    let mut kept = Client::connect_as(&server, &relative, "kvar", reports_id, AutoCommit::new()).await;
    kept.until_synced().await;

    // Only the person decides: the coordinator and the relative cannot.
    let path = format!("/api/plans/{}/members/{relative_principal}/reports", plan.id);
    let allow = Some("{\"allowed\":true}");
    assert_eq!(http(&server, "PUT", &path, Some(&server.token), allow).await.0, 404);
    assert_eq!(http(&server, "PUT", &path, Some(&relative), allow).await.0, 404);
    assert_eq!(http(&server, "PUT", &path, Some(&person), allow).await.0, 204);
    assert!(write_report(relative.clone(), "med lov").await, "the relative now writes reports");
    assert!(!can_edit_plan(&server, &relative, plan.id).await, "but still only reads the plan");
    kept.doc.put(ROOT, "öppen", "med lov").expect("put");
    kept.push().await;
    assert!(acknowledged(&mut kept, reports_id).await, "an open connection may write at once");

    let stop = Some("{\"allowed\":false}");
    assert_eq!(http(&server, "PUT", &path, Some(&person), stop).await.0, 204);
    assert!(!write_report(relative.clone(), "efter").await, "stopped again");
    let before = stored_heads(&server, reports_id).await;
    kept.doc.put(ROOT, "öppen", "efter").expect("put");
    kept.push().await;
    assert!(!acknowledged(&mut kept, reports_id).await, "and through the open connection too");
    assert_eq!(stored_heads(&server, reports_id).await, before, "nothing stored");
    assert!(write_report(person.clone(), "personens egen").await, "the person always writes");
}

/// Whether `token`'s sync of an edit to the plan is accepted.
async fn can_edit_plan(server: &TestServer, token: &str, id: DocumentId) -> bool {
    let mut client = Client::connect_as(server, token, "redigerare", id, AutoCommit::new()).await;
    client.until_text(PlanText::Title, "Annas plan").await;
    set_text(&mut client.doc, PlanText::MainGoal, "ändrat").expect("edit");
    client.push().await;
    acknowledged(&mut client, id).await
}

/// After a push: true once the server has acknowledged everything of
/// document `id`, false when it answers with an error or closes the socket.
/// Silence is neither: it fails the test.
pub(crate) async fn acknowledged(client: &mut Client, id: DocumentId) -> bool {
    loop {
        if client.sync.is_synced(&id, &mut client.doc) {
            return true;
        }
        match next_message(&mut client.socket).await {
            Some(Message::Error { .. }) | None => return false,
            Some(message) => {
                if let Ok(shared::sync_client::Received::Sync(doc, data)) = client.sync.receive(message) {
                    client.sync.apply_sync(doc, &data, &mut client.doc).expect("apply");
                    client.push().await;
                }
            }
        }
    }
}

#[tokio::test]
async fn the_plain_first_view_and_the_json_export_are_for_members_only() {
    let server = TestServer::fresh().await;
    let coordinator = server.token.clone();
    let plan = plan_made_by_testare(&server).await;
    let path = format!("/api/plans/{}/first-view", plan.id);
    let person = device_member(&server, plan.id, "person").await;

    let (status, html) = http(&server, "GET", &path, Some(&person), None).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h1>Min plan</h1>") && html.contains("Annas plan"), "{html}");
    assert!(html.contains("Det finns inga mål i planen än."), "{html}");

    let (status, _) = http(&server, "GET", &path, None, None).await;
    assert_eq!(status, 401, "no session, no plan");
    let outsider = server.token_for("Olle").await;
    let (status, body) = http(&server, "GET", &path, Some(&outsider), None).await;
    assert!(status == 403 || status == 404, "a non-member gets nothing: {status} {body}");
    assert!(!body.contains("Annas plan"));
    let (status, _) = http(&server, "GET", "/api/plans/inte-ett-id/first-view", Some(&person), None).await;
    assert_eq!(status, 404);
    let unknown = format!("/api/plans/{}/first-view", DocumentId::random());
    let (status, _) = http(&server, "GET", &unknown, Some(&coordinator), None).await;
    assert!(status == 403 || status == 404, "{status}");

    // The JSON export: the same rule.
    let export = format!("/api/plans/{}/export.json", plan.id);
    let (status, json) = http(&server, "GET", &export, Some(&person), None).await;
    assert_eq!(status, 200, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["format"], "samplan-plan");
    assert_eq!(json["plan"]["title"], "Annas plan");
    let (status, body) = http(&server, "GET", &export, Some(&outsider), None).await;
    assert!((status == 403 || status == 404) && !body.contains("Annas plan"), "{status} {body}");
    let (status, _) = http(&server, "GET", &export, None, None).await;
    assert_eq!(status, 401);
}
