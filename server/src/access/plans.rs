//! Members and roles per document, and the binding of Automerge actor ids
//! to principals; invitations ([`invitations`]), managing members,
//! devices and deletion ([`members`]) and the plans of one principal
//! ([`listing`]) have modules of their own.
//!
//! [`Plans::decide`] is the one question the relay asks before it lets a
//! peer's `request`, `sync` or `ephemeral` reach a document. A document the
//! peer may not read is answered exactly as one that does not exist. The
//! API asks [`Plans::membership`] once per request; what a member may do
//! beyond reading is checked on the [`Membership`] it gives.

mod invitations;
mod listing;
mod members;
mod participants;
mod person_identity;

use crate::storage::sql;
use shared::plan::rules::Authority;

use crate::storage::Database;

use super::accounts::{Principal, PrincipalKind};
use super::audit::{self, AuditEntry};
use super::{now_millis, AccessError, Role};

pub use invitations::{Redeemed, DEFAULT_INVITATION_DAYS, MAX_INVITATION_DAYS};
pub use listing::MemberPlan;
pub use participants::valid_id as valid_participant_id;

/// The principal of what the command line stores (`samplan-server demo`):
/// the owner of that history's actors. No session is ever made for it.
pub const SYSTEM_CLI: &str = "system:cli";

/// The principal of gallring (closed plans removed when their time is up,
/// `crate::gallring`) in the audit log and as a plan's deleter.
pub const GALLRING: &str = "system:gallring";

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
    /// May read and change, as far as the plan's rules let `authority`
    /// (only a coordinator closes the plan, the person removes nothing).
    Write {
        /// Coordinator, member or the person (`shared::plan::rules`).
        authority: Authority,
    },
    /// As if the document did not exist.
    Unavailable,
}

/// A principal's membership of one plan, as found when its request came:
/// proof that it has a role there, and which.
#[derive(Debug, Clone)]
pub struct Membership {
    /// Who.
    pub principal: Principal,
    /// The plan (its document id).
    pub plan: String,
    /// Its role in the plan.
    pub role: Role,
}

