//! Calls to the server's access API (`/api/…`): signing in, invitations,
//! members, and this device's role in a plan. Requests and answers are the
//! types of `shared::api`, mapped with serde (the server uses the same
//! types): the browser writes and parses the JSON (`JSON.stringify`,
//! `Response.json`) and [`js_value`] maps its values to and from the types.
//! The session itself is an HttpOnly cookie that the browser sends; the app
//! never sees it.

pub mod js_value;

use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::api::{ErrorBody, Me, PlanAccess, PrincipalKind};
use shared::Role;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A failed call, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No valid session (HTTP 401).
    NotSignedIn,
    /// The server said no, with its reason.
    Refused(String),
    /// No answer (offline, server down).
    Offline,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotSignedIn => f.write_str("Du är inte inloggad, eller så har inloggningen gått ut."),
            ApiError::Refused(reason) => f.write_str(reason),
            ApiError::Offline => {
                f.write_str("Servern går inte att nå just nu. Försök igen när nätet fungerar.")
            }
        }
    }
}

/// `GET path`, the answer read as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(exchange("GET", path, None).await?)
}

/// `POST path` with `body`, the answer read as `T` (`()` for none).
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    read(exchange("POST", path, Some(write(body)?)).await?)
}

/// `PUT path` with `body`; the answer has no body.
pub async fn put<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    exchange("PUT", path, Some(write(body)?)).await.map(drop)
}

/// `DELETE path`; the answer has no body.
pub async fn delete(path: &str) -> Result<(), ApiError> {
    exchange("DELETE", path, None).await.map(drop)
}

/// `DELETE path` with `body`; the answer has no body.
pub async fn delete_with<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    exchange("DELETE", path, Some(write(body)?)).await.map(drop)
}

/// A request's body as JSON text.
fn write(body: &impl Serialize) -> Result<JsValue, ApiError> {
    let refused = || ApiError::Refused("Fel i förfrågan.".into());
    let value = js_value::to_value(body).map_err(|_| refused())?;
    js_sys::JSON::stringify(&value).map(JsValue::from).map_err(|_| refused())
}

/// An answer's JSON as `T`; no answer body reads as `null` (so as `()`).
fn read<T: DeserializeOwned>(json: JsValue) -> Result<T, ApiError> {
    js_value::from_value(json)
        .map_err(|_| ApiError::Refused("Servern gav ett svar som appen inte kan läsa.".into()))
}

/// `method path` with an optional JSON body; the answer's JSON (`null` if
/// it has none) when it is a success.
async fn exchange(method: &str, path: &str, body: Option<JsValue>) -> Result<JsValue, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(body) = body {
        init.set_body(&body);
        let headers = web_sys::Headers::new().map_err(|_| ApiError::Offline)?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
    }
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let response =
        JsFuture::from(window.fetch_with_str_and_init(path, &init)).await.map_err(|_| ApiError::Offline)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| ApiError::Offline)?;
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    answer(status, json)
}

/// An answer's status and JSON body as a result (status 0: no answer came).
fn answer(status: u16, json: JsValue) -> Result<JsValue, ApiError> {
    match status {
        0 => Err(ApiError::Offline),
        200..=299 => Ok(json),
        401 => Err(ApiError::NotSignedIn),
        _ => Err(ApiError::Refused(
            read::<ErrorBody>(json)
                .map(|body| body.error)
                .unwrap_or_else(|_| format!("Servern svarade {status}.")),
        )),
    }
}

/// The part of the address after `#` (where links carry their one-time
/// token, which the browser never sends to a server), then removed from
/// the address bar and history.
pub fn take_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let token = hash.strip_prefix('#').filter(|t| !t.is_empty())?.to_string();
    let path = window.location().pathname().ok()?;
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
    Some(token)
}

