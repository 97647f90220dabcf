use super::*;
use crate::plan::{edit, fixture, read_plan};

fn paper_of(doc: &automerge::AutoCommit) -> (Plan, PaperPlan) {
    let plan = read_plan(doc).expect("plan");
    let paper = paper_plan(&plan, "2026-12-06", |_| true);
    (plan, paper)
}

/// Every text on the paper, labels and values alike.
fn texts(paper: &PaperPlan) -> Vec<String> {
    let mut out = vec![paper.title.clone(), paper.printed_on.clone()];
    for section in &paper.sections {
        out.push(section.heading.clone());
        for block in &section.blocks {
            match block {
                Block::Facts(facts) => {
                    out.extend(facts.iter().flat_map(|f| [f.label.clone(), f.value.clone()]))
                }
                Block::Prose(f) => out.extend([f.label.clone(), f.value.clone()]),
                Block::Heading(text) | Block::Note(text) => out.push(text.clone()),
                Block::Table(t) => {
                    out.push(t.caption.clone());
                    out.extend(t.columns.iter().map(|c| c.heading.clone()));
                    out.extend(t.rows.iter().flatten().cloned());
                }
                Block::List(items) => out.extend(items.iter().cloned()),
            }
        }
    }
    out
}

/// Nothing on the paper is an empty label, value, cell or section, and every
/// row has one cell per column.
fn check_nothing_empty(paper: &PaperPlan) {
    for text in texts(paper) {
        assert!(!text.trim().is_empty(), "an empty text on the paper: {paper:#?}");
    }
    for section in &paper.sections {
        assert!(!section.blocks.is_empty(), "{} is empty", section.heading);
        for block in &section.blocks {
            if let Block::Table(t) = block {
                assert!(!t.rows.is_empty(), "{}: a table without rows", t.caption);
                for row in &t.rows {
                    assert_eq!(row.len(), t.columns.len(), "{}: {row:?}", t.caption);
                }
                assert_eq!(t.columns.iter().map(|c| u32::from(c.width)).sum::<u32>(), 100, "{}", t.caption);
            }
        }
    }
}

fn headings(paper: &PaperPlan) -> Vec<&str> {
    paper.sections.iter().map(|s| s.heading.as_str()).collect()
}

fn table<'a>(paper: &'a PaperPlan, caption: &str) -> &'a Table {
    paper
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Table(t) if t.caption == caption => Some(t),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no table {caption}"))
}

fn fact_value<'a>(paper: &'a PaperPlan, label: &str) -> &'a str {
    paper
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Facts(facts) => facts.iter().find(|f| f.label == label).map(|f| f.value.as_str()),
            Block::Prose(f) if f.label == label => Some(f.value.as_str()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no fact {label}"))
}

