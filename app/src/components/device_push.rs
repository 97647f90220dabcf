//! Reminders and notices as a push notification on this device, even when
//! Samplan is closed (issue 31): asking the browser, subscribing with the
//! server's VAPID key, and telling the server (`/api/push-subscriptions`).
//!
//! Why a component of its own: the person turns it on in Min plan, staff
//! on Mina planer, and each device says for itself whether it gets them.
//! What stands in the way is said in plain words rather than hidden: the
//! server sends no push, the browser cannot (an iPad only from the home
//! screen, iPadOS 16.4 and later), or the person once said no, which only
//! the browser's settings can undo.
//!
//! The browser's push service (Apple's, Google's, Mozilla's) carries the
//! message; what the server sends through it is encrypted for this device
//! (RFC 8291) and says no more than the e-mail: that something in a plan
//! in Samplan needs them, and a link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where this device stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DevicePush {
    /// Still asking the browser and the server.
    Looking,
    /// The server could not be asked (no network, or signed out).
    Unknown,
    /// The server has no VAPID key: it sends no push to anyone.
    NotOnServer,
    /// An iPad or iPhone in Safari, not from the home screen.
    NeedsHomeScreen,
    /// This browser has no push.
    NotInBrowser,
    /// The person said no to notifications for this site.
    Refused,
    /// This device gets them.
    On,
    /// It could, and does not.
    Off,
}

/// The browser's `PushSubscription.toJSON()`, as the server takes it.
#[derive(Debug, Serialize, Deserialize)]
struct Subscription {
    endpoint: String,
    keys: Keys,
}

/// Its keys (base64url).
#[derive(Debug, Serialize, Deserialize)]
struct Keys {
    p256dh: String,
    auth: String,
}

/// Which subscription to forget.
#[derive(Debug, Serialize)]
struct Endpoint<'a> {
    endpoint: &'a str,
}

/// Whether a device gets the caller's pushes.
#[derive(Debug, Deserialize)]
struct Mine {
    mine: bool,
}

/// The server's public key.
#[derive(Debug, Deserialize)]
struct PushKey {
    public_key: String,
}

fn has(target: &JsValue, name: &str) -> bool {
    js_sys::Reflect::has(target, &name.into()).unwrap_or(false)
}

/// Whether this looks like Safari on an iPad or iPhone, not started from
/// the home screen: there push comes only once Min plan is on it.
fn ios_outside_home_screen(navigator: &web_sys::Navigator) -> bool {
    let agent = js_sys::JsString::from(navigator.user_agent().unwrap_or_default());
    let apple_touch = agent.includes("iPad", 0)
        || agent.includes("iPhone", 0)
        || (agent.includes("Macintosh", 0) && navigator.max_touch_points() > 1);
    let standalone = js_sys::Reflect::get(navigator, &"standalone".into()).ok().and_then(|v| v.as_bool());
    apple_touch && standalone != Some(true)
}

/// The service worker's push manager, once the worker is ready.
async fn push_manager() -> Result<web_sys::PushManager, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let registration = JsFuture::from(window.navigator().service_worker().ready()?).await?;
    registration.unchecked_into::<web_sys::ServiceWorkerRegistration>().push_manager()
}

/// This device's subscription, if it has one.
async fn subscription() -> Result<Option<web_sys::PushSubscription>, JsValue> {
    let found = JsFuture::from(push_manager().await?.get_subscription()?).await?;
    Ok((!found.is_null() && !found.is_undefined()).then(|| found.unchecked_into()))
}

/// A subscription as the server reads it.
fn as_body(subscription: &web_sys::PushSubscription) -> Option<Subscription> {
    let text = js_sys::JSON::stringify(subscription).ok()?;
    let json = js_sys::JSON::parse(&String::from(text)).ok()?;
    crate::api::js_value::from_value(json).ok()
}

/// Where this device stands now.
async fn look() -> DevicePush {
    let Some(window) = web_sys::window() else { return DevicePush::NotInBrowser };
    let navigator = window.navigator();
    let Ok(settings) = crate::api::get::<shared::api::NotificationSettings>("/api/notifications").await
    else {
        return DevicePush::Unknown;
    };
    if !settings.push_available {
        return DevicePush::NotOnServer;
    }
    if !(has(&window, "PushManager") && has(&window, "Notification") && has(&navigator, "serviceWorker")) {
        return if ios_outside_home_screen(&navigator) {
            DevicePush::NeedsHomeScreen
        } else {
            DevicePush::NotInBrowser
        };
    }
    if web_sys::Notification::permission() == web_sys::NotificationPermission::Denied {
        return DevicePush::Refused;
    }
    let granted = web_sys::Notification::permission() == web_sys::NotificationPermission::Granted;
    let Ok(Some(found)) = subscription().await else { return DevicePush::Off };
    // The browser's subscription may be another user's of this browser,
    // or of a session that has ended: the server says whose it is.
    let Some(body) = as_body(&found) else { return DevicePush::Off };
    let check = Endpoint { endpoint: &body.endpoint };
    let mine =
        crate::api::post::<_, Mine>("/api/push-subscriptions/check", &check).await.is_ok_and(|m| m.mine);
    if granted && settings.push && mine {
        DevicePush::On
    } else {
        DevicePush::Off
    }
}

