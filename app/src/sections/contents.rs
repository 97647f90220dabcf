//! "Innehåll", the way through the plan page: a large plan is some 12,000
//! pixels of form, and without contents nobody finds the approvals. It
//! lists the parts of the plan that are on the page now and takes the
//! keyboard (and the screen) to the heading of the one chosen. The
//! stylesheet decides how it is shown: beside the plan, always in view,
//! on a wide screen with a mouse; a menu at the top ("Innehåll") on a
//! tablet or a narrow screen, closed again once a part is chosen.
//!
//! In the chunk of the plan page's parts ([`crate::chunks::PagePart::Contents`]),
//! drawn once the plan's first screen is ([`wanted`]): opening a plan
//! does not wait for it.

use leptos::prelude::*;
use shared::plan::ConsentState;
use wasm_bindgen::JsCast;

use super::PlanContext;

/// A part of the plan the contents can take one to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// What the contents calls it.
    pub label: &'static str,
    /// Where the keyboard goes: the part's heading (or, for the plan's
    /// name, its field), as a CSS selector.
    pub target: &'static str,
}

/// What is on the page now: it decides which parts are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnPage {
    /// The person has consented: the sections after consent are drawn.
    pub consented: bool,
    /// The sections below the meeting are drawn too
    /// ([`PlanContext::sections_shown`]).
    pub lower: bool,
    /// This device's member is the coordinator, who has "Dela planen".
    pub coordinator: bool,
}

const fn part(label: &'static str, target: &'static str) -> Part {
    Part { label, target }
}

/// Always there: the plan's name and main goal, and consent.
const FIRST: [Part; 2] =
    [part("Planens namn och huvudmål", "#field-title"), part("Samtycke", "#consent-heading")];
/// Drawn once the person has consented.
const AFTER_CONSENT: [Part; 3] = [
    part("Deltagare", "#participants-heading"),
    part("Personens förberedelse", "#preparation-heading"),
    part("Möte och kallelse", "#meeting-heading"),
];
/// Drawn a frame after those ([`crate::pages::plan::PlanSections`]).
const LOWER: [Part; 7] = [
    part("Mål och delmål", "#goals-heading"),
    part("Insatser", "#interventions-heading"),
    part("Uppföljning", "#follow-up-heading"),
    part("Godkännande", "#approvals-heading"),
    part("Hur har det gått?", "#follow-up-results-heading"),
    part("Revideringar", "#revisions-heading"),
    part("Avvikelser", "#deviations-heading"),
];
/// Beside or below the plan, and the history under it.
const CHECKLIST: Part = part("Det här behöver planen", "#checklist-heading");
const HISTORY: Part = part("Historik", "#history-heading");
/// For the coordinator only.
const SHARING: Part = part("Dela planen", "#sharing-heading");

/// The parts on the page, in the order of the page.
pub fn parts(on_page: OnPage) -> Vec<Part> {
    let mut parts = FIRST.to_vec();
    if on_page.consented {
        parts.extend(AFTER_CONSENT);
        if on_page.lower {
            parts.extend(LOWER);
        }
    }
    parts.extend([CHECKLIST, HISTORY]);
    if on_page.coordinator {
        parts.push(SHARING);
    }
    parts
}

/// Whether the contents is wanted now: once the sections' first screen
/// is drawn, or at once when there are none (before consent), as the
/// history below the plan ([`crate::pages::plan`]).
pub fn wanted(ctx: PlanContext) -> bool {
    ctx.sections_shown.get()
        || ctx.plan.with(|p| p.as_ref().is_some_and(|p| p.consent_state() != ConsentState::Given))
}

