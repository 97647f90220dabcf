//! Sessions: signing in with a one-time link (asking first when the browser
//! is signed in as someone else), signing out, who the caller is, and
//! redeeming an invitation (which may make a new device session).
//! Sign-in and redemption are rate limited per address.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::api::{Me, Redeemed, SignInCheck, SignInRequest, SignedIn, TokenRequest};

use super::caller::{require_same_origin, session_token, Caller, SESSION_COOKIE};
use super::ApiError;
use crate::access::access_log::{Action, Entry, Who};
use crate::access::accounts::{DEVICE_SESSION, USER_SESSION};
use crate::access::{AccessError, Principal};
use crate::AppState;

fn cookie(state: &AppState, token: &str, max_age_secs: u64) -> HeaderValue {
    let secure = if state.public_url.starts_with("https://") { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Remember what kind of device a new session is on. The session is made
/// (and its one-time link used) already: a failure here is logged, not
/// turned into a failed sign-in.
async fn describe_session(state: &AppState, session_id: i64, headers: &HeaderMap) {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Err(error) = state.access.accounts.describe_session(session_id, user_agent).await {
        tracing::warn!(%error, "could not record the kind of device of a new session");
    }
}

/// An attempt to use a one-time link (sign-in, invitation): counted per
/// address (too many are refused for a minute), and only from our own
/// origin. Carries the client's address, for the access log.
pub(super) struct LinkAttempt {
    client: IpAddr,
    /// An invitation (its own bucket), else a sign-in link.
    invitation: bool,
}

impl LinkAttempt {
    /// A link that did not work: counted against the client's address, and
    /// `signin.failed` in the access log (who it was is unknown; the
    /// address and what kind of link are the detail).
    fn failed(&self, state: &AppState, error: AccessError) -> ApiError {
        if matches!(error, AccessError::InvalidLink) {
            let attempts = if self.invitation { &state.invitation_attempts } else { &state.sign_in_attempts };
            attempts.failed(self.client, Instant::now());
            let link = if self.invitation { "inbjudan" } else { "inloggningslänk" };
            let entry = Entry::now(Who::unknown(), None, Action::SignInFailed);
            state.access_log.record(entry.detail(format!("{link} från {}", self.client)));
        }
        error.into()
    }
}

impl FromRequestParts<AppState> for LinkAttempt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<LinkAttempt, ApiError> {
        // Served without the peer's address, nothing can be counted: refused.
        let ConnectInfo(address) =
            ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await.map_err(|_| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Något gick fel på servern. Försök igen.")
            })?;
        let client = state.trusted_proxies.client(address.ip(), &parts.headers);
        let invitation = parts.uri.path().starts_with("/api/invitations");
        let attempts = if invitation { &state.invitation_attempts } else { &state.sign_in_attempts };
        if !attempts.may_try(client, Instant::now()) {
            state.metrics.rate_limited();
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "För många försök. Vänta en minut och försök igen.",
            ));
        }
        require_same_origin(state, &parts.headers)?;
        Ok(LinkAttempt { client, invitation })
    }
}

/// Who a request's session speaks for, if it carries a valid one.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, ApiError> {
    Ok(match session_token(headers, None) {
        Some(token) => state.access.accounts.authenticate(&token).await?,
        None => None,
    })
}

/// Whose sign-in link this is, and who the browser is signed in as now if
/// that is someone else: the app asks before it switches accounts. The
/// link stays unused.
pub(super) async fn check_sign_in(
    State(state): State<AppState>,
    attempt: LinkAttempt,
    headers: HeaderMap,
    Json(body): Json<TokenRequest>,
) -> Result<Json<SignInCheck>, ApiError> {
    let (owner, name) =
        state.access.accounts.sign_in_link_owner(&body.token).await.map_err(|e| attempt.failed(&state, e))?;
    let current = signed_in(&state, &headers).await?.filter(|current| current.id != owner);
    Ok(Json(SignInCheck { name, signed_in_as: current.map(|current| current.name) }))
}

