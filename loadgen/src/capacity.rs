//! Memory under many connections and many documents: 10,000 idle peers
//! that joined and wait, and 100,000 distinct documents each opened once
//! (by sessions of 50 documents, as people open a few plans at a time).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use futures::StreamExt;
use shared::DocumentId;

use crate::peer::Peer;
use crate::target::Target;

/// Memory with idle connections.
#[derive(Debug)]
pub struct IdleReport {
    /// Connections held open.
    pub connections: usize,
    /// Server RSS before, MB.
    pub rss_before_mb: f64,
    /// Server RSS with all connections open, MB.
    pub rss_mb: f64,
}

/// Open `count` connections that join and then stay idle; measure the server.
pub async fn idle_connections(target: &Target, count: usize) -> anyhow::Result<IdleReport> {
    let rss_before_mb = mb(target.rss_bytes()?);
    let url = target.url();
    let peers: Vec<anyhow::Result<Peer>> = futures::stream::iter(0..count)
        .map(|n| {
            let url = url.clone();
            async move { Peer::connect(&url, format!("idle-{n}")).await }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let open: Vec<Peer> = peers.into_iter().collect::<anyhow::Result<_>>()?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_mb = mb(target.rss_bytes()?);
    let connections = open.len();
    futures::stream::iter(open).for_each_concurrent(256, Peer::close).await;
    Ok(IdleReport { connections, rss_before_mb, rss_mb })
}

/// Memory over many documents.
#[derive(Debug)]
pub struct DocumentsReport {
    /// (documents opened so far, server RSS in MB) at each checkpoint.
    pub checkpoints: Vec<(usize, f64)>,
    /// RSS after the last document, once idle documents were evicted, MB.
    pub rss_after_eviction_mb: f64,
    /// Documents per second stored.
    pub documents_per_second: f64,
}

const SESSION_DOCUMENTS: usize = 50;
const WORKERS: usize = 16;

/// Create `count` distinct small plans, each opened once, in sessions of
/// 50; read the server's memory every `checkpoint` documents and after
/// `settle` (longer than the server's idle eviction time).
pub async fn many_documents(
    target: &Target,
    count: usize,
    checkpoint: usize,
    settle: Duration,
) -> anyhow::Result<DocumentsReport> {
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let started = std::time::Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (url, next, done) = (target.url(), next.clone(), done.clone());
            tokio::spawn(async move {
                let mut session = 0;
                while next.load(Ordering::Relaxed) < count {
                    let mut peer = Peer::connect(&url, format!("docs-{worker}-{session}")).await?;
                    session += 1;
                    for _ in 0..SESSION_DOCUMENTS {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= count {
                            break;
                        }
                        let id = DocumentId::random();
                        let mut doc = AutoCommit::new();
                        let title = doc.put_object(ROOT, "title", ObjType::Text)?;
                        doc.splice_text(&title, 0, 0, &format!("Plan nummer {n}"))?;
                        peer.sync.open(id);
                        peer.push(id, &mut doc).await?;
                        peer.until(&mut doc, Duration::from_secs(30), |sync, doc| sync.is_synced(&id, doc))
                            .await?;
                        peer.sync.close(&id);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    peer.close().await;
                }
                anyhow::Ok(())
            })
        })
        .collect();
    let mut checkpoints = Vec::new();
    let mut next_checkpoint = checkpoint;
    while workers.iter().any(|w| !w.is_finished()) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let stored = done.load(Ordering::Relaxed);
        if stored >= next_checkpoint {
            let rss = mb(target.rss_bytes()?);
            println!("  {stored:>7} documents  RSS {rss:>7.1} MB");
            checkpoints.push((stored, rss));
            next_checkpoint += checkpoint;
        }
    }
    let elapsed = started.elapsed();
    for worker in workers {
        worker.await??;
    }
    let stored = done.load(Ordering::Relaxed);
    tokio::time::sleep(settle).await;
    let rss_after_eviction_mb = mb(target.rss_bytes()?);
    println!("  {stored:>7} documents, all idle  RSS {rss_after_eviction_mb:>7.1} MB");
    Ok(DocumentsReport {
        checkpoints,
        rss_after_eviction_mb,
        documents_per_second: stored as f64 / elapsed.as_secs_f64(),
    })
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
