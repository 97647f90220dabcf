//! Text size that the person chooses and that stays on the device: every
//! size in the styles is in `rem`, so the root size scales the whole view.

use leptos::prelude::*;

const KEY: &str = "samplan-textstorlek";
/// The sizes offered, in per cent of the normal 18 px.
const STEPS: [u32; 5] = [100, 125, 150, 175, 200];

fn stored() -> u32 {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .filter(|v| STEPS.contains(v))
        .unwrap_or(100)
}

fn apply(percent: u32) {
    use wasm_bindgen::JsCast as _;
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(root) = root {
        // The normal size is 18 px (styles.css); a per cent of it.
        let _ = root.style().set_property("font-size", &format!("{}px", 18 * percent / 100));
    }
}

/// Use the size chosen earlier on this device.
pub fn apply_stored() {
    apply(stored());
}

/// "Mindre text" and "Större text".
#[component]
pub fn TextSize() -> impl IntoView {
    let size = RwSignal::new(stored());
    let set = move |percent: u32| {
        size.set(percent);
        apply(percent);
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(KEY, &percent.to_string());
        }
    };
    let step = move |by: isize| {
        let at = STEPS.iter().position(|s| *s == size.get_untracked()).unwrap_or(0) as isize;
        let next = (at + by).clamp(0, STEPS.len() as isize - 1) as usize;
        set(STEPS[next]);
    };
    view! {
        <div class="text-size no-print" role="group" aria-label="Textens storlek">
            <button type="button" on:click=move |_| step(-1) disabled=move || size.get() == STEPS[0]>"Mindre text"</button>
            <span aria-live="polite">{move || format!("{} %", size.get())}</span>
            <button type="button" on:click=move |_| step(1) disabled=move || size.get() == STEPS[STEPS.len() - 1]>"Större text"</button>
        </div>
    }
}
