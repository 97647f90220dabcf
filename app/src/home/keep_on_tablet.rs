//! Keeping the person's answers on an iPad: Safari deletes what a site
//! saved on the device after seven days without a visit, unless the site
//! was added to the home screen. The likely tablet at home is an iPad, and
//! answers made offline live only on it until they reach the server. So
//! Min plan tells the person, in plain words, to add it to the home screen
//! (only in Safari on an iPad or iPhone, and not once it runs from the home
//! screen; dismissed, it stays away on this device), and says when new
//! answers are only on this device.

use leptos::prelude::*;

use crate::repo::SaveState;

/// Where this device remembers that the person closed the tip.
const DISMISSED_KEY: &str = "samplan-hemskarm-stangd";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether `user_agent` is Safari on an iPad or an iPhone. An iPad asks
/// for desktop pages and says "Macintosh"; unlike a Mac it has a touch
/// screen (`touch_points`). (The browser's own `includes`: Rust's substring
/// search would be new code in the person's wasm, which has a size budget.)
fn is_ios_safari(user_agent: &js_sys::JsString, touch_points: i32) -> bool {
    let has = |name: &str| user_agent.includes(name, 0);
    let apple_touch = has("iPad") || has("iPhone") || (has("Macintosh") && touch_points > 1);
    // Other browsers on iOS are WebKit too and keep data the same way, but
    // do not add a page to the home screen in the same manner; they name
    // themselves (CriOS, FxiOS, EdgiOS).
    apple_touch && has("Safari") && !(has("CriOS") || has("FxiOS") || has("EdgiOS"))
}

/// Whether the page runs from the home screen: Safari on an iPad or an
/// iPhone says so in `navigator.standalone` (the only browser the tip is for).
fn from_home_screen(navigator: &web_sys::Navigator) -> bool {
    js_sys::Reflect::get(navigator, &"standalone".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The line when new answers are only on this device (fixed text, as HTML).
const ONLY_HERE: &str = "<p class=\"only-here\" data-testid=\"only-here\">\
    Dina nya svar finns bara på den här enheten just nu. De skickas när du har nät igen.</p>";

/// The tip's words and its button (fixed text, as HTML).
const TIP: &str = "<section class=\"keep-tip no-print\" aria-labelledby=\"keep-tip-title\">\
    <h2 id=\"keep-tip-title\">Lägg Min plan på hemskärmen</h2>\
    <p>Då finns dina svar kvar.</p>\
    <p>Annars kan Safari ta bort dem. Det händer om du inte öppnar Min plan på sju dagar.</p>\
    <p>Så gör du: Tryck på Dela. Det är en ruta med en pil uppåt. Välj sedan Lägg till på hemskärmen.</p>\
    <button type=\"button\" id=\"keep-tip-close\">Stäng</button></section>";

/// Whether to show the tip on this device now.
fn tip_wanted() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let user_agent = js_sys::JsString::from(navigator.user_agent().unwrap_or_default());
    let dismissed = storage().and_then(|s| s.get_item(DISMISSED_KEY).ok().flatten()).is_some();
    !dismissed && is_ios_safari(&user_agent, navigator.max_touch_points()) && !from_home_screen(&navigator)
}

/// The tip to add Min plan to the home screen, and a line when new answers
/// are only on this device (`state` is Min plan's save state).
///
/// Fixed HTML in one element, and one click handler for the button in it:
/// the person's wasm has a size budget, and every element of a `view!`
/// costs code in it.
#[component]
pub fn KeepOnTablet(state: impl Fn() -> SaveState + Copy + Send + Sync + 'static) -> impl IntoView {
    let show_tip = RwSignal::new(tip_wanted());
    let html = Memo::new(move |_| {
        let mut html = String::new();
        if matches!(state(), SaveState::Offline) {
            html.push_str(ONLY_HERE);
        }
        if show_tip.get() {
            html.push_str(TIP);
        }
        html
    });
    let close = move |event: web_sys::MouseEvent| {
        use wasm_bindgen::JsCast as _;
        let on_close = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| element.id() == "keep-tip-close");
        if on_close {
            show_tip.set(false);
            if let Some(storage) = storage() {
                let _ = storage.set_item(DISMISSED_KEY, "1");
            }
        }
    };
    view! { <div class="keep-on-tablet" on:click=close inner_html=html></div> }
}
