//! Whether the server still answers. A browser cannot send WebSocket
//! pings, and a socket to a server that has gone quiet (a cut network, a
//! stopped process) stays open for minutes: so while connected, the tab
//! sends a [`crate::wire::HEARTBEAT_PING`] when no ping is unanswered, the
//! relay answers each, and an unanswered ping makes the connection
//! "Offline" after [`SILENT_AFTER_MS`] (the socket is kept: the answer may
//! come late, behind a large message) and the socket is given up after
//! [`GIVE_UP_AFTER_MS`]. Time comes in with the events: a timer that fires
//! late (a hidden tab) finds its ping answered and judges nothing.

use super::{Connection, Effect, RepoCore, Timer};
use crate::DocumentId;

/// How often the heartbeat looks (ms): a ping is sent when none is unanswered.
pub const HEARTBEAT_EVERY_MS: u32 = 1_000;

/// How long a ping may go unanswered before the connection is shown as
/// "Offline" (ms). With [`HEARTBEAT_EVERY_MS`] a server that goes quiet is
/// shown as offline within about four seconds.
pub const SILENT_AFTER_MS: u32 = 2_000;

/// How long a ping may go unanswered before the socket is closed and a
/// new one opened (ms).
pub const GIVE_UP_AFTER_MS: u32 = 20_000;

/// The heartbeat of the current socket.
#[derive(Debug, Default)]
pub(super) struct Heartbeat {
    /// Which socket (counted): a timer of an earlier one does nothing.
    socket: u64,
    /// Whether the handshake on the current socket finished.
    beating: bool,
    /// When the unanswered ping was sent (ms since 1970).
    ping_sent: Option<f64>,
    /// Whether the server has not answered for [`SILENT_AFTER_MS`].
    pub(super) silent: bool,
}

impl RepoCore {
    /// The handshake finished: start the heartbeat of this socket.
    pub(super) fn start_heartbeat(&mut self) {
        let heartbeat = &mut self.heartbeat;
        heartbeat.beating = true;
        heartbeat.ping_sent = None;
        heartbeat.silent = false;
        self.effects.push(Effect::Wait { ms: HEARTBEAT_EVERY_MS, timer: Timer::Heartbeat(heartbeat.socket) });
    }

    /// The socket closed: its heartbeat stops.
    pub(super) fn stop_heartbeat(&mut self) {
        let heartbeat = &mut self.heartbeat;
        heartbeat.socket += 1;
        heartbeat.beating = false;
        heartbeat.ping_sent = None;
        heartbeat.silent = false;
    }

    /// Something came from the server: it answers.
    pub(super) fn heard(&mut self) {
        self.heartbeat.ping_sent = None;
        if self.heartbeat.silent {
            self.heartbeat.silent = false;
            self.effects.push(Effect::SetConnection(Connection::Online));
            self.refresh_every_save_state();
        }
    }

    /// The heartbeat's timer of socket `socket` fired.
    pub(super) fn heartbeat(&mut self, socket: u64) {
        let now = self.instruments.now_ms();
        let heartbeat = &mut self.heartbeat;
        if socket != heartbeat.socket || !heartbeat.beating {
            return;
        }
        match heartbeat.ping_sent {
            None => {
                heartbeat.ping_sent = Some(now);
                self.effects.push(Effect::Ping);
            }
            Some(sent) if now - sent >= f64::from(GIVE_UP_AFTER_MS) => {
                // The shell closes the socket and says so (`Event::ConnectionLost`).
                self.effects.push(Effect::CloseSocket);
                return;
            }
            Some(sent) if now - sent >= f64::from(SILENT_AFTER_MS) && !heartbeat.silent => {
                heartbeat.silent = true;
                self.effects.push(Effect::SetConnection(Connection::Offline));
                self.refresh_every_save_state();
            }
            Some(_) => {}
        }
        self.effects.push(Effect::Wait { ms: HEARTBEAT_EVERY_MS, timer: Timer::Heartbeat(socket) });
    }

    /// Whether the server is connected and answering.
    pub(super) fn answering(&self) -> bool {
        self.client.is_connected() && !self.heartbeat.silent
    }

    pub(super) fn refresh_every_save_state(&mut self) {
        let ids: Vec<DocumentId> = self.documents.keys().copied().collect();
        for id in ids {
            self.refresh_save_state(id);
        }
    }
}
