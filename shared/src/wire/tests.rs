use ciborium::Value;
use proptest::prelude::*;

use super::*;

fn doc() -> DocumentId {
    DocumentId::from_bytes([7; 16])
}

fn check_round_trip(message: Message) {
    let bytes = message.encode();
    let back = Message::decode(&bytes).expect("decodes");
    assert_eq!(back, message);
}

#[test]
fn every_message_type_round_trips() {
    let data = ByteBuf::from(vec![0x42, 0, 255]);
    check_round_trip(Message::Join {
        sender_id: "a".into(),
        supported_protocol_versions: Some(vec!["1".into()]),
        peer_metadata: Some(PeerMetadata { storage_id: Some("s".into()), is_ephemeral: false }),
    });
    check_round_trip(Message::Peer {
        sender_id: "server".into(),
        selected_protocol_version: "1".into(),
        target_id: "a".into(),
        peer_metadata: Some(PeerMetadata::default()),
    });
    check_round_trip(Message::Leave { sender_id: "a".into() });
    check_round_trip(Message::Error {
        sender_id: Some("server".into()),
        target_id: None,
        message: "för stort".into(),
    });
    check_round_trip(Message::Request {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        data: data.clone(),
    });
    check_round_trip(Message::Sync {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        data: data.clone(),
    });
    check_round_trip(Message::DocUnavailable {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
    });
    check_round_trip(Message::Ephemeral {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        count: 3,
        session_id: "sess".into(),
        data,
    });
    check_round_trip(Message::RemoteSubscriptionChange {
        sender_id: "a".into(),
        target_id: "b".into(),
        add: Some(vec!["s1".into()]),
        remove: None,
    });
    check_round_trip(Message::RemoteHeadsChanged {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        new_heads: [("s1".to_string(), HeadsAtTime { heads: vec!["ab".into()], timestamp: 17 })]
            .into_iter()
            .collect(),
    });
}

#[test]
fn the_wire_form_uses_the_javascript_key_names() {
    let bytes = Message::Sync {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        data: ByteBuf::from(vec![1]),
    }
    .encode();
    let value: Value = ciborium::from_reader(bytes.as_slice()).expect("cbor");
    let keys: Vec<String> = value
        .as_map()
        .expect("a map")
        .iter()
        .map(|(k, _)| k.as_text().expect("text key").to_string())
        .collect();
    assert_eq!(keys, ["type", "documentId", "senderId", "targetId", "data"]);
    let data = value.as_map().expect("map").iter().find(|(k, _)| k.as_text() == Some("data"));
    assert!(matches!(data, Some((_, Value::Bytes(_)))), "data is a CBOR byte string");
}

fn encode_value(entries: Vec<(&str, Value)>) -> Vec<u8> {
    let map = Value::Map(entries.into_iter().map(|(k, v)| (Value::Text(k.into()), v)).collect());
    let mut out = Vec::new();
    ciborium::into_writer(&map, &mut out).expect("encode");
    out
}

#[test]
fn tolerates_floats_for_integers_unknown_keys_and_undefined() {
    let frame = encode_value(vec![
        ("type", Value::Text("ephemeral".into())),
        ("documentId", Value::Text(doc().to_string())),
        ("senderId", Value::Text("js".into())),
        ("targetId", Value::Text("server".into())),
        ("count", Value::Float(12.0)),
        ("sessionId", Value::Text("s".into())),
        ("data", Value::Bytes(vec![1, 2])),
        ("somethingNew", Value::Array(vec![Value::Integer(1.into())])),
    ]);
    match Message::decode(&frame).expect("decodes") {
        Message::Ephemeral { count, .. } => assert_eq!(count, 12),
        other => panic!("unexpected {other:?}"),
    }

    // cbor-x writes `undefined` (0xf7) for absent optional fields.
    let mut frame = encode_value(vec![
        ("type", Value::Text("join".into())),
        ("senderId", Value::Text("js".into())),
        ("peerMetadata", Value::Null),
    ]);
    let null_at = frame.iter().rposition(|b| *b == 0xf6).expect("null byte");
    frame[null_at] = 0xf7;
    match Message::decode(&frame).expect("decodes") {
        Message::Join { peer_metadata, supported_protocol_versions, .. } => {
            assert_eq!(peer_metadata, None);
            assert_eq!(supported_protocol_versions, None);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_fractional_or_negative_count_is_malformed() {
    for bad in [Value::Float(1.5), Value::Integer((-1).into()), Value::Float(f64::NAN)] {
        let frame = encode_value(vec![
            ("type", Value::Text("ephemeral".into())),
            ("documentId", Value::Text(doc().to_string())),
            ("senderId", Value::Text("js".into())),
            ("targetId", Value::Text("server".into())),
            ("count", bad),
            ("sessionId", Value::Text("s".into())),
            ("data", Value::Bytes(vec![])),
        ]);
        assert!(Message::decode(&frame).is_err());
    }
}

#[test]
fn an_unknown_type_decodes_as_unknown() {
    let frame = encode_value(vec![("type", Value::Text("future-thing".into()))]);
    assert_eq!(Message::decode(&frame).expect("decodes"), Message::Unknown);
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    let good = Message::Sync {
        document_id: doc(),
        sender_id: "a".into(),
        target_id: "b".into(),
        data: ByteBuf::from(vec![9; 100]),
    }
    .encode();
    for cut in 0..good.len() {
        assert!(Message::decode(&good[..cut]).is_err(), "truncated at {cut}");
    }
    // Wrong types, a bad document id, a byte string claiming 2^63 bytes, not a map.
    let wrong_type = encode_value(vec![
        ("type", Value::Text("sync".into())),
        ("documentId", Value::Integer(5.into())),
        ("senderId", Value::Text("a".into())),
        ("targetId", Value::Text("b".into())),
        ("data", Value::Bytes(vec![])),
    ]);
    assert!(Message::decode(&wrong_type).is_err());
    let bad_id = encode_value(vec![
        ("type", Value::Text("sync".into())),
        ("documentId", Value::Text("not-an-id".into())),
        ("senderId", Value::Text("a".into())),
        ("targetId", Value::Text("b".into())),
        ("data", Value::Bytes(vec![])),
    ]);
    assert!(Message::decode(&bad_id).is_err());
    assert!(Message::decode(&[0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    assert!(Message::decode(&[0x01]).is_err());
    // Deep nesting must not overflow the stack.
    let deep: Vec<u8> = std::iter::repeat_n(0x81u8, 100_000).collect();
    assert!(Message::decode(&deep).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn mutated_valid_frames_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut frame = Message::Ephemeral {
            document_id: doc(),
            sender_id: "a".into(),
            target_id: "b".into(),
            count: 1,
            session_id: "s".into(),
            data: ByteBuf::from(vec![1, 2, 3]),
        }
        .encode();
        for (at, byte) in flips {
            let i = at.index(frame.len());
            frame[i] = byte;
        }
        let _ = Message::decode(&frame);
    }
}
