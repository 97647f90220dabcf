//! The plan on paper: what "Skriv ut planen" prints, as a document and not
//! as the editor's form.
//!
//! The order follows the SIP template (seed 004: the person's own goals,
//! resources and needs, sub-goals, measures with time plan and who is
//! responsible, follow-up, consent and signatures) and the manual's list
//! of what the plan must show (seed 000): the person and the plan's dates,
//! the participants, the overall responsibility and the coordinator, the
//! person's own words, goals with sub-goals, the interventions of kommun
//! and region and the measures of others, follow-up and evaluation, the
//! meetings, consent, and one approval line per participant.
//!
//! A pure function from the plan to sections of simple blocks (facts,
//! prose, tables), so that what the paper says is tested natively and the
//! app only lays it out. Every label has a value: what is not filled in
//! says so ("Inte bestämt", "–"), nothing is printed as an empty field.
//! Dates read as Swedish dates ("12 mars 2027").

use super::approvals::current_meeting;
use super::{
    completeness, in_time_order, latest_status, Approval, ConsentGiver, ConsentState, Goal, Intervention,
    InterventionReport, Meeting, MeetingForm, ParticipantKind, Plan, PreparationField, StatusEntry,
};
use crate::swedish_time::{clock, long_date, long_date_of};

/// The plan as a paper document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperPlan {
    /// The plan's name ("Namnlös plan" when it has none).
    pub title: String,
    /// The day it was printed, "6 december 2026".
    pub printed_on: String,
    /// The sections, in the order the paper shows them.
    pub sections: Vec<PaperSection>,
}

impl PaperPlan {
    /// The line at the top of every page.
    pub fn running_head(&self) -> String {
        format!("Samordnad individuell plan: {}", self.title)
    }

    /// The line at the foot of every page, before the page number.
    pub fn running_foot(&self) -> String {
        format!("Utskriven {}", self.printed_on)
    }
}

/// One section: a heading and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperSection {
    /// The section's heading ("Deltagare").
    pub heading: String,
    /// Its content, in order.
    pub blocks: Vec<Block>,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Labelled values, one a line ("Nästa uppföljning: 15 januari 2027").
    Facts(Vec<Fact>),
    /// A labelled text in someone's own words, which may have several lines.
    Prose(Fact),
    /// A heading inside the section ("Mål 1: …").
    Heading(String),
    /// A sentence about the section ("Inga delmål.").
    Note(String),
    /// A table; a cell may have several lines.
    Table(Table),
    /// A list of short lines.
    List(Vec<String>),
}

/// A label and its value; the value is never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The label ("Samordningsansvarig").
    pub label: String,
    /// The value ("Maria Lind, Biståndshandläggare").
    pub value: String,
}

/// A table with a caption for screen readers and one header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// What the table lists.
    pub caption: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column; no cell is empty.
    pub rows: Vec<Vec<String>>,
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The heading.
    pub heading: String,
    /// How wide it is meant to be, in percent of the page's width (the
    /// columns of a table add up to 100), by what it usually holds; a
    /// column with a longer word is made wider by the layout.
    pub width: u8,
}

/// What a cell shows for nothing.
const NOTHING: &str = "–";

fn fact(label: &str, value: impl Into<String>) -> Fact {
    Fact { label: label.to_string(), value: value.into() }
}

fn or(text: &str, otherwise: &str) -> String {
    match text.trim() {
        "" => otherwise.to_string(),
        text => text.to_string(),
    }
}

fn date_or(date: Option<&str>, otherwise: &str) -> String {
    match date.map(str::trim) {
        Some(date) if !date.is_empty() => long_date(date),
        _ => otherwise.to_string(),
    }
}

/// The non-empty parts, one a line; `NOTHING` when all are empty.
fn lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<&str> = parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        NOTHING.to_string()
    } else {
        parts.join("\n")
    }
}

fn table(caption: String, columns: &[(&str, u8)], rows: Vec<Vec<String>>) -> Block {
    let columns =
        columns.iter().map(|(heading, width)| Column { heading: heading.to_string(), width: *width });
    Block::Table(Table { caption, columns: columns.collect(), rows })
}

