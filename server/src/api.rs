//! The HTTP side of access: signing in, invitations, members, deleting a
//! plan, and who the caller is. JSON in and out; errors are
//! `{"error": "<plain Swedish>"}` with a fitting status.
//!
//! A caller is identified by the session cookie (`samplan_session`,
//! HttpOnly, SameSite=Strict), an `Authorization: Bearer` header, or (for
//! the WebSocket of plain automerge-repo clients) a `token` query
//! parameter. A request that carries the cookie must come from our own
//! origin (`Origin` equal to `Host`), so that no other site can act with it.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::DocumentId;

use crate::access::accounts::DEVICE_SESSION;
use crate::access::plans::DEFAULT_INVITATION_DAYS;
use crate::access::{AccessError, Principal, PrincipalKind, Role};
use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "samplan_session";

/// The `/api` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sign-in", post(sign_in))
        .route("/api/sign-out", post(sign_out))
        .route("/api/me", get(me))
        .route("/api/invitations/redeem", post(redeem))
        .route("/api/plans/{plan}", delete(delete_plan))
        .route("/api/plans/{plan}/access", get(plan_access))
        .route("/api/plans/{plan}/first-view", get(first_view))
        .route("/api/plans/{plan}/export.json", get(export_json))
        .route("/api/plans/{plan}/invitations", post(invite).get(invitations))
        .route("/api/plans/{plan}/invitations/{invitation}", delete(revoke_invitation))
        .route("/api/plans/{plan}/members", get(members))
        .route("/api/plans/{plan}/members/{principal}", delete(remove_member))
        .route("/api/plans/{plan}/members/{principal}/reports", put(set_reporter))
        .route("/api/plans/{plan}/devices/{session}", delete(block_device))
        .route("/api/plans/{plan}/self-reports", post(link_self_reports))
        .route("/api/plans/{plan}/actors", get(actors))
}

/// An API error as a response.
pub struct ApiError(StatusCode, String);

impl ApiError {
    fn new(status: StatusCode, message: &str) -> ApiError {
        ApiError(status, message.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
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
            AccessError::Forbidden => ApiError::new(
                StatusCode::NOT_FOUND,
                "Planen finns inte, eller så har du inte tillgång till den.",
            ),
            AccessError::InvalidLink => {
                ApiError::new(StatusCode::GONE, "Länken gäller inte längre. Be om en ny länk.")
            }
            other => ApiError(StatusCode::BAD_REQUEST, other.to_string()),
        }
    }
}

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
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE).and_then(|rest| rest.strip_prefix('=')))
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
    if !same_origin(headers, &state.public_url) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Förfrågan kommer från en annan webbplats."));
    }
    state.access.accounts.authenticate(&token).await?.ok_or_else(not_signed_in)
}

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

fn plan_id(plan: &str) -> Result<String, ApiError> {
    DocumentId::parse_url_or_id(plan).map(|id| id.to_string()).map_err(|_| {
        ApiError::new(StatusCode::NOT_FOUND, "Planen finns inte, eller så har du inte tillgång till den.")
    })
}

fn rate_limited(state: &AppState, address: SocketAddr) -> Result<(), ApiError> {
    if state.attempts.allow(address.ip(), Instant::now()) {
        Ok(())
    } else {
        state.metrics.rate_limited();
        Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "För många försök. Vänta en minut och försök igen."))
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<TokenBody>,
) -> Result<Response, ApiError> {
    rate_limited(&state, address)?;
    if !same_origin(&headers, &state.public_url) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Förfrågan kommer från en annan webbplats."));
    }
    let (session, principal) = state.access.accounts.redeem_sign_in(&body.token).await?;
    describe_session(&state, principal.session_id, &headers).await;
    tracing::info!(principal = %principal.id, "signed in");
    let max_age = crate::access::accounts::USER_SESSION.as_secs();
    Ok((
        [(header::SET_COOKIE, cookie(&state, session.reveal(), max_age))],
        Json(json!({ "name": principal.name })),
    )
        .into_response())
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    state.access.accounts.revoke_session(principal.session_id).await?;
    // Its open connections end now (others of the same person reconnect).
    state.online.disconnect([principal.id.as_str()]);
    Ok(([(header::SET_COOKIE, cookie(&state, "", 0))], StatusCode::NO_CONTENT).into_response())
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let kind = match principal.kind {
        PrincipalKind::User => "user",
        PrincipalKind::Device => "device",
    };
    Ok(Json(json!({ "name": principal.name, "kind": kind })).into_response())
}

