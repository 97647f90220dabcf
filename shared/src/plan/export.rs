//! The plan as plain text: for a person who wants it in an e-mail, a
//! screen reader, or a record system that takes text. Every legal item is
//! there, in the same words as on the screen.

use std::fmt::Write as _;

use super::{completeness, latest_status, Plan};

/// The whole plan as plain Swedish text.
pub fn to_text(plan: &Plan) -> String {
    let mut out = String::new();
    let title = plan.title.as_str().trim();
    let _ = writeln!(
        out,
        "Samordnad individuell plan: {}",
        if title.is_empty() { "Namnlös plan" } else { title }
    );
    if !plan.main_goal.as_str().trim().is_empty() {
        let _ = writeln!(out, "Mitt huvudmål: {}", plan.main_goal.as_str().trim());
    }
    write_consent(&mut out, plan);
    write_participants(&mut out, plan);
    write_meetings(&mut out, plan);
    write_goals(&mut out, plan);
    write_interventions(&mut out, plan);
    write_follow_up(&mut out, plan);
    let missing = completeness::missing(plan);
    if !missing.is_empty() {
        let _ = writeln!(out, "\nDet här saknas i planen");
        for requirement in missing {
            let _ = writeln!(out, "- {}", requirement.label());
        }
    }
    out
}

fn write_consent(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nSamtycke");
    let consent = super::in_time_order(plan.consent.values().map(|r| &r.0).collect());
    if consent.is_empty() {
        let _ = writeln!(out, "- Inget samtycke är antecknat.");
    }
    for entry in consent {
        let _ = writeln!(
            out,
            "- {}: {} ({}), antecknat av {}",
            entry.date,
            entry.decision.label(),
            entry.form.in_sentence(),
            entry.recorded_by
        );
    }
}

fn write_participants(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nDeltagare");
    for (id, p) in plan.ordered_participants() {
        let mut line = format!("- {}, {}", p.name, p.kind.label());
        if p.kind == super::ParticipantKind::Professional {
            let _ = write!(line, " ({})", p.organisation.label());
        }
        for detail in [&p.role, &p.unit, &p.phone, &p.email] {
            if !detail.is_empty() {
                let _ = write!(line, ", {detail}");
            }
        }
        if plan.coordinator.as_deref() == Some(id.as_str()) {
            line.push_str(". Samordningsansvarig");
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(principal) = plan.overall_responsibility {
        let _ = writeln!(out, "Övergripande ansvar för planen: {}", principal.label());
    }
}

/// Each meeting: kind, when, where, who leads and who takes notes.
fn write_meetings(out: &mut String, plan: &Plan) {
    if plan.meetings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nMöten");
    let name = |id: &Option<String>| {
        id.as_ref().and_then(|id| plan.participants.get(id)).map(|p| p.name.as_str()).unwrap_or("inte vald")
    };
    let mut meetings: Vec<_> = plan.meetings.iter().collect();
    meetings.sort_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0)));
    for (_, meeting) in meetings {
        let mut line = format!(
            "- {} {} {}, {}",
            meeting.kind.label(),
            meeting.date.as_deref().unwrap_or("utan datum"),
            meeting.time,
            meeting.form.label()
        );
        for detail in [&meeting.place, &meeting.digital_link] {
            if !detail.is_empty() {
                let _ = write!(line, ", {detail}");
            }
        }
        let _ = write!(
            line,
            ". Mötesledare: {}. Dokumenterar: {}",
            name(&meeting.chair),
            name(&meeting.note_taker)
        );
        let _ = writeln!(out, "{line}");
        if !meeting.purpose.as_str().trim().is_empty() {
            let _ = writeln!(out, "  Syfte: {}", meeting.purpose.as_str().trim());
        }
    }
}

fn write_goals(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nMål och delmål");
    for (n, (_, goal)) in plan.ordered_goals().iter().enumerate() {
        let _ = writeln!(out, "{}. {}", n + 1, goal.text.as_str().trim());
        let subs = Plan::ordered(&goal.sub_goals, |s| &s.position);
        for (m, (_, sub)) in subs.iter().enumerate() {
            let _ = write!(out, "   Delmål {}.{}: {}", n + 1, m + 1, sub.text.as_str().trim());
            if !sub.measure.as_str().trim().is_empty() {
                let _ = write!(out, ". Så vet vi att det är nått: {}", sub.measure.as_str().trim());
            }
            if let Some(date) = &sub.target_date {
                let _ = write!(out, ". Klart senast {date}");
            }
            let _ = writeln!(out);
        }
        if let Some(status) = latest_status(&goal.status) {
            write_entry(out, "Uppföljning", &status.date, status.outcome.label(), "antecknat", &status.by);
        }
    }
}

