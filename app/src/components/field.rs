//! Labelled form fields (a line of text, a date, a number, a choice from a
//! list) that every section uses.
//!
//! One component per kind of field instead of markup repeated in each
//! section: the same label, the same accessible name and touch size
//! everywhere, and the code for a field is in the wasm once (each repeated
//! `view!` is compiled anew, which is what made the plan page heavy).

use leptos::prelude::*;

/// A labelled `<input>` of `kind` ("text", "date", "time", "number", "tel",
/// "email"). Dates report on `change` (a finished value), the others on
/// every keystroke, so that nothing typed waits for a blur.
#[component]
pub fn InputField(
    /// The element id, unique on the page.
    #[prop(into)]
    id: String,
    /// The visible label, also the accessible name.
    #[prop(into)]
    label: String,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// The value to show.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value.
    on_value: Callback<String>,
    /// Browser autocomplete hint ("name", "off" …).
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// For numbers: the step between values.
    #[prop(optional)]
    step: Option<u32>,
) -> impl IntoView {
    let numeric = kind == "number";
    let on_change = move |ev: leptos::ev::Event| {
        if kind == "date" {
            on_value.run(event_target_value(&ev));
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        if kind != "date" {
            on_value.run(event_target_value(&ev));
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind autocomplete=autocomplete prop:value=move || value.get()
                min=numeric.then_some("0") step=step.map(|s| s.to_string())
                inputmode=numeric.then_some("numeric") on:change=on_change on:input=on_input />
        </div>
    }
}

/// A labelled `<select>` with `options` as (value, label) pairs; the option
/// whose value equals `value` is selected, also when someone else changes it.
#[component]
pub fn SelectField(
    /// The element id, unique on the page.
    #[prop(into)]
    id: String,
    /// The visible label, also the accessible name.
    #[prop(into)]
    label: String,
    /// (value, label) in the order shown.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The value now chosen.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the chosen value.
    on_value: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| on_value.run(event_target_value(&ev))>
                {move || {
                    let current = value.get();
                    options.get().into_iter().map(|(value, label)| {
                        let selected = value == current;
                        view! { <option value=value prop:selected=selected>{label}</option> }
                    }).collect_view()
                }}
            </select>
        </div>
    }
}

/// Options for a choice among an enum's values: the index as the value.
pub fn enum_options<T>(all: &[T], label: fn(&T) -> &'static str) -> Vec<(String, String)> {
    all.iter().enumerate().map(|(i, item)| (i.to_string(), label(item).to_string())).collect()
}

/// The option value of `item` among `all` ("" when it is not there).
pub fn enum_value<T: PartialEq>(all: &[T], item: Option<&T>) -> String {
    item.and_then(|item| all.iter().position(|x| x == item)).map(|i| i.to_string()).unwrap_or_default()
}

/// The enum value an option value stands for.
pub fn enum_pick<T: Copy>(all: &[T], value: &str) -> Option<T> {
    value.parse::<usize>().ok().and_then(|i| all.get(i).copied())
}

/// An empty text as `None`, for optional fields such as dates.
pub fn non_empty(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}
