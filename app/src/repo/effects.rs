//! Carrying out what the repo's core says: messages to the socket, chunks
//! to IndexedDB, signals set, fields woken, timers started; the answers go
//! back to the core as events.

use gloo_net::websocket::Message as Frame;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::repo_core::{Effect, Event, Touched, WriteFailure};
use shared::DocumentId;

use super::{timing, Repo};

impl Repo {
    /// Carry out `effects`, in order.
    pub(super) fn carry_out(&self, effects: Vec<Effect>) {
        for effect in effects {
            self.carry_out_one(effect);
        }
    }

    fn carry_out_one(&self, effect: Effect) {
        match effect {
            Effect::Send(message) => self.send(Frame::Bytes(message.encode())),
            Effect::Ping => self.send(Frame::Text(shared::wire::HEARTBEAT_PING.to_string())),
            // Dropping the sender ends the socket's writer, which closes it
            // (`crate::connection`); the core hears of it as any lost socket.
            Effect::CloseSocket => drop(self.shell.borrow_mut().socket.take()),
            Effect::ReadDevice(id) => spawn_local(self.clone().read_device(id)),
            Effect::WriteChunk { id, write, chunk, title } => {
                spawn_local(self.clone().write_chunk(id, write, chunk, title))
            }
            Effect::RunUpkeep(id) => self.run_upkeep(id),
            Effect::SetAvailability(id, availability) => {
                // Only on a real change: setting a signal re-runs everything
                // that reads it. (A page gone takes its signals with it; the
                // document stays open.)
                if let Some(signals) = self.signals(&id) {
                    if signals.availability.try_get_untracked().is_some_and(|a| a != availability) {
                        signals.availability.try_set(availability);
                    }
                }
            }
            Effect::BumpVersion(id) => {
                if let Some(signals) = self.signals(&id) {
                    signals.version.try_update(|v| *v += 1);
                }
            }
            Effect::Wake(id, touched) => self.wake(&id, &touched),
            Effect::SetSaveState(id, state) => {
                if let Some(signals) = self.signals(&id) {
                    if signals.save_state.try_get_untracked().is_some_and(|s| s != state) {
                        signals.save_state.try_set(state);
                    }
                }
            }
            Effect::SetPresent(id, present) => {
                if let Some(signals) = self.signals(&id) {
                    signals.present.try_set(present);
                }
            }
            Effect::SetConnection(connection) => self.connection.set(connection),
            Effect::Wait { ms, timer } => {
                let repo = self.clone();
                gloo_timers::callback::Timeout::new(ms, move || repo.handle(Event::Timer(timer))).forget();
            }
            Effect::WhenIdle { timeout_ms, timer } => {
                let repo = self.clone();
                crate::idle::when_idle(timeout_ms, move || repo.handle(Event::Timer(timer)));
            }
            Effect::Soon(effects) => {
                let repo = self.clone();
                queue_microtask(move || repo.carry_out(effects));
            }
            Effect::Resume(event) => self.handle(event),
            Effect::PlanShown => timing::measure_after_views("samplan:open-from-device", "samplan:open"),
            Effect::Refresh(id) => self.refresh(&id),
            Effect::Warn(text) => web_sys::console::warn_1(&text.into()),
        }
    }

    /// Send a frame to the server, if connected.
    fn send(&self, frame: Frame) {
        if let Some(socket) = &self.shell.borrow().socket {
            let _ = socket.unbounded_send(frame);
        }
    }

    /// Wake the fields of document `id` that a change touched.
    fn wake(&self, id: &DocumentId, touched: &Touched) {
        let triggers = self.shell.borrow().documents.get(id).map(|shown| shown.text_watch.touched(touched));
        triggers.unwrap_or_default().iter().for_each(ArcTrigger::notify);
    }

    /// A burst of changes is over: what follows the document once per burst follows it now.
    fn refresh(&self, id: &DocumentId) {
        let Some(signals) = self.signals(id) else { return };
        let start = timing::timing_start();
        // (The page may be gone by now: then there is nothing to refresh.)
        signals.refreshed.try_update(|v| *v += 1);
        // The views follow in effects (microtasks) before the next task.
        if let Some(start) = start {
            gloo_timers::callback::Timeout::new(0, move || timing::measure_since("samplan:refresh", start))
                .forget();
        }
    }

    /// Read what the device holds of document `id`: what the page read
    /// while the app loaded (the plan in the address), or now.
    async fn read_device(self, id: DocumentId) {
        timing::mark("samplan:device-open");
        let stored = match crate::storage::early_read(&id).await {
            Some(stored) => Ok(stored),
            None => match self.store().await {
                Ok(store) => {
                    timing::measure("samplan:idb-open", "samplan:open");
                    timing::mark("samplan:device-open");
                    store.read(&id).await
                }
                Err(error) => Err(error),
            },
        };
        self.handle(Event::DeviceRead { id, stored: stored.map_err(|e| e.to_string()) });
    }

    /// Append a chunk to the device, then remember the plan's title for
    /// the start page. Only a chunk the device refused is written again;
    /// with no device storage at all (a private window) there is no later.
    async fn write_chunk(self, id: DocumentId, write: u64, chunk: Vec<u8>, title: Option<String>) {
        let (key, outcome) = match self.store().await {
            Ok(store) => match store.append(&id, &chunk).await {
                Err(error) => (None, Err(WriteFailure::Refused(error.to_string()))),
                Ok(key) => {
                    let remembered = match title {
                        Some(title) => store.remember_plan(&id, &title).await,
                        None => Ok(()),
                    };
                    (key, remembered.map_err(|e| WriteFailure::Failed(e.to_string())))
                }
            },
            Err(error) => (None, Err(WriteFailure::Failed(error.to_string()))),
        };
        self.handle(Event::Written { id, write, key, outcome });
    }
}
