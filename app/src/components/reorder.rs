//! The keyboard kept on an item that was moved ("Flytta upp", "Flytta
//! ner"). A list of goals or interventions is drawn again in its new order
//! (each item is keyed by its number, which every label shows), so the
//! button that was pressed is gone and the browser put the keyboard back
//! at the top of the page. [`Reordered::follow`] waits for the item to be
//! drawn at its new place, puts the keyboard on the same button (or on
//! the other one, should that one be gone or disabled), and says the new
//! place in a polite live region: "Målet är nu nummer 2 av 4."

use std::rc::Rc;

use wasm_bindgen::JsCast;

/// A list whose items are moved up and down with buttons marked
/// `data-move="up"` and `data-move="down"`.
#[derive(Debug, Clone, Copy)]
pub struct Reordered {
    /// The list (a CSS selector); its items are its `li` children.
    list: &'static str,
    /// The items' attribute that holds their id.
    attribute: &'static str,
    /// What the live region calls an item ("Målet").
    what: &'static str,
}

/// The goals ([`crate::sections::goals`]).
pub const GOALS: Reordered = Reordered { list: ".goal-list", attribute: "data-goal", what: "Målet" };
/// The interventions ([`crate::sections::interventions`]).
pub const INTERVENTIONS: Reordered =
    Reordered { list: ".intervention-list", attribute: "data-intervention", what: "Insatsen" };

/// How long to wait for the list to be drawn again: the plan follows a
/// change when the page is idle, which in a large plan takes a while.
const TRIES: u32 = 100;
const EVERY_MS: u32 = 40;

/// The id of the live region that says where a moved item is now.
const STATUS_ID: &str = "reorder-status";

/// What the live region says.
pub fn position_said(what: &str, number: usize, of: usize) -> String {
    format!("{what} är nu nummer {number} av {of}.")
}

impl Reordered {
    /// After item `id` was moved (`up` or down): once it is drawn at its
    /// new place, the keyboard goes back to it (unless it went somewhere
    /// else meanwhile) and its new place is said.
    pub fn follow(self, id: &str, up: bool) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        // Made before it speaks, so that screen readers follow it.
        status_region(&document);
        let item = format!("{} > li[{}=\"{}\"]", self.list, self.attribute, id);
        let drawn_before = document.query_selector(&item).ok().flatten();
        let check = Rc::new(move || self.when_drawn(&document, &item, drawn_before.as_ref(), up));
        wait(TRIES, check);
    }

    /// Whether the item is drawn anew; if so, the focus and the message.
    fn when_drawn(
        &self,
        document: &web_sys::Document,
        item: &str,
        drawn_before: Option<&web_sys::Element>,
        up: bool,
    ) -> bool {
        let Some(now) = document.query_selector(item).ok().flatten() else { return false };
        if drawn_before.is_some_and(|before| before.is_same_node(Some(&now))) {
            return false;
        }
        let lost = document.active_element().is_none_or(|active| {
            document.body().is_some_and(|body| body.is_same_node(Some(&active)))
                || now.contains(Some(&active))
        });
        if lost {
            let pressed = button(&now, up).or_else(|| button(&now, !up));
            if let Some(button) = pressed {
                let _ = button.focus();
            }
        }
        let (number, of) = place(&now);
        say(document, &position_said(self.what, number, of));
        true
    }
}

/// Check again every [`EVERY_MS`] until `check` is done, `tries` times at most.
fn wait(tries: u32, check: Rc<dyn Fn() -> bool>) {
    gloo_timers::callback::Timeout::new(EVERY_MS, move || {
        if !check() && tries > 1 {
            wait(tries - 1, check);
        }
    })
    .forget();
}

/// The item's move button (`up` or down), if it is there and enabled.
fn button(item: &web_sys::Element, up: bool) -> Option<web_sys::HtmlElement> {
    let selector = if up { "button[data-move=\"up\"]" } else { "button[data-move=\"down\"]" };
    let button = item.query_selector(selector).ok().flatten()?;
    (!button.has_attribute("disabled")).then(|| button.dyn_into().ok()).flatten()
}

/// The item's number in its list, and how many there are.
fn place(item: &web_sys::Element) -> (usize, usize) {
    let mut before = 0;
    let mut sibling = item.previous_element_sibling();
    while let Some(s) = sibling {
        before += 1;
        sibling = s.previous_element_sibling();
    }
    let mut after = 0;
    let mut sibling = item.next_element_sibling();
    while let Some(s) = sibling {
        after += 1;
        sibling = s.next_element_sibling();
    }
    (before + 1, before + after + 1)
}

/// The live region (made once, at the end of the page).
fn status_region(document: &web_sys::Document) -> Option<web_sys::Element> {
    if let Some(region) = document.get_element_by_id(STATUS_ID) {
        return Some(region);
    }
    let region = document.create_element("p").ok()?;
    region.set_id(STATUS_ID);
    region.set_class_name("visually-hidden");
    let _ = region.set_attribute("role", "status");
    let _ = region.set_attribute("aria-live", "polite");
    document.body()?.append_child(&region).ok()?;
    Some(region)
}

/// Say `text` in the live region; the same text twice is said twice.
fn say(document: &web_sys::Document, text: &str) {
    if let Some(region) = status_region(document) {
        let same = region.text_content().is_some_and(|said| said == text);
        let text = if same { format!("{text}\u{a0}") } else { text.to_string() };
        region.set_text_content(Some(&text));
    }
}

#[cfg(test)]
mod tests {
    use super::position_said;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn the_new_place_is_said_in_words() {
        assert_eq!(position_said("Målet", 2, 4), "Målet är nu nummer 2 av 4.");
        assert_eq!(position_said("Insatsen", 1, 2), "Insatsen är nu nummer 1 av 2.");
    }
}
