//! "Läs upp": the browser reads a part of the plan aloud in Swedish with
//! its own speech synthesis (nothing leaves the device). Shown only where
//! the browser has speech synthesis.
//!
//! What is read is the plan, not the screen: [`spoken_text`] walks the part
//! in reading order and leaves out every control (buttons, choices and
//! their options, forms to fill in, anything marked `data-no-read`), reads
//! a chart by its description instead of its axis labels, and reads what
//! the person wrote in a field after its question.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// Elements whose own words are controls, not content (and the list of
/// every answer folded under a chart: the chart's description says the
/// latest).
const CONTROLS: [&str; 11] =
    ["button", "select", "option", "label", "legend", "form", "input", "script", "style", "nav", "details"];

/// Elements that end a sentence or a line when read.
const BLOCKS: [&str; 12] = ["p", "h1", "h2", "h3", "h4", "li", "div", "section", "article", "ul", "dd", "dt"];

/// The text of `root` as it is read aloud: each block a sentence of its own.
pub fn spoken_text(root: &Element) -> String {
    let mut lines = vec![String::new()];
    read_children(root, &mut lines);
    lines
        .into_iter()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .map(|line| if line.ends_with(['.', '!', '?', ':']) { line } else { format!("{line}.") })
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_children(element: &Element, lines: &mut Vec<String>) {
    let children = element.child_nodes();
    for index in 0..children.length() {
        if let Some(child) = children.item(index) {
            read_node(&child, lines);
        }
    }
}

fn read_node(node: &Node, lines: &mut Vec<String>) {
    if node.node_type() == Node::TEXT_NODE {
        if let (Some(text), Some(line)) = (node.text_content(), lines.last_mut()) {
            line.push_str(&text);
        }
        return;
    }
    let Some(element) = node.dyn_ref::<Element>() else { return };
    let tag = element.tag_name().to_ascii_lowercase();
    if element.has_attribute("data-no-read")
        || element.get_attribute("aria-hidden").as_deref() == Some("true")
    {
        return;
    }
    // A chart: its description, not its axis labels.
    if element.get_attribute("role").as_deref() == Some("img") {
        lines.push(element.get_attribute("aria-label").unwrap_or_default());
        lines.push(String::new());
        return;
    }
    // A field the person wrote in: its question, then the answer.
    if let Some(field) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let answer = field.value();
        if !answer.trim().is_empty() {
            let question = field.labels().item(0).and_then(|l| l.text_content()).unwrap_or_default();
            lines.push(question);
            lines.push(answer);
            lines.push(String::new());
        }
        return;
    }
    if CONTROLS.contains(&tag.as_str()) {
        return;
    }
    let block = BLOCKS.contains(&tag.as_str());
    if block {
        lines.push(String::new());
    }
    read_children(element, lines);
    if block {
        lines.push(String::new());
    }
}

fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window()?.speech_synthesis().ok()
}

/// Speak `text` in Swedish, with a Swedish voice when the device has one.
pub(crate) fn speak(text: &str, on_end: impl FnOnce() + 'static) -> bool {
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
        } else {
            // What is read and the speaking are a chunk of their own
            // (`super::parts::read_aloud`), fetched on the first press.
            leptos::task::spawn_local(async move {
                let _ = super::parts::read_aloud(target, reading).await;
            });
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
