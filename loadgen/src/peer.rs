//! One protocol peer over a real WebSocket: the same `shared::sync_client`
//! state machine the app uses, with an Automerge document of its own.

use std::time::Duration;

use anyhow::{anyhow, bail};
use automerge::AutoCommit;
use futures::{SinkExt, StreamExt};
use shared::sync_client::{Received, SyncClient};
use shared::{DocumentId, Message};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A connected peer.
pub struct Peer {
    socket: Socket,
    /// Its protocol state.
    pub sync: SyncClient,
}

/// What arrived on the socket.
pub enum Event {
    /// The document changed (sync applied).
    Changed,
    /// Something that needs no action (acknowledgements, unchanged syncs).
    Other,
    /// No peer has the document.
    Unavailable,
}

impl Peer {
    /// Connect and finish the handshake.
    pub async fn connect(url: &str, peer_id: String) -> anyhow::Result<Peer> {
        // As a browser does: no Nagle delay on small messages; and a small
        // read buffer (tungstenite zeroes the whole buffer on every read,
        // 128 KiB by default, which was a tenth of this process's CPU).
        let config =
            tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4 * 1024);
        let (socket, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
        let mut peer = Peer { socket, sync: SyncClient::new(peer_id) };
        let join = peer.sync.join();
        peer.send(&join).await?;
        loop {
            let message = peer.next_message().await?;
            if let Received::Connected = peer.sync.receive(message)? {
                return Ok(peer);
            }
        }
    }

    async fn send(&mut self, message: &Message) -> anyhow::Result<()> {
        self.socket.send(Frame::Binary(message.encode().into())).await?;
        Ok(())
    }

    /// The next protocol message. Cancel-safe: use it in `select!`, then
    /// pass the message to [`Peer::handle`] outside the select.
    pub async fn next_message(&mut self) -> anyhow::Result<Message> {
        loop {
            match self.socket.next().await {
                Some(Ok(Frame::Binary(bytes))) => return Ok(Message::decode(&bytes)?),
                Some(Ok(Frame::Close(_))) | None => bail!("the server closed the connection"),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
            }
        }
    }

    /// Send what the server lacks of `doc`, if anything.
    pub async fn push(&mut self, id: DocumentId, doc: &mut AutoCommit) -> anyhow::Result<()> {
        if let Some(message) = self.sync.generate(id, doc) {
            self.send(&message).await?;
        }
        Ok(())
    }

    /// Wait for the next message, apply it to `doc` and answer it.
    pub async fn receive(&mut self, doc: &mut AutoCommit) -> anyhow::Result<Event> {
        let message = self.next_message().await?;
        self.handle(message, doc).await
    }

    /// Apply a received message to `doc` and answer it.
    pub async fn handle(&mut self, message: Message, doc: &mut AutoCommit) -> anyhow::Result<Event> {
        match self.sync.receive(message)? {
            Received::Sync(id, data) => {
                let changed = self.sync.apply_sync(id, &data, doc)?;
                self.push(id, doc).await?;
                Ok(if changed { Event::Changed } else { Event::Other })
            }
            Received::Unavailable(_) => Ok(Event::Unavailable),
            Received::ServerError(error) => Err(anyhow!("server error: {error}")),
            _ => Ok(Event::Other),
        }
    }

    /// Receive until `done` holds, or fail after `limit`.
    pub async fn until(
        &mut self,
        doc: &mut AutoCommit,
        limit: Duration,
        mut done: impl FnMut(&mut SyncClient, &mut AutoCommit) -> bool,
    ) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(&mut self.sync, doc) {
            tokio::time::timeout_at(deadline, self.receive(doc))
                .await
                .map_err(|_| anyhow!("timed out after {limit:?}"))??;
        }
        Ok(())
    }

    /// Close politely.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
