use super::*;

#[test]
fn round_trips_through_text_and_url() {
    let id = DocumentId::random();
    let text = id.to_string();
    assert_eq!(text.parse::<DocumentId>(), Ok(id));
    assert_eq!(DocumentId::parse_url_or_id(&id.url()), Ok(id));
    assert!(id.url().starts_with("automerge:"));
}

#[test]
fn refuses_a_wrong_checksum_a_wrong_length_and_garbage() {
    let good = DocumentId::random().to_string();
    let mut bad = good.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'2' { b'3' } else { b'2' };
    let bad = String::from_utf8(bad).expect("ascii");
    assert!(matches!(bad.parse::<DocumentId>(), Err(DocumentIdError::Encoding(_))));

    let short = bs58::encode([1u8; 8]).with_check().into_string();
    assert_eq!(short.parse::<DocumentId>(), Err(DocumentIdError::Length(8)));

    assert!("0OIl".parse::<DocumentId>().is_err());
    assert!("x".repeat(10_000).parse::<DocumentId>().is_err());
}
