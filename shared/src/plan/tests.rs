use automerge::AutoCommit;
use proptest::prelude::*;

use super::*;

fn check_splice(old: &str, new: &str, expected: Option<(usize, usize, &str)>) {
    let got = Splice::between(old, new);
    let want = expected.map(|(at, delete, insert)| Splice { at, delete, insert: insert.into() });
    assert_eq!(got, want);
    if let Some(s) = got {
        let mut applied = old.to_string();
        applied.replace_range(s.at..s.at + s.delete, &s.insert);
        assert_eq!(applied, new);
    }
}

#[test]
fn splice_is_the_smallest_edit() {
    check_splice("abc", "abc", None);
    check_splice("", "a", Some((0, 0, "a")));
    check_splice("abc", "abXc", Some((2, 0, "X")));
    check_splice("abc", "ac", Some((1, 1, "")));
    check_splice("gå ut", "gå hem", Some((4, 2, "hem")));
    check_splice("år", "är", Some((0, 2, "ä")));
    check_splice("aaa", "aaaa", Some((3, 0, "a")));
}

#[test]
fn a_cursor_follows_text_edited_elsewhere() {
    // Someone else inserts before my cursor: it moves right by what they typed.
    let s = Splice::between("gå ut", "att gå ut").expect("edit");
    assert_eq!(s.map_position(3), 7);
    // ... after my cursor: it stays.
    let s = Splice::between("gå ut", "gå ut nu").expect("edit");
    assert_eq!(s.map_position(3), 3);
    // ... around my cursor (deleted): it goes to the end of their text.
    let s = Splice::between("abcdef", "aXf").expect("edit");
    assert_eq!(s.map_position(3), 2);
}

#[test]
fn dom_offsets_convert_to_bytes_and_back() {
    let text = "gå 😀 ut";
    // g=1 unit/1 byte, å=1/2, space=1/1, 😀=2/4.
    assert_eq!(utf16_to_byte(text, 2), 3);
    assert_eq!(utf16_to_byte(text, 5), 8);
    assert_eq!(utf16_to_byte(text, 999), text.len());
    assert_eq!(byte_to_utf16(text, 8), 5);
    assert_eq!(byte_to_utf16(text, text.len()), 8);
}

#[test]
fn a_new_plan_reads_back_with_its_title_and_empty_goal() {
    let doc = new_plan_document("Annas plan").expect("new plan");
    let plan = read_plan(&doc).expect("reads");
    assert_eq!(plan.title.as_str(), "Annas plan");
    assert_eq!(plan.main_goal.as_str(), "");
    assert_eq!(plan.schema_version, SCHEMA_VERSION);
    assert!(!is_empty(&doc));
    assert!(is_empty(&AutoCommit::new()));
}

#[test]
fn concurrent_typing_in_one_field_merges_both() {
    let mut anna = new_plan_document("").expect("new plan");
    set_text(&mut anna, PlanText::MainGoal, "Jag vill gå ut").expect("edit");
    let mut bo = anna.fork();
    set_text(&mut anna, PlanText::MainGoal, "Jag vill gå ut själv").expect("edit");
    set_text(&mut bo, PlanText::MainGoal, "Snart: Jag vill gå ut").expect("edit");
    anna.merge(&mut bo).expect("merge");
    bo.merge(&mut anna).expect("merge");
    let merged = read_text(&anna, PlanText::MainGoal).expect("reads");
    assert_eq!(merged, "Snart: Jag vill gå ut själv");
    assert_eq!(read_text(&bo, PlanText::MainGoal).expect("reads"), merged);
}

#[test]
fn a_document_from_a_newer_version_is_refused_clearly() {
    let mut doc = new_plan_document("x").expect("new plan");
    let mut plan = read_plan(&doc).expect("reads");
    plan.schema_version = SCHEMA_VERSION + 1;
    reconcile(&mut doc, &plan).expect("write");
    assert!(matches!(read_plan(&doc), Err(PlanError::TooNew(v)) if v == SCHEMA_VERSION + 1));
}

#[test]
fn a_document_of_the_wrong_shape_is_an_error_not_a_panic() {
    let mut doc = AutoCommit::new();
    automerge::transaction::Transactable::put(&mut doc, ROOT, "title", 42).expect("put");
    assert!(read_plan(&doc).is_err());
    assert!(read_text(&doc, PlanText::Title).is_err());
    assert!(set_text(&mut doc, PlanText::Title, "x").is_err());
}