/// The plan as paper, printed on `printed_on` (YYYY-MM-DD).
/// `still_current` tells whether the plan as it is now is what an
/// approval approved (see [`super::approvals`]); an approval of an earlier
/// version says so on its line.
pub fn paper_plan(plan: &Plan, printed_on: &str, still_current: impl FnMut(&Approval) -> bool) -> PaperPlan {
    let printed_on = long_date(printed_on);
    let sections = [
        Some(person_section(plan, &printed_on)),
        Some(participants_section(plan)),
        Some(responsibility_section(plan)),
        Some(own_words_section(plan)),
        Some(goals_section(plan)),
        Some(interventions_section(plan, false)),
        Some(interventions_section(plan, true)),
        Some(follow_up_section(plan)),
        Some(meetings_section(plan)),
        Some(consent_section(plan)),
        closing_section(plan),
        Some(approvals_section(plan, still_current)),
        missing_section(plan),
    ];
    PaperPlan {
        title: or(plan.title.as_str(), "Namnlös plan"),
        printed_on,
        sections: sections.into_iter().flatten().collect(),
    }
}

fn section(heading: &str, blocks: Vec<Block>) -> PaperSection {
    PaperSection { heading: heading.to_string(), blocks }
}

/// The person, where the plan stands, and its dates.
fn person_section(plan: &Plan, printed_on: &str) -> PaperSection {
    let person = &plan.person;
    let name = match person.name.as_str().trim() {
        "" => plan
            .ordered_participants()
            .into_iter()
            .find(|(_, p)| p.kind == ParticipantKind::Person)
            .map(|(_, p)| or(&p.name, "Inte ifyllt"))
            .unwrap_or_else(|| "Inte ifyllt".to_string()),
        name => name.to_string(),
    };
    let mut facts = vec![fact("Personen", name)];
    if !person.phone.trim().is_empty() {
        facts.push(fact("Telefon", person.phone.trim()));
    }
    if !person.language.trim().is_empty() {
        facts.push(fact("Språk", person.language.trim()));
    }
    if person.interpreter_needed {
        facts.push(fact("Tolk", "Behöver tolk"));
    }
    if person.is_child {
        facts.push(fact("Barn eller ungdom", "Ja: vårdnadshavarna samtycker och är med"));
    }
    let meetings = meetings_in_order(plan);
    let first = meetings.first().map(|(_, m)| m.date.as_deref());
    facts.push(fact("Planen gjordes", date_or(first.flatten(), "Inget möte är antecknat")));
    let revised = plan.revisions.values().map(|r| r.0.date.as_str()).max();
    if let Some(revised) = revised {
        facts.push(fact("Senast reviderad", long_date(revised)));
    }
    facts.push(fact("Nästa uppföljning", date_or(plan.follow_up.next_follow_up.as_deref(), "Inte bestämd")));
    facts.push(fact("Utvärdering", date_or(plan.follow_up.evaluation.as_deref(), "Inte bestämd")));
    let state = match (&plan.closing, plan.consent_state()) {
        (Some(closing), _) => format!("Avslutad {}", long_date(&closing.date)),
        (None, ConsentState::Given) => "Gäller".to_string(),
        (None, ConsentState::NotRecorded) => "Inget samtycke är antecknat än".to_string(),
        (None, ConsentState::Refused) => "Personen har inte samtyckt".to_string(),
        (None, ConsentState::Withdrawn) => "Samtycket är återkallat".to_string(),
    };
    facts.push(fact("Planen", state));
    facts.push(fact("Utskriven", printed_on));
    section("Personen och planen", vec![Block::Facts(facts)])
}

fn participants_section(plan: &Plan) -> PaperSection {
    let rows: Vec<Vec<String>> = plan
        .ordered_participants()
        .into_iter()
        .map(|(id, p)| {
            let coordinator = plan.coordinator.as_deref() == Some(id.as_str());
            let role = if coordinator {
                format!("{}\nSamordningsansvarig", p.kind.label())
            } else {
                p.kind.label().to_string()
            };
            // "Kommun" and the unit; an organisation named as its kind ("Försäkringskassan") once.
            let organisation = if p.kind == ParticipantKind::Professional {
                let kind = p.organisation.label();
                lines([if p.unit.trim() == kind { "" } else { kind }, &p.unit])
            } else {
                or(&p.unit, NOTHING)
            };
            vec![
                or(&p.name, "Utan namn"),
                role,
                organisation,
                or(&p.role, NOTHING),
                lines([&*p.phone, &p.email]),
            ]
        })
        .collect();
    let blocks = if rows.is_empty() {
        vec![Block::Note("Inga deltagare är antecknade.".into())]
    } else {
        let columns = [
            ("Namn", 18),
            ("Roll i planen", 20),
            ("Organisation och enhet", 22),
            ("Yrke eller relation", 20),
            ("Kontakt", 20),
        ];
        vec![table("Deltagare".into(), &columns, rows)]
    };
    section("Deltagare", blocks)
}

