//! `GET /metrics` reports connections, documents, messages and persist latency.

use shared::plan::PlanText;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;

/// The token the tests' metrics ask for.
pub const METRICS_TOKEN: &str = "token-for-the-metrics-in-tests";

pub async fn get(server: &TestServer, path: &str) -> String {
    get_with(server, path, &format!("Authorization: Bearer {METRICS_TOKEN}\r\n")).await
}

/// `GET path` with `headers` (each ending in CRLF).
pub async fn get_with(server: &TestServer, path: &str, headers: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

pub fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no series {series} in\n{metrics}"))
}

#[tokio::test]
async fn metrics_follow_what_the_server_does() {
    let server = TestServer::fresh().await;
    let before = get(&server, "/metrics").await;
    assert!(before.starts_with("HTTP/1.1 200"), "{before}");
    assert_eq!(value(&before, "samplan_connections "), 0.0);
    assert_eq!(value(&before, "samplan_persist_seconds_count "), 0.0);

    let (_, mut anna) = server.new_plan("anna", "Mätning").await;
    anna.edit_synced(PlanText::MainGoal, "Räknas").await;

    let after = get(&server, "/metrics").await;
    assert_eq!(value(&after, "samplan_connections "), 1.0);
    assert_eq!(value(&after, "samplan_documents_loaded "), 1.0);
    assert!(value(&after, "samplan_messages_received_total{type=\"sync\"} ") >= 1.0);
    assert_eq!(value(&after, "samplan_messages_received_total{type=\"join\"} "), 1.0);
    assert!(value(&after, "samplan_messages_sent_total{type=\"sync\"} ") >= 1.0);
    assert!(value(&after, "samplan_bytes_received_total ") > 0.0);
    let persisted = value(&after, "samplan_persist_seconds_count ");
    assert!(persisted >= 1.0);
    assert_eq!(value(&after, "samplan_persist_seconds_bucket{le=\"+Inf\"} "), persisted);
}

#[tokio::test]
async fn metrics_need_their_token_and_are_off_without_one() {
    let server = TestServer::fresh().await;
    assert!(get_with(&server, "/metrics", "").await.starts_with("HTTP/1.1 401"));
    let wrong = get_with(&server, "/metrics", "Authorization: Bearer gissning\r\n").await;
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    let session = format!("Authorization: Bearer {}\r\n", server.token);
    assert!(
        get_with(&server, "/metrics", &session).await.starts_with("HTTP/1.1 401"),
        "a session is no metrics token"
    );
    let off = TestServer::fresh_configured(|c| c.metrics_token = None).await;
    assert!(get(&off, "/metrics").await.starts_with("HTTP/1.1 404"), "no token configured: no metrics");
}
