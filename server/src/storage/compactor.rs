//! Compaction off the hot path: merging a document's stored chunks into
//! one snapshot.
//!
//! [`Store::request_compaction`] hands a document id to a compactor task
//! that reads the stored chunks, builds a snapshot on a thread of its own
//! and replaces exactly the chunks it read. The document's own task never
//! waits for it; chunks appended meanwhile stay as they are.

use std::time::Duration;

use automerge::{Automerge, ReadDoc};
use shared::DocumentId;
use tokio::sync::{mpsc, oneshot};

use super::{sql, StorageError, Store};

/// Compact a document into one snapshot once it has this many incremental chunks.
pub const COMPACT_AFTER_CHUNKS: i64 = 256;
/// The compactor's pause after each document (see `compact_requested`).
const COMPACTION_PAUSE: Duration = Duration::from_millis(if cfg!(test) { 1 } else { 40 });
/// Compactions waiting; more requests are dropped (the document asks again later).
pub(super) const COMPACTION_QUEUE: usize = 256;

/// Chunks to merge into one snapshot, and where the snapshot goes.
type SnapshotJob = (Vec<Vec<u8>>, oneshot::Sender<Result<Vec<u8>, String>>);
type SnapshotBuilder = std::sync::mpsc::Sender<SnapshotJob>;

/// Start the thread that builds snapshots for compaction, at the lowest
/// priority a normal thread can have (Linux: `SCHED_BATCH`, nice 19).
/// Compaction is never urgent, and under the typing load a hundred
/// documents reach the compaction threshold within a second or two: their
/// snapshots should take CPU time that deliveries do not need. (Not
/// `SCHED_IDLE`: on a machine that is busy for good, compaction would never
/// run; at nice 19 it gets a small share.)
fn spawn_snapshot_builder() -> std::io::Result<SnapshotBuilder> {
    let (jobs, queue) = std::sync::mpsc::channel::<SnapshotJob>();
    std::thread::Builder::new().name("samplan-compactor".into()).spawn(move || {
        lowest_priority();
        for (chunks, reply) in queue {
            // (The compactor may have stopped waiting: nothing to do then.)
            let _ = reply.send(build_snapshot(&chunks));
        }
    })?;
    Ok(jobs)
}

/// Give the calling thread the lowest priority of a normal thread.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        let batch = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch);
        if let Err(error) =
            set_thread_priority_and_policy(thread_native_id(), thread_priority::ThreadPriority::Min, batch)
        {
            tracing::warn!(?error, "the compactor runs at normal priority");
        }
    }
}

/// One snapshot of the stored chunks of a document.
fn build_snapshot(chunks: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut doc = Automerge::new();
    for chunk in chunks {
        doc.load_incremental(chunk).map_err(|e| e.to_string())?;
    }
    // The stored chunks are causally closed; if they were not, a snapshot
    // would drop the changes still waiting for their deps.
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err("stored chunks lack dependencies".to_string());
    }
    Ok(doc.save())
}

impl Store {
    /// Ask for the document to be compacted in the background. Returns at
    /// once; a document already waiting is not queued twice, and when the
    /// queue is full the request is dropped (the document asks again).
    pub fn request_compaction(&self, id: &DocumentId) {
        let mut compacting = self.compacting.lock().unwrap_or_else(|p| p.into_inner());
        if compacting.insert(*id) && self.compactions.try_send(*id).is_err() {
            compacting.remove(id);
        }
    }

    /// The compactor: one document at a time, snapshots built on a thread
    /// of their own ([`spawn_snapshot_builder`]).
    pub(super) async fn compact_requested(self, mut queue: mpsc::Receiver<DocumentId>) {
        let builder = match spawn_snapshot_builder() {
            Ok(builder) => builder,
            Err(error) => {
                tracing::error!(%error, "no thread for compaction; documents are not compacted");
                return;
            }
        };
        while let Some(id) = queue.recv().await {
            if let Err(error) = self.compact_stored(&id, &builder).await {
                tracing::warn!(document = %id, %error, "compaction failed; the chunks stay as they were");
            }
            self.compacting.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            // Spread a burst of compactions out (documents that are typed in
            // together reach the threshold together): each one rewrites many
            // pages of the file, and the writer's groups wait for them.
            tokio::time::sleep(COMPACTION_PAUSE).await;
        }
    }

    /// Read the stored chunks, merge them into one snapshot and replace
    /// exactly those chunks. Chunks that cannot be read are never deleted.
    async fn compact_stored(&self, id: &DocumentId, builder: &SnapshotBuilder) -> Result<(), StorageError> {
        let rows = sql::query("SELECT id, bytes FROM document_chunks WHERE document_id = ? ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut read = Vec::with_capacity(rows.len());
        let mut chunks = Vec::with_capacity(rows.len());
        for row in rows {
            read.push(row.try_get::<i64, _>("id")?);
            chunks.push(row.try_get::<Vec<u8>, _>("bytes")?);
        }
        if chunks.len() < 2 {
            return Ok(());
        }
        let (reply, built) = oneshot::channel();
        builder
            .send((chunks, reply))
            .map_err(|_| StorageError::WriteFailed("the compactor's thread stopped".into()))?;
        let snapshot = built
            .await
            .map_err(|_| StorageError::WriteFailed("the compactor's thread stopped".into()))?
            .map_err(StorageError::WriteFailed)?;
        let bytes = snapshot.len();
        self.replace(id, snapshot, Some(read)).await?;
        tracing::debug!(document = %id, bytes, "compacted");
        Ok(())
    }

    /// Whether a document with this many incremental chunks should be compacted.
    pub fn should_compact(incremental_chunks: i64) -> bool {
        incremental_chunks >= COMPACT_AFTER_CHUNKS
    }
}
