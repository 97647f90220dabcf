//! Dates and times as the plan writes them: days as YYYY-MM-DD in the
//! device's time zone, moments as milliseconds since 1970. Used by the
//! editor's sections and by the person's own view alike.

/// Today as YYYY-MM-DD, in the device's time zone.
pub fn today() -> String {
    ymd(&js_sys::Date::new_0())
}

/// A moment (ms since 1970) as YYYY-MM-DD, in the device's time zone.
pub fn day_of(millis: i64) -> String {
    ymd(&js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64)))
}

fn ymd(date: &js_sys::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.get_full_year(), date.get_month() + 1, date.get_date())
}

/// Milliseconds since 1970.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}