#[test]
fn the_example_plan_on_paper_follows_the_template() {
    let (plan, paper) = paper_of(&fixture::example_plan().expect("example"));
    check_nothing_empty(&paper);
    assert_eq!(paper.title, "SIP för Anna Berg");
    assert_eq!(paper.running_head(), "Samordnad individuell plan: SIP för Anna Berg");
    assert_eq!(paper.running_foot(), "Utskriven 6 december 2026");
    assert_eq!(
        headings(&paper),
        [
            "Personen och planen",
            "Deltagare",
            "Ansvar för planen",
            "Med mina egna ord",
            "Mål och delmål",
            "Insatser av kommunen och regionen",
            "Åtgärder av andra",
            "Uppföljning och utvärdering",
            "Möten",
            "Samtycke",
            "Godkännande",
        ]
    );
    // The person and the plan's dates, in Swedish.
    assert_eq!(fact_value(&paper, "Personen"), "Anna Berg");
    assert_eq!(fact_value(&paper, "Planen gjordes"), "8 oktober 2026");
    assert_eq!(fact_value(&paper, "Nästa uppföljning"), "15 januari 2027");
    assert_eq!(fact_value(&paper, "Utvärdering"), "15 april 2027");
    assert_eq!(fact_value(&paper, "Planen"), "Gäller");
    // Responsibility.
    assert_eq!(
        fact_value(&paper, "Samordningsansvarig"),
        "Maria Lind, Biståndshandläggare, Socialtjänsten, äldreomsorg"
    );
    assert_eq!(fact_value(&paper, "Kontakt"), "090-16 00 01");
    assert_eq!(fact_value(&paper, "Övergripande ansvar för planen"), "Kommunen");
    // The person's own words.
    assert_eq!(fact_value(&paper, "Mitt huvudmål"), "Jag vill klara mig hemma och hämta min post själv.");
    assert_eq!(fact_value(&paper, "Mina behov"), "Hjälp med dusch och inköp. Träna att gå.");
    let all = texts(&paper).join("\n");
    assert!(!all.contains("Särskilt boende"), "the questions to avoid at the meeting are not printed");
    // Participants as a table: organisation, role, contact.
    let participants = table(&paper, "Deltagare");
    assert_eq!(participants.rows.len(), plan.participants.len());
    let maria = participants.rows.iter().find(|r| r[0] == "Maria Lind").expect("Maria");
    assert_eq!(
        maria[1..],
        [
            "Personal\nSamordningsansvarig",
            "Kommun\nSocialtjänsten, äldreomsorg",
            "Biståndshandläggare",
            "090-16 00 01"
        ]
    );
    let lena = participants.rows.iter().find(|r| r[0] == "Lena Ström").expect("Lena");
    assert_eq!(lena[2], "Försäkringskassan", "named once");
    // Goals with sub-goals, measures and dates.
    let first = table(&paper, "Delmål till mål 1");
    assert_eq!(
        first.rows[0],
        [
            "1.1 Gå 50 meter med rollator utan att vila",
            "Sara mäter sträckan vid varje träning",
            "15 december 2026",
            "Inte uppföljt än"
        ]
    );
    // Interventions, and the measure by Försäkringskassan apart.
    let interventions = table(&paper, "Insatser av kommunen och regionen");
    assert_eq!(interventions.rows.len(), 4);
    let walk = interventions.rows.iter().find(|r| r[1].starts_with("Gångträning")).expect("walking");
    assert_eq!(
        walk[2..],
        ["Regionen", "Rehabenheten\nSara Holm", "14 oktober 2026", "Varje onsdag i tolv veckor", "1"]
    );
    assert!(
        walk[1].contains("Läge 11 november 2026: Pågår (rapporterat av Sara Holm): Anna går 30 meter nu.")
    );
    let measures = table(&paper, "Åtgärder av andra");
    assert_eq!(measures.rows.len(), 1);
    assert_eq!(measures.rows[0][2], "Försäkringskassan");
    // The meeting, consent, and one approval line per participant.
    assert_eq!(fact_value(&paper, "När"), "8 oktober 2026 klockan 13.00, 90 minuter");
    assert_eq!(fact_value(&paper, "Ordförande"), "Jonas Ek");
    assert_eq!(fact_value(&paper, "Var"), "Hos Anna, Storgatan 1, Umeå");
    assert_eq!(fact_value(&paper, "Insatser för målet"), "nr 3");
    let consent = table(&paper, "Samtycke");
    assert_eq!(
        consent.rows[0],
        ["1 oktober 2026", "Samtycke lämnat", "Skriftligt", "Personen", "Maria Lind"]
    );
    let approvals = table(&paper, "Godkännande");
    assert_eq!(approvals.rows.len(), plan.participants.len());
    assert_eq!(approvals.rows[0], ["Anna Berg", "8 oktober 2026", "Själv, i Samplan"]);
    assert_eq!(approvals.rows[1], ["Erik Berg", "–", "Har inte godkänt planen"]);
}

#[test]
fn every_goal_intervention_and_participant_of_the_large_plan_is_on_paper() {
    let (plan, paper) = paper_of(&fixture::large_plan().expect("large"));
    check_nothing_empty(&paper);
    let all = texts(&paper).join("\n");
    for goal in plan.goals.values() {
        assert!(all.contains(goal.text.as_str()), "{}", goal.text.as_str());
        for sub in goal.sub_goals.values() {
            assert!(all.contains(sub.text.as_str()));
        }
    }
    for intervention in plan.interventions.values() {
        let what = intervention.what.as_str();
        assert!(texts(&paper).iter().any(|t| t == what || t.starts_with(&format!("{what}\n"))), "{what}");
    }
    assert_eq!(table(&paper, "Deltagare").rows.len(), 20);
    assert_eq!(table(&paper, "Godkännande").rows.len(), 20);
    let listed = table(&paper, "Insatser av kommunen och regionen").rows.len()
        + table(&paper, "Åtgärder av andra").rows.len();
    assert_eq!(listed, 120);
}