/// Who the person turns to first, and which principal answers for the plan.
fn responsibility_section(plan: &Plan) -> PaperSection {
    let coordinator = plan.coordinator.as_ref().and_then(|id| plan.participants.get(id));
    let mut facts = vec![match coordinator {
        Some(p) => {
            let who = [p.name.trim(), p.role.trim(), p.unit.trim()].into_iter().filter(|s| !s.is_empty());
            fact("Samordningsansvarig", or(&who.collect::<Vec<_>>().join(", "), "Utan namn"))
        }
        None => fact("Samordningsansvarig", "Inte utsedd"),
    }];
    if let Some(p) = coordinator {
        let contact = [p.phone.trim(), p.email.trim()].into_iter().filter(|s| !s.is_empty());
        facts.push(fact("Kontakt", or(&contact.collect::<Vec<_>>().join(", "), "Inga kontaktuppgifter")));
    }
    let overall = plan.overall_responsibility.map(|p| p.label()).unwrap_or("Inte bestämt");
    facts.push(fact("Övergripande ansvar för planen", overall));
    let note = "Samordningsansvarig är den som personen i första hand vänder sig till.";
    section("Ansvar för planen", vec![Block::Facts(facts), Block::Note(note.into())])
}

/// The main goal and the person's preparation, in their words. The
/// questions for the meeting (to raise, to avoid) are the meeting's, not
/// the plan's, and stay off the paper.
fn own_words_section(plan: &Plan) -> PaperSection {
    let preparation = &plan.person.preparation;
    let mut blocks = Vec::new();
    if !plan.main_goal.as_str().trim().is_empty() {
        blocks.push(Block::Prose(fact("Mitt huvudmål", plan.main_goal.as_str().trim())));
    }
    for field in PreparationField::ALL {
        let text = match field {
            PreparationField::ImportantToMe => &preparation.important_to_me,
            PreparationField::Needs => &preparation.needs,
            PreparationField::Strengths => &preparation.strengths,
            PreparationField::Obstacles => &preparation.obstacles,
            PreparationField::MySubGoals => &preparation.my_sub_goals,
            PreparationField::CanDoMyself => &preparation.can_do_myself,
            PreparationField::HowToFollowUp => &preparation.how_to_follow_up,
            PreparationField::FollowUpAfter => &preparation.follow_up_after,
            PreparationField::Other => &preparation.other,
            PreparationField::MyMainGoal => &preparation.my_main_goal,
            PreparationField::MeetingWishes => &preparation.meeting_wishes,
            PreparationField::Adaptations => &preparation.adaptations,
            PreparationField::PlanCopy => &preparation.plan_copy,
            PreparationField::QuestionsToRaise | PreparationField::QuestionsToAvoid => continue,
        };
        if !text.as_str().trim().is_empty() {
            blocks.push(Block::Prose(fact(field.label(), text.as_str().trim())));
        }
    }
    if blocks.is_empty() {
        blocks.push(Block::Note("Inget är antecknat med personens egna ord.".into()));
    }
    section("Med mina egna ord", blocks)
}

/// "Delvis uppfyllt 15 januari 2027 (Karin Berg): kommentar".
fn status_line(status: &StatusEntry) -> String {
    let mut line = format!("{} {}", status.outcome.label(), long_date(&status.date));
    if !status.by.trim().is_empty() {
        line.push_str(&format!(" (antecknat av {})", status.by.trim()));
    }
    if !status.comment.trim().is_empty() {
        line.push_str(&format!(": {}", status.comment.trim()));
    }
    line
}

fn goals_section(plan: &Plan) -> PaperSection {
    let goals = plan.ordered_goals();
    let interventions = plan.ordered_interventions();
    let mut blocks = Vec::new();
    for (n, (id, goal)) in goals.iter().enumerate() {
        let n = n + 1;
        blocks.push(Block::Heading(format!("Mål {n}: {}", or(goal.text.as_str(), "(utan text)"))));
        let serving: Vec<String> = interventions
            .iter()
            .enumerate()
            .filter(|(_, (_, i))| i.goal_id.as_ref() == Some(*id))
            .map(|(k, _)| (k + 1).to_string())
            .collect();
        let mut facts = Vec::new();
        if !serving.is_empty() {
            facts.push(fact("Insatser för målet", format!("nr {}", serving.join(", "))));
        }
        if let Some(status) = latest_status(&goal.status) {
            facts.push(fact("Hur det går", status_line(status)));
        }
        if !facts.is_empty() {
            blocks.push(Block::Facts(facts));
        }
        blocks.push(sub_goals(n, goal));
    }
    if blocks.is_empty() {
        blocks.push(Block::Note("Inga mål är antecknade.".into()));
    }
    section("Mål och delmål", blocks)
}

