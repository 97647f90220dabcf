//! Accounts from identity: a staff member signed in through an OpenID
//! Connect provider is matched to an account by their identifier claim
//! (the HSA-id), which `user add --hsa-id` registers beforehand. Someone
//! unknown gets an account on first sign-in only when the provider's
//! settings say so and their organisation is trusted; else they are told,
//! in plain words, whom to ask. The provider's `acr`, `amr` and the
//! organisation are stored with the session and written to the audit log.

use std::time::Duration;

use crate::storage::sql;

use super::{insert_session, Accounts, Principal, USER_SESSION};
use crate::access::audit::{self, AuditEntry};
use crate::access::tokens::Token;
use crate::access::{now_millis, AccessError};
use crate::oidc::{ProviderSettings, UnknownUsers, VerifiedIdentity};

/// Why a verified staff member may not sign in.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Their organisation is not among the trusted ones, and they have no account.
    #[error("Din organisation har inte tillgång till Samplan. Kontakta den som administrerar Samplan i din region eller kommun.")]
    UntrustedOrganisation,
    /// No account, and accounts are not made on first sign-in.
    #[error("Du har inget konto i Samplan än. Be den som administrerar Samplan att lägga upp dig med ditt HSA-id {0}.")]
    NoAccount(String),
    /// Their account is disabled.
    #[error("Ditt konto i Samplan är avstängt. Kontakta den som administrerar Samplan.")]
    Disabled,
    /// A person with neither a plan bound to them nor an invitation.
    #[error("Det finns ingen plan kopplad till din inloggning än. Öppna länken i inbjudan du har fått och logga in därifrån.")]
    NoPlan,
    /// The invitation does not work (used, expired, revoked).
    #[error("Inbjudan gäller inte längre. Be din samordnare om en ny.")]
    InvalidInvitation,
    /// The database failed.
    #[error(transparent)]
    Access(AccessError),
}

impl From<AccessError> for Refusal {
    fn from(error: AccessError) -> Refusal {
        match error {
            AccessError::InvalidLink => Refusal::InvalidInvitation,
            other => Refusal::Access(other),
        }
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Refusal {
        Refusal::Access(error.into())
    }
}

/// How long a session from a provider lasts: ours, never longer than the ID token's.
pub fn session_length(identity: &VerifiedIdentity) -> Duration {
    let left = identity.expires_at.saturating_sub(now_millis()).max(0);
    Duration::from_millis(u64::try_from(left).unwrap_or(0)).min(USER_SESSION)
}

impl Accounts {
    /// Create an account known by its HSA-id too (`user add --hsa-id`).
    pub async fn add_user_with_hsa_id(
        &self,
        name: &str,
        organisation: &str,
        hsa_id: &str,
    ) -> Result<Token, AccessError> {
        let hsa_id = hsa_id.trim();
        if hsa_id.is_empty() || hsa_id.len() > 100 {
            return Err(AccessError::Invalid("HSA-id måste ha 1–100 tecken"));
        }
        if self.user_by_hsa_id(hsa_id).await?.is_some() {
            return Err(AccessError::Invalid("det finns redan ett konto med det HSA-id:t"));
        }
        let token = self.add_user(name, organisation).await?;
        self.db
            .write(sql::query("UPDATE users SET hsa_id = ? WHERE name = ?").bind(hsa_id).bind(name.trim()))
            .await?;
        Ok(token)
    }

