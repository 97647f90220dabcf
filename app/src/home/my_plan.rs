//! "Min plan": the person's plan in plain Swedish, one part at a time, with
//! what is due on top. Reads the plan and the self-report document from the
//! device (so it opens with no network) and follows both live.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Member, ReporterRequest};
use shared::plan::{Plan, PreparationField, TextPath};
use shared::self_reports::{set_report_interval, SelfReports, REPORT_INTERVALS};
use shared::{DocumentId, Role};

use super::keep_on_tablet::KeepOnTablet;
use super::next_meeting::NextMeetingCard;
use super::parts;
use super::read_aloud::ReadAloud;
use super::report::ReportForm;
use super::text_size::TextSize;
use crate::api;
use crate::chunk_loading::retrying;
use crate::clock::today;
use crate::components::progress_chart::ProgressChart;
use crate::components::save_status::SaveStatus;
use crate::components::text_field::TextAt;
use crate::repo::{Availability, DocSignals, SaveState};
use crate::RepoHandle;

/// The parts of the plan, shown one at a time.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Goals,
    Myself,
    Help,
    Coordinator,
    Meeting,
    Helpers,
    Seen,
    Reminders,
    About,
}

impl Part {
    /// The part's heading and button.
    pub fn title(self) -> &'static str {
        match self {
            Part::Goals => "Mina mål",
            Part::Myself => "Det gör jag själv",
            Part::Help => "Hjälp jag får",
            Part::Coordinator => "Vem jag kan fråga",
            Part::Meeting => "Inför mötet",
            Part::Helpers => "Vem får svara åt mig",
            Part::Seen => "Vem har sett min plan",
            Part::Reminders => "Påminnelser",
            Part::About => "Om SIP",
        }
    }
}

/// Days from `today` to `date` (negative when past), both YYYY-MM-DD.
fn days_until(date: &str) -> Option<i64> {
    use shared::self_reports::day_number;
    Some(day_number(date)? - day_number(&today())?)
}

