//! Professional accounts, one-time sign-in links and sessions.
//!
//! `samplan-server user add` creates an account and prints a sign-in link;
//! opening it in the app exchanges it (once, before it expires) for a
//! session. Devices get sessions by redeeming an invitation
//! ([`super::plans`]). A session token is sent as an HttpOnly cookie, an
//! `Authorization: Bearer` header, or the WebSocket URL's `token` parameter.

mod identity;

use std::time::Duration;

use crate::storage::sql;

pub use identity::{describe_sign_in, session_length, Refusal};

use crate::storage::Database;

use super::tokens::{self, Token};
use super::{now_millis, AccessError};

/// How long a sign-in link is valid.
pub const SIGN_IN_LINK_VALID: Duration = Duration::from_secs(24 * 3600);
/// How long a professional's session lasts.
pub const USER_SESSION: Duration = Duration::from_secs(12 * 3600);
/// How long a device's session lasts (a tablet at home, often offline).
pub const DEVICE_SESSION: Duration = Duration::from_secs(180 * 24 * 3600);

/// What kind of principal: a professional with an account, or a device
/// that redeemed an invitation (defined in `shared`, as `GET /api/me` sends it).
pub use shared::api::PrincipalKind;

/// Who a session speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `user:<id>` or `device:<id>`, as stored in members and the audit log.
    pub id: String,
    /// A name people recognise (the account's name, the device's label).
    pub name: String,
    /// User or device.
    pub kind: PrincipalKind,
    /// The session it came with.
    pub session_id: i64,
}

/// One account, as `user list` shows it.
#[derive(Debug, Clone)]
pub struct User {
    /// Its principal id.
    pub principal: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Whether it is disabled.
    pub disabled: bool,
}

