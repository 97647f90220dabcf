//! `GET`/`PUT /api/notifications`: the caller's own notification settings
//! (`crate::notifications::settings`), with whether this server sends
//! e-mail and push at all, so the app can say when it does not; and
//! `/api/push-subscriptions`: a device of the caller that allowed push
//! (`POST` the browser's `PushSubscription` as JSON, `DELETE` it by
//! endpoint, `POST …/check` whether it is still the caller's).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::api::NotificationSettings;

use super::{ApiError, Caller};
use crate::notifications::settings::{self, SettingsError};
use crate::AppState;

/// The caller's settings.
pub async fn read(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<NotificationSettings>, ApiError> {
    let mut settings = settings::read(&state.store.database(), &caller.id).await?;
    settings.email_available = state.notifications.email;
    settings.push_available = state.notifications.push_key.is_some();
    Ok(Json(settings))
}

/// Change the caller's settings; answers them as stored.
pub async fn write(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(body): Json<NotificationSettings>,
) -> Result<Json<NotificationSettings>, ApiError> {
    match settings::write(&state.store.database(), &caller.id, &body).await {
        Ok(()) => {}
        Err(refused @ (SettingsError::BadAddress | SettingsError::UnknownKind(_))) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, &refused.to_string()))
        }
        Err(SettingsError::Access(error)) => return Err(error.into()),
    }
    read(State(state), Caller(caller)).await
}

/// The browser's `PushSubscription.toJSON()`.
#[derive(Debug, serde::Deserialize)]
pub struct PushSubscriptionBody {
    endpoint: String,
    keys: PushKeys,
}

/// Its keys (base64url).
#[derive(Debug, serde::Deserialize)]
pub struct PushKeys {
    p256dh: String,
    auth: String,
}

/// This server's VAPID public key (`{"public_key": …}`), or 404 when it sends no push.
pub async fn push_key(
    State(state): State<AppState>,
    Caller(_): Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    match &state.notifications.push_key {
        Some(key) => Ok(Json(serde_json::json!({ "public_key": key }))),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "Den här servern skickar inga push-meddelanden.")),
    }
}

/// Remember a device of the caller that allowed push.
pub async fn subscribe(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(body): Json<PushSubscriptionBody>,
) -> Result<StatusCode, ApiError> {
    if state.notifications.push_key.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "Den här servern skickar inga push-meddelanden."));
    }
    let endpoint = body.endpoint.trim();
    if !crate::notifications::push::endpoint_allowed(endpoint, state.notifications.push_to_local) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Enhetens push-adress ser inte rätt ut."));
    }
    let subscription = crate::notifications::push::Subscription {
        endpoint: endpoint.to_string(),
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
    };
    if crate::notifications::push::encrypt(&subscription, b"").is_err() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Enhetens push-nycklar ser inte rätt ut."));
    }
    settings::add_subscription(&state.store.database(), &caller.id, caller.session_id, &subscription).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/push-subscriptions` with `{"endpoint": …}`: forget a device of the caller.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(body): Json<serde_json::Value>,
) -> Result<StatusCode, ApiError> {
    let endpoint = body["endpoint"].as_str().unwrap_or_default();
    settings::remove_subscription(&state.store.database(), Some(&caller.id), endpoint).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/push-subscriptions/check` with `{"endpoint": …}`: whether
/// that device gets the caller's pushes (`{"mine": true}`): registered to
/// the caller, in a session that still holds. A browser keeps one
/// subscription per site, whoever subscribed it: the app asks before it
/// says "this device gets them". (A POST: the endpoint is a secret address
/// and stays out of URLs and logs.)
pub async fn check(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(body): Json<serde_json::Value>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let endpoint = body["endpoint"].as_str().unwrap_or_default();
    let mine = settings::subscriptions(&state.store.database(), &caller.id)
        .await?
        .iter()
        .any(|device| device.endpoint == endpoint);
    Ok(Json(serde_json::json!({ "mine": mine })))
}
