use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};

use super::*;
use crate::plan::edit::{self, close_plan, record_consent, set_text_at};
use crate::plan::fixture::{self, example_plan};
use crate::plan::{read_plan, ConsentEntry};

fn closing(reason: ClosingReason) -> Closing {
    fixture::closing(reason, "Eva Lund")
}

fn withdrawal() -> ConsentEntry {
    fixture::withdrawal("Per Ek")
}

/// The verdict on `edit` of the example plan (closed first by the
/// coordinator with `closed`, if given), for both authorities, checked
/// over the document and over whole plans (which must agree).
fn check_edit(
    closed: Option<ClosingReason>,
    edit: impl Fn(&mut AutoCommit),
) -> [(Authority, Result<(), Refusal>); 2] {
    let mut doc = example_plan().expect("fixture");
    if let Some(reason) = closed {
        close_plan(&mut doc, &closing(reason)).expect("close");
    }
    let before_doc = doc.clone();
    edit(&mut doc);
    let (before, after) = (Guarded::read(&before_doc), Guarded::read(&doc));
    let (before_plan, after_plan) = (read_plan(&before_doc).ok(), read_plan(&doc).ok());
    // None of these edits removes an item: the person is a member here.
    assert_eq!(check(Authority::Person, &before, &after), check(Authority::Member, &before, &after));
    [Authority::Coordinator, Authority::Member].map(|authority| {
        let verdict = check(authority, &before, &after);
        if let (Some(before_plan), Some(after_plan)) = (&before_plan, &after_plan) {
            assert_eq!(
                check_plans(authority, before_plan, after_plan),
                verdict,
                "over plans and over the document"
            );
        }
        (authority, verdict)
    })
}

const REFUSED: Result<(), Refusal> = Err(Refusal::ClosingIsTheCoordinators);

#[test]
fn anyone_who_edits_may_change_what_is_not_the_closing() {
    let verdicts = check_edit(None, |doc| {
        set_text_at(doc, &crate::plan::TextPath::PersonName, "Anna B").expect("edit");
    });
    assert_eq!(verdicts, [(Authority::Coordinator, Ok(())), (Authority::Member, Ok(()))]);
    let on_a_closed_plan = check_edit(Some(ClosingReason::GoalsMet), |doc| {
        set_text_at(doc, &crate::plan::TextPath::PersonName, "Anna B").expect("edit");
    });
    assert_eq!(on_a_closed_plan, verdicts);
}

#[test]
fn only_the_coordinator_closes_the_plan() {
    for reason in [ClosingReason::GoalsMet, ClosingReason::NoLongerNeeded, ClosingReason::Other] {
        let verdicts = check_edit(None, |doc| close_plan(doc, &closing(reason)).expect("close"));
        assert_eq!(verdicts, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)], "{reason:?}");
    }
}

#[test]
fn anyone_who_edits_may_record_a_withdrawal_which_closes_the_plan() {
    let verdicts = check_edit(None, |doc| {
        record_consent(doc, &withdrawal()).expect("withdraw");
    });
    assert_eq!(verdicts, [(Authority::Coordinator, Ok(())), (Authority::Member, Ok(()))]);
    assert!(may_record_withdrawal(Authority::Member));
}

#[test]
fn only_the_coordinator_changes_or_removes_a_closing() {
    for closed in [ClosingReason::GoalsMet, ClosingReason::ConsentWithdrawn] {
        let changed = check_edit(Some(closed), |doc| {
            let mut other = closing(closed);
            other.comment = "Ändrat".into();
            close_plan(doc, &other).expect("change");
        });
        assert_eq!(changed, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)], "{closed:?}");
        let reopened = check_edit(Some(closed), |doc| doc.delete(ROOT, "closing").expect("reopen"));
        assert_eq!(reopened, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)], "{closed:?}");
    }
    // Withdrawn consent on a plan already closed for another reason: the
    // log records it, the closing stays as it was, so nothing is refused.
    let withdrawn_when_closed = check_edit(Some(ClosingReason::GoalsMet), |doc| {
        record_consent(doc, &withdrawal()).expect("withdraw");
    });
    assert_eq!(withdrawn_when_closed, [(Authority::Coordinator, Ok(())), (Authority::Member, Ok(()))]);
    // But rewriting a closing as a withdrawal is a change of the closing.
    let rewritten = check_edit(Some(ClosingReason::GoalsMet), |doc| {
        close_plan(doc, &closing(ClosingReason::ConsentWithdrawn)).expect("rewrite");
    });
    assert_eq!(rewritten, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)]);
    assert!(may_close(Authority::Coordinator) && !may_close(Authority::Member));
}

#[test]
fn a_closing_that_is_not_one_is_the_coordinators_to_touch() {
    let verdicts = check_edit(None, |doc| doc.put(ROOT, "closing", "stängd").expect("put"));
    assert_eq!(verdicts, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)]);
    let mut doc = example_plan().expect("fixture");
    doc.put(ROOT, "closing", "stängd").expect("put");
    assert_eq!(Guarded::read(&doc).closing, ClosingState::Unreadable);
}

