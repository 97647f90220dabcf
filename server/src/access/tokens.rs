//! Secrets handed to people (sign-in links, invitations, session tokens).
//!
//! A token is 32 random bytes written as 64 hex characters. The database
//! holds only its SHA-256 hash, so a copy of the database gives no one a
//! way in; lookups are by hash, and the found hash is compared again in
//! constant time. Tokens are never logged: `Token` has no `Debug` output
//! beyond a placeholder.

use crate::storage::sql;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AccessError;

/// A fresh secret. Display it once (link or CLI), store [`hash`] of it.
pub struct Token(String);

impl Token {
    /// 32 random bytes from the operating system.
    pub fn generate() -> Token {
        let mut bytes = [0u8; 32];
        // Without randomness no secret can be made; the OS source does not fail in practice.
        #[allow(clippy::expect_used)]
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        Token(hex::encode(bytes))
    }

    /// The secret, to show to its owner once.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The stored form of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// Whether a stored hash is the hash of `token`, in constant time.
pub fn matches(stored: &[u8], token: &str) -> bool {
    stored.ct_eq(&hash(token)).into()
}

/// Whether `token` looks like one of ours (64 hex characters): anything
/// else is refused before it reaches the database.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The row that `sql` finds for a one-time `token` still valid at `now`.
/// `sql` selects a `token_hash` column and binds the token's hash, then
/// `now`. The found hash is compared again in constant time; anything
/// unknown, used, expired or malformed is [`AccessError::InvalidLink`].
pub async fn find_valid(
    connection: &mut sql::Connection,
    sql: &str,
    token: &str,
    now: i64,
) -> Result<sql::Row, AccessError> {
    if !well_formed(token) {
        return Err(AccessError::InvalidLink);
    }
    let row = sql::query(sql)
        .bind(hash(token))
        .bind(now)
        .fetch_optional(connection)
        .await?
        .ok_or(AccessError::InvalidLink)?;
    let stored: Vec<u8> = row.try_get("token_hash")?;
    if !matches(&stored, token) {
        return Err(AccessError::InvalidLink);
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_matches_its_hash_and_nothing_else() {
        let token = Token::generate();
        assert!(well_formed(token.reveal()));
        let stored = hash(token.reveal());
        assert!(matches(&stored, token.reveal()));
        assert!(!matches(&stored, Token::generate().reveal()));
        assert_eq!(format!("{token:?}"), "Token(…)", "never printed");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(!well_formed(""));
        assert!(!well_formed("abc"));
        assert!(!well_formed(&"g".repeat(64)));
    }
}
