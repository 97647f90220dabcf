//! Refused API calls of members, in the access log.
//!
//! A caller who is not a member of the plan is logged where that is found
//! out ([`super::PlanMember`]). A member who asks for what their role does
//! not allow (a reader who tries to invite, an editor who tries to delete
//! the plan) is refused deeper down, as if the plan did not exist (404):
//! this layer sees such an answer to a member and logs it as a refused
//! call, so that every refusal of a signed-in caller is in the log. Calls
//! without a valid session are not logged (nobody to name, and a flood of
//! them would fill a log kept for five years); the rate limits and the
//! server's output cover those.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::caller::{caller, plan_id};
use crate::access::access_log::{Action, Entry, Who};
use crate::AppState;

/// Log a member's call under `/api/plans/{plan}` that was answered 404.
pub async fn log_member_refusals(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let Some(plan) = path.strip_prefix("/api/plans/").and_then(|rest| rest.split('/').next()) else {
        return response;
    };
    let (Ok(plan), Ok(principal)) = (plan_id(plan), caller(&state, &headers, None).await) else {
        return response;
    };
    // Not a member: logged already, by the extractor that found out.
    let Ok(membership) = state.access.plans.membership(&plan, principal).await else { return response };
    let entry = Entry::now(Who::principal(&membership.principal), Some(&plan), Action::RefusedApi)
        .role(membership.role)
        .detail(format!("{method} {path}"));
    state.access_log.record(entry);
    response
}
