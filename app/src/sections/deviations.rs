//! Avvikelser and revideringar: what went wrong (the four kinds of the
//! seeds) and when the plan was revised and why. Both are logs: an entry is
//! added, never edited, so the history stays whole.

use leptos::prelude::*;
use shared::plan::{edit, Deviation, DeviationKind, Revision};
use shared::self_reports::SelfReports;

use super::{now_millis, today, PlanContext};
use crate::components::field::{enum_options, enum_pick, enum_value, InputField, SelectField};

/// Deviation reports and revisions of the plan.
#[component]
pub fn DeviationsSection(ctx: PlanContext) -> impl IntoView {
    let kind = RwSignal::new(DeviationKind::PlanNotFollowed);
    let description = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    // Each report, with the intervention it is about ("Det här blev inte
    // av" from the person names one, written in their self-report document).
    let reports = super::self_reports::follow(ctx);
    let deviations = move || {
        let Some(plan) = ctx.plan.get() else { return Vec::new() };
        let by_person = reports.with(|r| r.as_ref().map(SelfReports::help_not_given).unwrap_or_default());
        let mut list: Vec<(Deviation, String)> = plan
            .deviations
            .values()
            .chain(by_person.iter().map(|(_, d)| d))
            .map(|d| (d.clone(), plan.deviation_about(d)))
            .collect();
        list.sort_by_key(|(d, _)| d.recorded_at);
        list
    };
    let revisions = move || {
        let mut list: Vec<Revision> =
            ctx.plan.get().map(|p| p.revisions.values().map(|r| r.0.clone()).collect()).unwrap_or_default();
        list.sort_by_key(|r| r.recorded_at);
        list
    };
    let report = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(text) = ctx.filled(description, "Beskriv vad som hände.") else { return };
        let Some(signer) = ctx.signer() else { return };
        let deviation = Deviation {
            kind: kind.get_untracked(),
            description: shared::plan::Text::with_value(&text),
            date: today(),
            reporter: signer.name,
            author: signer.author,
            recorded_at: now_millis(),
            intervention: None,
        };
        if ctx.change(|doc| edit::add_deviation(doc, &deviation)).is_some() {
            description.set(String::new());
        }
    };
    let revise = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(text) = ctx.filled(summary, "Skriv vad som ändrades i planen och varför.") else { return };
        let Some(signer) = ctx.signer() else { return };
        let revision = Revision {
            date: today(),
            by: signer.name,
            author: signer.author,
            summary: text,
            recorded_at: now_millis(),
        };
        if ctx.change(|doc| edit::add_revision(doc, &revision)).is_some() {
            summary.set(String::new());
        }
    };
    view! {
        <section class="section" aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">"Revideringar"</h2>
            <ul class="revision-list">
                {move || revisions().into_iter().map(|r| view! {
                    <li>{format!("{}: {} ({})", r.date, r.summary, r.by)}</li>
                }).collect_view()}
            </ul>
            <form class="add-form no-print" on:submit=revise>
                <InputField id="revision-summary" label="Vad ändrades i planen, och varför?" value=summary
                    on_value=Callback::new(move |v| summary.set(v)) />
                <super::SignedAs ctx />
                <button type="submit">"Anteckna revideringen"</button>
            </form>
        </section>
        <section class="section" aria-labelledby="deviations-heading">
            <h2 id="deviations-heading">"Avvikelser"</h2>
            <ul class="deviation-list">
                {move || deviations().into_iter().map(|(d, about)| view! {
                    <li>{format!("{}: {}{} – {} ({})", d.date, d.kind.label(), about, d.description.as_str(), d.reporter)}</li>
                }).collect_view()}
            </ul>
            <form class="add-form no-print" on:submit=report>
                <SelectField id="deviation-kind" label="Vad gick fel?"
                    options=enum_options(&DeviationKind::ALL, |k| k.label())
                    value=Signal::derive(move || enum_value(&DeviationKind::ALL, Some(&kind.get())))
                    on_value=Callback::new(move |v: String| if let Some(k) = enum_pick(&DeviationKind::ALL, &v) { kind.set(k) }) />
                <InputField id="deviation-description" label="Vad hände?" value=description
                    on_value=Callback::new(move |v| description.set(v)) />
                <super::SignedAs ctx />
                <button type="submit">"Rapportera avvikelsen"</button>
            </form>
        </section>
    }
}
