use automerge::AutoCommit;

use super::*;
use crate::plan::edit::{close_plan, record_consent};
use crate::plan::fixture::{self, example_plan, FIXTURE_TIME};
use crate::plan::rules::{check, Authority, Guarded, Refusal};
use crate::plan::{new_plan_document, read_plan, ClosingReason, ConsentDecision, ConsentEntry};

fn lifecycle(doc: &AutoCommit) -> Lifecycle {
    read_plan(doc).expect("plan").lifecycle()
}

/// The person's consent (or other `decision`), `days` after the fixture's time.
fn decision(decision: ConsentDecision, days: i64) -> ConsentEntry {
    ConsentEntry { decision, recorded_at: FIXTURE_TIME + days * 86_400_000, ..fixture::withdrawal("Per Ek") }
}

#[test]
fn a_plan_goes_from_draft_to_consented_to_active_and_is_closed() {
    let mut doc = new_plan_document("Plan").expect("plan");
    assert_eq!(lifecycle(&doc), Lifecycle::Draft);
    record_consent(&mut doc, &decision(ConsentDecision::Refused, 1)).expect("refused");
    assert_eq!(lifecycle(&doc), Lifecycle::Draft, "refused: nothing may be made");
    record_consent(&mut doc, &decision(ConsentDecision::Given, 2)).expect("given");
    assert_eq!(lifecycle(&doc), Lifecycle::Consented);
    // The example plan is consented and approved at its meeting.
    let mut example = example_plan().expect("fixture");
    assert_eq!(lifecycle(&example), Lifecycle::Active);
    close_plan(&mut example, &fixture::closing(ClosingReason::GoalsMet, "Eva Lund")).expect("close");
    assert_eq!(lifecycle(&example), Lifecycle::Closed);
}

#[test]
fn consent_given_again_after_a_withdrawal_reopens_the_plan() {
    let mut doc = example_plan().expect("fixture");
    record_consent(&mut doc, &decision(ConsentDecision::Withdrawn, 60)).expect("withdrawn");
    assert_eq!(lifecycle(&doc), Lifecycle::Closed);
    let before = Guarded::read(&doc);
    record_consent(&mut doc, &decision(ConsentDecision::Given, 61)).expect("given again");
    let plan = read_plan(&doc).expect("plan");
    assert_eq!(plan.closing, None, "no longer closed");
    assert!(plan.is_active());
    assert_eq!(plan.lifecycle(), Lifecycle::Reopened);
    // Anyone who may record the withdrawal may record the consent again.
    let after = Guarded::read(&doc);
    assert_eq!(check(Authority::Member, &before, &after), Ok(()), "{before:?} → {after:?}");
}

#[test]
fn consent_given_again_leaves_a_plan_closed_for_another_reason_closed() {
    let mut doc = example_plan().expect("fixture");
    close_plan(&mut doc, &fixture::closing(ClosingReason::GoalsMet, "Eva Lund")).expect("close");
    record_consent(&mut doc, &decision(ConsentDecision::Withdrawn, 60)).expect("withdrawn");
    record_consent(&mut doc, &decision(ConsentDecision::Given, 61)).expect("given again");
    let plan = read_plan(&doc).expect("plan");
    assert_eq!(plan.closing.as_ref().map(|c| c.reason), Some(ClosingReason::GoalsMet));
    assert_eq!(plan.lifecycle(), Lifecycle::Closed);
}

#[test]
fn a_member_may_not_reopen_a_withdrawn_plan_without_consent() {
    let mut doc = example_plan().expect("fixture");
    record_consent(&mut doc, &decision(ConsentDecision::Withdrawn, 60)).expect("withdrawn");
    let before = Guarded::read(&doc);
    let mut reopened = doc.clone();
    crate::plan::edit::close_plan(&mut reopened, &fixture::closing(ClosingReason::GoalsMet, "x")).expect("x");
    autosurgeon::reconcile_prop(&mut reopened, automerge::ROOT, "closing", None::<crate::plan::Closing>)
        .expect("reopen");
    let refused = Err(Refusal::ClosingIsTheCoordinators);
    assert_eq!(check(Authority::Member, &before, &Guarded::read(&reopened)), refused);
    assert_eq!(check(Authority::Coordinator, &before, &Guarded::read(&reopened)), Ok(()));
}

#[test]
fn the_life_cycle_has_swedish_labels() {
    let labels =
        [Lifecycle::Draft, Lifecycle::Consented, Lifecycle::Active, Lifecycle::Closed, Lifecycle::Reopened]
            .map(Lifecycle::label);
    assert_eq!(labels, ["Utkast", "Samtycke finns", "Pågår", "Avslutad", "Öppnad igen"]);
}
