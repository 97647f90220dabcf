//! Mötesläget: the view the meeting itself is held in, at
//! `/plan/<id>/mote`. It follows the agenda: each line is a step
//! (`shared::plan::agenda`), the chair (or whoever runs the plan) moves
//! the step, and everyone's view follows live, because the step is part
//! of the plan's document (`Meeting::phase`). Each step shows the part of
//! the plan it is about, editable as in the plan, so the meeting works in
//! one place instead of a 12,000-pixel form. "Avsluta mötet" records the
//! end, who took part (from who was here, corrected by the chair) and
//! stops the clock; the minutes are then read and printed from here
//! ([`super::minutes`]).
//!
//! In the chunk of the plan page's parts
//! ([`crate::chunks::PagePart::MeetingMode`]), with the sections: it
//! draws the same parts of the plan.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::plan::agenda::{current_step, next_step, previous_step, steps, PlanPart};
use shared::plan::approvals::current_meeting;
use shared::plan::{Meeting, PreparationField, TextPath};
use shared::repo_core::Present;
use shared::Role;

use super::{now_millis, PlanContext};
use crate::components::after_change::after_the_change;
use crate::components::text_field::TextAt;

/// A change of the current meeting.
type MeetingChange = Box<dyn FnOnce(&mut Meeting)>;

/// The meeting as it runs, or its minutes once it has ended.
#[component]
pub fn MeetingMode(ctx: PlanContext, present: RwSignal<Vec<Present>>) -> impl IntoView {
    let meeting_id = Memo::new(move |_| ctx.plan.with(|p| p.as_deref().and_then(current_meeting).cloned()));
    let meeting = Memo::new(move |_| {
        let id = meeting_id.get()?;
        ctx.plan.with(|p| p.as_deref().and_then(|p| p.meetings.get(&id).cloned()))
    });
    // The chair leads; whoever runs the plan may, when the chair has no device here.
    let leads = Memo::new(move |_| {
        let me = ctx.me.get();
        ctx.role.get() == Some(Role::Coordinator)
            || meeting.with(|m| m.as_ref().is_some_and(|m| m.chair.is_some() && m.chair == me))
    });
    let update = move |change: MeetingChange| {
        if let Some(id) = meeting_id.get_untracked() {
            ctx.change(|doc| shared::plan::edit::update_meeting(doc, &id, change));
        }
    };
    let now = ticking_clock();
    // Who has been here while the meeting ran (participant ids), on this
    // device: what "Avsluta mötet" proposes as having taken part.
    let seen = RwSignal::new(BTreeSet::<String>::new());
    Effect::new(move |_| {
        if meeting.with(|m| m.as_ref().is_some_and(Meeting::is_running)) {
            let here: Vec<String> =
                present.with(|p| p.iter().map(|p| p.presence.participant.clone()).collect());
            let me = ctx.me.get();
            seen.update(|seen| seen.extend(here.into_iter().chain(me).filter(|id| !id.is_empty())));
        }
    });
    let ending = RwSignal::new(false);
    let ended = after_the_change(move || meeting.with(|m| m.as_ref().is_some_and(Meeting::has_ended)));
    let plan_link = format!("/plan/{}", ctx.id);
    view! {
        <section class="meeting-mode" aria-labelledby="meeting-mode-heading">
            <p class="no-print"><a href=plan_link.clone()>"← Till hela planen"</a></p>
            <h2 id="meeting-mode-heading">{move || meeting.get().map(|m| heading(&m)).unwrap_or_else(|| "Mötet".into())}</h2>
            {move || match meeting_id.get() {
                None => view! {
                    <p>"Inget möte är planerat än. Planera mötet under \"Möte och kallelse\" i "
                        <a href=plan_link.clone()>"hela planen"</a>"."</p>
                }.into_any(),
                Some(_) => view! {
                    <MeetingBar meeting now />
                    {move || if ended.get() {
                        view! { <super::minutes::Minutes ctx meeting_id leads update /> }.into_any()
                    } else {
                        view! {
                            <StepList meeting leads update ending />
                            {move || if ending.get() {
                                view! { <EndMeeting ctx meeting seen present ending update /> }.into_any()
                            } else {
                                view! { <StepPart ctx meeting present leads ending /> }.into_any()
                            }}
                        }.into_any()
                    }}
                }.into_any(),
            }}
        </section>
    }
}

