//! Counters for `GET /metrics`, in the Prometheus text format.
//!
//! A handful of atomics, written on the hot path without locks and rendered
//! on request. Hand-written rather than a metrics crate: the exposition
//! format for these few series is a few lines, and a crate would add a
//! registry and a global recorder we do not need.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Message types counted separately (anything else counts as "other").
const KINDS: [&str; 8] =
    ["join", "request", "sync", "ephemeral", "leave", "doc-unavailable", "error", "other"];

/// Upper bounds of the persist-latency buckets, in seconds.
const PERSIST_BUCKETS: [f64; 10] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2.0];

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    connections: AtomicU64,
    connections_total: AtomicU64,
    received: [AtomicU64; KINDS.len()],
    sent: [AtomicU64; KINDS.len()],
    bytes_received: AtomicU64,
    bytes_sent: AtomicU64,
    persist_buckets: [AtomicU64; PERSIST_BUCKETS.len()],
    persist_count: AtomicU64,
    persist_micros: AtomicU64,
    persist_failures: AtomicU64,
    disconnected_slow: AtomicU64,
    refused_connections: AtomicU64,
    rate_limited: AtomicU64,
    refused_documents: AtomicU64,
}

fn kind_index(kind: &str) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len() - 1)
}

/// Decrements the connection gauge when dropped.
pub struct ConnectionGuard<'a>(&'a Metrics);

impl Drop for ConnectionGuard<'_> {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Relaxed);
    }
}

impl Metrics {
    /// A socket opened; the gauge goes down when the guard drops.
    pub fn connection(&self) -> ConnectionGuard<'_> {
        self.connections.fetch_add(1, Relaxed);
        self.connections_total.fetch_add(1, Relaxed);
        ConnectionGuard(self)
    }

    /// A frame of `bytes` was received and decoded as `kind`.
    pub fn received(&self, kind: &str, bytes: usize) {
        self.received[kind_index(kind)].fetch_add(1, Relaxed);
        self.bytes_received.fetch_add(bytes as u64, Relaxed);
    }

    /// A message of `kind` and `bytes` was sent.
    pub fn sent(&self, kind: &str, bytes: usize) {
        self.sent[kind_index(kind)].fetch_add(1, Relaxed);
        self.bytes_sent.fetch_add(bytes as u64, Relaxed);
    }

    /// A write of new changes to SQLite took `elapsed`.
    pub fn persisted(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in self.persist_buckets.iter().zip(PERSIST_BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.persist_count.fetch_add(1, Relaxed);
        self.persist_micros.fetch_add(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// A write to SQLite failed.
    pub fn persist_failed(&self) {
        self.persist_failures.fetch_add(1, Relaxed);
    }

    /// A peer was cut off because it did not read its messages.
    pub fn slow_peer_disconnected(&self) {
        self.disconnected_slow.fetch_add(1, Relaxed);
    }

    /// A connection was refused: too many from one address.
    pub fn refused_connection(&self) {
        self.refused_connections.fetch_add(1, Relaxed);
    }

    /// A peer was cut off for sending too many messages.
    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Relaxed);
    }

    /// Changes were refused because the document would grow past its limit.
    pub fn document_too_large(&self) {
        self.refused_documents.fetch_add(1, Relaxed);
    }

    /// The Prometheus text exposition; `documents_loaded` is read by the caller.
    pub fn render(&self, documents_loaded: usize) -> String {
        let mut out = String::with_capacity(2048);
        let mut gauge = |name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        gauge("samplan_connections", "Open WebSocket connections.", self.connections.load(Relaxed));
        gauge("samplan_documents_loaded", "Documents held in memory.", documents_loaded as u64);
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        counter(
            "samplan_connections_total",
            "WebSocket connections accepted.",
            self.connections_total.load(Relaxed),
        );
        counter(
            "samplan_bytes_received_total",
            "Bytes of protocol messages received.",
            self.bytes_received.load(Relaxed),
        );
        counter(
            "samplan_bytes_sent_total",
            "Bytes of protocol messages sent.",
            self.bytes_sent.load(Relaxed),
        );
        counter(
            "samplan_persist_failures_total",
            "Failed writes to SQLite.",
            self.persist_failures.load(Relaxed),
        );
        counter(
            "samplan_slow_peers_disconnected_total",
            "Peers cut off because their queue was full.",
            self.disconnected_slow.load(Relaxed),
        );
        counter(
            "samplan_connections_refused_total",
            "Connections refused: too many from one address.",
            self.refused_connections.load(Relaxed),
        );
        counter(
            "samplan_rate_limited_total",
            "Peers cut off for sending too many messages per second.",
            self.rate_limited.load(Relaxed),
        );
        counter(
            "samplan_document_limit_refusals_total",
            "Changes refused because a document would grow past its size limit.",
            self.refused_documents.load(Relaxed),
        );
        for (name, help, values) in [
            ("samplan_messages_received_total", "Protocol messages received, by type.", &self.received),
            ("samplan_messages_sent_total", "Protocol messages sent, by type.", &self.sent),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (kind, value) in KINDS.iter().zip(values.iter()) {
                let _ = writeln!(out, "{name}{{type=\"{kind}\"}} {}", value.load(Relaxed));
            }
        }
        let name = "samplan_persist_seconds";
        let _ = writeln!(out, "# HELP {name} Time to commit new changes to SQLite.\n# TYPE {name} histogram");
        for (bucket, bound) in self.persist_buckets.iter().zip(PERSIST_BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", bucket.load(Relaxed));
        }
        let count = self.persist_count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.persist_micros.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}
