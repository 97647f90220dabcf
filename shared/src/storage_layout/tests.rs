//! The layout's keys keep documents apart, and `public/early-read.js`
//! carries the same layout.

use proptest::prelude::*;

use super::*;

/// Whether `key` is in the range `[start, end)`. (IndexedDB compares
/// strings by UTF-16 code units; these keys are ASCII, where that is the
/// order of bytes.)
fn in_range(key: &str, (start, end): &(String, String)) -> bool {
    key >= start.as_str() && key < end.as_str()
}

/// The greatest time a chunk key keeps in order (15 digits of milliseconds).
const LAST_MILLIS: u64 = 999_999_999_999_999;

proptest! {
    #[test]
    fn a_chunk_key_is_in_its_documents_range_and_in_no_other(
        a in any::<[u8; 16]>(),
        b in any::<[u8; 16]>(),
        millis in 0..=LAST_MILLIS,
        random in 0..1_000_000_000u64,
    ) {
        let (a, b) = (DocumentId::from_bytes(a), DocumentId::from_bytes(b));
        let key = chunk_key(&a, millis, random);
        prop_assert!(in_range(&key, &document_range(&a)));
        prop_assert_eq!(in_range(&key, &document_range(&b)), a == b);
    }

    #[test]
    fn a_preview_key_is_in_no_documents_range(a in any::<[u8; 16]>(), b in any::<[u8; 16]>()) {
        let (a, b) = (DocumentId::from_bytes(a), DocumentId::from_bytes(b));
        prop_assert!(!in_range(&preview_key(&a), &document_range(&b)));
    }

    #[test]
    fn a_later_chunk_key_sorts_after_an_earlier_one(
        id in any::<[u8; 16]>(),
        earlier in 0..LAST_MILLIS,
        later_by in 1..1_000_000u64,
        random in (0..1_000_000_000u64, 0..1_000_000_000u64),
    ) {
        let id = DocumentId::from_bytes(id);
        let later = (earlier + later_by).min(LAST_MILLIS);
        prop_assume!(later > earlier);
        prop_assert!(chunk_key(&id, earlier, random.0) < chunk_key(&id, later, random.1));
    }
}

#[test]
fn a_documents_range_ends_at_the_character_after_its_separator() {
    assert_eq!(AFTER_SEPARATOR as u32, SEPARATOR as u32 + 1);
}

/// What keeps the ranges apart, also of ids whose text is a prefix of
/// another's (bs58 ids are 21 or 22 characters): an id is letters and
/// digits, and neither the separator nor the preview's prefix starts so.
#[test]
fn ids_are_letters_and_digits_and_the_separators_are_not() {
    assert!(!SEPARATOR.is_ascii_alphanumeric());
    assert!(!PREVIEW_PREFIX.starts_with(|c: char| c.is_ascii_alphanumeric()));
    proptest!(|(id in any::<[u8; 16]>())| {
        let id = DocumentId::from_bytes(id).to_string();
        prop_assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{}", id);
    });
}

/// `public/early-read.js` carries this layout in one line; with
/// `UPDATE_EARLY_READ=1` this test writes the line instead of checking it.
#[test]
fn early_read_js_carries_this_layout() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/early-read.js");
    let script = std::fs::read_to_string(&path).expect("public/early-read.js is readable");
    let wanted = early_read_line();
    let lines: Vec<&str> =
        script.lines().filter(|line| line.trim_start().starts_with("const layout = ")).collect();
    assert_eq!(lines.len(), 1, "early-read.js has one `const layout = …` line");
    if std::env::var_os("UPDATE_EARLY_READ").is_some() {
        let updated = script.replacen(lines[0], &wanted, 1);
        std::fs::write(&path, updated).expect("public/early-read.js is writable");
        return;
    }
    assert_eq!(
        lines[0], wanted,
        "public/early-read.js does not carry the layout of shared::storage_layout: \
         UPDATE_EARLY_READ=1 cargo test -p shared storage_layout"
    );
}
