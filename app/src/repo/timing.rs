//! Performance API marks and measures (read by the browser benchmark,
//! `scripts/browser-bench.sh`), and the clock: the [`Instruments`] the
//! repo's core reads the world through.

use shared::repo_core::Instruments;

/// A Performance API mark.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Run `work`; when the page asks for timings (`window.samplanTiming`, set
/// by the browser benchmark) record how long it took as a Performance API
/// measure named `name`. Off by default: a long session would pile up entries.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let Some(start) = timing_start() else { return work() };
    let value = work();
    measure_since(name, start);
    value
}

/// Now (ms), when the page asks for timings (see [`timed`]).
pub fn timing_start() -> Option<f64> {
    web_sys::window()
        .filter(|w| js_sys::Reflect::get(w, &"samplanTiming".into()).is_ok_and(|v| v.is_truthy()))
        .and_then(|w| w.performance())
        .map(|p| p.now())
}

/// Record a measure named `name` from `start` ([`timing_start`]) to now.
pub fn measure_since(name: &str, start: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return };
    // `performance.measure(name, {start, end})` (its options are not in web-sys's stable API).
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    if let Some(measure) = js_sys::Reflect::get(&performance, &"measure".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
    {
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}

/// A Performance API measure from the mark `start` to now.
pub fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// A measure from the mark `start` to now, taken in the next task: after
/// the views that run in microtasks (the plan is on the screen then).
pub fn measure_after_views(name: &'static str, start: &'static str) {
    gloo_timers::callback::Timeout::new(0, move || measure(name, start)).forget();
}

/// The browser's clock and Performance API.
pub struct BrowserInstruments;

impl Instruments for BrowserInstruments {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn mark(&self, name: &'static str) {
        mark(name);
    }

    fn measure(&self, name: &'static str, start: &'static str) {
        measure(name, start);
    }

    fn timing_start(&self) -> Option<f64> {
        timing_start()
    }

    fn measure_since(&self, name: &'static str, start: f64) {
        measure_since(name, start);
    }
}
