//! `GET /metrics` reports connections, documents, messages and persist latency.

use shared::plan::PlanText;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;

pub async fn get(server: &TestServer, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
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