#[test]
fn the_guarded_parts_read_from_the_document_are_those_of_the_plan() {
    let mut doc = example_plan().expect("fixture");
    assert_eq!(Guarded::read(&doc), Guarded::of(&read_plan(&doc).expect("plan")));
    assert_eq!(Guarded::read(&doc).closing, ClosingState::Open);
    close_plan(&mut doc, &closing(ClosingReason::Other)).expect("close");
    let guarded = Guarded::read(&doc);
    assert_eq!(guarded, Guarded::of(&read_plan(&doc).expect("plan")));
    assert_eq!(guarded.closing, ClosingState::Closed((&closing(ClosingReason::Other)).into()));
}

#[test]
fn a_closing_with_fields_missing_is_still_a_closing() {
    // As another client may write it: only the reason and the date.
    fn partial(reason: &'static str) -> impl Fn(&mut AutoCommit) {
        move |doc| {
            let closing = doc.put_object(ROOT, "closing", automerge::ObjType::Map).expect("closing");
            doc.put(&closing, "reason", reason).expect("reason");
            doc.put(&closing, "date", "2026-11-25").expect("date");
        }
    }
    let withdrawn = check_edit(None, partial("ConsentWithdrawn"));
    assert_eq!(withdrawn, [(Authority::Coordinator, Ok(())), (Authority::Member, Ok(()))]);
    let goals_met = check_edit(None, partial("GoalsMet"));
    assert_eq!(goals_met, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)]);
    let changed = check_edit(Some(ClosingReason::ConsentWithdrawn), |doc| {
        let Some((_, closing)) = doc.get(ROOT, "closing").expect("get") else { panic!("closed") };
        doc.put(&closing, "date", "2020-01-01").expect("date");
    });
    assert_eq!(changed, [(Authority::Coordinator, Ok(())), (Authority::Member, REFUSED)]);
}

/// An edit of a plan, knowing what the plan holds.
type Edit = dyn Fn(&mut AutoCommit, &Plan);

/// The verdicts of the coordinator, an editor and the person on `edit` of
/// the example plan, over the document and over whole plans.
fn verdicts_on(edit: impl Fn(&mut AutoCommit, &Plan)) -> [Result<(), Refusal>; 3] {
    let mut doc = example_plan().expect("fixture");
    let plan = read_plan(&doc).expect("plan");
    edit(&mut doc, &plan);
    let after_plan = read_plan(&doc).expect("plan after");
    let (before, after) = (Guarded::of(&plan), Guarded::read(&doc));
    [Authority::Coordinator, Authority::Member, Authority::Person].map(|authority| {
        let verdict = check(authority, &before, &after);
        assert_eq!(check_plans(authority, &plan, &after_plan), verdict, "over plans and over the document");
        verdict
    })
}

#[test]
fn the_person_removes_no_goal_sub_goal_intervention_or_participant() {
    const REMOVAL: Result<(), Refusal> = Err(Refusal::RemovalIsNotThePersons);
    fn first(ids: Vec<&String>) -> String {
        ids.first().map(|id| id.to_string()).expect("an item in the example plan")
    }
    let removals: [(&str, Box<Edit>); 4] = [
        (
            "goal",
            Box::new(|doc, plan| {
                edit::remove_goal(doc, &first(plan.goals.keys().collect())).expect("remove")
            }),
        ),
        (
            "sub-goal",
            Box::new(|doc, plan| {
                let (goal, sub) = plan
                    .goals
                    .iter()
                    .find_map(|(id, goal)| goal.sub_goals.keys().next().map(|sub| (id.clone(), sub.clone())))
                    .expect("a sub-goal in the example plan");
                edit::remove_sub_goal(doc, &goal, &sub).expect("remove")
            }),
        ),
        (
            "intervention",
            Box::new(|doc, plan| {
                edit::remove_intervention(doc, &first(plan.interventions.keys().collect())).expect("remove")
            }),
        ),
        (
            "participant",
            Box::new(|doc, plan| {
                edit::remove_participant(doc, &first(plan.participants.keys().collect())).expect("remove")
            }),
        ),
    ];
    for (what, removal) in removals {
        assert_eq!(verdicts_on(removal), [Ok(()), Ok(()), REMOVAL], "removing a {what}");
    }
    // Adding and writing are the person's as everyone's.
    let added = verdicts_on(|doc, _| {
        edit::add_goal(doc, "Jag vill laga mat själv").expect("add");
        set_text_at(doc, &crate::plan::TextPath::PersonName, "Anna B").expect("edit");
    });
    assert_eq!(added, [Ok(()), Ok(()), Ok(())]);
    assert!(may_remove(Authority::Member) && !may_remove(Authority::Person));
}

#[test]
fn a_document_without_items_has_none_to_remove() {
    let guarded = Guarded::read(&AutoCommit::new());
    assert!(guarded.items.is_empty());
    assert_eq!(check(Authority::Person, &guarded, &guarded), Ok(()));
}
