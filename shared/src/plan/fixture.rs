//! Realistic plans for tests, benchmarks and demonstrations.
//!
//! [`example_plan`] is the kind of plan seed 000 describes: an older woman
//! living at home, goals in her own words, interventions from kommun and
//! region and a measure by Försäkringskassan. [`large_plan`] is the size
//! the benchmarks use: 40 goals, 120 interventions, 20 participants, two
//! years of follow-ups and about 5,000 changes of history.

use automerge::AutoCommit;

use super::edit::{self, set_text_at};
use super::{
    new_plan_document, Closing, ClosingReason, ConsentDecision, ConsentEntry, ConsentForm, ConsentGiver,
    Intervention, InterventionReport, InterventionStatus, Meeting, MeetingForm, MeetingKind,
    OrganisationKind, Outcome, Participant, ParticipantKind, PlanError, PlanText, PreparationField,
    Principal, StatusEntry, SubGoal, Text, TextPath,
};

/// 2026-10-08 12:00 UTC in milliseconds; fixtures use fixed times.
pub const FIXTURE_TIME: i64 = 1_791_460_800_000;

fn participant(
    name: &str,
    kind: ParticipantKind,
    org: OrganisationKind,
    unit: &str,
    role: &str,
    phone: &str,
) -> Participant {
    Participant {
        name: name.into(),
        kind,
        organisation: org,
        unit: unit.into(),
        role: role.into(),
        phone: phone.into(),
        email: String::new(),
        position: String::new(),
    }
}

fn sub_goal(text: &str, measure: &str, target_date: &str) -> SubGoal {
    SubGoal {
        text: Text::with_value(text),
        measure: Text::with_value(measure),
        target_date: Some(target_date.into()),
        ..SubGoal::default()
    }
}

fn intervention(
    what: &str,
    goal: Option<&str>,
    principal: Principal,
    unit: &str,
    person: &str,
    start: &str,
    plan: &str,
) -> Intervention {
    Intervention {
        what: Text::with_value(what),
        goal_id: goal.map(str::to_string),
        principal: Some(principal),
        unit: unit.into(),
        responsible_person: person.into(),
        start: Some(start.into()),
        time_plan: Text::with_value(plan),
        ..Intervention::default()
    }
}

