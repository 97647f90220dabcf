//! Running the server: its files are its user's only, and limits per
//! address count the client behind a trusted proxy (and nobody else's
//! word for who the client is).

use std::os::unix::fs::PermissionsExt;

use server::client_address::TrustedProxies;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::access::*;
use crate::harness::*;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_folder_and_its_files_are_for_the_servers_user_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let server = TestServer::start(&data).await;
    let (_, mut anna) = server.plan_by_anna("Rättigheter").await;
    anna.edit_synced(shared::plan::PlanText::MainGoal, "Skrivet").await;
    assert_eq!(mode(&data), 0o700, "the data folder");
    for file in ["samplan.sqlite3", "samplan.sqlite3-wal", "samplan.sqlite3-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    let copy = dir.path().join("kopia.sqlite3");
    let store = crate::harness::open_store(&data).await;
    store.backup(&copy).await.expect("backup");
    store.close().await;
    assert_eq!(mode(&copy), 0o600, "the backup");
    server.stop().await;
}

/// `POST path` with `body`, as if through a proxy for client `forwarded_for`.
async fn post_from(server: &TestServer, path: &str, body: &str, forwarded_for: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nX-Forwarded-For: {forwarded_for}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    String::from_utf8_lossy(&response).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn junk() -> String {
    format!("{{\"token\":\"{}\"}}", "0".repeat(64))
}

/// Junk from `client` until the server says wait: whether it did.
async fn until_limited(server: &TestServer, path: &str, client: &str) -> bool {
    for _ in 0..30 {
        if post_from(server, path, &junk(), client).await == 429 {
            return true;
        }
    }
    false
}

async fn sign_in_link(server: &TestServer, name: &str) -> String {
    let store = crate::harness::open_store(&server.data_dir).await;
    let link = server::access::Access::new(&store).accounts.add_user(name, "Regionen").await.expect("user");
    store.close().await;
    format!("{{\"token\":\"{}\"}}", link.reveal())
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_junk_does_not_shut_out_another_or_a_valid_invitation() {
    let proxies = TrustedProxies::new(vec!["127.0.0.1".parse().expect("address")]);
    let server = TestServer::fresh_configured(|c| c.trusted_proxies = proxies).await;
    let plan = plan_made_by_testare(&server).await;
    assert!(until_limited(&server, "/api/sign-in", "203.0.113.5").await, "junk is refused");
    assert_eq!(post_from(&server, "/api/sign-in", &junk(), "203.0.113.5").await, 429);
    // Another client behind the same proxy signs in with a valid link.
    let kim = sign_in_link(&server, "Kim").await;
    assert_eq!(post_from(&server, "/api/sign-in", &kim, "203.0.113.6").await, 200);
    // Invitations have a bucket of their own: the junk sender's household still joins.
    let (status, body) = invite(&server, &server.token, plan.id, "reader", 14).await;
    assert_eq!(status, 201, "{body}");
    let token = json_field(&body, "link").split('#').nth(1).expect("token").to_string();
    let redeem = format!("{{\"token\":\"{token}\"}}");
    assert_eq!(post_from(&server, "/api/invitations/redeem", &redeem, "203.0.113.5").await, 200);
    // A client's valid links are not counted: many work in a row.
    for n in 0..12 {
        let link = sign_in_link(&server, &format!("Person {n}")).await;
        assert_eq!(post_from(&server, "/api/sign-in", &link, "203.0.113.7").await, 200, "link {n}");
    }
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_not_believed() {
    let server = TestServer::fresh().await;
    let mut limited = false;
    for n in 0..30 {
        // Each request claims another client; all count against the real peer.
        if post_from(&server, "/api/sign-in", &junk(), &format!("203.0.113.{n}")).await == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "claiming another address does not escape the limit");
}
