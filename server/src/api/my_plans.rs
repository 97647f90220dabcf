//! `GET /api/plans`: every plan the caller is a member of, for "Mina
//! planer" on any device (a coordinator on a new computer, a plan that
//! `samplan-server demo` stored), with what the list shows of each: the
//! person, the coordinator, the dates, whether it is closed, and the
//! caller's role.
//!
//! Each plan is read from what is stored, and only the fields a list shows
//! (`shared::plan_summary`), once per change of the plan
//! (`crate::plan_summaries`). A plan the server holds nothing of yet is
//! left out: there is nothing to open.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use futures::{StreamExt, TryStreamExt};
use shared::api::MyPlan;
use shared::DocumentId;

use super::caller::Caller;
use super::ApiError;
use crate::access::plans::MemberPlan;
use crate::AppState;

/// How many plans are read from the store at once.
const READ_AT_ONCE: usize = 4;

pub(super) async fn my_plans(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Json<Vec<MyPlan>>, ApiError> {
    let memberships = state.access.plans.plans_of(&principal).await?;
    let mut plans: Vec<MyPlan> = futures::stream::iter(memberships)
        .map(|membership| summarise(&state, membership))
        .buffered(READ_AT_ONCE)
        .try_filter_map(|plan| async move { Ok(plan) })
        .try_collect()
        .await?;
    plans.sort_by_cached_key(|p| (p.person.to_lowercase(), p.title.to_lowercase(), p.document_id.clone()));
    Ok(Json(plans))
}

/// One plan as the list shows it; `None` when the server holds nothing of it.
async fn summarise(state: &AppState, membership: MemberPlan) -> Result<Option<MyPlan>, ApiError> {
    let Ok(id) = DocumentId::parse_url_or_id(&membership.plan) else { return Ok(None) };
    let summary = state.plan_summaries.summary(&state.store, &id).await.map_err(|error| {
        tracing::error!(%error, "could not read a stored plan for the list of plans");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Planerna kan inte läsas just nu. Försök igen om en stund.",
        )
    })?;
    Ok(summary.map(|summary| MyPlan {
        document_id: id.to_string(),
        title: summary.title,
        person: summary.person,
        coordinator: summary.coordinator.unwrap_or(membership.coordinator),
        next_follow_up: summary.next_follow_up,
        meetings: summary.meetings,
        closed: summary.closed,
        role: membership.role,
    }))
}