/// "SIP-möte 12 december 2026".
fn heading(meeting: &Meeting) -> String {
    let day = meeting.date.as_deref().map(shared::swedish_time::long_date).unwrap_or_default();
    format!("{} {day}", meeting.kind.label()).trim().to_string()
}

/// The time now, renewed every 15 s while the view is open.
fn ticking_clock() -> RwSignal<i64> {
    let now = RwSignal::new(now_millis());
    let ticker = set_interval_with_handle(move || now.set(now_millis()), std::time::Duration::from_secs(15));
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    now
}

/// The clock against the planned time, and for a digital meeting the
/// button that joins it.
#[component]
fn MeetingBar(meeting: Memo<Option<Meeting>>, now: RwSignal<i64>) -> impl IntoView {
    // Until the meeting has ended.
    let join = move || {
        meeting
            .with(|m| m.as_ref().filter(|m| !m.has_ended()).and_then(|m| m.join_link().map(str::to_string)))
    };
    view! {
        <div class="meeting-bar no-print">
            <p class="clock" role="timer" aria-live="off">{move || meeting.get().map(|m| clock_text(&m, now.get()))}</p>
            {move || join().map(|link| view! {
                <p class="join">
                    <a class="button-link primary" href=link.clone() target="_blank" rel="noopener noreferrer">
                        "Gå med i mötet"<span class="visually-hidden">" (öppnas i en ny flik)"</span></a>
                    <span class="join-link">{link}</span>
                </p>
            })}
        </div>
    }
}

/// What the clock says.
pub fn clock_text(meeting: &Meeting, now: i64) -> String {
    let planned = meeting.planned_minutes;
    match meeting.minutes_gone(now) {
        None => "Mötet har inte börjat.".to_string(),
        Some(minutes) if meeting.has_ended() => format!("Mötet är avslutat. Det pågick i {minutes} minuter."),
        Some(minutes) if planned > 0 && minutes > planned => {
            format!(
                "Mötet har pågått i {minutes} minuter – {} minuter över den planerade tiden.",
                minutes - planned
            )
        }
        Some(minutes) => format!("Mötet har pågått i {minutes} av {planned} minuter."),
    }
}