/// The example plan of seed 000, complete by the legal minimum.
pub fn example_plan() -> Result<AutoCommit, PlanError> {
    let mut doc = new_plan_document("SIP för Anna Berg")?;
    super::set_text(&mut doc, PlanText::MainGoal, "Jag vill klara mig hemma och hämta min post själv.")?;
    set_text_at(&mut doc, &TextPath::PersonName, "Anna Berg")?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::ImportantToMe),
        "Att få bo kvar hemma. Att inte vara rädd när jag är ensam.",
    )?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::Needs),
        "Hjälp med dusch och inköp. Träna att gå.",
    )?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::Strengths),
        "Min son Erik hälsar på varje vecka. Jag tycker om att gå ut.",
    )?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::Obstacles),
        "Trappan på gården. Jag blir yr ibland.",
    )?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::CanDoMyself),
        "Laga frukost. Ringa Erik.",
    )?;
    set_text_at(
        &mut doc,
        &TextPath::Preparation(PreparationField::QuestionsToAvoid),
        "Särskilt boende vill jag inte prata om nu.",
    )?;

    let anna = edit::add_participant(
        &mut doc,
        participant("Anna Berg", ParticipantKind::Person, OrganisationKind::Other, "", "", "070-111 11 11"),
    )?;
    edit::add_participant(
        &mut doc,
        participant(
            "Erik Berg",
            ParticipantKind::Relative,
            OrganisationKind::Other,
            "",
            "Son",
            "070-222 22 22",
        ),
    )?;
    let maria = edit::add_participant(
        &mut doc,
        participant(
            "Maria Lind",
            ParticipantKind::Professional,
            OrganisationKind::Kommun,
            "Socialtjänsten, äldreomsorg",
            "Biståndshandläggare",
            "090-16 00 01",
        ),
    )?;
    let jonas = edit::add_participant(
        &mut doc,
        participant(
            "Jonas Ek",
            ParticipantKind::Professional,
            OrganisationKind::Region,
            "Vårdcentralen Ersboda",
            "Distriktssköterska",
            "090-78 50 02",
        ),
    )?;
    edit::add_participant(
        &mut doc,
        participant(
            "Sara Holm",
            ParticipantKind::Professional,
            OrganisationKind::Region,
            "Rehabenheten",
            "Fysioterapeut",
            "090-78 50 03",
        ),
    )?;
    edit::add_participant(
        &mut doc,
        participant(
            "Lena Ström",
            ParticipantKind::Professional,
            OrganisationKind::Forsakringskassan,
            "Försäkringskassan",
            "Handläggare",
            "0771-524 524",
        ),
    )?;
    edit::set_coordinator(&mut doc, Some(&maria))?;
    edit::set_overall_responsibility(&mut doc, Some(Principal::Kommun))?;
    edit::record_consent(&mut doc, &written_consent("2026-10-01", "Maria Lind", 7))?;

    let post = edit::add_goal(&mut doc, "Jag vill gå till brevlådan och hämta min post själv.")?;
    edit::add_sub_goal(
        &mut doc,
        &post,
        sub_goal(
            "Gå 50 meter med rollator utan att vila",
            "Sara mäter sträckan vid varje träning",
            "2026-12-15",
        ),
    )?;
    edit::add_sub_goal(
        &mut doc,
        &post,
        sub_goal(
            "Gå ner för trappan på gården med stöd av ledstången",
            "Jag klarar trappan tre dagar i rad",
            "2027-01-15",
        ),
    )?;
    let safe = edit::add_goal(&mut doc, "Jag vill känna mig trygg när jag är ensam hemma.")?;
    edit::add_sub_goal(
        &mut doc,
        &safe,
        sub_goal(
            "Ha ett trygghetslarm och veta hur det fungerar",
            "Jag har provat larmet med hemtjänsten",
            "2026-11-01",
        ),
    )?;

    edit::add_intervention(
        &mut doc,
        intervention(
            "Hemtjänst: hjälp med dusch två gånger i veckan och inköp en gång i veckan",
            Some(&safe),
            Principal::Kommun,
            "Hemtjänsten Norr",
            "Maria Lind",
            "2026-10-12",
            "Tisdag och fredag förmiddag",
        ),
    )?;
    edit::add_intervention(
        &mut doc,
        intervention(
            "Trygghetslarm installeras och visas för Anna",
            Some(&safe),
            Principal::Kommun,
            "Trygghetslarm, kommunen",
            "Maria Lind",
            "2026-10-15",
            "En gång, inom en vecka",
        ),
    )?;
    let walk = edit::add_intervention(
        &mut doc,
        intervention(
            "Gångträning med rollator ute och i trappan",
            Some(&post),
            Principal::Region,
            "Rehabenheten",
            "Sara Holm",
            "2026-10-14",
            "Varje onsdag i tolv veckor",
        ),
    )?;
    edit::add_intervention(
        &mut doc,
        intervention(
            "Läkemedelsgenomgång för yrseln",
            None,
            Principal::Region,
            "Vårdcentralen Ersboda",
            "Jonas Ek",
            "2026-10-20",
            "En gång, sedan uppföljning efter en månad",
        ),
    )?;
    edit::add_intervention(
        &mut doc,
        Intervention {
            other_actor: "Försäkringskassan".into(),
            ..intervention(
                "Hjälp att söka bostadstillägg",
                None,
                Principal::Other,
                "Försäkringskassan",
                "Lena Ström",
                "2026-10-10",
                "Beslut inom sex veckor",
            )
        },
    )?;
    edit::report_intervention(
        &mut doc,
        &walk,
        &InterventionReport {
            status: InterventionStatus::Ongoing,
            comment: "Anna går 30 meter nu.".into(),
            date: "2026-11-11".into(),
            by: "Sara Holm".into(),
            author: String::new(),
            recorded_at: FIXTURE_TIME + 34 * 86_400_000,
        },
    )?;

    let meeting = edit::add_meeting(
        &mut doc,
        &Meeting {
            kind: MeetingKind::Planning,
            purpose: Text::with_value("Göra en plan tillsammans med Anna så att hon kan bo kvar hemma tryggt."),
            date: Some("2026-10-08".into()),
            time: "13:00".into(),
            form: MeetingForm::Home,
            place: "Hos Anna, Storgatan 1, Umeå".into(),
            planned_minutes: 90,
            agenda: Text::with_value("1. Välkommen och syfte\n2. Annas situation\n3. Behov\n4. Mål och insatser\n5. Sammanfattning\n6. Avslut"),
            chair: Some(jonas.clone()),
            note_taker: Some(maria.clone()),
            ..Meeting::default()
        },
    )?;
    edit::approve(&mut doc, &meeting, &anna, "Anna Berg", FIXTURE_TIME)?;
    edit::set_next_follow_up(&mut doc, Some("2027-01-15"))?;
    edit::set_evaluation(&mut doc, Some("2027-04-15"))?;
    Ok(doc)
}

