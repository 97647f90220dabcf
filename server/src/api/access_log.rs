//! The access log over HTTP (types in `shared::api::access_log`): who
//! looked at a plan, for its person and its coordinator; reads a device
//! made offline; and log review for accounts that review logs.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shared::api::{AccessLogLine, OfflineReads, PlanAccessEntry};

use super::caller::{Caller, PlanMember};
use super::ApiError;
use crate::access::access_log::query::{self, Filter, Line};
use crate::access::access_log::{Action, Entry, Who};
use crate::access::{now_millis, AccessError};
use crate::AppState;

/// An offline read older than this is not taken (a device's clock, or an
/// old report, is not trusted further back).
const OFFLINE_READS_BACK: i64 = 180 * 86_400_000;
/// Nor one this far in the future (clocks differ a little).
const CLOCK_SKEW: i64 = 5 * 60_000;

fn server_error(error: sqlx::Error) -> ApiError {
    ApiError::from(AccessError::Database(error))
}

/// `GET /api/plans/{plan}/access-log`.
pub(super) async fn plan_access_log(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
) -> Result<Json<Vec<PlanAccessEntry>>, ApiError> {
    if let Err(error) = state.access.plans.sees_access_log(&member).await {
        if matches!(error, AccessError::Forbidden) {
            let who = Who::principal(&member.principal);
            let entry = Entry::now(who, Some(&member.plan), Action::RefusedApi).role(member.role);
            state.access_log.record(entry.detail("GET access-log"));
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Bara personen själv och samordnaren ser vem som har tittat på planen.",
            ));
        }
        return Err(error.into());
    }
    let lines = query::for_person(&state.store.pool(), &member.plan).await.map_err(server_error)?;
    Ok(Json(
        lines
            .into_iter()
            .filter_map(|line| {
                let action = line.action()?;
                Some(PlanAccessEntry {
                    at: line.at,
                    name: line.name,
                    organisation: line.organisation,
                    action: action.in_plain_words().to_string(),
                    change: action.is_change(),
                    offline: line.offline,
                    own: line.principal == member.principal.id,
                })
            })
            .collect(),
    ))
}

/// `POST /api/plans/{plan}/offline-reads`.
pub(super) async fn offline_reads(
    State(state): State<AppState>,
    PlanMember(member): PlanMember,
    Json(body): Json<OfflineReads>,
) -> Result<StatusCode, ApiError> {
    if body.reads.len() > OfflineReads::MAX {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "För många läsningar på en gång."));
    }
    let now = now_millis();
    if body.reads.iter().any(|at| *at < now - OFFLINE_READS_BACK || *at > now + CLOCK_SKEW) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "En tid är för gammal eller ligger i framtiden."));
    }
    for at in body.reads {
        let mut entry =
            Entry::now(Who::principal(&member.principal), Some(&member.plan), Action::ReadOffline)
                .role(member.role);
        entry.at = at;
        entry.offline = true;
        state.access_log.record(entry);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The query of `GET /api/access-log`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ReviewQuery {
    plan: Option<String>,
    person: Option<String>,
    account: Option<String>,
    organisation: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sample: Option<u32>,
    format: Option<String>,
}

impl ReviewQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let time = |text: &Option<String>, end: bool| -> Result<Option<i64>, ApiError> {
            match text.as_deref().filter(|t| !t.trim().is_empty()) {
                None => Ok(None),
                Some(text) => query::parse_time(text, end)
                    .map(Some)
                    .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "Skriv datum som ÅÅÅÅ-MM-DD.")),
            }
        };
        let text =
            |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        let plan = match text(&self.plan) {
            Some(plan) => Some(super::caller::plan_id(&plan)?),
            None => None,
        };
        Ok(Filter {
            plan,
            person: text(&self.person),
            account: text(&self.account),
            organisation: text(&self.organisation),
            from: time(&self.from, false)?,
            to: time(&self.to, true)?,
            sample: self.sample,
        })
    }
}

/// `GET /api/access-log`: log review, for accounts that review logs only
/// (others get 403, and the refusal is logged); the review is logged too.
pub(super) async fn review(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Query(asked): Query<ReviewQuery>,
) -> Result<Response, ApiError> {
    let who = Who::principal(&principal);
    if !state.access.accounts.is_log_reviewer(&principal.id).await? {
        state.access_log.record(Entry::now(who, None, Action::RefusedApi).detail("GET /api/access-log"));
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Bara den som granskar loggar kan läsa loggen."));
    }
    let filter = asked.filter()?;
    state
        .access_log
        .record(Entry::now(who, filter.plan.as_deref(), Action::Review).detail(filter.describe()));
    let lines = query::review(&state.store.pool(), &filter).await.map_err(server_error)?;
    if asked.format.as_deref() == Some("csv") {
        let csv = query::to_csv(&lines).map_err(|error| {
            tracing::error!(%error, "could not write the access log as CSV");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Något gick fel på servern. Försök igen.")
        })?;
        return Ok((
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"atkomstlogg.csv\""),
                ),
            ],
            csv,
        )
            .into_response());
    }
    Ok(Json(lines.into_iter().map(line_for_api).collect::<Vec<_>>()).into_response())
}

fn line_for_api(line: Line) -> AccessLogLine {
    AccessLogLine {
        at: line.at,
        principal: line.principal,
        name: line.name,
        organisation: line.organisation,
        role: line.role,
        plan: line.plan,
        person: line.person,
        action: line.action,
        session: line.session_id,
        device: line.device,
        offline: line.offline,
        detail: line.detail,
    }
}
