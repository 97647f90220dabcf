//! How a goal has gone over time, as the person rated it: a small SVG chart
//! that is readable without colour (the five steps are written out beside
//! it, every answer is a marked point) and the same answers as a list for
//! screen readers and print. The person's view and the follow-up view show
//! the same component.

use leptos::prelude::*;
use shared::self_reports::{rating_label, SelfReport};

// Whole user units of the SVG's view box: integers, so that no float is
// formatted (float formatting would cost the person's wasm some kilobytes).
const WIDTH: i64 = 640;
const HEIGHT: i64 = 240;
/// Room for the step names on the left.
const LEFT: i64 = 150;
const RIGHT: i64 = 20;
const TOP: i64 = 20;
const BOTTOM: i64 = 40;

fn y_of(rating: i64) -> i64 {
    let step = (HEIGHT - TOP - BOTTOM) / 4;
    TOP + (2 - rating.clamp(-2, 2)) * step
}

/// Text for SVG markup: `&`, `<`, `>`, quotes escaped (dates and labels
/// come from a shared document and are never trusted as markup).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The chart as SVG markup. Built as text and set as the figure's content:
/// a handful of static shapes do not need reactive elements, and the wasm
/// stays smaller.
fn chart_svg(reports: &[SelfReport], summary: &str) -> String {
    use std::fmt::Write as _;
    let count = reports.len() as i64;
    let x_of = |i: usize| {
        if count <= 1 {
            (LEFT + WIDTH - RIGHT) / 2
        } else {
            LEFT + (WIDTH - LEFT - RIGHT) * i as i64 / (count - 1)
        }
    };
    let mut svg = format!(
        r#"<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" focusable="false">"#,
        escape(summary)
    );
    for rating in (-2..=2_i64).rev() {
        let y = y_of(rating);
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{}" y1="{y}" y2="{y}" class="chart-grid"/><text x="{}" y="{}" text-anchor="end" class="chart-step">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 10,
            y + 5,
            rating_label(rating).unwrap_or("")
        );
    }
    let points: String =
        reports.iter().enumerate().map(|(i, r)| format!("{},{} ", x_of(i), y_of(r.rating))).collect();
    let _ = write!(svg, r#"<polyline points="{points}" class="chart-line"/>"#);
    for (i, r) in reports.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="8" class="chart-point"><title>{}: {}</title></circle>"#,
            x_of(i),
            y_of(r.rating),
            escape(&r.date),
            rating_label(r.rating).unwrap_or("")
        );
    }
    if let (Some(first), Some(last)) = (reports.first(), reports.last()) {
        let _ = write!(
            svg,
            r#"<text x="{LEFT}" y="{}" class="chart-date">{}</text><text x="{}" y="{}" text-anchor="end" class="chart-date">{}</text>"#,
            HEIGHT - 10,
            escape(&first.date),
            WIDTH - RIGHT,
            HEIGHT - 10,
            escape(&last.date)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The chart and list for one goal's reports (oldest first).
#[component]
pub fn ProgressChart(reports: Vec<SelfReport>, heading_id: String) -> impl IntoView {
    if reports.is_empty() {
        return view! { <p class="hint">"Inga svar än."</p> }.into_any();
    }
    let last =
        reports.last().map(|r| (r.date.clone(), rating_label(r.rating).unwrap_or(""))).unwrap_or_default();
    let summary = format!("Diagram med {} svar. Det senaste, {}: {}.", reports.len(), last.0, last.1);
    let svg = chart_svg(&reports, &summary);
    let mut newest_first = reports;
    newest_first.reverse();
    view! {
        <div class="progress-chart" inner_html=svg></div>
        <details class="report-list-box">
            <summary>"Alla svar som lista"</summary>
            <ul class="report-list" aria-describedby=heading_id>
                {newest_first.into_iter().map(|r| {
                    let label = rating_label(r.rating).unwrap_or("");
                    let by = if r.reported_by.is_empty() { String::new() } else { format!(" ({})", r.reported_by) };
                    view! {
                        <li>
                            <strong>{format!("{}: {label}", r.date)}</strong>{by}
                            {(!r.note.is_empty()).then(|| view! { <span class="report-note" data-user-text>{format!(" – {}", r.note)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn markup_from_a_report_cannot_become_elements() {
        let hostile = SelfReport {
            goal_id: "g".into(),
            rating: 1,
            note: String::new(),
            date: "<img src=x onerror=alert(1)>".into(),
            reported_at: 0,
            reported_by: String::new(),
        };
        let svg = chart_svg(&[hostile], "sammanfattning");
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img"));
    }
}