/// Sign in with a one-time link. A browser signed in as someone else is
/// refused (409, the link unused) unless the request says `replace`: then
/// the old session ends, so that one browser is one person.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    attempt: LinkAttempt,
    headers: HeaderMap,
    Json(body): Json<SignInRequest>,
) -> Result<Response, ApiError> {
    let (owner, name) =
        state.access.accounts.sign_in_link_owner(&body.token).await.map_err(|e| attempt.failed(&state, e))?;
    let replaced = signed_in(&state, &headers).await?.filter(|current| current.id != owner);
    if let (Some(current), false) = (&replaced, body.replace) {
        return Err(ApiError(
            StatusCode::CONFLICT,
            format!("Du är inloggad som {}. Vill du logga in som {name} i stället?", current.name),
        ));
    }
    let (session, principal) =
        state.access.accounts.redeem_sign_in(&body.token).await.map_err(|e| attempt.failed(&state, e))?;
    state.access_log.record(Entry::now(Who::principal(&principal), None, Action::SignIn));
    if let Some(current) = replaced {
        state.access.accounts.revoke_session(current.session_id).await?;
        state.online.disconnect([current.id.as_str()]).await;
        tracing::info!(principal = %current.id, "signed out by another account's sign-in");
    }
    describe_session(&state, principal.session_id, &headers).await;
    tracing::info!(principal = %principal.id, "signed in");
    Ok((
        [(header::SET_COOKIE, cookie(&state, session.reveal(), USER_SESSION.as_secs()))],
        Json(SignedIn { name: principal.name }),
    )
        .into_response())
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    state.access.accounts.revoke_session(principal.session_id).await?;
    // Its open connections end now (others of the same person reconnect).
    state.online.disconnect([principal.id.as_str()]).await;
    Ok(([(header::SET_COOKIE, cookie(&state, "", 0))], StatusCode::NO_CONTENT).into_response())
}

pub(super) async fn me(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Json<Me>, ApiError> {
    let from_provider = state.access.accounts.session_provider(principal.session_id).await?.is_some();
    Ok(Json(Me { kind: principal.kind, name: principal.name, from_provider }))
}

pub(super) async fn redeem(
    State(state): State<AppState>,
    attempt: LinkAttempt,
    headers: HeaderMap,
    Json(body): Json<TokenRequest>,
) -> Result<Response, ApiError> {
    // Someone already signed in (a professional, or a device of another plan) joins as themselves.
    let existing = signed_in(&state, &headers).await?;
    let redeemed = state
        .access
        .plans
        .redeem(&body.token, existing.as_ref())
        .await
        .map_err(|e| attempt.failed(&state, e))?;
    let who = Who {
        principal: redeemed.principal.clone(),
        name: existing.as_ref().map(|p| p.name.clone()),
        session_id: redeemed.session_id.or(existing.as_ref().map(|p| p.session_id)),
    };
    let entry = Entry::now(who, Some(&redeemed.document_id), Action::SignIn).role(redeemed.role);
    state.access_log.record(entry.detail("inbjudan"));
    tracing::info!(principal = %redeemed.principal, document = %redeemed.document_id, "invitation redeemed");
    if let Ok(plan) = shared::DocumentId::parse_url_or_id(&redeemed.document_id) {
        state.notices.changed(plan);
    }
    if let Some(session_id) = redeemed.session_id {
        describe_session(&state, session_id, &headers).await;
    }
    // A signed-in member's open connections hold the old role: they decide again.
    state.online.recheck([redeemed.principal.as_str()]).await;
    let body = Json(Redeemed { document_id: redeemed.document_id, role: redeemed.role });
    Ok(match redeemed.session {
        Some(session) => {
            ([(header::SET_COOKIE, cookie(&state, session.reveal(), DEVICE_SESSION.as_secs()))], body)
                .into_response()
        }
        None => body.into_response(),
    })
}
