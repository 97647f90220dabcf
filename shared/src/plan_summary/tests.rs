use automerge::AutoCommit;

use super::*;
use crate::plan::edit::{self, set_text_at};
use crate::plan::{fixture, new_plan_document, read_plan, ClosingReason, Meeting, Participant, TextPath};

fn summary(doc: &AutoCommit) -> PlanSummary {
    read(doc).expect("summary")
}

fn person(name: &str, kind: ParticipantKind) -> Participant {
    Participant { name: name.into(), kind, ..Participant::default() }
}

#[test]
fn the_example_plan_reads_as_the_whole_plan_says() {
    let doc = fixture::example_plan().expect("fixture");
    let plan = read_plan(&doc).expect("plan");
    let coordinator =
        plan.coordinator.as_ref().and_then(|id| plan.participants.get(id)).expect("coordinator");
    let mut meetings: Vec<String> = plan.meetings.values().filter_map(|m| m.date.clone()).collect();
    meetings.sort();
    assert_eq!(
        summary(&doc),
        PlanSummary {
            title: "SIP för Anna Berg".into(),
            person: "Anna Berg".into(),
            coordinator: Some(coordinator.name.clone()),
            next_follow_up: Some("2027-01-15".into()),
            meetings,
            closed: false,
        }
    );
}

#[test]
fn a_new_plan_has_nothing_to_show_but_its_name() {
    let doc = new_plan_document(" Bos plan ").expect("new plan");
    assert_eq!(summary(&doc), PlanSummary { title: "Bos plan".into(), ..PlanSummary::default() });
}

#[test]
fn without_the_persons_name_the_participant_who_is_the_person_is_named() {
    let mut doc = new_plan_document("").expect("new plan");
    edit::add_participant(&mut doc, person("Karin Ek", ParticipantKind::Professional)).expect("add");
    edit::add_participant(&mut doc, person("Bo Ek", ParticipantKind::Person)).expect("add");
    assert_eq!(summary(&doc).person, "Bo Ek");
    set_text_at(&mut doc, &TextPath::PersonName, "Bo Eriksson Ek").expect("name");
    assert_eq!(summary(&doc).person, "Bo Eriksson Ek");
}

#[test]
fn the_coordinator_is_the_participant_chosen_and_only_by_name() {
    let mut doc = new_plan_document("").expect("new plan");
    let karin =
        edit::add_participant(&mut doc, person("Karin Ek", ParticipantKind::Professional)).expect("add");
    let nameless = edit::add_participant(&mut doc, person(" ", ParticipantKind::Professional)).expect("add");
    assert_eq!(summary(&doc).coordinator, None);
    edit::set_coordinator(&mut doc, Some(&karin)).expect("coordinator");
    assert_eq!(summary(&doc).coordinator.as_deref(), Some("Karin Ek"));
    edit::set_coordinator(&mut doc, Some(&nameless)).expect("coordinator");
    assert_eq!(summary(&doc).coordinator, None);
}

#[test]
fn only_real_dates_are_listed_and_a_closing_closes() {
    let mut doc = new_plan_document("").expect("new plan");
    for date in [Some("2027-02-01"), None, Some("2027-13-40"), Some("2026-11-01"), Some("2027-02-01")] {
        let meeting = Meeting { date: date.map(str::to_string), ..Meeting::default() };
        edit::add_meeting(&mut doc, &meeting).expect("meeting");
    }
    edit::set_next_follow_up(&mut doc, Some("snart")).expect("follow-up");
    let read = summary(&doc);
    assert_eq!(read.meetings, ["2026-11-01", "2027-02-01"]);
    assert_eq!(read.next_follow_up, None);
    assert!(!read.closed);
    edit::close_plan(&mut doc, &fixture::closing(ClosingReason::GoalsMet, "Karin Ek")).expect("close");
    assert!(summary(&doc).closed);
}
