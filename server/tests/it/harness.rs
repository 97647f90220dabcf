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
    /// A session of the account "Testare" (a professional), used by default.
    pub token: String,
    pub data_dir: std::path::PathBuf,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// An account named `name` (created if missing) and a new session token for it.
pub async fn provision(data_dir: &Path, name: &str) -> String {
    let store = server::storage::Store::open(data_dir).await.expect("open store");
    let accounts = server::access::Access::new(&store).accounts;
    match accounts.add_user(name, "Testkommunen").await {
        Ok(_) | Err(server::access::AccessError::UserExists(_)) => {}
        Err(error) => panic!("add user: {error}"),
    }
    let token = accounts.user_token(name, Duration::from_secs(86_400)).await.expect("token");
    store.close().await;
    token.reveal().to_string()
}

impl TestServer {
    pub async fn start(data_dir: &Path) -> TestServer {
        Self::start_with(data_dir, Limits::default()).await
    }

    pub async fn start_with(data_dir: &Path, limits: Limits) -> TestServer {
        Self::start_full(data_dir, limits, data_dir.join("no-app")).await
    }

    /// With the built app served from `static_dir`.
    pub async fn start_serving(data_dir: &Path, static_dir: &Path) -> TestServer {
        Self::start_full(data_dir, Limits::default(), static_dir.to_path_buf()).await
    }

    async fn start_full(data_dir: &Path, limits: Limits, static_dir: std::path::PathBuf) -> TestServer {
        let session = provision(data_dir, "Testare").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = Config {
            data_dir: data_dir.to_path_buf(),
            static_dir,
            limits,
            idle_document_timeout: Duration::from_secs(60),
            public_url: format!("http://{addr}"),
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
        TestServer { addr, token: session, data_dir: data_dir.to_path_buf(), shutdown, task }
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }

    /// The sync URL with the default session ("Testare").
    pub fn ws_url(&self) -> String {
        self.ws_url_as(&self.token)
    }

    /// The sync URL with `token` as its `token` parameter.
    pub fn ws_url_as(&self, token: &str) -> String {
        format!("ws://{}/sync?token={token}", self.addr)
    }

    /// A session of another account (created if missing), while the server runs.
    pub async fn token_for(&self, name: &str) -> String {
        provision(&self.data_dir, name).await
    }
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn raw_socket(server: &TestServer) -> Socket {
    raw_socket_as(server, &server.token).await
}

pub async fn raw_socket_as(server: &TestServer, token: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(server.ws_url_as(token)).await.expect("connect");
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
        Client::connect_as(server, &server.token, name, id, doc).await
    }

    /// Connect with the session `token` (another principal).
    pub async fn connect_as(
        server: &TestServer,
        token: &str,
        name: &str,
        id: DocumentId,
        doc: AutoCommit,
    ) -> Client {
        let mut socket = raw_socket_as(server, token).await;
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
