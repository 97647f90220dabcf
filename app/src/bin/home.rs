//! The entry point of the person's own view ("Min plan"): a wasm of its own,
//! without the plan editor, so that a tablet on a weak network loads less.

fn main() {
    app::home::start();
}
