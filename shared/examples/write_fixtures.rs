//! Writes the stored documents that the schema tests read, into
//! `shared/fixtures/`: the example plan at the current schema version, and
//! (once) a plan of schema 1 as the first skeleton wrote it. Run it when the
//! schema version changes: `cargo run -p shared --example write_fixtures`.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use shared::plan::fixture::example_plan;
use shared::plan::SCHEMA_VERSION;

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
    Ok(())
}
