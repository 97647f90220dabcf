//! Who calls: the session a request carries, and the extractors the
//! handlers take instead of finding it out themselves.
//!
//! A caller is identified by the session cookie (`samplan_session`,
//! HttpOnly, SameSite=Strict), an `Authorization: Bearer` header, or (for
//! the WebSocket of plain automerge-repo clients) a `token` query
//! parameter. A request that carries the cookie must come from our own
//! origin (`Origin` equal to `Host`), so that no other site can act with it.
//!
//! - [`Caller`]: a signed-in principal (401 otherwise).
//! - [`PlanMember`]: a signed-in principal with a role in the plan that the
//!   path names (`/api/plans/{plan}/…`); anyone else is answered as if the
//!   plan did not exist (404).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::Deserialize;
use shared::DocumentId;

use super::ApiError;
use crate::access::access_log::{Action, Entry, Who};
use crate::access::{AccessError, Membership, Principal};
use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "samplan_session";

/// The session token of a request: bearer header, `token` query parameter, or cookie.
pub fn session_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    if let Some(token) =
        query.into_iter().flat_map(|q| q.split('&')).find_map(|pair| pair.strip_prefix("token="))
    {
        return Some(token.to_string());
    }
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` in a request, if it came with one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
        .map(str::to_string)
}

/// Whether the request comes from our own origin, or from no browser at all.
/// A browser always sends `Origin` on WebSocket upgrades and on POST/DELETE;
/// it must name the host the request was sent to.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    // Behind a proxy that rewrites `Host`, the public address is ours too.
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// Refused unless the request comes from our own origin (see [`same_origin`]).
pub fn require_same_origin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if same_origin(headers, &state.public_url) {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::FORBIDDEN, "Förfrågan kommer från en annan webbplats."))
    }
}

/// Who makes this request: a valid session, sent in a way this request may use.
pub async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Principal, ApiError> {
    let not_signed_in =
        || ApiError::new(StatusCode::UNAUTHORIZED, "Du är inte inloggad, eller så har inloggningen gått ut.");
    let token = session_token(headers, query).ok_or_else(not_signed_in)?;
    // The cookie is SameSite=Strict, so other sites cannot send it; a
    // browser's `Origin`, whenever present, must still be ours.
    require_same_origin(state, headers)?;
    state.access.accounts.authenticate(&token).await?.ok_or_else(not_signed_in)
}

/// The id of a plan as the API names it (`automerge:…` or the bare id);
/// one that is no plan id is answered as a plan that does not exist.
pub fn plan_id(plan: &str) -> Result<String, ApiError> {
    DocumentId::parse_url_or_id(plan).map(|id| id.to_string()).map_err(|_| ApiError::not_found())
}

/// The signed-in caller of a request.
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        caller(state, &parts.headers, None).await.map(Caller)
    }
}

/// The caller as a member of the plan its path names: signed in (401
/// otherwise), the path's `{plan}` a plan id, and a role in that plan (404
/// otherwise, as if the plan did not exist). What the member may do beyond
/// reading, the operation checks on the [`Membership`].
pub struct PlanMember(pub Membership);

/// The `{plan}` of a path under `/api/plans/{plan}` (other parameters are
/// the handler's).
#[derive(Deserialize)]
struct PlanPath {
    plan: String,
}

impl FromRequestParts<AppState> for PlanMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PlanMember, ApiError> {
        let Caller(principal) = Caller::from_request_parts(parts, state).await?;
        let Path(PlanPath { plan }) =
            Path::<PlanPath>::from_request_parts(parts, state).await.map_err(|_| ApiError::not_found())?;
        let plan = plan_id(&plan)?;
        let who = Who::principal(&principal);
        match state.access.plans.membership(&plan, principal).await {
            Ok(membership) => Ok(PlanMember(membership)),
            Err(error) => {
                if matches!(error, AccessError::Forbidden) {
                    let detail = format!("{} {}", parts.method, parts.uri.path());
                    state.access_log.record(Entry::now(who, Some(&plan), Action::RefusedApi).detail(detail));
                }
                Err(error.into())
            }
        }
    }
}
