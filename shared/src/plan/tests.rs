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
