//! Writes the stored documents that the schema tests read, into
//! `shared/fixtures/`: the example plan at the current schema version, and
//! (once) a plan of schema 1 as the first skeleton wrote it, and a
//! self-report document as the first Min plan wrote it (ratings only). Run it when the
//! schema version changes: `cargo run -p shared --example write_fixtures`.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use shared::plan::fixture::example_plan;
use shared::plan::SCHEMA_VERSION;
use shared::self_reports::{add_self_report, SelfReport};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir)?;
    let current = dir.join(format!("plan-v{SCHEMA_VERSION}-example.automerge"));
    if !current.exists() {
        std::fs::write(&current, example_plan()?.save())?;
        println!("wrote {}", current.display());
    }
    let v1 = dir.join("plan-v1.automerge");
    if !v1.exists() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema_version", 1u64)?;
        let title = doc.put_object(ROOT, "title", ObjType::Text)?;
        doc.splice_text(&title, 0, 0, "Annas plan")?;
        let goal = doc.put_object(ROOT, "main_goal", ObjType::Text)?;
        doc.splice_text(&goal, 0, 0, "Jag vill gå till affären själv")?;
        std::fs::write(&v1, doc.save())?;
        println!("wrote {}", v1.display());
    }
    let reports = dir.join("self-reports-v1.automerge");
    if !reports.exists() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema_version", 1u64)?;
        doc.put(ROOT, "plan_id", "plan")?;
        doc.put_object(ROOT, "reports", ObjType::Map)?;
        let every = doc.put_object(ROOT, "report_every_days", ObjType::Map)?;
        doc.put(&every, "goal-1", 7i64)?;
        let report = SelfReport {
            goal_id: "goal-1".into(),
            rating: 1,
            note: "Jag gick till affären.".into(),
            date: "2026-11-20".into(),
            reported_at: 1_763_640_000_000,
            reported_by: "Anna".into(),
        };
        add_self_report(&mut doc, &report)?;
        std::fs::write(&reports, doc.save())?;
        println!("wrote {}", reports.display());
    }
    Ok(())
}
