//! The HTTP routes: the sync WebSocket, a health check, and the app.

use std::path::Path;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// All routes. The app is a single-page app: unknown paths get `index.html`.
pub fn router(state: AppState, static_dir: &Path) -> Router {
    let app_files = ServeDir::new(static_dir).fallback(ServeFile::new(static_dir.join("index.html")));
    Router::new()
        .route("/sync", get(sync))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback_service(app_files)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn sync(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
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
            crate::connection::serve(socket, state).await;
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