/// The steps, the current one marked; for the chair each step is a
/// button that moves everyone there, with "Föregående steg", "Nästa steg"
/// and "Avsluta mötet" under them.
#[component]
fn StepList(
    meeting: Memo<Option<Meeting>>,
    leads: Memo<bool>,
    update: impl Fn(MeetingChange) + Copy + Send + Sync + 'static,
    ending: RwSignal<bool>,
) -> impl IntoView {
    let titles = Memo::new(move |_| {
        meeting.with(|m| m.as_ref().map(|m| steps(m).into_iter().map(|s| s.title).collect::<Vec<_>>()))
    });
    let at = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(current_step).map(|(n, _)| n)));
    let go = move |step: u64| {
        update(Box::new(move |m| {
            if m.started_at.is_none() {
                m.started_at = Some(now_millis());
            }
            m.phase = step;
        }))
    };
    let started = move || at.get().is_some();
    view! {
        <nav class="meeting-steps no-print" aria-label="Mötets steg">
            <ol class="phases">
                {move || titles.get().unwrap_or_default().into_iter().enumerate().map(|(i, title)| {
                    let step = i + 1;
                    let current = move || at.get() == Some(step);
                    let class = move || if current() { "phase current" } else { "phase" };
                    let aria_current = move || current().then_some("step");
                    if leads.get() {
                        view! {
                            <li class=class aria-current=aria_current>
                                <button type="button" class="phase-button" on:click=move |_| go(step as u64)>{title}</button>
                            </li>
                        }.into_any()
                    } else {
                        view! { <li class=class aria-current=aria_current>{title}</li> }.into_any()
                    }
                }).collect_view()}
            </ol>
        </nav>
        {move || if leads.get() {
            view! {
                <div class="button-row no-print">
                    <button type="button" disabled=move || !started() on:click=move |_| {
                        if let Some(m) = meeting.get_untracked() { go(previous_step(&m)) }
                    }>"Föregående steg"</button>
                    <button type="button" class="primary" on:click=move |_| {
                        if let Some(m) = meeting.get_untracked() { go(next_step(&m)) }
                    }>{move || if started() { "Nästa steg" } else { "Starta mötet" }}</button>
                    <button type="button" disabled=move || !started() on:click=move |_| ending.set(true)>"Avsluta mötet"</button>
                </div>
            }.into_any()
        } else {
            view! {
                <p class="hint no-print">{move || meeting.with(|m| match m.as_ref().map(|m| m.phase) {
                    Some(0) | None => "Ordföranden startar mötet. Din vy följer med när mötet går vidare.",
                    _ => "Ordföranden leder mötet. Din vy följer med när mötet går vidare.",
                })}</p>
            }.into_any()
        }}
    }
}

/// The current step's heading and the part of the plan it is about.
#[component]
fn StepPart(
    ctx: PlanContext,
    meeting: Memo<Option<Meeting>>,
    present: RwSignal<Vec<Present>>,
    leads: Memo<bool>,
    ending: RwSignal<bool>,
) -> impl IntoView {
    let step = Memo::new(move |_| {
        meeting.with(|m| {
            let m = m.as_ref()?;
            let (at, step) = current_step(m)?;
            Some((at, steps(m).len(), step.title, step.part))
        })
    });
    let part = after_the_change(move || step.with(|s| s.as_ref().map(|(_, _, _, part)| *part)));
    let read_only = move || ctx.role.get() == Some(Role::Reader);
    view! {
        <section class="meeting-step" aria-labelledby="meeting-step-heading">
            <h3 id="meeting-step-heading" aria-live="polite">{move || match step.get() {
                Some((at, of, title, _)) => format!("Steg {at} av {of}: {title}"),
                None => "Innan mötet börjar".to_string(),
            }}</h3>
            // Which part of the plan the step is about, when its title does not say.
            {move || step.get().filter(|(_, _, title, part)| !title.eq_ignore_ascii_case(part.label())).map(|(_, _, _, part)| view! {
                <p class="hint">{format!("Planens del: {}", part.label())}</p>
            })}
            <fieldset class="meeting-part" disabled=read_only>
                <legend class="visually-hidden">"Den del av planen som steget gäller"</legend>
                {move || match part.get() {
                    None | Some(PlanPart::Opening) => opening(ctx, meeting, present).into_any(),
                    Some(PlanPart::Situation) => preparation(ctx, &SITUATION).into_any(),
                    Some(PlanPart::Needs) => preparation(ctx, &NEEDS).into_any(),
                    Some(PlanPart::GoalsAndInterventions) => view! {
                        <super::goals::GoalsSection ctx />
                        <super::interventions::InterventionsSection ctx />
                    }.into_any(),
                    Some(PlanPart::Summary) => summary(ctx).into_any(),
                    Some(PlanPart::Closing) => closing(leads, ending).into_any(),
                }}
            </fieldset>
        </section>
    }
}

/// The preparation questions about the person's situation now.
const SITUATION: [PreparationField; 6] = [
    PreparationField::ImportantToMe,
    PreparationField::Strengths,
    PreparationField::Obstacles,
    PreparationField::Other,
    PreparationField::QuestionsToRaise,
    PreparationField::QuestionsToAvoid,
];