/// The answer to a call the page itself started before the app loaded:
/// `home.html` redeems an invitation when its button is pressed (to show
/// the plan early) and leaves the promise of `{status, body}` in
/// `window[name]`, `body` the answer's JSON as the page parsed it. `None` when the page started no
/// such call.
pub async fn started_by_page<T: DeserializeOwned>(name: &str) -> Option<Result<T, ApiError>> {
    let window = web_sys::window()?;
    let promise: js_sys::Promise = js_sys::Reflect::get(&window, &name.into()).ok()?.dyn_into().ok()?;
    let settled = JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
    let status =
        js_sys::Reflect::get(&settled, &"status".into()).ok().and_then(|s| s.as_f64()).unwrap_or(0.0);
    let body = js_sys::Reflect::get(&settled, &"body".into()).unwrap_or(JsValue::NULL);
    Some(answer(status as u16, body).and_then(read))
}

/// Whether the page itself started the call it leaves in `window[name]`
/// (see [`started_by_page`]), without waiting for it.
pub fn page_started(name: &str) -> bool {
    web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &name.into()).ok())
        .is_some_and(|value| value.is_instance_of::<js_sys::Promise>())
}

/// This device's role in a plan as last known (kept for offline use).
pub fn remembered_role(plan: &str) -> Option<Role> {
    let kept = web_sys::window()?.local_storage().ok()??.get_item(&format!("samplan-roll-{plan}")).ok()??;
    Role::parse(&kept)
}

/// Ask the server for this device's role in document `id` and remember it
/// (`None` when offline or not a member).
pub async fn fetch_role(id: &str) -> Option<Role> {
    fetch_access(id).await.map(|access| access.role)
}

/// Ask the server for this device's role in document `id` and the
/// participant it is there, and remember both (`None` when offline or not
/// a member).
pub async fn fetch_access(id: &str) -> Option<PlanAccess> {
    let access: PlanAccess = get(&format!("/api/plans/{id}/access")).await.ok()?;
    remember_role(id, access.role);
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(&format!("samplan-deltagare-{id}"), &access.participant);
    }
    Some(access)
}

/// The participant this device is in a plan, as last known (kept for
/// offline use): whom its approvals name.
pub fn remembered_participant(plan: &str) -> Option<String> {
    let kept =
        web_sys::window()?.local_storage().ok()??.get_item(&format!("samplan-deltagare-{plan}")).ok()??;
    (!kept.is_empty()).then_some(kept)
}

/// Where a plan made on this device is marked until the server has it.
fn made_here_key(plan: &str) -> String {
    format!("samplan-ny-{plan}")
}

/// Mark a plan as made on this device (not yet on the server).
pub fn remember_made_here(plan: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(&made_here_key(plan), "1");
    }
}

/// Whether a plan was made on this device and has not synced since
/// (then [`forget_made_here`]).
pub fn made_here(plan: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(&made_here_key(plan)).ok().flatten())
        .is_some()
}

/// The plan made here has synced: the server has it.
pub fn forget_made_here(plan: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(&made_here_key(plan));
    }
}

/// Remember this device's role in a plan.
pub fn remember_role(plan: &str, role: Role) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(&format!("samplan-roll-{plan}"), role.as_str());
    }
}

/// Who this device is signed in as. Kept on the device, so that a
/// professional offline can still make plans.
pub async fn me() -> Result<Me, ApiError> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    match get::<Me>("/api/me").await {
        Ok(me) => {
            if let Some(storage) = &storage {
                let _ = storage.set_item("samplan-jag", &format!("{}\n{}", me.kind.as_str(), me.name));
            }
            Ok(me)
        }
        Err(ApiError::Offline) => storage
            .and_then(|s| s.get_item("samplan-jag").ok().flatten())
            .and_then(|kept| {
                let (kind, name) = kept.split_once('\n')?;
                Some(Me { kind: PrincipalKind::parse(kind)?, name: name.to_string(), from_provider: false })
            })
            .ok_or(ApiError::Offline),
        Err(error) => {
            if let Some(storage) = &storage {
                let _ = storage.remove_item("samplan-jag");
            }
            Err(error)
        }
    }
}