fn write_interventions(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nInsatser");
    let goals = plan.ordered_goals();
    for (n, (_, i)) in plan.ordered_interventions().iter().enumerate() {
        let _ = write!(out, "{}. {}", n + 1, i.what.as_str().trim());
        let responsible = i.principal.map(|p| p.label()).unwrap_or("huvudman inte vald");
        let _ = write!(out, ". Ansvarig: {responsible}");
        for detail in [&i.unit, &i.responsible_person] {
            if !detail.is_empty() {
                let _ = write!(out, ", {detail}");
            }
        }
        if let Some(start) = &i.start {
            let _ = write!(out, ". Startar {start}");
        }
        if !i.time_plan.as_str().trim().is_empty() {
            let _ = write!(out, ". {}", i.time_plan.as_str().trim());
        }
        if let Some(goal) = i.goal_id.as_ref().and_then(|g| goals.iter().position(|(id, _)| *id == g)) {
            let _ = write!(out, ". För mål {}", goal + 1);
        }
        let _ = writeln!(out);
        let latest = i.reports.values().map(|r| &r.0).max_by_key(|r| (r.recorded_at, r.date.clone()));
        if let Some(report) = latest {
            write_entry(out, "Läge", &report.date, report.status.label(), "rapporterat", &report.by);
        }
    }
    if plan.no_measures_by_others {
        let _ = writeln!(out, "Ingen annan än kommunen och regionen gör något.");
    }
}

/// One log entry under its item: what, when, the outcome, and who recorded it.
fn write_entry(out: &mut String, what: &str, date: &str, outcome: &str, recorded: &str, by: &str) {
    let _ = writeln!(out, "   {what} {date}: {outcome}, {recorded} av {by}");
}

fn write_follow_up(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nUppföljning");
    let _ = writeln!(
        out,
        "Nästa uppföljning: {}",
        plan.follow_up.next_follow_up.as_deref().unwrap_or("inget datum är bestämt")
    );
    if let Some(evaluation) = &plan.follow_up.evaluation {
        let _ = writeln!(out, "Utvärdering: {evaluation}");
    }
    let _ = writeln!(out, "\nGodkännande");
    for meeting in plan.meetings.values() {
        for (pid, approval) in &meeting.approvals {
            let name =
                plan.participants.get(pid).map(|p| p.name.as_str()).unwrap_or(approval.0.name.as_str());
            let how = if approval.oral {
                format!(" muntligt på mötet (antecknat av {})", approval.recorded_by)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- {name} godkände planen{how} (version {})",
                approval.0.heads.join(",").get(..8).unwrap_or("")
            );
        }
    }
    if let Some(closing) = &plan.closing {
        let _ = writeln!(
            out,
            "\nPlanen avslutades {}: {}, antecknat av {}",
            closing.date,
            closing.reason.label(),
            closing.by
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{fixture, read_plan};

    #[test]
    fn the_example_plan_as_text_has_every_legal_item() {
        let doc = fixture::example_plan().expect("example");
        let plan = read_plan(&doc).expect("plan");
        let text = to_text(&plan);
        for needle in [
            "Samtycke",
            "Deltagare",
            "Samordningsansvarig",
            "Mål och delmål",
            "Delmål 1.1",
            "Insatser",
            "Ansvarig: ",
            "Nästa uppföljning: ",
            "Övergripande ansvar för planen: ",
        ] {
            assert!(text.contains(needle), "{needle} missing in:\n{text}");
        }
        let goal = plan.ordered_goals()[0].1.text.as_str().trim().to_string();
        assert!(text.contains(&goal));
    }

    #[test]
    fn the_text_names_who_recorded_what_and_the_meeting() {
        let doc = fixture::example_plan().expect("example");
        let plan = read_plan(&doc).expect("plan");
        let text = to_text(&plan);
        let (_, meeting) = plan.meetings.iter().next().expect("the example has a meeting");
        let chair = &plan.participants[meeting.chair.as_ref().expect("a chair")].name;
        let note_taker = &plan.participants[meeting.note_taker.as_ref().expect("a note-taker")].name;
        for needle in [
            "Möten".to_string(),
            format!("Mötesledare: {chair}. Dokumenterar: {note_taker}"),
            meeting.place.clone(),
            format!("Syfte: {}", meeting.purpose.as_str().trim()),
            "antecknat av Maria Lind".to_string(),
            "Utvärdering: ".to_string(),
        ] {
            assert!(text.contains(&needle), "{needle} missing in:\n{text}");
        }
    }
}

/// The whole plan document as JSON, for another system: every field under
/// its key in the document (items in maps by their ids, texts as strings,
/// log entries as structured records), wrapped with what it is and the
/// versions it follows (`super::json_export`, schema in `shared/schema/`).
pub fn to_json(doc: &impl automerge::ReadDoc) -> String {
    let envelope = super::json_export::to_json_value(doc);
    serde_json::to_string_pretty(&envelope).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn the_json_export_holds_every_part_of_the_plan() {
        let doc = crate::plan::fixture::example_plan().expect("example");
        let plan = crate::plan::read_plan(&doc).expect("plan");
        let json: serde_json::Value = serde_json::from_str(&to_json(&doc)).expect("valid JSON");
        assert_eq!(json["format"], "samplan-plan");
        assert_eq!(json["plan"]["title"], plan.title.as_str());
        let (goal_id, goal) = plan.ordered_goals()[0];
        assert_eq!(json["plan"]["goals"][goal_id]["text"], goal.text.as_str());
        assert_eq!(json["plan"]["goals"].as_object().map(|g| g.len()), Some(plan.goals.len()));
        assert_eq!(json["plan"]["participants"].as_object().map(|p| p.len()), Some(plan.participants.len()));
        assert!(json["plan"]["consent"].as_object().is_some_and(|c| !c.is_empty()));
    }
}
