//! Property tests over random sequences of events: whatever happens in
//! whatever order, a refused write loses nothing, "Synkat" is never shown
//! before the server has the heads (checked on every save state the tab
//! sets: [`super::harness::Tab`]), and a preview is shown only while it
//! shows every stored chunk.

use proptest::prelude::*;

use super::super::*;
use super::harness::{plan_id, Device, Tab};
use crate::plan::{self, new_plan_document, PlanText};

/// Something that happens to a tab with a plan open.
#[derive(Debug, Clone)]
enum Step {
    /// The person types in the title.
    Type(String),
    /// The oldest write finishes: stored, or refused.
    FinishWrite {
        refused: bool,
    },
    /// One message goes to the server and its answer comes back.
    DeliverOne,
    Connect,
    Disconnect,
    /// Time passes, and the timers and idle callbacks due run.
    Wait(u16),
    PageHidden,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => "[a-c]{0,3}".prop_map(Step::Type),
        3 => any::<bool>().prop_map(|refused| Step::FinishWrite { refused }),
        3 => Just(Step::DeliverOne),
        1 => Just(Step::Connect),
        1 => Just(Step::Disconnect),
        2 => (0u16..3_000).prop_map(Step::Wait),
        1 => Just(Step::PageHidden),
    ]
}

fn run(tab: &mut Tab, step: Step) {
    let id = plan_id();
    match step {
        Step::Type(text) => {
            let title = format!("{}{text}", tab.core.text(&id, PlanText::Title));
            tab.edit_title(id, &title);
        }
        Step::FinishWrite { refused } => tab.finish_write(refused),
        Step::DeliverOne => {
            tab.deliver_one();
        }
        Step::Connect if !tab.online => tab.connect(),
        Step::Connect => {}
        Step::Disconnect if tab.online => tab.disconnect(),
        Step::Disconnect => {}
        Step::Wait(ms) => {
            tab.advance(f64::from(ms));
            tab.fire_timers();
            tab.idle();
        }
        Step::PageHidden => tab.event(Event::PageHidden),
    }
}

/// The device's preview, if it is offered, shows what its chunks hold.
fn preview_is_true(device: &Device) -> bool {
    let stored = device.read();
    let Some(preview) = stored.load_preview() else { return true };
    let Some(whole) = stored.load().expect("the chunks load") else { return false };
    plan::read_plan(&preview).ok() == plan::read_plan(&whole).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nothing_is_lost_and_nothing_claimed_too_early(steps in prop::collection::vec(step(), 1..40)) {
        let id = plan_id();
        let mut tab = Tab::with_stored(&mut new_plan_document("").expect("plan"));
        tab.open(id);
        for step in steps {
            run(&mut tab, step);
            prop_assert!(preview_is_true(&tab.device));
        }
        // Everything under way finishes, and one more change is written:
        // the device then holds every change the tab has.
        tab.finish_writes();
        tab.edit_title(id, "sist");
        tab.finish_writes();
        let mut stored = tab.device.load().expect("stored");
        prop_assert_eq!(stored.get_heads(), tab.heads(id));
        prop_assert!(!matches!(tab.shown(&id).save_state, SaveState::Failed(_) | SaveState::Saving));
        // And once connected and quiet, the server has it all: "Synkat".
        if !tab.online {
            tab.connect();
        }
        tab.deliver();
        prop_assert_eq!(&tab.shown(&id).save_state, &SaveState::Synced);
        prop_assert!(preview_is_true(&tab.device));
    }

    #[test]
    fn a_preview_is_offered_only_while_it_shows_every_stored_chunk(
        steps in prop::collection::vec((0u8..4, "[a-z]{1,3}"), 1..25)
    ) {
        // Another tab's writes, previews made from what one tab knew, and
        // compactions, in any order.
        let mut device = Device::default();
        let mut doc = new_plan_document("").expect("plan");
        let mut known: Vec<String> = device.append(&doc.save_incremental()).into_iter().collect();
        for (action, text) in steps {
            match action {
                0 => {
                    plan::set_text(&mut doc, PlanText::Title, &text).expect("edit");
                    known.extend(device.append(&doc.save_incremental()));
                }
                1 => {
                    // Another tab: this one does not know the chunk.
                    let mut other = doc.fork();
                    plan::set_text(&mut other, PlanText::MainGoal, &text).expect("edit");
                    device.append(&other.save_incremental());
                }
                2 => {
                    let preview = crate::preview::save_preview(doc.document()).expect("preview");
                    device.keep(&Keep { compaction: None, preview: Some((preview, known.clone())) });
                }
                _ => {
                    let stored = device.read();
                    let mut whole = stored.load().expect("loads").expect("stored");
                    let preview = crate::preview::save_preview(whole.document()).expect("preview");
                    let keys = stored.keys().to_vec();
                    let snapshot = device.keep(&Keep {
                        compaction: Some((whole.save(), stored)),
                        preview: Some((preview, keys.clone())),
                    });
                    known.retain(|k| !keys.contains(k));
                    known.extend(snapshot);
                    doc = whole;
                }
            }
            prop_assert!(preview_is_true(&device));
        }
    }
}