/// The preparation questions about what the person needs.
const NEEDS: [PreparationField; 3] =
    [PreparationField::Needs, PreparationField::CanDoMyself, PreparationField::MySubGoals];

/// The person's own words before the meeting (seed 001), the questions
/// of this step.
fn preparation(ctx: PlanContext, fields: &[PreparationField]) -> impl IntoView {
    let fields = fields.to_vec();
    view! {
        <p class="hint">"Personens förberedelse, med personens egna ord."</p>
        {fields.into_iter().map(|field| view! {
            <TextAt id=ctx.id path=TextPath::Preparation(field) label=field.label().to_string() multiline=true />
        }).collect_view()}
    }
}

/// Why the meeting is held, its roles, and who is here.
fn opening(
    ctx: PlanContext,
    meeting: Memo<Option<Meeting>>,
    present: RwSignal<Vec<Present>>,
) -> impl IntoView {
    let rows = move || {
        let here: BTreeSet<String> =
            present.with(|p| p.iter().map(|p| p.presence.participant.clone()).collect());
        let me = ctx.me.get();
        let (chair, note_taker) =
            meeting.with(|m| m.as_ref().map(|m| (m.chair.clone(), m.note_taker.clone())).unwrap_or_default());
        ctx.plan.with(|plan| {
            let Some(plan) = plan.as_deref() else { return Vec::new() };
            plan.ordered_participants()
                .into_iter()
                .map(|(id, p)| {
                    let mut who = vec![p.role.trim().to_string(), p.organisation.label().to_string()];
                    if chair.as_ref() == Some(id) {
                        who.push("ordförande".into());
                    }
                    if note_taker.as_ref() == Some(id) {
                        who.push("antecknar".into());
                    }
                    who.retain(|w| !w.is_empty());
                    let is_here = here.contains(id) || me.as_ref() == Some(id);
                    (
                        p.name.clone(),
                        who.join(", "),
                        if is_here { "Här nu" } else { "Inte här med egen enhet" },
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let purpose = move || meeting.with(|m| m.as_ref().map(|m| m.purpose.as_str().trim().to_string()));
    view! {
        {move || purpose().filter(|p| !p.is_empty()).map(|p| view! {
            <p class="meeting-purpose"><strong>"Syftet med mötet: "</strong>{p}</p>
        })}
        <table class="meeting-people">
            <caption>"Deltagare"</caption>
            <thead><tr><th scope="col">"Namn"</th><th scope="col">"Roll"</th><th scope="col">"Med i mötet"</th></tr></thead>
            <tbody>
                {move || rows().into_iter().map(|(name, who, here)| view! {
                    <tr><th scope="row">{name}</th><td>{who}</td><td>{here}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The summary of the meeting, the next follow-up, and everyone's approval.
fn summary(ctx: PlanContext) -> impl IntoView {
    let summary_path = move || {
        let id = ctx.plan.with(|p| p.as_deref().and_then(current_meeting).cloned())?;
        Some(TextPath::meeting(id, shared::plan::MeetingText::Summary))
    };
    let follow_up = ctx.part(|p| p.follow_up.next_follow_up.clone().unwrap_or_default());
    view! {
        {move || summary_path().map(|path| view! {
            <TextAt id=ctx.id path label="Sammanfattning av mötet".to_string() multiline=true
                hint="Vad kom ni fram till? Det här står i minnesanteckningarna." />
        })}
        <div class="field">
            <label for="meeting-next-follow-up">"Nästa uppföljning"</label>
            <input id="meeting-next-follow-up" type="date" prop:value=move || follow_up.get() on:change=move |ev| {
                let value = event_target_value(&ev);
                ctx.change(|doc| shared::plan::edit::set_next_follow_up(doc, (!value.is_empty()).then_some(value.as_str())));
            } />
        </div>
        <super::approvals::ApprovalsSection ctx />
    }
}

/// The last step: the chair ends the meeting from here.
fn closing(leads: Memo<bool>, ending: RwSignal<bool>) -> impl IntoView {
    move || {
        if leads.get() {
            view! {
                <p>"När ni är klara: avsluta mötet. Då stannar klockan och det antecknas vilka som var med."</p>
                <p><button type="button" class="primary" on:click=move |_| ending.set(true)>"Avsluta mötet"</button></p>
            }
            .into_any()
        } else {
            view! { <p>"Ordföranden avslutar mötet. Sedan kan alla läsa minnesanteckningarna här."</p> }
                .into_any()
        }
    }
}

/// "Avsluta mötet": who took part (proposed from who was here, the chair
/// corrects it), the summary, and the end.
#[component]
fn EndMeeting(
    ctx: PlanContext,
    meeting: Memo<Option<Meeting>>,
    seen: RwSignal<BTreeSet<String>>,
    present: RwSignal<Vec<Present>>,
    ending: RwSignal<bool>,
    update: impl Fn(MeetingChange) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let participants: Vec<(String, String)> = ctx.plan.with_untracked(|p| {
        p.as_deref()
            .map(|p| {
                p.ordered_participants().into_iter().map(|(id, p)| (id.clone(), p.name.clone())).collect()
            })
            .unwrap_or_default()
    });
    let mut proposed = seen.get_untracked();
    proposed.extend(
        present.with_untracked(|p| p.iter().map(|p| p.presence.participant.clone()).collect::<Vec<_>>()),
    );
    proposed.extend(ctx.me.get_untracked());
    let took_part = RwSignal::new(proposed);
    let heading = NodeRef::<leptos::html::H3>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let summary_path = untrack(|| {
        let id = ctx.plan.with(|p| p.as_deref().and_then(current_meeting).cloned())?;
        Some(TextPath::meeting(id, shared::plan::MeetingText::Summary))
    });
    let ids: Vec<String> = participants.iter().map(|(id, _)| id.clone()).collect();
    let end = move |_| {
        let Some(me) = ctx.signer() else { return };
        let chosen = took_part.get_untracked();
        let ids = ids.clone();
        let last = meeting.with_untracked(|m| m.as_ref().map(|m| steps(m).len() as u64).unwrap_or(1));
        update(Box::new(move |m| {
            m.end(now_millis(), &me.author, ids.iter().map(String::as_str), |id| chosen.contains(id));
            m.phase = last;
        }));
        ending.set(false);
    };
    view! {
        <section class="end-meeting" aria-labelledby="end-meeting-heading">
            <h3 id="end-meeting-heading" tabindex="-1" node_ref=heading>"Avsluta mötet"</h3>
            <fieldset>
                <legend>"Vilka var med på mötet?"</legend>
                <p class="hint">"Förslaget kommer från vilka som hade planen öppen. Ändra om någon var med utan egen enhet."</p>
                {participants.into_iter().map(|(id, name)| {
                    let dom = format!("took-part-{id}");
                    let checked = { let id = id.clone(); move || took_part.with(|t| t.contains(&id)) };
                    view! {
                        <div class="check">
                            <input type="checkbox" id=dom.clone() prop:checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = id.clone();
                                took_part.update(|t| { if on { t.insert(id); } else { t.remove(&id); } });
                            } />
                            <label for=dom>{name}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {summary_path.map(|path| view! {
                <TextAt id=ctx.id path label="Sammanfattning av mötet".to_string() multiline=true />
            })}
            <super::SignedAs ctx />
            <div class="button-row">
                <button type="button" class="primary" on:click=end>"Avsluta mötet nu"</button>
                <button type="button" on:click=move |_| ending.set(false)>"Avbryt"</button>
            </div>
        </section>
    }
}
