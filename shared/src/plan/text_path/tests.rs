use crate::plan::edit::{self, set_text_at, text_at};
use crate::plan::*;

/// Writes `value` at every kind of path, and reads the plan back.
fn write_everywhere(value: &str) -> (Plan, Vec<TextPath>) {
    let mut doc = new_plan_document("").expect("plan");
    let goal = edit::add_goal(&mut doc, "").expect("goal");
    let sub_goal = edit::add_sub_goal(&mut doc, &goal, SubGoal::default()).expect("sub-goal");
    let intervention = edit::add_intervention(&mut doc, Intervention::default()).expect("intervention");
    let meeting = edit::add_meeting(&mut doc, &Meeting::default()).expect("meeting");
    let mut paths = vec![
        TextPath::Plan(PlanText::Title),
        TextPath::Plan(PlanText::MainGoal),
        TextPath::PersonName,
        TextPath::goal(&goal),
        TextPath::sub_goal(&goal, &sub_goal, SubGoalText::Text),
        TextPath::sub_goal(&goal, &sub_goal, SubGoalText::Measure),
        TextPath::intervention(&intervention, InterventionText::What),
        TextPath::intervention(&intervention, InterventionText::TimePlan),
        TextPath::meeting(&meeting, MeetingText::Purpose),
        TextPath::meeting(&meeting, MeetingText::Agenda),
        TextPath::meeting(&meeting, MeetingText::Summary),
    ];
    paths.extend(PreparationField::ALL.map(TextPath::Preparation));
    for path in &paths {
        assert!(set_text_at(&mut doc, path, value).expect("write"), "{path:?}");
        assert_eq!(text_at(&doc, path).expect("read"), value, "{path:?}");
    }
    (read_plan(&doc).expect("read"), paths)
}

#[test]
fn every_path_writes_the_field_the_plan_reads() {
    let (plan, paths) = write_everywhere("skrivet");
    let goal = plan.goals.values().next().expect("goal");
    let sub_goal = goal.sub_goals.values().next().expect("sub-goal");
    let intervention = plan.interventions.values().next().expect("intervention");
    let meeting = plan.meetings.values().next().expect("meeting");
    let p = &plan.person.preparation;
    let read = [
        &plan.title,
        &plan.main_goal,
        &plan.person.name,
        &goal.text,
        &sub_goal.text,
        &sub_goal.measure,
        &intervention.what,
        &intervention.time_plan,
        &meeting.purpose,
        &meeting.agenda,
        &meeting.summary,
        &p.important_to_me,
        &p.my_main_goal,
        &p.needs,
        &p.strengths,
        &p.obstacles,
        &p.my_sub_goals,
        &p.can_do_myself,
        &p.how_to_follow_up,
        &p.follow_up_after,
        &p.other,
        &p.questions_to_raise,
        &p.questions_to_avoid,
        &p.meeting_wishes,
        &p.adaptations,
        &p.plan_copy,
    ];
    assert_eq!(read.len(), paths.len());
    for (text, path) in read.iter().zip(&paths) {
        assert_eq!(text.as_str(), "skrivet", "{path:?}");
    }
}

#[test]
fn paths_name_the_keys_of_the_document() {
    let check = |path: TextPath, parts: &[&str], key: &str| {
        assert_eq!((path.parts(), path.key()), (parts.to_vec(), key), "{path:?}");
    };
    check(TextPath::Plan(PlanText::MainGoal), &[], "main_goal");
    check(TextPath::Preparation(PreparationField::Needs), &["person", "preparation"], "needs");
    check(TextPath::goal("g"), &["goals", "g"], "text");
    check(TextPath::sub_goal("g", "s", SubGoalText::Measure), &["goals", "g", "sub_goals", "s"], "measure");
    check(TextPath::intervention("i", InterventionText::TimePlan), &["interventions", "i"], "time_plan");
    check(TextPath::meeting("m", MeetingText::Agenda), &["meetings", "m"], "agenda");
}

#[test]
fn a_path_to_an_item_that_is_gone_is_refused_and_reads_empty() {
    let mut doc = new_plan_document("").expect("plan");
    let gone = TextPath::sub_goal("no-goal", "no-sub-goal", SubGoalText::Text);
    assert!(set_text_at(&mut doc, &gone, "text").is_err());
    assert_eq!(text_at(&doc, &gone).expect("read"), "");
}
