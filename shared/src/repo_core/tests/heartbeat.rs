//! The heartbeat: a server that stops answering is "Offline" within a few
//! seconds, even while the socket stays open; an answer brings it back.

use super::super::*;
use super::harness::{plan_id, Tab};
use crate::plan::new_plan_document;

/// A tab with a loaded plan, connected and synced.
fn synced_tab() -> Tab {
    let mut tab = Tab::with_stored(&mut new_plan_document("Plan").expect("a plan"));
    tab.open(plan_id());
    tab.connect();
    tab.deliver();
    assert_eq!(tab.shown(&plan_id()).save_state, SaveState::Synced);
    tab
}

/// Let `ms` pass, the heartbeat's timers firing as they come due.
fn pass(tab: &mut Tab, ms: u32) {
    let mut left = ms;
    while left > 0 {
        let step = left.min(HEARTBEAT_EVERY_MS);
        tab.advance(f64::from(step));
        left -= step;
        let due: Vec<Timer> =
            tab.timers.iter().copied().filter(|t| matches!(t, Timer::Heartbeat(_))).collect();
        tab.timers.retain(|t| !matches!(t, Timer::Heartbeat(_)));
        for timer in due {
            tab.event(Event::Timer(timer));
        }
    }
}

#[test]
fn a_server_that_answers_stays_online() {
    let mut tab = synced_tab();
    for _ in 0..10 {
        pass(&mut tab, HEARTBEAT_EVERY_MS);
        assert!(tab.pings > 0 || tab.timers.iter().any(|t| matches!(t, Timer::Heartbeat(_))));
        tab.answer_pings();
    }
    assert!(tab.pings >= 5, "it pinged: {}", tab.pings);
    assert_eq!(tab.connection, Connection::Online);
    assert_eq!(tab.shown(&plan_id()).save_state, SaveState::Synced);
}

#[test]
fn a_silent_server_is_offline_within_five_seconds_and_back_when_it_answers() {
    let id = plan_id();
    let mut tab = synced_tab();
    tab.server_silent = true;
    pass(&mut tab, 4_000);
    assert_eq!(tab.connection, Connection::Offline, "offline within 4 s of the last answer");
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline);
    assert!(!tab.core.is_synced(&id), "not synced while the server is silent");
    // An edit while silent stays on the device.
    tab.edit_title(id, "Plan 2");
    tab.finish_writes();
    assert_eq!(tab.shown(&id).save_state, SaveState::Offline);
    // The server answers again: the socket was never closed.
    tab.server_silent = false;
    tab.answer_pings();
    tab.deliver();
    assert_eq!(tab.connection, Connection::Online);
    assert_eq!(tab.shown(&id).save_state, SaveState::Synced, "the edit reached the server");
}

#[test]
fn a_server_silent_for_long_gets_a_new_socket() {
    let mut tab = synced_tab();
    tab.server_silent = true;
    pass(&mut tab, GIVE_UP_AFTER_MS + 2 * HEARTBEAT_EVERY_MS);
    assert!(!tab.online, "the socket was closed");
    assert_eq!(tab.connection, Connection::Offline);
}

#[test]
fn timers_that_come_late_do_not_make_an_answering_server_offline() {
    // A hidden tab's timers may fire a minute apart.
    let mut tab = synced_tab();
    for _ in 0..3 {
        // One timer, a minute late; the server answers its ping at once.
        tab.advance(60_000.0);
        let due: Vec<Timer> =
            tab.timers.iter().copied().filter(|t| matches!(t, Timer::Heartbeat(_))).collect();
        tab.timers.retain(|t| !matches!(t, Timer::Heartbeat(_)));
        assert_eq!(due.len(), 1);
        tab.event(Event::Timer(due[0]));
        tab.answer_pings();
    }
    assert_eq!(tab.connection, Connection::Online);
    assert!(tab.online);
}

#[test]
fn the_heartbeat_of_an_earlier_socket_stops() {
    let mut tab = synced_tab();
    let first: Vec<Timer> = tab.timers.iter().copied().filter(|t| matches!(t, Timer::Heartbeat(_))).collect();
    assert_eq!(first.len(), 1, "one heartbeat per socket");
    tab.disconnect();
    tab.connect();
    tab.deliver();
    // The old socket's timer fires: it starts nothing.
    for timer in first {
        tab.timers.retain(|t| *t != timer);
        tab.event(Event::Timer(timer));
    }
    let beating = tab.timers.iter().filter(|t| matches!(t, Timer::Heartbeat(_))).count();
    assert_eq!(beating, 1, "only the new socket's heartbeat goes on");
}

#[test]
fn the_save_state_of_two_documents_is_the_least_advanced() {
    use SaveState::*;
    let failed = Failed("full".into());
    assert_eq!(Synced.least_advanced(Synced), Synced);
    assert_eq!(Synced.least_advanced(SavedOnDevice), SavedOnDevice);
    assert_eq!(Offline.least_advanced(SavedOnDevice), Offline);
    assert_eq!(Synced.least_advanced(Offline), Offline);
    assert_eq!(Offline.least_advanced(Saving), Saving);
    assert_eq!(failed.clone().least_advanced(Saving), failed);
    assert_eq!(Synced.least_advanced(failed.clone()), failed);
}