proptest! {
    #[test]
    fn splice_turns_old_into_new(old in "[a-zåäö ]{0,12}", new in "[a-zåäö ]{0,12}") {
        if let Some(s) = Splice::between(&old, &new) {
            let mut applied = old.clone();
            applied.replace_range(s.at..s.at + s.delete, &s.insert);
            prop_assert_eq!(applied, new);
        } else {
            prop_assert_eq!(old, new);
        }
    }

    #[test]
    fn edits_on_two_replicas_converge(
        a_edits in proptest::collection::vec("[a-zå ]{0,10}", 1..5),
        b_edits in proptest::collection::vec("[a-zå ]{0,10}", 1..5),
    ) {
        let mut a = new_plan_document("").expect("new plan");
        let mut b = a.fork();
        for v in &a_edits { set_text(&mut a, PlanText::MainGoal, v).expect("edit"); }
        for v in &b_edits { set_text(&mut b, PlanText::Title, v).expect("edit"); }
        a.merge(&mut b).expect("merge");
        b.merge(&mut a).expect("merge");
        prop_assert_eq!(read_plan(&a).expect("a"), read_plan(&b).expect("b"));
        prop_assert_eq!(read_text(&a, PlanText::MainGoal).expect("a"), a_edits.last().cloned().unwrap_or_default());
        prop_assert_eq!(read_text(&a, PlanText::Title).expect("a"), b_edits.last().cloned().unwrap_or_default());
    }
}

/// Two replicas edit the same fields at once: splices in one text field,
/// the same goals (their text, their place, their removal) and conflicting
/// sets of one scalar. After syncing both ways they must have the same heads
/// and read the same plan. (`edits_on_two_replicas_converge` above edits
/// different fields, where nothing can conflict.)
mod same_fields {
    use automerge::AutoCommit;
    use proptest::prelude::*;
    use proptest::sample::Index;

    use crate::plan::edit;
    use crate::plan::*;

    /// One edit by one replica.
    #[derive(Debug, Clone)]
    enum Edit {
        /// Delete up to `delete` characters at `at` in the main goal, insert `insert`.
        SpliceMainGoal {
            at: Index,
            delete: usize,
            insert: String,
        },
        /// The same in the text of goal `goal`.
        SpliceGoal {
            goal: Index,
            at: Index,
            delete: usize,
            insert: String,
        },
        MoveGoal {
            goal: Index,
            before: Option<Index>,
        },
        RemoveGoal(Index),
        FollowUp(Option<&'static str>),
        NoMeasuresByOthers(bool),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let insert = "[a-zåä ]{0,4}";
        prop_oneof![
            4 => (any::<Index>(), 0usize..4, insert)
                .prop_map(|(at, delete, insert)| Edit::SpliceMainGoal { at, delete, insert }),
            4 => (any::<Index>(), any::<Index>(), 0usize..4, insert)
                .prop_map(|(goal, at, delete, insert)| Edit::SpliceGoal { goal, at, delete, insert }),
            2 => (any::<Index>(), any::<Option<Index>>()).prop_map(|(goal, before)| Edit::MoveGoal { goal, before }),
            1 => any::<Index>().prop_map(Edit::RemoveGoal),
            2 => prop::sample::select(vec![None, Some("2026-01-15"), Some("2026-02-01"), Some("2026-03-31")])
                .prop_map(Edit::FollowUp),
            1 => any::<bool>().prop_map(Edit::NoMeasuresByOthers),
        ]
    }

    /// `text` with up to `delete` characters at character `at` replaced by `insert`.
    fn spliced(text: &str, at: Index, delete: usize, insert: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let end = (at + delete).min(chars.len());
        chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(&chars[end..]).collect()
    }

    fn goal_ids(doc: &AutoCommit) -> Vec<String> {
        read_plan(doc).expect("read").ordered_goals().into_iter().map(|(id, _)| id.clone()).collect()
    }

