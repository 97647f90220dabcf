//! Which page the address bar points at, and moving between pages without
//! reloading.
//!
//! The app has two pages (`/` and `/plan/<id>`), so a router crate is more
//! than we need: leptos_router cost ~20 KB of gzipped wasm for this. Here the
//! path lives in one signal; `navigate` pushes a history entry, the browser's
//! back/forward (`popstate`) sets the path again, and clicks on links to our
//! own pages are handled in place instead of loading the page anew.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `/`: "Mina planer".
    Home,
    /// `/plan/<id>`: one plan (the id as written in the address,
    /// unchecked); also `/plan/<id>/mote`, its meeting view
    /// ([`CurrentPath::in_meeting`]), so that moving between the two keeps
    /// the plan open.
    Plan(String),
    /// `/logga-in`: a sign-in link.
    SignIn,
    /// `/loggkontroll`: log review (for log reviewers).
    LogReview,
    /// Anything else.
    NotFound,
}

impl Page {
    /// The page for a path.
    pub fn from_path(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "" => Page::Home,
            "/logga-in" => Page::SignIn,
            "/loggkontroll" => Page::LogReview,
            other => {
                match other.strip_prefix("/plan/").map(|rest| rest.strip_suffix(MEETING).unwrap_or(rest)) {
                    Some(id) if !id.is_empty() && !id.contains('/') => Page::Plan(id.to_string()),
                    _ => Page::NotFound,
                }
            }
        }
    }
}

/// The end of a plan's address that opens its meeting view.
pub const MEETING: &str = "/mote";

/// The current path, shared by the whole app.
#[derive(Clone, Copy)]
pub struct CurrentPath(RwSignal<String>);

impl CurrentPath {
    /// The page now shown.
    pub fn page(&self) -> Page {
        Page::from_path(&self.0.get())
    }

    /// Whether the plan's meeting view (`/plan/<id>/mote`) is shown.
    pub fn in_meeting(&self) -> bool {
        let path = self.0.get();
        let rest = path.trim_end_matches('/').strip_prefix("/plan/").unwrap_or_default();
        matches!(Page::from_path(&path), Page::Plan(_))
            && rest.len() > MEETING.len()
            && rest.ends_with(MEETING)
    }

    /// Show `path`, with a new history entry.
    pub fn navigate(&self, path: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
        }
        self.0.set(path.to_string());
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }
}

fn location_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "/".into())
}

/// Starts following the address bar and provides [`CurrentPath`] as context.
pub fn provide() -> CurrentPath {
    let current = CurrentPath(RwSignal::new(location_path()));
    provide_context(current);
    let Some(window) = web_sys::window() else { return current };
    let on_popstate = Closure::<dyn FnMut()>::new(move || current.0.set(location_path()));
    let _ = window.add_event_listener_with_callback("popstate", on_popstate.as_ref().unchecked_ref());
    on_popstate.forget();
    let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        if let Some(path) = own_link_target(&event) {
            event.prevent_default();
            current.navigate(&path);
        }
    });
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    }
    on_click.forget();
    current
}

/// The path of a plain left click on a link to one of our pages, if it is one.
fn own_link_target(event: &web_sys::MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target: web_sys::Element = event.target()?.dyn_into().ok()?;
    let anchor: web_sys::HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let window = web_sys::window()?;
    if anchor.origin() != window.location().origin().ok()? {
        return None;
    }
    let path = anchor.pathname();
    (Page::from_path(&path) != Page::NotFound).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::Page;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn paths_name_their_pages() {
        assert_eq!(Page::from_path("/"), Page::Home);
        assert_eq!(Page::from_path(""), Page::Home);
        assert_eq!(Page::from_path("/plan/abc"), Page::Plan("abc".into()));
        assert_eq!(Page::from_path("/plan/abc/"), Page::Plan("abc".into()));
        assert_eq!(Page::from_path("/plan/"), Page::NotFound);
        assert_eq!(Page::from_path("/plan/a/b"), Page::NotFound);
        // The meeting view is the same plan's page.
        assert_eq!(Page::from_path("/plan/abc/mote"), Page::Plan("abc".into()));
        assert_eq!(Page::from_path("/plan/abc/mote/"), Page::Plan("abc".into()));
        assert_eq!(Page::from_path("/plan/mote"), Page::Plan("mote".into()));
        assert_eq!(Page::from_path("/plan/abc/mote/x"), Page::NotFound);
        assert_eq!(Page::from_path("/planer"), Page::NotFound);
    }
}
