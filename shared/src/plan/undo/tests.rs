use super::*;
use crate::plan::edit;
use crate::plan::fixture::example_plan;
use crate::plan::read_plan;

/// Remove what `removed` names from the example plan with `remove`, put it
/// back, and check the plan is as it was.
fn check(pick: impl Fn(&Plan) -> Option<Removed>, remove: impl Fn(&mut AutoCommit, &Removed)) {
    let mut doc = example_plan().expect("fixture");
    let before = read_plan(&doc).expect("plan");
    let removed = pick(&before).expect("the item is there");
    remove(&mut doc, &removed);
    assert_ne!(read_plan(&doc).expect("plan"), before, "removed");
    put_back(&mut doc, &removed).expect("put back");
    assert_eq!(read_plan(&doc).expect("plan"), before, "as it was, at its place");
    // Putting back twice changes nothing more.
    put_back(&mut doc, &removed).expect("put back again");
    assert_eq!(read_plan(&doc).expect("plan"), before);
}

#[test]
fn a_removed_goal_comes_back_with_its_sub_goals() {
    check(
        |p| Removed::goal(p, p.ordered_goals().first()?.0),
        |doc, r| edit::remove_goal(doc, r.id()).expect("remove"),
    );
}

#[test]
fn a_removed_sub_goal_comes_back() {
    check(
        |p| {
            let (goal_id, goal) = p.ordered_goals().into_iter().find(|(_, g)| !g.sub_goals.is_empty())?;
            Removed::sub_goal(p, goal_id, goal.sub_goals.keys().next()?)
        },
        |doc, r| {
            let Removed::SubGoal { goal_id, id, .. } = r else { panic!("a sub-goal") };
            edit::remove_sub_goal(doc, goal_id, id).expect("remove")
        },
    );
}

#[test]
fn a_removed_intervention_and_participant_come_back() {
    check(
        |p| Removed::intervention(p, p.ordered_interventions().first()?.0),
        |doc, r| edit::remove_intervention(doc, r.id()).expect("remove"),
    );
    check(
        |p| Removed::participant(p, p.ordered_participants().first()?.0),
        |doc, r| edit::remove_participant(doc, r.id()).expect("remove"),
    );
}

#[test]
fn a_sub_goal_whose_goal_is_gone_cannot_come_back() {
    let mut doc = example_plan().expect("fixture");
    let plan = read_plan(&doc).expect("plan");
    let (goal_id, goal) =
        plan.ordered_goals().into_iter().find(|(_, g)| !g.sub_goals.is_empty()).expect("goal");
    let removed = Removed::sub_goal(&plan, goal_id, goal.sub_goals.keys().next().expect("sub")).expect("sub");
    edit::remove_goal(&mut doc, goal_id).expect("remove");
    assert!(put_back(&mut doc, &removed).is_err());
}
