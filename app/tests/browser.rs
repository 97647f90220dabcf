//! In-browser tests (real Chromium, real IndexedDB) of the app's device storage,
//! and of the API's JSON as the browser parses and writes it.

use shared::plan::{new_plan_document, read_text, set_text, PlanText};
use shared::DocumentId;
use wasm_bindgen_test::*;

use app::storage::DeviceStore;

wasm_bindgen_test_configure!(run_in_browser);

/// A device store of its own, and the id of a plan it does not hold yet.
async fn fresh_store() -> (DeviceStore, DocumentId) {
    let name = format!("samplan-test-{}", DocumentId::random());
    (DeviceStore::open_named(&name).await.expect("IndexedDB opens"), DocumentId::random())
}

/// Plan text `field` of plan `id` as `store` loads it.
async fn stored_text(store: &DeviceStore, id: &DocumentId, field: PlanText) -> String {
    let loaded = store.load(id).await.expect("load").expect("present");
    read_text(&loaded, field).expect("read")
}

#[wasm_bindgen_test]
async fn a_plan_written_in_chunks_loads_back_whole() {
    let (store, id) = fresh_store().await;
    assert!(store.load(&id).await.expect("load").is_none(), "unknown plan");

    let mut doc = new_plan_document("Annas plan").expect("plan");
    store.append(&id, &doc.save_incremental()).await.expect("append");
    set_text(&mut doc, PlanText::MainGoal, "Gå till affären").expect("edit");
    store.append(&id, &doc.save_incremental()).await.expect("append");

    let loaded = store.load(&id).await.expect("load").expect("present");
    assert_eq!(read_text(&loaded, PlanText::Title).expect("title"), "Annas plan");
    assert_eq!(read_text(&loaded, PlanText::MainGoal).expect("goal"), "Gå till affären");

    // Another plan in the same store does not leak into this one.
    let other = DocumentId::random();
    store.append(&other, &new_plan_document("Annan").expect("plan").save()).await.expect("append");
    assert_eq!(stored_text(&store, &id, PlanText::Title).await, "Annas plan");
}

#[wasm_bindgen_test]
async fn many_chunks_are_compacted_without_losing_an_edit() {
    let (store, id) = fresh_store().await;
    let mut doc = new_plan_document("").expect("plan");
    store.append(&id, &doc.save_incremental()).await.expect("append");
    let mut typed = String::new();
    for i in 0..80u8 {
        typed.push(char::from(b'a' + i % 26));
        set_text(&mut doc, PlanText::MainGoal, &typed).expect("edit");
        store.append(&id, &doc.save_incremental()).await.expect("append");
    }
    // The first load compacts, the second reads the compacted form.
    for _ in 0..2 {
        assert_eq!(stored_text(&store, &id, PlanText::MainGoal).await, typed);
    }
}

#[wasm_bindgen_test]
async fn a_plan_stored_as_changes_is_stored_whole_once_opened() {
    // As a plan fetched from the server is stored: its changes, one chunk.
    let (store, id) = fresh_store().await;
    let mut doc = new_plan_document("").expect("plan");
    let mut typed = String::new();
    for i in 0..200u8 {
        typed.push(char::from(b'a' + i % 26));
        set_text(&mut doc, PlanText::MainGoal, &typed).expect("edit");
        doc.commit();
    }
    store.append(&id, &doc.save_incremental()).await.expect("append");
    let stored = store.chunks(&id).await.expect("chunks");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0][8], 0, "a chunk of changes, not a whole document");

    assert_eq!(stored_text(&store, &id, PlanText::MainGoal).await, typed);
    // Opening it replaced the changes by the whole document (type 0),
    // which the next open loads in one pass.
    let stored = store.chunks(&id).await.expect("chunks");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0][8], 0, "one whole document");
    let again = store.load(&id).await.expect("load").expect("present");
    assert_eq!(read_text(&again, PlanText::MainGoal).expect("goal"), typed);

    // A few keystrokes after that stay as they are (the whole document
    // outweighs them) and load on top of it.
    let mut doc = again;
    let stored_heads = doc.get_heads();
    set_text(&mut doc, PlanText::MainGoal, "kort").expect("edit");
    store.append(&id, &doc.save_after(&stored_heads)).await.expect("append");
    assert_eq!(stored_text(&store, &id, PlanText::MainGoal).await, "kort");
    assert_eq!(store.chunks(&id).await.expect("chunks").len(), 2, "not compacted for one small change");
}