    fn apply(doc: &mut AutoCommit, change: &Edit) {
        let ids = goal_ids(doc);
        let goal = |i: &Index| ids.get(i.index(ids.len().max(1))).cloned();
        match change {
            Edit::SpliceMainGoal { at, delete, insert } => {
                let text = read_text(doc, PlanText::MainGoal).expect("read");
                set_text(doc, PlanText::MainGoal, &spliced(&text, *at, *delete, insert)).expect("splice");
            }
            Edit::SpliceGoal { goal: i, at, delete, insert } => {
                if let Some(id) = goal(i) {
                    let path = TextPath::goal(id.as_str());
                    let text = edit::text_at(doc, &path).expect("read");
                    edit::set_text_at(doc, &path, &spliced(&text, *at, *delete, insert)).expect("splice");
                }
            }
            Edit::MoveGoal { goal: i, before } => {
                if let Some(id) = goal(i) {
                    let before = before.as_ref().and_then(goal).filter(|b| *b != id);
                    edit::move_item(doc, &["goals"], &id, before.as_deref()).expect("move");
                }
            }
            Edit::RemoveGoal(i) => {
                if let Some(id) = goal(i) {
                    edit::remove_goal(doc, &id).expect("remove");
                }
            }
            Edit::FollowUp(date) => edit::set_next_follow_up(doc, *date).expect("set"),
            Edit::NoMeasuresByOthers(none) => edit::set_no_measures_by_others(doc, *none).expect("set"),
        }
    }

    /// A plan with a main goal, three goals and a follow-up date, as both replicas start.
    fn base() -> AutoCommit {
        let mut doc = new_plan_document("Plan").expect("plan");
        set_text(&mut doc, PlanText::MainGoal, "Jag vill gå ut").expect("edit");
        for text in ["Handla själv", "Laga mat", "Träffa vänner"] {
            edit::add_goal(&mut doc, text).expect("add");
        }
        edit::set_next_follow_up(&mut doc, Some("2026-01-01")).expect("set");
        doc
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn concurrent_edits_of_the_same_fields_converge(
            a_edits in proptest::collection::vec(edit(), 1..12),
            b_edits in proptest::collection::vec(edit(), 1..12),
        ) {
            let mut a = base();
            let mut b = a.fork();
            let goals = goal_ids(&a);
            for change in &a_edits { apply(&mut a, change); }
            for change in &b_edits { apply(&mut b, change); }
            let (a_alone, b_alone) = (read_plan(&a).expect("a"), read_plan(&b).expect("b"));
            a.merge(&mut b).expect("merge");
            b.merge(&mut a).expect("merge");

            prop_assert_eq!(a.get_heads(), b.get_heads(), "the same heads");
            let merged = read_plan(&a).expect("a");
            prop_assert_eq!(&merged, &read_plan(&b).expect("b"), "the same plan");
            // A conflicting set resolves to one of the values set, never a mix.
            let follow_up = &merged.follow_up.next_follow_up;
            prop_assert!(
                [&a_alone.follow_up.next_follow_up, &b_alone.follow_up.next_follow_up].contains(&follow_up),
                "follow-up {follow_up:?}"
            );
            prop_assert!(
                [a_alone.no_measures_by_others, b_alone.no_measures_by_others]
                    .contains(&merged.no_measures_by_others)
            );
            // A goal is there if and only if neither replica removed it.
            for id in &goals {
                let kept = a_alone.goals.contains_key(id) && b_alone.goals.contains_key(id);
                prop_assert_eq!(merged.goals.contains_key(id), kept, "goal {}", id);
            }
            // Saved and loaded, it reads the same.
            let loaded = AutoCommit::load(&a.save()).expect("load");
            prop_assert_eq!(read_plan(&loaded).expect("loaded"), merged);
        }
    }
}

mod model {
    use std::collections::BTreeSet;

    use automerge::AutoCommit;
    use autosurgeon::{hydrate, reconcile};
    use proptest::prelude::*;

    use crate::plan::edit;
    use crate::plan::fixture::{example_plan, large_plan};
    use crate::plan::validate::{is_valid_date, validate, Problem};
    use crate::plan::*;

    /// Stored documents, written by `cargo run -p shared --example write_fixtures`.
    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
    }

