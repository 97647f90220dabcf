//! The HTTP routes: the sync WebSocket, a health check, the access API and
//! the app, with security headers on every response.

use std::path::Path;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, RawQuery, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

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
/// when the browser accepts it.
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
    let csp = content_security_policy(static_dir);
    Router::new()
        .route_service("/min-plan", home_page.clone())
        .route_service("/min-plan/", home_page.clone())
        .route_service("/inbjudan", home_page.clone())
        .route_service("/min-plan/{*rest}", home_page)
        .route("/sync", get(sync))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .merge(crate::api::routes())
        .fallback_service(app_files)
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
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

/// The Content-Security-Policy: only our own scripts (the inline start
/// scripts of the two `index.html`, by their hash),
/// WebAssembly, our own WebSocket; no framing.
fn content_security_policy(static_dir: &Path) -> HeaderValue {
    let pages: Vec<String> =
        [static_dir.join("index.html"), static_dir.join(HOME_APP_DIR).join("index.html")]
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap_or_default())
            .collect();
    let mut scripts: Vec<&str> = pages.iter().flat_map(|page| inline_scripts(page)).collect();
    scripts.sort_unstable();
    scripts.dedup();
    let hashes: String = scripts
        .into_iter()
        .map(|script| {
            use base64::Engine as _;
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

/// The contents of the inline `<script>` elements of a page.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open, body) = rest.split_once('>')?;
        if open.contains("src=") {
            return None;
        }
        body.split_once("</script>").map(|(script, _)| script)
    })
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
    let Some(slot) = state.connections.try_open(address.ip(), state.limits.connections_per_address) else {
        tracing::warn!(%address, "too many connections from one address");
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

async fn metrics(State(state): State<AppState>) -> Response {
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
