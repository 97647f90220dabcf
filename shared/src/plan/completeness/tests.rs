use automerge::AutoCommit;

use super::*;
use crate::plan::edit;
use crate::plan::fixture::example_plan;
use crate::plan::{
    read_plan, ConsentDecision, ConsentEntry, ConsentForm, ConsentGiver, Intervention, Participant, TextPath,
};

fn plan_of(doc: &AutoCommit) -> Plan {
    read_plan(doc).expect("plan")
}

fn check_rule(doc: &AutoCommit, requirement: Requirement, met: bool) {
    let found = check(&plan_of(doc)).into_iter().find(|c| c.requirement == requirement).expect("checked");
    assert_eq!(found.met, met, "{requirement:?}: {:?}", found.detail);
    assert_eq!(found.detail.is_none(), met, "a detail says what is missing exactly when unmet");
}

fn consent(decision: ConsentDecision, at: i64) -> ConsentEntry {
    ConsentEntry {
        decision,
        form: ConsentForm::Oral,
        giver: ConsentGiver::Person,
        giver_name: String::new(),
        giver_id: String::new(),
        shared_with: None,
        not_shared: String::new(),
        date: "2026-10-01".into(),
        recorded_by: "Maria".into(),
        author: String::new(),
        comment: String::new(),
        recorded_at: at,
    }
}

#[test]
fn the_example_plan_is_complete() {
    let doc = example_plan().expect("fixture");
    assert_eq!(missing(&plan_of(&doc)), Vec::<Requirement>::new());
}

#[test]
fn a_new_plan_lacks_everything() {
    let doc = crate::plan::new_plan_document("").expect("plan");
    // A plan without sub-goals has none that lack a measure or a date, and
    // without consent nobody is outside it.
    let lacking: Vec<Requirement> = Requirement::ALL
        .into_iter()
        .filter(|r| *r != Requirement::SubGoalsMeasurable && *r != Requirement::ConsentCoversParticipants)
        .collect();
    assert_eq!(missing(&plan_of(&doc)), lacking);
    for r in Requirement::ALL {
        assert!(!r.label().is_empty());
    }
}

#[test]
fn consent_must_be_given_and_not_refused_or_withdrawn() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::Consent, false);
    edit::record_consent(&mut doc, &consent(ConsentDecision::Refused, 1)).expect("consent");
    check_rule(&doc, Requirement::Consent, false);
    edit::record_consent(&mut doc, &consent(ConsentDecision::Given, 2)).expect("consent");
    check_rule(&doc, Requirement::Consent, true);
    edit::record_consent(&mut doc, &consent(ConsentDecision::Withdrawn, 3)).expect("consent");
    check_rule(&doc, Requirement::Consent, false);
    let plan = plan_of(&doc);
    assert_eq!(plan.consent.len(), 3, "the log keeps every decision");
    assert!(plan.closing.is_some(), "withdrawal ends the plan");
    assert!(!plan.is_active());
}

#[test]
fn a_child_needs_every_guardian() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    let guardian = |name: &str, decision, at| ConsentEntry {
        giver: ConsentGiver::Guardian,
        giver_name: name.into(),
        ..consent(decision, at)
    };
    edit::record_consent(&mut doc, &guardian("Mamma", ConsentDecision::Given, 1)).expect("consent");
    edit::record_consent(&mut doc, &guardian("Pappa", ConsentDecision::Refused, 2)).expect("consent");
    check_rule(&doc, Requirement::Consent, false);
    edit::record_consent(&mut doc, &guardian("Pappa", ConsentDecision::Given, 3)).expect("consent");
    check_rule(&doc, Requirement::Consent, true);
}

