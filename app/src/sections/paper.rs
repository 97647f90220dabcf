//! The plan on paper: when the browser prints ("Skriv ut planen", or the
//! browser's own Ctrl+P), the page becomes the document that
//! `shared::plan::paper` describes instead of the editor's form.
//!
//! How: the browser fires `beforeprint` before it lays the page out for
//! print, and lays it out only after the tasks that event queued (Leptos
//! draws in microtasks) have run; so the paper is made and drawn then,
//! from the plan as it is at that moment, into an element of its own at
//! the end of `<body>` (the print rules in `public/styles.css` show only
//! it), and removed on `afterprint`. Nothing of it exists while the plan
//! is edited: a large plan's paper is thousands of elements.
//!
//! The plan's name and the day are in every page's margin (CSS `@page`
//! margin boxes, with the page number; Chromium draws them since version
//! 131), through two custom properties set on the root element here.
//!
//! In the chunk of the plan page's parts ([`crate::chunks::PagePart::PaperPrint`]),
//! drawn with the plan's lower sections, so printing needs no network.

use std::collections::HashMap;

use leptos::portal::Portal;
use leptos::prelude::*;
use shared::plan::approvals::approved_content;
use shared::plan::paper::{paper_plan, Block, Fact, PaperPlan, Table};
use wasm_bindgen::JsCast;

use super::PlanContext;
use crate::RepoHandle;

/// Draws the paper plan while the page is printed.
#[component]
pub fn PaperPrint(ctx: PlanContext) -> impl IntoView {
    let repo = expect_context::<RepoHandle>();
    let printing = RwSignal::new(false);
    // (Once: "Skriv ut planen" fires it before the browser's own.)
    let before = window_event_listener_untyped("beforeprint", move |_| {
        if !printing.get_untracked() {
            printing.set(true);
        }
    });
    let after = window_event_listener_untyped("afterprint", move |_| printing.set(false));
    on_cleanup(move || {
        before.remove();
        after.remove();
        set_running_lines(None);
    });
    view! {
        <Portal>
            {move || if printing.get() { paper(ctx, repo) } else { set_running_lines(None); None }}
        </Portal>
    }
}

/// "Skriv ut planen": the paper is drawn first, then the browser prints.
/// Not `window.print()` alone: called from a click, it lays the page out
/// for print at once, inside the click's script, so the drawing a
/// `beforeprint` starts (in microtasks, which wait for the script to end)
/// would come after. (Ctrl+P has no script running: there the
/// `beforeprint` of [`PaperPrint`] is enough.)
pub fn print() {
    let Some(window) = web_sys::window() else { return };
    if let Ok(event) = web_sys::Event::new("beforeprint") {
        let _ = window.dispatch_event(&event);
    }
    // A task after the microtasks in which the paper is drawn.
    gloo_timers::callback::Timeout::new(0, move || {
        let _ = window.print();
    })
    .forget();
}

/// The paper of the plan as it is now.
fn paper(ctx: PlanContext, repo: RepoHandle) -> Option<AnyView> {
    let plan = repo.get().plan(&ctx.id)?;
    // Whether an approval approved what the plan says now: each approved
    // version is read once (as the approval list does).
    let now = approved_content(&plan);
    let mut current: HashMap<Vec<String>, bool> = HashMap::new();
    let paper = paper_plan(&plan, &super::today(), |approval| {
        *current.entry(approval.heads.clone()).or_insert_with(|| {
            repo.get().plan_at(&ctx.id, &approval.heads).is_some_and(|then| approved_content(&then) == now)
        })
    });
    set_running_lines(Some(&paper));
    Some(paper_view(paper))
}

fn paper_view(paper: PaperPlan) -> AnyView {
    view! {
        <article class="paper-plan" aria-label="Planen på papper">
            <header class="paper-title">
                <p class="paper-kind">"Samordnad individuell plan (SIP)"</p>
                <h1>{paper.title}</h1>
            </header>
            {paper.sections.into_iter().map(|section| view! {
                <section class="paper-section">
                    <h2>{section.heading}</h2>
                    {section.blocks.into_iter().map(block).collect_view()}
                </section>
            }).collect_view()}
        </article>
    }
    .into_any()
}

/// One block of the paper (also of the meeting's minutes: [`super::minutes`]).
pub fn block(block: Block) -> AnyView {
    match block {
        Block::Facts(facts) => view! {
            <dl class="paper-facts">
                {facts.into_iter().map(|Fact { label, value }| view! {
                    <div class="paper-fact"><dt>{label}</dt><dd>{value}</dd></div>
                }).collect_view()}
            </dl>
        }
        .into_any(),
        Block::Prose(Fact { label, value }) => view! {
            <div class="paper-prose"><p class="paper-label">{label}</p><p class="paper-words">{value}</p></div>
        }
        .into_any(),
        Block::Heading(text) => view! { <h3>{text}</h3> }.into_any(),
        Block::Note(text) => view! { <p class="paper-note">{text}</p> }.into_any(),
        Block::Table(table) => table_view(table),
        Block::List(items) => view! {
            <ul class="paper-list">{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
        }
        .into_any(),
    }
}

fn table_view(Table { caption, columns, rows }: Table) -> AnyView {
    let widths: Vec<String> = columns.iter().map(|c| format!("{}%", c.width)).collect();
    view! {
        <table class="paper-table">
            <caption class="visually-hidden">{caption}</caption>
            <colgroup>{widths.into_iter().map(|w| view! { <col style:width=w /> }).collect_view()}</colgroup>
            <thead><tr>{columns.into_iter().map(|c| view! { <th scope="col">{c.heading}</th> }).collect_view()}</tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>{row.into_iter().map(|cell| view! { <td>{breakable(cell)}</td> }).collect_view()}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A cell's text, where a long address or link ("karin.berg@exempel.se",
/// "https://…") may wrap after its punctuation (`<wbr>`): a table's
/// columns are at least as wide as their longest unbreakable word, so that
/// no Swedish compound word is split, and an address must not widen its
/// column beyond the page.
fn breakable(text: String) -> AnyView {
    if !text.split_whitespace().any(|word| word.chars().count() > LONG_WORD) {
        return text.into_any();
    }
    let mut parts: Vec<AnyView> = Vec::new();
    let mut run = String::new();
    for word in text.split_inclusive(char::is_whitespace) {
        if word.trim_end().chars().count() <= LONG_WORD {
            run.push_str(word);
            continue;
        }
        for c in word.chars() {
            run.push(c);
            if matches!(c, '/' | '@' | '.' | '?' | '&' | '=' | '_' | '-') {
                parts.push(std::mem::take(&mut run).into_any());
                parts.push(view! { <wbr /> }.into_any());
            }
        }
    }
    parts.push(run.into_any());
    parts.into_any()
}

/// Longer than this, a word is an address or a link rather than a word.
const LONG_WORD: usize = 20;

/// The lines in every page's margin (`--paper-head`, `--paper-foot`, read
/// by the `@page` rules), or none.
fn set_running_lines(paper: Option<&PaperPlan>) {
    let Some(root) = document().document_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let style = root.style();
    match paper {
        Some(paper) => {
            let _ = style.set_property("--paper-head", &css_string(&paper.running_head()));
            let _ = style.set_property("--paper-foot", &css_string(&paper.running_foot()));
        }
        None => {
            let _ = style.remove_property("--paper-head");
            let _ = style.remove_property("--paper-foot");
        }
    }
}

/// Text as a CSS string ("…"), for `content`.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
