//! What each member wants to be told and how, per principal: the e-mail
//! address (accounts had none), at once / a daily summary / none, push on
//! or off, and the kinds of event they do not want at all. A principal
//! without a row has the defaults: no address, at once, push on, every
//! kind.

use shared::api::{EmailMode, NotificationSettings};

use crate::access::{now_millis, AccessError};
use crate::storage::{sql, Database};

/// The settings of `principal` (`user:<id>` or `device:<id>`).
pub async fn read(db: &Database, principal: &str) -> Result<NotificationSettings, AccessError> {
    let row = sql::query(
        "SELECT email, email_mode, push_mode, muted FROM notification_settings WHERE principal = ?",
    )
    .bind(principal)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(NotificationSettings::default()) };
    let mode: String = row.try_get("email_mode")?;
    let push: String = row.try_get("push_mode")?;
    let muted: String = row.try_get("muted")?;
    Ok(NotificationSettings {
        email: row.try_get("email")?,
        email_mode: EmailMode::parse(&mode).unwrap_or_default(),
        push: push == "on",
        muted: muted.split(',').filter(|kind| !kind.is_empty()).map(str::to_string).collect(),
        email_available: false,
        push_available: false,
    })
}

/// Why settings were refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Not an address e-mail can go to.
    #[error("E-postadressen ser inte rätt ut. Skriv den som namn@exempel.se.")]
    BadAddress,
    /// A kind of event that does not exist.
    #[error("Okänd sorts händelse: {0}")]
    UnknownKind(String),
    /// The database failed.
    #[error(transparent)]
    Access(#[from] AccessError),
}

/// Store `settings` for `principal` (the `*_available` fields are ignored).
pub async fn write(
    db: &Database,
    principal: &str,
    settings: &NotificationSettings,
) -> Result<(), SettingsError> {
    let email = settings.email.trim();
    if !email.is_empty() && email.parse::<lettre::Address>().is_err() {
        return Err(SettingsError::BadAddress);
    }
    let mut muted = Vec::new();
    for kind in &settings.muted {
        let known = shared::notices::NoticeKind::parse(kind)
            .ok_or_else(|| SettingsError::UnknownKind(kind.chars().take(40).collect()))?;
        if !muted.contains(&known.as_str()) {
            muted.push(known.as_str());
        }
    }
    db.write(
        sql::query(
            "INSERT INTO notification_settings (principal, email, email_mode, push_mode, updated_at, muted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (principal) DO UPDATE SET email = ?2, email_mode = ?3, push_mode = ?4, updated_at = ?5, muted = ?6",
        )
        .bind(principal)
        .bind(email)
        .bind(settings.email_mode.as_str())
        .bind(if settings.push { "on" } else { "off" })
        .bind(now_millis())
        .bind(muted.join(",")),
    )
    .await
    .map_err(AccessError::from)?;
    Ok(())
}

/// Remember `subscription` as one of `principal`'s devices, subscribed
/// in session `session` (a device that subscribes again replaces its keys
/// and its session). Its pushes stop when that session ends
/// ([`subscriptions`]).
pub async fn add_subscription(
    db: &Database,
    principal: &str,
    session: i64,
    subscription: &super::push::Subscription,
) -> Result<(), AccessError> {
    db.write(
        sql::query(
            "INSERT INTO push_subscriptions (endpoint, principal, p256dh, auth, created_at, session_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (endpoint) DO UPDATE SET principal = ?2, p256dh = ?3, auth = ?4, created_at = ?5, session_id = ?6",
        )
        .bind(subscription.endpoint.as_str())
        .bind(principal)
        .bind(subscription.p256dh.as_str())
        .bind(subscription.auth.as_str())
        .bind(now_millis())
        .bind(session),
    )
    .await?;
    Ok(())
}

/// Forget the device at `endpoint` (of `principal`, or of anyone with `None`).
pub async fn remove_subscription(
    db: &Database,
    principal: Option<&str>,
    endpoint: &str,
) -> Result<(), AccessError> {
    db.write(
        sql::query("DELETE FROM push_subscriptions WHERE endpoint = ?1 AND (?2 IS NULL OR principal = ?2)")
            .bind(endpoint)
            .bind(principal),
    )
    .await?;
    Ok(())
}

/// The devices of `principal` that allowed push.
pub async fn subscriptions(
    db: &Database,
    principal: &str,
) -> Result<Vec<super::push::Subscription>, AccessError> {
    // Only devices whose session still holds: signed out, expired or of
    // an account since disabled, a device gets nothing more. (A
    // subscription from before sessions were recorded has none.)
    let rows = sql::query(
        "SELECT p.endpoint, p.p256dh, p.auth FROM push_subscriptions p
         WHERE p.principal = ?1
           AND (p.session_id IS NULL OR EXISTS (
                SELECT 1 FROM sessions s
                WHERE s.id = p.session_id AND s.principal = p.principal
                  AND s.revoked_at IS NULL AND s.expires_at > ?2))
           AND NOT EXISTS (
                SELECT 1 FROM users u WHERE 'user:' || u.id = p.principal AND u.disabled_at IS NOT NULL)
         ORDER BY p.endpoint",
    )
    .bind(principal)
    .bind(now_millis())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(super::push::Subscription {
                endpoint: r.try_get("endpoint")?,
                p256dh: r.try_get("p256dh")?,
                auth: r.try_get("auth")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AccessError::from)
}
