//! Fuzzing with a fixed budget: the wire decoder and the Automerge sync
//! payloads it carries must turn any input into a value or an error, never
//! a panic or a hang. The server feeds both straight from the network.
//!
//! The budget is the number of cases per property (`SAMPLAN_FUZZ_CASES`).
//! `cargo test` runs a quick [`QUICK_CASES`]; `scripts/nightly.sh` runs
//! 10,000 in a release build.

use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use proptest::prelude::*;
use serde_bytes::ByteBuf;
use shared::wire::PeerMetadata;
use shared::{DocumentId, Message};

/// Cases per property when `SAMPLAN_FUZZ_CASES` is not set.
const QUICK_CASES: u32 = 500;

fn cases() -> u32 {
    std::env::var("SAMPLAN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(QUICK_CASES)
}

/// One valid frame of every message type, to mutate.
fn valid_frames() -> Vec<Vec<u8>> {
    let id = DocumentId::from_bytes([3; 16]);
    let data = ByteBuf::from(vec![0x42, 1, 0, 0]);
    [
        Message::Join {
            sender_id: "anna".into(),
            supported_protocol_versions: Some(vec!["1".into()]),
            peer_metadata: Some(PeerMetadata { storage_id: Some("s".into()), is_ephemeral: false }),
        },
        Message::Peer {
            sender_id: "server".into(),
            selected_protocol_version: "1".into(),
            target_id: "anna".into(),
            peer_metadata: None,
        },
        Message::Request {
            document_id: id,
            sender_id: "a".into(),
            target_id: "b".into(),
            data: data.clone(),
        },
        Message::Sync { document_id: id, sender_id: "a".into(), target_id: "b".into(), data: data.clone() },
        Message::DocUnavailable { document_id: id, sender_id: "a".into(), target_id: "b".into() },
        Message::Ephemeral {
            document_id: id,
            sender_id: "a".into(),
            target_id: "b".into(),
            count: 7,
            session_id: "s".into(),
            data,
        },
        Message::Error { sender_id: None, target_id: None, message: "fel".into() },
        Message::Leave { sender_id: "a".into() },
    ]
    .iter()
    .map(Message::encode)
    .collect()
}

/// A real sync message that carries changes (a plan with some text).
fn valid_sync_payload() -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "title", automerge::ObjType::Text).expect("text");
    doc.splice_text(&text, 0, 0, "Min plan för hösten").expect("splice");
    doc.put(ROOT, "version", 2).expect("put");
    let doc = doc.document().clone();
    let mut state = sync::State::new();
    // The first message only announces heads; answer it as an empty peer would.
    let mut empty = automerge::Automerge::new();
    let mut empty_state = sync::State::new();
    let first = doc.generate_sync_message(&mut state).expect("first");
    empty.receive_sync_message(&mut empty_state, first).expect("receive");
    let reply = empty.generate_sync_message(&mut empty_state).expect("reply");
    let mut doc = doc;
    doc.receive_sync_message(&mut state, reply).expect("receive reply");
    doc.generate_sync_message(&mut state).expect("changes").encode()
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, Vec<u8>),
    Remove(prop::sample::Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), proptest::collection::vec(any::<u8>(), 1..9))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<prop::sample::Index>(), 1u8..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        match m {
            Mutation::Flip(at, byte) => {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
            Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len())),
            Mutation::Insert(at, new) => {
                let i = at.index(bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Mutation::Remove(at, n) => {
                let i = at.index(bytes.len());
                let end = (i + usize::from(*n)).min(bytes.len());
                bytes.drain(i..end);
            }
        }
    }
    bytes
}

#[test]
fn the_sync_payload_under_test_carries_changes() {
    let message = sync::Message::decode(&valid_sync_payload()).expect("valid");
    assert!(!message.changes.is_empty());
    let mut server = automerge::Automerge::new();
    server.receive_sync_message(&mut sync::State::new(), message).expect("applies");
    assert!(server.get(ROOT, "version").expect("read").is_some());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_wire_decoder_never_panics_on_mutated_frames(
        which in 0usize..8,
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let frame = mutate(valid_frames()[which].clone(), &mutations);
        if let Ok(message) = Message::decode(&frame) {
            // Whatever decodes must encode and decode to the same message.
            prop_assert_eq!(Message::decode(&message.encode()).ok(), Some(message));
        }
    }

    #[test]
    fn the_wire_decoder_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn a_mutated_sync_payload_is_refused_or_applied_and_the_document_stays_usable(
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let payload = mutate(valid_sync_payload(), &mutations);
        let mut server = automerge::Automerge::new();
        let mut state = sync::State::new();
        if let Ok(message) = sync::Message::decode(&payload) {
            let _ = server.receive_sync_message(&mut state, message);
        }
        // Whatever happened, the document still saves, loads and answers.
        let saved = server.save();
        let loaded = automerge::Automerge::load(&saved).expect("a document that went through sync reloads");
        prop_assert_eq!(loaded.get_heads(), server.get_heads());
        let _ = server.generate_sync_message(&mut state);
    }
}
