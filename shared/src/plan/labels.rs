//! The Swedish label of every field, next to the model, for the UI and the
//! paper plan. Keys are the document keys; a test checks that each exists.

use super::{
    Closing, ConsentEntry, Deviation, FollowUp, Goal, Intervention, InterventionReport, Meeting, Participant,
    Person, Plan, StatusEntry, SubGoal,
};

/// A type whose fields have Swedish labels.
pub trait Labelled {
    /// `(document key, Swedish label)` for every field a person sees.
    const LABELS: &'static [(&'static str, &'static str)];

    /// The label of one field.
    fn label(key: &str) -> Option<&'static str> {
        Self::LABELS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
    }
}

impl Labelled for Plan {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("title", "Planens namn"),
        ("main_goal", "Mitt huvudmål"),
        ("person", "Den enskilde"),
        ("consent", "Samtycke"),
        ("participants", "Deltagare"),
        ("coordinator", "Samordningsansvarig"),
        ("overall_responsibility", "Huvudman med övergripande ansvar"),
        ("goals", "Mål"),
        ("interventions", "Insatser och åtgärder"),
        ("no_measures_by_others", "Inga åtgärder av andra aktörer"),
        ("meetings", "Möten"),
        ("follow_up", "Uppföljning och utvärdering"),
        ("revisions", "Revideringar"),
        ("closing", "Avslut"),
        ("deviations", "Avvikelser"),
    ];
}

impl Labelled for Person {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("name", "Namn"),
        ("phone", "Telefon"),
        ("language", "Språk"),
        ("interpreter_needed", "Behöver tolk"),
        ("is_child", "Barn eller ungdom"),
        ("preparation", "Mina förberedelser"),
    ];
}

impl Labelled for Participant {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("name", "Namn"),
        ("kind", "Roll i planen"),
        ("organisation", "Organisation"),
        ("unit", "Enhet"),
        ("role", "Yrke eller roll"),
        ("phone", "Telefon"),
        ("email", "E-post"),
    ];
}

impl Labelled for Goal {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("text", "Mål"), ("sub_goals", "Delmål"), ("status", "Hur det går")];
}

impl Labelled for SubGoal {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("text", "Delmål"),
        ("measure", "Så här ser vi att det går bra"),
        ("target_date", "Klart senast"),
        ("status", "Hur det går"),
    ];
}

impl Labelled for Intervention {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("what", "Insats eller åtgärd"),
        ("goal_id", "Hör till målet"),
        ("principal", "Ansvarig huvudman"),
        ("other_actor", "Annan aktör"),
        ("unit", "Ansvarig enhet"),
        ("responsible_person", "Ansvarig person"),
        ("start", "Start"),
        ("time_plan", "Tidsplan"),
        ("reports", "Rapporter"),
    ];
}

impl Labelled for InterventionReport {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("status", "Status"), ("comment", "Kommentar"), ("date", "Datum"), ("by", "Rapporterad av")];
}

impl Labelled for StatusEntry {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("outcome", "Resultat"), ("date", "Datum"), ("by", "Antecknat av"), ("comment", "Kommentar")];
}

impl Labelled for ConsentEntry {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("decision", "Beslut"),
        ("form", "Muntligt eller skriftligt"),
        ("giver", "Vem"),
        ("giver_name", "Vårdnadshavarens namn"),
        ("shared_with", "Får delas med"),
        ("not_shared", "Får inte delas eller tas upp"),
        ("date", "Datum"),
        ("recorded_by", "Antecknat av"),
        ("comment", "Kommentar"),
    ];
}

impl Labelled for Meeting {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("kind", "Slag av möte"),
        ("purpose", "Syfte"),
        ("date", "Datum"),
        ("time", "Klockslag"),
        ("form", "Mötesform"),
        ("place", "Plats"),
        ("digital_link", "Länk till digitalt möte"),
        ("planned_minutes", "Planerad längd (minuter)"),
        ("agenda", "Dagordning"),
        ("chair", "Ordförande"),
        ("note_taker", "Dokumentationsansvarig"),
        ("attendance", "Kallade och närvarande"),
        ("summary", "Sammanfattning"),
        ("approvals", "Godkännanden"),
    ];
}