fn sub_goals(n: usize, goal: &Goal) -> Block {
    let subs = Plan::ordered(&goal.sub_goals, |s| &s.position);
    if subs.is_empty() {
        return Block::Note(format!("Inga delmål till mål {n}."));
    }
    let rows = subs
        .iter()
        .enumerate()
        .map(|(m, (_, sub))| {
            vec![
                format!("{n}.{} {}", m + 1, or(sub.text.as_str(), "(utan text)")),
                or(sub.measure.as_str(), NOTHING),
                date_or(sub.target_date.as_deref(), NOTHING),
                latest_status(&sub.status).map(status_line).unwrap_or_else(|| "Inte uppföljt än".into()),
            ]
        })
        .collect();
    let columns =
        [("Delmål", 34), ("Så vet vi att det är nått", 28), ("Klart senast", 15), ("Hur det går", 23)];
    table(format!("Delmål till mål {n}"), &columns, rows)
}

/// The latest report on an intervention.
fn latest_report(intervention: &Intervention) -> Option<&InterventionReport> {
    intervention.reports.values().map(|r| &r.0).max_by_key(|r| (r.recorded_at, r.date.clone()))
}

/// The interventions of kommun and region (`by_others` false), or the
/// measures of others (true), numbered as in the editor.
fn interventions_section(plan: &Plan, by_others: bool) -> PaperSection {
    let goals = plan.ordered_goals();
    let rows: Vec<Vec<String>> = plan
        .ordered_interventions()
        .into_iter()
        .enumerate()
        .filter(|(_, (_, i))| i.is_measure_by_other() == by_others)
        .map(|(k, (_, i))| {
            let mut what = or(i.what.as_str(), "(utan text)");
            if let Some(report) = latest_report(i) {
                what.push_str(&format!(
                    "\nLäge {}: {} (rapporterat av {})",
                    long_date(&report.date),
                    report.status.label(),
                    or(&report.by, "okänd")
                ));
                if !report.comment.trim().is_empty() {
                    what.push_str(&format!(": {}", report.comment.trim()));
                }
            }
            let goal = i
                .goal_id
                .as_ref()
                .and_then(|g| goals.iter().position(|(id, _)| *id == g))
                .map(|g| (g + 1).to_string());
            vec![
                (k + 1).to_string(),
                what,
                or(i.given_by(), "Inte vald"),
                lines([&*i.unit, &i.responsible_person]),
                date_or(i.start.as_deref(), NOTHING),
                or(i.time_plan.as_str(), NOTHING),
                goal.unwrap_or_else(|| NOTHING.to_string()),
            ]
        })
        .collect();
    let (heading, what, who) = if by_others {
        ("Åtgärder av andra", "Åtgärd", "Vem gör den")
    } else {
        ("Insatser av kommunen och regionen", "Insats", "Huvudman")
    };
    let blocks = match (rows.is_empty(), by_others) {
        (false, _) => {
            let columns = [
                ("Nr", 5),
                (what, 26),
                (who, 16),
                ("Ansvarig enhet och person", 19),
                ("Start", 12),
                ("Tidsplan", 16),
                ("Mål", 6),
            ];
            vec![table(heading.to_string(), &columns, rows)]
        }
        (true, true) if plan.no_measures_by_others => {
            vec![Block::Note("Ingen annan än kommunen och regionen gör något.".into())]
        }
        (true, true) => vec![Block::Note("Inga åtgärder av andra är antecknade.".into())],
        (true, false) => vec![Block::Note("Inga insatser är antecknade.".into())],
    };
    section(heading, blocks)
}

