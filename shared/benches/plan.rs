//! How fast the plan document is on a large plan (fixture::large_plan):
//! hydrate it, apply one edit, load it from saved bytes. Budgets are in
//! BENCHMARKS.md and checked by scripts/bench-check.sh.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use shared::plan::edit;
use shared::plan::fixture::{large_plan, FIXTURE_TIME};
use shared::plan::{load_document, read_plan, TextPath};
use shared::preview::save_preview;
use shared::self_reports::{add_self_report, new_self_reports_document, read_self_reports, SelfReport};

fn plan_benches(c: &mut Criterion) {
    let mut doc = large_plan().expect("large plan");
    doc.commit();
    let bytes = doc.save();
    let changes = doc.get_changes(&[]).len();
    let plan = read_plan(&doc).expect("read");
    let (goal_id, _) = plan.ordered_goals()[20];
    let goal_id = goal_id.clone();
    let (intervention_id, _) = plan.ordered_interventions()[60];
    let intervention_id = intervention_id.clone();
    println!("large plan: {changes} changes, {} KB saved", bytes.len() / 1024);

    c.bench_function("automerge_native_hydrate_large_plan", |b| {
        b.iter(|| black_box(automerge::ReadDoc::hydrate(black_box(&doc), automerge::ROOT, None)))
    });

    c.bench_function("hydrate_large_plan", |b| {
        b.iter(|| black_box(read_plan(black_box(&doc)).expect("read")))
    });

    // Each edit starts from the same large plan (the copy is made outside
    // the measurement), so the figure is one keystroke on that plan.
    c.bench_function("edit_goal_text_and_reconcile", |b| {
        b.iter_batched(
            || doc.clone(),
            |mut doc| {
                let text = "Mål nummer 20: jag vill klara mer av vardagen själv!";
                edit::set_text_at(&mut doc, &TextPath::goal(&goal_id), text).expect("edit");
                doc.commit();
                doc
            },
            BatchSize::LargeInput,
        )
    });

    c.bench_function("edit_intervention_and_reconcile", |b| {
        b.iter_batched(
            || doc.clone(),
            |mut doc| {
                edit::update_intervention(&mut doc, &intervention_id, |i| i.unit = "Hemtjänsten Syd".into())
                    .expect("edit");
                doc.commit();
                doc
            },
            BatchSize::LargeInput,
        )
    });

    c.bench_function("load_large_plan_from_bytes", |b| {
        b.iter(|| black_box(load_document(black_box(&bytes)).expect("load")))
    });

    // What a device shows while it loads the document (shared::preview).
    let preview = save_preview(&doc).expect("preview");
    println!("large plan preview: {} KB saved", preview.len() / 1024);
    c.bench_function("load_large_plan_preview_from_bytes", |b| {
        b.iter(|| black_box(load_document(black_box(&preview)).expect("load")))
    });
    c.bench_function("make_preview_of_large_plan", |b| {
        b.iter(|| black_box(save_preview(black_box(&doc)).expect("preview")))
    });

    let mut reports = new_self_reports_document("plan").expect("doc");
    for i in 0..1000i64 {
        let report = SelfReport {
            goal_id: format!("goal-{}", i % 40),
            rating: i % 5 - 2,
            note: "Det gick bra idag".into(),
            date: format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
            reported_at: FIXTURE_TIME + i,
            reported_by: "Anna".into(),
        };
        add_self_report(&mut reports, &report).expect("add");
        reports.commit();
    }
    c.bench_function("hydrate_1000_self_reports", |b| {
        b.iter(|| black_box(read_self_reports(black_box(&reports)).expect("read")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = plan_benches
}
criterion_main!(benches);
