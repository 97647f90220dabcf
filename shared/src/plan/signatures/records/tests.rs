//! The member × participant matrix for the other signed records: consent
//! decisions, goal status, status reports, revisions, deviations and the
//! closing. Written by the participant the writer is, in their own name:
//! accepted; in anyone else's id or name: refused.

use automerge::AutoCommit;

use crate::plan::fixture::example_plan;
use crate::plan::signatures::{check, SignatureRefusal, Signatures, Signer};
use crate::plan::{
    edit, read_plan, Closing, ClosingReason, ConsentDecision, ConsentEntry, ConsentForm, ConsentGiver,
    Deviation, DeviationKind, InterventionReport, InterventionStatus, Outcome, Revision, StatusEntry,
};

/// The example plan and two participants: (id, name) each.
fn plan() -> (AutoCommit, (String, String), (String, String)) {
    let doc = example_plan().expect("example");
    let plan = read_plan(&doc).expect("plan");
    let people: Vec<(String, String)> =
        plan.ordered_participants().iter().map(|(id, p)| ((*id).clone(), p.name.clone())).collect();
    (doc, people[0].clone(), people[1].clone())
}

/// `edit` made by `signer`, checked.
fn signed(
    doc: &mut AutoCommit,
    signer: Signer<'_>,
    edit: impl FnOnce(&mut AutoCommit),
) -> Result<(), SignatureRefusal> {
    let before = Signatures::read(doc);
    edit(doc);
    check(signer, &before, &Signatures::read(doc), doc)
}

/// One way of writing a record, naming `(author, name)`.
type Write = fn(&mut AutoCommit, &str, &str);

fn consent(doc: &mut AutoCommit, author: &str, name: &str) {
    let entry = ConsentEntry {
        decision: ConsentDecision::Given,
        form: ConsentForm::Oral,
        giver: ConsentGiver::Person,
        giver_name: String::new(),
        giver_id: String::new(),
        shared_with: None,
        not_shared: String::new(),
        date: "2026-12-06".into(),
        recorded_by: name.into(),
        author: author.into(),
        comment: String::new(),
        recorded_at: 1,
    };
    edit::record_consent(doc, &entry).expect("consent");
}

fn goal_status(doc: &mut AutoCommit, author: &str, name: &str) {
    let goal = read_plan(doc).expect("plan").ordered_goals()[0].0.clone();
    let entry = StatusEntry {
        outcome: Outcome::PartlyFulfilled,
        date: "2026-12-06".into(),
        by: name.into(),
        author: author.into(),
        comment: String::new(),
        recorded_at: 1,
    };
    edit::record_goal_status(doc, &goal, None, &entry).expect("status");
}

fn report(doc: &mut AutoCommit, author: &str, name: &str) {
    let intervention = read_plan(doc).expect("plan").ordered_interventions()[0].0.clone();
    let report = InterventionReport {
        status: InterventionStatus::Done,
        comment: String::new(),
        date: "2026-12-06".into(),
        by: name.into(),
        author: author.into(),
        recorded_at: 1,
    };
    edit::report_intervention(doc, &intervention, &report).expect("report");
}

fn revision(doc: &mut AutoCommit, author: &str, name: &str) {
    let revision = Revision {
        date: "2026-12-06".into(),
        by: name.into(),
        author: author.into(),
        summary: "Nytt delmål".into(),
        recorded_at: 1,
    };
    edit::add_revision(doc, &revision).expect("revision");
}

fn deviation(doc: &mut AutoCommit, author: &str, name: &str) {
    let deviation = Deviation {
        kind: DeviationKind::PlanNotFollowed,
        description: "Ingen kom".into(),
        date: "2026-12-06".into(),
        reporter: name.into(),
        author: author.into(),
        recorded_at: 1,
        intervention: None,
    };
    edit::add_deviation(doc, &deviation).expect("deviation");
}

fn closing(doc: &mut AutoCommit, author: &str, name: &str) {
    let closing = Closing {
        reason: ClosingReason::GoalsMet,
        date: "2026-12-06".into(),
        decided_with_person: true,
        by: name.into(),
        author: author.into(),
        comment: String::new(),
    };
    edit::close_plan(doc, &closing).expect("close");
}

const KINDS: [(&str, Write); 6] = [
    ("consent", consent),
    ("goal status", goal_status),
    ("status report", report),
    ("revision", revision),
    ("deviation", deviation),
    ("closing", closing),
];

#[test]
fn every_record_names_its_writer_by_id_and_by_name() {
    let (mut doc, (me, my_name), (other, other_name)) = plan();
    let padded = format!("  {my_name} ");
    for (kind, write) in KINDS {
        // The closing is the coordinator's (plan::rules); the signature is
        // the same rule for everyone.
        for coordinator in [false, true] {
            let signer = Signer { participant: &me, coordinator };
            for (author, name, accepted, what) in [
                (me.as_str(), my_name.as_str(), true, "own id and own name"),
                (me.as_str(), padded.as_str(), true, "own name with spaces"),
                (other.as_str(), other_name.as_str(), false, "someone else's id and name"),
                (me.as_str(), other_name.as_str(), false, "own id, someone else's name"),
                (other.as_str(), my_name.as_str(), false, "someone else's id, own name"),
                (me.as_str(), "", false, "no name"),
                ("", my_name.as_str(), false, "no id"),
            ] {
                let result = signed(&mut doc.fork(), signer, |doc| write(doc, author, name));
                let expected = if accepted { Ok(()) } else { Err(SignatureRefusal::NotYourRecord) };
                assert_eq!(result, expected, "{kind}, coordinator {coordinator}: {what}");
            }
        }
    }
}