fn follow_up_section(plan: &Plan) -> PaperSection {
    let follow_up = &plan.follow_up;
    let mut facts = vec![
        fact("Nästa uppföljning", date_or(follow_up.next_follow_up.as_deref(), "Inte bestämd")),
        fact("Utvärdering", date_or(follow_up.evaluation.as_deref(), "Inte bestämd")),
    ];
    if !follow_up.how.as_str().trim().is_empty() {
        facts.push(fact("Så följer vi upp", follow_up.how.as_str().trim()));
    }
    let mut blocks = vec![Block::Facts(facts)];
    let mut revisions: Vec<_> = plan.revisions.values().map(|r| &r.0).collect();
    revisions.sort_by_key(|r| (r.recorded_at, r.date.clone()));
    if !revisions.is_empty() {
        let rows = revisions
            .into_iter()
            .map(|r| vec![long_date(&r.date), or(&r.summary, NOTHING), or(&r.by, NOTHING)])
            .collect();
        blocks.push(table(
            "Revideringar".into(),
            &[("Datum", 18), ("Vad ändrades och varför", 57), ("Antecknat av", 25)],
            rows,
        ));
    }
    section("Uppföljning och utvärdering", blocks)
}

/// The meetings by date (then id).
fn meetings_in_order(plan: &Plan) -> Vec<(&String, &Meeting)> {
    let mut meetings: Vec<_> = plan.meetings.iter().collect();
    meetings.sort_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0)));
    meetings
}

/// Where a meeting is held: the address (or the kind of place), or
/// "Digitalt" and the link (also the minutes': [`super::minutes`]).
pub(crate) fn place(meeting: &Meeting) -> String {
    match (meeting.form, meeting.place.trim(), meeting.digital_link.trim()) {
        (MeetingForm::Digital, _, "") => meeting.form.label().to_string(),
        (MeetingForm::Digital, _, link) => format!("{}: {link}", meeting.form.label()),
        (_, "", _) => meeting.form.label().to_string(),
        (_, place, _) => place.to_string(),
    }
}

fn meetings_section(plan: &Plan) -> PaperSection {
    let name = |id: &Option<String>| {
        id.as_ref().and_then(|id| plan.participants.get(id)).map(|p| or(&p.name, "Utan namn"))
    };
    let mut blocks = Vec::new();
    for (_, meeting) in meetings_in_order(plan) {
        let day = date_or(meeting.date.as_deref(), "utan datum");
        blocks.push(Block::Heading(format!("{} {day}", meeting.kind.label())));
        let mut when = day.clone();
        if !meeting.time.trim().is_empty() {
            when.push_str(&format!(" klockan {}", clock(&meeting.time)));
        }
        if meeting.planned_minutes > 0 {
            when.push_str(&format!(", {} minuter", meeting.planned_minutes));
        }
        let mut facts = vec![fact("När", when), fact("Var", place(meeting))];
        if !meeting.purpose.as_str().trim().is_empty() {
            facts.push(fact("Syfte", meeting.purpose.as_str().trim()));
        }
        facts.push(fact("Ordförande", name(&meeting.chair).unwrap_or_else(|| "Inte utsedd".into())));
        facts.push(fact("Antecknar", name(&meeting.note_taker).unwrap_or_else(|| "Inte utsedd".into())));
        let came: Vec<String> = plan
            .ordered_participants()
            .into_iter()
            .filter(|(id, _)| meeting.attendance.get(*id).is_some_and(|a| a.attended == Some(true)))
            .map(|(_, p)| p.name.clone())
            .collect();
        if !came.is_empty() {
            facts.push(fact("Närvarande", came.join(", ")));
        }
        let absent: Vec<String> = meeting.absent().filter_map(|id| name(&Some(id.to_string()))).collect();
        if !absent.is_empty() {
            facts.push(fact("Kallade som inte kom", absent.join(", ")));
        }
        if !meeting.summary.as_str().trim().is_empty() {
            facts.push(fact("Sammanfattning", meeting.summary.as_str().trim()));
        }
        blocks.push(Block::Facts(facts));
    }
    if blocks.is_empty() {
        blocks.push(Block::Note("Inga möten är antecknade.".into()));
    }
    section("Möten", blocks)
}