/// A sub-goal as the person reads it: its words, then how it is measured,
/// by when, and how it went at the latest follow-up (each when written).
#[derive(Debug, Clone, PartialEq)]
struct SubGoalLine {
    text: String,
    details: Vec<(&'static str, String)>,
}

fn sub_goal_line(sub: &shared::plan::SubGoal) -> SubGoalLine {
    let mut details = Vec::new();
    let measure = sub.measure.as_str().trim();
    if !measure.is_empty() {
        details.push(("Så vet vi att det är klart:", measure.to_string()));
    }
    if let Some(date) = sub.target_date.as_deref().filter(|d| !d.is_empty()) {
        details.push(("Klart senast:", shared::swedish_time::long_date(date)));
    }
    if let Some(latest) = shared::plan::latest_status(&sub.status) {
        let said = format!("{} ({})", latest.outcome.label(), shared::swedish_time::long_date(&latest.date));
        details.push(("Vid uppföljningen:", said));
    }
    SubGoalLine { text: sub.text.as_str().trim().to_string(), details }
}

/// The page at `/min-plan/<id>`.
#[component]
pub fn MyPlanPage(id: DocumentId) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let signals = repo.get().open(id);
    let plan = Memo::new(move |_| {
        signals.version.track();
        repo.get().plan(&id)
    });
    // The self-report document, once the plan names it.
    let reports_id = Memo::new(move |_| {
        plan.get().and_then(|p| p.self_reports.clone()).and_then(|r| DocumentId::parse_url_or_id(&r).ok())
    });
    let report_signals = Memo::new(move |_| reports_id.get().map(|rid| repo.get().open(rid)));
    let reports = Memo::new(move |_| {
        let rid = reports_id.get()?;
        report_signals.get()?.version.track();
        repo.get().self_reports(&rid)
    });
    // Who this device is, and whether it may report (the person, or someone they let).
    let role = RwSignal::new(api::remembered_role(&id.to_string()));
    let my_name = RwSignal::new(String::new());
    spawn_local(async move {
        if let Ok(me) = api::me().await {
            my_name.set(me.name);
        }
        if let Some(r) = api::fetch_role(&id.to_string()).await {
            role.set(Some(r));
        }
    });
    // The role on the self-report document: as remembered, until the
    // server says (the effect only asks the server).
    let fetched_report_role = RwSignal::new(None::<(DocumentId, Role)>);
    Effect::new(move |_| {
        let Some(rid) = reports_id.get() else { return };
        spawn_local(async move {
            if let Some(r) = api::fetch_role(&rid.to_string()).await {
                fetched_report_role.set(Some((rid, r)));
            }
        });
    });
    let may_report = Memo::new(move |_| {
        let Some(rid) = reports_id.get() else { return false };
        let fetched = fetched_report_role.get().filter(|(id, _)| *id == rid).map(|(_, role)| role);
        fetched.or_else(|| api::remembered_role(&rid.to_string())) == Some(Role::Person)
    });
    let is_person = Signal::derive(move || role.get() == Some(Role::Person));
    let part = RwSignal::new(Part::Goals);
    // "Logga ut" only for a session from an identity provider: the person
    // signs in again with it. A device that came by a link would be locked
    // out of its plan for good.
    let from_provider = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(me) = api::me().await {
            from_provider.set(me.from_provider);
        }
    });
    // A read from the device's copy without the network is told to the
    // server when it is back (the access log).
    crate::offline_reads::follow(id);
    // For the slow-tablet benchmark: when the plan is first on the screen.
    let shown = StoredValue::new(false);
    Effect::new(move |_| match signals.availability.get() {
        Availability::Ready if plan.get().is_some() && !shown.get_value() => {
            shown.set_value(true);
            // At once, so that the page's script finds no place for a
            // first view that arrives late.
            super::first_view_done();
            gloo_timers::callback::Timeout::new(0, || crate::repo::mark("samplan:plan-shown")).forget();
        }
        Availability::Unavailable | Availability::NoAccess => super::first_view_done(),
        _ => {}
    });
    let save_state = save_state_of(signals, report_signals);
    let storage_failed = move || matches!(save_state(), SaveState::Failed(_));
    let title = move || plan.get().map(|p| p.title.as_str().trim().to_string()).filter(|t| !t.is_empty());
    view! {
        <main class="page home-page">
            <nav class="no-print home-nav">
                <a href="/min-plan">"Mina planer"</a>
                <a href=format!("/plan/{id}")>"Hela planen"</a>
                {move || from_provider.get().then(|| view! {
                    <form class="sign-out" method="post" action="/auth/sign-out">
                        <button type="submit">"Logga ut"</button>
                    </form>
                })}
            </nav>
            <header class="home-header">
                <h1>"Min plan"</h1>
                {move || title().map(|t| view! { <p class="plan-name" data-user-text>{t}</p> })}
                <SaveStatus state=save_state />
                <TextSize />
            </header>
            <KeepOnTablet state=save_state />
            {move || storage_failed().then(|| view! {
                <p class="error" role="alert">
                    "Det går inte att spara på den här enheten just nu. Minnet kan vara fullt. "
                    "Eller så är webbläsaren i privat läge. Det som redan är sparat finns kvar. "
                    "Nya svar skickas när du har nät. Stäng inte sidan förrän det står att allt är sparat."
                </p>
            })}
            {move || match signals.availability.get() {
                Availability::Loading => view! { <p>"Öppnar din plan …"</p> }.into_any(),
                Availability::Fetching => view! { <p role="status">"Hämtar din plan …"</p> }.into_any(),
                Availability::Unavailable => view! {
                    <p role="status">"Din plan finns inte här än. Den kommer när du har nät."</p>
                }.into_any(),
                Availability::NoAccess => view! {
                    <p role="alert">"Du kan inte se den här planen längre. Fråga din samordnare."</p>
                }.into_any(),
                Availability::Ready => view! {
                    <Todo plan reports part />
                    <NextMeetingCard plan prepare=Callback::new(move |()| part.set(Part::Meeting)) />
                    // Asked only after a meeting: a chunk of its own (`super::parts`).
                    {move || plan.with(|p| p.as_ref().is_some_and(|p| p.meeting_held(&today()).is_some())).then(|| view! {
                        <Suspense>{move || Suspend::new(retrying(move || parts::taking_part(plan, reports, reports_id, may_report, my_name)))}</Suspense>
                    })}
                    <PartMenu part is_person />
                    {move || match part.get() {
                        Part::Goals => view! { <GoalsPart plan reports reports_id may_report my_name /> }.into_any(),
                        Part::Myself => view! { <MyselfPart plan /> }.into_any(),
                        // The parts below are chunks of their own (`super::parts`).
                        Part::Help => chunk(move || parts::help(id, plan, reports, reports_id, may_report, my_name)),
                        Part::Coordinator => view! { <CoordinatorPart plan /> }.into_any(),
                        Part::Meeting => chunk(move || parts::meeting(id, signals.version, is_person)),
                        Part::Helpers => chunk(move || parts::helpers(id)),
                        Part::Seen => chunk(move || parts::seen(id)),
                        Part::Reminders => chunk(parts::reminders),
                        Part::About => chunk(parts::about),
                    }}
                }.into_any(),
            }}
        </main>
    }
}

