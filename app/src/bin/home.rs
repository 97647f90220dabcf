//! The entry point of the person's own view ("Min plan"): a wasm of its own,
//! without the plan editor, so that a tablet on a weak network loads less.

fn main() {
    // Built without the editor (scripts/build-app.sh); with it (a plain
    // `cargo build` of the whole package) there is no person's view here.
    #[cfg(not(feature = "editor"))]
    app::home::start();
}
