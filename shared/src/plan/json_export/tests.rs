use crate::plan::{
    edit, fixture, read_plan, Closing, ClosingReason, Deviation, DeviationKind, Revision, Text,
};

use super::*;

const SCHEMA: &str = include_str!("../../../schema/samplan-plan-export.v2.json");

fn validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn assert_valid(export: &Json) {
    let errors: Vec<String> =
        validator().iter_errors(export).map(|e| format!("{} at {}", e, e.instance_path())).take(10).collect();
    assert!(errors.is_empty(), "the export breaks the schema:\n{}", errors.join("\n"));
}

/// The example plan with every kind of record the fixtures lack: a
/// revision, a deviation and the closing.
fn plan_with_every_record() -> automerge::AutoCommit {
    let mut doc = fixture::example_plan().expect("example");
    edit::add_revision(
        &mut doc,
        &Revision {
            date: "2027-01-15".into(),
            by: "Maria Lind".into(),
            author: String::new(),
            summary: "Nytt delmål".into(),
            recorded_at: 1,
        },
    )
    .expect("revision");
    edit::add_deviation(
        &mut doc,
        &Deviation {
            kind: DeviationKind::PlanNotFollowed,
            description: Text::with_value("Hemtjänsten kom inte på fredagen"),
            date: "2027-01-10".into(),
            reporter: "Anna Berg".into(),
            author: String::new(),
            recorded_at: 2,
            intervention: None,
        },
    )
    .expect("deviation");
    edit::close_plan(
        &mut doc,
        &Closing {
            reason: ClosingReason::GoalsMet,
            date: "2027-04-15".into(),
            decided_with_person: true,
            by: "Maria Lind".into(),
            author: String::new(),
            comment: String::new(),
        },
    )
    .expect("closing");
    // A meeting that was held and ended.
    let meeting = read_plan(&doc).expect("plan").meetings.keys().next().cloned().expect("meeting");
    edit::update_meeting(&mut doc, &meeting, |m| {
        m.started_at = Some(3);
        m.phase = 2;
        m.end(4, "jonas", ["jonas"], |_| true);
    })
    .expect("meeting ended");
    doc
}

#[test]
fn the_large_plan_follows_the_schema() {
    let doc = fixture::large_plan().expect("large plan");
    assert_valid(&to_json_value(&doc));
}

#[test]
fn a_plan_with_every_kind_of_record_follows_the_schema() {
    assert_valid(&to_json_value(&plan_with_every_record()));
}

#[test]
fn records_are_structured_not_byte_arrays() {
    let doc = plan_with_every_record();
    let plan = read_plan(&doc).expect("plan");
    let json = to_json_value(&doc);
    let (consent_id, consent) = plan.consent.iter().next().expect("the example has consent");
    let exported = &json["plan"]["consent"][consent_id];
    assert_eq!(exported["decision"], "Given");
    assert_eq!(exported["recorded_by"], consent.recorded_by.as_str());
    assert_eq!(exported["date"], consent.date.as_str());
    let (meeting_id, meeting) = plan.meetings.iter().next().expect("the example has a meeting");
    let (approval_id, approval) = meeting.approvals.iter().next().expect("and an approval");
    let exported = &json["plan"]["meetings"][meeting_id]["approvals"][approval_id];
    assert_eq!(exported["name"], approval.name.as_str());
    assert_eq!(exported["heads"][0], approval.heads[0].as_str());
    assert_eq!(json["plan"]["closing"]["reason"], "GoalsMet");
}

#[test]
fn the_schema_refuses_what_version_1_wrote() {
    // Version 1 wrote a consent entry as its CBOR bytes: a list of numbers.
    let doc = fixture::example_plan().expect("example");
    let mut json = to_json_value(&doc);
    let consent = json["plan"]["consent"].as_object_mut().expect("consent");
    let id = consent.keys().next().cloned().expect("an entry");
    consent.insert(id, Json::Array(vec![Json::from(168), Json::from(104)]));
    assert!(!validator().is_valid(&json), "a byte array is not a consent entry");
}

#[test]
fn every_goal_intervention_and_participant_is_exported() {
    let doc = fixture::large_plan().expect("large plan");
    let plan = read_plan(&doc).expect("plan");
    let json = to_json_value(&doc);
    for (id, goal) in &plan.goals {
        assert_eq!(json["plan"]["goals"][id]["text"], goal.text.as_str());
    }
    for (id, intervention) in &plan.interventions {
        assert_eq!(json["plan"]["interventions"][id]["what"], intervention.what.as_str());
    }
    for (id, participant) in &plan.participants {
        assert_eq!(json["plan"]["participants"][id]["name"], participant.name.as_str());
    }
}