/// A part of Min plan that is a chunk of its own, shown when it has come.
fn chunk<F>(load: impl Fn() -> F + Copy + Send + Sync + 'static) -> AnyView
where
    F: std::future::Future<Output = Result<AnyView, crate::chunk_loading::ChunkMissing>> + 'static,
{
    view! { <Suspense fallback=|| view! { <p role="status">"Öppnar …"</p> }>{move || Suspend::new(retrying(load))}</Suspense> }
        .into_any()
}

/// The parts of the plan to choose from ("Vem får svara åt mig" only for
/// the person).
#[component]
fn PartMenu(part: RwSignal<Part>, is_person: Signal<bool>) -> impl IntoView {
    view! {
        <nav class="part-menu no-print" aria-label="Delar av planen">
            {move || {
                let mut parts = vec![Part::Goals, Part::Myself, Part::Help, Part::Coordinator, Part::Meeting];
                if is_person.get() {
                    parts.push(Part::Helpers);
                    parts.push(Part::Seen);
                }
                parts.push(Part::Reminders);
                parts.push(Part::About);
                parts.into_iter().map(|p| view! {
                    <button type="button" class="part-button" aria-pressed=move || (part.get() == p).to_string()
                        on:click=move |_| part.set(p)>{p.title()}</button>
                }).collect_view()
            }}
        </nav>
    }
}

/// Where the person's changes are: the answers are in the self-report
/// document, so "Synkat med servern" only when both it and the plan are
/// (and a failure of either is one).
fn save_state_of(
    plan: DocSignals,
    reports: Memo<Option<DocSignals>>,
) -> impl Fn() -> SaveState + Copy + Send + Sync + 'static {
    move || {
        let plan_state = plan.save_state.get();
        match reports.get() {
            Some(reports) => plan_state.least_advanced(reports.save_state.get()),
            None => plan_state,
        }
    }
}

