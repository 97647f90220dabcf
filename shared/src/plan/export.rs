//! The plan as plain text: for a person who wants it in an e-mail, a
//! screen reader, or a record system that takes text. Every legal item is
//! there, in the same words as on the screen; every meeting with its
//! details (when, where or the link, who leads, who takes notes, who came,
//! the summary); every entry with who recorded it. Dates as Swedish dates
//! ("12 mars 2027"), which a screen reader reads as words.

use std::fmt::Write as _;

use super::{completeness, latest_status, MeetingForm, Plan};
use crate::swedish_time::{clock, long_date, long_date_of};

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
    write_approvals(&mut out, plan);
    write_closing_and_deviations(&mut out, plan);
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
        let guardian = match entry.giver {
            super::ConsentGiver::Guardian => format!(", vårdnadshavare {}", entry.giver_name.trim()),
            super::ConsentGiver::Person => String::new(),
        };
        let _ = writeln!(
            out,
            "- {}: {} ({}{guardian}), antecknat av {}",
            long_date(&entry.date),
            entry.decision.label(),
            entry.form.in_sentence(),
            entry.recorded_by
        );
    }
    if let Some(extent) = plan.consent_extent() {
        let shared_with = match extent.shared_with {
            None => "alla som är med i planen".to_string(),
            Some(ids) => {
                let names: Vec<&str> =
                    ids.iter().filter_map(|id| plan.participants.get(id)).map(|p| p.name.trim()).collect();
                if names.is_empty() {
                    "ingen av deltagarna".to_string()
                } else {
                    names.join(", ")
                }
            }
        };
        let _ = writeln!(out, "- Får delas med: {shared_with}");
        if !extent.not_shared.is_empty() {
            let _ = writeln!(out, "- Får inte delas eller tas upp: {}", extent.not_shared);
        }
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

/// Each meeting: kind, when, where (or the link), for how long, who
/// leads and who takes notes, its purpose, who came and the summary.
fn write_meetings(out: &mut String, plan: &Plan) {
    if plan.meetings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nMöten");
    let name = |id: &str| plan.participants.get(id).map(|p| p.name.as_str());
    let chosen = |id: &Option<String>| id.as_deref().and_then(name).unwrap_or("inte vald");
    let mut meetings: Vec<_> = plan.meetings.iter().collect();
    meetings.sort_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0)));
    for (_, meeting) in meetings {
        let mut line = format!(
            "- {} {}",
            meeting.kind.label(),
            meeting.date.as_deref().map(long_date).unwrap_or_else(|| "utan datum".into())
        );
        if !meeting.time.trim().is_empty() {
            let _ = write!(line, " klockan {}", clock(&meeting.time));
        }
        let _ = write!(line, ", {}", meeting.form.label());
        if meeting.form == MeetingForm::Digital && !meeting.digital_link.trim().is_empty() {
            let _ = write!(line, ", länk: {}", meeting.digital_link.trim());
        } else if !meeting.place.trim().is_empty() {
            let _ = write!(line, ", {}", meeting.place.trim());
        }
        if meeting.planned_minutes > 0 {
            let _ = write!(line, ", {} minuter", meeting.planned_minutes);
        }
        let _ = write!(
            line,
            ". Mötesledare: {}. Dokumenterar: {}",
            chosen(&meeting.chair),
            chosen(&meeting.note_taker)
        );
        let _ = writeln!(out, "{line}");
        if !meeting.purpose.as_str().trim().is_empty() {
            let _ = writeln!(out, "  Syfte: {}", meeting.purpose.as_str().trim());
        }
        let came: Vec<&str> = plan
            .ordered_participants()
            .into_iter()
            .filter(|(id, _)| meeting.attendance.get(*id).is_some_and(|a| a.attended == Some(true)))
            .map(|(_, p)| p.name.as_str())
            .collect();
        if !came.is_empty() {
            let _ = writeln!(out, "  Närvarande: {}", came.join(", "));
        }
        let absent: Vec<&str> = meeting.absent().filter_map(name).collect();
        if !absent.is_empty() {
            let _ = writeln!(out, "  Kallade som inte kom: {}", absent.join(", "));
        }
        if !meeting.summary.as_str().trim().is_empty() {
            let _ = writeln!(out, "  Sammanfattning: {}", meeting.summary.as_str().trim());
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
                let _ = write!(out, ". Klart senast {}", long_date(date));
            }
            let _ = writeln!(out);
            if let Some(status) = latest_status(&sub.status) {
                write_entry(
                    out,
                    "  Uppföljning",
                    &status.date,
                    status.outcome.label(),
                    "antecknat",
                    &status.by,
                );
            }
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
            let _ = write!(out, ". Startar {}", long_date(start));
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
    let _ = writeln!(out, "   {what} {}: {outcome}, {recorded} av {by}", long_date(date));
}

