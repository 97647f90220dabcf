//! Start a server on 127.0.0.1:0 with its own data directory, and connect
//! protocol clients to it.
//!
//! With `SAMPLAN_TEST_DATABASE` set (a PostgreSQL superuser's address, as
//! `scripts/with-postgres.sh` exports it), every data directory gets a
//! fresh PostgreSQL database of its own ([`database_for`]) and the servers
//! and stores of the tests use it instead of the SQLite file.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use automerge::AutoCommit;
use futures::{SinkExt, StreamExt};
use server::{Config, Limits};
use shared::plan::{new_plan_document, read_text, set_text, PlanText};
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
    /// The data directory when the server has one of its own ([`TestServer::fresh`]).
    own_dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL database of `data_dir` when the tests run on PostgreSQL
/// (`SAMPLAN_TEST_DATABASE`): made empty on first use, the same for every
/// later use of the folder (a restart, a second relay).
pub async fn database_for(data_dir: &Path) -> Option<String> {
    static DATABASES: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> = std::sync::Mutex::new(Vec::new());
    let admin = std::env::var("SAMPLAN_TEST_DATABASE").ok().filter(|url| !url.is_empty())?;
    let known = |databases: &[(std::path::PathBuf, String)]| {
        databases.iter().find(|(dir, _)| dir == data_dir).map(|(_, url)| url.clone())
    };
    if let Some(url) = known(&DATABASES.lock().expect("databases")) {
        return Some(url);
    }
    let name = format!("samplan_test_{}", server::random_hex_id());
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("create a database");
    let (base, _) = admin.rsplit_once('/').expect("a database address ends in /<name>");
    let url = format!("{base}/{name}");
    let mut databases = DATABASES.lock().expect("databases");
    if let Some(url) = known(&databases) {
        return Some(url);
    }
    databases.push((data_dir.to_path_buf(), url.clone()));
    Some(url)
}

/// Whether these tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("SAMPLAN_TEST_DATABASE").is_ok_and(|url| !url.is_empty())
}

/// The store of `data_dir`: its SQLite file, or its PostgreSQL database.
pub async fn open_store(data_dir: &Path) -> server::storage::Store {
    let location = match database_for(data_dir).await {
        Some(url) => server::storage::Location::Postgres(url),
        None => server::storage::Location::Folder(data_dir.to_path_buf()),
    };
    server::storage::Store::open_at(&location).await.expect("open store")
}

