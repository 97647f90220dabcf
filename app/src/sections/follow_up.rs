//! Uppföljning: how each goal went (uppfyllt, delvis, inte), what each
//! responsible party reports about its interventions, and closing the plan.
//! Every entry is an immutable record with date and name, so the history
//! stays whole.

use leptos::prelude::*;
use shared::plan::{
    edit, latest_status, Closing, ClosingReason, InterventionReport, InterventionStatus, Outcome, StatusEntry,
};

use super::{now_millis, today, PlanContext};
use crate::components::field::{enum_options, enum_pick, enum_value, InputField, SelectField};
use crate::components::progressive::progressive_limit;
use crate::components::second_chance::confirmed;

/// Goal outcomes, intervention reports and closing.
#[component]
pub fn FollowUpSection(ctx: PlanContext) -> impl IntoView {
    // The lists are made again only when their items changed.
    let goals_changed = ctx.item(|p| Some(&p.goals));
    let interventions_changed = ctx.item(|p| Some(&p.interventions));
    let goals = Memo::new(move |_| {
        goals_changed
            .get()
            .map(|p| {
                p.ordered_goals()
                    .into_iter()
                    .enumerate()
                    .map(|(n, (id, g))| {
                        (n + 1, id.clone(), g.text.as_str().to_string(), latest_status(&g.status).cloned())
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let interventions = Memo::new(move |_| {
        interventions_changed
            .get()
            .map(|p| {
                p.ordered_interventions()
                    .into_iter()
                    .enumerate()
                    .map(|(n, (id, i))| {
                        let latest = i
                            .reports
                            .iter()
                            .max_by(|(ia, a), (ib, b)| (a.0.recorded_at, ia).cmp(&(b.0.recorded_at, ib)))
                            .map(|(_, r)| r.0.clone());
                        (n + 1, id.clone(), i.what.as_str().to_string(), latest)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let goals_shown = progressive_limit(move || goals.with(Vec::len));
    let interventions_shown = progressive_limit(move || interventions.with(Vec::len));
    let self_reports = super::self_reports::follow(ctx);
    let closing = ctx.part(|p| p.closing.clone());
    let closing = move || closing.get();
    let reason = RwSignal::new(ClosingReason::GoalsMet);
    let with_person = RwSignal::new(true);
    view! {
        <section class="section" aria-labelledby="follow-up-results-heading">
            <h2 id="follow-up-results-heading">"Hur har det gått?"</h2>
            <div class="no-print"><super::SignedAs ctx /></div>
            <h3>"Målen"</h3>
            <ol class="outcome-list">
                // Keyed on everything an item shows: a change redraws only the items it changed.
                <For each={move || goals.get().into_iter().take(goals_shown.get()).collect::<Vec<_>>()}
                    key={|(n, gid, text, latest)| (*n, gid.clone(), text.clone(), latest.as_ref().map(|e| (e.recorded_at, e.outcome.label(), e.date.clone(), e.by.clone(), e.comment.clone())))}
                    children=move |(n, gid, text, latest)| view! { <GoalOutcome ctx gid number=n text latest self_reports /> } />
            </ol>
            <h3>"Insatserna"</h3>
            <ol class="report-list">
                <For each={move || interventions.get().into_iter().take(interventions_shown.get()).collect::<Vec<_>>()}
                    key={|(n, iid, what, latest)| (*n, iid.clone(), what.clone(), latest.as_ref().map(|r| (r.recorded_at, r.status.label(), r.date.clone(), r.by.clone(), r.comment.clone())))}
                    children=move |(n, iid, what, latest)| view! { <InterventionStatusReport ctx iid number=n what latest /> } />
            </ol>
            <h3>"Personens upplevelse av mötena"</h3>
            <super::self_reports::TakingPartOverTime ctx reports=self_reports />
            <h3>"Avsluta planen"</h3>
            {move || match closing() {
                Some(c) => view! {
                    <p class="closed" role="status">{format!("Planen avslutades {}: {}{}. Av {}.", c.date, c.reason.label(),
                        if c.decided_with_person { ", beslutat tillsammans med personen" } else { "" }, c.by)}</p>
                }.into_any(),
                None => view! {
                    <div class="no-print">
                        <SelectField id="closing-reason" label="Varför avslutas planen?"
                            options=enum_options(&ClosingReason::ALL, |r| r.label())
                            value=Signal::derive(move || enum_value(&ClosingReason::ALL, Some(&reason.get())))
                            on_value=Callback::new(move |v: String| if let Some(r) = enum_pick(&ClosingReason::ALL, &v) { reason.set(r) }) />
                        <label class="choice"><input type="checkbox" prop:checked=move || with_person.get()
                            on:change=move |ev| with_person.set(event_target_checked(&ev)) />" Beslutat tillsammans med personen"</label>
                        <super::SignedAs ctx />
                        <p><button type="button" on:click=move |_| {
                            if !confirmed("Vill du avsluta planen för alla? Bara samordningsansvarig kan ändra avslutet.") {
                                return;
                            }
                            let Some(signer) = ctx.signer() else { return };
                            let closing = Closing { reason: reason.get_untracked(), date: today(), decided_with_person: with_person.get_untracked(),
                                by: signer.name, author: signer.author, comment: String::new() };
                            ctx.change(|doc| edit::close_plan(doc, &closing));
                        }>"Avsluta planen"</button></p>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn GoalOutcome(
    ctx: PlanContext,
    gid: String,
    number: usize,
    text: String,
    latest: Option<StatusEntry>,
    self_reports: Memo<Option<shared::self_reports::SelfReports>>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let group = format!("outcome-{gid}");
    let reports_goal = gid.clone();
    let heading_id = format!("{group}-heading");
    let gid = StoredValue::new(gid);
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
        if ctx.change(|doc| edit::record_goal_status(doc, &gid.get_value(), None, &entry)).is_some() {
            comment.set(String::new());
        }
    };
    let comment_id = format!("{group}-comment");
    view! {
        <li class="outcome" data-goal=gid.get_value()>
            <div class="item-body">
            <p id=heading_id.clone()><strong>{format!("Mål {number}: ")}</strong>{text}</p>
            <super::self_reports::GoalReports reports=self_reports goal_id=reports_goal heading_id />
            <p class="latest">{match latest {
                Some(e) => format!("Senast: {} ({}, {}){}", e.outcome.label(), e.date, e.by,
                    if e.comment.is_empty() { String::new() } else { format!(" – {}", e.comment) }),
                None => "Inte följt upp än.".to_string(),
            }}</p>
            <div class="no-print">
                <InputField id=comment_id label=format!("Kommentar om mål {number}") value=comment
                    on_value=Callback::new(move |v| comment.set(v)) />
                <div class="button-row" role="group" aria-label=format!("Hur gick det med mål {number}?")>
                    {Outcome::ALL.into_iter().map(|outcome| view! {
                        <button type="button" class="small" on:click=move |_| record(outcome)>{outcome.label()}</button>
                    }).collect_view()}
                </div>
            </div>
            <super::sub_goal_outcomes::SubGoalOutcomes ctx gid=gid.get_value() number />
            </div>
        </li>
    }
}

#[component]
fn InterventionStatusReport(
    ctx: PlanContext,
    iid: String,
    number: usize,
    what: String,
    latest: Option<InterventionReport>,
) -> impl IntoView {
    let status = RwSignal::new(latest.as_ref().map(|r| r.status).unwrap_or(InterventionStatus::Ongoing));
    let comment = RwSignal::new(String::new());
    let select_id = format!("report-{iid}-status");
    let comment_id = format!("report-{iid}-comment");
    let iid = StoredValue::new(iid);
    view! {
        <li class="report" data-intervention=iid.get_value()>
            <div class="item-body">
            <p><strong>{format!("Insats {number}: ")}</strong>{what}</p>
            <p class="latest">{match latest {
                Some(r) => format!("Senast: {} ({}, {}){}", r.status.label(), r.date, r.by,
                    if r.comment.is_empty() { String::new() } else { format!(" – {}", r.comment) }),
                None => "Ingen rapport än.".to_string(),
            }}</p>
            <div class="no-print field-row">
                <SelectField id=select_id label=format!("Status för insats {number}")
                    options=enum_options(&InterventionStatus::ALL, |s| s.label())
                    value=Signal::derive(move || enum_value(&InterventionStatus::ALL, Some(&status.get())))
                    on_value=Callback::new(move |v: String| if let Some(s) = enum_pick(&InterventionStatus::ALL, &v) { status.set(s) }) />
                <InputField id=comment_id label=format!("Kommentar om insats {number}") value=comment
                    on_value=Callback::new(move |v| comment.set(v)) />
            </div>
            <p class="no-print"><button type="button" class="small" on:click=move |_| {
                let Some(signer) = ctx.signer() else { return };
                let report = InterventionReport { status: status.get_untracked(), comment: comment.get_untracked(), date: today(),
                    by: signer.name, author: signer.author, recorded_at: now_millis() };
                if ctx.change(|doc| edit::report_intervention(doc, &iid.get_value(), &report)).is_some() {
                    comment.set(String::new());
                }
            }>{format!("Rapportera insats {number}")}</button></p>
            </div>
        </li>
    }
}
