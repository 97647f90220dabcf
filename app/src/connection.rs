//! The WebSocket to the server, reconnecting for as long as the tab lives.
//!
//! The protocol is in `shared::sync_client`; this is only the socket: open
//! `/sync` on the page's own origin, hand frames to the [`Repo`], and after a
//! lost connection try again with a growing pause (at most five seconds).

use std::time::Duration;

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

/// Keep a connection to the server open; never returns.
pub async fn run(repo: Repo) {
    let Some(url) = sync_url() else { return };
    let mut retry = FIRST_RETRY;
    loop {
        repo.connection.set(Connection::Connecting);
        if let Ok(socket) = WebSocket::open(&url) {
            let (mut sink, mut stream) = socket.split();
            let (outgoing, mut outgoing_rx) = futures::channel::mpsc::unbounded::<Vec<u8>>();
            let join = repo.connected(outgoing);
            let writer = async move {
                if sink.send(Frame::Bytes(join.encode())).await.is_err() {
                    return;
                }
                while let Some(bytes) = outgoing_rx.next().await {
                    if sink.send(Frame::Bytes(bytes)).await.is_err() {
                        return;
                    }
                }
            };
            let reader_repo = repo.clone();
            let reader = async move {
                let mut received_any = false;
                while let Some(Ok(frame)) = stream.next().await {
                    received_any = true;
                    if let Frame::Bytes(bytes) = frame {
                        reader_repo.receive_frame(bytes);
                    }
                }
                received_any
            };
            futures::pin_mut!(writer, reader);
            let received_any = match futures::future::select(writer, reader).await {
                futures::future::Either::Left(((), reader)) => reader.await,
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
