//! Managing who is in a plan: the members with their devices, shutting a
//! device out, the person's choice of who may write self-reports for them,
//! removing a member, and deleting the plan.

use crate::storage::sql;
use shared::api::{Device, Member};

use super::{changed_one, member_principals, self_reports_of, Membership, Plans, GALLRING};
use crate::access::audit;
use crate::access::{now_millis, AccessError, Role};

impl Plans {
    /// The members of a plan with their active sessions in this plan (any
    /// member may see who takes part; only the coordinator sees their
    /// devices). A session counts once it has used the plan: a member's
    /// sessions in their other plans are none of this plan's business.
    pub async fn members(&self, by: &Membership) -> Result<Vec<Member>, AccessError> {
        let coordinator = by.role == Role::Coordinator;
        let now = now_millis();
        let rows = sql::query(
            "SELECT m.principal, m.role, m.reports_for_person, COALESCE(u.name, d.label, m.principal) AS name,
                    (SELECT COUNT(*) FROM sessions s JOIN plan_sessions u ON u.session_id = s.id
                        WHERE u.document_id = m.document_id AND s.principal = m.principal
                        AND s.revoked_at IS NULL AND s.expires_at > ?) AS active
             FROM members m
             LEFT JOIN users u ON m.principal = 'user:' || u.id
             LEFT JOIN devices d ON m.principal = 'device:' || d.id
             WHERE m.document_id = ? AND (d.id IS NULL OR d.revoked_at IS NULL)
             ORDER BY m.added_at",
        )
        .bind(now)
        .bind(&by.plan)
        .fetch_all(self.db.pool())
        .await?;
        let mut members = Vec::with_capacity(rows.len());
        for r in &rows {
            let principal: String = r.try_get("principal")?;
            let devices =
                if coordinator { self.devices(&by.plan, &principal, now).await? } else { Vec::new() };
            members.push(Member {
                name: r.try_get("name")?,
                role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Reader),
                active_sessions: r.try_get("active")?,
                reports_for_person: r.try_get("reports_for_person")?,
                devices,
                principal,
            });
        }
        Ok(members)
    }

    /// Whether `by` may see who looked at the plan: its person, a member
    /// who answers for the person (`reports_for_person`), its coordinator.
    pub async fn sees_access_log(&self, by: &Membership) -> Result<(), AccessError> {
        if matches!(by.role, Role::Person | Role::Coordinator) {
            return Ok(());
        }
        let row =
            sql::query("SELECT reports_for_person FROM members WHERE document_id = ? AND principal = ?")
                .bind(&by.plan)
                .bind(&by.principal.id)
                .fetch_optional(self.db.pool())
                .await?;
        match row {
            Some(row) if row.try_get::<bool, _>("reports_for_person")? => Ok(()),
            _ => Err(AccessError::Forbidden),
        }
    }

    async fn devices(&self, document: &str, principal: &str, now: i64) -> Result<Vec<Device>, AccessError> {
        let rows = sql::query(
            "SELECT s.id, s.device, s.created_at,
                    EXISTS (SELECT 1 FROM session_blocks b WHERE b.document_id = ?1 AND b.session_id = s.id) AS blocked
             FROM sessions s JOIN plan_sessions u ON u.session_id = s.id AND u.document_id = ?1
             WHERE s.principal = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?3
             ORDER BY s.created_at, s.id",
        )
        .bind(document)
        .bind(principal)
        .bind(now)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Device {
                    session: r.try_get("id")?,
                    description: r.try_get("device")?,
                    since: r.try_get("created_at")?,
                    blocked: r.try_get("blocked")?,
                })
            })
            .collect()
    }

    /// Shut one device (session) of a member out of the plan and its
    /// self-report document; the member's other devices keep working.
    /// Coordinator only, and not the device they are using. Returns the
    /// member's principal (to disconnect it).
    pub async fn block_device(&self, by: &Membership, session_id: i64) -> Result<String, AccessError> {
        by.require(Role::Coordinator)?;
        if session_id == by.principal.session_id {
            return Err(AccessError::Invalid("du kan inte stänga ute enheten du själv använder"));
        }
        let mut tx = self.db.begin_write().await?;
        let principal: String = sql::query(
            "SELECT s.principal FROM sessions s JOIN members m ON m.principal = s.principal
             WHERE s.id = ? AND m.document_id = ?",
        )
        .bind(session_id)
        .bind(&by.plan)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AccessError::Invalid("enheten hör inte till någon i planen"))?
        .try_get("principal")?;
        sql::query(
            "INSERT INTO session_blocks (document_id, session_id, blocked_at, blocked_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(&by.plan)
        .bind(session_id)
        .bind(now_millis())
        .bind(&by.principal.id)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, &by.audit("block-device", format!("{principal} session {session_id}")))
            .await?;
        tx.commit().await?;
        Ok(principal)
    }

    /// The person lets `member` write self-reports for them, or stops it.
    /// Only the plan's person decides this.
    pub async fn set_reporter(
        &self,
        by: &Membership,
        member: &str,
        allowed: bool,
    ) -> Result<(), AccessError> {
        if by.role != Role::Person || self.is_self_reports(&by.plan).await? {
            return Err(AccessError::Forbidden);
        }
        if member == by.principal.id {
            return Err(AccessError::Invalid("du skriver alltid dina egna rapporter"));
        }
        let mut tx = self.db.begin_write().await?;
        let updated = sql::query(
            "UPDATE members SET reports_for_person = ? WHERE document_id = ? AND principal = ? AND role != 'person'",
        )
        .bind(allowed)
        .bind(&by.plan)
        .bind(member)
        .execute(&mut *tx)
        .await?;
        changed_one(&updated, "den du valde är inte med i planen längre")?;
        let action = if allowed { "allow-reports" } else { "stop-reports" };
        audit::append(&mut tx, &by.audit(action, member)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn is_self_reports(&self, document: &str) -> Result<bool, AccessError> {
        let row = sql::query("SELECT self_reports_of IS NOT NULL AS linked FROM plans WHERE document_id = ?")
            .bind(document)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(match row {
            Some(r) => r.try_get("linked")?,
            None => false,
        })
    }

    /// Remove a member from a plan; a device loses its sessions too, and
    /// the invitations the member came in by are revoked, so that a reused
    /// link does not bring them back (the coordinator can invite them
    /// anew). Coordinator only; the coordinator cannot remove themselves.
    pub async fn remove_member(&self, by: &Membership, principal: &str) -> Result<(), AccessError> {
        by.require(Role::Coordinator)?;
        if principal == by.principal.id {
            return Err(AccessError::Invalid("samordningsansvarig kan inte ta bort sig själv"));
        }
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let removed = sql::query("DELETE FROM members WHERE document_id = ? AND principal = ?")
            .bind(&by.plan)
            .bind(principal)
            .execute(&mut *tx)
            .await?;
        changed_one(&removed, "personen eller enheten är inte med i planen")?;
        let revoked = sql::query(
            "UPDATE invitations SET revoked_at = ?1 WHERE document_id = ?2 AND revoked_at IS NULL
             AND id IN (SELECT invitation_id FROM redemptions WHERE document_id = ?2 AND principal = ?3)",
        )
        .bind(now)
        .bind(&by.plan)
        .bind(principal)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        revoke_device_if_in_no_plan(&mut tx, principal, now, false).await?;
        let detail = format!("{principal} (inbjudningar återkallade: {revoked})");
        audit::append(&mut tx, &by.audit("remove", detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a plan (coordinator only) and its self-report document: their
    /// stored changes go, and with them from the database file and its
    /// write-ahead log (secure delete, then a truncating checkpoint); their
    /// rows stay as tombstones so that no peer can bring them back. The plan's devices that are in no other plan lose
    /// their sessions (accounts keep theirs for their other plans). Returns the principals that were members (to
    /// disconnect them) and the documents deleted.
    pub async fn delete(&self, by: &Membership) -> Result<(Vec<String>, Vec<String>), AccessError> {
        by.require(Role::Coordinator)?;
        self.remove_plan(&by.plan, by.audit("delete", "")).await
    }

    /// Delete closed plan `plan` because its time is up (gallring, see
    /// `crate::gallring`), as [`Plans::delete`] does; `closed_on` goes in
    /// the audit log.
    pub async fn gallra(
        &self,
        plan: &str,
        closed_on: &str,
    ) -> Result<(Vec<String>, Vec<String>), AccessError> {
        let entry =
            audit::AuditEntry::now(GALLRING, None, Some(plan), "gallra", format!("avslutad {closed_on}"));
        self.remove_plan(plan, entry).await
    }

    /// What [`Plans::delete`] and [`Plans::gallra`] do, recorded as `entry`.
    async fn remove_plan(
        &self,
        plan: &str,
        entry: audit::AuditEntry,
    ) -> Result<(Vec<String>, Vec<String>), AccessError> {
        let now = now_millis();
        let deleted_by = entry.principal.clone();
        let mut tx = self.db.begin_write().await?;
        let members = member_principals(&mut tx, plan).await?;
        let documents: Vec<String> =
            [plan.to_string()].into_iter().chain(self_reports_of(&mut tx, plan).await?).collect();
        for doc in &documents {
            sql::query("DELETE FROM document_chunks WHERE document_id = ?")
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
            sql::query("DELETE FROM members WHERE document_id = ?")
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
            // What names people or tells of the plan goes with it: the
            // invitations (their labels), who came in by which, the
            // sessions' use of it, the actors. The audit and access logs
            // stay (they name the plan by id).
            for table in ["invitations", "redemptions", "plan_sessions", "session_blocks", "actors"] {
                sql::query(&format!("DELETE FROM {table} WHERE document_id = ?"))
                    .bind(doc.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            sql::query("UPDATE plans SET deleted_at = ?, deleted_by = ? WHERE document_id = ?")
                .bind(now)
                .bind(&deleted_by)
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for principal in &members {
            revoke_device_if_in_no_plan(&mut tx, principal, now, true).await?;
        }
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        // secure_delete zeroed the rows and the pages they freed; the
        // write-ahead log still holds the pages as they were: copy it
        // back and cut it to nothing.
        self.db.truncate_write_ahead_log().await?;
        Ok((members, documents))
    }
}

/// End a device principal's sessions when it is a member of no plan any
/// more (a device exists only for the invitations it redeemed). Accounts,
/// and devices still in another plan, keep their sessions. With
/// `forget_label` (its plan was deleted) the device's label, taken from
/// the invitation and often a person's name, goes too: the access log
/// keeps the name its entries were made with, as the log rules require.
async fn revoke_device_if_in_no_plan(
    tx: &mut sql::Connection,
    principal: &str,
    now: i64,
    forget_label: bool,
) -> Result<(), sqlx::Error> {
    if !principal.starts_with("device:") {
        return Ok(());
    }
    let still_member =
        super::count(tx, "SELECT COUNT(*) AS n FROM members WHERE principal = ?", principal).await?;
    if still_member > 0 {
        return Ok(());
    }
    sql::query("UPDATE devices SET revoked_at = ? WHERE 'device:' || id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(principal)
        .execute(&mut *tx)
        .await?;
    if forget_label {
        sql::query("UPDATE devices SET label = 'Borttagen enhet' WHERE 'device:' || id = ?")
            .bind(principal)
            .execute(&mut *tx)
            .await?;
    }
    sql::query("UPDATE sessions SET revoked_at = ? WHERE principal = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(principal)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