/// The contents of the plan page.
#[component]
pub fn PlanContents(ctx: PlanContext) -> impl IntoView {
    let on_page = Memo::new(move |_| OnPage {
        consented: ctx.plan.with(|p| p.as_ref().is_some_and(|p| p.consent_state() == ConsentState::Given)),
        lower: ctx.sections_shown.get(),
        coordinator: ctx.role.get() == Some(shared::Role::Coordinator),
    });
    let open = RwSignal::new(false);
    let current = RwSignal::new(None::<&'static str>);
    let chosen_at = StoredValue::new(0.0);
    follow_scroll(on_page, current, chosen_at);
    let toggle = NodeRef::<leptos::html::Button>::new();
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(toggle) = toggle.get_untracked() {
                let _ = toggle.focus();
            }
        }
    };
    let choose = move |part: Part| {
        open.set(false);
        current.set(Some(part.target));
        chosen_at.set_value(js_sys::Date::now());
        go_to(part.target);
    };
    view! {
        <nav class="plan-contents no-print" class:open=move || open.get() aria-labelledby="contents-heading"
            on:keydown=close_on_escape>
            <h2 id="contents-heading" class="contents-heading">"Innehåll"</h2>
            <button type="button" class="contents-toggle" node_ref=toggle aria-controls="contents-list"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|open| *open = !*open)>"Innehåll"</button>
            <ul id="contents-list" class="contents-list">
                // Not a keyed `For`: the list changes a few times while the
                // plan opens, and `For` would bring its code into the app's
                // first wasm part (it is shared with the sections' chunk).
                {move || parts(on_page.get()).into_iter().map(|part| view! {
                    <li>
                        <a href=part.target
                            aria-current=move || (current.get() == Some(part.target)).then_some("location")
                            // On the link itself (events are not delegated), before
                            // the app's own link handling (`crate::route`) on the
                            // document, which leaves a prevented click alone.
                            on:click=move |ev| {
                                ev.prevent_default();
                                choose(part);
                            }>{part.label}</a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// Scroll to `target` and put the keyboard there: a heading gets
/// `tabindex="-1"` (focusable by the page, not a tab stop). The page's
/// `scroll-padding-top` keeps it clear of the menu at the top.
fn go_to(target: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(Some(element)) = document.query_selector(target) else { return };
    if element.tag_name().starts_with('H') && !element.has_attribute("tabindex") {
        let _ = element.set_attribute("tabindex", "-1");
    }
    element.scroll_into_view();
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Mark the part being read (`aria-current`) as the page scrolls: the
/// last part whose heading has passed the top of the window. Looked at a
/// little after the scrolling, not on every scrolled pixel; not right
/// after a part was chosen (scrolling to a part near the page's end stops
/// before its heading reaches the top).
fn follow_scroll(
    on_page: Memo<OnPage>,
    current: RwSignal<Option<&'static str>>,
    chosen_at: StoredValue<f64>,
) {
    let waiting = StoredValue::new(false);
    let listener = window_event_listener(leptos::ev::scroll, move |_| {
        if waiting.try_get_value() != Some(false) {
            return;
        }
        waiting.set_value(true);
        gloo_timers::callback::Timeout::new(150, move || {
            if waiting.try_set_value(false).is_some() || chosen_at.try_get_value().is_none() {
                return;
            }
            if js_sys::Date::now() - chosen_at.get_value() < 600.0 {
                return;
            }
            if let Some(parts) = on_page.try_get_untracked().map(parts) {
                current.try_set(reading(&parts));
            }
        })
        .forget();
    });
    on_cleanup(move || listener.remove());
}

/// The part being read: the last heading above a line near the top of the
/// window. The checklist is left out: beside the plan it stays in view.
fn reading(parts: &[Part]) -> Option<&'static str> {
    let document = web_sys::window()?.document()?;
    let passed = |part: &&Part| {
        document
            .query_selector(part.target)
            .ok()
            .flatten()
            .and_then(|heading| top(&heading))
            .is_some_and(|top| top < 160.0)
    };
    let read = parts.iter().rev().filter(|part| **part != CHECKLIST).find(passed);
    read.or(parts.first()).map(|part| part.target)
}

/// Where `element` is now, from the top of the window
/// (`getBoundingClientRect`, called by name: web-sys' `DomRect` feature
/// changed the person's app, built from the same crate, by half a KB).
fn top(element: &web_sys::Element) -> Option<f64> {
    let measure = js_sys::Reflect::get(element, &"getBoundingClientRect".into()).ok()?;
    let rect = measure.dyn_into::<js_sys::Function>().ok()?.call0(element).ok()?;
    js_sys::Reflect::get(&rect, &"top".into()).ok()?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::{parts, OnPage};
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    fn labels(on_page: OnPage) -> Vec<&'static str> {
        parts(on_page).into_iter().map(|part| part.label).collect()
    }

    #[wasm_bindgen_test]
    fn only_the_parts_on_the_page_are_listed() {
        assert_eq!(
            labels(OnPage::default()),
            ["Planens namn och huvudmål", "Samtycke", "Det här behöver planen", "Historik"],
            "before consent"
        );
        assert_eq!(
            labels(OnPage { consented: true, lower: false, coordinator: false }),
            [
                "Planens namn och huvudmål",
                "Samtycke",
                "Deltagare",
                "Personens förberedelse",
                "Möte och kallelse",
                "Det här behöver planen",
                "Historik"
            ],
            "the first screen of the sections"
        );
        let all = labels(OnPage { consented: true, lower: true, coordinator: true });
        assert_eq!(all.len(), 15);
        assert_eq!(all[5], "Mål och delmål");
        assert_eq!(all.last(), Some(&"Dela planen"));
        assert!(
            !labels(OnPage { consented: false, lower: true, coordinator: false }).contains(&"Mål och delmål"),
            "consent taken back: the sections are gone"
        );
    }

    #[wasm_bindgen_test]
    fn every_part_leads_to_an_element_by_its_id() {
        for part in parts(OnPage { consented: true, lower: true, coordinator: true }) {
            assert!(part.target.starts_with('#') && !part.target.contains(' '), "{}", part.target);
        }
    }
}
