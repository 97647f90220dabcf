//! Members and roles per document, invitations, devices, deletion, and the
//! binding of Automerge actor ids to principals.
//!
//! [`Plans::decide`] is the one question the relay asks before it lets a
//! peer's `request`, `sync` or `ephemeral` reach a document. A document the
//! peer may not read is answered exactly as one that does not exist.

use sqlx::Row;

use crate::storage::Database;

use super::accounts::{insert_session, Principal, PrincipalKind, DEVICE_SESSION};
use super::audit::{self, AuditEntry};
use super::tokens::{self, Token};
use super::{now_millis, AccessError, Role};

/// Invitations last this long unless the coordinator says otherwise.
pub const DEFAULT_INVITATION_DAYS: u32 = 14;
/// The longest an invitation may last.
pub const MAX_INVITATION_DAYS: u32 = 90;

/// What a peer wants with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// `request`: it does not have the document.
    Request,
    /// `sync`: it has (or made) the document.
    Sync,
    /// `ephemeral`: presence.
    Ephemeral,
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// May read; changes are refused.
    Read,
    /// May read and change; only a coordinator may close the plan.
    Write {
        /// Whether the principal is the plan's coordinator.
        coordinator: bool,
    },
    /// As if the document did not exist.
    Unavailable,
}

/// One member of a plan, with their active devices.
#[derive(Debug, Clone)]
pub struct Member {
    /// `user:<id>` or `device:<id>`.
    pub principal: String,
    /// Name or device label.
    pub name: String,
    /// Role in this plan.
    pub role: Role,
    /// Sessions that are valid now.
    pub active_sessions: i64,
    /// Whether the person lets this member write self-reports for them.
    pub reports_for_person: bool,
    /// The member's devices (valid sessions); only the coordinator sees them.
    pub devices: Vec<Device>,
}

/// One signed-in device of a member: a valid session.
#[derive(Debug, Clone)]
pub struct Device {
    /// The session's id (to shut it out of the plan).
    pub session_id: i64,
    /// What kind of device ("Chrome på Android"), if known.
    pub description: String,
    /// When it was signed in (ms since 1970).
    pub since: i64,
    /// Whether the coordinator shut it out of this plan.
    pub blocked: bool,
}

/// An invitation as its plan's coordinator sees it.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// Its id (to revoke it).
    pub id: i64,
    /// The role it gives.
    pub role: Role,
    /// Who it is for, in the coordinator's words.
    pub label: String,
    /// When it stops working (ms since 1970).
    pub expires_at: i64,
    /// Whether one use ends it.
    pub single_use: bool,
    /// How often it was used.
    pub uses: i64,
    /// Whether it can still be used.
    pub usable: bool,
}

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

/// Members, invitations, devices and actors in the database.
#[derive(Clone, Debug)]
pub struct Plans {
    db: Database,
}

impl Plans {
    /// Over `db`.
    pub fn new(db: Database) -> Plans {
        Plans { db }
    }