    #[test]
    fn a_stored_version_1_plan_is_migrated() {
        let mut doc = AutoCommit::load(&fixture("plan-v1.automerge")).expect("load");
        let before = read_plan(&doc).expect("a v1 plan reads with defaults");
        assert_eq!(before.schema_version, 1);
        assert_eq!(before.title.as_str(), "Annas plan");
        assert_eq!(before.main_goal.as_str(), "Jag vill gå till affären själv");
        assert!(before.goals.is_empty());
        assert!(edit::migrate(&mut doc).expect("migrate"));
        let after = read_plan(&doc).expect("read");
        assert_eq!(after.schema_version, SCHEMA_VERSION);
        assert_eq!(after.main_goal.as_str(), "Jag vill gå till affären själv");
        let goal = edit::add_goal(&mut doc, "Nytt mål").expect("a migrated plan takes goals");
        assert_eq!(read_plan(&doc).expect("read").goals[&goal].text.as_str(), "Nytt mål");
        assert!(!edit::migrate(&mut doc).expect("migrate"), "migrating twice changes nothing");
    }

    #[test]
    fn the_stored_current_version_example_still_reads_the_same() {
        let mut doc =
            AutoCommit::load(&fixture(&format!("plan-v{SCHEMA_VERSION}-example.automerge"))).expect("load");
        let plan = read_plan(&doc).expect("read");
        assert_eq!(plan.title.as_str(), "SIP för Anna Berg");
        assert_eq!(plan.goals.len(), 2);
        assert_eq!(plan.interventions.len(), 5);
        assert_eq!(plan.participants.len(), 6);
        assert!(completeness::missing(&plan).is_empty());
        assert!(validate(&plan).is_empty(), "{:?}", validate(&plan));
        assert!(!edit::migrate(&mut doc).expect("migrate"));
    }

    /// Plans stored before the person's wishes (main goal, meeting, adaptations,
    /// their copy) and the help a deviation is about: they read with those
    /// empty, and take them.
    #[test]
    fn a_stored_plan_from_before_the_persons_wishes_takes_them() {
        let mut doc =
            AutoCommit::load(&fixture(&format!("plan-v{SCHEMA_VERSION}-example.automerge"))).expect("load");
        let before = read_plan(&doc).expect("read");
        let preparation = &before.person.preparation;
        for text in [
            &preparation.my_main_goal,
            &preparation.meeting_wishes,
            &preparation.adaptations,
            &preparation.plan_copy,
        ] {
            assert_eq!(text.as_str(), "");
        }
        let wishes = [
            (PreparationField::MyMainGoal, "Jag vill bo kvar hemma."),
            (PreparationField::MeetingWishes, "Hemma hos mig. Min dotter Eva kommer."),
            (PreparationField::Adaptations, "Tolk på arabiska. Korta pauser."),
            (PreparationField::PlanCopy, "På papper, uppläst."),
        ];
        for (field, text) in wishes {
            assert!(edit::set_text_at(&mut doc, &TextPath::Preparation(field), text).expect("write"));
        }
        let help = before.ordered_interventions()[0].0.clone();
        let report = help_status::not_given(&help, "", "2026-12-06", "Anna Berg", "", 1);
        edit::add_deviation(&mut doc, &report).expect("deviation");
        let loaded = AutoCommit::load(&doc.save()).expect("load again");
        let after = read_plan(&loaded).expect("read");
        for (field, text) in wishes {
            assert_eq!(edit::text_at(&doc, &TextPath::Preparation(field)).expect("text"), text);
        }
        assert_eq!(after.person.preparation.my_main_goal.as_str(), "Jag vill bo kvar hemma.");
        assert_eq!(after.person.preparation.plan_copy.as_str(), "På papper, uppläst.");
        assert_eq!(after.unanswered_not_given(&help, &[]).len(), 1);
        // Everything that was there is as it was.
        assert_eq!(after.goals, before.goals);
        assert_eq!(after.interventions, before.interventions);
        assert_eq!(after.consent, before.consent);
    }

    #[test]
    fn hydrate_of_reconcile_is_the_identity_and_save_load_round_trips() {
        let mut doc = example_plan().expect("example");
        doc.commit();
        let plan = read_plan(&doc).expect("read");
        let heads = doc.get_heads();
        // Reconciling what was hydrated writes nothing and reads back the same.
        // (Only into the same document: autosurgeon panics on another one.)
        reconcile(&mut doc, &plan).expect("reconcile");
        doc.commit();
        assert_eq!(doc.get_heads(), heads);
        assert_eq!(hydrate::<_, Plan>(&doc).expect("hydrate"), plan);
        let loaded = AutoCommit::load(&doc.save()).expect("load");
        assert_eq!(read_plan(&loaded).expect("read"), plan);
    }

