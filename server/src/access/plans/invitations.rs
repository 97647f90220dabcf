//! Invitations to a plan: the coordinator makes links for one role, sees
//! and revokes them; opening one makes the opener a member (a signed-in
//! principal as itself, anyone else as a new device with its own session).
//! Which invitation each member came in by is kept (`redemptions`):
//! removing the member revokes those links ([`Plans::remove_member`]).

use crate::storage::sql;

use super::{changed_one, Membership, Plans};
use crate::access::accounts::{insert_session, Principal, DEVICE_SESSION};
use crate::access::audit::{self, AuditEntry};
use crate::access::tokens::{self, Token};
use crate::access::{now_millis, AccessError, Role};
use shared::api::Invitation;

/// Invitations last this long unless the coordinator says otherwise.
pub const DEFAULT_INVITATION_DAYS: u32 = 14;
/// The longest an invitation may last.
pub const MAX_INVITATION_DAYS: u32 = 90;

/// What redeeming an invitation gave.
#[derive(Debug)]
pub struct Redeemed {
    /// The plan.
    pub document_id: String,
    /// The role.
    pub role: Role,
    /// A new device session, when the redeemer had none.
    pub session: Option<Token>,
    /// Who redeemed.
    pub principal: String,
    /// The new device session's id, when one was made.
    pub session_id: Option<i64>,
}

impl Plans {
    /// A new invitation link's token for `role` in the plan.
    pub async fn invite(
        &self,
        by: &Membership,
        role: Role,
        label: &str,
        days: u32,
        single_use: bool,
        participant: &str,
    ) -> Result<Token, AccessError> {
        by.require(Role::Coordinator)?;
        if !participant.is_empty() && !super::participants::valid_id(participant) {
            return Err(AccessError::Invalid("okänd deltagare"));
        }
        if !role.invitable() {
            return Err(AccessError::Invalid("en inbjudan kan inte göra någon till samordningsansvarig"));
        }
        if days == 0 || days > MAX_INVITATION_DAYS {
            return Err(AccessError::Invalid("en inbjudan gäller 1–90 dagar"));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AccessError::Invalid("skriv vem inbjudan är till (högst 100 tecken)"));
        }
        let token = Token::generate();
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let id = sql::query(
            "INSERT INTO invitations (token_hash, document_id, role, label, created_by, created_at, expires_at, single_use, participant)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(tokens::hash(token.reveal()))
        .bind(&by.plan)
        .bind(role.as_str())
        .bind(label)
        .bind(&by.principal.id)
        .bind(now)
        .bind(now + i64::from(days) * 86_400_000)
        .bind(single_use)
        .bind(participant)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("id")?;
        let detail = format!(
            // Not the label: it names a person, and the audit log keeps what
            // it holds (deleting the plan deletes the label, not the log).
            "inbjudan {id}: {role}, {days} dagar, {}",
            if single_use { "en gång" } else { "flera gånger" }
        );
        audit::append(&mut tx, &by.audit("invite", detail)).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The invitations of a plan (coordinator only).
    pub async fn invitations(&self, by: &Membership) -> Result<Vec<Invitation>, AccessError> {
        by.require(Role::Coordinator)?;
        let now = now_millis();
        let rows = sql::query(
            "SELECT id, role, label, expires_at, single_use, uses, revoked_at FROM invitations
             WHERE document_id = ? ORDER BY id",
        )
        .bind(&by.plan)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let single_use: bool = r.try_get("single_use")?;
                let uses: i64 = r.try_get("uses")?;
                let expires_at: i64 = r.try_get("expires_at")?;
                let revoked = r.try_get::<Option<i64>, _>("revoked_at")?.is_some();
                Ok(Invitation {
                    id: r.try_get("id")?,
                    role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Reader),
                    label: r.try_get("label")?,
                    expires_at,
                    single_use,
                    uses,
                    usable: !revoked && expires_at > now && !(single_use && uses > 0),
                })
            })
            .collect()
    }

    /// Revoke an invitation of the plan (coordinator only).
    pub async fn revoke_invitation(&self, by: &Membership, id: i64) -> Result<(), AccessError> {
        by.require(Role::Coordinator)?;
        let mut tx = self.db.begin_write().await?;
        let updated = sql::query(
            "UPDATE invitations SET revoked_at = ? WHERE id = ? AND document_id = ? AND revoked_at IS NULL",
        )
        .bind(now_millis())
        .bind(id)
        .bind(&by.plan)
        .execute(&mut *tx)
        .await?;
        changed_one(&updated, "det finns ingen sådan inbjudan att återkalla")?;
        audit::append(&mut tx, &by.audit("revoke", format!("inbjudan {id}"))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Redeem an invitation. A signed-in principal becomes a member itself;
    /// otherwise a new device is made, with its own session.
    pub async fn redeem(&self, token: &str, redeemer: Option<&Principal>) -> Result<Redeemed, AccessError> {
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let row = tokens::find_valid(
            &mut tx,
            "SELECT i.id, i.token_hash, i.document_id, i.role, i.label, i.participant FROM invitations i
             JOIN plans p ON p.document_id = i.document_id
             WHERE i.token_hash = ? AND i.revoked_at IS NULL AND i.expires_at > ?
               AND NOT (i.single_use AND i.uses > 0) AND p.deleted_at IS NULL",
            token,
            now,
        )
        .await?;
        let id: i64 = row.try_get("id")?;
        let document_id: String = row.try_get("document_id")?;
        let role = Role::parse(&row.try_get::<String, _>("role")?).ok_or(AccessError::InvalidLink)?;
        let label: String = row.try_get("label")?;
        let participant: String = row.try_get("participant")?;
        // Repeats the condition: of two redemptions at once, one wins.
        let counted = sql::query(
            "UPDATE invitations SET uses = uses + 1 WHERE id = ? AND NOT (single_use AND uses > 0)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if counted.rows_affected() == 0 {
            return Err(AccessError::InvalidLink);
        }
        let (principal, session_id, new_device) = match redeemer {
            Some(p) => (p.id.clone(), Some(p.session_id), None::<(Token, i64)>),
            None => {
                let device = sql::query("INSERT INTO devices (label, created_at) VALUES (?, ?) RETURNING id")
                    .bind(&label)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get::<i64, _>("id")?;
                let principal = format!("device:{device}");
                let (session, session_id) = insert_session(&mut tx, &principal, DEVICE_SESSION).await?;
                (principal, Some(session_id), Some((session, session_id)))
            }
        };
        // A member keeps the higher of their roles.
        let current = sql::query("SELECT role FROM members WHERE document_id = ? AND principal = ?")
            .bind(&document_id)
            .bind(&principal)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<String, _>("role"))
            .transpose()?
            .and_then(|r| Role::parse(&r));
        let role = current.map_or(role, |c| c.max(role));
        super::put_member(&mut tx, &document_id, &principal, role, now).await?;
        super::participants::link(&mut tx, &document_id, &principal, &participant).await?;
        sql::query(
            "INSERT INTO redemptions (invitation_id, principal, document_id, redeemed_at)
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&principal)
        .bind(&document_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &AuditEntry::now(
                &principal,
                session_id,
                Some(&document_id),
                "redeem",
                format!("inbjudan {id}: {role}"),
            ),
        )
        .await?;
        tx.commit().await?;
        let (session, session_id) = new_device.map_or((None, None), |(t, id)| (Some(t), Some(id)));
        Ok(Redeemed { document_id, role, session, principal, session_id })
    }
}
