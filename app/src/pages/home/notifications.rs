//! "Aviseringar": what the member is told about (each kind of event, on or
//! off), how by e-mail (at once, a daily summary, none), and their address; `GET`/`PUT /api/notifications`.
//! Says plainly when this server sends no e-mail at all; and push on this
//! device (`crate::components::device_push`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{EmailMode, NotificationSettings};
use shared::notices::NoticeKind;

/// The settings, folded under their heading.
#[component]
pub fn NotificationSettingsForm() -> impl IntoView {
    let loaded = LocalResource::new(|| crate::api::get::<NotificationSettings>("/api/notifications"));
    view! {
        <details class="notification-settings">
            <summary>"Aviseringar: vad du får veta och hur"</summary>
            {move || loaded.get().map(|answer| match answer {
                Ok(settings) => view! { <SettingsForm settings /> }.into_any(),
                Err(error) => view! { <p class="hint">{error.to_string()}</p> }.into_any(),
            })}
        </details>
    }
}

#[component]
fn SettingsForm(settings: NotificationSettings) -> impl IntoView {
    let email = RwSignal::new(settings.email.clone());
    let mode = RwSignal::new(settings.email_mode);
    let status = RwSignal::new(None::<String>);
    let push = settings.push;
    let muted = RwSignal::new(settings.muted.clone());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut body = NotificationSettings {
            email: email.get_untracked(),
            email_mode: mode.get_untracked(),
            push,
            muted: muted.get_untracked(),
            ..NotificationSettings::default()
        };
        spawn_local(async move {
            // Push as it is now: the device switch below may have turned
            // it on since this form was read.
            if let Ok(now) = crate::api::get::<NotificationSettings>("/api/notifications").await {
                body.push = now.push;
            }
            match crate::api::put("/api/notifications", &body).await {
                Ok(()) => status.set(Some("Dina val är sparade.".into())),
                Err(error) => status.set(Some(error.to_string())),
            }
        });
    };
    let modes = EmailMode::ALL.map(|choice| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="notify-mode"
                    value=choice.as_str()
                    prop:checked=move || mode.get() == choice
                    on:change=move |_| mode.set(choice)
                />
                {choice.label()}
            </label>
        }
    });
    // The person's own reminders are theirs (Min plan); the rest a member
    // of staff may be told about.
    let kinds = NoticeKind::ALL.into_iter().filter(|kind| *kind != NoticeKind::ReportDue).map(|kind| {
        let name = kind.as_str();
        view! {
            <label class="choice">
                <input
                    type="checkbox"
                    name="notify-kind"
                    value=name
                    prop:checked=move || muted.with(|m| !m.iter().any(|k| k == name))
                    on:change=move |event| {
                        let told = event_target_checked(&event);
                        muted.update(|m| {
                            m.retain(|k| k != name);
                            if !told {
                                m.push(name.to_string());
                            }
                        });
                    }
                />
                {kind.choice()}
            </label>
        }
    });
    view! {
        <form class="notification-form" on:submit=save>
            {(!settings.email_available).then(|| view! {
                <p class="hint" role="note">
                    "Den här servern skickar inga mejl än. Ingen e-postserver är inställd. Dina val sparas till dess."
                </p>
            })}
            <p>
                "Du får ett mejl när något i en plan behöver dig. Mejlet har bara en länk. Det står inga namn och ingen text ur planen i det."
            </p>
            <label for="notify-email">"Din e-postadress"</label>
            <input
                id="notify-email"
                type="email"
                autocomplete="email"
                prop:value=move || email.get()
                on:input=move |event| email.set(event_target_value(&event))
            />
            <fieldset>
                <legend>"Hur vill du få mejl?"</legend>
                {modes.into_iter().collect_view()}
            </fieldset>
            <fieldset class="notify-kinds">
                <legend>"Vad vill du få veta? Det gäller både mejl och aviseringar."</legend>
                {kinds.collect_view()}
            </fieldset>
            <button type="submit">"Spara aviseringar"</button>
            <p role="status">{move || status.get()}</p>
        </form>
        <h3 class="device-push-heading">"Aviseringar på den här enheten"</h3>
        <crate::components::device_push::DevicePushSwitch what="aviseringar" />
    }
}
