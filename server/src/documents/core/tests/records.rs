//! The relay refuses a record in someone else's name, as it refuses an
//! approval: consent decisions and status reports name their writer.

use shared::plan::edit::{add_intervention, record_consent, report_intervention};
use shared::plan::fixture::withdrawal;
use shared::plan::signatures::SignatureRefusal;
use shared::plan::{read_plan, ConsentDecision, Intervention, InterventionReport, InterventionStatus};

use super::*;

fn report(by: &str) -> InterventionReport {
    InterventionReport {
        status: InterventionStatus::Ongoing,
        comment: "Går bra".into(),
        date: "2026-12-06".into(),
        by: by.into(),
        author: by.into(),
        recorded_at: 1,
    }
}

#[test]
fn a_consent_or_a_status_report_in_someone_elses_name_is_refused_and_not_stored() {
    let (mut relay, [mut eva, _, _]) = setup();
    let intervention = add_intervention(&mut eva.doc, Intervention::default()).expect("intervention");
    settle(&mut relay, std::slice::from_mut(&mut eva));

    for (what, forge) in [
        (
            "consent recorded as eva",
            Box::new(|doc: &mut AutoCommit| {
                record_consent(doc, &withdrawal("eva")).map(drop).expect("consent")
            }) as Box<dyn Fn(&mut AutoCommit)>,
        ),
        (
            "a report as eva",
            Box::new(|doc: &mut AutoCommit| {
                report_intervention(doc, &intervention, &report("eva")).map(drop).expect("report")
            }),
        ),
        (
            "a report with per's id and eva's name",
            Box::new(|doc: &mut AutoCommit| {
                let forged = InterventionReport { author: "per".into(), ..report("eva") };
                report_intervention(doc, &intervention, &forged).map(drop).expect("report")
            }),
        ),
    ] {
        let mut per = client("per", Role::Member, &mut eva.doc);
        forge(&mut per.doc);
        let stops = settle(&mut relay, std::slice::from_mut(&mut per));
        assert!(stops.contains(&Stop::Reload), "{what}: refused after it was applied: {stops:?}");
        assert_eq!(
            relay.refusals().last(),
            Some(&Refusal::Signature(SignatureRefusal::NotYourRecord)),
            "{what}"
        );
        let stored = read_plan(&relay.stored()).expect("plan");
        assert!(stored.consent.is_empty(), "{what}: no consent stored");
        assert!(stored.interventions[&intervention].reports.is_empty(), "{what}: no report stored");
        assert!(
            read_plan(relay.core.doc()).expect("plan").consent.is_empty(),
            "{what}: rolled back in memory"
        );
    }

    let mut per = client("per", Role::Member, &mut eva.doc);
    report_intervention(&mut per.doc, &intervention, &report("per")).expect("report");
    record_consent(&mut per.doc, &withdrawal("per")).expect("consent");
    settle(&mut relay, std::slice::from_mut(&mut per));
    let stored = read_plan(&relay.stored()).expect("plan");
    let reports: Vec<_> =
        stored.interventions[&intervention].reports.values().map(|r| r.by.clone()).collect();
    assert_eq!(reports, ["per"], "one's own report is stored");
    let consent: Vec<_> = stored.consent.values().map(|c| (c.decision, c.author.clone())).collect();
    assert_eq!(consent, [(ConsentDecision::Withdrawn, "per".to_string())], "one's own record of consent");
}
