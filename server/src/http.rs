//! The HTTP routes: the sync WebSocket, a health check, the access API and
//! the app, with security headers on every response.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{ConnectInfo, RawQuery, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app_build::CurrentBuild;
use crate::AppState;

/// Where the person's own view ("Min plan", a wasm of its own) is built,
/// inside the static directory.
pub const HOME_APP_DIR: &str = "hem";

/// All routes. The app is a single-page app: unknown paths get `index.html`,
/// except paths that name a file (a dot in the last part): those get 404, so
/// that a file gone with an older build (a wasm chunk asked for by a tab
/// left open) is an error the app and the service worker see as one, not a
/// page stored under the file's name. `/min-plan` and below, and invitation
/// links (`/inbjudan`), get the person's view. Files are sent
/// precompressed (`.br`, `.gz` beside them, made by `scripts/build-app.sh`)
/// when the browser accepts it. The Content-Security-Policy follows the
/// build (`app_build`): a new build needs no restart.
pub fn router(state: AppState, static_dir: &Path) -> Router {
    let page = |path: std::path::PathBuf| ServeFile::new(path).precompressed_br().precompressed_gzip();
    let index = page(static_dir.join("index.html"));
    let app_page_or_missing = tower::service_fn(move |request: axum::extract::Request| {
        let index = index.clone();
        async move {
            let names_a_file = request.uri().path().rsplit('/').next().is_some_and(|last| last.contains('.'));
            if names_a_file {
                return Ok::<_, std::convert::Infallible>(
                    (StatusCode::NOT_FOUND, "Filen finns inte.").into_response(),
                );
            }
            let response = tower::ServiceExt::oneshot(index, request).await?;
            Ok(response.into_response())
        }
    });
    let app_files =
        ServeDir::new(static_dir).precompressed_br().precompressed_gzip().fallback(app_page_or_missing);
    let home_page = page(static_dir.join(HOME_APP_DIR).join("index.html"));
    Router::new()
        .route_service("/min-plan", home_page.clone())
        .route_service("/min-plan/", home_page.clone())
        .route_service("/inbjudan", home_page.clone())
        .route_service("/min-plan/{*rest}", home_page)
        .route("/sync", get(sync))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .merge(crate::api::routes().layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::api::log_member_refusals,
        )))
        .fallback_service(app_files)
        .layer(axum::middleware::map_response_with_state(
            Arc::new(CurrentBuild::new(static_dir)),
            set_content_security_policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Spans name the path only: a token in a query string is never logged.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Every response names the Content-Security-Policy of the build served now.
async fn set_content_security_policy(
    State(build): State<Arc<CurrentBuild>>,
    mut response: Response,
) -> Response {
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, build.content_security_policy());
    response
}

async fn sync(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    upgrade: WebSocketUpgrade,
) -> Response {
    let principal = match crate::api::caller(&state, &headers, query.as_deref()).await {
        Ok(principal) => principal,
        Err(error) => {
            tracing::info!(%address, "sync refused: no valid session or a foreign origin");
            return error.into_response();
        }
    };
    let client = state.trusted_proxies.client(address.ip(), &headers);
    let Some(slot) = state.connections.try_open(client, state.limits.connections_per_address) else {
        tracing::warn!(%client, "too many connections from one address");
        state.metrics.refused_connection();
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "För många anslutningar från samma adress. Försök igen senare.\n",
        )
            .into_response();
    };
    // Frames up to twice the limit reach the connection, which answers with
    // a clear `error`; larger ones are cut off by the WebSocket layer itself
    // (close code 1009), so no peer can make the server buffer more.
    let hard_cap = state.limits.max_message_bytes.saturating_mul(2);
    upgrade
        .max_message_size(hard_cap)
        .max_frame_size(hard_cap)
        // Small buffers that grow on demand: idle connections stay cheap.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| async move {
            crate::connection::serve(socket, state, principal).await;
            drop(slot);
        })
}

/// The counters, for whoever shows the token (`--metrics-token`);
/// without a token configured, there are none here (404): they tell how
/// busy the service is and when people work.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.metrics_token else {
        return (StatusCode::NOT_FOUND, "Mätvärden är avstängda (se --metrics-token).\n").into_response();
    };
    let shown = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let same: bool = subtle::ConstantTimeEq::ct_eq(shown.as_bytes(), token.as_bytes()).into();
    if !same {
        return (StatusCode::UNAUTHORIZED, "Mätvärden kräver en token.\n").into_response();
    }
    let body = state.metrics.render(state.documents.loaded());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}