#[wasm_bindgen_test]
async fn two_whole_copies_of_a_plan_become_one_with_every_edit() {
    // Two tabs compacted the same plan at once, and one also typed.
    let (store, id) = fresh_store().await;
    let mut doc = new_plan_document("Delad").expect("plan");
    store.append(&id, &doc.save()).await.expect("append");
    set_text(&mut doc, PlanText::MainGoal, "Bo kvar hemma").expect("edit");
    store.append(&id, &doc.save()).await.expect("append");
    assert_eq!(stored_text(&store, &id, PlanText::MainGoal).await, "Bo kvar hemma");
    let stored = store.chunks(&id).await.expect("chunks");
    assert_eq!(stored.len(), 1, "one whole document left");
    assert_eq!(stored[0][8], 0);
}

#[wasm_bindgen_test]
async fn a_damaged_second_whole_copy_is_kept_not_compacted_away() {
    // Two tabs compacted the plan at once after typing different things,
    // and the smaller copy was damaged. The plan opens with what reads; the
    // damaged copy stays on the device (compaction would delete it).
    let (store, id) = fresh_store().await;
    let base = new_plan_document("Delad").expect("plan");
    let goal = "Bo kvar hemma med stöd. ".repeat(40);
    let mut long = base.clone();
    set_text(&mut long, PlanText::MainGoal, &goal).expect("edit");
    let mut short = base.clone();
    short.set_actor(automerge::ActorId::random());
    set_text(&mut short, PlanText::Title, "Delad plan").expect("edit");
    let long_bytes = long.save();
    let mut damaged = short.save();
    assert!(damaged.len() < long_bytes.len(), "the damaged copy is not the one loaded first");
    damaged.truncate(damaged.len() - 3);
    store.append(&id, &long_bytes).await.expect("append");
    store.append(&id, &damaged).await.expect("append");
    assert_eq!(stored_text(&store, &id, PlanText::MainGoal).await, goal);
    let stored = store.chunks(&id).await.expect("chunks");
    assert_eq!(stored.len(), 2, "nothing compacted");
    assert!(stored.contains(&damaged), "the damaged copy is kept as it was");
}

#[wasm_bindgen_test]
async fn the_start_page_list_remembers_plans_and_their_titles() {
    let (store, a) = fresh_store().await;
    store.remember_plan(&a, "Första").await.expect("remember");
    store.remember_plan(&a, "Första, nytt namn").await.expect("remember");
    let plans = store.known_plans().await.expect("list");
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].id, a);
    assert_eq!(plans[0].title, "Första, nytt namn");
}

#[wasm_bindgen_test]
async fn a_corrupt_chunk_is_a_clear_error() {
    let (store, id) = fresh_store().await;
    store.append(&id, &[0x85, 0x6f, 0x4a, 0x83, 1, 2, 3]).await.expect("append");
    let error = store.load(&id).await.expect_err("corrupt chunk");
    assert!(error.to_string().contains("gick inte att läsa"), "{error}");
}

#[wasm_bindgen_test]
async fn the_example_plan_survives_the_device_store_whole() {
    use shared::plan::{completeness, fixture::example_plan, read_plan};
    let (store, id) = fresh_store().await;
    let mut doc = example_plan().expect("fixture");
    store.append(&id, &doc.save()).await.expect("append");
    let loaded = store.load(&id).await.expect("load").expect("present");
    let plan = read_plan(&loaded).expect("read");
    assert_eq!(plan, read_plan(&doc).expect("read"));
    assert!(completeness::missing(&plan).is_empty());
}