    /// `(id, disabled)` of the account with this HSA-id.
    async fn user_by_hsa_id(&self, hsa_id: &str) -> Result<Option<(i64, bool)>, AccessError> {
        let row = sql::query("SELECT id, disabled_at FROM users WHERE hsa_id = ?")
            .bind(hsa_id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(match row {
            Some(row) => Some((row.try_get("id")?, row.try_get::<Option<i64>, _>("disabled_at")?.is_some())),
            None => None,
        })
    }

    /// Sign in a staff member the provider vouched for: a session of their
    /// account (made now if `settings` allow it), carrying the provider's
    /// `acr`, `amr` and organisation, and a line in the audit log.
    pub async fn sign_in_staff(
        &self,
        identity: &VerifiedIdentity,
        settings: &ProviderSettings,
    ) -> Result<(Token, Principal), Refusal> {
        let user_id = match self.user_by_hsa_id(&identity.subject).await? {
            Some((_, true)) => return Err(Refusal::Disabled),
            Some((id, false)) => id,
            None => {
                let trusted = identity
                    .organisation
                    .as_ref()
                    .is_some_and(|org| settings.trusted_organisations.iter().any(|t| t == org));
                if !trusted {
                    return Err(Refusal::UntrustedOrganisation);
                }
                if settings.unknown_users == UnknownUsers::Refuse {
                    return Err(Refusal::NoAccount(identity.subject.clone()));
                }
                self.create_from_identity(identity).await?
            }
        };
        let principal = format!("user:{user_id}");
        let session_id = self.insert_provider_session(&principal, identity).await?;
        let (token, session_id) = session_id;
        let who = self.authenticate(token.reveal()).await?.filter(|p| p.session_id == session_id);
        Ok((token, who.ok_or(Refusal::Disabled)?))
    }

    /// A new account named as the token names the person (with the HSA-id
    /// after the name when another account has that name).
    async fn create_from_identity(&self, identity: &VerifiedIdentity) -> Result<i64, AccessError> {
        let name = identity.name.clone().unwrap_or_else(|| identity.subject.clone());
        let organisation = identity.organisation.clone().unwrap_or_default();
        let mut tx = self.db.begin_write().await?;
        let mut inserted = None;
        for candidate in [name.clone(), format!("{name} ({})", identity.subject)] {
            // A name or HSA-id taken: no row (not an error, which would
            // end a PostgreSQL transaction).
            let row = sql::query(
                "INSERT INTO users (name, organisation, created_at, hsa_id) VALUES (?, ?, ?, ?)
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&candidate)
            .bind(&organisation)
            .bind(now_millis())
            .bind(&identity.subject)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = row {
                inserted = Some(row.try_get::<i64, _>("id")?);
                break;
            }
        }
        let user_id = inserted.ok_or_else(|| AccessError::UserExists(name.clone()))?;
        let detail = format!("{} via {} ({organisation})", identity.subject, identity.provider);
        let entry = AuditEntry::now(&format!("user:{user_id}"), None, None, "create-account", detail);
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(user_id)
    }

    /// A session for `principal` from a provider's sign-in, with what the
    /// provider said, and the audit log's `sign-in` line; returns its token and id.
    pub async fn insert_provider_session(
        &self,
        principal: &str,
        identity: &VerifiedIdentity,
    ) -> Result<(Token, i64), AccessError> {
        let mut tx = self.db.begin_write().await?;
        let (token, session_id) = insert_session(&mut tx, principal, session_length(identity)).await?;
        sql::query(
            "UPDATE sessions SET provider = ?, acr = ?, amr = ?, organisation_id = ?, id_token = ? WHERE id = ?",
        )
        .bind(&identity.provider)
        .bind(&identity.acr)
        .bind(&identity.amr)
        .bind(&identity.organisation)
        .bind(&identity.id_token)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::now(principal, Some(session_id), None, "sign-in", describe_sign_in(identity));
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok((token, session_id))
    }

    /// The provider and ID token of a session made through one, for
    /// signing out there too.
    pub async fn session_provider(&self, session_id: i64) -> Result<Option<(String, String)>, AccessError> {
        let row = sql::query(
            "SELECT provider, id_token FROM sessions WHERE id = ? AND provider IS NOT NULL AND id_token IS NOT NULL",
        )
        .bind(session_id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(match row {
            Some(row) => Some((row.try_get("provider")?, row.try_get("id_token")?)),
            None => None,
        })
    }
}

/// The audit and access logs' detail of a sign-in through a provider.
pub fn describe_sign_in(identity: &VerifiedIdentity) -> String {
    format!(
        "{} acr={} amr={} org={}",
        identity.provider,
        identity.acr.as_deref().unwrap_or("-"),
        if identity.amr.is_empty() { "-" } else { &identity.amr },
        identity.organisation.as_deref().unwrap_or("-"),
    )
}
