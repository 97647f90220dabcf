//! The person's plan as plain HTML, for the first visit of a device.
//!
//! "Min plan" is a wasm app that keeps the plan on the device; on a slow
//! tablet network its first download takes ten seconds or more. So that
//! the person can read their plan at once, the page (`home.html`) asks for
//! this rendering while the app loads: their goals, who helps them, and who
//! they can ask, in the same plain words as the app. The app replaces it
//! as soon as it shows the plan itself. Everything people wrote is
//! escaped; nothing here is interactive.

use std::fmt::Write as _;

use html_escape::{encode_double_quoted_attribute as attribute, encode_text as text};
use shared::plan::Plan;
use shared::self_reports::spoken_date;

/// The plan's main parts as an HTML fragment (the inside of a `<div>`).
pub fn render(plan: &Plan) -> String {
    let mut html = String::with_capacity(4096);
    let title = plan.title.as_str().trim();
    html.push_str("<header class=\"home-header\"><h1>Min plan</h1>");
    if !title.is_empty() {
        let _ = write!(html, "<p class=\"plan-name\" data-user-text>{}</p>", text(title));
    }
    html.push_str(
        "</header><p class=\"first-view-note\" role=\"status\">Du kan läsa din plan nu. \
         Snart kan du också svara hur det går.</p>",
    );
    goals(&mut html, plan);
    help(&mut html, plan);
    coordinator(&mut html, plan);
    html
}

fn goals(html: &mut String, plan: &Plan) {
    html.push_str("<section class=\"part\"><h2>Mina mål</h2>");
    let main = plan.main_goal.as_str().trim();
    if !main.is_empty() {
        let _ =
            write!(html, "<h3>Mitt stora mål</h3><p class=\"big-text\" data-user-text>{}</p>", text(main));
    }
    let goals = plan.ordered_goals();
    if goals.is_empty() {
        html.push_str("<p>Det finns inga mål i planen än. Ni skriver dem tillsammans på mötet.</p>");
    }
    for (n, (_, goal)) in goals.into_iter().enumerate() {
        let _ = write!(
            html,
            "<article class=\"first-goal\"><h3>Mål {}: <span data-user-text>{}</span></h3>",
            n + 1,
            text(goal.text.as_str().trim())
        );
        let steps: Vec<&str> = Plan::ordered(&goal.sub_goals, |s| s.position.as_str())
            .into_iter()
            .map(|(_, s)| s.text.as_str().trim())
            .filter(|t| !t.is_empty())
            .collect();
        if !steps.is_empty() {
            html.push_str("<p>Steg på vägen:</p><ul>");
            for step in steps {
                let _ = write!(html, "<li data-user-text>{}</li>", text(step));
            }
            html.push_str("</ul>");
        }
        html.push_str("</article>");
    }
    html.push_str("</section>");
}

fn help(html: &mut String, plan: &Plan) {
    html.push_str("<section class=\"part\"><h2>Hjälp jag får</h2>");
    let list = plan.ordered_interventions();
    if list.is_empty() {
        html.push_str("<p>Det står ingen hjälp i planen än.</p>");
    } else {
        html.push_str("<ul class=\"help-list\">");
        for (_, help) in list {
            let _ = write!(
                html,
                "<li class=\"help-item\"><p class=\"big-text\" data-user-text>{}</p>",
                text(help.what.as_str().trim())
            );
            let from = help.given_by();
            let from: Vec<&str> = [from, help.unit.trim()].into_iter().filter(|s| !s.is_empty()).collect();
            line(html, "Från", &from.join(", "));
            line(html, "Vem", help.responsible_person.trim());
            line(html, "Börjar", help.start.as_deref().unwrap_or_default());
            line(html, "När", help.time_plan.as_str().trim());
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html.push_str("</section>");
}

fn line(html: &mut String, label: &str, value: &str) {
    if !value.is_empty() {
        let _ = write!(html, "<p>{label}: <span data-user-text>{}</span></p>", text(value));
    }
}

fn coordinator(html: &mut String, plan: &Plan) {
    html.push_str("<section class=\"part\"><h2>Vem jag kan fråga</h2>");
    match plan.coordinator.as_ref().and_then(|id| plan.participants.get(id)) {
        None => html.push_str("<p>Det står inte vem som är din samordnare än.</p>"),
        Some(person) => {
            let _ = write!(
                html,
                "<p>Din samordnare är:</p><p class=\"big-text\" data-user-text>{}</p>",
                text(person.name.trim())
            );
            let phone = person.phone.trim();
            if !phone.is_empty() {
                let _ = write!(
                    html,
                    "<p>Ring: <a class=\"big-link\" href=\"tel:{}\" data-user-text>{}</a></p>",
                    attribute(&phone.replace(' ', "")),
                    text(phone)
                );
            }
            let email = person.email.trim();
            if !email.is_empty() {
                let _ = write!(
                    html,
                    "<p>Mejla: <a class=\"big-link\" href=\"mailto:{}\" data-user-text>{}</a></p>",
                    attribute(email),
                    text(email)
                );
            }
        }
    }
    html.push_str("<h3>Nästa möte</h3>");
    match plan.follow_up.next_follow_up.as_deref() {
        Some(date) => {
            let _ = write!(
                html,
                "<p>Vi ses igen och pratar om hur det går: <strong data-user-text>{}</strong></p>",
                text(&spoken_date(date))
            );
        }
        None => html.push_str("<p>Det finns ingen dag för nästa möte än.</p>"),
    }
    html.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::plan::{new_plan_document, read_plan, set_text, Plan, PlanText};

    fn fixture() -> Plan {
        let doc = shared::plan::fixture::large_plan().expect("fixture");
        read_plan(&doc).expect("plan")
    }

    #[test]
    fn shows_goals_help_and_the_coordinator_in_plain_words() {
        let plan = fixture();
        let html = render(&plan);
        for heading in
            ["<h1>Min plan</h1>", "<h2>Mina mål</h2>", "<h2>Hjälp jag får</h2>", "<h2>Vem jag kan fråga</h2>"]
        {
            assert!(html.contains(heading), "{heading} missing");
        }
        let (_, first) = plan.ordered_goals()[0];
        assert!(html.contains(&*text(first.text.as_str().trim())));
        assert_eq!(html.matches("<article class=\"first-goal\">").count(), plan.goals.len());
    }

    #[test]
    fn text_people_wrote_cannot_become_markup() {
        let mut doc = new_plan_document("<script>alert(1)</script>").expect("new plan");
        set_text(&mut doc, PlanText::MainGoal, "\"><img src=x onerror=alert(1)>").expect("main goal");
        let html = render(&read_plan(&doc).expect("plan"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("Det finns inga mål i planen än."));
    }
}
