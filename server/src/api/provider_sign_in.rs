//! Signing in through an OpenID Connect provider, over HTTP: the list of
//! providers for the sign-in page, the redirect out (`/auth/<id>/start`),
//! the callback (`/auth/<id>/callback`) that makes the session, and
//! signing out here and at the provider (`POST /auth/sign-out`).
//!
//! The callback's answers are small HTML pages or redirects, not JSON: the
//! browser arrives there from the provider, not from the app's script.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::api::SignInProvider;

use super::caller::{cookie, require_same_origin, session_token};
use super::ApiError;
use crate::access::access_log::{Action, Entry, Who};
use crate::access::accounts::{describe_sign_in, session_length, Refusal};
use crate::access::tokens::Token;
use crate::access::{Principal, Role};
use crate::oidc::{OidcError, ProviderKind, VerifiedIdentity};
use crate::AppState;

/// The cookie that binds a sign-in's `state` to the browser that started it.
const STATE_COOKIE: &str = "samplan_oidc_state";

/// `GET /api/sign-in/providers`: one entry per configured provider.
pub(super) async fn providers(State(state): State<AppState>) -> Json<Vec<SignInProvider>> {
    Json(
        state
            .identity_providers
            .list()
            .map(|p| SignInProvider {
                id: p.id.clone(),
                label: p.label.clone(),
                kind: match p.kind {
                    ProviderKind::Staff => "staff",
                    ProviderKind::Citizen => "citizen",
                }
                .to_string(),
            })
            .collect(),
    )
}

fn secure(state: &AppState) -> &'static str {
    if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