#[test]
fn a_writer_who_is_not_among_the_participants_signs_nothing() {
    let (mut doc, _, _) = plan();
    let stranger = Signer { participant: "not-in-the-plan", coordinator: false };
    for (kind, write) in KINDS {
        let result = signed(&mut doc.fork(), stranger, |doc| write(doc, "not-in-the-plan", "Okänd"));
        assert_eq!(result, Err(SignatureRefusal::NotYourRecord), "{kind}");
    }
}

#[test]
fn a_record_goes_with_its_intervention_but_is_not_taken_away_alone_by_someone_else() {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;

    let (mut doc, (me, my_name), (other, _)) = plan();
    report(&mut doc, &me, &my_name);
    let plan = read_plan(&doc).expect("plan");
    let (intervention, with_reports) = plan.ordered_interventions()[0];
    let intervention = intervention.clone();
    let first_report = with_reports.reports.keys().next().expect("a report").clone();
    let take_report_away = |doc: &mut AutoCommit| {
        let interventions = doc.get(&automerge::ROOT, "interventions").expect("get").expect("list").1;
        let it = doc.get(&interventions, intervention.as_str()).expect("get").expect("intervention").1;
        let reports = doc.get(&it, "reports").expect("get").expect("reports").1;
        doc.delete(&reports, first_report.as_str()).expect("delete");
    };
    let member = Signer { participant: &other, coordinator: false };
    assert_eq!(
        signed(&mut doc.fork(), member, take_report_away),
        Err(SignatureRefusal::NotYourRecordToRemove)
    );
    let coordinator = Signer { participant: &other, coordinator: true };
    assert_eq!(signed(&mut doc.fork(), coordinator, take_report_away), Ok(()));
    let remove_intervention =
        |doc: &mut AutoCommit| edit::remove_intervention(doc, &intervention).expect("remove");
    assert_eq!(signed(&mut doc.fork(), member, remove_intervention), Ok(()), "with the intervention");
}

#[test]
fn records_already_stored_are_not_judged_again() {
    let (mut doc, (me, my_name), (other, other_name)) = plan();
    report(&mut doc, &other, &other_name);
    let signer = Signer { participant: &me, coordinator: false };
    assert_eq!(signed(&mut doc, signer, |doc| goal_status(doc, &me, &my_name)), Ok(()));
    assert_eq!(
        signed(&mut doc, signer, |doc| edit::add_goal(doc, "Jag vill baka").map(drop).expect("goal")),
        Ok(())
    );
}

#[test]
fn a_removed_intervention_put_back_brings_its_reports_in_their_authors_names_and_nothing_else() {
    use crate::plan::signatures::{check_keeping, RecentlyRemoved};
    use crate::plan::undo;

    let (mut doc, (me, _), (other, other_name)) = plan();
    report(&mut doc, &other, &other_name);
    let intervention = read_plan(&doc).expect("plan").ordered_interventions()[0].0.clone();
    let member = Signer { participant: &me, coordinator: false };
    let mut removed = RecentlyRemoved::default();
    let keeping = |doc: &mut AutoCommit, edit: &dyn Fn(&mut AutoCommit), removed: &mut RecentlyRemoved| {
        let before = Signatures::read(doc);
        edit(doc);
        check_keeping(member, &before, &Signatures::read(doc), doc, removed)
    };
    let taken = undo::Removed::intervention(&read_plan(&doc).expect("plan"), &intervention).expect("removed");
    let remove = |doc: &mut AutoCommit| edit::remove_intervention(doc, &intervention).expect("remove");
    assert_eq!(keeping(&mut doc, &remove, &mut removed), Ok(()), "removed with the intervention");

    // Put back ("Ångra"): the other's report comes back as it was.
    let put_back = |doc: &mut AutoCommit| undo::put_back(doc, &taken).expect("put back");
    assert_eq!(keeping(&mut doc.fork(), &put_back, &mut removed), Ok(()));
    assert_eq!(
        keeping(&mut doc.fork(), &put_back, &mut RecentlyRemoved::default()),
        Err(SignatureRefusal::NotYourRecord),
        "a relay that did not see it go (restarted) does not let it back in someone else's name"
    );

    // Not a changed copy: the same key with other words is still a forgery.
    let forged = |doc: &mut AutoCommit| {
        undo::put_back(doc, &taken).expect("put back");
        let plan = read_plan(&*doc).expect("plan");
        let (key, mut entry) = plan.interventions[&intervention]
            .reports
            .iter()
            .next()
            .map(|(k, r)| (k.clone(), r.0.clone()))
            .expect("report");
        entry.comment = "Inget gjordes".into();
        let reports = {
            use automerge::ReadDoc;
            let interventions = doc.get(&automerge::ROOT, "interventions").expect("get").expect("list").1;
            let it = doc.get(&interventions, intervention.as_str()).expect("get").expect("intervention").1;
            doc.get(&it, "reports").expect("get").expect("reports").1
        };
        autosurgeon::reconcile_prop(doc, &reports, key.as_str(), crate::plan::Record(entry)).expect("forge");
    };
    assert_eq!(keeping(&mut doc.fork(), &forged, &mut removed), Err(SignatureRefusal::NotYourRecord));
}
