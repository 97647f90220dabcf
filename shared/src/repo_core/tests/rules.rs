//! The rules of the repo, one at a time: opening from the device and the
//! preview, writing and its rollback, the save state, the server's
//! answers, previews and compaction, presence, reading.

use automerge::AutoCommit;

use super::super::*;
use super::harness::{plan_id, Tab};
use crate::plan::{self, edit, new_plan_document, read_text, PlanText};
use crate::presence::{Presence, EXPIRES_AFTER_MS};
use crate::wire::Message;

fn plan_doc(title: &str) -> AutoCommit {
    new_plan_document(title).expect("a plan")
}

/// A tab with plan `plan_id()` on its device (one chunk) and a preview of it.
fn tab_with_preview(title: &str) -> Tab {
    let mut doc = plan_doc(title);
    let mut tab = Tab::with_stored(&mut doc);
    let keys: Vec<String> = tab.device.chunks.keys().cloned().collect();
    let preview = crate::preview::save_preview(doc.document()).expect("a preview");
    tab.device.keep(&Keep { compaction: None, preview: Some((preview, keys)) });
    assert!(tab.device.read().preview.is_some());
    tab
}

/// A tab with an open, loaded plan, its writes done.
fn open_plan(title: &str) -> Tab {
    let mut tab = Tab::with_stored(&mut plan_doc(title));
    tab.open(plan_id());
    assert!(tab.loaded(plan_id()));
    tab
}

#[test]
fn a_plan_with_a_preview_is_shown_from_it_and_loaded_later() {
    let id = plan_id();
    let mut tab = tab_with_preview("Annas plan");
    tab.open(id);
    assert!(!tab.loaded(id), "not loaded before the first screen");
    assert!(!tab.marked("samplan:document-load-start"));
    assert_eq!(tab.shown(&id).availability, Availability::Ready);
    assert_eq!(tab.shown(&id).woken, vec![Touched::All]);
    assert_eq!(tab.core.text(&id, PlanText::Title), "Annas plan", "read from the preview");
    assert!(tab.timers.contains(&Timer::Load(id)), "loaded a second later at the latest");
    // The first screen is drawn: loaded when the page is idle.
    tab.event(Event::FirstScreenDrawn(id));
    assert_eq!(tab.idle, vec![Timer::Load(id)]);
    tab.idle();
    assert!(tab.loaded(id));
    assert!(tab.marked("samplan:document-load-start"));
    assert!(tab.core.documents[&id].preview.is_none(), "the document itself is shown now");
}

#[test]
fn a_preview_that_lacks_a_stored_chunk_is_not_shown() {
    let id = plan_id();
    let mut tab = tab_with_preview("Annas plan");
    // Another tab wrote after the preview was made.
    let mut doc = tab.device.load().expect("stored");
    plan::set_text(&mut doc, PlanText::MainGoal, "Bo kvar").expect("edit");
    tab.device.append(&doc.save_incremental());
    assert!(tab.device.read().preview.is_none(), "the device does not offer it");
    tab.open(id);
    assert!(tab.loaded(id), "the document is loaded at once");
    assert_eq!(tab.core.text(&id, PlanText::MainGoal), "Bo kvar");
    assert!(!tab.timers.contains(&Timer::Load(id)));
}

#[test]
fn a_preview_that_does_not_load_is_not_shown() {
    let id = plan_id();
    let mut tab = Tab::with_stored(&mut plan_doc("Annas plan"));
    let last = tab.device.chunks.keys().last().cloned().expect("a chunk");
    tab.device.preview = Some(StoredPreview { bytes: vec![1, 2, 3], chunks: 1, last });
    tab.open(id);
    assert!(tab.loaded(id));
    assert_eq!(tab.shown(&id).availability, Availability::Ready);
}

#[test]
fn a_plan_not_on_the_device_is_fetched() {
    let id = plan_id();
    let mut tab = Tab::new();
    tab.open(id);
    assert!(tab.loaded(id));
    assert_eq!(tab.shown(&id).availability, Availability::Fetching);
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline);
}

