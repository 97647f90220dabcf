//! The parts of Min plan that are wasm chunks of their own, fetched when
//! the person first opens them: "Hjälp jag får", "Inför mötet", "Vem får
//! svara åt mig", "Vem har sett min plan", "Påminnelser", "Om SIP", the questions after a meeting, reading a part
//! aloud, the list of the device's plans, and signing in to open an invitation.
//!
//! Why: Min plan is what a tablet on a weak network loads first, and the
//! person starts at their goals. What the goals do not need need not be
//! downloaded, compiled and started before anything is shown (issue 2's
//! budget: 500 KB gzip for the wasm the page starts with). The service
//! worker keeps every chunk when it installs (the page's files in the
//! build manifest), so the parts open offline as before.
//!
//! How: as the editor's chunks ([`crate::chunks`]): `wasm_split`
//! functions, split by `scripts/build-app.sh`, `fallible` and shown
//! through [`crate::chunk_loading::retrying`]. The generated code calls
//! into the chunk through `extern "C"`, which is why this one module
//! allows `unsafe_code`. Every argument is `Copy`: ids and signals.
#![allow(unsafe_code)]

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::Plan;
use shared::self_reports::SelfReports;
use shared::DocumentId;

use super::my_plan::{MeetingPart, Part, PartFrame};
use crate::chunk_loading::ChunkMissing;

/// Opening an invitation by signing in with BankID or Freja eID, when the
/// server has a citizen identity provider.
#[leptos::wasm_split::wasm_split(
    home_sign_in_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_sign_in),
    fallible
)]
pub fn sign_in_to_open(token: StoredValue<Option<String>>) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| {
        view! { <super::invitation::SignInToOpen token=token.get_value().unwrap_or_default() /> }.into_any()
    }))
}

/// "Hjälp jag får": each help, how it goes, "Det här blev inte av".
#[leptos::wasm_split::wasm_split(
    home_help_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_help),
    fallible
)]
pub fn help(
    id: DocumentId,
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| {
        view! {
            <PartFrame part=Part::Help>
                <super::help::HelpPart id plan reports reports_id may_report my_name />
            </PartFrame>
        }
        .into_any()
    }))
}

/// "Inför mötet": the preparation in the person's own words.
#[leptos::wasm_split::wasm_split(
    home_meeting_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_meeting),
    fallible
)]
pub fn meeting(
    id: DocumentId,
    version: RwSignal<u64>,
    editable: Signal<bool>,
) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <MeetingPart id version editable /> }.into_any()))
}

/// "Vem får svara åt mig" (the person only).
#[leptos::wasm_split::wasm_split(
    home_helpers_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_helpers),
    fallible
)]
pub fn helpers(id: DocumentId) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <super::my_plan::HelpersPart id /> }.into_any()))
}

/// "Vem har sett min plan" (the person only).
#[leptos::wasm_split::wasm_split(
    home_seen_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_seen),
    fallible
)]
pub fn seen(id: DocumentId) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <PartFrame part=Part::Seen><super::seen::SeenPart id /></PartFrame> }.into_any()))
}

/// "Om SIP".
#[leptos::wasm_split::wasm_split(
    home_about_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_about),
    fallible
)]
pub fn about() -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| {
        view! { <PartFrame part=Part::About><super::about_sip::AboutSip /></PartFrame> }.into_any()
    }))
}

/// "Hur var mötet för dig?" after a meeting.
#[leptos::wasm_split::wasm_split(
    home_taking_part_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_taking_part),
    fallible
)]
pub fn taking_part(
    plan: Memo<Option<Arc<Plan>>>,
    reports: Memo<Option<SelfReports>>,
    reports_id: Memo<Option<DocumentId>>,
    may_report: Memo<bool>,
    my_name: RwSignal<String>,
) -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| {
        view! { <super::taking_part::TakingPartCard plan reports reports_id may_report my_name /> }.into_any()
    }))
}

/// "Påminnelser": the reminders as a push notice on this device.
#[leptos::wasm_split::wasm_split(
    home_reminders_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_reminders),
    fallible
)]
pub fn reminders() -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| {
        view! {
            <PartFrame part=Part::Reminders>
                <p>"När det är dags att svara på hur det går, står det överst i Min plan."</p>
                <p>"Du kan också få en påminnelse på den här enheten, fast Min plan är stängd. Den säger bara att något väntar på dig i Samplan. Det står inga namn och ingen text ur planen i den."</p>
                <p>"Hur ofta du vill bli påmind väljer du under Mina mål, vid varje mål."</p>
                <crate::components::device_push::DevicePushSwitch what="påminnelser" />
            </PartFrame>
        }
        .into_any()
    }))
}

/// Read the part in `target` aloud ("Läs upp"), `reading` while it speaks.
#[leptos::wasm_split::wasm_split(
    home_read_aloud_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_read_aloud),
    fallible
)]
pub fn read_aloud(target: NodeRef<leptos::html::Div>, reading: RwSignal<bool>) -> Result<(), ChunkMissing> {
    if let Some(element) = target.get_untracked() {
        let text = super::read_aloud::spoken_text(&element);
        reading.set(super::read_aloud::speak(&text, move || {
            reading.try_set(false);
        }));
    }
    Ok(())
}

/// "Mina planer": the plans on this device.
#[leptos::wasm_split::wasm_split(
    home_my_plans_chunk,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[doc(hidden)] #[allow(non_snake_case)] __preload_home_my_plans),
    fallible
)]
pub fn my_plans() -> Result<AnyView, ChunkMissing> {
    Ok(untrack(|| view! { <super::MyPlans /> }.into_any()))
}
