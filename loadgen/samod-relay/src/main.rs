//! `samod-relay DATA_DIR`: a sync server built on samod, the Rust
//! automerge-repo, configured as `loadgen/reference/server.mjs` configures
//! the JS one (what automerge-repo-sync-server runs): a repo with file
//! storage in `DATA_DIR` (samod's, the nodefs layout), every peer allowed
//! to read and write, announcing nothing; WebSocket on any path of
//! 127.0.0.1 and a free port, printed on the first line for the load
//! generator. It exists so that the load generator compares samplan-server
//! with a Rust automerge-repo too, not only with Node's.

#![forbid(unsafe_code)]

use std::path::PathBuf;

use anyhow::Context;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;
use axum::Router;
use samod::{AcceptorHandle, Repo, ShareConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data_dir: PathBuf =
        std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| ".samod-data".into());
    std::fs::create_dir_all(&data_dir).with_context(|| format!("create {}", data_dir.display()))?;
    let repo = Repo::build_tokio()
        .with_storage(samod::storage::TokioFilesystemStorage::new(&data_dir))
        .with_peer_id(samod::PeerId::from("samod-relay"))
        // As the reference's `sharePolicy: async () => false`: sync what a
        // peer asks for, announce nothing.
        .with_share_policy(ShareConfig::read_write().with_announce(false))
        .load()
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let acceptor = repo.make_acceptor(url::Url::parse(&format!("ws://{address}/"))?)?;
    let app = Router::new().fallback(upgrade).with_state(acceptor);
    println!("samod relay listening on {address}");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn upgrade(State(acceptor): State<AcceptorHandle>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| async move {
        if let Err(error) = acceptor.accept_axum(socket, None) {
            eprintln!("samod-relay: the repo has stopped: {error:?}");
        }
    })
}