#[test]
fn a_device_that_cannot_be_read_is_a_failed_save() {
    let id = plan_id();
    let mut tab = Tab::new();
    tab.shown.entry(id).or_default();
    let effects = tab.core.handle(Event::Open(id));
    assert!(matches!(effects.as_slice(), [Effect::ReadDevice(read)] if *read == id));
    tab.event(Event::DeviceRead { id, stored: Err("blockerad".into()) });
    assert_eq!(tab.shown(&id).save_state, SaveState::Failed("blockerad".into()));
}

#[test]
fn opening_twice_reads_once() {
    let id = plan_id();
    let mut tab = Tab::new();
    assert!(matches!(tab.core.handle(Event::Open(id)).as_slice(), [Effect::ReadDevice(_)]));
    assert!(tab.core.handle(Event::Open(id)).is_empty());
}

#[test]
fn an_edit_of_a_plan_shown_from_its_preview_loads_it_first() {
    let id = plan_id();
    let mut tab = tab_with_preview("Annas plan");
    tab.open(id);
    tab.edit_title(id, "Annas nya plan");
    assert!(tab.loaded(id));
    tab.finish_writes();
    let stored = tab.device.load().expect("stored");
    assert_eq!(read_text(&stored, PlanText::Title).expect("title"), "Annas nya plan");
    assert_eq!(tab.titles, vec!["Annas nya plan".to_string()], "the start page learns the title");
}

#[test]
fn saving_until_the_device_has_the_change() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.edit_title(id, "Plan 2");
    assert_eq!(tab.shown(&id).save_state, SaveState::Saving);
    tab.finish_write(false);
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline, "on the device, no connection");
}

#[test]
fn a_refused_write_rolls_back_and_the_next_write_carries_its_changes() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.edit_title(id, "Plan med mål");
    tab.finish_write(true);
    assert_eq!(tab.shown(&id).save_state, SaveState::Failed("full".into()));
    let stored = tab.device.load().expect("stored");
    assert_eq!(read_text(&stored, PlanText::Title).expect("title"), "Plan", "the device lacks the change");
    tab.call(|core| {
        core.change(&id, &mut |doc| plan::set_text(doc, PlanText::MainGoal, "Bo kvar").map(|_| ()))
    })
    .expect("edit");
    tab.finish_write(false);
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline, "the error is gone with the next write");
    let stored = tab.device.load().expect("stored");
    assert_eq!(read_text(&stored, PlanText::Title).expect("title"), "Plan med mål", "written again");
    assert_eq!(read_text(&stored, PlanText::MainGoal).expect("goal"), "Bo kvar");
}

#[test]
fn two_refused_writes_in_a_row_lose_nothing() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.edit_title(id, "A");
    tab.edit_title(id, "AB");
    // Both under way when the device refuses them, one after the other.
    tab.finish_write(true);
    tab.finish_write(true);
    tab.edit_title(id, "ABC");
    tab.finish_writes();
    let mut stored = tab.device.load().expect("stored");
    assert_eq!(stored.get_heads(), tab.heads(id), "the device holds every change");
}

#[test]
fn a_failed_title_is_shown_but_the_chunk_is_not_written_again() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.edit_title(id, "Plan 2");
    let write = tab.writes.pop_front().expect("a write");
    let key = tab.device.append(&write.chunk);
    tab.event(Event::Written {
        id,
        write: write.write,
        key,
        outcome: Err(WriteFailure::Failed("nej".into())),
    });
    assert_eq!(tab.shown(&id).save_state, SaveState::Failed("nej".into()));
    let chunks = tab.device.chunks.len();
    tab.edit_title(id, "Plan 3");
    let next = tab.writes.pop_front().expect("a write");
    let mut with_next = tab.device.load().expect("stored");
    with_next.load_incremental(&next.chunk).expect("loads");
    assert_eq!(with_next.get_heads(), tab.heads(id));
    assert_eq!(chunks, 2);
}