impl Membership {
    /// Whether the member has `role` or more; `Forbidden` (answered as if
    /// the plan did not exist) if not.
    pub fn require(&self, role: Role) -> Result<(), AccessError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AccessError::Forbidden)
        }
    }

    /// An audit entry, made now, of this member doing `action` in the plan.
    pub(crate) fn audit(&self, action: &str, detail: impl Into<String>) -> AuditEntry {
        AuditEntry::now(&self.principal.id, Some(self.principal.session_id), Some(&self.plan), action, detail)
    }
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
        Ok(self.access(document, principal).await?.map(|access| access.role))
    }

    /// [`Plans::role`], with the plan the document belongs to and whether
    /// the session has used that plan before.
    async fn access(&self, document: &str, principal: &Principal) -> Result<Option<Access>, AccessError> {
        let row = sql::query(
            "SELECT p.deleted_at, p.self_reports_of, COALESCE(p.self_reports_of, p.document_id) AS plan,
                    (SELECT role FROM members m WHERE m.document_id = p.document_id AND m.principal = ?1) AS own,
                    (SELECT role FROM members m WHERE m.document_id = p.self_reports_of AND m.principal = ?1) AS in_plan,
                    (SELECT reports_for_person FROM members m
                        WHERE m.document_id = p.self_reports_of AND m.principal = ?1) AS reporter,
                    EXISTS (SELECT 1 FROM session_blocks b
                        WHERE b.document_id = COALESCE(p.self_reports_of, p.document_id) AND b.session_id = ?3) AS blocked,
                    EXISTS (SELECT 1 FROM plan_sessions u
                        WHERE u.document_id = COALESCE(p.self_reports_of, p.document_id) AND u.session_id = ?3) AS used
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
        let role = if row.try_get::<Option<String>, _>("self_reports_of")?.is_some() {
            let in_plan = row.try_get::<Option<String>, _>("in_plan")?.as_deref().and_then(Role::parse);
            let reporter = row.try_get::<Option<bool>, _>("reporter")?.unwrap_or(false);
            match in_plan {
                Some(Role::Person) => Some(Role::Person),
                Some(_) if reporter => Some(Role::Person),
                Some(_) => Some(Role::Reader),
                None => own.map(|_| Role::Reader),
            }
        } else {
            own
        };
        Ok(match role {
            Some(role) => Some(Access { role, plan: row.try_get("plan")?, used: row.try_get("used")? }),
            None => None,
        })
    }

    /// May `principal` do `intent` on `document`? A signed-in professional
    /// who syncs a document that has never existed creates it and becomes
    /// its coordinator; nobody else can attach themselves to a document.
    /// A session given access to a plan for the first time is recorded as
    /// one of the member's devices in that plan.
    pub async fn decide(
        &self,
        document: &str,
        principal: &Principal,
        intent: Intent,
    ) -> Result<Decision, AccessError> {
        if let Some(access) = self.access(document, principal).await? {
            if !access.used {
                self.db.write(record_use(&access.plan, principal.session_id)).await?;
            }
            return Ok(match access.role {
                Role::Reader => Decision::Read,
                Role::Editor => Decision::Write { authority: Authority::Member },
                Role::Person => Decision::Write { authority: Authority::Person },
                Role::Coordinator => Decision::Write { authority: Authority::Coordinator },
            });
        }
        if intent != Intent::Sync || principal.kind != PrincipalKind::User {
            return Ok(Decision::Unavailable);
        }
        if self.create(document, principal).await? {
            Ok(Decision::Write { authority: Authority::Coordinator })
        } else {
            Ok(Decision::Unavailable)
        }
    }

    /// The membership of `principal` in document `plan`; `Forbidden` when
    /// it has no role there ([`Plans::role`]).
    pub async fn membership(&self, plan: &str, principal: Principal) -> Result<Membership, AccessError> {
        let role = self.role(plan, &principal).await?.ok_or(AccessError::Forbidden)?;
        Ok(Membership { principal, plan: plan.to_string(), role })
    }

    /// Record a new plan with `principal` as coordinator; false if the id was
    /// ever used (taken, or deleted).
    async fn create(&self, document: &str, principal: &Principal) -> Result<bool, AccessError> {
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        if !insert_plan(&mut tx, document, &principal.id, now).await? {
            return Ok(false);
        }
        // A document with stored changes but no row predates access control:
        // nobody claims it by syncing.
        let stored =
            count(&mut tx, "SELECT COUNT(*) AS n FROM document_chunks WHERE document_id = ?", document)
                .await?;
        if stored > 0 {
            return Ok(false);
        }
        put_member(&mut tx, document, &principal.id, Role::Coordinator, now).await?;
        participants::link(&mut tx, document, &principal.id, "").await?;
        record_use(document, principal.session_id).execute(&mut *tx).await?;
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
        self.claim_as(document, principal, "").await
    }

    /// [`Plans::claim`], with the coordinator linked to `participant` of
    /// the plan (the demo plan's coordinator), or to an id of their own
    /// when it is empty.
    pub async fn claim_as(
        &self,
        document: &str,
        principal: &str,
        participant: &str,
    ) -> Result<(), AccessError> {
        if !participant.is_empty() && !participants::valid_id(participant) {
            return Err(AccessError::Invalid("okänd deltagare"));
        }
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        insert_plan(&mut tx, document, principal, now).await?;
        if !member_principals(&mut tx, document).await?.is_empty() {
            return Err(AccessError::Forbidden);
        }
        put_member(&mut tx, document, principal, Role::Coordinator, now).await?;
        participants::link(&mut tx, document, principal, participant).await?;
        audit::append(&mut tx, &AuditEntry::now(principal, None, Some(document), "claim", "")).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Register `self_reports` as the self-report document of the plan. Only
    /// the plan's coordinator, only for a document they created that is not
    /// yet linked. The answer is the plan's self-report document: this one,
    /// or the one linked before (a device that linked one and lost the link
    /// in its copy of the plan, on a reload, learns which it is).
    pub async fn link_self_reports(
        &self,
        by: &Membership,
        self_reports: &str,
    ) -> Result<String, AccessError> {
        by.require(Role::Coordinator)?;
        let updated = self
            .db
            .write(
                sql::query(
                    "UPDATE plans SET self_reports_of = ?1 WHERE document_id = ?2 AND created_by = ?3
             AND self_reports_of IS NULL AND deleted_at IS NULL AND document_id != ?1
             AND NOT EXISTS (SELECT 1 FROM members WHERE document_id = ?2 AND principal != ?3)
             AND NOT EXISTS (SELECT 1 FROM plans q WHERE q.self_reports_of = ?1)",
                )
                .bind(&by.plan)
                .bind(self_reports)
                .bind(&by.principal.id),
            )
            .await?;
        if updated.rows_affected() == 1 {
            return Ok(self_reports.to_string());
        }
        let mut connection = self.db.pool().acquire().await?;
        self_reports_of(&mut connection, &by.plan).await?.pop().ok_or(AccessError::Forbidden)
    }

    /// Bind `actor` (hex) to `principal` if it is new; true if it is (now)
    /// theirs, false if another principal used it first.
    pub async fn bind_actor(
        &self,
        actor: &str,
        principal: &str,
        document: &str,
    ) -> Result<bool, AccessError> {
        self.db
            .write(
                sql::query(
                    "INSERT INTO actors (actor, principal, document_id, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(actor)
                .bind(principal)
                .bind(document)
                .bind(now_millis()),
            )
            .await?;
        let owner: String = sql::query("SELECT principal FROM actors WHERE actor = ?")
            .bind(actor)
            .fetch_one(self.db.pool())
            .await?
            .try_get("principal")?;
        Ok(owner == principal)
    }

    /// Bind every actor of `doc`'s history, stored from the command line
    /// (`samplan-server demo`), to [`SYSTEM_CLI`]: no session speaks for
    /// it, so nobody can write as the authors of that history. An actor
    /// already bound keeps its owner.
    pub async fn bind_stored_history(
        &self,
        document: &str,
        doc: &automerge::Automerge,
    ) -> Result<(), AccessError> {
        let mut actors: Vec<String> =
            doc.get_changes(&[]).iter().map(|c| c.actor_id().to_hex_string()).collect();
        actors.sort();
        actors.dedup();
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        for actor in &actors {
            sql::query(
                "INSERT INTO actors (actor, principal, document_id, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(actor)
            .bind(SYSTEM_CLI)
            .bind(document)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Names of the people behind the actors that changed `document` (for the
    /// app's history view); members only.
    pub async fn actor_names(&self, by: &Membership) -> Result<Vec<(String, String)>, AccessError> {
        let rows = sql::query(
            "SELECT a.actor, COALESCE(u.name, d.label,
                    CASE WHEN a.principal = ?1 THEN 'Inläst av servern' ELSE a.principal END) AS name
             FROM actors a
             LEFT JOIN users u ON a.principal = 'user:' || u.id
             LEFT JOIN devices d ON a.principal = 'device:' || d.id
             WHERE a.document_id = ?2 ORDER BY a.first_seen",
        )
        .bind(SYSTEM_CLI)
        .bind(&by.plan)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("actor")?, r.try_get("name")?))).collect()
    }

    /// Principals that are members of `document` (to disconnect after a change of access).
    pub async fn member_principals(&self, document: &str) -> Result<Vec<String>, AccessError> {
        let mut connection = self.db.pool().acquire().await?;
        Ok(member_principals(&mut connection, document).await?)
    }
}

/// What a principal's session may do in a document, as found by [`Plans::access`].
struct Access {
    role: Role,
    /// The plan the document belongs to (itself, or the plan of a self-report document).
    plan: String,
    /// Whether this session has used the plan before.
    used: bool,
}

/// Record that session `session_id` has used `plan` (once).
fn record_use(plan: &str, session_id: i64) -> sql::Query<'_> {
    sql::query("INSERT INTO plan_sessions (document_id, session_id, first_used) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(plan)
        .bind(session_id)
        .bind(now_millis())
}

/// Record plan `document`, made by `by`; false if its id was ever used.
async fn insert_plan(
    connection: &mut sql::Connection,
    document: &str,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sql::query(
        "INSERT INTO plans (document_id, created_by, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(document)
    .bind(by)
    .bind(now)
    .execute(connection)
    .await?;
    Ok(inserted.rows_affected() > 0)
}

/// Make `principal` a member of `document` with `role` (replacing a role it had).
async fn put_member(
    connection: &mut sql::Connection,
    document: &str,
    principal: &str,
    role: Role,
    now: i64,
) -> Result<(), sqlx::Error> {
    sql::query(
        "INSERT INTO members (document_id, principal, role, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (document_id, principal) DO UPDATE SET role = excluded.role",
    )
    .bind(document)
    .bind(principal)
    .bind(role.as_str())
    .bind(now)
    .execute(connection)
    .await?;
    Ok(())
}

/// The principals that are members of `document`.
async fn member_principals(
    connection: &mut sql::Connection,
    document: &str,
) -> Result<Vec<String>, sqlx::Error> {
    strings(connection, "SELECT principal AS s FROM members WHERE document_id = ?", document).await
}

/// The self-report documents of `plan`.
async fn self_reports_of(connection: &mut sql::Connection, plan: &str) -> Result<Vec<String>, sqlx::Error> {
    strings(connection, "SELECT document_id AS s FROM plans WHERE self_reports_of = ?", plan).await
}

/// The column `s` of the rows `query` selects for `value`.
async fn strings(
    connection: &mut sql::Connection,
    query: &str,
    value: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sql::query(query).bind(value).fetch_all(connection).await?.iter().map(|r| r.try_get("s")).collect()
}

/// The count `n` that `query` gives for `value`.
async fn count(connection: &mut sql::Connection, query: &str, value: &str) -> Result<i64, sqlx::Error> {
    sql::query(query).bind(value).fetch_one(connection).await?.try_get("n")
}

/// `Invalid(reason)` when a statement that must change a row changed none.
fn changed_one(result: &sql::Done, reason: &'static str) -> Result<(), AccessError> {
    if result.rows_affected() == 0 {
        Err(AccessError::Invalid(reason))
    } else {
        Ok(())
    }
}
