//! What members do with a plan, under `/api/plans/{plan}`: their role, the
//! plan as HTML or JSON, invitations, members and devices, the self-report
//! document, the actors' names, and deleting the plan. Every handler takes
//! a [`PlanMember`]: who calls and in which plan is settled before it runs.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shared::api::{
    Actor, Invitation, InviteRequest, Invited, Member, PlanAccess, ReporterRequest, SelfReportsRequest,
};
use shared::DocumentId;

use super::caller::{plan_id, PlanMember};
use super::ApiError;
use crate::access::access_log::{Action, Entry, Who};
use crate::access::plans::DEFAULT_INVITATION_DAYS;
use crate::access::{AccessError, Membership};
use crate::AppState;

/// `{invitation}` of `/api/plans/{plan}/invitations/{invitation}`.
#[derive(Deserialize)]
pub(super) struct InvitationPath {
    invitation: i64,
}

/// `{principal}` of `/api/plans/{plan}/members/{principal}…`.
#[derive(Deserialize)]
pub(super) struct MemberPath {
    principal: String,
}

/// `{session}` of `/api/plans/{plan}/devices/{session}`.
#[derive(Deserialize)]
pub(super) struct DevicePath {
    session: i64,
}

pub(super) async fn plan_access(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Json<PlanAccess>, ApiError> {
    let participant = state.access.plans.own_participant(&member).await?;
    Ok(Json(PlanAccess { name: member.principal.name, role: member.role, participant }))
}

/// `member` got the plan's content: `action` in the access log.
pub(super) fn log_read(state: &AppState, member: &Membership, action: Action) {
    let entry = Entry::now(Who::principal(&member.principal), Some(&member.plan), action);
    state.access_log.record(entry.role(member.role));
}

/// The stored plan document, for a member of it (read from what is
/// stored, so it holds only what the server acknowledged).
async fn stored_plan(state: &AppState, member: &Membership) -> Result<automerge::Automerge, ApiError> {
    let id = DocumentId::parse_url_or_id(&member.plan).map_err(|_| ApiError::not_found())?;
    let loaded = state.store.load(&id).await.map_err(|error| {
        tracing::error!(%error, "could not read a stored plan");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Planen kan inte läsas just nu. Försök igen om en stund.",
        )
    })?;
    if shared::plan::is_empty(&loaded.doc) {
        return Err(ApiError::not_found());
    }
    Ok(loaded.doc)
}

/// The plan as plain HTML for a member's first visit (see `first_view`).
pub(super) async fn first_view(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Response, ApiError> {
    let doc = stored_plan(&state, &member).await?;
    log_read(&state, &member, Action::ReadFirstView);
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
pub(super) async fn export_json(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Response, ApiError> {
    let doc = stored_plan(&state, &member).await?;
    log_read(&state, &member, Action::ReadExport);
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

pub(super) async fn invite(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
    Json(body): Json<InviteRequest>,
) -> Result<Response, ApiError> {
    let role = body.role.ok_or(AccessError::Invalid("okänd roll"))?;
    let days = body.days.unwrap_or(DEFAULT_INVITATION_DAYS);
    let single_use = body.single_use.unwrap_or(true);
    let participant = body.participant.as_deref().unwrap_or_default();
    let token = state.access.plans.invite(&member, role, &body.label, days, single_use, participant).await?;
    let link = format!("{}/inbjudan#{}", state.public_url.trim_end_matches('/'), token.reveal());
    Ok((StatusCode::CREATED, Json(Invited { link })).into_response())
}

pub(super) async fn invitations(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Json<Vec<Invitation>>, ApiError> {
    Ok(Json(state.access.plans.invitations(&member).await?))
}

pub(super) async fn revoke_invitation(
    State(state): State<AppState>,
    Path(InvitationPath { invitation }): Path<InvitationPath>,
    PlanMember(member): PlanMember,
) -> Result<StatusCode, ApiError> {
    state.access.plans.revoke_invitation(&member, invitation).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn members(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Json<Vec<Member>>, ApiError> {
    let members = state.access.plans.members(&member).await?;
    log_read(&state, &member, Action::ReadMembers);
    Ok(Json(members))
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    Path(MemberPath { principal }): Path<MemberPath>,
    PlanMember(member): PlanMember,
) -> Result<StatusCode, ApiError> {
    state.access.plans.remove_member(&member, &principal).await?;
    state.online.disconnect([principal.as_str()]).await;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn block_device(
    State(state): State<AppState>,
    Path(DevicePath { session }): Path<DevicePath>,
    PlanMember(member): PlanMember,
) -> Result<StatusCode, ApiError> {
    let blocked = state.access.plans.block_device(&member, session).await?;
    // Its connections remember their access: let them ask again.
    state.online.disconnect([blocked.as_str()]).await;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn set_reporter(
    State(state): State<AppState>,
    Path(MemberPath { principal }): Path<MemberPath>,
    PlanMember(member): PlanMember,
    Json(body): Json<ReporterRequest>,
) -> Result<StatusCode, ApiError> {
    state.access.plans.set_reporter(&member, &principal, body.allowed).await?;
    // Writing the reports is given or taken; reading them stays.
    state.online.recheck([principal.as_str()]).await;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn delete_plan(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<StatusCode, ApiError> {
    let (members, documents) = state.access.plans.delete(&member).await?;
    let documents: Vec<DocumentId> =
        documents.iter().filter_map(|d| DocumentId::parse_url_or_id(d).ok()).collect();
    for document in &documents {
        state.documents.delete(*document).await;
    }
    state.online.deleted(&documents).await;
    state.online.disconnect(members.iter().map(String::as_str)).await;
    tracing::info!(principal = %member.principal.id, document = %member.plan, "plan deleted");
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn link_self_reports(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
    Json(body): Json<SelfReportsRequest>,
) -> Result<Json<SelfReportsRequest>, ApiError> {
    let reports = plan_id(&body.document_id)?;
    let linked = state.access.plans.link_self_reports(&member, &reports).await?;
    // Open connections remember their access to the document: they decide
    // again (the coordinator who made it now only reads it; nobody loses
    // reading, so nobody is disconnected).
    let members = state.access.plans.member_principals(&member.plan).await?;
    state.online.recheck(members.iter().map(String::as_str)).await;
    Ok(Json(SelfReportsRequest { document_id: linked }))
}

pub(super) async fn actors(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Json<Vec<Actor>>, ApiError> {
    let names = state.access.plans.actor_names(&member).await?;
    Ok(Json(names.into_iter().map(|(actor, name)| Actor { actor, name }).collect()))
}
