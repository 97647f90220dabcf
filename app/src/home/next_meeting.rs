//! "Nästa möte" at the top of Min plan: the SIP meeting the person is to go
//! to, with weekday, year and time, where (or "Gå med i mötet" for a
//! digital one), who is asked to come, and a way to prepare; the plan's
//! follow-up date and the evaluation date on lines of their own. Which meeting, and its words, are
//! [`shared::plan::next_meeting`].

use std::sync::Arc;

use leptos::prelude::*;
use shared::plan::next_meeting::{duration_in_words, NextMeeting};
use shared::plan::Plan;
use shared::swedish_time::spoken_date;

use super::read_aloud::ReadAloud;
use crate::clock::today;

/// The next meeting, and the follow-up. `prepare`: show "Inför mötet".
#[component]
pub fn NextMeetingCard(plan: Memo<Option<Arc<Plan>>>, prepare: Callback<()>) -> impl IntoView {
    let meeting = Memo::new(move |_| plan.get().and_then(|p| p.next_meeting(&today())));
    let follow_up = Memo::new(move |_| {
        plan.get().and_then(|p| p.follow_up.next_follow_up.clone()).filter(|d| !d.trim().is_empty())
    });
    let evaluation = Memo::new(move |_| {
        plan.get().and_then(|p| p.follow_up.evaluation.clone()).filter(|d| !d.trim().is_empty())
    });
    let readable = NodeRef::<leptos::html::Div>::new();
    view! {
        <section class="next-meeting" aria-labelledby="next-meeting-heading">
            <div class="part-top">
                <h2 id="next-meeting-heading">
                    {move || if meeting.get().is_some_and(|m| m.running) { "Mötet pågår nu" } else { "Nästa möte" }}
                </h2>
                <ReadAloud target=readable />
            </div>
            <div class="readable" node_ref=readable>
            {move || match meeting.get() {
                None => view! { <p>"Det finns inget möte inbokat än. Din samordnare säger till när det finns ett."</p> }.into_any(),
                Some(m) => meeting_view(m, prepare).into_any(),
            }}
            {move || follow_up.get().map(|date| view! {
                <p class="follow-up-line">"Ni ska följa upp planen " <strong>{spoken_date(&date)}</strong> "."</p>
            })}
            {move || evaluation.get().map(|date| view! {
                <p class="evaluation-line">"Ni ska se om planen har hjälpt dig " <strong>{spoken_date(&date)}</strong> "."</p>
            })}
            </div>
        </section>
    }
}

fn meeting_view(meeting: NextMeeting, prepare: Callback<()>) -> impl IntoView {
    let NextMeeting { when, place, join_link, invited, planned_minutes, .. } = meeting;
    view! {
        <p class="big-text meeting-when">{when}</p>
        {(!place.is_empty()).then(|| view! { <p>"Var: " <span data-user-text>{place}</span></p> })}
        {duration_in_words(planned_minutes).map(|text| view! { <p>{text}</p> })}
        {(!invited.is_empty()).then(|| view! { <p>"Vem kommer: " <span data-user-text>{invited.join(", ")}</span></p> })}
        <div class="meeting-actions no-print" data-no-read>
            {join_link.map(|link| view! {
                <a class="button-link primary big-link" href=link target="_blank" rel="noopener noreferrer">
                    "Gå med i mötet"<span class="visually-hidden">" (öppnas i en ny flik)"</span></a>
            })}
            <button type="button" class="big" on:click=move |_| prepare.run(())>"Förbered dig inför mötet"</button>
        </div>
    }
}