    #[test]
    fn hostile_shapes_are_errors_not_panics() {
        use automerge::transaction::Transactable;
        // A map where a text should be, a string where a map should be, a wrong enum value.
        type Corruption = Box<dyn Fn(&mut AutoCommit)>;
        let cases: Vec<Corruption> = vec![
            Box::new(|d| {
                d.put_object(automerge::ROOT, "title", automerge::ObjType::Map).expect("put");
            }),
            Box::new(|d| {
                d.put(automerge::ROOT, "goals", "inte en karta").expect("put");
            }),
            Box::new(|d| {
                d.put(automerge::ROOT, "overall_responsibility", "Landstinget").expect("put");
            }),
            Box::new(|d| {
                d.put(automerge::ROOT, "schema_version", -4).expect("put");
            }),
        ];
        for corrupt in cases {
            let mut doc = example_plan().expect("example");
            corrupt(&mut doc);
            assert!(read_plan(&doc).is_err());
        }
        // An older plan without most fields reads with defaults (best effort).
        let mut bare = AutoCommit::new();
        bare.put(automerge::ROOT, "schema_version", 2u64).expect("put");
        bare.put_object(automerge::ROOT, "title", automerge::ObjType::Text).expect("put");
        bare.put_object(automerge::ROOT, "main_goal", automerge::ObjType::Text).expect("put");
        let plan = read_plan(&bare).expect("defaults");
        assert!(plan.goals.is_empty());
    }

    #[test]
    fn edits_of_items_work_and_name_missing_items_clearly() {
        let mut doc = new_plan_document("").expect("plan");
        let a = edit::add_goal(&mut doc, "A").expect("add");
        let b = edit::add_goal(&mut doc, "B").expect("add");
        let c = edit::add_goal(&mut doc, "C").expect("add");
        let order = |doc: &AutoCommit| -> Vec<String> {
            read_plan(doc)
                .expect("read")
                .ordered_goals()
                .iter()
                .map(|(_, g)| g.text.as_str().to_string())
                .collect()
        };
        assert_eq!(order(&doc), ["A", "B", "C"]);
        edit::move_item(&mut doc, &["goals"], &c, Some(&a)).expect("move");
        assert_eq!(order(&doc), ["C", "A", "B"]);
        edit::move_item(&mut doc, &["goals"], &c, None).expect("move");
        assert_eq!(order(&doc), ["A", "B", "C"]);
        edit::move_item(&mut doc, &["goals"], &a, Some(&c)).expect("move");
        assert_eq!(order(&doc), ["B", "A", "C"]);
        // Two goals added at the same moment on two devices share a position.
        let mut other = doc.fork();
        let d = edit::add_goal(&mut doc, "D").expect("add");
        let e = edit::add_goal(&mut other, "E").expect("add");
        doc.merge(&mut other).expect("merge");
        let tied = order(&doc);
        assert_eq!(tied[..3], ["B", "A", "C"]);
        let (first, second) = if tied[3] == "D" { (&d, &e) } else { (&e, &d) };
        // Moving an item in front of the second of the tied pair lands between them.
        edit::move_item(&mut doc, &["goals"], &b, Some(second)).expect("move");
        let moved = order(&doc);
        assert_eq!(moved.iter().position(|g| g == "B"), Some(3), "{moved:?}");
        assert_eq!(moved[2], if first == &d { "D" } else { "E" });
        edit::remove_goal(&mut doc, &d).expect("remove");
        edit::remove_goal(&mut doc, &e).expect("remove");
        edit::remove_goal(&mut doc, &b).expect("remove");
        assert!(matches!(edit::remove_goal(&mut doc, &b), Err(PlanError::NoSuchItem { .. })));
        assert!(matches!(
            edit::add_sub_goal(&mut doc, &b, SubGoal::default()),
            Err(PlanError::NoSuchItem { what: "mål", .. })
        ));
        let meeting = edit::add_meeting(&mut doc, &Meeting::default()).expect("meeting");
        let p = edit::add_participant(&mut doc, Participant { name: "P".into(), ..Participant::default() })
            .expect("participant");
        let same = Some(p.clone());
        assert!(matches!(
            edit::update_meeting(&mut doc, &meeting, |m| {
                m.chair = same.clone();
                m.note_taker = same.clone();
            }),
            Err(PlanError::ChairIsNoteTaker)
        ));
        edit::approve(&mut doc, &meeting, &p, "P", 5).expect("approve");
        let plan = read_plan(&doc).expect("read");
        let approval = &plan.meetings[&meeting].approvals[&p];
        assert_eq!(approval.heads.len(), 1, "the approved version is recorded");
    }