#[test]
fn a_refused_edit_writes_and_sends_nothing() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.log.clear();
    let result = tab.call(|core| {
        core.change(&id, &mut |doc| {
            plan::set_text(doc, PlanText::Title, "halvvägs")?;
            Err(plan::PlanError::NoSuchItem { what: "mål", id: "x".into() })
        })
    });
    assert!(result.is_err());
    assert!(tab.writes.is_empty());
    assert!(tab.log.is_empty(), "{:?}", tab.log);
    assert_eq!(tab.core.text(&id, PlanText::Title), "Plan", "rolled back");
}

#[test]
fn synced_only_once_the_server_has_every_change() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.connect();
    tab.deliver();
    assert_eq!(tab.connection, Connection::Online);
    assert_eq!(tab.shown(&id).save_state, SaveState::Synced);
    tab.edit_title(id, "Plan 2");
    tab.finish_writes();
    assert_eq!(tab.shown(&id).save_state, SaveState::SavedOnDevice, "written, not yet at the server");
    tab.deliver();
    assert_eq!(tab.shown(&id).save_state, SaveState::Synced);
    tab.disconnect();
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline);
    assert_eq!(tab.connection, Connection::Offline);
}

#[test]
fn a_plan_the_server_lacks_is_unavailable_and_one_it_refuses_is_no_access() {
    let mut tab = Tab::new();
    let empty = DocumentId::from_bytes([1; 16]);
    let known = plan_id();
    tab.device.append(&plan_doc("Känd").save());
    tab.open(known);
    // (The device above holds `known` only: every read gives the same chunks here.)
    tab.device.chunks.clear();
    tab.open(empty);
    tab.connect();
    tab.deliver();
    for id in [empty, known] {
        let unavailable =
            Message::DocUnavailable { sender_id: "server".into(), target_id: "tab".into(), document_id: id };
        tab.event(Event::Frame(unavailable.encode()));
    }
    assert_eq!(tab.shown(&empty).availability, Availability::Unavailable);
    assert_eq!(tab.shown(&known).availability, Availability::NoAccess);
}

#[test]
fn a_frame_that_does_not_decode_is_a_warning() {
    let mut tab = Tab::new();
    tab.event(Event::Frame(vec![0xff, 0x00]));
    assert_eq!(tab.warnings.len(), 1);
    assert!(tab.warnings[0].starts_with("Oläsbart meddelande"));
}

#[test]
fn a_plan_arriving_from_the_server_is_shown_stored_and_woken() {
    let id = plan_id();
    let mut tab = Tab::new();
    tab.server.doc = crate::plan::fixture::example_plan().expect("fixture").document().clone();
    tab.open(id);
    assert_eq!(tab.shown(&id).availability, Availability::Fetching);
    tab.shown.get_mut(&id).expect("shown").woken.clear();
    tab.connect();
    tab.deliver();
    assert_eq!(tab.shown(&id).availability, Availability::Ready);
    let title = place(&[], "title");
    assert!(tab.shown(&id).woken.iter().any(|touched| touched.includes(&title)));
    assert!(!tab.shown(&id).woken.iter().any(|touched| touched.includes(&place(&[], "nowhere"))));
    tab.finish_writes();
    let mut stored = tab.device.load().expect("stored");
    assert_eq!(stored.get_heads(), tab.heads(id), "what arrived is on the device");
    assert_eq!(tab.shown(&id).save_state, SaveState::Synced);
}

