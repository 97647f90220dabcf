//! The parts of the app that are loaded as wasm chunks of their own.
//!
//! Why: the whole editor is about 580 KB of gzip wasm, and a browser must
//! download, compile and instantiate a wasm before it shows anything. Split
//! at these functions, the first wasm holds what every page needs
//! (Automerge, the device copy, the sync, Leptos, the plan's frame: title,
//! main goal, consent) and the rest comes as chunks, fetched when first
//! needed: the plan page's parts (its sections, the checklist, the
//! contents, the consent form, joining, the plan on paper, the history,
//! sharing and the meeting view: one chunk, fetched while the plan is
//! read), the list of plans, log review and the sign-in page.
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

/// The parts of the plan page that come in one chunk ([`page_part`]).
///
/// Why one chunk: the plan page always fetches its sections while the
/// plan is read ([`preload_plan`]), the history and sharing right after,
/// and these parts share most of their code with each other. As split
/// points of their own, every set of them that shares some code became a
/// wasm module of its own (the splitter makes one per set): an open
/// fetched, compiled and instantiated about 130 modules, at 1–3 ms of the
/// page's thread each. As one split point, they come in a few modules.
#[derive(Clone, Copy)]
pub enum PagePart {
    /// Every section of a plan after consent.
    Sections,
    /// "Det här behöver planen", the checklist beside the plan (and the
    /// coordinator's to-do above it): it checks the whole plan and reads
    /// the plan as it was at each approval (the document forked at its
    /// heads).
    Checklist,
    /// "Innehåll", the contents of the plan page
    /// ([`crate::sections::contents`]), drawn once the plan's first screen
    /// is (not among the sections: the in-browser tests draw those, and a
    /// wasm that is not split cannot load a chunk).
    Contents,
    /// What the consent covers and the form to record a decision
    /// ([`crate::sections::consent_form`]): drawn once the plan's sections
    /// are, or at once while there is no consent.
    ConsentForm,
    /// Joining the plan's participants, for a member who is not yet one.
    JoinPlan,
    /// The plan on paper, drawn when the page is printed
    /// ([`crate::sections::paper`]), there once the lower sections are
    /// (they hold the print button), so that printing, also with Ctrl+P
    /// and offline, finds it.
    PaperPrint,
    /// The plan's history: who changed what, and the plan as it was
    /// (drawn once the sections are).
    History,
    /// Sharing the plan (for the coordinator; drawn once the sections are).
    Sharing,
    /// The meeting view (`/plan/<id>/mote`): the steps, the part of the
    /// plan each is about, ending the meeting and its minutes; with who
    /// is here.
    MeetingMode(RwSignal<Vec<crate::repo::Present>>),
}

/// A part of the plan page ([`PagePart`]).
#[leptos::wasm_split::wasm_split(
    page_part_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_page_part),
    fallible
)]
pub fn page_part(ctx: PlanContext, part: PagePart) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| match part {
        PagePart::Sections => view! { <crate::pages::plan::PlanSections ctx /> }.into_any(),
        PagePart::Checklist => view! { <crate::sections::checklist::Checklist ctx /> }.into_any(),
        PagePart::Contents => view! { <crate::sections::contents::PlanContents ctx /> }.into_any(),
        PagePart::ConsentForm => view! { <crate::sections::consent_form::ConsentDetails ctx /> }.into_any(),
        PagePart::JoinPlan => view! { <crate::sections::participants::JoinPlan ctx /> }.into_any(),
        PagePart::PaperPrint => view! { <crate::sections::paper::PaperPrint ctx /> }.into_any(),
        PagePart::History => view! { <crate::sections::history::HistorySection id=ctx.id /> }.into_any(),
        PagePart::Sharing => view! { <crate::sections::sharing::SharingSection id=ctx.id /> }.into_any(),
        PagePart::MeetingMode(present) => {
            view! { <crate::sections::meeting_mode::MeetingMode ctx present /> }.into_any()
        }
    }))
}

/// A part of the plan page as a view, its chunk fetched again every few
/// seconds until it comes ([`retrying`]).
pub fn page_part_view(ctx: PlanContext, part: PagePart) -> impl std::future::Future<Output = AnyView> + Send {
    retrying(move || page_part(ctx, part))
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

/// Making a plan's self-report document (once per plan, by its coordinator).
#[lazy]
pub fn self_reports_document(repo: crate::RepoHandle, plan: DocumentId) {
    crate::sections::self_reports::make_document(repo, plan)
}

/// Start fetching the chunk of the plan page's parts while the plan
/// itself is read from the device: by the time it is read, it is there.
/// (The history and sharing are drawn after the sections:
/// [`crate::sections::PlanContext::sections_shown`].)
pub fn preload_plan() {
    leptos::task::spawn_local(async {
        let _ = __preload_page_part().await;
    });
}