async fn redeem(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<TokenBody>,
) -> Result<Response, ApiError> {
    rate_limited(&state, address)?;
    if !same_origin(&headers, &state.public_url) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Förfrågan kommer från en annan webbplats."));
    }
    // Someone already signed in (a professional, or a device of another plan) joins as themselves.
    let existing = match session_token(&headers, None) {
        Some(token) => state.access.accounts.authenticate(&token).await?,
        None => None,
    };
    let redeemed = state.access.plans.redeem(&body.token, existing.as_ref()).await?;
    tracing::info!(principal = %redeemed.principal, document = %redeemed.document_id, "invitation redeemed");
    if let Some(session_id) = redeemed.session_id {
        describe_session(&state, session_id, &headers).await;
    }
    // A signed-in member's open connections hold the old role: they decide again.
    state.online.recheck([redeemed.principal.as_str()]);
    let body = Json(json!({ "document_id": redeemed.document_id, "role": redeemed.role.as_str() }));
    Ok(match redeemed.session {
        Some(session) => {
            ([(header::SET_COOKIE, cookie(&state, session.reveal(), DEVICE_SESSION.as_secs()))], body)
                .into_response()
        }
        None => body.into_response(),
    })
}

async fn plan_access(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let role = state.access.plans.role(&plan, &principal).await?.ok_or(AccessError::Forbidden)?;
    Ok(Json(json!({ "role": role.as_str(), "name": principal.name })).into_response())
}

/// The stored plan document, for a member of it (read from what is
/// stored, so it holds only what the server acknowledged).
async fn stored_plan_for_member(
    state: &AppState,
    headers: &HeaderMap,
    plan: &str,
) -> Result<automerge::Automerge, ApiError> {
    let principal = caller(state, headers, None).await?;
    let not_found =
        || ApiError::new(StatusCode::NOT_FOUND, "Planen finns inte, eller så har du inte tillgång till den.");
    let id = DocumentId::parse_url_or_id(plan).map_err(|_| not_found())?;
    state.access.plans.role(&id.to_string(), &principal).await?.ok_or(AccessError::Forbidden)?;
    let loaded = state.store.load(&id).await.map_err(|error| {
        tracing::error!(%error, "could not read a stored plan");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Planen kan inte läsas just nu. Försök igen om en stund.",
        )
    })?;
    if shared::plan::is_empty(&loaded.doc) {
        return Err(not_found());
    }
    Ok(loaded.doc)
}

/// The plan as plain HTML for a member's first visit (see `first_view`).
async fn first_view(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let doc = stored_plan_for_member(&state, &headers, &plan).await?;
    let plan = shared::plan::read_plan(&doc).map_err(|_| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Planen går inte att läsa som en plan.")
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        crate::first_view::render(&plan),
    )
        .into_response())
}

/// The whole plan as JSON for another system (`shared::plan::export::to_json`),
/// as a file to save.
async fn export_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let doc = stored_plan_for_member(&state, &headers, &plan).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"samordnad-individuell-plan.json\""),
            ),
        ],
        shared::plan::export::to_json(&doc),
    )
        .into_response())
}

#[derive(Deserialize)]
struct InviteBody {
    role: String,
    label: String,
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    single_use: Option<bool>,
}

async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
    Json(body): Json<InviteBody>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let role = Role::parse(&body.role).ok_or(AccessError::Invalid("okänd roll"))?;
    let days = body.days.unwrap_or(DEFAULT_INVITATION_DAYS);
    let single_use = body.single_use.unwrap_or(true);
    let token = state.access.plans.invite(&plan, &principal, role, &body.label, days, single_use).await?;
    let link = format!("{}/inbjudan#{}", state.public_url.trim_end_matches('/'), token.reveal());
    Ok((StatusCode::CREATED, Json(json!({ "link": link }))).into_response())
}