fn consent_section(plan: &Plan) -> PaperSection {
    let state = match plan.consent_state() {
        ConsentState::Given => "Personen har samtyckt till planen.",
        ConsentState::NotRecorded => "Inget samtycke är antecknat.",
        ConsentState::Refused => "Personen har sagt nej till en samordnad plan.",
        ConsentState::Withdrawn => "Personen har tagit tillbaka sitt samtycke. Planen gäller inte längre.",
    };
    let mut blocks = vec![Block::Note(state.into())];
    let awaited: Vec<String> = plan.guardians_awaited().into_iter().map(|(_, name)| name).collect();
    if !awaited.is_empty() && !plan.consent.is_empty() {
        blocks.push(Block::Note(format!("Samtycke saknas från vårdnadshavare: {}.", awaited.join(", "))));
    }
    if let Some(extent) = plan.consent_extent() {
        let names: Option<Vec<String>> = extent.shared_with.map(|ids| {
            ids.iter().filter_map(|id| plan.participants.get(id)).map(|p| p.name.trim().to_string()).collect()
        });
        let shared_with = match names {
            None => "Alla som är med i planen".to_string(),
            Some(names) if names.is_empty() => "Ingen av deltagarna".to_string(),
            Some(names) => names.join(", "),
        };
        let mut facts = vec![fact("Får delas med", shared_with)];
        if !extent.not_shared.is_empty() {
            facts.push(fact("Får inte delas eller tas upp", extent.not_shared));
        }
        blocks.push(Block::Facts(facts));
    }
    let entries = in_time_order(plan.consent.values().map(|r| &r.0).collect());
    if !entries.is_empty() {
        let rows = entries
            .into_iter()
            .map(|e| {
                let who = match e.giver {
                    ConsentGiver::Person => "Personen".to_string(),
                    ConsentGiver::Guardian => lines(["Vårdnadshavare", &e.giver_name]).replace('\n', ": "),
                };
                vec![
                    long_date(&e.date),
                    lines([e.decision.label(), &e.comment]),
                    e.form.label().to_string(),
                    who,
                    or(&e.recorded_by, NOTHING),
                ]
            })
            .collect();
        blocks.push(table(
            "Samtycke".into(),
            &[("Datum", 18), ("Beslut", 26), ("Hur", 14), ("Vem", 20), ("Antecknat av", 22)],
            rows,
        ));
    }
    section("Samtycke", blocks)
}

fn closing_section(plan: &Plan) -> Option<PaperSection> {
    let closing = plan.closing.as_ref()?;
    let mut facts = vec![
        fact("Datum", long_date(&closing.date)),
        fact("Skäl", closing.reason.label()),
        fact("Beslutat tillsammans med personen", if closing.decided_with_person { "Ja" } else { "Nej" }),
        fact("Antecknat av", or(&closing.by, NOTHING)),
    ];
    if !closing.comment.trim().is_empty() {
        facts.push(fact("Kommentar", closing.comment.trim()));
    }
    Some(section("Avslut", vec![Block::Facts(facts)]))
}

/// One line per participant: the approval of the current meeting (name,
/// day, how), or that they have not approved.
fn approvals_section(plan: &Plan, mut still_current: impl FnMut(&Approval) -> bool) -> PaperSection {
    let meeting = current_meeting(plan).and_then(|id| plan.meetings.get(id));
    let rows: Vec<Vec<String>> = plan
        .ordered_participants()
        .into_iter()
        .map(|(id, p)| match meeting.and_then(|m| m.approvals.get(id)).map(|r| &r.0) {
            Some(approval) => {
                let mut how = if approval.oral {
                    format!("Muntligt på mötet, antecknat av {}", or(&approval.recorded_by, "okänd"))
                } else {
                    "Själv, i Samplan".to_string()
                };
                if !still_current(approval) {
                    how.push_str("\nPlanen har ändrats efter det");
                }
                vec![or(&p.name, "Utan namn"), long_date_of(approval.approved_at), how]
            }
            None => {
                vec![or(&p.name, "Utan namn"), NOTHING.to_string(), "Har inte godkänt planen".to_string()]
            }
        })
        .collect();
    let mut blocks = vec![Block::Note(match meeting.and_then(|m| m.date.as_deref()) {
        Some(date) => {
            format!("Var och en godkänner planen. Godkännandena hör till mötet {}.", long_date(date))
        }
        None => "Var och en godkänner planen.".to_string(),
    })];
    if rows.is_empty() {
        blocks.push(Block::Note("Inga deltagare är antecknade.".into()));
    } else {
        blocks.push(table("Godkännande".into(), &[("Deltagare", 30), ("Godkänt", 22), ("Hur", 48)], rows));
    }
    section("Godkännande", blocks)
}

fn missing_section(plan: &Plan) -> Option<PaperSection> {
    let missing = completeness::missing(plan);
    (!missing.is_empty()).then(|| {
        let lines = missing.into_iter().map(|r| r.label().to_string()).collect();
        section("Det här saknas i planen", vec![Block::List(lines)])
    })
}

#[cfg(test)]
mod tests;
