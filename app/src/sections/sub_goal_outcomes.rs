//! Follow-up per sub-goal (seed 004): each sub-goal of a goal marked
//! uppfyllt, delvis uppfyllt or inte uppfyllt at each follow-up, with its
//! history (who, when, comment), beside the goal's own outcome.

use leptos::prelude::*;
use shared::plan::{edit, Outcome, Plan, StatusEntry};

use super::{now_millis, today, PlanContext};
use crate::components::field::InputField;

/// One sub-goal as the follow-up shows it: id, text, and its history,
/// oldest first.
type SubGoalLine = (String, String, Vec<StatusEntry>);

fn sub_goal_lines(plan: &Plan, goal_id: &str) -> Vec<SubGoalLine> {
    let Some(goal) = plan.goals.get(goal_id) else { return Vec::new() };
    Plan::ordered(&goal.sub_goals, |s| s.position.as_str())
        .into_iter()
        .map(|(id, sub)| {
            let mut history: Vec<StatusEntry> = sub.status.values().map(|r| r.0.clone()).collect();
            history.sort_by_key(|e| e.recorded_at);
            (id.clone(), sub.text.as_str().trim().to_string(), history)
        })
        .collect()
}

/// "Mål {number}"'s sub-goals, each with its outcome history and buttons.
#[component]
pub fn SubGoalOutcomes(ctx: PlanContext, gid: String, number: usize) -> impl IntoView {
    let goal = StoredValue::new(gid);
    let lines =
        Memo::new(move |_| ctx.plan.get().map(|p| sub_goal_lines(&p, &goal.get_value())).unwrap_or_default());
    move || {
        let lines = lines.get();
        (!lines.is_empty()).then(|| {
            view! {
                <ol class="sub-goal-outcomes">
                    {lines.into_iter().enumerate().map(|(n, (sid, text, history))| {
                        view! { <SubGoalOutcome ctx goal sid label=format!("Delmål {number}.{}", n + 1) text history /> }
                    }).collect_view()}
                </ol>
            }
        })
    }
}

#[component]
fn SubGoalOutcome(
    ctx: PlanContext,
    goal: StoredValue<String>,
    sid: String,
    label: String,
    text: String,
    history: Vec<StatusEntry>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let comment_id = format!("sub-outcome-{sid}-comment");
    let sid = StoredValue::new(sid);
    let record = move |outcome: Outcome| {
        let Some(signer) = ctx.signer() else { return };
        let entry = StatusEntry {
            outcome,
            date: today(),
            by: signer.name,
            author: signer.author,
            comment: comment.get_untracked(),
            recorded_at: now_millis(),
        };
        let recorded = ctx
            .change(|doc| edit::record_goal_status(doc, &goal.get_value(), Some(&sid.get_value()), &entry));
        if recorded.is_some() {
            comment.set(String::new());
        }
    };
    let group = format!("Hur gick det med {}?", label.to_lowercase());
    view! {
        <li class="sub-goal-outcome">
            <p><strong>{format!("{label}: ")}</strong>{text}</p>
            {if history.is_empty() {
                view! { <p class="sub-goal-latest">"Inte följt upp än."</p> }.into_any()
            } else {
                view! {
                    <ul class="outcome-history">
                        {history.into_iter().rev().map(|e| view! {
                            <li>{format!("{}: {} ({}){}", e.date, e.outcome.label(), e.by,
                                if e.comment.is_empty() { String::new() } else { format!(" – {}", e.comment) })}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="no-print">
                <InputField id=comment_id label=format!("Kommentar om {}", label.to_lowercase()) value=comment
                    on_value=Callback::new(move |v| comment.set(v)) />
                <div class="button-row" role="group" aria-label=group>
                    {Outcome::ALL.into_iter().map(|outcome| view! {
                        <button type="button" class="small" on:click=move |_| record(outcome)>{outcome.label()}</button>
                    }).collect_view()}
                </div>
            </div>
        </li>
    }
}
