//! "Läs upp": the browser reads a part of the plan aloud in Swedish with
//! its own speech synthesis (nothing leaves the device). Shown only where
//! the browser has speech synthesis.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window()?.speech_synthesis().ok()
}

/// Speak `text` in Swedish, with a Swedish voice when the device has one.
fn speak(text: &str, on_end: impl FnOnce() + 'static) -> bool {
    let Some(synthesis) = synthesis() else { return false };
    let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else { return false };
    utterance.set_lang("sv-SE");
    utterance.set_rate(0.9);
    let voices = synthesis.get_voices();
    let swedish = voices
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok())
        .find(|v| v.lang().starts_with("sv"));
    if let Some(voice) = swedish {
        utterance.set_voice(Some(&voice));
    }
    let done = wasm_bindgen::closure::Closure::once_into_js(on_end);
    utterance.set_onend(Some(done.unchecked_ref()));
    synthesis.cancel();
    synthesis.speak(&utterance);
    true
}

/// A button that reads the text of `target` aloud, or stops reading.
#[component]
pub fn ReadAloud(target: NodeRef<leptos::html::Div>) -> impl IntoView {
    let reading = RwSignal::new(false);
    // Leaving the part stops the reading.
    on_cleanup(|| {
        if let Some(s) = synthesis() {
            s.cancel();
        }
    });
    let toggle = move |_| {
        if reading.get_untracked() {
            if let Some(s) = synthesis() {
                s.cancel();
            }
            reading.set(false);
        } else if let Some(element) = target.get_untracked() {
            let text = element.inner_text();
            reading.set(speak(&text, move || {
                reading.try_set(false);
            }));
        }
    };
    synthesis().map(|_| {
        view! {
            <button type="button" class="read-aloud no-print" on:click=toggle>
                {move || if reading.get() { "Sluta läsa" } else { "Läs upp" }}
            </button>
        }
    })
}
