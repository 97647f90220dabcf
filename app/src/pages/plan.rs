//! One plan: its fields, edited live together with everyone who has the link.

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::PlanText;
use shared::DocumentId;
use shared::Role;

use shared::plan::{edit, ConsentState, Plan};

use crate::chunks::PagePart;
use crate::components::save_status::SaveStatus;
use crate::components::text_field::TextField;
use crate::repo::{Availability, DocSignals, Present};
use crate::sections::approvals::ApprovalsSection;
use crate::sections::consent::ConsentSection;
use crate::sections::deviations::DeviationsSection;
use crate::sections::follow_up::FollowUpSection;
use crate::sections::goals::GoalsSection;
use crate::sections::interventions::InterventionsSection;
use crate::sections::meeting::MeetingSection;
use crate::sections::participants::ParticipantsSection;
use crate::sections::preparation::PreparationSection;
use crate::sections::PlanContext;
use crate::RepoHandle;

/// The page at `/plan/<id>`, `id` as written in the address.
#[component]
pub fn PlanPage(id: String) -> impl IntoView {
    let id = move || DocumentId::parse_url_or_id(&id).ok();
    view! {
        <main class="page">
            <nav><a href="/">"← Mina planer"</a></nav>
            {move || match id() {
                Some(id) => view! { <OpenPlan id /> }.into_any(),
                None => view! {
                    <h1>"Länken fungerar inte"</h1>
                    <p role="alert">"Länken till planen är inte giltig. Be den som skickade den om en ny länk."</p>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn OpenPlan(id: DocumentId) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    crate::repo::mark("samplan:plan-open");
    crate::chunks::preload_plan();
    // A read without the network is told to the server when it is back.
    crate::offline_reads::follow(id);
    let signals = repo.get().open(id);
    let plan = follow_plan(repo, id, signals);
    // This device's role and participant, from the server (remembered for offline use).
    let role = RwSignal::new(crate::api::remembered_role(&id.to_string()));
    let me = RwSignal::new(crate::api::remembered_participant(&id.to_string()));
    let ctx = PlanContext {
        id,
        version: signals.version,
        plan,
        problem: RwSignal::new(None),
        sections_shown: RwSignal::new(false),
        role,
        me,
        name: RwSignal::new(String::new()),
        invite: RwSignal::new(None),
    };
    // The fields find the plan here to name who else is in them.
    provide_context(ctx);
    // A memo: the join form is made once, not again on every change of the
    // plan (which would lose what was typed into it).
    let joining = Memo::new(move |_| ctx.not_yet_a_participant());
    // A memo, so that the sections are built once and not on every keystroke.
    // (Switched a task after the change that withdraws consent: see `after_change`.)
    let consented = crate::components::after_change::shown_until_after_the_change(move || {
        plan.with(|p| p.as_ref().is_some_and(|p| p.consent_state() == ConsentState::Given))
    });
    let title = move || plan_title(repo, id, signals.version);
    follow_access(ctx, signals);
    // A device whose session is gone (signed out, or removed from the plan)
    // does not show the plan, even from its own copy.
    let signed_out = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if crate::api::me().await == Err(crate::api::ApiError::NotSignedIn) {
            signed_out.set(true);
        }
    });
    // `/plan/<id>/mote`: the meeting view instead of the whole plan.
    let current = expect_context::<crate::route::CurrentPath>();
    let in_meeting = Memo::new(move |_| current.in_meeting());
    let read_only = move || role.get() == Some(Role::Reader);
    let coordinator = move || role.get() == Some(Role::Coordinator);
    crate::sections::self_reports::ensure_document(ctx, Signal::derive(coordinator));
    let is_person = move || role.get() == Some(Role::Person);
    let link = move || {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|origin| format!("{origin}/plan/{id}"))
            .unwrap_or_default()
    };
    view! {
        <header class="plan-header">
            <h1>{title}</h1>
            <SaveStatus state=move || signals.save_state.get() />
        </header>
        // The person's own view; a relative (a reader) may answer there for them when the person lets them.
        {move || (is_person() || read_only()).then(|| view! {
            <p class="no-print"><a class="button-link" href=format!("/min-plan/{id}")>{
                if is_person() { "Min plan – lätt att läsa, och svara hur det går" } else { "Personens egen vy – lätt att läsa" }
            }</a></p>
        })}
        <PresentNow present=signals.present plan />
        {move || signed_out.get().then(|| view! {
            <p role="alert">"Du är inte inloggad, eller så har den här enheten tagits bort från planen. Öppna en ny inloggningslänk eller inbjudan."</p>
        })}
        {move || match if signed_out.get() { Availability::NoAccess } else { signals.availability.get() } {
            Availability::Loading => view! { <p>"Öppnar planen …"</p> }.into_any(),
            Availability::Fetching => view! { <p role="status">"Hämtar planen från servern …"</p> }.into_any(),
            Availability::NoAccess => view! {
                <p role="alert">"Du har inte tillgång till den här planen längre, eller så har den tagits bort. Be samordningsansvarig om en ny inbjudan om du behöver den."</p>
            }.into_any(),
            Availability::Unavailable => view! {
                <p role="status">"Planen finns inte på servern än. Den visas här så snart den som skapade den är ansluten."</p>
            }.into_any(),
            Availability::Ready if in_meeting.get() => meeting_view(ctx, joining, consented, signals),
            Availability::Ready => view! {
                {move || ctx.problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                {move || read_only().then(|| view! {
                    <p class="read-only" role="status">"Du kan läsa planen men inte ändra den."</p>
                })}
                <Show when=move || crate::sections::contents::wanted(ctx)><Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::Contents))}</Suspense></Show>
                <div class="plan-layout">
                <fieldset class="plan-main" disabled=read_only>
                <legend class="visually-hidden">"Planen"</legend>
                <form class="plan-form" on:submit=|ev| ev.prevent_default()>
                    <TextField id field=PlanText::Title multiline=false />
                    <TextField id field=PlanText::MainGoal multiline=true />
                </form>
                // Every member is one of the participants: whoever is not yet, joins first.
                {move || joining.get().then(|| view! {
                    <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::JoinPlan))}</Suspense>
                })}
                <ConsentSection ctx />
                {move || if consented.get() {
                    view! { <Suspense fallback=|| view! { <p role="status">"Öppnar planens delar …"</p> }>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::Sections))}</Suspense> }.into_any()
                } else {
                    view! { <p class="locked">"Resten av planen öppnas när personen har samtyckt."</p> }.into_any()
                }}
                </fieldset>
                <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::Checklist))}</Suspense>
                </div>
                // After the sections' first screen (or at once when there
                // are none yet, before consent): see `sections_shown`. (Not
                // `!consented`: that is also false for the moment before the
                // typed plan follows the document, and these chunks would
                // then be fetched while the plan opens.)
                <Show when=move || ctx.sections_shown.get()
                    || plan.with(|p| p.as_ref().is_some_and(|p| p.consent_state() != ConsentState::Given))>
                    <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::History))}</Suspense>
                    // What "Skriv ut planen" (and Ctrl+P) prints, from the
                    // chunk of the plan's parts. (Here, not among the sections: the in-browser
                    // tests draw those, and a wasm that is not split cannot
                    // load a chunk.)
                    <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::PaperPrint))}</Suspense>
                    {move || coordinator().then(|| view! { <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::Sharing))}</Suspense> })}
                </Show>
                <p class="share">
                    <label for="plan-link">"Länk till planen (dela med de andra deltagarna)"</label>
                    <input id="plan-link" type="text" readonly prop:value=link />
                </p>
            }.into_any(),
        }}
    }
}

