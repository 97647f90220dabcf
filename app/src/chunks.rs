//! The parts of the app that are loaded as wasm chunks of their own.
//!
//! Why: the whole editor is about 580 KB of gzip wasm, and a browser must
//! download, compile and instantiate a wasm before it shows anything. Split
//! at these functions, the first wasm holds what every page needs
//! (Automerge, the device copy, the sync, Leptos, the plan's frame: title,
//! main goal, consent) and the rest comes as chunks, fetched when first
//! needed: the checklist and the sections after consent (both fetched
//! while the plan is read), the history, sharing, the plan on paper, the
//! meeting view, the contents of the plan page, the list of plans and
//! the sign-in page.
//!
//! How: Leptos' `#[lazy]` marks each function as a split point
//! (`wasm_split_helpers`); `scripts/build-app.sh` builds the wasm with
//! relocations, splits it with `wasm-split-cli` (crates.io:
//! `wasm_split_cli_support`), then runs wasm-bindgen and wasm-opt on every
//! part. A wasm that calls these functions must be split: the call goes
//! through an import only the splitter's loader provides (the in-browser
//! tests never call them).
//!
//! The generated code calls into the chunk through `extern "C"`, which is
//! why this one module allows `unsafe_code` (denied everywhere else).
//! Every argument is `Copy` plain data or signals. Each view is built
//! untracked: it runs inside the `Suspend` that awaited it, which would
//! otherwise rebuild it whenever a signal read while building it changed.
#![allow(unsafe_code)]

use leptos::prelude::*;
use shared::DocumentId;

pub use crate::chunk_loading::{retrying, ChunkMissing};
use crate::sections::PlanContext;

/// Every section of a plan after consent.
#[leptos::wasm_split::wasm_split(
    plan_sections_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_plan_sections),
    fallible
)]
pub fn plan_sections(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::pages::plan::PlanSections ctx /> }.into_any()))
}

/// The plan's history: who changed what, and the plan as it was.
#[leptos::wasm_split::wasm_split(
    history_section_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_history_section),
    fallible
)]
pub fn history_section(id: DocumentId) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::history::HistorySection id /> }.into_any()))
}

/// Sharing the plan (for the coordinator).
#[leptos::wasm_split::wasm_split(
    sharing_section_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_sharing_section),
    fallible
)]
pub fn sharing_section(id: DocumentId) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::sharing::SharingSection id /> }.into_any()))
}

/// "Mina planer", the start page.
#[lazy]
pub fn home_page() -> AnyView {
    untrack(|| view! { <crate::pages::home::HomePage /> }.into_any())
}

/// Log review, `/loggkontroll`.
#[lazy]
pub fn log_review_page() -> AnyView {
    untrack(|| view! { <crate::pages::log_review::LogReviewPage /> }.into_any())
}

/// The sign-in page.
#[lazy]
pub fn sign_in_page() -> AnyView {
    untrack(|| view! { <crate::pages::sign_in::SignInPage /> }.into_any())
}

/// Keeping the device copy of a document quick to open: compacting its
/// chunks and writing its preview ([`crate::repo::Repo::upkeep_now`]).
/// Both encode whole documents, which nothing before a plan is on the
/// screen does.
#[lazy]
pub fn device_upkeep(repo: crate::RepoHandle, id: DocumentId) {
    repo.get().upkeep_now(id)
}

/// "Det här behöver planen", the checklist beside the plan: it checks the
/// whole plan and reads the plan as it was at each approval (the document
/// forked at its heads), code that the plan's first screen (title, main
/// goal, consent) does not need. Fetched while the plan is read
/// ([`preload_plan`]).
#[leptos::wasm_split::wasm_split(
    checklist_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_checklist),
    fallible
)]
pub fn checklist(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::checklist::Checklist ctx /> }.into_any()))
}

/// "Innehåll", the contents of the plan page ([`crate::sections::contents`]):
/// fetched once the plan's first screen is drawn, from the plan page
/// itself (not among the sections: the in-browser tests draw those, and a
/// wasm that is not split cannot load a chunk).
#[leptos::wasm_split::wasm_split(
    plan_contents_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_plan_contents),
    fallible
)]
pub fn plan_contents(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::contents::PlanContents ctx /> }.into_any()))
}

/// What the consent covers and the form to record a decision
/// ([`crate::sections::consent_form`]): drawn once the plan's sections are,
/// or at once while there is no consent.
#[leptos::wasm_split::wasm_split(
    consent_form_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_consent_form),
    fallible
)]
pub fn consent_form(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::consent_form::ConsentDetails ctx /> }.into_any()))
}

/// Joining the plan's participants, for a member who is not yet one.
#[leptos::wasm_split::wasm_split(
    join_plan_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_join_plan),
    fallible
)]
pub fn join_plan(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::participants::JoinPlan ctx /> }.into_any()))
}

/// The plan on paper, drawn when the page is printed
/// ([`crate::sections::paper`]). Fetched when the plan's lower sections
/// are drawn (they hold the print button), so that printing, also with
/// Ctrl+P and offline, finds it there.
#[leptos::wasm_split::wasm_split(
    paper_print_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_paper_print),
    fallible
)]
pub fn paper_print(ctx: PlanContext) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::paper::PaperPrint ctx /> }.into_any()))
}

/// The meeting view (`/plan/<id>/mote`): the steps, the part of the plan
/// each is about, ending the meeting and its minutes.
#[leptos::wasm_split::wasm_split(
    meeting_mode_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_meeting_mode),
    fallible
)]
pub fn meeting_mode(
    ctx: PlanContext,
    present: RwSignal<Vec<crate::repo::Present>>,
) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <crate::sections::meeting_mode::MeetingMode ctx present /> }.into_any()))
}

/// Making a plan's self-report document (once per plan, by its coordinator).
#[lazy]
pub fn self_reports_document(repo: crate::RepoHandle, plan: DocumentId) {
    crate::sections::self_reports::make_document(repo, plan)
}

/// Start fetching the chunk of the plan's sections while the plan itself
/// is read from the device: by the time it is read, it is there. The
/// history and sharing chunks come after the sections were drawn
/// ([`crate::sections::PlanContext::sections_shown`]).
pub fn preload_plan() {
    leptos::task::spawn_local(async {
        let _ = __preload_plan_sections().await;
    });
    leptos::task::spawn_local(async {
        let _ = __preload_checklist().await;
    });
}
