//! Which participant of the plan each member is.
//!
//! The server knows members (accounts and invited devices) and the plan
//! knows participants (name, organisation, role in the SIP); a record in
//! the plan that someone signs (an approval, a consent entry, a status
//! report) names a participant. This link, kept by the server, is what lets
//! the relay check that the participant named is the one who wrote it.
//!
//! A member is linked when they join: to the participant their invitation
//! was made for, or else to an id of their own that the app adds to the
//! plan's participants. A member keeps the participant they have.

use crate::storage::sql;

use super::{Membership, Plans};
use crate::access::AccessError;

/// Participant ids are short tokens, as the app makes them
/// (`shared::plan::edit::new_id`: 16 hex digits), or ids of imported plans.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new participant id, in the app's form.
fn fresh_id() -> String {
    shared::plan::edit::new_id()
}

/// Link `principal`, a member of `document`, to participant `to` (the
/// invitation's participant), or when `to` is empty keep the one it has,
/// or give it one of its own.
pub(super) async fn link(
    connection: &mut sql::Connection,
    document: &str,
    principal: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    let fresh = fresh_id();
    sql::query(
        "UPDATE members SET participant = CASE WHEN ?1 != '' THEN ?1 WHEN participant = '' THEN ?2 ELSE participant END
         WHERE document_id = ?3 AND principal = ?4",
    )
    .bind(to)
    .bind(&fresh)
    .bind(document)
    .bind(principal)
    .execute(connection)
    .await?;
    Ok(())
}

impl Plans {
    /// The participant that `principal` is in `document` (for a
    /// self-report document: in its plan); empty when not a member.
    pub async fn participant(&self, document: &str, principal: &str) -> Result<String, AccessError> {
        let row = sql::query(
            "SELECT m.participant FROM members m JOIN plans p
               ON m.document_id = COALESCE(p.self_reports_of, p.document_id)
             WHERE p.document_id = ? AND m.principal = ?",
        )
        .bind(document)
        .bind(principal)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(match row {
            Some(row) => row.try_get("participant")?,
            None => String::new(),
        })
    }

    /// The participant the member is.
    pub async fn own_participant(&self, member: &Membership) -> Result<String, AccessError> {
        self.participant(&member.plan, &member.principal.id).await
    }
}