    /// The role of `principal`, through the session it came with, in
    /// document `document`, counting the self-report document of a plan:
    /// written by the plan's person and by members the person lets, read by
    /// its other members. A session the coordinator shut out of the plan has
    /// no role in it.
    pub async fn role(&self, document: &str, principal: &Principal) -> Result<Option<Role>, AccessError> {
        let row = sqlx::query(
            "SELECT p.deleted_at, p.self_reports_of,
                    (SELECT role FROM members m WHERE m.document_id = p.document_id AND m.principal = ?1) AS own,
                    (SELECT role FROM members m WHERE m.document_id = p.self_reports_of AND m.principal = ?1) AS in_plan,
                    (SELECT reports_for_person FROM members m
                        WHERE m.document_id = p.self_reports_of AND m.principal = ?1) AS reporter,
                    EXISTS (SELECT 1 FROM session_blocks b
                        WHERE b.document_id = COALESCE(p.self_reports_of, p.document_id) AND b.session_id = ?3) AS blocked
             FROM plans p WHERE p.document_id = ?2",
        )
        .bind(&principal.id)
        .bind(document)
        .bind(principal.session_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.try_get::<Option<i64>, _>("deleted_at")?.is_some() || row.try_get::<bool, _>("blocked")? {
            return Ok(None);
        }
        let own = row.try_get::<Option<String>, _>("own")?.as_deref().and_then(Role::parse);
        if row.try_get::<Option<String>, _>("self_reports_of")?.is_some() {
            let in_plan = row.try_get::<Option<String>, _>("in_plan")?.as_deref().and_then(Role::parse);
            let reporter = row.try_get::<Option<bool>, _>("reporter")?.unwrap_or(false);
            return Ok(match in_plan {
                Some(Role::Person) => Some(Role::Person),
                Some(_) if reporter => Some(Role::Person),
                Some(_) => Some(Role::Reader),
                None => own.map(|_| Role::Reader),
            });
        }
        Ok(own)
    }

    /// May `principal` do `intent` on `document`? A signed-in professional
    /// who syncs a document that has never existed creates it and becomes
    /// its coordinator; nobody else can attach themselves to a document.
    pub async fn decide(
        &self,
        document: &str,
        principal: &Principal,
        intent: Intent,
    ) -> Result<Decision, AccessError> {
        if let Some(role) = self.role(document, principal).await? {
            return Ok(match role {
                Role::Reader => Decision::Read,
                role => Decision::Write { coordinator: role == Role::Coordinator },
            });
        }
        if intent != Intent::Sync || principal.kind != PrincipalKind::User {
            return Ok(Decision::Unavailable);
        }
        if self.create(document, principal).await? {
            Ok(Decision::Write { coordinator: true })
        } else {
            Ok(Decision::Unavailable)
        }
    }

    /// Record a new plan with `principal` as coordinator; false if the id was
    /// ever used (taken, or deleted).
    async fn create(&self, document: &str, principal: &Principal) -> Result<bool, AccessError> {
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let inserted =
            sqlx::query("INSERT OR IGNORE INTO plans (document_id, created_by, created_at) VALUES (?, ?, ?)")
                .bind(document)
                .bind(&principal.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        // A document with stored changes but no row predates access control:
        // nobody claims it by syncing.
        let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM document_chunks WHERE document_id = ?")
            .bind(document)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if stored > 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO members (document_id, principal, role, added_at) VALUES (?, ?, 'coordinator', ?)",
        )
        .bind(document)
        .bind(&principal.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &AuditEntry::now(&principal.id, Some(principal.session_id), Some(document), "create", ""),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Make `user` the coordinator of a document that has no members yet
    /// (the demo plan, a document stored before access control).
    pub async fn claim(&self, document: &str, principal: &str) -> Result<(), AccessError> {
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        sqlx::query("INSERT OR IGNORE INTO plans (document_id, created_by, created_at) VALUES (?, ?, ?)")
            .bind(document)
            .bind(principal)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let members: i64 = sqlx::query("SELECT COUNT(*) AS n FROM members WHERE document_id = ?")
            .bind(document)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if members > 0 {
            return Err(AccessError::Forbidden);
        }
        sqlx::query(
            "INSERT INTO members (document_id, principal, role, added_at) VALUES (?, ?, 'coordinator', ?)",
        )
        .bind(document)
        .bind(principal)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, &AuditEntry::now(principal, None, Some(document), "claim", "")).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn require(&self, document: &str, principal: &Principal, role: Role) -> Result<(), AccessError> {
        match self.role(document, principal).await? {
            Some(r) if r >= role => Ok(()),
            _ => Err(AccessError::Forbidden),
        }
    }

    /// Register `self_reports` as the self-report document of `plan`. Only
    /// the plan's coordinator, only for a document they created that is not
    /// yet linked.
    pub async fn link_self_reports(
        &self,
        plan: &str,
        self_reports: &str,
        by: &Principal,
    ) -> Result<(), AccessError> {
        self.require(plan, by, Role::Coordinator).await?;
        let updated = self
            .db
            .write(
                sqlx::query(
                    "UPDATE plans SET self_reports_of = ?1 WHERE document_id = ?2 AND created_by = ?3
             AND self_reports_of IS NULL AND deleted_at IS NULL AND document_id != ?1
             AND NOT EXISTS (SELECT 1 FROM members WHERE document_id = ?2 AND principal != ?3)
             AND NOT EXISTS (SELECT 1 FROM plans q WHERE q.self_reports_of = ?1)",
                )
                .bind(plan)
                .bind(self_reports)
                .bind(&by.id),
            )
            .await?;
        if updated.rows_affected() == 0 {
            return Err(AccessError::Forbidden);
        }
        Ok(())
    }

    /// A new invitation link's token for `role` in `document`.
    pub async fn invite(
        &self,
        document: &str,
        by: &Principal,
        role: Role,
        label: &str,
        days: u32,
        single_use: bool,
    ) -> Result<Token, AccessError> {
        self.require(document, by, Role::Coordinator).await?;
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
        let id = sqlx::query(
            "INSERT INTO invitations (token_hash, document_id, role, label, created_by, created_at, expires_at, single_use)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(tokens::hash(token.reveal()))
        .bind(document)
        .bind(role.as_str())
        .bind(label)
        .bind(&by.id)
        .bind(now)
        .bind(now + i64::from(days) * 86_400_000)
        .bind(single_use)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let detail = format!(
            "inbjudan {id}: {role} för {label}, {days} dagar, {}",
            if single_use { "en gång" } else { "flera gånger" }
        );
        audit::append(
            &mut tx,
            &AuditEntry::now(&by.id, Some(by.session_id), Some(document), "invite", detail),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The invitations of a plan (coordinator only).
    pub async fn invitations(&self, document: &str, by: &Principal) -> Result<Vec<Invitation>, AccessError> {
        self.require(document, by, Role::Coordinator).await?;
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT id, role, label, expires_at, single_use, uses, revoked_at FROM invitations
             WHERE document_id = ? ORDER BY id",
        )
        .bind(document)
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

    /// Revoke an invitation of `document` (coordinator only).
    pub async fn revoke_invitation(
        &self,
        document: &str,
        id: i64,
        by: &Principal,
    ) -> Result<(), AccessError> {
        self.require(document, by, Role::Coordinator).await?;
        let mut tx = self.db.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE invitations SET revoked_at = ? WHERE id = ? AND document_id = ? AND revoked_at IS NULL",
        )
        .bind(now_millis())
        .bind(id)
        .bind(document)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(AccessError::Invalid("det finns ingen sådan inbjudan att återkalla"));
        }
        audit::append(
            &mut tx,
            &AuditEntry::now(&by.id, Some(by.session_id), Some(document), "revoke", format!("inbjudan {id}")),
        )
        .await?;
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
            "SELECT i.id, i.token_hash, i.document_id, i.role, i.label FROM invitations i
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
        // Repeats the condition: of two redemptions at once, one wins.
        let counted = sqlx::query(
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
                let device = sqlx::query("INSERT INTO devices (label, created_at) VALUES (?, ?)")
                    .bind(&label)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .last_insert_rowid();
                let principal = format!("device:{device}");
                let (session, session_id) = insert_session(&mut tx, &principal, DEVICE_SESSION).await?;
                (principal, Some(session_id), Some((session, session_id)))
            }
        };
        // A member keeps the higher of their roles.
        let current = sqlx::query("SELECT role FROM members WHERE document_id = ? AND principal = ?")
            .bind(&document_id)
            .bind(&principal)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<String, _>("role"))
            .transpose()?
            .and_then(|r| Role::parse(&r));
        let role = current.map_or(role, |c| c.max(role));
        sqlx::query(
            "INSERT INTO members (document_id, principal, role, added_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (document_id, principal) DO UPDATE SET role = excluded.role",
        )
        .bind(&document_id)
        .bind(&principal)
        .bind(role.as_str())
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

    /// The members of a plan with their active sessions (any member may see
    /// who takes part; only the coordinator sees their devices).
    pub async fn members(&self, document: &str, by: &Principal) -> Result<Vec<Member>, AccessError> {
        self.require(document, by, Role::Reader).await?;
        let coordinator = self.role(document, by).await? == Some(Role::Coordinator);
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT m.principal, m.role, m.reports_for_person, COALESCE(u.name, d.label, m.principal) AS name,
                    (SELECT COUNT(*) FROM sessions s WHERE s.principal = m.principal
                        AND s.revoked_at IS NULL AND s.expires_at > ?) AS active
             FROM members m
             LEFT JOIN users u ON m.principal = 'user:' || u.id
             LEFT JOIN devices d ON m.principal = 'device:' || d.id
             WHERE m.document_id = ? AND (d.id IS NULL OR d.revoked_at IS NULL)
             ORDER BY m.added_at",
        )
        .bind(now)
        .bind(document)
        .fetch_all(self.db.pool())
        .await?;
        let mut members = Vec::with_capacity(rows.len());
        for r in &rows {
            let principal: String = r.try_get("principal")?;
            let devices =
                if coordinator { self.devices(document, &principal, now).await? } else { Vec::new() };
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

    async fn devices(&self, document: &str, principal: &str, now: i64) -> Result<Vec<Device>, AccessError> {
        let rows = sqlx::query(
            "SELECT s.id, s.device, s.created_at,
                    EXISTS (SELECT 1 FROM session_blocks b WHERE b.document_id = ?1 AND b.session_id = s.id) AS blocked
             FROM sessions s WHERE s.principal = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?3
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
                    session_id: r.try_get("id")?,
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
    pub async fn block_device(
        &self,
        document: &str,
        session_id: i64,
        by: &Principal,
    ) -> Result<String, AccessError> {
        self.require(document, by, Role::Coordinator).await?;
        if session_id == by.session_id {
            return Err(AccessError::Invalid("du kan inte stänga ute enheten du själv använder"));
        }
        let mut tx = self.db.begin_write().await?;
        let principal: String = sqlx::query(
            "SELECT s.principal FROM sessions s JOIN members m ON m.principal = s.principal
             WHERE s.id = ? AND m.document_id = ?",
        )
        .bind(session_id)
        .bind(document)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AccessError::Invalid("enheten hör inte till någon i planen"))?
        .try_get("principal")?;
        sqlx::query(
            "INSERT OR IGNORE INTO session_blocks (document_id, session_id, blocked_at, blocked_by) VALUES (?, ?, ?, ?)",
        )
        .bind(document)
        .bind(session_id)
        .bind(now_millis())
        .bind(&by.id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &AuditEntry::now(
                &by.id,
                Some(by.session_id),
                Some(document),
                "block-device",
                format!("{principal} session {session_id}"),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(principal)
    }

    /// The person lets `member` write self-reports for them, or stops it.
    /// Only the plan's person decides this.
    pub async fn set_reporter(
        &self,
        document: &str,
        member: &str,
        allowed: bool,
        by: &Principal,
    ) -> Result<(), AccessError> {
        if self.role(document, by).await? != Some(Role::Person) || self.is_self_reports(document).await? {
            return Err(AccessError::Forbidden);
        }
        if member == by.id {
            return Err(AccessError::Invalid("du skriver alltid dina egna rapporter"));
        }
        let mut tx = self.db.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE members SET reports_for_person = ? WHERE document_id = ? AND principal = ? AND role != 'person'",
        )
        .bind(allowed)
        .bind(document)
        .bind(member)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(AccessError::Invalid("den du valde är inte med i planen längre"));
        }
        let action = if allowed { "allow-reports" } else { "stop-reports" };
        audit::append(&mut tx, &AuditEntry::now(&by.id, Some(by.session_id), Some(document), action, member))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn is_self_reports(&self, document: &str) -> Result<bool, AccessError> {
        let row =
            sqlx::query("SELECT self_reports_of IS NOT NULL AS linked FROM plans WHERE document_id = ?")
                .bind(document)
                .fetch_optional(self.db.pool())
                .await?;
        Ok(match row {
            Some(r) => r.try_get("linked")?,
            None => false,
        })
    }

    /// Remove a member from a plan; a device loses its sessions too.
    /// Coordinator only; the coordinator cannot remove themselves.
    pub async fn remove_member(
        &self,
        document: &str,
        principal: &str,
        by: &Principal,
    ) -> Result<(), AccessError> {
        self.require(document, by, Role::Coordinator).await?;
        if principal == by.id {
            return Err(AccessError::Invalid("samordningsansvarig kan inte ta bort sig själv"));
        }
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let removed = sqlx::query("DELETE FROM members WHERE document_id = ? AND principal = ?")
            .bind(document)
            .bind(principal)
            .execute(&mut *tx)
            .await?;
        if removed.rows_affected() == 0 {
            return Err(AccessError::Invalid("personen eller enheten är inte med i planen"));
        }
        if principal.starts_with("device:") {
            let still_member: i64 = sqlx::query("SELECT COUNT(*) AS n FROM members WHERE principal = ?")
                .bind(principal)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if still_member == 0 {
                sqlx::query("UPDATE devices SET revoked_at = ? WHERE 'device:' || id = ?")
                    .bind(now)
                    .bind(principal)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE sessions SET revoked_at = ? WHERE principal = ? AND revoked_at IS NULL")
                    .bind(now)
                    .bind(principal)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        audit::append(
            &mut tx,
            &AuditEntry::now(&by.id, Some(by.session_id), Some(document), "remove", principal.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a plan (coordinator only) and its self-report document: their
    /// stored changes go, their rows stay as tombstones so that no peer can
    /// bring them back. Returns the principals that were members (to
    /// disconnect them) and the documents deleted.
    pub async fn delete(
        &self,
        document: &str,
        by: &Principal,
    ) -> Result<(Vec<String>, Vec<String>), AccessError> {
        self.require(document, by, Role::Coordinator).await?;
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let members: Vec<String> = sqlx::query("SELECT principal FROM members WHERE document_id = ?")
            .bind(document)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("principal"))
            .collect::<Result<_, _>>()?;
        let documents: Vec<String> =
            [document.to_string()].into_iter().chain(self_reports_of(&mut tx, document).await?).collect();
        for doc in &documents {
            sqlx::query("DELETE FROM document_chunks WHERE document_id = ?")
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM members WHERE document_id = ?")
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE invitations SET revoked_at = ? WHERE document_id = ? AND revoked_at IS NULL")
                .bind(now)
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE plans SET deleted_at = ?, deleted_by = ? WHERE document_id = ?")
                .bind(now)
                .bind(&by.id)
                .bind(doc.as_str())
                .execute(&mut *tx)
                .await?;
        }
        audit::append(&mut tx, &AuditEntry::now(&by.id, Some(by.session_id), Some(document), "delete", ""))
            .await?;
        tx.commit().await?;
        Ok((members, documents))
    }

    /// Bind `actor` (hex) to `principal` if it is new; true if it is (now)
    /// theirs, false if another principal used it first.
    pub async fn bind_actor(
        &self,
        actor: &str,
        principal: &str,
        document: &str,
    ) -> Result<bool, AccessError> {
        self
            .db
            .write(
                sqlx::query(
            "INSERT OR IGNORE INTO actors (actor, principal, document_id, first_seen) VALUES (?, ?, ?, ?)",
        )
        .bind(actor)
        .bind(principal)
        .bind(document)
        .bind(now_millis())
            )
            .await?;
        let owner: String = sqlx::query("SELECT principal FROM actors WHERE actor = ?")
            .bind(actor)
            .fetch_one(self.db.pool())
            .await?
            .try_get("principal")?;
        Ok(owner == principal)
    }

    /// Names of the people behind the actors that changed `document` (for the
    /// app's history view); members only.
    pub async fn actor_names(
        &self,
        document: &str,
        by: &Principal,
    ) -> Result<Vec<(String, String)>, AccessError> {
        self.require(document, by, Role::Reader).await?;
        let rows = sqlx::query(
            "SELECT a.actor, COALESCE(u.name, d.label, a.principal) AS name FROM actors a
             LEFT JOIN users u ON a.principal = 'user:' || u.id
             LEFT JOIN devices d ON a.principal = 'device:' || d.id
             WHERE a.document_id = ? ORDER BY a.first_seen",
        )
        .bind(document)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("actor")?, r.try_get("name")?))).collect()
    }

    /// Principals that are members of `document` (to disconnect after a change of access).
    pub async fn member_principals(&self, document: &str) -> Result<Vec<String>, AccessError> {
        let rows = sqlx::query("SELECT principal FROM members WHERE document_id = ?")
            .bind(document)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(|r| r.try_get("principal").map_err(AccessError::from)).collect()
    }
}

async fn self_reports_of(tx: &mut sqlx::SqliteConnection, plan: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT document_id FROM plans WHERE self_reports_of = ?")
        .bind(plan)
        .fetch_all(tx)
        .await?
        .iter()
        .map(|r| r.try_get("document_id"))
        .collect()
}
