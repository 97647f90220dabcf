//! Start a server on 127.0.0.1:0 with its own data directory, and connect
//! protocol clients to it.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use automerge::AutoCommit;
use futures::{SinkExt, StreamExt};
use server::{Config, Limits};
use shared::sync_client::{Received, SyncClient};
use shared::{DocumentId, Message};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(data_dir: &Path) -> TestServer {
        Self::start_with(data_dir, Limits::default()).await
    }

    pub async fn start_with(data_dir: &Path, limits: Limits) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = Config {
            data_dir: data_dir.to_path_buf(),
            static_dir: data_dir.join("no-app"),
            limits,
            idle_document_timeout: Duration::from_secs(60),
        };
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let task = tokio::spawn(async move {
            server::run(config, listener, token).await.expect("server runs");
        });
        // Wait until it answers.
        for _ in 0..100 {
            if TcpStream::connect(addr).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        TestServer { addr, shutdown, task }
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/sync", self.addr)
    }
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn raw_socket(server: &TestServer) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(server.ws_url()).await.expect("connect");
    socket
}

pub async fn send(socket: &mut Socket, message: &Message) {
    socket.send(Frame::Binary(message.encode().into())).await.expect("send");
}

/// The next protocol message, or `None` when the socket closes (or 10 s pass).
pub async fn next_message(socket: &mut Socket) -> Option<Message> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.ok()??;
        match frame.ok()? {
            Frame::Binary(bytes) => {
                return Some(Message::decode(&bytes).expect("server sends valid messages"))
            }
            Frame::Close(_) => return None,
            _ => continue,
        }
    }
}

/// A protocol client with one document, like the app.
pub struct Client {
    pub sync: SyncClient,
    pub doc: AutoCommit,
    pub id: DocumentId,
    pub socket: Socket,
    pub unavailable: bool,
}

impl Client {
    pub async fn connect(server: &TestServer, name: &str, id: DocumentId, doc: AutoCommit) -> Client {
        let mut socket = raw_socket(server).await;
        let mut sync = SyncClient::new(name.to_string());
        sync.open(id);
        send(&mut socket, &sync.join()).await;
        let mut client = Client { sync, doc, id, socket, unavailable: false };
        let peer = next_message(&mut client.socket).await.expect("peer message");
        assert_eq!(client.sync.receive(peer).expect("peer"), Received::Connected);
        client.push().await;
        client
    }

    /// Send what the server lacks.
    pub async fn push(&mut self) {
        if let Some(message) = self.sync.generate(self.id, &mut self.doc) {
            send(&mut self.socket, &message).await;
        }
    }

    /// Handle messages until `done` holds (or fail after 10 s).
    pub async fn until(&mut self, what: &str, mut done: impl FnMut(&mut Client) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(self) {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let message = tokio::time::timeout(remaining, next_message(&mut self.socket))
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for: {what}"))
                .unwrap_or_else(|| panic!("socket closed while waiting for: {what}"));
            match self.sync.receive(message).expect("receive") {
                Received::Sync(id, data) => {
                    self.sync.apply_sync(id, &data, &mut self.doc).expect("apply");
                    self.push().await;
                }
                Received::Unavailable(_) => self.unavailable = true,
                _ => {}
            }
        }
    }

    pub async fn until_synced(&mut self) {
        let id = self.id;
        self.until("the server to confirm every change", |c| c.sync.is_synced(&id, &mut c.doc)).await;
    }
}