    #[test]
    fn validation_finds_broken_references_dates_and_roles() {
        let mut doc = example_plan().expect("example");
        let mut plan = read_plan(&doc).expect("read");
        plan.coordinator = Some("borta".into());
        plan.follow_up.next_follow_up = Some("2027-13-01".into());
        let (meeting_id, meeting) = plan.meetings.iter_mut().next().expect("meeting");
        meeting.note_taker = meeting.chair.clone();
        let meeting_id = meeting_id.clone();
        let (_, intervention) = plan.interventions.iter_mut().next().expect("intervention");
        intervention.goal_id = Some("inget-mål".into());
        autosurgeon::reconcile(&mut doc, &plan).expect("write");
        let problems = validate(&read_plan(&doc).expect("read"));
        assert!(problems
            .contains(&Problem::UnknownParticipant { field: "coordinator".into(), id: "borta".into() }));
        assert!(problems.contains(&Problem::ChairIsNoteTaker { meeting: meeting_id }));
        assert!(problems
            .iter()
            .any(|p| matches!(p, Problem::InvalidDate { value, .. } if value == "2027-13-01")));
        assert!(problems.iter().any(|p| matches!(p, Problem::UnknownGoal { .. })));
        for p in &problems {
            assert!(!p.to_string().is_empty());
        }
        assert!(is_valid_date("2028-02-29") && !is_valid_date("2027-02-29") && !is_valid_date("2027-1-01"));
    }

    #[test]
    fn the_large_plan_has_the_benchmark_size() {
        let mut doc = large_plan().expect("large");
        let plan = read_plan(&doc).expect("read");
        assert_eq!(plan.goals.len(), 40);
        assert_eq!(plan.interventions.len(), 120);
        assert_eq!(plan.participants.len(), 20);
        assert_eq!(
            plan.consent_state(),
            ConsentState::Given,
            "the editor shows the sections after consent only"
        );
        assert!(doc.get_changes(&[]).len() >= 4_000, "{} changes", doc.get_changes(&[]).len());
    }

    /// One random edit by one participant.
    #[derive(Debug, Clone)]
    enum Op {
        AddGoal(String),
        EditGoal(prop::sample::Index, String),
        RemoveGoal(prop::sample::Index),
        MoveGoal(prop::sample::Index, Option<prop::sample::Index>),
        AddIntervention(String),
        Sync(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => "[a-zå ]{1,8}".prop_map(Op::AddGoal),
            3 => (any::<prop::sample::Index>(), "[a-zå ]{0,8}").prop_map(|(i, t)| Op::EditGoal(i, t)),
            1 => any::<prop::sample::Index>().prop_map(Op::RemoveGoal),
            2 => (any::<prop::sample::Index>(), any::<Option<prop::sample::Index>>()).prop_map(|(a, b)| Op::MoveGoal(a, b)),
            1 => "[a-z]{1,6}".prop_map(Op::AddIntervention),
            2 => (0usize..4, 0usize..4).prop_map(|(a, b)| Op::Sync(a, b)),
        ]
    }