fn write_follow_up(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nUppföljning");
    let _ = writeln!(
        out,
        "Nästa uppföljning: {}",
        plan.follow_up
            .next_follow_up
            .as_deref()
            .map(long_date)
            .unwrap_or_else(|| "inget datum är bestämt".into())
    );
    if let Some(evaluation) = &plan.follow_up.evaluation {
        let _ = writeln!(out, "Utvärdering: {}", long_date(evaluation));
    }
    if !plan.follow_up.how.as_str().trim().is_empty() {
        let _ = writeln!(out, "Så följer vi upp: {}", plan.follow_up.how.as_str().trim());
    }
    let mut revisions: Vec<_> = plan.revisions.values().map(|r| &r.0).collect();
    revisions.sort_by_key(|r| (r.recorded_at, r.date.clone()));
    for revision in revisions {
        let _ = writeln!(
            out,
            "- Reviderad {}: {}, antecknat av {}",
            long_date(&revision.date),
            revision.summary.trim(),
            revision.by
        );
    }
}

/// Each approval: who, when, of which meeting, on their own or orally at
/// the meeting (and then who recorded it), and which version.
fn write_approvals(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nGodkännande");
    let mut meetings: Vec<_> = plan.meetings.values().collect();
    meetings.sort_by(|a, b| a.date.cmp(&b.date));
    for meeting in meetings {
        let mut approvals: Vec<_> = meeting.approvals.iter().collect();
        approvals.sort_by_key(|(_, a)| a.0.approved_at);
        for (pid, approval) in approvals {
            let name =
                plan.participants.get(pid).map(|p| p.name.as_str()).unwrap_or(approval.0.name.as_str());
            let day = long_date_of(approval.approved_at);
            let version = approval.0.heads.join(",");
            let version = version.get(..8).unwrap_or("");
            if approval.oral {
                let by = &approval.recorded_by;
                let _ = writeln!(
                    out,
                    "- {name} godkände planen muntligt på mötet (antecknat av {by}) den {day} (version {version})"
                );
            } else {
                let _ = writeln!(out, "- {name} godkände planen den {day} (version {version})");
            }
        }
    }
}

