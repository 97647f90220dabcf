//! "Om SIP" in Min plan: what a SIP is, what the person has a right to ask
//! for, and whom to turn to, in plain Swedish (the end-to-end suite
//! measures its LIX like every part). The facts are the seeds': the law
//! (HSL 16 kap. 4 §, SoL 2 kap. 7 §), consent that can be withdrawn, the
//! person's own goals, a coordinator, a meeting made for the person, and
//! the deviation report when the plan is not followed.

use leptos::prelude::*;

/// The text of "Om SIP": headings and paragraphs.
const ABOUT: [(&str, &[&str]); 4] = [
    (
        "Vad är en SIP?",
        &[
            "SIP betyder samordnad individuell plan. Det är din plan.",
            "Du gör den tillsammans med kommunen och regionen. Det kan vara socialtjänsten, hemtjänsten, vården eller skolan.",
            "Planen visar dina mål. Den visar vem som gör vad för att du ska nå dem.",
            "Kommunen och regionen måste göra en SIP när du behöver hjälp från båda. Det står i lagen.",
        ],
    ),
    (
        "Det här får du be om",
        &[
            "Du får be om en SIP själv. Det får också någon i din familj göra.",
            "Du bestämmer om du vill ha en SIP. Du kan säga nej, och du kan ångra dig när du vill.",
            "Målen ska vara dina, med dina egna ord.",
            "Du får välja var mötet ska vara. Det kan vara hemma, på ett kontor eller på skärmen.",
            "Du får ta med någon du litar på till mötet. Du får ha tolk om du behöver.",
            "Du får en kopia av planen. Ni följer upp den på en dag som ni bestämmer.",
        ],
    ),
    (
        "Vem du kan fråga",
        &[
            "Din samordnare är den du ska fråga först. Du ser vem det är under Vem jag kan fråga.",
            "Om något i planen inte blir av kan du säga det här i appen. Du kan också ringa din samordnare.",
        ],
    ),
    (
        "Om något blir fel",
        &[
            "Blev du illa bemött, eller hände inte det som står i planen? Säg det till din samordnare.",
            "Du kan också klaga hos kommunen eller regionen. Din samordnare hjälper dig med det.",
        ],
    ),
];

/// "Om SIP".
#[component]
pub fn AboutSip() -> impl IntoView {
    ABOUT
        .into_iter()
        .map(|(heading, paragraphs)| {
            view! {
                <h3>{heading}</h3>
                {paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            }
        })
        .collect_view()
}
