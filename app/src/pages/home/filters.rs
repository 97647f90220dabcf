//! The search field and the filters of "Mina planer": real labels, one
//! tab stop each, large targets, in plain Swedish.

use leptos::prelude::*;
use shared::plan_list::{PlanFilter, Status};

/// The search by the person's name, which plans by their state, and only
/// those where the member is the coordinator.
#[component]
pub fn PlanFilters(filter: RwSignal<PlanFilter>) -> impl IntoView {
    let statuses = [(Status::All, "Alla planer"), (Status::Open, "Pågående"), (Status::Closed, "Avslutade")];
    view! {
        <form class="plan-filters" role="search" aria-label="Sök och filtrera planerna"
            on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="plan-search">"Sök på personens namn"</label>
                <input id="plan-search" type="search" autocomplete="off"
                    prop:value=move || filter.with(|f| f.query.clone())
                    on:input=move |ev| filter.update(|f| f.query = event_target_value(&ev)) />
            </div>
            <fieldset>
                <legend>"Visa"</legend>
                <div class="choice-row">
                    {statuses.into_iter().map(|(status, label)| view! {
                        <label class="choice">
                            <input type="radio" name="plan-status"
                                prop:checked=move || filter.with(|f| f.status == status)
                                on:change=move |_| filter.update(|f| f.status = status) />
                            {label}
                        </label>
                    }).collect_view()}
                </div>
                <label class="choice">
                    <input type="checkbox"
                        prop:checked=move || filter.with(|f| f.mine_as_coordinator)
                        on:change=move |ev| filter.update(|f| f.mine_as_coordinator = event_target_checked(&ev)) />
                    "Planer som jag administrerar"
                </label>
            </fieldset>
        </form>
    }
}