/// Accounts and sessions in the database.
#[derive(Clone, Debug)]
pub struct Accounts {
    db: Database,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Accounts {
    /// Over `db`.
    pub fn new(db: Database) -> Accounts {
        Accounts { db }
    }

    /// Create an account; returns its one-time sign-in token.
    pub async fn add_user(&self, name: &str, organisation: &str) -> Result<Token, AccessError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 || organisation.len() > 200 {
            return Err(AccessError::Invalid("namnet måste ha 1–200 tecken"));
        }
        let inserted = self
            .db
            .write(
                sql::query("INSERT INTO users (name, organisation, created_at) VALUES (?, ?, ?)")
                    .bind(name)
                    .bind(organisation.trim())
                    .bind(now_millis()),
            )
            .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AccessError::UserExists(name.to_string()))
            }
            other => other?,
        };
        self.sign_in_link(name).await
    }

    /// A new one-time sign-in token for an existing, enabled account.
    pub async fn sign_in_link(&self, name: &str) -> Result<Token, AccessError> {
        let user_id = self.enabled_user_id(name).await?;
        let token = Token::generate();
        self.db
            .write(
                sql::query("INSERT INTO sign_in_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
                    .bind(tokens::hash(token.reveal()))
                    .bind(user_id)
                    .bind(now_millis() + millis(SIGN_IN_LINK_VALID)),
            )
            .await?;
        Ok(token)
    }

    async fn enabled_user_id(&self, name: &str) -> Result<i64, AccessError> {
        let row = sql::query("SELECT id FROM users WHERE name = ? AND disabled_at IS NULL")
            .bind(name.trim())
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| r.try_get::<i64, _>("id"))
            .transpose()?
            .ok_or_else(|| AccessError::NoSuchUser(name.into()))
    }

    /// The account (principal id and name) that a sign-in link's token
    /// signs in, if the link is valid now; the link stays unused.
    pub async fn sign_in_link_owner(&self, token: &str) -> Result<(String, String), AccessError> {
        let mut connection = self.db.pool().acquire().await?;
        let row = tokens::find_valid(
            &mut connection,
            "SELECT l.token_hash, l.user_id, u.name FROM sign_in_links l JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled_at IS NULL",
            token,
            now_millis(),
        )
        .await?;
        Ok((format!("user:{}", row.try_get::<i64, _>("user_id")?), row.try_get("name")?))
    }

    /// Exchange a sign-in link's token for a session token (once).
    pub async fn redeem_sign_in(&self, token: &str) -> Result<(Token, Principal), AccessError> {
        let now = now_millis();
        let mut tx = self.db.begin_write().await?;
        let row = tokens::find_valid(
            &mut tx,
            "SELECT l.token_hash, l.user_id FROM sign_in_links l JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled_at IS NULL",
            token,
            now,
        )
        .await?;
        let stored: Vec<u8> = row.try_get("token_hash")?;
        let user_id: i64 = row.try_get("user_id")?;
        let used =
            sql::query("UPDATE sign_in_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")
                .bind(now)
                .bind(&stored)
                .execute(&mut *tx)
                .await?;
        if used.rows_affected() == 0 {
            return Err(AccessError::InvalidLink);
        }
        super::audit::append(
            &mut tx,
            &super::audit::AuditEntry::now(&format!("user:{user_id}"), None, None, "sign-in", ""),
        )
        .await?;
        tx.commit().await?;
        let principal = format!("user:{user_id}");
        let session = self.issue_session(&principal, USER_SESSION).await?;
        let who = self.authenticate(session.reveal()).await?.ok_or(AccessError::InvalidLink)?;
        Ok((session, who))
    }

    /// A session for `principal` that lasts `valid_for`.
    pub async fn issue_session(&self, principal: &str, valid_for: Duration) -> Result<Token, AccessError> {
        let mut tx = self.db.begin_write().await?;
        let (token, _) = insert_session(&mut tx, principal, valid_for).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A session token for an account, for scripts and tests (`user token`).
    pub async fn user_token(&self, name: &str, valid_for: Duration) -> Result<Token, AccessError> {
        let user_id = self.enabled_user_id(name).await?;
        self.issue_session(&format!("user:{user_id}"), valid_for).await
    }

    /// Who a session token speaks for, if it is valid now: known, not
    /// expired, not revoked, and its account or device not disabled.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, AccessError> {
        if !tokens::well_formed(token) {
            return Ok(None);
        }
        let row = sql::query(
            "SELECT s.id, s.token_hash, s.principal,
                    u.name AS user_name, u.disabled_at AS user_disabled,
                    d.label AS device_label, d.revoked_at AS device_revoked
             FROM sessions s
             LEFT JOIN users u ON s.principal = 'user:' || u.id
             LEFT JOIN devices d ON s.principal = 'device:' || d.id
             WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
        )
        .bind(tokens::hash(token))
        .bind(now_millis())
        .fetch_optional(self.db.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let stored: Vec<u8> = row.try_get("token_hash")?;
        if !tokens::matches(&stored, token) {
            return Ok(None);
        }
        let id: String = row.try_get("principal")?;
        let session_id: i64 = row.try_get("id")?;
        let user: Option<String> = row.try_get("user_name")?;
        let device: Option<String> = row.try_get("device_label")?;
        let principal = match (user, device) {
            (Some(name), _) if row.try_get::<Option<i64>, _>("user_disabled")?.is_none() => {
                Principal { id, name, kind: PrincipalKind::User, session_id }
            }
            (_, Some(name)) if row.try_get::<Option<i64>, _>("device_revoked")?.is_none() => {
                Principal { id, name, kind: PrincipalKind::Device, session_id }
            }
            _ => return Ok(None),
        };
        Ok(Some(principal))
    }

    /// Whether a session is still valid (connections ask every so often,
    /// so that a revoked device or a disabled account is cut off while
    /// connected too).
    pub async fn session_active(&self, session_id: i64) -> Result<bool, AccessError> {
        let row = sql::query(
            "SELECT 1 FROM sessions s
             LEFT JOIN users u ON s.principal = 'user:' || u.id
             LEFT JOIN devices d ON s.principal = 'device:' || d.id
             WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
               AND ((u.id IS NOT NULL AND u.disabled_at IS NULL) OR (d.id IS NOT NULL AND d.revoked_at IS NULL))",
        )
        .bind(session_id)
        .bind(now_millis())
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Bind automerge-repo peer id `peer_id` to session `session_id` if it
    /// is new; true if it is (now) this session's, false if another session
    /// joined with it first.
    pub async fn claim_peer_id(&self, peer_id: &str, session_id: i64) -> Result<bool, AccessError> {
        // Reconnects ask with a peer id they own already: no write for them.
        if let Some(owner) = self.peer_id_owner(peer_id).await? {
            return Ok(owner == session_id);
        }
        self.db
            .write(
                sql::query(
                    "INSERT INTO peer_ids (peer_id, session_id, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(peer_id)
                .bind(session_id)
                .bind(now_millis()),
            )
            .await?;
        Ok(self.peer_id_owner(peer_id).await? == Some(session_id))
    }

    async fn peer_id_owner(&self, peer_id: &str) -> Result<Option<i64>, AccessError> {
        let row = sql::query("SELECT session_id FROM peer_ids WHERE peer_id = ?")
            .bind(peer_id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.map(|r| r.try_get::<i64, _>("session_id")).transpose()?)
    }

    /// Remember what kind of device a new session was made on.
    pub async fn describe_session(&self, session_id: i64, user_agent: &str) -> Result<(), AccessError> {
        self.db
            .write(
                sql::query("UPDATE sessions SET device = ? WHERE id = ?")
                    .bind(describe_device(user_agent))
                    .bind(session_id),
            )
            .await?;
        Ok(())
    }

    /// End one session (sign out).
    pub async fn revoke_session(&self, session_id: i64) -> Result<(), AccessError> {
        self.db
            .write(
                sql::query("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                    .bind(now_millis())
                    .bind(session_id),
            )
            .await?;
        Ok(())
    }

    /// Every account.
    pub async fn list_users(&self) -> Result<Vec<User>, AccessError> {
        let rows = sql::query("SELECT id, name, organisation, disabled_at FROM users ORDER BY name")
            .fetch_all(self.db.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(User {
                    principal: format!("user:{}", r.try_get::<i64, _>("id")?),
                    name: r.try_get("name")?,
                    organisation: r.try_get("organisation")?,
                    disabled: r.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Disable an account: its sessions stop working at once. Returns its principal id.
    pub async fn disable_user(&self, name: &str) -> Result<String, AccessError> {
        let user_id = self.enabled_user_id(name).await?;
        self.db
            .write(
                sql::query("UPDATE users SET disabled_at = ? WHERE id = ?").bind(now_millis()).bind(user_id),
            )
            .await?;
        Ok(format!("user:{user_id}"))
    }
}

impl Accounts {
    /// Whether `principal` is an enabled account that reviews logs.
    pub async fn is_log_reviewer(&self, principal: &str) -> Result<bool, AccessError> {
        let Some(user_id) = principal.strip_prefix("user:").and_then(|id| id.parse::<i64>().ok()) else {
            return Ok(false);
        };
        let row = sql::query("SELECT log_reviewer FROM users WHERE id = ? AND disabled_at IS NULL")
            .bind(user_id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(match row {
            Some(row) => row.try_get("log_reviewer")?,
            None => false,
        })
    }

    /// Let account `name` review logs, or stop it (`user grant-review`,
    /// `user revoke-review`). Recorded in the audit log.
    pub async fn set_log_reviewer(&self, name: &str, reviewer: bool) -> Result<(), AccessError> {
        let user_id = self.enabled_user_id(name).await?;
        let mut tx = self.db.begin_write().await?;
        sql::query("UPDATE users SET log_reviewer = ? WHERE id = ?")
            .bind(reviewer)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let action = if reviewer { "grant-review" } else { "revoke-review" };
        let entry = super::audit::AuditEntry::now(
            super::plans::SYSTEM_CLI,
            None,
            None,
            action,
            format!("user:{user_id}"),
        );
        super::audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A short, recognisable name for the device behind a `User-Agent`
/// ("Chrome på Android"), so that a coordinator can tell a member's devices
/// apart. Only browser family and system: nothing that identifies a person.
pub fn describe_device(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    let system = [
        ("iPad", "iPad"),
        ("iPhone", "iPhone"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "Chromebook"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} på {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "Okänd enhet".to_string(),
    }
}

/// Insert a new session for `principal` (in the caller's transaction);
/// returns its token and id.
pub async fn insert_session(
    connection: &mut sql::Connection,
    principal: &str,
    valid_for: Duration,
) -> Result<(Token, i64), sqlx::Error> {
    let token = Token::generate();
    let now = now_millis();
    let id = sql::query(
        "INSERT INTO sessions (token_hash, principal, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(tokens::hash(token.reveal()))
    .bind(principal)
    .bind(now)
    .bind(now.saturating_add(millis(valid_for)))
    .fetch_one(connection)
    .await?
    .try_get::<i64, _>("id")?;
    Ok((token, id))
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let tablet = "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(describe_device(tablet), "Chrome på Android");
        let ipad = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(ipad), "Safari på iPad");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(describe_device(edge), "Edge på Windows");
        assert_eq!(describe_device(""), "Okänd enhet");
    }
}