#[test]
fn a_childs_plan_waits_for_every_guardian_among_the_participants() {
    use crate::plan::ParticipantKind;
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    edit::set_person_is_child(&mut doc, true).expect("child");
    let mamma = edit::add_participant(
        &mut doc,
        Participant { name: "Sara Lind".into(), kind: ParticipantKind::Guardian, ..Participant::default() },
    )
    .expect("guardian");
    let pappa = edit::add_participant(
        &mut doc,
        Participant { name: "Jonas Lind".into(), kind: ParticipantKind::Guardian, ..Participant::default() },
    )
    .expect("guardian");
    let by = |id: &str, name: &str, at| ConsentEntry {
        giver: ConsentGiver::Guardian,
        giver_id: id.into(),
        giver_name: name.into(),
        ..consent(ConsentDecision::Given, at)
    };
    edit::record_consent(&mut doc, &by(&mamma, "Sara Lind", 1)).expect("consent");
    let plan = plan_of(&doc);
    assert_eq!(plan.consent_state(), ConsentState::NotRecorded, "one guardian of two is not consent");
    assert_eq!(plan.guardians_awaited(), [(pappa.clone(), "Jonas Lind".to_string())]);
    let detail =
        check(&plan).into_iter().find(|c| c.requirement == Requirement::Consent).and_then(|c| c.detail);
    assert_eq!(detail.as_deref(), Some("Samtycke saknas från vårdnadshavare: Jonas Lind."));
    edit::record_consent(&mut doc, &by(&pappa, "Jonas Lind", 2)).expect("consent");
    let plan = plan_of(&doc);
    assert_eq!(plan.consent_state(), ConsentState::Given);
    assert!(plan.is_active());
    // A guardian who withdraws ends the plan, as the person would.
    edit::record_consent(
        &mut doc,
        &ConsentEntry { decision: ConsentDecision::Withdrawn, ..by(&pappa, "Jonas Lind", 3) },
    )
    .expect("withdraw");
    assert_eq!(plan_of(&doc).consent_state(), ConsentState::Withdrawn);
    // An adult's plan does not wait for guardians.
    edit::set_person_is_child(&mut doc, false).expect("adult");
    assert!(plan_of(&doc).guardians_awaited().is_empty());
}

#[test]
fn the_consent_says_with_whom_and_names_participants_it_does_not_cover() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    let anna =
        edit::add_participant(&mut doc, Participant { name: "Anna Berg".into(), ..Participant::default() })
            .expect("participant");
    // A consent from before the plan asked about its extent covers everyone.
    edit::record_consent(&mut doc, &consent(ConsentDecision::Given, 1)).expect("consent");
    check_rule(&doc, Requirement::ConsentCoversParticipants, true);
    let given = ConsentEntry {
        shared_with: Some(vec![anna.clone()]),
        not_shared: "  Min skuldsanering tas inte upp med skolan. ".into(),
        ..consent(ConsentDecision::Given, 2)
    };
    edit::record_consent(&mut doc, &given).expect("consent");
    check_rule(&doc, Requirement::ConsentCoversParticipants, true);
    let extent = plan_of(&doc).consent_extent().expect("in force");
    assert_eq!(extent.shared_with, Some(vec![anna.clone()]));
    assert_eq!(extent.not_shared, "Min skuldsanering tas inte upp med skolan.");
    // Someone added after the consent is outside it until it is recorded again.
    edit::add_participant(&mut doc, Participant { name: "Bo Ek".into(), ..Participant::default() })
        .expect("participant");
    check_rule(&doc, Requirement::ConsentCoversParticipants, false);
    let detail = check(&plan_of(&doc))
        .into_iter()
        .find(|c| c.requirement == Requirement::ConsentCoversParticipants)
        .and_then(|c| c.detail)
        .expect("detail");
    assert!(detail.starts_with("Samtycket gäller inte Bo Ek."), "{detail}");
    // The person themselves is never outside their own consent.
    edit::add_participant(
        &mut doc,
        Participant {
            name: "Kim".into(),
            kind: crate::plan::ParticipantKind::Person,
            ..Participant::default()
        },
    )
    .expect("person");
    assert_eq!(plan_of(&doc).participants_outside_consent().len(), 1);
}

#[test]
fn goals_need_text() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    let id = edit::add_goal(&mut doc, "  ").expect("goal");
    check_rule(&doc, Requirement::Goals, false);
    edit::set_text_at(&mut doc, &TextPath::goal(&id), "Jag vill laga mat själv").expect("text");
    check_rule(&doc, Requirement::Goals, true);
}

#[test]
fn every_intervention_needs_a_principal() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::InterventionsWithPrincipal, false);
    let id = edit::add_intervention(
        &mut doc,
        Intervention { what: "Hemtjänst".into(), ..Intervention::default() },
    )
    .expect("add");
    check_rule(&doc, Requirement::InterventionsWithPrincipal, false);
    let detail = check(&plan_of(&doc))
        .into_iter()
        .find(|c| c.requirement == Requirement::InterventionsWithPrincipal)
        .and_then(|c| c.detail)
        .expect("detail");
    assert!(detail.contains("Hemtjänst"), "{detail}");
    edit::update_intervention(&mut doc, &id, |i| i.principal = Some(Principal::Kommun)).expect("update");
    check_rule(&doc, Requirement::InterventionsWithPrincipal, true);
}