/// An account named `name` (created if missing) and a new session token for it.
pub async fn provision(data_dir: &Path, name: &str) -> String {
    let store = open_store(data_dir).await;
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

    /// A server on a data directory of its own, removed with the server.
    pub async fn fresh() -> TestServer {
        Self::fresh_with(Limits::default()).await
    }

    /// [`TestServer::fresh`] with other limits.
    pub async fn fresh_with(limits: Limits) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut server = Self::start_with(dir.path(), limits).await;
        server.own_dir = Some(dir);
        server
    }

    pub async fn start_with(data_dir: &Path, limits: Limits) -> TestServer {
        Self::start_full(data_dir, limits, data_dir.join("no-app"), |_| {}).await
    }

    /// A server on a data directory of its own, configured by `configure`.
    pub async fn fresh_configured(configure: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut server =
            Self::start_full(dir.path(), Limits::default(), dir.path().join("no-app"), configure).await;
        server.own_dir = Some(dir);
        server
    }

    /// With the built app served from `static_dir`.
    pub async fn start_serving(data_dir: &Path, static_dir: &Path) -> TestServer {
        Self::start_full(data_dir, Limits::default(), static_dir.to_path_buf(), |_| {}).await
    }

    async fn start_full(
        data_dir: &Path,
        limits: Limits,
        static_dir: std::path::PathBuf,
        configure: impl FnOnce(&mut Config),
    ) -> TestServer {
        let session = provision(data_dir, "Testare").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config {
            data_dir: data_dir.to_path_buf(),
            database: database_for(data_dir).await,
            static_dir,
            limits,
            idle_document_timeout: Duration::from_secs(60),
            public_url: format!("http://{addr}"),
            metrics_token: Some(crate::metrics::METRICS_TOKEN.to_string()),
            ..Config::default()
        };
        configure(&mut config);
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let task = tokio::spawn(async move {
            server::run(config, listener, token).await.expect("server runs");
        });
        eventually("the server to accept connections", || async { TcpStream::connect(addr).await.is_ok() })
            .await;
        TestServer { addr, token: session, data_dir: data_dir.to_path_buf(), shutdown, task, own_dir: None }
    }

    /// Stop the server and wait until it has (dropping it only asks it to stop).
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        let _ = tokio::time::timeout(PATIENCE, &mut self.task).await;
    }

    /// Stop the server, keeping its own data directory (returned) for a look after.
    pub async fn stop_keeping_data(mut self) -> Option<tempfile::TempDir> {
        let own_dir = self.own_dir.take();
        self.stop().await;
        own_dir
    }

    /// Stop the server and start a new one on the same data directory.
    pub async fn restart(mut self) -> TestServer {
        let own_dir = self.own_dir.take();
        let data_dir = self.data_dir.clone();
        self.stop().await;
        let mut server = Self::start(&data_dir).await;
        server.own_dir = own_dir;
        server
    }

    /// The sync URL with the default session ("Testare").
    pub fn ws_url(&self) -> String {
        self.ws_url_as(&self.token)
    }

    /// The sync URL with `token` as its `token` parameter.
    pub fn ws_url_as(&self, token: &str) -> String {
        format!("ws://{}/sync?token={token}", self.addr)
    }

    /// Peer `name`, connected with a new plan titled `title` (not yet synced).
    pub async fn new_plan(&self, name: &str, title: &str) -> (DocumentId, Client) {
        let id = DocumentId::random();
        (id, Client::connect(self, name, id, new_plan_document(title).expect("plan")).await)
    }

    /// "anna", connected with a new plan titled `title` that the server has.
    pub async fn plan_by_anna(&self, title: &str) -> (DocumentId, Client) {
        let (id, mut anna) = self.new_plan("anna", title).await;
        anna.until_synced().await;
        (id, anna)
    }

    /// A new peer `name` that starts with nothing, once it has received the
    /// plan `id` with `field` reading `text`.
    pub async fn peer_reading(&self, name: &str, id: DocumentId, field: PlanText, text: &str) -> Client {
        let mut peer = Client::connect(self, name, id, AutoCommit::new()).await;
        peer.until_text(field, text).await;
        peer
    }

    /// A session of another account (created if missing), while the server runs.
    pub async fn token_for(&self, name: &str) -> String {
        provision(&self.data_dir, name).await
    }
}

