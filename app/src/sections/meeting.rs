//! Mötet: the kallelse (purpose, when, where, how long, agenda, chair and
//! note-taker) with a ready invitation text to copy in one click and a
//! calendar file to download (`shared::plan::invitation`), and where the
//! meeting is, with the way into the meeting view
//! ([`super::meeting_mode`]).

use leptos::prelude::*;
use shared::plan::{
    agenda, edit, invitation, Meeting, MeetingForm, MeetingText, Plan, TextPath, RECOMMENDED_MAX_MINUTES,
};

use super::{now_millis, PlanContext};
use crate::components::field::{enum_options, enum_pick, enum_value, non_empty, InputField, SelectField};
use crate::components::text_field::TextAt;

/// The latest meeting's id, if any.
fn current_meeting(plan: &Plan) -> Option<String> {
    plan.meetings.iter().max_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0))).map(|(id, _)| id.clone())
}

/// The current meeting: its kallelse, invitation text, steps and clock.
#[component]
pub fn MeetingSection(ctx: PlanContext) -> impl IntoView {
    let meeting_id = Memo::new(move |_| ctx.plan.get().as_deref().and_then(current_meeting));
    let meeting = Memo::new(move |_| {
        let plan = ctx.plan.get()?;
        plan.meetings.get(&meeting_id.get()?).cloned()
    });
    let update = move |change: Box<dyn FnOnce(&mut Meeting)>| {
        if let Some(id) = meeting_id.get_untracked() {
            ctx.change(|doc| edit::update_meeting(doc, &id, change));
        }
    };
    let participants = move || {
        ctx.plan
            .get()
            .map(|p| {
                p.ordered_participants()
                    .into_iter()
                    .map(|(id, p)| (id.clone(), p.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    // The clock ticks every 15 s while the meeting runs.
    let now = RwSignal::new(now_millis());
    let ticker = leptos::prelude::set_interval_with_handle(
        move || now.set(now_millis()),
        std::time::Duration::from_secs(15),
    );
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    let invitation = move || {
        let plan = ctx.plan.get()?;
        Some(invitation::text(&plan, &meeting.get()?))
    };
    let person_select = move |label: &'static str,
                              dom: &'static str,
                              get: fn(&Meeting) -> Option<String>,
                              set: fn(&mut Meeting, Option<String>)| {
        view! {
            <SelectField id=dom label=label
                options=Signal::derive(move || {
                    let mut options = vec![(String::new(), "Inte utsedd".to_string())];
                    options.extend(participants());
                    options
                })
                value=Signal::derive(move || meeting.get().and_then(|m| get(&m)).unwrap_or_default())
                on_value=Callback::new(move |value: String| update(Box::new(move |m| set(m, non_empty(value))))) />
        }
    };
    let meeting_text =
        move |get: fn(Meeting) -> String| Signal::derive(move || meeting.get().map(get).unwrap_or_default());
    view! {
        <section class="section" aria-labelledby="meeting-heading">
            <h2 id="meeting-heading">"Möte och kallelse"</h2>
            {move || match meeting_id.get() {
                None => view! {
                    <p class="no-print"><button type="button" on:click=move |_| {
                        let meeting = Meeting { planned_minutes: 90, ..Meeting::default() };
                        ctx.change(|doc| edit::add_meeting(doc, &meeting));
                    }>"Planera ett möte"</button></p>
                }.into_any(),
                Some(mid) => {
                    let path = |field| TextPath::meeting(mid.clone(), field);
                    view! {
                        <TextAt id=ctx.id path=path(MeetingText::Purpose) label="Syftet med mötet".to_string()
                            multiline=true />
                        <div class="field-row">
                            <InputField id="meeting-date" label="Datum" kind="date" value=meeting_text(|m| m.date.unwrap_or_default())
                                on_value=Callback::new(move |v: String| update(Box::new(move |m| m.date = non_empty(v)))) />
                            <InputField id="meeting-time" label="Klockan" kind="time" value=meeting_text(|m| m.time)
                                on_value=Callback::new(move |v: String| update(Box::new(move |m| m.time = v))) />
                            <InputField id="meeting-minutes" label="Planerad tid i minuter" kind="number" step=15
                                value=meeting_text(|m| m.planned_minutes.to_string())
                                on_value=Callback::new(move |v: String| {
                                    let minutes = v.parse::<u64>().unwrap_or(0);
                                    update(Box::new(move |m| m.planned_minutes = minutes));
                                }) />
                        </div>
                        {move || meeting.get().is_some_and(|m| m.planned_minutes > RECOMMENDED_MAX_MINUTES).then(|| view! {
                            <p class="warning" role="alert">"Mötet är planerat till mer än två timmar. Ett långt möte kan bli tröttsamt för personen – dela hellre upp det."</p>
                        })}
                        <div class="field-row">
                            <SelectField id="meeting-form" label="Var hålls mötet?"
                                options=enum_options(&MeetingForm::ALL, |f| f.label())
                                value=Signal::derive(move || enum_value(&MeetingForm::ALL, meeting.get().map(|m| m.form).as_ref()))
                                on_value=Callback::new(move |v: String| if let Some(form) = enum_pick(&MeetingForm::ALL, &v) {
                                    update(Box::new(move |m| m.form = form));
                                }) />
                            <InputField id="meeting-place" label="Plats eller länk"
                                value=meeting_text(|m| if m.form == MeetingForm::Digital { m.digital_link } else { m.place })
                                on_value=Callback::new(move |v: String| update(Box::new(move |m| {
                                    if m.form == MeetingForm::Digital { m.digital_link = v } else { m.place = v }
                                }))) />
                        </div>
                        <div class="field-row">
                            {person_select("Ordförande", "meeting-chair", |m| m.chair.clone(), |m, v| m.chair = v)}
                            {person_select("Antecknar", "meeting-note-taker", |m| m.note_taker.clone(), |m, v| m.note_taker = v)}
                        </div>
                        <TextAt id=ctx.id path=path(MeetingText::Agenda) label="Dagordning".to_string()
                            multiline=true />
                        {send_invitation(ctx, meeting_id)}
                        <details class="invitation">
                            <summary>"Kallelsen som text"</summary>
                            <pre class="invitation-text" tabindex="0">{invitation}</pre>
                        </details>

                        {meeting_steps(ctx, meeting, now)}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// "Kopiera kallelsen" (its text, to paste into a mail or a letter) and
/// the calendar file, each in one click; what happened is said beside them.
fn send_invitation(ctx: PlanContext, meeting_id: Memo<Option<String>>) -> impl IntoView {
    let said = RwSignal::new(None::<String>);
    let calendar_link = NodeRef::<leptos::html::A>::new();
    // Made when asked for, from the plan as it is then.
    let current = move || {
        let plan = ctx.plan.get_untracked()?;
        let id = meeting_id.get_untracked()?;
        let meeting = plan.meetings.get(&id)?.clone();
        Some((plan, id, meeting))
    };
    let copy = move |_| {
        let Some((plan, _, meeting)) = current() else { return };
        let Some(window) = web_sys::window() else { return };
        let promise = window.navigator().clipboard().write_text(&invitation::text(&plan, &meeting));
        leptos::task::spawn_local(async move {
            let text = match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => "Kallelsen är kopierad. Klistra in den i ett mejl eller ett brev.",
                Err(_) => "Det gick inte att kopiera. Öppna \"Kallelsen som text\", markera texten och kopiera den själv.",
            };
            said.set(Some(text.to_string()));
        });
    };
    let download = move |ev: leptos::ev::MouseEvent| {
        let (Some((plan, id, meeting)), Some(link)) = (current(), calendar_link.get()) else {
            ev.prevent_default();
            return;
        };
        match invitation::calendar_file(&plan, &ctx.id.to_string(), &id, &meeting, super::now_millis()) {
            Ok(ics) => {
                link.set_download(&invitation::calendar_file_name(&meeting));
                link.set_href(&format!(
                    "data:text/calendar;charset=utf-8,{}",
                    String::from(js_sys::encode_uri_component(&ics))
                ));
                said.set(Some(
                    "Kalenderfilen är nedladdad. Öppna den för att lägga in mötet i kalendern.".into(),
                ));
            }
            Err(problem) => {
                ev.prevent_default();
                said.set(Some(problem.to_string()));
            }
        }
    };
    view! {
        <div class="button-row no-print">
            <button type="button" on:click=copy>"Kopiera kallelsen"</button>
            <a class="button-link" href="#" download="kallelse.ics" node_ref=calendar_link on:click=download>
                "Ladda ner till kalendern (.ics)"</a>
        </div>
        <p class="no-print" role="status">{move || said.get()}</p>
    }
}

/// "Under mötet": where the meeting is (not started, at a step, ended)
/// and the way into the meeting view, where the chair leads it
/// ([`super::meeting_mode`]).
fn meeting_steps(ctx: PlanContext, meeting: Memo<Option<Meeting>>, now: RwSignal<i64>) -> impl IntoView {
    let state = move || {
        let m = meeting.get()?;
        let steps = agenda::steps(&m).len();
        Some(match agenda::current_step(&m) {
            _ if m.has_ended() => super::meeting_mode::clock_text(&m, now.get()),
            None => format!("Mötet har inte börjat. Det har {steps} steg, ett för varje rad i dagordningen."),
            Some((at, step)) => format!(
                "Mötet pågår: steg {at} av {steps}, {}. {}",
                step.title,
                super::meeting_mode::clock_text(&m, now.get())
            ),
        })
    };
    let ended = move || meeting.with(|m| m.as_ref().is_some_and(Meeting::has_ended));
    view! {
        <h3>"Under mötet"</h3>
        <p class="meeting-state" role="status">{state}</p>
        <p class="no-print">
            <a class="button-link primary" href=format!("/plan/{}{}", ctx.id, crate::route::MEETING)>
                {move || if ended() { "Läs minnesanteckningarna" } else { "Öppna mötesläget" }}</a>
        </p>
    }
}