/// A plan of the size the benchmarks measure.
pub fn large_plan() -> Result<AutoCommit, PlanError> {
    let mut doc = new_plan_document("Stor plan")?;
    doc.commit();
    let mut participants = Vec::new();
    for i in 0..20 {
        let org = if i % 2 == 0 { OrganisationKind::Kommun } else { OrganisationKind::Region };
        let id = edit::add_participant(
            &mut doc,
            participant(
                &format!("Deltagare {i}"),
                ParticipantKind::Professional,
                org,
                "Enhet",
                "Roll",
                "090-00 00 00",
            ),
        )?;
        doc.commit();
        participants.push(id);
    }
    edit::set_coordinator(&mut doc, participants.first().map(String::as_str))?;
    // Given, as in any plan in use: the editor shows the sections after
    // consent only, and the benchmarks measure the whole plan on the screen.
    edit::record_consent(&mut doc, &written_consent("2025-01-10", "Deltagare 0", 700))?;
    doc.commit();
    let mut goals = Vec::new();
    for g in 0..40 {
        let id = edit::add_goal(&mut doc, "")?;
        // Typed a few characters at a time, as in a meeting.
        let text = format!("Mål nummer {g}: jag vill klara mer av vardagen själv");
        for end in (4..=text.len()).step_by(4) {
            if text.is_char_boundary(end) {
                set_text_at(&mut doc, &TextPath::goal(&id), &text[..end])?;
                doc.commit();
            }
        }
        set_text_at(&mut doc, &TextPath::goal(&id), &text)?;
        for s in 0..2 {
            edit::add_sub_goal(
                &mut doc,
                &id,
                SubGoal {
                    text: Text::with_value(format!("Delmål {s} för mål {g}")), ..SubGoal::default()
                },
            )?;
            doc.commit();
        }
        goals.push(id);
    }
    for i in 0..120 {
        let principal = [Principal::Kommun, Principal::Region, Principal::Other][i % 3];
        let goal = &goals[i % goals.len()];
        let id = edit::add_intervention(
            &mut doc,
            intervention(
                &format!("Insats {i}"),
                Some(goal),
                principal,
                "Enhet",
                "Ansvarig",
                "2026-01-01",
                "Varje vecka",
            ),
        )?;
        doc.commit();
        for month in 0..24 {
            edit::report_intervention(
                &mut doc,
                &id,
                &InterventionReport {
                    status: InterventionStatus::Ongoing,
                    comment: format!("Rapport {month}"),
                    date: format!("{}-{:02}-01", 2025 + month / 12, month % 12 + 1),
                    by: "Ansvarig".into(),
                    author: String::new(),
                    recorded_at: FIXTURE_TIME + month * 86_400_000,
                },
            )?;
            doc.commit();
        }
    }
    // Two years of monthly follow-ups of every goal.
    for month in 0..24i64 {
        for goal in &goals {
            edit::record_goal_status(
                &mut doc,
                goal,
                None,
                &StatusEntry {
                    outcome: Outcome::PartlyFulfilled,
                    date: format!("{}-{:02}-15", 2025 + month / 12, month % 12 + 1),
                    by: "Samordnare".into(),
                    author: String::new(),
                    comment: String::new(),
                    recorded_at: FIXTURE_TIME + month * 30 * 86_400_000,
                },
            )?;
            doc.commit();
        }
    }
    Ok(doc)
}

/// The person's written consent, given on `date` and recorded by
/// `recorded_by`, `days_ago` days before [`FIXTURE_TIME`].
fn written_consent(date: &str, recorded_by: &str, days_ago: i64) -> ConsentEntry {
    ConsentEntry {
        decision: ConsentDecision::Given,
        form: ConsentForm::Written,
        giver: ConsentGiver::Person,
        giver_name: String::new(),
        giver_id: String::new(),
        shared_with: None,
        not_shared: String::new(),
        date: date.into(),
        recorded_by: recorded_by.into(),
        author: String::new(),
        comment: String::new(),
        recorded_at: FIXTURE_TIME - days_ago * 86_400_000,
    }
}

/// A closing of the plan for `reason`, by `by` (a participant whose id
/// is their name, as in the relay's tests).
pub fn closing(reason: ClosingReason, by: &str) -> Closing {
    Closing {
        reason,
        date: "2026-11-30".into(),
        decided_with_person: true,
        by: by.into(),
        author: by.into(),
        comment: String::new(),
    }
}

/// The person's withdrawal of consent, recorded by `by` (id and name).
pub fn withdrawal(by: &str) -> ConsentEntry {
    ConsentEntry {
        decision: ConsentDecision::Withdrawn,
        form: ConsentForm::Oral,
        giver: ConsentGiver::Person,
        giver_name: String::new(),
        giver_id: String::new(),
        shared_with: None,
        not_shared: String::new(),
        date: "2026-12-01".into(),
        recorded_by: by.into(),
        author: by.into(),
        comment: String::new(),
        recorded_at: FIXTURE_TIME + 60 * 86_400_000,
    }
}
