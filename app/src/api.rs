//! Calls to the server's access API (`/api/…`): signing in, invitations,
//! members, and this device's role in a plan. The session itself is an
//! HttpOnly cookie that the browser sends; the app never sees it.

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

/// `method path` with an optional JSON body; the parsed JSON answer.
pub async fn call(method: &str, path: &str, body: Option<&JsValue>) -> Result<JsValue, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(body) = body {
        let text = js_sys::JSON::stringify(body).map_err(|_| ApiError::Refused("Fel i förfrågan.".into()))?;
        init.set_body(&text);
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
            field(&json, "error").unwrap_or_else(|| format!("Servern svarade {status}.")),
        )),
    }
}

/// A string field of a JSON object.
pub fn field(value: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(value, &name.into()).ok()?.as_string()
}

/// A number field of a JSON object.
pub fn number(value: &JsValue, name: &str) -> Option<f64> {
    js_sys::Reflect::get(value, &name.into()).ok()?.as_f64()
}

/// A JSON object from pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), value);
    }
    object.into()
}

/// The items of a JSON array.
pub fn items(value: &JsValue) -> Vec<JsValue> {
    value.dyn_ref::<js_sys::Array>().map(|a| a.iter().collect()).unwrap_or_default()
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
/// `home.html` redeems an invitation at once (to show the plan early) and
/// leaves the promise of `{status, body}` in `window[name]`. `None` when
/// the page started no such call.
pub async fn started_by_page(name: &str) -> Option<Result<JsValue, ApiError>> {
    let window = web_sys::window()?;
    let promise: js_sys::Promise = js_sys::Reflect::get(&window, &name.into()).ok()?.dyn_into().ok()?;
    let settled = JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
    let status = number(&settled, "status").unwrap_or(0.0) as u16;
    let body = js_sys::Reflect::get(&settled, &"body".into()).unwrap_or(JsValue::NULL);
    Some(answer(status, body))
}

/// This device's role in a plan as last known (kept for offline use).
pub fn remembered_role(plan: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(&format!("samplan-roll-{plan}")).ok()?
}

/// Ask the server for this device's role in document `id` and remember it
/// (`None` when offline or not a member).
pub async fn fetch_role(id: &str) -> Option<String> {
    let answer = call("GET", &format!("/api/plans/{id}/access"), None).await.ok()?;
    let role = field(&answer, "role")?;
    remember_role(id, &role);
    Some(role)
}

/// Remember this device's role in a plan.
pub fn remember_role(plan: &str, role: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(&format!("samplan-roll-{plan}"), role);
    }
}

/// Who this device is signed in as: (kind "user" or "device", name). Kept
/// on the device, so that a professional offline can still make plans.
pub async fn me() -> Result<(String, String), ApiError> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    match call("GET", "/api/me", None).await {
        Ok(me) => {
            let kind = field(&me, "kind").unwrap_or_default();
            let name = field(&me, "name").unwrap_or_default();
            if let Some(storage) = &storage {
                let _ = storage.set_item("samplan-jag", &format!("{kind}\n{name}"));
            }
            Ok((kind, name))
        }
        Err(ApiError::Offline) => storage
            .and_then(|s| s.get_item("samplan-jag").ok().flatten())
            .and_then(|kept| kept.split_once('\n').map(|(k, n)| (k.to_string(), n.to_string())))
            .ok_or(ApiError::Offline),
        Err(error) => {
            if let Some(storage) = &storage {
                let _ = storage.remove_item("samplan-jag");
            }
            Err(error)
        }
    }
}