    fn goal_ids(doc: &AutoCommit) -> Vec<String> {
        read_plan(doc).expect("read").ordered_goals().into_iter().map(|(id, _)| id.clone()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn concurrent_edits_on_replicas_converge_without_losing_items(
            replicas in 2usize..=4,
            ops in proptest::collection::vec((0usize..4, op()), 1..40),
        ) {
            let base = new_plan_document("Plan").expect("plan");
            let mut docs: Vec<AutoCommit> = (0..replicas).map(|_| base.clone().fork()).collect();
            let mut added: BTreeSet<String> = BTreeSet::new();
            let mut removed: BTreeSet<String> = BTreeSet::new();
            let mut interventions = 0usize;
            for (who, op) in ops {
                let who = who % replicas;
                let ids = goal_ids(&docs[who]);
                let doc = &mut docs[who];
                match op {
                    Op::AddGoal(text) => { added.insert(edit::add_goal(doc, &text).expect("add")); }
                    Op::EditGoal(i, text) if !ids.is_empty() => {
                        edit::set_text_at(doc, &TextPath::goal(ids[i.index(ids.len())].as_str()), &text).expect("edit");
                    }
                    Op::RemoveGoal(i) if !ids.is_empty() => {
                        let id = ids[i.index(ids.len())].clone();
                        edit::remove_goal(doc, &id).expect("remove");
                        removed.insert(id);
                    }
                    Op::MoveGoal(i, before) if !ids.is_empty() => {
                        let id = ids[i.index(ids.len())].clone();
                        let before = before.map(|b| ids[b.index(ids.len())].clone()).filter(|b| *b != id);
                        edit::move_item(doc, &["goals"], &id, before.as_deref()).expect("move");
                    }
                    Op::AddIntervention(what) => {
                        edit::add_intervention(doc, Intervention { what: what.as_str().into(), ..Intervention::default() }).expect("add");
                        interventions += 1;
                    }
                    Op::Sync(a, b) => {
                        let (a, b) = (a % replicas, b % replicas);
                        if a != b {
                            docs[b].commit();
                            let mut other = docs[b].clone();
                            docs[a].merge(&mut other).expect("merge");
                        }
                    }
                    _ => {}
                }
            }
            // Everyone merges everyone, in both directions.
            for a in 0..replicas {
                for b in 0..replicas {
                    if a != b {
                        docs[b].commit();
                        let mut other = docs[b].clone();
                        docs[a].merge(&mut other).expect("merge");
                    }
                }
            }
            let first = read_plan(&docs[0]).expect("read");
            for doc in &docs[1..] {
                prop_assert_eq!(&read_plan(doc).expect("read"), &first);
            }
            let expected: BTreeSet<String> = added.difference(&removed).cloned().collect();
            let present: BTreeSet<String> = first.goals.keys().cloned().collect();
            prop_assert_eq!(present, expected, "no goal lost or duplicated");
            prop_assert_eq!(first.interventions.len(), interventions);
            // Merging again changes nothing.
            let heads = docs[0].get_heads();
            docs[1].commit();
            let mut again = docs[1].clone();
            docs[0].merge(&mut again).expect("merge");
            prop_assert_eq!(docs[0].get_heads(), heads);
            // Save and load give back the same plan.
            let loaded = AutoCommit::load(&docs[0].save()).expect("load");
            prop_assert_eq!(read_plan(&loaded).expect("read"), first);
        }
    }
}

#[test]
fn who_gives_the_help_in_the_persons_words() {
    let mut help = Intervention { principal: Some(Principal::Kommun), ..Intervention::default() };
    assert_eq!(help.given_by(), "Kommunen");
    help.principal = Some(Principal::Region);
    assert_eq!(help.given_by(), "Regionen");
    help.principal = Some(Principal::Other);
    assert_eq!(help.given_by(), "Någon annan");
    help.other_actor = " Brukarföreningen ".into();
    assert_eq!(help.given_by(), "Brukarföreningen");
    help.principal = None;
    assert_eq!(help.given_by(), "");
}

/// Reading only the touched part of a plan gives the plan a whole read gives.
mod reread {
    use proptest::prelude::*;

    use crate::plan::fixture::example_plan;
    use crate::plan::reread::reread_plan;
    use crate::plan::*;

    /// One edit, and the path the app reports as touched.
    #[derive(Debug, Clone)]
    enum Edit {
        /// Typing in a text field: (which field, new text).
        Type(prop::sample::Index, String),
        AddGoal(String),
        RemoveIntervention(prop::sample::Index),
    }

