//! The actors of a history the CLI stored belong to no person.

use crate::access::*;
use crate::harness::*;

/// Run `samplan-server demo` on the server's data directory; the plan's id.
fn demo_plan(server: &TestServer) -> shared::DocumentId {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_samplan-server"))
        .args(["demo", "--owner", "Testare", "--data-dir"])
        .arg(&server.data_dir)
        .env("RUST_LOG", "error")
        .output()
        .expect("run samplan-server demo");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let path = stdout.lines().last().expect("the address");
    let id = path.strip_prefix("/plan/").unwrap_or_else(|| panic!("unexpected last line: {path}"));
    shared::DocumentId::parse_url_or_id(id).expect("a plan id")
}

/// `client` makes a change as the first actor of the stored history: refused, nothing stored.
async fn write_as_history(server: &TestServer, client: &mut Client, who: &str) {
    let before = stored_heads(server, client.id).await;
    let actor = client.doc.get_changes(&[]).first().expect("the history has changes").actor_id().clone();
    client.doc.set_actor(actor);
    shared::plan::set_text(&mut client.doc, shared::plan::PlanText::MainGoal, "skrivet i historikens namn")
        .expect("edit");
    assert_push_refused(server, client, &before, who).await;
}

#[tokio::test]
async fn nobody_writes_as_the_actors_of_a_history_the_cli_stored() {
    let server = TestServer::fresh().await;
    let id = demo_plan(&server);
    // The owner (its coordinator) and an editor both have the plan.
    let mut owner =
        Client::connect_as(&server, &server.token, "ägare", id, automerge::AutoCommit::new()).await;
    owner.until_synced().await;
    assert!(!shared::plan::is_empty(&owner.doc), "the demo plan is there");
    let eva = signed_in_editor(&server, "Eva", id).await;
    let mut editor = Client::connect_as(&server, &eva, "eva", id, automerge::AutoCommit::new()).await;
    editor.until_synced().await;

    write_as_history(&server, &mut editor, "an editor writing as the demo's author").await;
    write_as_history(&server, &mut owner, "the coordinator writing as the demo's author").await;
    // Under their own actors, both still write.
    let mut eva_again = Client::connect_as(&server, &eva, "eva-igen", id, automerge::AutoCommit::new()).await;
    eva_again.until_synced().await;
    eva_again.edit_synced(shared::plan::PlanText::MainGoal, "Evas eget mål").await;
}
