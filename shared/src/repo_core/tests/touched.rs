//! Which fields a change wakes (these were the in-browser tests of
//! `app/src/text_watch.rs`; the places are found here now).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ROOT};

use super::super::touched::{place, touched};
use super::super::Touched;

fn goal_text(id: &str) -> String {
    place(&["goals".to_string(), id.to_string()], "text")
}

/// A document with two goals' texts, and the diff cursor set after them.
fn two_goals() -> (AutoCommit, ObjId) {
    let mut doc = AutoCommit::new();
    let goals = doc.put_object(ROOT, "goals", ObjType::Map).expect("goals");
    for id in ["a", "b"] {
        let goal = doc.put_object(&goals, id, ObjType::Map).expect("goal");
        let text = doc.put_object(&goal, "text", ObjType::Text).expect("text");
        doc.splice_text(&text, 0, 0, "hej").expect("splice");
    }
    doc.update_diff_cursor();
    (doc, goals)
}

/// Which of `watched` the changes since the cursor wake.
fn woken(doc: &mut AutoCommit, watched: &[String]) -> Vec<String> {
    let touched = touched(doc);
    assert_ne!(touched, Touched::All, "the cursor is set");
    let mut places: Vec<String> = watched.iter().filter(|p| touched.includes(p)).cloned().collect();
    places.sort();
    places
}

#[test]
fn typing_wakes_only_the_field_typed_in() {
    let (mut doc, goals) = two_goals();
    let watched = [goal_text("a"), goal_text("b"), place(&[], "title")];
    let goal = doc.get(&goals, "a").expect("read").expect("goal a").1;
    let text = doc.get(&goal, "text").expect("read").expect("text").1;
    doc.splice_text(&text, 3, 0, "!").expect("splice");
    assert_eq!(woken(&mut doc, &watched), vec![goal_text("a")]);
    assert!(woken(&mut doc, &watched).is_empty(), "nothing new since");
}

#[test]
fn a_replaced_item_wakes_all_its_fields() {
    let (mut doc, goals) = two_goals();
    let measure = place(&["goals".to_string(), "a".to_string()], "measure");
    let watched = [goal_text("a"), measure.clone(), goal_text("b")];
    doc.put_object(&goals, "a", ObjType::Map).expect("replace");
    assert_eq!(woken(&mut doc, &watched), vec![measure, goal_text("a")]);
}

#[test]
fn a_change_from_another_device_wakes_its_field() {
    let (mut doc, goals) = two_goals();
    let mut other = doc.fork();
    let goal = other.get(&goals, "b").expect("read").expect("goal b").1;
    let text = other.get(&goal, "text").expect("read").expect("text").1;
    other.splice_text(&text, 0, 0, "Och ").expect("splice");
    doc.merge(&mut other).expect("merge");
    assert_eq!(woken(&mut doc, &[goal_text("a"), goal_text("b")]), vec![goal_text("b")]);
}

#[test]
fn a_prefix_of_an_id_is_not_the_item() {
    let (mut doc, goals) = two_goals();
    doc.delete(&goals, "a").expect("delete");
    assert!(woken(&mut doc, &[goal_text("ab")]).is_empty());
}

#[test]
fn too_much_or_no_cursor_wakes_everything() {
    let mut doc = AutoCommit::new();
    assert_eq!(touched(&mut doc), Touched::All, "no cursor");
    doc.update_diff_cursor();
    let list = doc.put_object(ROOT, "many", ObjType::Map).expect("map");
    for i in 0..300 {
        doc.put(&list, format!("k{i}"), i).expect("put");
    }
    assert_eq!(touched(&mut doc), Touched::All);
}