/// The closing, and every deviation report with who reported it.
fn write_closing_and_deviations(out: &mut String, plan: &Plan) {
    if let Some(closing) = &plan.closing {
        let _ = writeln!(
            out,
            "\nPlanen avslutades {}: {}, antecknat av {}",
            long_date(&closing.date),
            closing.reason.label(),
            closing.by
        );
    }
    let mut deviations: Vec<_> = plan.deviations.values().collect();
    deviations.sort_by_key(|d| d.recorded_at);
    if !deviations.is_empty() {
        let _ = writeln!(out, "\nAvvikelser");
    }
    for deviation in deviations {
        let about = deviation.intervention.as_deref().and_then(|id| plan.interventions.get(id));
        let about =
            about.map(|i| format!(" (gäller insatsen \"{}\")", i.what.as_str().trim())).unwrap_or_default();
        let _ = writeln!(
            out,
            "- {}: {}{}: {}, rapporterat av {}",
            long_date(&deviation.date),
            deviation.kind.label(),
            about,
            deviation.description.as_str().trim(),
            deviation.reporter
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{
        edit, fixture, read_plan, Attendance, Deviation, DeviationKind, Outcome, Revision, StatusEntry, Text,
    };

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
        let mut doc = fixture::example_plan().expect("example");
        let plan = read_plan(&doc).expect("plan");
        let (meeting_id, _) = plan.meetings.iter().next().expect("the example has a meeting");
        let id_of =
            |name: &str| plan.participants.iter().find(|(_, p)| p.name == name).expect(name).0.clone();
        let (anna, erik, jonas) = (id_of("Anna Berg"), id_of("Erik Berg"), id_of("Jonas Ek"));
        let at = fixture::FIXTURE_TIME;
        edit::record_oral_approval(&mut doc, meeting_id, &erik, "Erik Berg", at, (&jonas, "Jonas Ek"))
            .expect("oral");
        edit::update_meeting(&mut doc, meeting_id, |m| {
            m.summary = Text::with_value("Anna vill börja med gångträningen.");
            for (who, came) in [(&anna, true), (&jonas, true), (&erik, false)] {
                m.attendance.insert(who.clone(), Attendance { invited: true, attended: Some(came) });
            }
        })
        .expect("attendance");
        let (goal_id, goal) = plan.ordered_goals()[0];
        let (sub_id, _) = Plan::ordered(&goal.sub_goals, |s| &s.position)[0];
        let entry = StatusEntry {
            outcome: Outcome::PartlyFulfilled,
            date: "2026-12-01".into(),
            by: "Sara Holm".into(),
            author: String::new(),
            comment: String::new(),
            recorded_at: at,
        };
        edit::record_goal_status(&mut doc, goal_id, Some(sub_id), &entry).expect("status");
        let revision = Revision {
            date: "2026-12-02".into(),
            by: "Maria Lind".into(),
            author: String::new(),
            summary: "Nytt delmål.".into(),
            recorded_at: at,
        };
        edit::add_revision(&mut doc, &revision).expect("revision");
        let deviation = Deviation {
            kind: DeviationKind::PlanNotFollowed,
            description: Text::with_value("Larmet kom inte."),
            date: "2026-12-03".into(),
            reporter: "Erik Berg".into(),
            author: String::new(),
            recorded_at: at,
            intervention: None,
        };
        edit::add_deviation(&mut doc, &deviation).expect("deviation");
        let plan = read_plan(&doc).expect("plan");
        let (help_id, help) = plan.ordered_interventions()[0];
        let not_given =
            crate::plan::help_status::not_given(help_id, "Ingen kom.", "2026-12-04", "Anna Berg", "", at + 1);
        let help_what = help.what.as_str().trim().to_string();
        edit::add_deviation(&mut doc, &not_given).expect("not given");
        let text = to_text(&read_plan(&doc).expect("plan"));
        let not_given_line = format!(
            "- 4 december 2026: En del av planen följdes inte (gäller insatsen \"{help_what}\"): Ingen kom., rapporterat av Anna Berg"
        );
        assert!(text.contains(&not_given_line), "{not_given_line} missing in:\n{text}");
        for needle in [
            "- SIP-möte 8 oktober 2026 klockan 13.00, Hemma hos mig, Hos Anna, Storgatan 1, Umeå, 90 minuter. \
             Mötesledare: Jonas Ek. Dokumenterar: Maria Lind",
            "  Syfte: Göra en plan tillsammans med Anna så att hon kan bo kvar hemma tryggt.",
            "  Närvarande: Anna Berg, Jonas Ek",
            "  Kallade som inte kom: Erik Berg",
            "  Sammanfattning: Anna vill börja med gångträningen.",
            "- 1 oktober 2026: Samtycke lämnat (skriftligt), antecknat av Maria Lind",
            "     Uppföljning 1 december 2026: Delvis uppfyllt, antecknat av Sara Holm",
            "   Läge 11 november 2026: Pågår, rapporterat av Sara Holm",
            "Utvärdering: 15 april 2027",
            "- Reviderad 2 december 2026: Nytt delmål., antecknat av Maria Lind",
            "- Anna Berg godkände planen den 8 oktober 2026 (version ",
            "- Erik Berg godkände planen muntligt på mötet (antecknat av Jonas Ek) den 8 oktober 2026 (version ",
            "- 3 december 2026: En del av planen följdes inte: Larmet kom inte., rapporterat av Erik Berg",
        ] {
            assert!(text.contains(needle), "{needle} missing in:\n{text}");
        }
        assert!(!text.contains("2026-"), "every date as a Swedish date:\n{text}");
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
