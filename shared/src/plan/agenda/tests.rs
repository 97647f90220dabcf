use super::*;
use crate::plan::Text;

fn meeting(agenda: &str) -> Meeting {
    Meeting { agenda: Text::with_value(agenda), ..Meeting::default() }
}

fn titles_and_parts(meeting: &Meeting) -> Vec<(String, PlanPart)> {
    steps(meeting).into_iter().map(|s| (s.title, s.part)).collect()
}

#[test]
fn each_line_of_the_agenda_is_a_step_about_the_part_it_names() {
    let agenda = "1. Välkommen och syfte\n2. Annas situation\n\n3) Behov\n- Mål och insatser\n• Övrigt\n5. Sammanfattning\n6. Avslut";
    assert_eq!(
        titles_and_parts(&meeting(agenda)),
        vec![
            ("Välkommen och syfte".to_string(), PlanPart::Opening),
            ("Annas situation".to_string(), PlanPart::Situation),
            ("Behov".to_string(), PlanPart::Needs),
            ("Mål och insatser".to_string(), PlanPart::GoalsAndInterventions),
            // Names no part: stays with the goals.
            ("Övrigt".to_string(), PlanPart::GoalsAndInterventions),
            ("Sammanfattning".to_string(), PlanPart::Summary),
            ("Avslut".to_string(), PlanPart::Closing),
        ]
    );
}

#[test]
fn without_an_agenda_the_usual_steps_of_a_sip_meeting_are_followed() {
    let steps = steps(&meeting("  \n"));
    assert_eq!(steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), PHASES.to_vec());
    assert_eq!(
        steps.iter().map(|s| s.part).collect::<Vec<_>>(),
        vec![
            PlanPart::Opening,
            PlanPart::Situation,
            PlanPart::Needs,
            PlanPart::GoalsAndInterventions,
            PlanPart::Summary,
            PlanPart::Closing
        ]
    );
}

#[test]
fn a_year_or_a_time_at_the_start_of_a_line_is_not_taken_for_its_number() {
    // "2027 års mål" keeps its year.
    let steps = steps(&meeting("Inledning\n2027 års mål\nFika"));
    assert_eq!(steps[1].title, "2027 års mål");
    assert_eq!(steps[1].part, PlanPart::GoalsAndInterventions);
    assert_eq!(steps[0].part, PlanPart::Opening);
}

#[test]
fn the_chair_moves_through_the_steps_and_not_beyond_them() {
    let mut m = meeting("Inledning\nMål\nAvslut");
    assert_eq!(current_step(&m), None, "not started");
    m.phase = next_step(&m);
    assert_eq!(current_step(&m).map(|(n, s)| (n, s.title)), Some((1, "Inledning".to_string())));
    m.phase = next_step(&m);
    m.phase = next_step(&m);
    m.phase = next_step(&m);
    assert_eq!(m.phase, 3, "the last stays the last");
    m.phase = previous_step(&m);
    assert_eq!(current_step(&m).map(|(n, s)| (n, s.part)), Some((2, PlanPart::GoalsAndInterventions)));
    m.phase = previous_step(&m);
    m.phase = previous_step(&m);
    assert_eq!(m.phase, 1, "the first stays the first");
}

#[test]
fn a_step_beyond_a_shortened_agenda_is_its_last() {
    let mut m = meeting("Inledning\nMål\nAvslut");
    m.phase = 3;
    m.agenda = Text::with_value("Inledning\nMål");
    assert_eq!(current_step(&m).map(|(n, s)| (n, s.title)), Some((2, "Mål".to_string())));
}

#[test]
fn ending_the_meeting_stops_the_clock_and_records_who_took_part() {
    let mut m = meeting("");
    m.attendance.insert("lars".into(), crate::plan::Attendance { invited: true, attended: None });
    assert_eq!(m.minutes_gone(1_000_000), None, "not started");
    m.started_at = Some(0);
    assert!(m.is_running());
    assert_eq!(m.minutes_gone(30 * 60_000 + 59_000), Some(30));
    m.end(87 * 60_000, "karin", ["karin", "lars", "anna"], |id| id != "lars");
    assert!(m.has_ended() && !m.is_running());
    assert_eq!(m.ended_by, "karin");
    assert_eq!(m.minutes_gone(500 * 60_000), Some(87), "the clock has stopped");
    assert_eq!(m.absent().collect::<Vec<_>>(), vec!["lars"], "invited and did not come");
    assert_eq!(m.attendance["anna"].attended, Some(true));
    assert!(!m.attendance["anna"].invited, "attending is not being invited");
    m.resume();
    assert!(m.is_running());
    assert_eq!(m.minutes_gone(90 * 60_000), Some(90));
}

#[test]
fn a_time_at_the_start_of_a_line_stays() {
    assert_eq!(steps(&meeting("13.00 Fika\n2. Mål"))[0].title, "13.00 Fika");
    assert_eq!(steps(&meeting("13.00 Fika\n2. Mål"))[1].title, "Mål");
}

#[test]
fn only_a_web_address_of_a_digital_meeting_is_a_link_to_join_by() {
    use crate::plan::MeetingForm;
    let with = |form, link: &str| Meeting { form, digital_link: link.into(), ..Meeting::default() };
    assert_eq!(
        with(MeetingForm::Digital, " https://meet.exempel.se/sip-42 ").join_link(),
        Some("https://meet.exempel.se/sip-42")
    );
    assert_eq!(
        with(MeetingForm::Digital, "HTTP://intra.kommun.se/m").join_link(),
        Some("HTTP://intra.kommun.se/m")
    );
    for hostile in [
        "javascript:alert(1)",
        "JavaScript://%0aalert(1)",
        "data:text/html,<b>",
        "meet.exempel.se",
        "https://a b",
        "",
    ] {
        assert_eq!(with(MeetingForm::Digital, hostile).join_link(), None, "{hostile}");
    }
    assert_eq!(with(MeetingForm::Home, "https://meet.exempel.se").join_link(), None, "not a digital meeting");
}