#[test]
fn a_preview_is_written_once_changes_pause() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.idle();
    tab.timers.clear();
    tab.edit_title(id, "Plan 2");
    assert!(tab.timers.contains(&Timer::PreviewPause(id)));
    tab.finish_writes();
    // Typing went on: wait for it to pause.
    tab.advance(1_500.0);
    tab.edit_title(id, "Plan 3");
    tab.finish_writes();
    tab.timers.retain(|t| *t == Timer::PreviewPause(id));
    assert_eq!(tab.timers.len(), 1, "one wait at a time");
    tab.advance(600.0);
    tab.fire_timers();
    assert_eq!(tab.timers, vec![Timer::PreviewPause(id)], "changes went on 600 ms ago");
    assert!(tab.idle.is_empty());
    tab.advance(2_000.0);
    tab.fire_timers();
    assert_eq!(tab.idle, vec![Timer::Upkeep(id)]);
    tab.idle();
    let preview = tab.device.read().preview.expect("a preview of every chunk");
    let preview = AutoCommit::load(&preview).expect("loads");
    assert_eq!(read_text(&preview, PlanText::Title).expect("title"), "Plan 3");
}

#[test]
fn no_preview_while_a_write_is_under_way_or_was_refused() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.idle();
    tab.device.preview = None;
    tab.edit_title(id, "Plan 2");
    tab.upkeep(id);
    assert!(tab.device.read().preview.is_none(), "a write is under way");
    assert!(tab.timers.contains(&Timer::PreviewPause(id)), "tried again later");
    tab.finish_write(true);
    tab.upkeep(id);
    assert!(tab.device.read().preview.is_none(), "the device lacks a change");
    tab.edit_title(id, "Plan 3");
    tab.finish_writes();
    tab.upkeep(id);
    assert!(tab.device.read().preview.is_some());
}

#[test]
fn many_chunks_are_compacted_when_the_page_is_idle() {
    let id = plan_id();
    let mut doc = plan_doc("");
    let mut tab = Tab::new();
    tab.device.append(&doc.save_incremental());
    for i in 0..60 {
        plan::set_text(&mut doc, PlanText::MainGoal, &"x".repeat(i + 1)).expect("edit");
        tab.device.append(&doc.save_incremental());
    }
    tab.open(id);
    assert_eq!(tab.idle, vec![Timer::Upkeep(id)]);
    tab.idle();
    assert_eq!(tab.device.chunks.len(), 1, "one whole document");
    assert!(tab.device.read().preview.is_some(), "and its preview");
    assert_eq!(tab.core.documents[&id].stored_keys, tab.device.chunks.keys().cloned().collect::<Vec<_>>());
    // A later edit and preview count the whole document.
    tab.edit_title(id, "Efter");
    tab.finish_writes();
    tab.upkeep(id);
    assert!(tab.device.read().preview.is_some());
}

#[test]
fn a_hidden_page_writes_the_previews_due() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.idle();
    tab.device.preview = None;
    tab.edit_title(id, "Plan 2");
    tab.finish_writes();
    tab.event(Event::PageHidden);
    assert!(tab.device.read().preview.is_some());
    tab.log.clear();
    tab.event(Event::PageHidden);
    assert!(tab.log.is_empty(), "nothing due any more");
}

#[test]
fn others_are_shown_by_name_and_forgotten_when_not_heard_from() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.connect();
    tab.deliver();
    for (peer, name) in [("b", "Berit"), ("a", "Adam")] {
        let presence = Presence {
            name: name.into(),
            participant: String::new(),
            field: Some("field-title".into()),
            colour: 1,
        };
        let message = Message::Ephemeral {
            document_id: id,
            sender_id: peer.into(),
            target_id: "tab".into(),
            count: 1,
            session_id: peer.into(),
            data: serde_bytes::ByteBuf::from(presence.encode()),
        };
        tab.event(Event::Frame(message.encode()));
        tab.advance(EXPIRES_AFTER_MS / 2.0);
    }
    let names: Vec<&str> = tab.shown(&id).present.iter().map(|p| p.presence.name.as_str()).collect();
    assert_eq!(names, ["Adam", "Berit"]);
    tab.advance(1.0);
    tab.event(Event::RenewPresence);
    let names: Vec<&str> = tab.shown(&id).present.iter().map(|p| p.presence.name.as_str()).collect();
    assert_eq!(names, ["Adam"], "Berit was not heard from for too long");
}