#[test]
fn an_empty_plan_on_paper_says_what_is_missing_and_has_no_empty_field() {
    let doc = crate::plan::new_plan_document("").expect("new");
    let (_, paper) = paper_of(&doc);
    check_nothing_empty(&paper);
    assert_eq!(paper.title, "Namnlös plan");
    assert_eq!(fact_value(&paper, "Planen"), "Inget samtycke är antecknat än");
    assert_eq!(fact_value(&paper, "Samordningsansvarig"), "Inte utsedd");
    let all = texts(&paper);
    for note in [
        "Inga mål är antecknade.",
        "Inga insatser är antecknade.",
        "Inget är antecknat med personens egna ord.",
    ] {
        assert!(all.iter().any(|t| t == note), "{note}");
    }
    assert_eq!(headings(&paper).last(), Some(&"Det här saknas i planen"));
}

#[test]
fn an_oral_approval_names_who_recorded_it_and_a_changed_plan_says_so() {
    let mut doc = fixture::example_plan().expect("example");
    let plan = read_plan(&doc).expect("plan");
    let meeting = current_meeting(&plan).expect("meeting").clone();
    let (erik, _) = plan.participants.iter().find(|(_, p)| p.name == "Erik Berg").expect("Erik");
    let (jonas, _) = plan.participants.iter().find(|(_, p)| p.name == "Jonas Ek").expect("Jonas");
    edit::record_oral_approval(
        &mut doc,
        &meeting,
        erik,
        "Erik Berg",
        fixture::FIXTURE_TIME,
        (jonas, "Jonas Ek"),
    )
    .expect("oral approval");
    let plan = read_plan(&doc).expect("plan");
    let paper = paper_plan(&plan, "2026-12-06", |approval| approval.oral);
    let approvals = table(&paper, "Godkännande");
    assert_eq!(
        approvals.rows[0],
        ["Anna Berg", "8 oktober 2026", "Själv, i Samplan\nPlanen har ändrats efter det"]
    );
    assert_eq!(
        approvals.rows[1],
        ["Erik Berg", "8 oktober 2026", "Muntligt på mötet, antecknat av Jonas Ek"]
    );
}

#[test]
fn a_closed_plan_says_when_why_and_by_whom() {
    let mut doc = fixture::example_plan().expect("example");
    edit::close_plan(&mut doc, &fixture::closing(crate::plan::ClosingReason::GoalsMet, "Maria Lind"))
        .expect("close");
    let (_, paper) = paper_of(&doc);
    check_nothing_empty(&paper);
    assert_eq!(fact_value(&paper, "Planen"), "Avslutad 30 november 2026");
    assert_eq!(fact_value(&paper, "Skäl"), "Målen är uppnådda");
    assert_eq!(fact_value(&paper, "Antecknat av"), "Maria Lind");
}

#[test]
fn a_childs_plan_on_paper_names_each_guardian_and_what_the_consent_covers() {
    use crate::plan::{ConsentDecision, ConsentGiver, Participant, ParticipantKind};
    let mut doc = fixture::example_plan().expect("example");
    edit::set_person_is_child(&mut doc, true).expect("child");
    let sara = edit::add_participant(
        &mut doc,
        Participant { name: "Sara Lind".into(), kind: ParticipantKind::Guardian, ..Participant::default() },
    )
    .expect("guardian");
    let guardian_consent = crate::plan::ConsentEntry {
        giver: ConsentGiver::Guardian,
        giver_id: sara.clone(),
        giver_name: "Sara Lind".into(),
        shared_with: Some(vec![sara]),
        not_shared: "Skulderna tas inte upp med skolan.".into(),
        recorded_at: fixture::FIXTURE_TIME + 1,
        ..fixture::withdrawal("Maria Lind")
    };
    edit::record_consent(
        &mut doc,
        &crate::plan::ConsentEntry { decision: ConsentDecision::Given, ..guardian_consent },
    )
    .expect("consent");
    let (_, paper) = paper_of(&doc);
    check_nothing_empty(&paper);
    assert_eq!(fact_value(&paper, "Får delas med"), "Sara Lind");
    assert_eq!(fact_value(&paper, "Får inte delas eller tas upp"), "Skulderna tas inte upp med skolan.");
    let consent = table(&paper, "Samtycke");
    assert!(consent.rows.iter().any(|row| row[3] == "Vårdnadshavare: Sara Lind"), "{:?}", consent.rows);
}
