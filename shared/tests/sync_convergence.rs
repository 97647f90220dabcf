//! Peers that edit concurrently and exchange Automerge sync messages in a
//! random order (some delayed, several in flight at once) end up with the
//! same document. This guards the vendored automerge patch (see
//! vendor/automerge/PATCH.md), which changes how a peer forgets the changes
//! it has sent once the other side has them.

use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use proptest::prelude::*;

const PEERS: usize = 3;

#[derive(Debug, Clone)]
enum Step {
    /// Peer types a character into the shared text.
    Type(usize, char),
    /// Peer `from` generates a message for `to` and puts it in flight.
    Send(usize, usize),
    /// The oldest message in flight on a link is delivered.
    Deliver(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..PEERS, proptest::char::range('a', 'z')).prop_map(|(p, c)| Step::Type(p, c)),
        (0..PEERS, 0..PEERS).prop_filter("two peers", |(a, b)| a != b).prop_map(|(a, b)| Step::Send(a, b)),
        (0..PEERS * PEERS).prop_map(Step::Deliver),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn peers_syncing_in_any_order_converge(steps in proptest::collection::vec(step(), 1..120)) {
        let mut first = AutoCommit::new();
        let text = first.put_object(ROOT, "text", ObjType::Text).expect("text");
        let mut docs: Vec<AutoCommit> = (0..PEERS).map(|_| first.fork()).collect();
        // states[a][b]: a's sync state for b; links[a * PEERS + b]: messages from a to b in flight.
        let mut states: Vec<Vec<sync::State>> =
            (0..PEERS).map(|_| (0..PEERS).map(|_| sync::State::new()).collect()).collect();
        let mut links: Vec<std::collections::VecDeque<sync::Message>> = vec![Default::default(); PEERS * PEERS];
        for step in steps {
            match step {
                Step::Type(p, c) => {
                    let at = docs[p].length(&text);
                    docs[p].splice_text(&text, at, 0, &c.to_string()).expect("type");
                }
                Step::Send(a, b) => {
                    if let Some(m) = docs[a].sync().generate_sync_message(&mut states[a][b]) {
                        links[a * PEERS + b].push_back(m);
                    }
                }
                Step::Deliver(link) => {
                    if let Some(m) = links[link].pop_front() {
                        let (a, b) = (link / PEERS, link % PEERS);
                        docs[b].sync().receive_sync_message(&mut states[b][a], m).expect("receive");
                    }
                }
            }
        }
        // Then the network settles: deliver everything and keep syncing until quiet.
        for _round in 0..50 {
            let mut quiet = true;
            for a in 0..PEERS {
                for b in (0..PEERS).filter(|b| *b != a) {
                    while let Some(m) = links[a * PEERS + b].pop_front() {
                        docs[b].sync().receive_sync_message(&mut states[b][a], m).expect("receive");
                        quiet = false;
                    }
                    if let Some(m) = docs[a].sync().generate_sync_message(&mut states[a][b]) {
                        links[a * PEERS + b].push_back(m);
                        quiet = false;
                    }
                }
            }
            if quiet {
                break;
            }
        }
        let expected = docs[0].text(&text).expect("text");
        for doc in &mut docs {
            prop_assert_eq!(doc.text(&text).expect("text"), expected.clone());
        }
        let heads: Vec<_> = docs.iter_mut().map(|d| d.get_heads()).collect();
        prop_assert!(heads.windows(2).all(|w| w[0] == w[1]));
    }
}

/// Every change that is not an ancestor of `heads` (or one of them), found
/// by walking the dependency hashes: what `get_changes(heads)` must return.
fn changes_after(
    doc: &mut AutoCommit,
    heads: &[automerge::ChangeHash],
) -> std::collections::BTreeSet<automerge::ChangeHash> {
    let mut known = std::collections::BTreeSet::new();
    let mut stack: Vec<_> = heads.to_vec();
    while let Some(hash) = stack.pop() {
        if known.insert(hash) {
            if let Some(change) = doc.get_change_by_hash(&hash) {
                stack.extend(change.deps().iter().copied());
            }
        }
    }
    doc.get_changes(&[]).iter().map(|c| c.hash()).filter(|h| !known.contains(h)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The vendored `calculate_clock` shortcut (PATCH.md) gives the same
    /// answer as walking the whole history: `get_changes` since any past
    /// heads of a document three people typed into concurrently.
    #[test]
    fn changes_since_past_heads_are_exactly_the_changes_not_before_them(
        steps in proptest::collection::vec((0..PEERS, 0..4u8), 1..150),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut first = AutoCommit::new();
        let text = first.put_object(ROOT, "text", ObjType::Text).expect("text");
        let mut docs: Vec<AutoCommit> = (0..PEERS).map(|_| first.fork()).collect();
        let mut past_heads = vec![docs[0].get_heads()];
        for (peer, action) in steps {
            if action == 0 {
                // Merge from the next peer: concurrency meets.
                let mut other = docs[(peer + 1) % PEERS].fork();
                docs[peer].merge(&mut other).expect("merge");
            } else {
                let at = docs[peer].length(&text);
                docs[peer].splice_text(&text, at, 0, "x").expect("type");
            }
            past_heads.push(docs[peer].get_heads());
        }
        let mut all = docs[0].fork();
        for doc in docs.iter_mut().skip(1) {
            all.merge(doc).expect("merge");
        }
        let heads = past_heads[pick.index(past_heads.len())].clone();
        let expected = changes_after(&mut all, &heads);
        let got: std::collections::BTreeSet<_> = all.get_changes(&heads).iter().map(|c| c.hash()).collect();
        prop_assert_eq!(got, expected);
    }
}