#[test]
fn measures_by_others_are_listed_or_explicitly_none() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::MeasuresByOthers, false);
    edit::set_no_measures_by_others(&mut doc, true).expect("set");
    check_rule(&doc, Requirement::MeasuresByOthers, true);
    edit::set_no_measures_by_others(&mut doc, false).expect("set");
    edit::add_intervention(
        &mut doc,
        Intervention {
            what: "Ansökan".into(), principal: Some(Principal::Other), ..Intervention::default()
        },
    )
    .expect("add");
    check_rule(&doc, Requirement::MeasuresByOthers, true);
}

#[test]
fn overall_responsibility_lies_with_kommun_or_region() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::OverallResponsibility, false);
    edit::set_overall_responsibility(&mut doc, Some(Principal::Other)).expect("set");
    check_rule(&doc, Requirement::OverallResponsibility, false);
    edit::set_overall_responsibility(&mut doc, Some(Principal::Region)).expect("set");
    check_rule(&doc, Requirement::OverallResponsibility, true);
}

#[test]
fn follow_up_needs_a_real_date() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::FollowUpDate, false);
    edit::set_next_follow_up(&mut doc, Some("2027-02-30")).expect("set");
    check_rule(&doc, Requirement::FollowUpDate, false);
    edit::set_next_follow_up(&mut doc, Some("2027-02-28")).expect("set");
    check_rule(&doc, Requirement::FollowUpDate, true);
}

#[test]
fn the_coordinator_is_a_participant_who_can_be_reached() {
    let mut doc = crate::plan::new_plan_document("").expect("plan");
    check_rule(&doc, Requirement::Coordinator, false);
    let id = edit::add_participant(&mut doc, Participant { name: "Maria".into(), ..Participant::default() })
        .expect("add");
    edit::set_coordinator(&mut doc, Some(&id)).expect("set");
    check_rule(&doc, Requirement::Coordinator, false);
    edit::update_participant(&mut doc, &id, |p| p.email = "maria@kommun.se".into()).expect("update");
    check_rule(&doc, Requirement::Coordinator, true);
    edit::remove_participant(&mut doc, &id).expect("remove");
    check_rule(&doc, Requirement::Coordinator, false);
}

#[test]
fn a_sub_goal_without_measure_or_date_is_listed() {
    let mut doc = example_plan().expect("fixture");
    check_rule(&doc, Requirement::SubGoalsMeasurable, true);
    let plan = plan_of(&doc);
    let (goal_id, goal) = plan.ordered_goals()[0];
    let (sub_id, _) = Plan::ordered(&goal.sub_goals, |s| &s.position)[0];
    edit::update_sub_goal(&mut doc, goal_id, sub_id, |sub_goal| sub_goal.target_date = None).expect("update");
    let detail_of = |doc: &AutoCommit| {
        let found = check(&plan_of(doc))
            .into_iter()
            .find(|c| c.requirement == Requirement::SubGoalsMeasurable)
            .expect("checked");
        assert_eq!(found.met, found.detail.is_none());
        found.detail.unwrap_or_default()
    };
    let detail = detail_of(&doc);
    assert!(detail.contains("Delmål 1.1") && detail.contains("saknar datum"), "{detail}");
    let goal_id = goal_id.clone();
    let new =
        crate::plan::SubGoal { text: crate::plan::Text::with_value("Nytt delmål"), ..Default::default() };
    edit::add_sub_goal(&mut doc, &goal_id, new).expect("add");
    let detail = detail_of(&doc);
    assert!(detail.contains("(Nytt delmål) saknar mått och datum"), "{detail}");
}

#[test]
fn the_approval_line_follows_the_approval_state() {
    use crate::plan::approvals::ApprovalState;
    let plan = plan_of(&example_plan().expect("fixture"));
    for (state, met) in [
        (ApprovalState::Current, true),
        (ApprovalState::ChangedAfter, false),
        (ApprovalState::NoneYet, false),
    ] {
        let checks = check_with_approval(&plan, state);
        let last = checks.last().expect("a line");
        assert_eq!(last.requirement, Requirement::Approved);
        assert_eq!(last.met, met, "{state:?}");
        assert_eq!(last.detail.is_none(), met);
        assert_eq!(checks.len(), Requirement::ALL.len() + 1);
    }
}