/// Ask the browser, subscribe, and tell the server.
async fn turn_on(what: &str) -> Result<(), String> {
    let failed = format!("Det gick inte att slå på {what} på den här enheten. Försök igen senare.");
    let asked = web_sys::Notification::request_permission().map_err(|_| failed.clone())?;
    let answer = JsFuture::from(asked).await.map_err(|_| failed.clone())?;
    match answer.as_string().as_deref() {
        Some("granted") => {}
        Some("denied") => {
            return Err(format!("Du sa nej i webbläsaren. Då kan den här enheten inte få {what}."))
        }
        _ => return Err("Du valde inget i webbläsaren. Tryck på knappen igen och välj Tillåt.".into()),
    }
    let key: PushKey = crate::api::get("/api/push-key").await.map_err(|e| e.to_string())?;
    let options = web_sys::PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&JsValue::from_str(&key.public_key));
    let manager = push_manager().await.map_err(|_| failed.clone())?;
    let made = subscribe(&manager, &options).await.map_err(|_| failed.clone())?;
    let body = as_body(made.unchecked_ref()).ok_or_else(|| failed.clone())?;
    crate::api::post::<_, ()>("/api/push-subscriptions", &body).await.map_err(|e| e.to_string())?;
    let mut settings: shared::api::NotificationSettings =
        crate::api::get("/api/notifications").await.map_err(|e| e.to_string())?;
    if !settings.push {
        settings.push = true;
        crate::api::put("/api/notifications", &settings).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Subscribe with `options`. A browser keeps one subscription per site,
/// bound to the server key it was made with: once the server's key has
/// been changed, subscribing fails with `InvalidStateError` for as long as
/// the old subscription lives (it can no longer carry anything). So that
/// one is ended, and the subscription made anew.
async fn subscribe(
    manager: &web_sys::PushManager,
    options: &web_sys::PushSubscriptionOptionsInit,
) -> Result<JsValue, JsValue> {
    match JsFuture::from(manager.subscribe_with_options(options)?).await {
        Err(error) if error_name(&error).as_deref() == Some("InvalidStateError") => {
            if let Some(old) = subscription().await? {
                // Ended whatever the server says: it may not know it
                // (another member's, or forgotten already).
                if let Some(body) = as_body(&old) {
                    let gone = Endpoint { endpoint: &body.endpoint };
                    let _ = crate::api::delete_with("/api/push-subscriptions", &gone).await;
                }
                JsFuture::from(old.unsubscribe()?).await?;
            }
            JsFuture::from(manager.subscribe_with_options(options)?).await
        }
        made => made,
    }
}

/// The `name` of a thrown `DOMException`.
fn error_name(error: &JsValue) -> Option<String> {
    js_sys::Reflect::get(error, &JsValue::from_str("name")).ok()?.as_string()
}

/// Stop this device's subscription, and tell the server. The member's
/// other devices go on.
async fn turn_off(what: &str) -> Result<(), String> {
    let failed = format!("Det gick inte att stänga av {what} på den här enheten. Försök igen.");
    let Some(found) = subscription().await.map_err(|_| failed.clone())? else { return Ok(()) };
    forget(&found).await
}

/// Tell the server to forget `found`, then end it in the browser.
async fn forget(found: &web_sys::PushSubscription) -> Result<(), String> {
    if let Some(body) = as_body(found) {
        crate::api::delete_with("/api/push-subscriptions", &Endpoint { endpoint: &body.endpoint })
            .await
            .map_err(|e| e.to_string())?;
    }
    if let Ok(promise) = found.unsubscribe() {
        let _ = JsFuture::from(promise).await;
    }
    Ok(())
}

/// "Påminnelser på den här enheten": where it stands, and one button.
/// `what` names what comes, e.g. "påminnelser" or "aviseringar".
#[component]
pub fn DevicePushSwitch(what: &'static str) -> impl IntoView {
    let state = RwSignal::new(DevicePush::Looking);
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    spawn_local(async move { state.set(look().await) });
    let act = move |on: bool| {
        busy.set(true);
        note.set(None);
        spawn_local(async move {
            let done = if on { turn_on(what).await } else { turn_off(what).await };
            state.set(look().await);
            note.set(match done {
                Ok(()) if on => Some(format!("Klart. Den här enheten får {what}.")),
                Ok(()) => Some(format!("Klart. Den här enheten får inga {what} längre.")),
                Err(error) => Some(error),
            });
            busy.set(false);
        });
    };
    let words = move || {
        match state.get() {
        DevicePush::Looking => "Tittar efter …".to_string(),
        DevicePush::Unknown => {
            format!("Det går inte att se om den här enheten får {what} just nu. Försök igen när du har nät.")
        }
        DevicePush::NotOnServer => format!(
            "Den här servern skickar inga {what} till enheter. Du ser dem när du öppnar Samplan."
        ),
        DevicePush::NeedsHomeScreen => format!(
            "Lägg först Samplan på hemskärmen och öppna den därifrån. Då kan den här enheten få {what}."
        ),
        DevicePush::NotInBrowser => format!("Den här webbläsaren kan inte ta emot {what}."),
        DevicePush::Refused => format!(
            "Du har sagt nej till {what} i webbläsaren. Du kan ändra det i webbläsarens inställningar för den här sidan."
        ),
        DevicePush::On => format!("Den här enheten får {what}, också när Samplan är stängd."),
        DevicePush::Off => format!("Den här enheten får inga {what} när Samplan är stängd."),
    }
    };
    view! {
        <div class="device-push">
            <p data-testid="device-push-state">{words}</p>
            {move || match state.get() {
                DevicePush::Off => Some(view! {
                    <button type="button" prop:disabled=move || busy.get() on:click=move |_| act(true)>
                        {format!("Få {what} på den här enheten")}
                    </button>
                }),
                DevicePush::On => Some(view! {
                    <button type="button" prop:disabled=move || busy.get() on:click=move |_| act(false)>
                        {format!("Stäng av {what} på den här enheten")}
                    </button>
                }),
                _ => None,
            }}
            <p role="status">{move || note.get()}</p>
        </div>
    }
}
