//! The store against a real SQLite file: group commit, failures, checkpoints.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};

use super::writer::{open_writer, CHECKPOINT_EVERY};
use super::*;

/// `count` changes of one document, each as its own incremental chunk.
fn chunks(count: usize) -> Vec<Vec<u8>> {
    let mut doc = AutoCommit::new();
    (0..count)
        .map(|n| {
            doc.put(ROOT, format!("k{n}"), n as u64).expect("put");
            doc.save_incremental()
        })
        .collect()
}

/// A store in a fresh directory (removed when the first is dropped).
async fn open_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).await.expect("open");
    (dir, store)
}

/// The stored chunks of a document: id and kind, in order.
async fn stored_chunks(store: &Store, id: &DocumentId) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT id, kind FROM document_chunks WHERE document_id = ? ORDER BY id")
        .bind(id.to_string())
        .fetch_all(store.sqlite())
        .await
        .expect("chunks")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_ahead_log_restarts_under_a_steady_stream_of_writes() {
    let (dir, store) = open_store().await;
    let wal = dir.path().join(format!("{DATABASE_FILE}-wal"));
    // Start from an empty log (the migrations wrote to it).
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.sqlite()).await.expect("truncate");
    // Writers back to back, as on a busy relay (the writer is never
    // idle long), and a reader beside them, for at least 25 checkpoint
    // intervals and 200 writes: the log must be copied and restarted,
    // not grow by everything written.
    let started = std::time::Instant::now();
    let mut writers = Vec::new();
    for writer in 0..4u64 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            let id = DocumentId::random();
            let (mut written, mut n) = (0u64, 0u64);
            while started.elapsed() < CHECKPOINT_EVERY * 25 || n < 50 {
                let chunk: Vec<u8> = (0..16 * 1024).map(|i| (i as u64 ^ n ^ writer) as u8).collect();
                written += chunk.len() as u64;
                store.append(&id, chunk, Vec::new()).await.expect("append");
                n += 1;
            }
            (id, written, n)
        }));
    }
    let reader = {
        let pool = store.sqlite().clone();
        tokio::spawn(async move {
            while started.elapsed() < CHECKPOINT_EVERY * 25 {
                sqlx::query("SELECT count(*) FROM document_chunks").execute(&pool).await.expect("read");
            }
        })
    };
    let mut written = 0;
    let mut stored = Vec::new();
    for writer in writers {
        let (id, bytes, n) = writer.await.expect("writer");
        written += bytes;
        stored.push((id, bytes, n));
    }
    reader.await.expect("reader");
    let log = std::fs::metadata(&wal).expect("wal").len();
    // Never restarting, the log holds every frame: about twice what was
    // written (pages and headers). Restarting, it holds the largest
    // stretch between two complete checkpoints, which a reader can
    // lengthen (35 % on a loaded CI machine), so the bound is generous.
    assert!(
        log < written,
        "the write-ahead log is {log} bytes after {written} bytes written: it never restarted"
    );
    for (id, bytes, n) in stored {
        let loaded = store.load(&id).await.expect("load");
        assert_eq!(loaded.stored_bytes, bytes, "every one of the {n} writes is stored");
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_group_acknowledges_none_of_its_writes_and_the_next_one_commits() {
    let (_dir, store) = open_store().await;
    let (refused, innocent) = (DocumentId::random(), DocumentId::random());
    // SQLite refuses any chunk of `refused`, as a full disk or a broken
    // file would refuse the whole transaction.
    sqlx::query(&format!(
        "CREATE TRIGGER refuse BEFORE INSERT ON document_chunks WHEN NEW.document_id = '{refused}' \
         BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ))
    .execute(store.sqlite())
    .await
    .expect("trigger");
    // Both writes are queued while the test holds the write turn: the
    // writer takes the first, waits for the turn, then takes the second
    // into the same group.
    let turn = store.line.take().await;
    let append = |id| {
        let (done, acknowledged) = tokio::sync::oneshot::channel();
        (
            super::writer::Write::Append {
                id,
                chunk: chunks(1).remove(0),
                audit: Vec::new(),
                heads: Vec::new(),
                done,
            },
            acknowledged,
        )
    };
    let (first, first_acknowledged) = append(innocent);
    let (second, second_acknowledged) = append(refused);
    store.writes.send(first).await.expect("queued");
    store.writes.send(second).await.expect("queued");
    drop(turn);
    let first = first_acknowledged.await.expect("answered");
    assert!(first.is_err(), "a write in a failed group is not acknowledged");
    let second = second_acknowledged.await.expect("answered");
    assert!(second.is_err(), "the refused write is not acknowledged");
    assert_eq!(store.load(&innocent).await.expect("load").stored_bytes, 0, "nothing of the group is stored");
    // The writer goes on (on a fresh connection).
    let chunk = chunks(1).remove(0);
    let bytes = chunk.len() as u64;
    store.append(&innocent, chunk, Vec::new()).await.expect("the next group commits");
    assert_eq!(store.load(&innocent).await.expect("load").stored_bytes, bytes);
    store.close().await;
}

#[tokio::test]
async fn the_writer_connection_syncs_every_commit_and_never_checkpoints_by_itself() {
    let (dir, store) = open_store().await;
    let options = connect_options(&dir.path().join(DATABASE_FILE)).expect("options");
    let mut writer = open_writer(&options).await.expect("writer");
    for (name, expected) in [
        // FULL: every commit is synced before it is acknowledged.
        ("synchronous", 2),
        ("foreign_keys", 1),
        ("wal_autocheckpoint", 0),
        ("journal_size_limit", JOURNAL_SIZE_LIMIT),
    ] {
        let value: i64 =
            sqlx::query_scalar(&format!("PRAGMA {name}")).fetch_one(&mut writer).await.expect("pragma");
        assert_eq!(value, expected, "PRAGMA {name}");
    }
    let journal: String =
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut writer).await.expect("pragma");
    assert_eq!(journal, "wal");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_arriving_together_are_all_committed_with_their_audit_entries() {
    let (_dir, store) = open_store().await;
    let ids = [DocumentId::random(), DocumentId::random(), DocumentId::random()];
    // Many writes at once, more than one group takes.
    let per_document = 600;
    let mut appends = Vec::new();
    for id in ids {
        for chunk in chunks(per_document) {
            let store = store.clone();
            let entry = AuditEntry::now("user:1", Some(1), Some(&id.to_string()), "change", "hash");
            appends.push(tokio::spawn(async move { store.append(&id, chunk, vec![entry]).await }));
        }
    }
    for append in appends {
        append.await.expect("task").expect("committed");
    }
    for id in ids {
        let loaded = store.load(&id).await.expect("load");
        assert_eq!(loaded.unreadable_chunks, 0);
        assert_eq!(loaded.doc.get_changes(&[]).len(), per_document, "every change of {id} is stored");
    }
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'change'")
        .fetch_one(store.sqlite())
        .await
        .expect("count");
    assert_eq!(audited, (3 * per_document) as i64, "one audit entry per write");
    store.close().await;
}

#[tokio::test]
async fn a_compaction_in_the_same_group_keeps_the_appends_after_it() {
    let (_dir, store) = open_store().await;
    let id = DocumentId::random();
    let all = chunks(10);
    for chunk in &all[..6] {
        store.append(&id, chunk.clone(), Vec::new()).await.expect("append");
    }
    let snapshot = store.load(&id).await.expect("load").doc.save();
    // As the compactor does: replace exactly the chunks it read.
    let read = Some(stored_chunks(&store, &id).await.into_iter().map(|(id, _)| id).collect());
    // The compaction and the later appends race into one group.
    let (compacted, later) = tokio::join!(
        store.replace(&id, snapshot, read),
        futures::future::join_all(all[6..].iter().map(|c| store.append(&id, c.clone(), Vec::new())))
    );
    compacted.expect("replace");
    assert!(later.iter().all(Result::is_ok));
    let loaded = store.load(&id).await.expect("load");
    assert_eq!(loaded.doc.get_changes(&[]).len(), 10, "nothing lost either way round");
    let kinds: Vec<String> = stored_chunks(&store, &id).await.into_iter().map(|(_, kind)| kind).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "snapshot").count(), 1, "{kinds:?}");
    assert_eq!(kinds.len(), 5, "one snapshot and the four later chunks: {kinds:?}");
    store.close().await;
}

#[tokio::test]
async fn after_close_a_write_fails_and_is_not_acknowledged() {
    let (_dir, store) = open_store().await;
    let id = DocumentId::random();
    let chunk = chunks(1).remove(0);
    store.append(&id, chunk.clone(), Vec::new()).await.expect("before close");
    store.close().await;
    assert!(matches!(store.append(&id, chunk, Vec::new()).await, Err(StorageError::Closed)));
}

impl Store {
    /// The SQLite pool of a store these tests opened on SQLite.
    fn sqlite(&self) -> &sqlx::SqlitePool {
        match &self.pool {
            Pool::Sqlite(pool) => pool,
            Pool::Postgres(_) => panic!("these tests run on SQLite"),
        }
    }
}