fn redirect(to: &str, cookies: Vec<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// A page that says what went wrong, in plain Swedish, with the way back.
fn refusal_page(status: StatusCode, message: &str) -> Response {
    let message = html_escape::encode_text(message);
    let body = format!(
        "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"/favicon-32.png\"><title>Inloggningen gick inte – Samplan</title></head>\
         <body style=\"font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5\">\
         <main><h1>Inloggningen gick inte</h1><p role=\"alert\">{message}</p>\
         <p><a href=\"/logga-in\" style=\"display: inline-block; min-height: 44px; line-height: 44px\">Tillbaka till inloggningen</a></p>\
         </main></body></html>"
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// `GET /auth/<id>/start[?invitation=<token>]`: off to the provider.
pub(super) async fn start(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let invitation = query.get("invitation").filter(|t| !t.is_empty()).cloned();
    match state.identity_providers.start(&provider, invitation).await {
        Ok(started) => {
            let cookie = format!(
                "{STATE_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/auth; Max-Age={}{}",
                started.state,
                crate::oidc::SIGN_IN_WINDOW.as_secs(),
                secure(&state)
            );
            redirect(&started.redirect_to, vec![cookie])
        }
        Err(error) => {
            tracing::warn!(%error, provider, "could not start a sign-in");
            refusal_page(StatusCode::BAD_GATEWAY, error.in_plain_words())
        }
    }
}

/// Why a callback made no session.
enum Failed {
    Oidc(OidcError),
    Refused(Refusal, Box<VerifiedIdentity>),
}

/// `GET /auth/<id>/callback?code=…&state=…`: check everything, then a
/// session (staff: their account; citizen: the device bound to them) and
/// on to Mina planer or Min plan. Whatever fails, no session is made, and
/// the access log says who tried, when possible.
pub(super) async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let clear_state =
        format!("{STATE_COOKIE}=; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=0{}", secure(&state));
    match finish(&state, &provider, &query, &headers).await {
        Ok((session, max_age, to)) => {
            let cookie = format!(
                "{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{}",
                super::SESSION_COOKIE,
                session,
                secure(&state)
            );
            redirect(&to, vec![cookie, clear_state])
        }
        Err(Failed::Oidc(error)) => {
            tracing::warn!(%error, provider, "sign-in through a provider failed");
            let entry = Entry::now(Who::unknown(), None, Action::SignInFailed);
            state.access_log.record(entry.detail(format!("{provider}: {error}")));
            let mut response = refusal_page(StatusCode::BAD_REQUEST, error.in_plain_words());
            if let Ok(value) = HeaderValue::from_str(&clear_state) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(Failed::Refused(refusal, identity)) => {
            tracing::info!(%refusal, provider, "a verified sign-in was refused");
            let entry = Entry::now(Who::unknown(), None, Action::SignInFailed);
            // Staff by HSA-id; a person's identity number stays out of the log.
            let who = match identity.kind {
                ProviderKind::Staff => identity.subject.as_str(),
                ProviderKind::Citizen => "personen",
            };
            let detail = format!("{who} {}: {refusal}", describe_sign_in(&identity));
            state.access_log.record(entry.detail(detail));
            let status = match refusal {
                Refusal::Access(_) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::FORBIDDEN,
            };
            let message = match &refusal {
                Refusal::Access(_) => "Något gick fel på servern. Försök igen.".to_string(),
                other => other.to_string(),
            };
            refusal_page(status, &message)
        }
    }
}

/// The session token, its lifetime in seconds, and where to go next.
async fn finish(
    state: &AppState,
    provider: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(String, u64, String), Failed> {
    let returned_state = query.get("state").map(String::as_str).unwrap_or_default();
    if let Some(error) = query.get("error") {
        return Err(Failed::Oidc(OidcError::Provider(error.clone())));
    }
    let code = query.get("code").map(String::as_str).unwrap_or_default();
    let identity = state
        .identity_providers
        .finish(provider, code, returned_state, cookie(headers, STATE_COOKIE).as_deref())
        .await
        .map_err(Failed::Oidc)?;
    let settings = state
        .identity_providers
        .settings(provider)
        .ok_or_else(|| Failed::Oidc(OidcError::UnknownProvider(provider.into())))?;
    let (token, principal, to) = match identity.kind {
        ProviderKind::Staff => {
            let (token, principal) = state
                .access
                .accounts
                .sign_in_staff(&identity, settings)
                .await
                .map_err(|r| Failed::Refused(r, Box::new(identity.clone())))?;
            (token, principal, "/".to_string())
        }
        ProviderKind::Citizen => sign_in_person(state, &identity)
            .await
            .map_err(|r| Failed::Refused(r, Box::new(identity.clone())))?,
    };
    let entry = Entry::now(Who::principal(&principal), None, Action::SignIn);
    state.access_log.record(entry.detail(describe_sign_in(&identity)));
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Err(error) = state.access.accounts.describe_session(principal.session_id, user_agent).await {
        tracing::warn!(%error, "could not record the kind of device of a new session");
    }
    tracing::info!(principal = %principal.id, provider, "signed in through a provider");
    Ok((token.reveal().to_string(), session_length(&identity).as_secs(), to))
}

/// The person signs in: as the device their identity is bound to, or,
/// with an invitation, as the device the invitation makes, bound to them
/// from now on. An invitation used by someone already bound adds its plan
/// to theirs. Without either, they are told to open their invitation.
/// Tell the notifier that an invitation to `plan` was used.
fn notice_invitation_used(state: &AppState, plan: &str) {
    if let Ok(plan) = shared::DocumentId::parse_url_or_id(plan) {
        state.notices.changed(plan);
    }
}

async fn sign_in_person(
    state: &AppState,
    identity: &VerifiedIdentity,
) -> Result<(Token, Principal, String), Refusal> {
    let plans = &state.access.plans;
    let accounts = &state.access.accounts;
    let bound = plans.person_device(&identity.provider, &identity.subject).await?;
    let (device, opened) = match (bound, &identity.invitation) {
        (Some(device), None) => (device, None),
        (Some(device), Some(invitation)) => {
            let (token, _) = accounts.insert_provider_session(&device, identity).await?;
            let principal = accounts.authenticate(token.reveal()).await?.ok_or(Refusal::Disabled)?;
            let redeemed = plans.redeem(invitation, Some(&principal)).await?;
            notice_invitation_used(state, &redeemed.document_id);
            state.online.recheck([device.as_str()]).await;
            return Ok((token, principal, format!("/min-plan/{}", redeemed.document_id)));
        }
        (None, Some(invitation)) => {
            let redeemed = plans.redeem(invitation, None).await?;
            notice_invitation_used(state, &redeemed.document_id);
            if let Some(session_id) = redeemed.session_id {
                // The invitation's own device session: this one lasts as long as the provider's.
                accounts.revoke_session(session_id).await?;
            }
            plans.bind_person(&identity.provider, &identity.subject, &redeemed.principal).await?;
            (redeemed.principal, Some(redeemed.document_id))
        }
        (None, None) => return Err(Refusal::NoPlan),
    };
    let (token, _) = accounts.insert_provider_session(&device, identity).await?;
    let principal = accounts.authenticate(token.reveal()).await?.ok_or(Refusal::Disabled)?;
    // A new device knows no plans yet: straight to the person's plan
    // (the first, when they have several; Min plan lists only this device's).
    let opened = match opened {
        Some(id) => Some(id),
        None => {
            plans.plans_of(&principal).await?.into_iter().find(|p| p.role == Role::Person).map(|p| p.plan)
        }
    };
    let to = opened.map_or_else(|| "/min-plan".to_string(), |id| format!("/min-plan/{id}"));
    Ok((token, principal, to))
}

/// `POST /auth/sign-out` (the "Logga ut" form): the session ends here,
/// and the browser goes on to the provider to end its session there too,
/// when the session came from one that supports it (RP-initiated logout);
/// else to the sign-in page. The answer is a page that goes on at once
/// (`meta refresh`), not a redirect: the app's CSP (`form-action 'self'`)
/// would stop a form's redirect to another site.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Under the app's `Referrer-Policy: no-referrer` a form's POST says
    // `Origin: null`; the browser's `Sec-Fetch-Site` then tells where it
    // came from. (The session cookie is SameSite=Strict besides: another
    // site's form could not sign anyone out.)
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let from_our_page = header("origin") == Some("null") && header("sec-fetch-site") == Some("same-origin");
    if !from_our_page {
        require_same_origin(&state, &headers)?;
    }
    let clear =
        format!("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}", super::SESSION_COOKIE, secure(&state));
    let mut next = "/logga-in".to_string();
    let principal = match session_token(&headers, None) {
        Some(token) => state.access.accounts.authenticate(&token).await?,
        None => None,
    };
    if let Some(principal) = principal {
        let provider = state.access.accounts.session_provider(principal.session_id).await?;
        state.access.accounts.revoke_session(principal.session_id).await?;
        state.online.disconnect([principal.id.as_str()]).await;
        if let Some((provider, id_token)) = provider {
            if let Some(url) = state.identity_providers.logout_url(&provider, &id_token).await {
                next = url;
            }
        }
    }
    let next = html_escape::encode_double_quoted_attribute(&next);
    let body = format!(
        "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={next}\"><link rel=\"icon\" href=\"/favicon-32.png\"><title>Utloggad – Samplan</title></head>\
         <body><main><p role=\"status\">Du är utloggad.</p><p><a href=\"{next}\">Fortsätt</a></p></main></body></html>"
    );
    Ok(([(header::SET_COOKIE, clear), (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string())], body)
        .into_response())
}
