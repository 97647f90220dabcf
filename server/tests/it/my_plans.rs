//! `GET /api/plans`: a principal's own plans, on any device, with what
//! "Mina planer" shows of each; nobody else's, no deleted plan, no
//! self-report document, and nothing without a session.

use shared::api::MyPlan;
use shared::plan::edit::{self, set_text_at};
use shared::plan::{
    fixture, new_plan_document, Closing, ClosingReason, Meeting, Participant, ParticipantKind, TextPath,
};
use shared::{DocumentId, Role};

use crate::access::{http, participant_in};
use crate::harness::*;

/// The plans `token`'s principal is a member of, as the server lists them.
async fn my_plans(server: &TestServer, token: &str) -> Vec<MyPlan> {
    let (status, body) = http(server, "GET", "/api/plans", Some(token), None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A plan titled `title` made by `token`'s principal, changed by `change`
/// and synced.
async fn plan_by(
    server: &TestServer,
    token: &str,
    title: &str,
    change: impl FnOnce(&mut automerge::AutoCommit),
) -> DocumentId {
    let id = DocumentId::random();
    let mut doc = new_plan_document(title).expect("plan");
    change(&mut doc);
    let mut client = Client::connect_as(server, token, &format!("peer-{id}"), id, doc).await;
    client.until_synced().await;
    id
}

/// The one-time token of the invitation `by` makes to plan `id` for `role`.
async fn invitation(server: &TestServer, by: &str, id: DocumentId, role: &str) -> String {
    let body = format!("{{\"role\":\"{role}\",\"label\":\"test\"}}");
    let (status, body) =
        http(server, "POST", &format!("/api/plans/{id}/invitations"), Some(by), Some(&body)).await;
    assert_eq!(status, 201, "{body}");
    let link: serde_json::Value = serde_json::from_str(&body).expect("json");
    link["link"].as_str().and_then(|l| l.split_once('#')).map(|(_, t)| t.to_string()).expect("token")
}

/// A new device's session after it redeemed `token`.
async fn device_session(server: &TestServer, token: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = format!("{{\"token\":\"{token}\"}}");
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "POST /api/invitations/redeem HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: samplan_session="))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("a device session: {response}"))
}

/// Anna's plan: her name, a coordinator chosen among the participants, a
/// meeting and a follow-up.
fn annas_plan(doc: &mut automerge::AutoCommit) {
    set_text_at(doc, &TextPath::PersonName, "Anna Berg").expect("name");
    let karin = Participant { name: "Karin Ek".into(), ..Participant::default() };
    let karin = edit::add_participant(doc, karin).expect("participant");
    edit::set_coordinator(doc, Some(&karin)).expect("coordinator");
    edit::add_meeting(doc, &Meeting { date: Some("2027-02-01".into()), ..Meeting::default() })
        .expect("meeting");
    edit::set_next_follow_up(doc, Some("2027-01-15")).expect("follow-up");
}

/// Bo's plan: no name but a participant who is the person (closed by
/// [`close`]).
fn bos_plan(doc: &mut automerge::AutoCommit) {
    let bo = Participant { name: "Bo Ek".into(), kind: ParticipantKind::Person, ..Participant::default() };
    edit::add_participant(doc, bo).expect("participant");
}

/// The plan `client` has open, closed by `token`'s principal in its own name.
async fn close(server: &TestServer, token: &str, client: &mut Client) {
    let (author, name) = participant_in(server, token, client.id, &mut client.doc).await;
    let closing = Closing { author, ..fixture::closing(ClosingReason::GoalsMet, &name) };
    edit::close_plan(&mut client.doc, &closing).expect("close");
    client.push().await;
    client.until_synced().await;
}

fn listed(id: DocumentId, title: &str, person: &str, coordinator: &str, role: Role) -> MyPlan {
    MyPlan {
        document_id: id.to_string(),
        title: title.into(),
        person: person.into(),
        coordinator: coordinator.into(),
        next_follow_up: None,
        meetings: Vec::new(),
        closed: false,
        role,
    }
}

