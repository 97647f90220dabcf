use super::*;
use crate::plan::fixture::example_plan;
use crate::plan::{edit, read_plan, Meeting};

fn state(doc: &mut automerge::AutoCommit) -> ApprovalState {
    let plan = read_plan(doc).expect("plan");
    approval_state(&plan, |heads| plan_at(doc, heads))
}

#[test]
fn a_plan_without_approvals_is_not_approved() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    assert_eq!(state(&mut doc), ApprovalState::NoneYet);
    edit::add_meeting(&mut doc, &Meeting::default()).expect("meeting");
    assert_eq!(state(&mut doc), ApprovalState::NoneYet, "a meeting with no approval");
}

/// The example plan, its current meeting and its participants' ids.
fn example_meeting() -> (automerge::AutoCommit, String, Vec<String>) {
    let doc = example_plan().expect("example");
    let plan = read_plan(&doc).expect("plan");
    let meeting = current_meeting(&plan).expect("meeting").clone();
    let participants = plan.ordered_participants().iter().map(|(id, _)| (*id).clone()).collect();
    (doc, meeting, participants)
}

#[test]
fn an_approval_holds_until_the_plan_changes() {
    let (mut doc, meeting, participants) = example_meeting();
    let participant = participants[1].clone();
    edit::approve(&mut doc, &meeting, &participant, "Jonas Ek", 10).expect("approve");
    assert_eq!(state(&mut doc), ApprovalState::Current);
    edit::add_goal(&mut doc, "Jag vill kunna laga min mat").expect("goal");
    assert_eq!(state(&mut doc), ApprovalState::ChangedAfter, "a new goal after the approval");
    edit::approve(&mut doc, &meeting, &participant, "Jonas Ek", 20).expect("approve again");
    assert_eq!(state(&mut doc), ApprovalState::Current, "approved again");
}

#[test]
fn a_later_approval_does_not_outdate_an_earlier_one() {
    let (mut doc, meeting, ids) = example_meeting();
    edit::approve(&mut doc, &meeting, &ids[0], "A", 1).expect("approve");
    edit::approve(&mut doc, &meeting, &ids[1], "B", 2).expect("approve");
    let plan = read_plan(&doc).expect("plan");
    let first = &plan.meetings[&meeting].approvals[&ids[0]].0.heads;
    let then = plan_at(&mut doc, first).expect("the first approval's version");
    assert_eq!(approved_content(&then), approved_content(&plan));
    assert_eq!(state(&mut doc), ApprovalState::Current);
}

#[test]
fn an_unknown_version_counts_as_changed() {
    let doc = example_plan().expect("example");
    let plan = read_plan(&doc).expect("plan");
    assert_eq!(approval_state(&plan, |_| None), ApprovalState::ChangedAfter);
}

#[test]
fn an_own_approval_is_written_by_the_approver_and_an_oral_one_names_who_recorded_it() {
    let (mut doc, meeting, ids) = example_meeting();
    edit::approve(&mut doc, &meeting, &ids[0], "Anna Berg", 1).expect("approve");
    edit::record_oral_approval(&mut doc, &meeting, &ids[1], "Jonas Ek", 2, (&ids[0], "Anna Berg"))
        .expect("oral approval");
    let plan = read_plan(&doc).expect("plan");
    let own = &plan.meetings[&meeting].approvals[&ids[0]].0;
    assert_eq!((own.author.as_str(), own.oral, own.recorded_by.as_str()), (ids[0].as_str(), false, ""));
    let oral = &plan.meetings[&meeting].approvals[&ids[1]].0;
    assert_eq!(
        (oral.author.as_str(), oral.oral, oral.recorded_by.as_str()),
        (ids[0].as_str(), true, "Anna Berg")
    );
    assert_eq!(oral.name, "Jonas Ek");
    assert_eq!(state(&mut doc), ApprovalState::Current, "an oral approval approves as well");
    let text = crate::plan::export::to_text(&plan);
    assert!(text.contains("godkände planen muntligt på mötet (antecknat av Anna Berg)"), "{text}");
}

#[test]
fn an_approval_stored_before_the_plan_knew_who_is_who_still_reads() {
    #[derive(serde::Serialize)]
    struct Before {
        heads: Vec<String>,
        approved_at: i64,
        name: String,
    }
    let mut bytes = Vec::new();
    ciborium::into_writer(&Before { heads: vec![], approved_at: 3, name: "Eva".into() }, &mut bytes)
        .expect("cbor");
    let read: crate::plan::Approval = ciborium::from_reader(bytes.as_slice()).expect("read");
    assert_eq!((read.name.as_str(), read.author.as_str(), read.oral), ("Eva", "", false));
}
