//! The WebSocket to the server, reconnecting for as long as the tab lives.
//!
//! The protocol is in `shared::sync_client`; this is only the socket: open
//! `/sync` on the page's own origin, hand frames to the [`Repo`], and after a
//! lost connection try again with a growing pause (at most five seconds).
//! The repo's heartbeat (`shared::repo_core`) sends text frames through
//! the same channel, and closes the socket by dropping the channel's
//! sender when the server has not answered for long.

use std::time::Duration;

use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message as Frame};
use leptos::prelude::Set;

use crate::repo::{Connection, Repo};

const FIRST_RETRY: Duration = Duration::from_millis(500);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

/// The sync URL on the page's origin (`ws:` for `http:`, `wss:` for `https:`).
pub fn sync_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}/sync", location.host().ok()?))
}

/// Wait until the socket `raw` is open (true) or failed to open (false).
async fn opened(raw: &web_sys::WebSocket) -> bool {
    if raw.ready_state() == web_sys::WebSocket::CONNECTING {
        let (done, settled) = futures::channel::oneshot::channel::<()>();
        let done = std::cell::Cell::new(Some(done));
        let _listening = Listening::new(raw, move || {
            if let Some(done) = done.take() {
                let _ = done.send(());
            }
        });
        let _ = settled.await;
    }
    raw.ready_state() == web_sys::WebSocket::OPEN
}

/// A callback on a socket's "open" and "close" (a socket that cannot open
/// fires "error", then "close"), removed when this goes: also when the
/// wait for it is given up, so that it is never called once dropped.
struct Listening {
    raw: web_sys::WebSocket,
    callback: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Listening {
    const EVENTS: [&'static str; 2] = ["open", "close"];

    fn new(raw: &web_sys::WebSocket, callback: impl Fn() + 'static) -> Listening {
        use wasm_bindgen::JsCast;
        let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(callback);
        for event in Self::EVENTS {
            let _ = raw.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        }
        Listening { raw: raw.clone(), callback }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        for event in Self::EVENTS {
            let _ =
                self.raw.remove_event_listener_with_callback(event, self.callback.as_ref().unchecked_ref());
        }
    }
}

/// Send `frame` if the socket `raw` is open: a closed socket takes
/// nothing, and sending to it would only complain on the console.
async fn send(sink: &mut SplitSink<WebSocket, Frame>, raw: &web_sys::WebSocket, frame: Frame) -> bool {
    raw.ready_state() == web_sys::WebSocket::OPEN && sink.send(frame).await.is_ok()
}

/// Keep a connection to the server open; never returns.
pub async fn run(repo: Repo) {
    let Some(url) = sync_url() else { return };
    let mut retry = FIRST_RETRY;
    loop {
        repo.connection.set(Connection::Connecting);
        // (A clone of the same socket, to ask whether it is still open.)
        let socket = web_sys::WebSocket::new(&url).map(|raw| (raw.clone(), WebSocket::try_from(raw)));
        if let Ok((raw, Ok(socket))) = socket {
            let (mut sink, mut stream) = socket.split();
            let (outgoing, mut outgoing_rx) = futures::channel::mpsc::unbounded::<Frame>();
            let join = repo.connected(outgoing);
            // Whether the repo gave the socket up (dropped the sender).
            let writer = async move {
                if !opened(&raw).await || !send(&mut sink, &raw, Frame::Bytes(join.encode())).await {
                    return false;
                }
                while let Some(frame) = outgoing_rx.next().await {
                    if !send(&mut sink, &raw, frame).await {
                        return false;
                    }
                }
                true
            };
            let reader_repo = repo.clone();
            let reader = async move {
                let mut received_any = false;
                while let Some(Ok(frame)) = stream.next().await {
                    received_any = true;
                    match frame {
                        Frame::Bytes(bytes) => reader_repo.receive_frame(bytes),
                        Frame::Text(_) => reader_repo.receive_pong(),
                    }
                }
                received_any
            };
            futures::pin_mut!(writer, reader);
            let received_any = match futures::future::select(writer, reader).await {
                // Given up: the socket closes as its halves are dropped.
                futures::future::Either::Left((true, _)) => true,
                futures::future::Either::Left((false, reader)) => reader.await,
                futures::future::Either::Right((received_any, _)) => received_any,
            };
            repo.disconnected();
            if received_any {
                retry = FIRST_RETRY;
            }
        } else {
            repo.disconnected();
        }
        gloo_timers::future::sleep(retry).await;
        retry = (retry * 2).min(LONGEST_RETRY);
    }
}
