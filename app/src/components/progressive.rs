//! Long lists drawn a screenful at a time.
//!
//! Why: a large plan has 120 interventions and 40 goals, each a block of
//! fields, and the follow-up lists them again: drawing every one at once
//! took most of a large plan's open in the browser (about 400 ms). With
//! this, the first items of each list come with the page, so the top of
//! the plan is on the screen and can be used at once, and the rest follow a
//! batch per animation frame until the list is whole.

use leptos::prelude::*;

/// Items drawn with the page.
const FIRST: usize = 8;
/// Items added every animation frame after that.
const STEP: usize = 16;

/// How many of a list's items to draw now: a few at first, then more
/// every frame until all `len()` are drawn (also when the list grows).
pub fn progressive_limit(len: impl Fn() -> usize + Send + Sync + 'static) -> ReadSignal<usize> {
    let limit = RwSignal::new(FIRST);
    Effect::new(move |_| {
        if limit.get() < len() {
            request_animation_frame(move || {
                limit.try_update(|limit| *limit += STEP);
            });
        }
    });
    limit.read_only()
}
