//! A labelled input bound to a prose field of the plan.
//!
//! Each keystroke sends the element's whole value to the repo, which turns
//! it into the smallest splice of the Automerge text. When someone else's
//! edit arrives, the element gets the merged text and the cursor moves with
//! the text around it instead of jumping to the end.

use leptos::prelude::*;
use shared::plan::{byte_to_utf16, utf16_to_byte, PlanText, Splice, TextPath};
use shared::DocumentId;
use wasm_bindgen::JsCast;

use crate::RepoHandle;

/// A text input (or a text area when `multiline`) for one of the plan's
/// top-level prose fields.
#[component]
pub fn TextField(id: DocumentId, field: PlanText, multiline: bool) -> impl IntoView {
    view! {
        <TextAt id path=TextPath::Plan(field) label=field.label().to_string() multiline />
    }
}

/// A text input (or a text area when `multiline`) for the text at `path`
/// anywhere in the plan (a goal's text, an intervention's time plan …).
#[component]
pub fn TextAt(
    id: DocumentId,
    path: TextPath,
    label: String,
    multiline: bool,
    /// Shown under the label, tied to the field with `aria-describedby`.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let key = path.key();
    let parts = path.parts();
    let dom_id =
        if parts.is_empty() { format!("field-{key}") } else { format!("field-{}-{key}", parts.join("-")) };
    let hint_id = format!("{dom_id}-hint");
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let area_ref = NodeRef::<leptos::html::Textarea>::new();
    let path = StoredValue::new(path);

    // Bring the element up to date whenever a change touched this field
    // (and only then: a large plan has hundreds of fields, see
    // `crate::text_watch`). The element (a call into the browser) is only
    // looked at when the text is not the one it last showed.
    let touched = repo.get().watch_text(&id, &path.read_value());
    if touched.is_some() {
        let path = path.get_value();
        on_cleanup(move || {
            if let Some(repo) = repo.0.try_get_value() {
                repo.unwatch_text(&id, &path);
            }
        });
    }
    let shown = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if let Some(touched) = &touched {
            touched.track();
        }
        let text = repo.get().text_at(&id, &path.read_value());
        if shown.with_value(|s| s.as_deref() == Some(text.as_str())) {
            return;
        }
        let element: Option<web_sys::HtmlElement> = if multiline {
            area_ref.get().map(|e| e.unchecked_into())
        } else {
            input_ref.get().map(|e| e.unchecked_into())
        };
        if let Some(element) = element {
            update_preserving_cursor(&element, &text);
            shown.set_value(Some(text));
        }
    });

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        repo.get().edit_text_at(&id, &path.read_value(), &value);
    };
    let described = hint.as_ref().map(|_| hint_id.clone());
    // Others in this field: their name at the field, in their colour.
    let present = repo.get().present(&id);
    // The plan, to name them as its participants (the editor only).
    #[cfg(feature = "editor")]
    let plan = use_context::<crate::sections::PlanContext>().map(|ctx| ctx.plan);
    #[cfg(not(feature = "editor"))]
    let plan: Option<Memo<Option<std::sync::Arc<shared::plan::Plan>>>> = None;
    let here_id = dom_id.clone();
    let others_here = move || {
        present
            .map(|p| p.get())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.presence.field.as_deref() == Some(here_id.as_str()))
            .collect::<Vec<_>>()
    };
    let focus_id = dom_id.clone();
    let on_focus = move |_| repo.get().announce(&id, Some(focus_id.clone()));
    let on_blur = move |_| repo.get().announce(&id, None);
    let field_view = if multiline {
        view! {
            <textarea id=dom_id.clone() node_ref=area_ref rows="3" aria-describedby=described.clone()
                data-field=key on:input=on_input on:focus=on_focus.clone() on:blur=on_blur></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=dom_id.clone() node_ref=input_ref type="text" autocomplete="off"
                aria-describedby=described data-field=key on:input=on_input
                on:focus=on_focus on:blur=on_blur />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=dom_id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <div class="presence-tags" aria-live="polite">
                {move || others_here().into_iter().map(|p| {
                    let name = match plan {
                        Some(plan) => plan.with(|plan| p.presence.shown_name(plan.as_deref())),
                        None => p.presence.shown_name(None),
                    };
                    view! {
                        <span class="presence-tag" style=format!("border-color: {0}; color: {0}", p.presence.colour_value())>
                            {format!("{name} skriver här")}
                        </span>
                    }
                }).collect_view()}
            </div>
            {field_view}
        </div>
    }
}

/// Set an input's or textarea's value to `text`, keeping the selection on
/// the same characters.
fn update_preserving_cursor(element: &web_sys::HtmlElement, text: &str) {
    let (current, selection) = if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        (input.value(), input.selection_start().ok().flatten().zip(input.selection_end().ok().flatten()))
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        (area.value(), area.selection_start().ok().flatten().zip(area.selection_end().ok().flatten()))
    } else {
        return;
    };
    if current == text {
        return;
    }
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|active| &active == element.unchecked_ref::<web_sys::Element>());
    let mapped = Splice::between(&current, text).zip(selection).map(|(splice, (start, end))| {
        let map = |utf16: u32| {
            let byte = splice.map_position(utf16_to_byte(&current, utf16 as usize));
            u32::try_from(byte_to_utf16(text, byte)).unwrap_or(u32::MAX)
        };
        (map(start), map(end))
    });
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(text);
        if let (true, Some((start, end))) = (focused, mapped) {
            let _ = input.set_selection_range(start, end);
        }
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(text);
        if let (true, Some((start, end))) = (focused, mapped) {
            let _ = area.set_selection_range(start, end);
        }
    }
}