#[derive(Serialize)]
struct InvitationView {
    id: i64,
    role: &'static str,
    label: String,
    expires_at: i64,
    single_use: bool,
    uses: i64,
    usable: bool,
}

async fn invitations(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let list: Vec<InvitationView> = state
        .access
        .plans
        .invitations(&plan, &principal)
        .await?
        .into_iter()
        .map(|i| InvitationView {
            id: i.id,
            role: i.role.as_str(),
            label: i.label,
            expires_at: i.expires_at,
            single_use: i.single_use,
            uses: i.uses,
            usable: i.usable,
        })
        .collect();
    Ok(Json(list).into_response())
}

async fn revoke_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((plan, invitation)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    state.access.plans.revoke_invitation(&plan, invitation, &principal).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
struct MemberView {
    principal: String,
    name: String,
    role: &'static str,
    active_sessions: i64,
    reports_for_person: bool,
    devices: Vec<DeviceView>,
}

#[derive(Serialize)]
struct DeviceView {
    session: i64,
    description: String,
    since: i64,
    blocked: bool,
}

async fn members(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let list: Vec<MemberView> = state
        .access
        .plans
        .members(&plan, &principal)
        .await?
        .into_iter()
        .map(|m| MemberView {
            principal: m.principal,
            name: m.name,
            role: m.role.as_str(),
            active_sessions: m.active_sessions,
            reports_for_person: m.reports_for_person,
            devices: m
                .devices
                .into_iter()
                .map(|d| DeviceView {
                    session: d.session_id,
                    description: d.description,
                    since: d.since,
                    blocked: d.blocked,
                })
                .collect(),
        })
        .collect();
    Ok(Json(list).into_response())
}

async fn remove_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((plan, member)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    state.access.plans.remove_member(&plan, &member, &principal).await?;
    state.online.disconnect([member.as_str()]);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn block_device(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((plan, session)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let member = state.access.plans.block_device(&plan, session, &principal).await?;
    // Its connections remember their access: let them ask again.
    state.online.disconnect([member.as_str()]);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct ReporterBody {
    allowed: bool,
}

async fn set_reporter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((plan, member)): Path<(String, String)>,
    Json(body): Json<ReporterBody>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    state.access.plans.set_reporter(&plan, &member, body.allowed, &principal).await?;
    // Writing the reports is given or taken; reading them stays.
    state.online.recheck([member.as_str()]);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn delete_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let id = DocumentId::parse_url_or_id(&plan).map_err(|_| AccessError::Forbidden)?;
    let (members, documents) = state.access.plans.delete(&id.to_string(), &principal).await?;
    for document in documents.iter().filter_map(|d| DocumentId::parse_url_or_id(d).ok()) {
        state.documents.delete(document).await;
    }
    state.online.disconnect(members.iter().map(String::as_str));
    tracing::info!(principal = %principal.id, document = %id, "plan deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct SelfReportsBody {
    document_id: String,
}

async fn link_self_reports(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
    Json(body): Json<SelfReportsBody>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let reports = plan_id(&body.document_id)?;
    state.access.plans.link_self_reports(&plan, &reports, &principal).await?;
    // Open connections remember their access to the document: they decide
    // again (the coordinator who made it now only reads it; nobody loses
    // reading, so nobody is disconnected).
    let members = state.access.plans.member_principals(&plan).await?;
    state.online.recheck(members.iter().map(String::as_str));
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn actors(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(plan): Path<String>,
) -> Result<Response, ApiError> {
    let principal = caller(&state, &headers, None).await?;
    let plan = plan_id(&plan)?;
    let names = state.access.plans.actor_names(&plan, &principal).await?;
    let list: Vec<_> =
        names.into_iter().map(|(actor, name)| json!({ "actor": actor, "name": name })).collect();
    Ok(Json(list).into_response())
}
