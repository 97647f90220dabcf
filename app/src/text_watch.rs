//! Waking the text fields a change touched, and only those.
//!
//! A large plan has hundreds of text fields on the screen. If each followed
//! the document's `version`, every keystroke would make every field read
//! its text from Automerge again (and re-subscribe), which cost a large
//! plan several milliseconds a keystroke. Instead each field watches its own
//! place in the document ([`place`]); the repo's core says which places a
//! change touched (`shared::repo_core::Touched`: the field typed in, a
//! field someone else typed in, every field of an item that was restored
//! or replaced, or every field after a load), and only the fields there
//! are woken.

use std::collections::HashMap;

use leptos::prelude::*;
pub use shared::repo_core::place;
use shared::repo_core::Touched;

/// The fields of one document that are on the screen, by their place.
#[derive(Default)]
pub struct TextWatch {
    fields: HashMap<String, Watched>,
}

struct Watched {
    trigger: ArcTrigger,
    /// How many views show this field (the same text can be shown twice).
    views: usize,
}

impl TextWatch {
    /// The trigger a view of the field at `place` tracks; call
    /// [`TextWatch::unwatch`] when the view goes.
    pub fn watch(&mut self, place: &str) -> ArcTrigger {
        let watched = self
            .fields
            .entry(place.to_string())
            .or_insert_with(|| Watched { trigger: ArcTrigger::new(), views: 0 });
        watched.views += 1;
        watched.trigger.clone()
    }

    pub fn unwatch(&mut self, place: &str) {
        if let Some(watched) = self.fields.get_mut(place) {
            watched.views = watched.views.saturating_sub(1);
            if watched.views == 0 {
                self.fields.remove(place);
            }
        }
    }

    /// The triggers of the fields a change touched.
    pub fn touched(&self, touched: &Touched) -> Vec<ArcTrigger> {
        self.fields
            .iter()
            .filter(|(place, _)| touched.includes(place))
            .map(|(_, watched)| watched.trigger.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    fn goal_text(id: &str) -> String {
        place(&["goals".to_string(), id.to_string()], "text")
    }

    #[wasm_bindgen_test]
    fn too_much_wakes_everything_and_gone_views_nothing() {
        let mut watch = TextWatch::default();
        watch.watch(&goal_text("a"));
        watch.watch(&goal_text("a"));
        watch.watch(&place(&[], "title"));
        assert_eq!(watch.touched(&Touched::All).len(), 2);
        watch.unwatch(&goal_text("a"));
        assert_eq!(watch.touched(&Touched::All).len(), 2, "another view still shows it");
        watch.unwatch(&goal_text("a"));
        assert_eq!(watch.touched(&Touched::All).len(), 1);
    }

    #[wasm_bindgen_test]
    fn only_the_fields_at_or_below_a_touched_place_wake() {
        let mut watch = TextWatch::default();
        for place in [goal_text("a"), goal_text("ab"), place(&[], "title")] {
            watch.watch(&place);
        }
        let goal_a = place(&[], "goals") + "a\u{1f}";
        assert_eq!(watch.touched(&Touched::Places(vec![goal_a])).len(), 1, "goal a, not goal ab");
        assert!(watch.touched(&Touched::Places(Vec::new())).is_empty());
    }
}