/// What is due: a meeting soon, a report the person wanted to make.
#[component]
fn Todo(
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    part: RwSignal<Part>,
) -> impl IntoView {
    let items = move || {
        let mut items: Vec<(String, Option<String>)> = Vec::new();
        let Some(plan) = plan.get() else { return items };
        if let Some(meeting) = plan.next_meeting(&today()) {
            match days_until(&meeting.date) {
                _ if meeting.running => items.push(("Mötet om din plan pågår nu.".into(), None)),
                Some(0) => items.push(("Mötet om din plan är i dag.".into(), None)),
                Some(1) => items.push(("Mötet om din plan är i morgon.".into(), None)),
                Some(n @ 2..=14) => items
                    .push((format!("Om {n} dagar är mötet om din plan. Läs mer under Nästa möte."), None)),
                _ => {}
            }
        }
        if let Some(reports) = reports.get() {
            for goal_id in reports.due(&today()) {
                if let Some(goal) = plan.goals.get(&goal_id) {
                    items.push((
                        "Dags att svara hur det går med målet:".into(),
                        Some(goal.text.as_str().to_string()),
                    ));
                }
            }
        }
        items
    };
    view! {
        <section class="todo" aria-labelledby="todo-heading">
            <h2 id="todo-heading">"Att göra"</h2>
            {move || {
                let items = items();
                if items.is_empty() {
                    view! { <p>"Du har inget att göra just nu."</p> }.into_any()
                } else {
                    view! {
                        <ul class="todo-list">
                            {items.into_iter().map(|(text, goal)| view! {
                                <li>
                                    {text}
                                    {goal.map(|g| view! {
                                        " " <strong data-user-text>{g}</strong> " "
                                        <button type="button" class="small" on:click=move |_| part.set(Part::Goals)>"Svara nu"</button>
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// A part's frame: heading, "Läs upp", and the text it reads.
#[component]
pub fn PartFrame(part: Part, children: Children) -> impl IntoView {
    let readable = NodeRef::<leptos::html::Div>::new();
    view! {
        <section class="part" aria-labelledby="part-heading">
            <div class="part-top">
                <h2 id="part-heading">{part.title()}</h2>
                <ReadAloud target=readable />
            </div>
            <div class="readable" node_ref=readable>{children()}</div>
        </section>
    }
}

#[component]
fn GoalsPart(
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let main_goal = move || plan.get().map(|p| p.main_goal.as_str().trim().to_string()).unwrap_or_default();
    // A memo: the cards (and an answer being filled in) are rebuilt only
    // when the goals change, not when someone edits another part.
    let goals = Memo::new(move |_| {
        plan.get()
            .map(|p| {
                p.ordered_goals()
                    .into_iter()
                    .map(|(id, g)| {
                        let subs: Vec<SubGoalLine> = Plan::ordered(&g.sub_goals, |s| s.position.as_str())
                            .into_iter()
                            .filter(|(_, s)| !s.text.as_str().trim().is_empty())
                            .map(|(_, s)| sub_goal_line(s))
                            .collect();
                        (id.clone(), g.text.as_str().to_string(), subs)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let main_goal = Memo::new(move |_| main_goal());
    let reporter = Signal::derive(move || my_name.get());
    view! {
        <PartFrame part=Part::Goals>
            {move || {
                let main = main_goal.get();
                (!main.is_empty()).then(|| view! {
                    <h3>"Mitt stora mål"</h3>
                    <p class="big-text" data-user-text>{main}</p>
                })
            }}
            {move || {
                let list = goals.get();
                if list.is_empty() {
                    return view! { <p>"Det finns inga mål i planen än. Ni skriver dem tillsammans på mötet."</p> }.into_any();
                }
                list.into_iter().enumerate().map(|(n, (goal_id, text, subs))| {
                    let heading_id = format!("goal-{goal_id}");
                    let article_label = heading_id.clone();
                    let interval_id = format!("interval-{goal_id}");
                    let goal_for_chart = goal_id.clone();
                    let goal_for_interval = goal_id.clone();
                    let goal_for_form = goal_id.clone();
                    let chart_heading = heading_id.clone();
                    view! {
                        <article class="goal-card" aria-labelledby=article_label>
                            <h3 id=heading_id>{format!("Mål {}: ", n + 1)}<span data-user-text>{text}</span></h3>
                            {(!subs.is_empty()).then(|| view! {
                                <p>"Steg på vägen:"</p>
                                <ul class="my-sub-goals">{subs.into_iter().map(|s| view! {
                                    <li>
                                        <span data-user-text>{s.text}</span>
                                        {s.details.into_iter().map(|(label, value)| view! {
                                            <br />{label}" " <span data-user-text>{value}</span>
                                        }).collect_view()}
                                    </li>
                                }).collect_view()}</ul>
                            })}
                            <h4>"Så har det gått"</h4>
                            {move || {
                                let list: Vec<_> = reports.get()
                                    .map(|r| r.for_goal(&goal_for_chart).into_iter().cloned().collect())
                                    .unwrap_or_default();
                                view! { <ProgressChart reports=list heading_id=chart_heading.clone() /> }
                            }}
                            {move || match (reports_id.get(), may_report.get()) {
                                (Some(rid), true) => {
                                    let goal = goal_for_form.clone();
                                    let interval_goal = goal_for_interval.clone();
                                    let interval_label_id = interval_id.clone();
                                    let current = move || reports.get()
                                        .and_then(|r| r.report_every_days.get(&interval_goal).copied())
                                        .map(|d| d.to_string())
                                        .unwrap_or_default();
                                    let goal_for_change = goal.clone();
                                    view! {
                                        <ReportForm reports=rid goal_id=goal reporter />
                                        <div class="field short no-print">
                                            <label for=interval_label_id.clone()>"Påminn mig om att svara"</label>
                                            <select id=interval_label_id prop:value=current on:change=move |ev| {
                                                let days = event_target_value(&ev).parse::<i64>().ok();
                                                let goal = goal_for_change.clone();
                                                let _ = repo.get().change(&rid, |doc| {
                                                    set_report_interval(doc, &goal, days).map_err(shared::plan::PlanError::from)
                                                });
                                            }>
                                                <option value="">"Ingen påminnelse"</option>
                                                {REPORT_INTERVALS.map(|d| view! {
                                                    <option value=d.to_string()>{match d {
                                                        7 => "Varje vecka",
                                                        14 => "Varannan vecka",
                                                        _ => "En gång i månaden",
                                                    }}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    }.into_any()
                                }
                                (None, _) => view! {
                                    <p class="hint">"Du kan svara här när din samordnare har öppnat planen en gång till."</p>
                                }.into_any(),
                                (Some(_), false) => ().into_any(),
                            }}
                        </article>
                    }
                }).collect_view().into_any()
            }}
        </PartFrame>
    }
}

#[component]
fn MyselfPart(plan: Memo<Option<Arc<Plan>>>) -> impl IntoView {
    let text = move || {
        plan.get().map(|p| p.person.preparation.can_do_myself.as_str().trim().to_string()).unwrap_or_default()
    };
    view! {
        <PartFrame part=Part::Myself>
            {move || {
                let t = text();
                if t.is_empty() {
                    view! { <p>"Här står det du själv ska göra. Det är inte skrivet än."</p> }.into_any()
                } else {
                    view! { <p class="big-text prewrap" data-user-text>{t}</p> }.into_any()
                }
            }}
        </PartFrame>
    }
}

#[component]
fn CoordinatorPart(plan: Memo<Option<Arc<Plan>>>) -> impl IntoView {
    let coordinator = move || {
        let plan = plan.get()?;
        let id = plan.coordinator.clone()?;
        plan.participants.get(&id).cloned()
    };
    view! {
        <PartFrame part=Part::Coordinator>
            {move || match coordinator() {
                None => view! { <p>"Det står inte vem som är din samordnare än."</p> }.into_any(),
                Some(c) => {
                    let phone = c.phone.trim().to_string();
                    let email = c.email.trim().to_string();
                    view! {
                        <p>"Din samordnare är:"</p>
                        <p class="big-text" data-user-text>{c.name.clone()}</p>
                        {(!c.role.trim().is_empty()).then(|| view! { <p data-user-text>{c.role.clone()}</p> })}
                        {(!phone.is_empty()).then(|| view! {
                            <p>"Ring: " <a class="big-link" href=format!("tel:{}", phone.replace(' ', "")) data-user-text>{phone.clone()}</a></p>
                        })}
                        {(!email.is_empty()).then(|| view! {
                            <p>"Mejla: " <a class="big-link" href=format!("mailto:{email}") data-user-text>{email.clone()}</a></p>
                        })}
                    }.into_any()
                }
            }}
        </PartFrame>
    }
}

/// "Inför mötet": the preparation questions, answered in the person's own words.
#[component]
pub fn MeetingPart(id: DocumentId, version: RwSignal<u64>, editable: Signal<bool>) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    view! {
        <PartFrame part=Part::Meeting>
            <p>"Skriv med dina egna ord. Allt sparas direkt. Alla i planen kan läsa det."</p>
            {move || if editable.get() {
                PreparationField::ALL.into_iter().map(|field| view! {
                    <TextAt id path=TextPath::Preparation(field) label=field.label().to_string() multiline=true />
                }).collect_view().into_any()
            } else {
                // Read straight from the document, as the fields above do.
                version.track();
                let repo = repo.get();
                PreparationField::ALL.into_iter().map(|field| {
                    let text = repo.text_at(&id, &TextPath::Preparation(field));
                    view! {
                        <h3>{field.label()}</h3>
                        <p class="prewrap" data-user-text>{if text.trim().is_empty() { "–".to_string() } else { text }}</p>
                    }
                }).collect_view().into_any()
            }}
        </PartFrame>
    }
}

/// The person chooses who may answer for them (a relative).
#[component]
pub fn HelpersPart(id: DocumentId) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let problem = RwSignal::new(None::<String>);
    let members = LocalResource::new(move || {
        refresh.track();
        async move { api::get::<Vec<Member>>(&format!("/api/plans/{id}/members")).await }
    });
    let set = move |principal: String, allowed: bool| {
        spawn_local(async move {
            let path = format!("/api/plans/{id}/members/{principal}/reports");
            match api::put(&path, &ReporterRequest { allowed }).await {
                Ok(_) => problem.set(None),
                Err(error) => problem.set(Some(error.to_string())),
            }
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <PartFrame part=Part::Helpers>
            <p>"Du kan låta någon annan svara hur det går åt dig. Till exempel någon i din familj."</p>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            {move || match members.get() {
                None => view! { <p>"Hämtar …"</p> }.into_any(),
                Some(Err(_)) => view! { <p>"Du behöver nät för att ändra det här."</p> }.into_any(),
                Some(Ok(list)) => {
                    let others: Vec<_> = list.into_iter().filter(|m| m.role != Role::Person).collect();
                    if others.is_empty() {
                        return view! { <p>"Det finns ingen annan i planen än."</p> }.into_any();
                    }
                    view! {
                        <ul class="helper-list">
                            {others.into_iter().map(|Member { principal, name, reports_for_person: allowed, .. }| {
                                let box_id = format!("helper-{}", principal.replace(':', "-"));
                                let label_for = box_id.clone();
                                view! {
                                    <li>
                                        <label class="choice" for=label_for>
                                            <input type="checkbox" id=box_id prop:checked=allowed
                                                on:change=move |ev| set(principal.clone(), event_target_checked(&ev)) />
                                            <span><span data-user-text>{name}</span>" får svara åt mig"</span>
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </PartFrame>
    }
}
