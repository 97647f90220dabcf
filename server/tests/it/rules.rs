//! The plan's rules on the real server (`shared::plan::rules`): what a
//! role may not do even with write access is refused over the socket, with
//! nothing stored.

use automerge::ReadDoc;
use shared::plan::edit;

use crate::access::{assert_push_refused, device_member, participant_in, plan_made_by_testare, stored_heads};
use crate::harness::*;

#[tokio::test]
async fn the_person_removes_no_goal_and_an_editor_may() {
    let server = TestServer::fresh().await;
    let mut plan = plan_made_by_testare(&server).await;
    let goal = edit::add_goal(&mut plan.coordinator.doc, "Laga mat själv").expect("goal");
    plan.coordinator.push().await;
    plan.coordinator.until_synced().await;
    let person = device_member(&server, plan.id, "person").await;
    let editor = device_member(&server, plan.id, "editor").await;

    let mut own =
        Client::connect_as(&server, &person, "personen", plan.id, automerge::AutoCommit::new()).await;
    own.until("the person to have the goal", |c| has_goal(&c.doc, &goal)).await;
    participant_in(&server, &person, plan.id, &mut own.doc).await;
    own.push().await;
    own.until_synced().await;
    let before = stored_heads(&server, plan.id).await;
    edit::remove_goal(&mut own.doc, &goal).expect("remove");
    assert_push_refused(&server, &mut own, &before, "the person's removal of a goal").await;

    let mut other =
        Client::connect_as(&server, &editor, "redaktör", plan.id, automerge::AutoCommit::new()).await;
    other.until("the editor to have the goal", |c| has_goal(&c.doc, &goal)).await;
    edit::remove_goal(&mut other.doc, &goal).expect("remove");
    other.push().await;
    other.until_synced().await;
    plan.coordinator.until("the goal to be gone for the coordinator", |c| !has_goal(&c.doc, &goal)).await;
}

fn has_goal(doc: &automerge::AutoCommit, goal: &str) -> bool {
    let goals = doc.get(automerge::ROOT, "goals").ok().flatten().map(|(_, id)| id);
    goals.is_some_and(|goals| doc.get(&goals, goal).is_ok_and(|g| g.is_some()))
}
