//! The member × participant matrix for approvals: one's own approval and
//! the chair's record of an oral one are accepted; anything else is refused.

use automerge::transaction::Transactable;
use automerge::AutoCommit;

use super::*;
use crate::plan::approvals::current_meeting;
use crate::plan::fixture::example_plan;
use crate::plan::{edit, read_plan};

/// The example plan, its current meeting, and two participants' ids: the
/// first is the meeting's chair.
fn meeting() -> (AutoCommit, String, String, String) {
    let mut doc = example_plan().expect("example");
    let plan = read_plan(&doc).expect("plan");
    let meeting = current_meeting(&plan).expect("meeting").clone();
    let ids: Vec<String> = plan.ordered_participants().iter().map(|(id, _)| (*id).clone()).collect();
    let (chair, other) = (ids[0].clone(), ids[1].clone());
    edit::update_meeting(&mut doc, &meeting, |m| {
        m.chair = Some(chair.clone());
        m.note_taker = None;
    })
    .expect("chair");
    (doc, meeting, chair, other)
}

/// `edit` made by `signer`, checked.
fn signed(
    doc: &mut AutoCommit,
    signer: Signer<'_>,
    edit: impl FnOnce(&mut AutoCommit),
) -> Result<(), SignatureRefusal> {
    let before = Signatures::read(doc);
    edit(doc);
    let after = Signatures::read(doc);
    check(signer, &before, &after, doc)
}

/// The name of participant `id` in the plan.
fn name(doc: &AutoCommit, id: &str) -> String {
    read_plan(doc).expect("plan").participants.get(id).map(|p| p.name.clone()).unwrap_or_default()
}

/// A third participant's id (neither the chair nor the other).
fn third(doc: &AutoCommit) -> String {
    read_plan(doc).expect("plan").ordered_participants()[2].0.clone()
}

fn member(participant: &str) -> Signer<'_> {
    Signer { participant, coordinator: false }
}

#[test]
fn each_approves_only_in_their_own_name() {
    let (mut doc, meeting, chair, other) = meeting();
    for (signer, whose, accepted) in [
        (member(&other), &other, true),
        (member(&other), &chair, false),
        (member(&chair), &other, false),
        (Signer { participant: &chair, coordinator: true }, &other, false),
        (member("someone-else"), &other, false),
    ] {
        let result = signed(&mut doc.fork(), signer, |doc| {
            let whose_name = name(doc, whose);
            edit::approve(doc, &meeting, whose, &whose_name, 1).expect("approve");
        });
        assert_eq!(result.is_ok(), accepted, "{signer:?} approving as {whose}: {result:?}");
        if !accepted {
            assert_eq!(result, Err(SignatureRefusal::NotYourApproval));
        }
    }
    let other_name = name(&doc, &other);
    assert!(signed(&mut doc, member(&other), |doc| edit::approve(doc, &meeting, &other, &other_name, 1)
        .expect("a"))
    .is_ok());
    let result = signed(&mut doc, member(&other), |doc| {
        edit::approve(doc, &meeting, &other, "Någon annan", 2).expect("a");
    });
    assert_eq!(result, Err(SignatureRefusal::NotYourApproval), "one's own approval under another name");
}

#[test]
fn the_chair_or_the_coordinator_records_an_oral_approval_and_is_named_for_it() {
    let (mut doc, meeting, chair, other) = meeting();
    let third = third(&doc);
    let other_name = name(&doc, &other);
    let oral = |recorder: &str| {
        let recorder = recorder.to_string();
        let (meeting, other, other_name) = (meeting.clone(), other.clone(), other_name.clone());
        move |doc: &mut AutoCommit| {
            let recorder_name = name(doc, &recorder);
            edit::record_oral_approval(doc, &meeting, &other, &other_name, 1, (&recorder, &recorder_name))
                .expect("oral");
        }
    };
    assert_eq!(signed(&mut doc.fork(), member(&chair), oral(&chair)), Ok(()), "the chair");
    assert_eq!(
        signed(&mut doc.fork(), Signer { participant: &third, coordinator: true }, oral(&third)),
        Ok(()),
        "the coordinator"
    );
    assert_eq!(
        signed(&mut doc.fork(), member(&third), oral(&third)),
        Err(SignatureRefusal::NotTheChair),
        "another member"
    );
    assert_eq!(
        signed(&mut doc.fork(), member(&third), oral(&chair)),
        Err(SignatureRefusal::NotYourApproval),
        "naming the chair as the one who recorded it"
    );
    let own_as_oral = {
        let (meeting, chair) = (meeting.clone(), chair.clone());
        move |doc: &mut AutoCommit| {
            let chair_name = name(doc, &chair);
            edit::record_oral_approval(doc, &meeting, &chair, &chair_name, 1, (&chair, &chair_name))
                .expect("oral");
        }
    };
    assert_eq!(signed(&mut doc.fork(), member(&chair), own_as_oral), Err(SignatureRefusal::NotYourApproval));
}

#[test]
fn an_approval_is_taken_away_only_by_its_author_or_the_coordinator() {
    let (mut doc, meeting, chair, other) = meeting();
    let other_name = name(&doc, &other);
    edit::approve(&mut doc, &meeting, &other, &other_name, 1).expect("approve");
    let remove = |doc: &mut AutoCommit| {
        let plan_meetings = doc.get(&automerge::ROOT, "meetings").expect("get").expect("meetings").1;
        let m = doc.get(&plan_meetings, meeting.as_str()).expect("get").expect("meeting").1;
        let list = doc.get(&m, "approvals").expect("get").expect("approvals").1;
        doc.delete(&list, other.as_str()).expect("delete");
    };
    assert_eq!(signed(&mut doc.fork(), member(&chair), remove), Err(SignatureRefusal::NotYoursToRemove));
    assert_eq!(signed(&mut doc.fork(), member(&other), remove), Ok(()));
    assert_eq!(signed(&mut doc.fork(), Signer { participant: &chair, coordinator: true }, remove), Ok(()));
}

#[test]
fn other_changes_and_approvals_already_stored_are_not_judged_again() {
    let (mut doc, meeting, chair, other) = meeting();
    let other_name = name(&doc, &other);
    edit::approve(&mut doc, &meeting, &other, &other_name, 1).expect("approve");
    let result = signed(&mut doc, member(&chair), |doc| {
        edit::add_goal(doc, "Jag vill laga mat").expect("goal");
    });
    assert_eq!(result, Ok(()));
}

#[test]
fn a_forged_approval_written_by_hand_is_refused() {
    let (mut doc, meeting, _chair, other) = meeting();
    let result = signed(&mut doc, member(&other), |doc| {
        let meetings = doc.get(&automerge::ROOT, "meetings").expect("get").expect("meetings").1;
        let m = doc.get(&meetings, meeting.as_str()).expect("get").expect("meeting").1;
        let list = doc.get(&m, "approvals").expect("get").map(|v| v.1);
        let list = match list {
            Some(list) => list,
            None => doc.put_object(&m, "approvals", automerge::ObjType::Map).expect("map"),
        };
        doc.put(&list, other.as_str(), "not a record").expect("put");
    });
    assert_eq!(result, Err(SignatureRefusal::NotYourApproval), "unreadable counts as not yours");
}