impl Drop for TestServer {
    /// A test that ends, or fails, stops its server.
    fn drop(&mut self) {
        self.shutdown.cancel();
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

/// A join from peer `name` offering protocol `versions` (`None`: version 1).
pub fn join(name: &str, versions: Option<Vec<String>>) -> Message {
    Message::Join { sender_id: name.into(), supported_protocol_versions: versions, peer_metadata: None }
}

/// A raw socket whose join as peer `name` the server has answered with `peer`.
pub async fn joined_socket(server: &TestServer, name: &str) -> Socket {
    let mut socket = raw_socket(server).await;
    send(&mut socket, &join(name, None)).await;
    let answer = next_message(&mut socket).await;
    assert!(matches!(answer, Some(Message::Peer { .. })), "{name}: expected peer, got {answer:?}");
    socket
}

/// Read until the server closes the socket; the last error it said before.
pub async fn error_before_close(socket: &mut Socket) -> Option<String> {
    let mut told = None;
    while let Some(message) = next_message(socket).await {
        if let Message::Error { message, .. } = message {
            told = Some(message);
        }
    }
    told
}

/// How long a test waits for the server before it fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// What the server did next on a socket.
#[derive(Debug)]
pub enum Heard {
    /// A protocol message.
    Message(Message),
    /// The socket closed (a close frame, or the connection ended).
    Closed,
    /// Nothing came before the deadline.
    Nothing,
}

/// The next protocol message, the socket closing, or nothing by `deadline`.
pub async fn listen_until(socket: &mut Socket, deadline: tokio::time::Instant) -> Heard {
    loop {
        let frame = match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return Heard::Nothing,
            Ok(None | Some(Err(_))) | Ok(Some(Ok(Frame::Close(_)))) => return Heard::Closed,
            Ok(Some(Ok(frame))) => frame,
        };
        if let Frame::Binary(bytes) = frame {
            return Heard::Message(Message::decode(&bytes).expect("server sends valid messages"));
        }
    }
}

/// The next protocol message, or `None` when the socket closes. Silence is
/// neither: nothing within [`PATIENCE`] fails the test.
pub async fn next_message(socket: &mut Socket) -> Option<Message> {
    match listen_until(socket, tokio::time::Instant::now() + PATIENCE).await {
        Heard::Message(message) => Some(message),
        Heard::Closed => None,
        Heard::Nothing => {
            panic!("the server neither sent a message nor closed the socket within {PATIENCE:?}")
        }
    }
}

/// The server closes the socket next (a message first, or silence, fails).
pub async fn assert_closes(socket: &mut Socket, what: &str) {
    if let Some(message) = next_message(socket).await {
        panic!("{what}: expected the socket to close, got {message:?}");
    }
}

/// Wait until `check` holds, asking again every 20 ms; fail the test if it
/// does not hold within [`PATIENCE`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "not within {PATIENCE:?}: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The peer id a [`Client`] named `name` joins with in session `token`:
/// `name` itself in the default session, else `name@` and the start of the
/// token. A peer id belongs to the session that first joined with it (as the
/// app makes a new one for each page it opens), so that tests may give
/// clients of different sessions the same name.
pub fn peer_id(server: &TestServer, token: &str, name: &str) -> String {
    if token == server.token {
        name.to_string()
    } else {
        format!("{name}@{}", token.get(..8).unwrap_or(token))
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

    /// Connect with the session `token` (another principal), as peer
    /// [`peer_id`]`(server, token, name)`.
    pub async fn connect_as(
        server: &TestServer,
        token: &str,
        name: &str,
        id: DocumentId,
        doc: AutoCommit,
    ) -> Client {
        let mut socket = raw_socket_as(server, token).await;
        let mut sync = SyncClient::new(peer_id(server, token, name));
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

    /// Handle messages until `done` holds (or fail after [`PATIENCE`]).
    pub async fn until(&mut self, what: &str, mut done: impl FnMut(&mut Client) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(self) {
            let message = match listen_until(&mut self.socket, deadline).await {
                Heard::Message(message) => message,
                Heard::Closed => panic!("socket closed while waiting for: {what}"),
                Heard::Nothing => panic!("timed out waiting for: {what}"),
            };
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

    /// Set plan text `field` to `text`, send it, and wait until the server has it.
    pub async fn edit_synced(&mut self, field: PlanText, text: &str) {
        set_text(&mut self.doc, field, text).expect("edit");
        self.push().await;
        self.until_synced().await;
    }

    /// Handle messages until plan text `field` reads `text`.
    pub async fn until_text(&mut self, field: PlanText, text: &str) {
        let what = format!("{field:?} to read {text:?}");
        self.until(&what, |c| read_text(&c.doc, field).is_ok_and(|t| t == text)).await;
    }

    pub async fn until_synced(&mut self) {
        let id = self.id;
        self.until("the server to confirm every change", |c| c.sync.is_synced(&id, &mut c.doc)).await;
    }
}