/// The meeting view (`/plan/<id>/mote`, a chunk of its own) with what
/// must come first: joining the participants, and consent.
fn meeting_view(
    ctx: PlanContext,
    joining: Memo<bool>,
    consented: RwSignal<bool>,
    signals: DocSignals,
) -> AnyView {
    view! {
        {move || ctx.problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        {move || joining.get().then(|| view! {
            <Suspense>{move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::JoinPlan))}</Suspense>
        })}
        {move || (!consented.get()).then(|| view! { <ConsentSection ctx /> })}
        <Suspense fallback=|| view! { <p role="status">"Öppnar mötet …"</p> }>
            {move || Suspend::new(crate::chunks::page_part_view(ctx, PagePart::MeetingMode(signals.present)))}
        </Suspense>
    }
    .into_any()
}

/// The typed plan (every section reads it), following the document once
/// per burst of changes, when the page is idle (`refreshed`, bumped by the
/// repo): following a large plan takes longer than a keystroke may, and
/// the field being typed in shows its text at once without it (it reads
/// the document itself). Input and drawing go first; a keystroke that
/// comes during a refresh waits for it (the browser benchmark measures how
/// long a refresh takes). While nothing is on the screen yet (the plan was
/// just read from the device or arrived from the server), it follows every
/// change at once.
fn follow_plan(repo: RepoHandle, id: DocumentId, signals: DocSignals) -> Memo<Option<Arc<Plan>>> {
    Memo::new(move |shown: Option<&Option<Arc<Plan>>>| {
        signals.refreshed.track();
        if shown.is_none_or(Option::is_none) {
            signals.version.track();
        }
        repo.get().plan(&id)
    })
}

/// This device's role, participant and name in the plan, from the server.
fn follow_access(ctx: PlanContext, signals: DocSignals) {
    let fetch = move || {
        leptos::task::spawn_local(async move {
            if let Some(access) = crate::api::fetch_access(&ctx.id.to_string()).await {
                ctx.role.set(Some(access.role));
                ctx.name.set(access.name);
                ctx.me.set((!access.participant.is_empty()).then_some(access.participant));
            }
        });
    };
    // A plan made on this device is on the server only once it has synced:
    // ask then (asking before would only get "no such plan").
    let id = ctx.id.to_string();
    if !crate::api::made_here(&id) {
        fetch();
    }
    Effect::new(move |_| {
        let synced = signals.save_state.get() == crate::repo::SaveState::Synced;
        if synced && (crate::api::made_here(&id) || ctx.role.get_untracked().is_none()) {
            crate::api::forget_made_here(&id);
            fetch();
        }
    });
}