#[wasm_bindgen_test]
async fn a_preview_is_used_only_while_it_shows_every_stored_chunk() {
    let (store, id) = fresh_store().await;
    let mut doc = new_plan_document("Annas plan").expect("plan");
    let first = store.append(&id, &doc.save_incremental()).await.expect("append").expect("written");
    assert!(store.read(&id).await.expect("read").preview.is_none(), "none written yet");

    let preview = shared::preview::save_preview(doc.document()).expect("preview");
    store.save_preview(&id, &preview, std::slice::from_ref(&first)).await.expect("save preview");
    let shown = store.read(&id).await.expect("read").preview.expect("a preview of what is stored");
    let shown = automerge::AutoCommit::load(&shown).expect("loads");
    assert_eq!(read_text(&shown, PlanText::Title).expect("title"), "Annas plan");

    // A change written after it (by this tab, or another one, or before a
    // crash): the preview would show less than the device holds.
    set_text(&mut doc, PlanText::Title, "Annas nya plan").expect("edit");
    let second = store.append(&id, &doc.save_incremental()).await.expect("append").expect("written");
    assert!(store.read(&id).await.expect("read").preview.is_none(), "stale preview not used");

    // Another tab wrote a chunk this one has not seen: a preview made from
    // what this tab knows is not stored (and the old one is gone).
    let mut other_tab = doc.fork();
    set_text(&mut other_tab, PlanText::MainGoal, "Från den andra fliken").expect("edit");
    store.append(&id, &other_tab.save_incremental()).await.expect("append");
    let known = [first.clone(), second.clone()];
    store.save_preview(&id, &preview, &known).await.expect("save preview");
    assert!(store.read(&id).await.expect("read").preview.is_none(), "a preview lacking another tab's chunk");

    // Compaction replaces the chunks: the old preview is not used either,
    // and one made with it counts the new whole document.
    let stored = store.read(&id).await.expect("read");
    let loaded = stored.load().expect("load").expect("present");
    let mut loaded = loaded;
    let preview = shared::preview::save_preview(loaded.document()).expect("preview");
    let known: Vec<String> = stored.keys().to_vec();
    let snapshot_key =
        store.keep(&id, Some((&loaded.save(), &stored)), Some((&preview, &known))).await.expect("keep");
    let after = store.read(&id).await.expect("read");
    assert_eq!(after.keys(), [snapshot_key.expect("compacted")].as_slice());
    let shown = automerge::AutoCommit::load(after.preview.as_ref().expect("preview of the compacted plan"))
        .expect("loads");
    assert_eq!(read_text(&shown, PlanText::MainGoal).expect("goal"), "Från den andra fliken");
    store.compact(&id, &loaded.save(), &after).await.expect("compact");
    assert!(store.read(&id).await.expect("read").preview.is_none(), "preview of replaced chunks not used");

    // Forgetting the plan forgets its preview.
    let keys = store.read(&id).await.expect("read").keys().to_vec();
    store.save_preview(&id, &preview, &keys).await.expect("save preview");
    assert!(store.read(&id).await.expect("read").preview.is_some());
    store.forget_plan(&id).await.expect("forget");
    assert!(store.read(&id).await.expect("read").preview.is_none());
}

// The API's JSON as the browser parses and writes it (`app::api::js_value`).
mod api_json {
    use app::api::js_value::{from_value, to_value, Mismatch};
    use shared::api::{Device, InviteRequest, Me, Member, PrincipalKind, Redeemed, ReporterRequest};
    use shared::Role;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    fn parsed(json: &str) -> JsValue {
        js_sys::JSON::parse(json).expect("valid JSON")
    }

    fn written<T: serde::Serialize>(value: &T) -> String {
        js_sys::JSON::stringify(&to_value(value).expect("value")).expect("stringify").into()
    }

    #[wasm_bindgen_test]
    fn answers_are_read_as_the_shared_types() {
        let members: Vec<Member> = from_value(parsed(
            r#"[{"principal":"device:1","name":"Erik","role":"editor","active_sessions":2,"reports_for_person":true,
                "devices":[{"session":7,"description":"","since":1700000000000,"blocked":false}]}]"#,
        ))
        .expect("members");
        assert_eq!(
            members,
            vec![Member {
                principal: "device:1".into(),
                name: "Erik".into(),
                role: Role::Editor,
                active_sessions: 2,
                reports_for_person: true,
                devices: vec![Device {
                    session: 7,
                    description: String::new(),
                    since: 1_700_000_000_000,
                    blocked: false
                }],
            }]
        );
        let me: Me =
            from_value(parsed(r#"{"kind":"user","name":"Eva","extra":[1,{"a":null}]}"#)).expect("me");
        assert_eq!(me, Me { kind: PrincipalKind::User, name: "Eva".into(), from_provider: false });
        let () = from_value(JsValue::NULL).expect("no body reads as ()");
    }

    #[wasm_bindgen_test]
    fn answers_of_another_shape_are_refused() {
        assert_eq!(from_value::<Redeemed>(parsed(r#"{"document_id":"d","role":"admin"}"#)), Err(Mismatch));
        assert_eq!(from_value::<Redeemed>(parsed(r#"{"role":"person"}"#)), Err(Mismatch));
        assert_eq!(from_value::<Me>(parsed(r#"{"kind":"user","name":3}"#)), Err(Mismatch));
        assert_eq!(
            from_value::<Vec<Device>>(parsed(
                r#"[{"session":1.5,"description":"","since":0,"blocked":false}]"#
            )),
            Err(Mismatch)
        );
    }

    #[wasm_bindgen_test]
    fn requests_are_written_as_the_server_reads_them() {
        let invite = InviteRequest {
            role: Some(Role::Person),
            label: "Anna".into(),
            days: Some(14),
            single_use: None,
            participant: Some("a1".into()),
        };
        assert_eq!(written(&invite), r#"{"role":"person","label":"Anna","days":14,"participant":"a1"}"#);
        assert_eq!(written(&ReporterRequest { allowed: false }), r#"{"allowed":false}"#);
    }
}