#[tokio::test]
async fn a_member_lists_their_own_plans_and_nothing_else() {
    let server = TestServer::fresh().await;
    let testare = server.token.clone();
    let eva = server.token_for("Eva").await;

    let anna = plan_by(&server, &testare, "Annas plan", annas_plan).await;
    let bo = plan_by(&server, &testare, "Bos plan", bos_plan).await;
    let mut bos = Client::connect_as(&server, &testare, "bo-closing", bo, automerge::AutoCommit::new()).await;
    bos.until("Bo's plan", |c| !shared::plan::is_empty(&c.doc)).await;
    close(&server, &testare, &mut bos).await;
    let deleted = plan_by(&server, &testare, "Borttagen plan", |_| {}).await;
    let (status, body) =
        http(&server, "DELETE", &format!("/api/plans/{deleted}"), Some(&testare), None).await;
    assert_eq!(status, 204, "{body}");
    // The self-report document of Anna's plan is part of that plan.
    let reports = plan_by(&server, &testare, "", |_| {}).await;
    let body = format!("{{\"document_id\":\"{reports}\"}}");
    let (status, body) =
        http(&server, "POST", &format!("/api/plans/{anna}/self-reports"), Some(&testare), Some(&body)).await;
    assert_eq!(status, 200, "{body}");
    // Eva's plans: one of her own, one she shares with Testare as an editor.
    let evas = plan_by(&server, &eva, "Evas plan", |_| {}).await;
    let shared_by_eva = plan_by(&server, &eva, "Delad plan", |_| {}).await;
    let token = invitation(&server, &eva, shared_by_eva, "editor").await;
    let redeem = format!("{{\"token\":\"{token}\"}}");
    let (status, body) =
        http(&server, "POST", "/api/invitations/redeem", Some(&testare), Some(&redeem)).await;
    assert_eq!(status, 200, "{body}");

    let annas = MyPlan {
        next_follow_up: Some("2027-01-15".into()),
        meetings: vec!["2027-02-01".into()],
        ..listed(anna, "Annas plan", "Anna Berg", "Karin Ek", Role::Coordinator)
    };
    // Without a coordinator among the participants: the member who coordinates.
    let bos = MyPlan { closed: true, ..listed(bo, "Bos plan", "Bo Ek", "Testare", Role::Coordinator) };
    let shared = listed(shared_by_eva, "Delad plan", "", "Eva", Role::Editor);
    assert_eq!(my_plans(&server, &testare).await, [shared, annas.clone(), bos]);
    assert_eq!(
        my_plans(&server, &eva).await,
        [
            listed(shared_by_eva, "Delad plan", "", "Eva", Role::Coordinator),
            listed(evas, "Evas plan", "", "Eva", Role::Coordinator),
        ]
    );

    // An invited device lists the plan it was invited to, in its role.
    let device = device_session(&server, &invitation(&server, &testare, anna, "reader").await).await;
    assert_eq!(my_plans(&server, &device).await, [MyPlan { role: Role::Reader, ..annas }]);
}

/// The app makes a plan's self-report document when the coordinator opens
/// the plan, and links it to the plan once it is stored. In between it is
/// not a plan of its own: the coordinator's other device listed it as
/// "Namnlös plan" until its page was reloaded.
#[tokio::test]
async fn a_self_report_document_is_not_listed_even_before_it_is_linked() {
    let server = TestServer::fresh().await;
    let anna = plan_by(&server, &server.token, "Annas plan", annas_plan).await;
    let reports = DocumentId::random();
    let doc = shared::self_reports::new_self_reports_document(&anna.to_string()).expect("document");
    let mut client = Client::connect_as(&server, &server.token, "reports", reports, doc).await;
    client.until_synced().await;
    // A plan that someone gave a `reports` key is still a plan.
    let odd = plan_by(&server, &server.token, "Udda plan", |doc| {
        use automerge::transaction::Transactable;
        doc.put_object(automerge::ROOT, "reports", automerge::ObjType::Map).expect("key");
    })
    .await;
    let mut listed: Vec<String> =
        my_plans(&server, &server.token).await.into_iter().map(|plan| plan.document_id).collect();
    listed.sort();
    let mut plans = vec![anna.to_string(), odd.to_string()];
    plans.sort();
    assert_eq!(listed, plans);
}

#[tokio::test]
async fn the_list_needs_a_session() {
    let server = TestServer::fresh().await;
    plan_by(&server, &server.token, "Annas plan", annas_plan).await;
    for token in [None, Some("not-a-session")] {
        let (status, body) = http(&server, "GET", "/api/plans", token, None).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        assert!(!body.contains("Anna"), "{body}");
    }
}

#[tokio::test]
async fn a_plan_is_listed_as_it_is_after_every_change() {
    let server = TestServer::fresh().await;
    let id = DocumentId::random();
    let doc = new_plan_document("Annas plan").expect("plan");
    let mut anna = Client::connect_as(&server, &server.token, "anna", id, doc).await;
    anna.until_synced().await;
    let person = |plans: Vec<MyPlan>| plans.into_iter().map(|p| (p.person, p.closed)).collect::<Vec<_>>();
    assert_eq!(person(my_plans(&server, &server.token).await), [(String::new(), false)]);
    // Asked again with nothing changed, and after each change.
    assert_eq!(person(my_plans(&server, &server.token).await), [(String::new(), false)]);
    annas_plan(&mut anna.doc);
    anna.push().await;
    anna.until_synced().await;
    assert_eq!(person(my_plans(&server, &server.token).await), [("Anna Berg".to_string(), false)]);
    set_text_at(&mut anna.doc, &TextPath::PersonName, "Anna Ek").expect("name");
    close(&server, &server.token, &mut anna).await;
    assert_eq!(person(my_plans(&server, &server.token).await), [("Anna Ek".to_string(), true)]);
}