#[test]
fn presence_is_sent_only_when_connected() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.call(|core| core.announce(&id, Some("field-title".into())));
    assert!(tab.outbox.is_empty());
    tab.connect();
    tab.deliver();
    tab.call(|core| core.announce(&id, None));
    let sent = tab.outbox.iter().filter(|m| matches!(m, Message::Ephemeral { .. })).count();
    assert_eq!(sent, 1);
}

#[test]
fn the_typed_plan_is_read_again_only_after_a_change() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    let first = tab.core.plan(&id).expect("a plan");
    let again = tab.core.plan(&id).expect("a plan");
    assert!(std::sync::Arc::ptr_eq(&first, &again), "the same plan, not read again");
    tab.edit_title(id, "Ny titel");
    assert_eq!(tab.core.plan(&id).expect("a plan").title.as_str(), "Ny titel");
    let goal = tab.call(|core| {
        let mut added = None;
        core.change(&id, &mut |doc| {
            added = Some(edit::add_goal(doc, "Mål")?);
            Ok(())
        })
        .map(|()| added)
    });
    assert!(goal.expect("added").is_some());
    assert_eq!(tab.core.plan(&id).expect("a plan").goals.len(), 1);
}

#[test]
fn a_burst_of_changes_refreshes_once() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    // The load's own burst is over.
    tab.fire_timers();
    tab.idle();
    tab.timers.clear();
    tab.idle.clear();
    let before = tab.shown(&id).refreshed;
    for title in ["a", "ab", "abc"] {
        tab.edit_title(id, title);
    }
    assert_eq!(tab.timers.iter().filter(|t| **t == Timer::Refresh(id)).count(), 1);
    tab.fire_timers();
    assert_eq!(tab.idle.iter().filter(|t| **t == Timer::Refreshed(id)).count(), 1);
    tab.idle.retain(|t| *t == Timer::Refreshed(id));
    tab.idle();
    assert_eq!(tab.shown(&id).refreshed, before + 1);
    tab.edit_title(id, "abcd");
    assert!(tab.timers.contains(&Timer::Refresh(id)), "the next burst is followed too");
}

#[test]
fn the_history_groups_changes_by_device_within_five_minutes() {
    let id = plan_id();
    let mut tab = open_plan("Plan");
    tab.edit_title(id, "Plan 2");
    tab.advance(60_000.0);
    tab.edit_title(id, "Plan 3");
    tab.advance(600_000.0);
    tab.edit_title(id, "Plan 4");
    let history = tab.call(|core| core.history(&id));
    let changes: Vec<usize> = history.iter().map(|entry| entry.changes).collect();
    // The plan as stored (made by another actor), then two stretches of this tab.
    assert_eq!(changes[changes.len() - 2..], [2, 1]);
    let last = history.last().expect("an entry");
    assert_eq!(tab.call(|core| core.heads(&id)), vec![last.head.clone()]);
    let then = tab.call(|core| core.plan_at(&id, std::slice::from_ref(&history[history.len() - 2].head)));
    assert_eq!(then.expect("the plan then").title.as_str(), "Plan 3");
}

#[test]
fn a_new_document_is_synced_and_its_preview_due() {
    let id = DocumentId::from_bytes([3; 16]);
    let mut tab = Tab::new();
    tab.connect();
    tab.deliver();
    let mut doc = plan_doc("Ny");
    let key = tab.device.append(&doc.save_incremental());
    tab.shown.insert(id, Default::default());
    tab.call(|core| core.create(id, doc, key));
    assert!(tab.timers.contains(&Timer::PreviewPause(id)));
    tab.deliver();
    assert_eq!(tab.shown(&id).save_state, SaveState::Synced);
    assert!(tab.call(|core| core.is_synced(&id)));
}

#[test]
fn the_save_state_labels_are_swedish() {
    assert_eq!(SaveState::Synced.label(), "Synkat med servern");
    assert_eq!(SaveState::Failed("full".into()).label(), "Kunde inte spara på enheten: full");
}
