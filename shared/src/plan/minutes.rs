//! The meeting's minutes (minnesanteckningar): what was held, when it
//! began and ended, who took part and who did not come, the agenda that
//! was followed, the summary, and who approved the plan during the
//! meeting. Read in the meeting view once the chair has ended the meeting
//! and printed from there; the same blocks as the paper plan
//! ([`super::paper`]), so one drawing serves both.

use super::agenda::steps;
use super::paper::{place, Block, Fact, PaperSection};
use super::{Meeting, Plan};
use crate::swedish_time::{clock, local, long_date};

fn fact(label: &str, value: impl Into<String>) -> Fact {
    Fact { label: label.to_string(), value: value.into() }
}

/// "13.02" at a moment (ms since 1970), Swedish time.
fn time_of(ms: i64) -> String {
    local(ms).1.swedish()
}

/// When: the day, from the start to the end and how long; before it ended,
/// what was planned.
fn when(meeting: &Meeting) -> Vec<Fact> {
    let planned_day = meeting.date.as_deref().map(long_date);
    match (meeting.started_at, meeting.ended_at) {
        (Some(start), Some(end)) => vec![
            fact("Datum", local(start).0.long()),
            fact(
                "Tid",
                format!(
                    "{}–{} ({} minuter)",
                    time_of(start),
                    time_of(end),
                    meeting.minutes_gone(end).unwrap_or_default()
                ),
            ),
        ],
        (Some(start), None) => vec![
            fact("Datum", local(start).0.long()),
            fact("Tid", format!("Började {}. Mötet pågår.", time_of(start))),
        ],
        (None, _) => {
            let mut facts = vec![fact("Datum", planned_day.unwrap_or_else(|| "Inte bestämt".into()))];
            if !meeting.time.trim().is_empty() {
                facts.push(fact("Tid", format!("Planerat {}. Mötet har inte börjat.", clock(&meeting.time))));
            }
            facts
        }
    }
}

/// The minutes of meeting `meeting_id`, if the plan has it.
pub fn minutes(plan: &Plan, meeting_id: &str) -> Option<PaperSection> {
    let meeting = plan.meetings.get(meeting_id)?;
    let name =
        |id: &str| plan.participants.get(id).map(|p| p.name.trim().to_string()).filter(|n| !n.is_empty());
    let named = |id: &Option<String>| id.as_deref().and_then(name).unwrap_or_else(|| "Inte utsedd".into());
    let mut facts = vec![fact("Planen", plan.title.as_str().trim().to_string())];
    facts.retain(|f| !f.value.is_empty());
    facts.extend(when(meeting));
    facts.push(fact("Var", place(meeting)));
    if !meeting.purpose.as_str().trim().is_empty() {
        facts.push(fact("Syfte", meeting.purpose.as_str().trim()));
    }
    facts.push(fact("Ordförande", named(&meeting.chair)));
    facts.push(fact("Antecknar", named(&meeting.note_taker)));
    let who = |attended: bool| -> Vec<String> {
        plan.ordered_participants()
            .into_iter()
            .filter(|(id, _)| meeting.attendance.get(*id).is_some_and(|a| a.attended == Some(attended)))
            .filter_map(|(id, _)| name(id))
            .collect()
    };
    let came = who(true);
    let away = who(false);
    if !came.is_empty() {
        facts.push(fact("Närvarande", came.join(", ")));
    }
    if !away.is_empty() {
        facts.push(fact("Inte med", away.join(", ")));
    }
    if let Some(by) = meeting.ended_at.and(name(&meeting.ended_by)) {
        facts.push(fact("Avslutat av", by));
    }
    let mut blocks = vec![Block::Facts(facts), Block::Heading("Dagordning".into())];
    blocks.push(Block::List(
        steps(meeting).into_iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, s.title)).collect(),
    ));
    blocks.push(match meeting.summary.as_str().trim() {
        "" => Block::Facts(vec![fact("Sammanfattning", "Ingen sammanfattning är skriven.")]),
        summary => Block::Prose(fact("Sammanfattning", summary)),
    });
    blocks.push(Block::Heading("Godkännanden".into()));
    let mut approvals: Vec<_> = meeting.approvals.values().map(|r| &r.0).collect();
    approvals.sort_by_key(|a| a.approved_at);
    blocks.push(if approvals.is_empty() {
        Block::Note("Ingen har godkänt planen vid det här mötet.".into())
    } else {
        Block::List(
            approvals
                .into_iter()
                .map(|a| {
                    let how = if a.oral {
                        format!("muntligt, antecknat av {}", a.recorded_by)
                    } else {
                        "själv".to_string()
                    };
                    let (day, time) = local(a.approved_at);
                    format!("{} godkände planen {} klockan {} ({how})", a.name, day.long(), time.swedish())
                })
                .collect(),
        )
    });
    let mut next = Vec::new();
    if let Some(day) = plan.follow_up.next_follow_up.as_deref().filter(|d| !d.is_empty()) {
        next.push(fact("Nästa uppföljning", long_date(day)));
    }
    if let Some(day) = plan.follow_up.evaluation.as_deref().filter(|d| !d.is_empty()) {
        next.push(fact("Utvärdering", long_date(day)));
    }
    if !next.is_empty() {
        blocks.push(Block::Facts(next));
    }
    let day = meeting
        .started_at
        .map(|ms| local(ms).0.long())
        .or_else(|| meeting.date.as_deref().map(long_date))
        .unwrap_or_else(|| "utan datum".into());
    Some(PaperSection { heading: format!("Minnesanteckningar från {} {day}", meeting.kind.label()), blocks })
}

/// The minutes as plain text, for reading aloud, copying and tests.
pub fn to_text(minutes: &PaperSection) -> String {
    let mut text = format!("{}\n", minutes.heading);
    for block in &minutes.blocks {
        match block {
            Block::Facts(facts) => {
                facts.iter().for_each(|f| text.push_str(&format!("{}: {}\n", f.label, f.value)))
            }
            Block::Prose(f) => text.push_str(&format!("{}\n", f.value)),
            Block::Heading(h) => text.push_str(&format!("\n{h}\n")),
            Block::Note(n) => text.push_str(&format!("{n}\n")),
            Block::List(items) => items.iter().for_each(|i| text.push_str(&format!("{i}\n"))),
            Block::Table(table) => {
                for row in &table.rows {
                    text.push_str(&format!("{}\n", row.join(" | ")));
                }
            }
        }
    }
    text
}

#[cfg(test)]
mod tests;
