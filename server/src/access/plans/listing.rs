//! The plans a principal is a member of, for its start page ("Mina
//! planer") on any device, not only the plans that device holds.

use crate::storage::sql;

use super::Plans;
use crate::access::{AccessError, Principal, Role};

/// One plan that a principal is a member of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPlan {
    /// The plan (its document id).
    pub plan: String,
    /// The principal's role in it.
    pub role: Role,
    /// The name of the member who coordinates the plan on the server (the
    /// account that made it); empty if there is none.
    pub coordinator: String,
}

impl Plans {
    /// Every plan `principal` has a role in through the session it came
    /// with, as [`Plans::role`] decides it for a plan: not deleted, not a
    /// plan this session is shut out of. Self-report documents are part of
    /// their plan and not listed. Oldest membership first.
    pub async fn plans_of(&self, principal: &Principal) -> Result<Vec<MemberPlan>, AccessError> {
        let rows = sql::query(
            "SELECT m.document_id, m.role,
                    COALESCE((SELECT COALESCE(u.name, d.label) FROM members c
                        LEFT JOIN users u ON c.principal = 'user:' || u.id
                        LEFT JOIN devices d ON c.principal = 'device:' || d.id
                        WHERE c.document_id = m.document_id AND c.role = 'coordinator'
                        ORDER BY c.added_at LIMIT 1), '') AS coordinator
             FROM members m JOIN plans p ON p.document_id = m.document_id
             WHERE m.principal = ?1 AND p.deleted_at IS NULL AND p.self_reports_of IS NULL
               AND NOT EXISTS (SELECT 1 FROM session_blocks b
                   WHERE b.document_id = m.document_id AND b.session_id = ?2)
             ORDER BY m.added_at, m.document_id",
        )
        .bind(&principal.id)
        .bind(principal.session_id)
        .fetch_all(self.db.pool())
        .await?;
        let mut plans = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(role) = Role::parse(&row.try_get::<String, _>("role")?) else { continue };
            plans.push(MemberPlan {
                plan: row.try_get("document_id")?,
                role,
                coordinator: row.try_get("coordinator")?,
            });
        }
        Ok(plans)
    }
}