/// The plan's title as the heading shows it (read from the document, so
/// that it follows every keystroke).
fn plan_title(repo: RepoHandle, id: DocumentId, version: RwSignal<u64>) -> String {
    version.track();
    let title = repo.get().text(&id, PlanText::Title);
    if title.trim().is_empty() {
        "Namnlös plan".to_string()
    } else {
        title
    }
}

/// Who else has the plan open, by the names they have in the plan (the
/// relay says who each is: `shared::presence`).
#[component]
fn PresentNow(present: RwSignal<Vec<Present>>, plan: Memo<Option<Arc<Plan>>>) -> impl IntoView {
    view! {
        <div class="presence no-print">
            <p class="present-now" aria-live="polite">
                {move || {
                    let present = present.get();
                    if present.is_empty() {
                        "Ingen annan har planen öppen just nu.".to_string()
                    } else {
                        // Each once, also with the plan open in several tabs.
                        let mut names: Vec<String> = Vec::new();
                        plan.with(|plan| for p in present.iter() {
                            let name = p.presence.shown_name(plan.as_deref());
                            if !names.contains(&name) {
                                names.push(name);
                            }
                        });
                        format!("Har planen öppen nu: {}", names.join(", "))
                    }
                }}
            </p>
        </div>
    }
}

/// Every section after consent (a wasm chunk of its own: [`crate::chunks`]).
#[component]
pub fn PlanSections(ctx: PlanContext) -> impl IntoView {
    // The sections below the first screen come after the first frame with
    // the ones above was drawn (a task after the animation frame): the top
    // of the plan is on the screen first, and the long lists below follow a
    // batch per frame. Opening a plan ends with that first frame (these
    // sections come from a wasm chunk, which may arrive after the plan was
    // read).
    let repo = expect_context::<RepoHandle>();
    request_animation_frame(move || {
        gloo_timers::callback::Timeout::new(0, move || {
            crate::repo::measure("samplan:sections-shown", "samplan:plan-open");
            ctx.sections_shown.try_set(true);
            // The plan was shown from its preview: now the document itself.
            if let Some(repo) = repo.0.try_get_value() {
                repo.load_soon(ctx.id);
            }
        })
        .forget();
    });
    view! {
        <ParticipantsSection ctx />
        <PreparationSection ctx />
        <MeetingSection ctx />
        <Show when=move || ctx.sections_shown.get()>
            <LowerSections ctx />
        </Show>
    }
}

/// The sections after the meeting, drawn a frame after the ones above.
#[component]
fn LowerSections(ctx: PlanContext) -> impl IntoView {
    let plan = ctx.plan;
    let id = ctx.id;
    let export_link = NodeRef::<leptos::html::A>::new();
    let follow_up = ctx.part(|p| p.follow_up.next_follow_up.clone().unwrap_or_default());
    let follow_up = move || follow_up.get();
    let evaluation = ctx.part(|p| p.follow_up.evaluation.clone().unwrap_or_default());
    view! {
        <GoalsSection ctx />
        <InterventionsSection ctx />
        <section class="section" aria-labelledby="follow-up-heading">
            <h2 id="follow-up-heading">"Uppföljning"</h2>
            <div class="field">
                <label for="next-follow-up">"Nästa uppföljning"</label>
                <input id="next-follow-up" type="date" prop:value=follow_up on:change=move |ev| {
                    let value = event_target_value(&ev);
                    ctx.change(|doc| edit::set_next_follow_up(doc, (!value.is_empty()).then_some(value.as_str())));
                } />
            </div>
            // The evaluation (seed 000): when the plan as a whole is judged,
            // apart from the follow-ups.
            <div class="field">
                <label for="evaluation-date">"Utvärdering av planen"</label>
                <input id="evaluation-date" type="date" prop:value=move || evaluation.get() on:change=move |ev| {
                    let value = event_target_value(&ev);
                    ctx.change(|doc| edit::set_evaluation(doc, (!value.is_empty()).then_some(value.as_str())));
                } />
            </div>
        </section>
        <ApprovalsSection ctx />
        <FollowUpSection ctx />
        <DeviationsSection ctx />
        <p class="no-print button-row">
            <button type="button" on:click=|_| crate::sections::paper::print()>
                "Skriv ut planen"</button>
            <a class="button-link" download="samordnad-individuell-plan.txt" href="#" node_ref=export_link
                on:click=move |_| {
                    // The text is made when asked for, not on every keystroke.
                    if let (Some(link), Some(plan)) = (export_link.get(), plan.get_untracked()) {
                        let text = shared::plan::export::to_text(&plan);
                        link.set_href(&format!("data:text/plain;charset=utf-8,{}",
                            String::from(js_sys::encode_uri_component(&text))));
                    }
                }>"Ladda ner planen som text"</a>
            // JSON is for other systems: the server's copy (what everyone has synced).
            <a class="button-link" download="samordnad-individuell-plan.json"
                href=format!("/api/plans/{id}/export.json")>"Ladda ner planen som JSON"</a>
        </p>
    }
}
