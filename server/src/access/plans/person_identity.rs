//! The person's identity at a citizen provider (BankID, Freja eID), bound
//! on first use to the device principal their invitation made: afterwards
//! signing in on any new device gives a session of that principal, so Min
//! plan opens without a new link.
//!
//! The identity is stored as a digest of provider and subject, never as
//! the subject itself: a citizen provider's subject is often the personal
//! identity number (personnummer), which the binding does not need to keep.

use crate::storage::sql;
use sha2::{Digest, Sha256};

use super::Plans;
use crate::access::audit::{self, AuditEntry};
use crate::access::{now_millis, AccessError};

impl Plans {
    /// The device principal (`device:<id>`) bound to `subject` at `provider`, if it is not revoked.
    pub async fn person_device(&self, provider: &str, subject: &str) -> Result<Option<String>, AccessError> {
        let row = sql::query(
            "SELECT p.device_id FROM person_identities p JOIN devices d ON d.id = p.device_id
             WHERE p.provider = ? AND p.subject = ? AND d.revoked_at IS NULL",
        )
        .bind(provider)
        .bind(subject_digest(provider, subject))
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(|r| r.try_get::<i64, _>("device_id")).transpose()?.map(|id| format!("device:{id}")))
    }

    /// Bind `subject` at `provider` to device principal `device` (replacing
    /// a binding to a revoked device). Written to the audit log.
    pub async fn bind_person(&self, provider: &str, subject: &str, device: &str) -> Result<(), AccessError> {
        let device_id: i64 = device
            .strip_prefix("device:")
            .and_then(|id| id.parse().ok())
            .ok_or(AccessError::Invalid("bara en enhet kan knytas till en inloggning"))?;
        let mut tx = self.db.begin_write().await?;
        sql::query(
            "INSERT INTO person_identities (provider, subject, device_id, bound_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (provider, subject) DO UPDATE SET device_id = excluded.device_id, bound_at = excluded.bound_at",
        )
        .bind(provider)
        .bind(subject_digest(provider, subject))
        .bind(device_id)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::now(device, None, None, "bind-identity", format!("via {provider}"));
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What is stored for `subject` at `provider`: a SHA-256 digest (hex),
/// with the provider and a purpose label in it, so that the same person at
/// two providers, or in another table, gives other values.
fn subject_digest(provider: &str, subject: &str) -> String {
    let mut hasher = Sha256::new();
    for part in ["samplan person identity v1", provider, subject] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::subject_digest;

    #[test]
    fn the_subject_is_stored_as_a_digest_that_differs_per_provider() {
        let digest = subject_digest("bankid", "197001011234");
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains("197001011234"));
        assert_eq!(digest, subject_digest("bankid", "197001011234"));
        assert_ne!(digest, subject_digest("freja", "197001011234"));
        assert_ne!(subject_digest("a", "bc"), subject_digest("ab", "c"));
    }
}
