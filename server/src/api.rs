//! The HTTP side of access: signing in, invitations, members, deleting a
//! plan, and who the caller is. JSON in and out, typed in `shared::api`;
//! errors are `{"error": "<plain Swedish>"}` with a fitting status.
//!
//! - [`caller`]: who calls (session cookie, bearer token), and the
//!   extractors [`Caller`] and [`PlanMember`] the handlers take.
//! - [`sessions`]: signing in and out, who am I, redeeming an invitation.
//! - [`plans`]: what members do with a plan under `/api/plans/{plan}`.
//! - [`provider_sign_in`]: signing in and out through an OpenID Connect
//!   provider (`/auth/<id>/…`), and the list of providers.
//! - [`my_plans`]: the caller's plans (`/api/plans`), for "Mina planer".
//! - [`access_log`]: who looked at a plan, offline reads, log review.
//! - [`notifications`]: the caller's notification settings.
//! - [`refusals`]: a member's refused calls, in the access log.

mod access_log;
mod caller;
mod my_plans;
mod notifications;
mod plans;
mod provider_sign_in;
mod refusals;
mod sessions;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use shared::api::ErrorBody;

pub use caller::{caller, same_origin, session_token, Caller, PlanMember, SESSION_COOKIE};
pub use refusals::log_member_refusals;

use crate::access::AccessError;
use crate::AppState;

/// The `/api` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sign-in", post(sessions::sign_in))
        .route("/api/sign-in/check", post(sessions::check_sign_in))
        .route("/api/sign-in/providers", get(provider_sign_in::providers))
        .route("/auth/{provider}/start", get(provider_sign_in::start))
        .route("/auth/{provider}/callback", get(provider_sign_in::callback))
        .route("/auth/sign-out", post(provider_sign_in::sign_out))
        .route("/api/sign-out", post(sessions::sign_out))
        .route("/api/me", get(sessions::me))
        .route("/api/invitations/redeem", post(sessions::redeem))
        .route("/api/notifications", get(notifications::read).put(notifications::write))
        .route("/api/push-key", get(notifications::push_key))
        .route("/api/push-subscriptions", post(notifications::subscribe).delete(notifications::unsubscribe))
        .route("/api/push-subscriptions/check", post(notifications::check))
        .route("/api/plans", get(my_plans::my_plans))
        .route("/api/plans/{plan}", delete(plans::delete_plan))
        .route("/api/plans/{plan}/access", get(plans::plan_access))
        .route("/api/plans/{plan}/first-view", get(plans::first_view))
        .route("/api/plans/{plan}/export.json", get(plans::export_json))
        .route("/api/plans/{plan}/invitations", post(plans::invite).get(plans::invitations))
        .route("/api/plans/{plan}/invitations/{invitation}", delete(plans::revoke_invitation))
        .route("/api/plans/{plan}/members", get(plans::members))
        .route("/api/plans/{plan}/members/{principal}", delete(plans::remove_member))
        .route("/api/plans/{plan}/members/{principal}/reports", put(plans::set_reporter))
        .route("/api/plans/{plan}/devices/{session}", delete(plans::block_device))
        .route("/api/plans/{plan}/self-reports", post(plans::link_self_reports))
        .route("/api/plans/{plan}/actors", get(plans::actors))
        .route("/api/plans/{plan}/access-log", get(access_log::plan_access_log))
        .route("/api/plans/{plan}/offline-reads", post(access_log::offline_reads))
        .route("/api/access-log", get(access_log::review))
}

/// An API error as a response.
pub struct ApiError(StatusCode, String);

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: &str) -> ApiError {
        ApiError(status, message.to_string())
    }

    /// A plan that does not exist, or that the caller may not know of.
    fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Planen finns inte, eller så har du inte tillgång till den.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

impl From<AccessError> for ApiError {
    fn from(error: AccessError) -> ApiError {
        match error {
            AccessError::Database(e) => {
                tracing::error!(error = %e, "database error in the access API");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Något gick fel på servern. Försök igen.")
            }
            // Not a member: as if the plan did not exist.
            AccessError::Forbidden => ApiError::not_found(),
            AccessError::InvalidLink => {
                ApiError::new(StatusCode::GONE, "Länken gäller inte längre. Be om en ny länk.")
            }
            other => ApiError(StatusCode::BAD_REQUEST, other.to_string()),
        }
    }
}
