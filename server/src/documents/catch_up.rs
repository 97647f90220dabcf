//! What a document reads from storage when another relay stored changes
//! to it (several relays on one PostgreSQL), without IO.
//!
//! Why its own bookkeeping: a catch-up happens for every keystroke that
//! crosses relays, so what it reads is the cost of a second relay. Reading
//! "every chunk of the last 10 s" each time (about 180 chunks at full
//! typing, each applied again) made two relays cost 2.7 times one relay
//! per edit. So:
//!
//! - **After a notice** (another relay committed and named its heads): read
//!   the chunks with a higher id than the last one read, not written by this
//!   relay (its own chunks are in memory already). As a rule that brings
//!   the named heads.
//! - **Only if they are still missing** (a chunk of another relay took a
//!   lower id than one read already and committed after it), or for the
//!   **once-a-second look** that heals a lost notice: also the chunks stored
//!   within [`WINDOW`], whatever their id, except those read lately.
//! - **If the heads are missing even then** (a chunk that committed more
//!   than the window after its time was taken): every chunk of the others.
//!
//! Chunks read are remembered for twice the window, so the look finds
//! nothing to read again once everything has arrived.

use std::collections::VecDeque;
use std::time::Duration;

use automerge::ChangeHash;

/// A catch-up may also read the chunks stored this recently, whatever their
/// id: another relay's chunk can take a lower id than one read already and
/// commit after it.
pub const WINDOW: Duration = Duration::from_secs(10);

/// One read of stored chunks: those after `after`, and (if `recent`) those
/// stored within it; never `known`, never this relay's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkRead {
    /// The last chunk id read (`None`: read from the start).
    pub after: Option<i64>,
    /// Also the chunks stored within this time, whatever their id.
    pub recent: Option<Duration>,
    /// Chunk ids read lately, in order: not to be read again (only with
    /// `recent`: the others are all at or below `after`).
    pub known: Vec<i64>,
}

/// What a document has read of the stored chunks, and what it waits for.
#[derive(Debug, Default)]
pub struct ChunksRead {
    /// The highest chunk id read (loaded or caught up).
    last: Option<i64>,
    /// The heads another relay named in its notice (empty: a look).
    wanted: Vec<ChangeHash>,
    /// Chunk ids read from other relays, with when (ms since 1970).
    lately: VecDeque<(i64, i64)>,
}

impl ChunksRead {
    /// After loading the whole document, whose last chunk is `last`.
    pub fn loaded(last: Option<i64>) -> Self {
        ChunksRead { last, wanted: Vec::new(), lately: VecDeque::new() }
    }

    /// The highest chunk id read.
    pub fn last(&self) -> Option<i64> {
        self.last
    }

    /// A catch-up starts: another relay named `heads` (empty: a look).
    pub fn start(&mut self, heads: Vec<ChangeHash>) {
        self.wanted = heads;
    }

    /// The first read of a catch-up: after a notice the newer chunks only;
    /// for a look the recent ones too.
    pub fn first_read(&self) -> ChunkRead {
        ChunkRead { after: self.last, recent: self.wanted.is_empty().then_some(WINDOW), known: self.known() }
    }

    /// The second read, after the first was applied: the recent chunks,
    /// only when a notice's heads are still missing (`has` says whether
    /// the document has a change).
    pub fn second_read(&self, has: impl Fn(&ChangeHash) -> bool) -> Option<ChunkRead> {
        let missing = !self.wanted.is_empty() && !self.wanted.iter().all(has);
        missing.then(|| ChunkRead { after: self.last, recent: Some(WINDOW), known: self.known() })
    }

    /// The last resort, after the second read: when a notice's heads are
    /// still missing (a chunk that committed more than [`WINDOW`] after
    /// its time was taken), every chunk of the other relays, whatever its
    /// id or time. Rare, and then as costly as loading the document.
    pub fn last_resort_read(&self, has: impl Fn(&ChangeHash) -> bool) -> Option<ChunkRead> {
        let missing = !self.wanted.is_empty() && !self.wanted.iter().all(has);
        missing.then(|| ChunkRead { after: None, recent: None, known: Vec::new() })
    }

    /// The chunks `ids` were read at `now` (ms since 1970).
    pub fn read(&mut self, ids: impl IntoIterator<Item = i64>, now: i64) {
        for id in ids {
            self.last = self.last.max(Some(id));
            self.lately.push_back((id, now));
        }
        let keep_after = now - 2 * i64::try_from(WINDOW.as_millis()).unwrap_or(i64::MAX);
        while self.lately.front().is_some_and(|&(_, at)| at < keep_after) {
            self.lately.pop_front();
        }
    }

    fn known(&self) -> Vec<i64> {
        let mut known: Vec<i64> = self.lately.iter().map(|&(id, _)| id).collect();
        known.sort_unstable();
        known.dedup();
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    #[test]
    fn after_a_notice_only_newer_chunks_are_read_when_they_bring_the_heads() {
        let mut read = ChunksRead::loaded(Some(10));
        read.start(vec![hash(1)]);
        assert_eq!(read.first_read(), ChunkRead { after: Some(10), recent: None, known: vec![] });
        read.read([11, 12], 1_000);
        assert_eq!(read.last(), Some(12));
        assert_eq!(read.second_read(|h| *h == hash(1)), None, "the heads arrived: no window read");
    }

    #[test]
    fn heads_still_missing_after_the_newer_chunks_read_the_window_except_what_was_read() {
        let mut read = ChunksRead::loaded(Some(10));
        read.start(vec![hash(1), hash(2)]);
        read.read([12], 1_000);
        let second = read.second_read(|h| *h == hash(1)).expect("hash 2 is missing: read the window");
        assert_eq!(second, ChunkRead { after: Some(12), recent: Some(WINDOW), known: vec![12] });
    }

    #[test]
    fn heads_missing_even_after_the_window_read_every_chunk_of_the_others() {
        let mut read = ChunksRead::loaded(Some(10));
        read.start(vec![hash(1)]);
        read.read([12], 1_000);
        assert_eq!(read.last_resort_read(|_| true), None, "nothing missing: no last resort");
        assert_eq!(
            read.last_resort_read(|_| false),
            Some(ChunkRead { after: None, recent: None, known: vec![] }),
            "still missing: everything the others stored"
        );
        read.start(Vec::new());
        assert_eq!(read.last_resort_read(|_| false), None, "a look has no heads to miss");
    }

    #[test]
    fn a_look_reads_the_window_at_once_and_never_a_chunk_read_lately() {
        let mut read = ChunksRead::loaded(None);
        read.start(vec![hash(1)]);
        read.read([5, 7], 1_000);
        read.start(Vec::new());
        assert_eq!(read.first_read(), ChunkRead { after: Some(7), recent: Some(WINDOW), known: vec![5, 7] });
        assert_eq!(read.second_read(|_| false), None, "a look reads once");
    }

    #[test]
    fn chunks_read_are_forgotten_after_twice_the_window() {
        let mut read = ChunksRead::loaded(None);
        read.read([5], 0);
        read.read([6], 19_000);
        assert_eq!(read.first_read().known, vec![5, 6]);
        read.read([7], 21_000);
        assert_eq!(read.first_read().known, vec![6, 7], "5 was read more than 20 s ago");
        assert_eq!(read.last(), Some(7));
    }
}
