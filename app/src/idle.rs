//! Work that can wait until the page is idle: after the input and drawing
//! that are waiting, so that a keystroke or a frame never waits for it
//! (the plan's refresh, loading a document shown from its preview, writing
//! a preview).

use wasm_bindgen::JsCast;

/// Run `work` when the page is idle, at the latest after `timeout_ms`.
/// Browsers without `requestIdleCallback` (Safari) run it as the next task.
pub fn when_idle(timeout_ms: u32, work: impl FnOnce() + 'static) {
    // One body for every caller (each closure type would get its own copy in the wasm).
    when_idle_boxed(timeout_ms, Box::new(work));
}

fn when_idle_boxed(timeout_ms: u32, work: Box<dyn FnOnce()>) {
    let window = web_sys::window();
    let idle = window
        .as_ref()
        .and_then(|w| js_sys::Reflect::get(w, &"requestIdleCallback".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (window, idle) {
        (Some(window), Some(request)) => {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"timeout".into(), &timeout_ms.into());
            // Shared with the fallback: whichever runs first takes the work.
            let work = std::rc::Rc::new(std::cell::RefCell::new(Some(work)));
            let idle_work = work.clone();
            let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(work) = idle_work.borrow_mut().take() {
                    work();
                }
            });
            if request.call2(&window, &callback, &options).is_err() {
                gloo_timers::callback::Timeout::new(0, move || {
                    if let Some(work) = work.borrow_mut().take() {
                        work();
                    }
                })
                .forget();
            }
        }
        _ => {
            gloo_timers::callback::Timeout::new(0, work).forget();
        }
    }
}