impl Labelled for FollowUp {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("next_follow_up", "Nästa uppföljning"),
        ("evaluation", "Utvärdering"),
        ("how", "Så följer vi upp"),
    ];
}

impl Labelled for Closing {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("reason", "Skäl"),
        ("date", "Datum"),
        ("decided_with_person", "Beslutat tillsammans med den enskilde"),
        ("by", "Vem"),
        ("comment", "Kommentar"),
    ];
}

impl Labelled for Deviation {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("kind", "Slag av avvikelse"),
        ("description", "Beskrivning"),
        ("date", "Datum"),
        ("reporter", "Rapporterad av"),
        ("intervention", "Gäller insatsen"),
    ];
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ReadDoc, ROOT};
    use autosurgeon::Reconcile;

    use super::*;
    use crate::plan::fixture::example_plan;
    use crate::plan::read_plan;

    /// Every labelled key is a key the type really writes.
    fn check_object<T: Labelled + Reconcile>(value: &T) {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile_prop(&mut doc, ROOT, "x", value).expect("reconcile");
        let (_, obj) = doc.get(ROOT, "x").expect("get").expect("present");
        let keys: Vec<String> = doc.keys(&obj).collect();
        for (key, label) in T::LABELS {
            assert!(keys.contains(&key.to_string()), "{key} ({label}) is not a field; fields: {keys:?}");
            assert!(!label.is_empty());
        }
    }

    fn check_record<T: Labelled + serde::Serialize>(value: &T) {
        let mut bytes = Vec::new();
        ciborium::into_writer(value, &mut bytes).expect("cbor");
        let map: ciborium::Value = ciborium::from_reader(bytes.as_slice()).expect("cbor");
        let keys: Vec<&str> = map.as_map().expect("map").iter().filter_map(|(k, _)| k.as_text()).collect();
        for (key, _) in T::LABELS {
            assert!(keys.contains(key), "{key} is not a field; fields: {keys:?}");
        }
    }

    #[test]
    fn every_label_names_a_real_field() {
        let plan = read_plan(&example_plan().expect("fixture")).expect("read");
        let doc = example_plan().expect("fixture");
        let root_keys: Vec<String> = doc.keys(ROOT).collect();
        for (key, _) in Plan::LABELS {
            assert!(root_keys.contains(&key.to_string()), "{key}");
        }
        // Fresh values: autosurgeon cannot reconcile hydrated text into another document.
        check_object(&Goal::default());
        check_object(&SubGoal::default());
        check_object(&Participant::default());
        check_object(&Intervention::default());
        check_object(&Meeting::default());
        check_object(&Person::default());
        check_object(&FollowUp::default());
        check_record(&plan.consent.values().next().expect("consent").0);
        check_record(&plan.interventions.values().find_map(|i| i.reports.values().next()).expect("report").0);
        check_record(&StatusEntry {
            outcome: crate::plan::Outcome::Fulfilled,
            date: "2026-01-01".into(),
            by: "x".into(),
            author: String::new(),
            comment: String::new(),
            recorded_at: 0,
        });
        check_object(&Closing {
            reason: crate::plan::ClosingReason::GoalsMet,
            date: "2026-01-01".into(),
            decided_with_person: true,
            by: "x".into(),
            author: String::new(),
            comment: String::new(),
        });
        check_object(&Deviation {
            kind: crate::plan::DeviationKind::PlanNotFollowed,
            description: "x".into(),
            date: "2026-01-01".into(),
            reporter: "x".into(),
            author: String::new(),
            recorded_at: 0,
            intervention: Some("x".into()),
        });
        assert_eq!(Participant::label("phone"), Some("Telefon"));
    }
}