    fn edits() -> impl Strategy<Value = Vec<Edit>> {
        let edit = prop_oneof![
            6 => (any::<prop::sample::Index>(), "[a-zåäö ]{0,12}").prop_map(|(i, s)| Edit::Type(i, s)),
            1 => "[a-z]{1,6}".prop_map(Edit::AddGoal),
            1 => any::<prop::sample::Index>().prop_map(Edit::RemoveIntervention),
        ];
        prop::collection::vec(edit, 1..12)
    }

    /// Every text field the editor types in.
    fn text_fields(plan: &Plan) -> Vec<TextPath> {
        let mut fields = vec![TextPath::Plan(PlanText::Title), TextPath::Plan(PlanText::MainGoal)];
        for id in plan.goals.keys() {
            fields.push(TextPath::goal(id));
        }
        for id in plan.interventions.keys() {
            fields.push(TextPath::intervention(id, InterventionText::What));
            fields.push(TextPath::intervention(id, InterventionText::TimePlan));
        }
        for id in plan.meetings.keys() {
            fields.push(TextPath::meeting(id, MeetingText::Purpose));
        }
        for field in PreparationField::ALL {
            fields.push(TextPath::Preparation(field));
        }
        fields
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn rereading_the_touched_parts_equals_reading_it_all(edits in edits()) {
            let mut doc = example_plan().expect("example plan");
            let mut plan = read_plan(&doc).expect("read");
            for step in edits {
                let touched: Vec<String> = match step {
                    Edit::Type(which, text) => {
                        let fields = text_fields(&plan);
                        let path = fields[which.index(fields.len())].clone();
                        edit::set_text_at(&mut doc, &path, &text).expect("type");
                        let parts = path.parts();
                        if parts.is_empty() { vec![path.key().to_string()] } else { parts.iter().map(|p| p.to_string()).collect() }
                    }
                    Edit::AddGoal(text) => {
                        let id = edit::add_goal(&mut doc, &text).expect("add goal");
                        vec!["goals".into(), id]
                    }
                    Edit::RemoveIntervention(which) => {
                        let ids: Vec<String> = plan.interventions.keys().cloned().collect();
                        if ids.is_empty() { continue; }
                        let id = ids[which.index(ids.len())].clone();
                        edit::remove_intervention(&mut doc, &id).expect("remove");
                        vec!["interventions".into(), id]
                    }
                };
                plan = reread_plan(&doc, plan, std::slice::from_ref(&touched)).unwrap_or_else(|e| panic!("{touched:?}: {e:?}"));
                prop_assert_eq!(&plan, &read_plan(&doc).expect("read"));
            }
        }
    }

    #[test]
    fn a_path_it_cannot_read_in_part_reads_the_whole_plan() {
        let mut doc = example_plan().expect("example plan");
        let stale = read_plan(&doc).expect("read");
        edit::set_next_follow_up(&mut doc, Some("2030-01-01")).expect("edit");
        edit::set_text_at(&mut doc, &TextPath::Plan(PlanText::Title), "Ny titel").expect("type");
        // "coordinator" is not read in part: everything is read again.
        let plan = reread_plan(&doc, stale, &[vec!["coordinator".into()]]).expect("reread");
        assert_eq!(plan, read_plan(&doc).expect("read"));
        assert_eq!(plan.title.as_str(), "Ny titel");
    }
}

/// Ticking "Personen behöver tolk" and typing the language are two
/// changes of two fields: neither undoes the other, typed one after the
/// other on one device (the box drawn from a typed plan that has not yet
/// followed the change) or at once on two.
#[test]
fn the_interpreter_box_and_the_language_never_undo_each_other() {
    use crate::plan::fixture::example_plan;
    use crate::plan::{edit, read_plan};
    let mut doc = example_plan().expect("plan");
    edit::set_interpreter_needed(&mut doc, true).expect("needed");
    edit::set_language(&mut doc, " arabiska ").expect("language");
    let person = read_plan(&doc).expect("read").person;
    assert!(person.interpreter_needed);
    assert_eq!(person.language, "arabiska");

    let mut other: AutoCommit = doc.fork();
    edit::set_interpreter_needed(&mut doc, false).expect("not needed");
    edit::set_language(&mut other, "persiska").expect("language");
    doc.merge(&mut other).expect("merge");
    let person = read_plan(&doc).expect("read").person;
    assert!(!person.interpreter_needed);
    assert_eq!(person.language, "persiska");
}
