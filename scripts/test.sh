#!/usr/bin/env bash
# Command 2: every test. Installs what it needs first (scripts/setup.sh --tests).
#   1. formatting and lints (native and wasm32)
#   2. Rust unit and integration tests (shared, server); the server's
#      storage, sync, access, access-log, crash and relay tests a second
#      time against a throwaway PostgreSQL (scripts/with-postgres.sh)
#   3. in-browser tests of the app (wasm-bindgen-test in headless Chromium)
#   4. the release build of the app (with its size budget)
#   5. end-to-end tests: Playwright drives Chromium against a real server
#      (and two relays on a throwaway PostgreSQL for two-relays.spec.ts)
#   6. Min plan in WebKit: WebKitGTK's WebDriver under Xvfb (e2e/webkit/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
scripts/check-vendor.sh  # vendor/automerge = automerge 0.6.1 + vendor/automerge-patches

step "ARCHITECTURE.md names only code that exists"
python3 scripts/check-architecture.py

step "clippy (native)"
cargo clippy --workspace --exclude app --all-targets -- -D warnings
step "clippy (app, wasm32)"
cargo clippy -p app --target wasm32-unknown-unknown --all-targets -- -D warnings
# The person's view (Min plan) is built without the editor: linted so too.
cargo clippy -p app --target wasm32-unknown-unknown --no-default-features --lib --bin home -- -D warnings

step "Rust tests (shared, server)"
cargo test --workspace --exclude app
step "Server tests on PostgreSQL (storage, sync, access, access log, crash, notifications, two relays)"
# The same integration tests against a real PostgreSQL, a fresh database
# per test server. The relay tests run alone: one restarts the cluster.
# (`--workspace --exclude app --test it`: the features of the first run, so
# the test binary is not built again.)
scripts/with-postgres.sh bash -c '
  cargo test --workspace --exclude app --test it -- relays:: --test-threads=1 &&
  cargo test --workspace --exclude app --test it -- sync:: access:: access_log:: crash:: notifications:: --skip relays::'
cargo test --locked --manifest-path vendor/automerge/Cargo.toml --target-dir target --lib -- change_graph:: sync:: autocommit:: automerge::tests::  # upstream's tests of the patched modules

step "In-browser tests (app)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p app --target wasm32-unknown-unknown

step "Release build of the app"
scripts/build-app.sh

step "Load generator smoke run (the benchmark itself: scripts/load-check.sh)"
cargo build -p server -p loadgen
target/debug/loadgen --samplan-bin target/debug/samplan-server --window-secs 2 typing --stages 2

step "End-to-end tests (Playwright, Chromium)"
(cd e2e && SAMPLAN_SERVER_BIN="$PWD/../target/debug/samplan-server" SAMPLAN_STATIC_DIR="$PWD/../app/dist" npx playwright test)

step "Two relays on one PostgreSQL, in the browser (e2e/tests/two-relays.spec.ts)"
scripts/with-postgres.sh bash -c 'cd e2e && SAMPLAN_SERVER_BIN="$PWD/../target/debug/samplan-server" \
  SAMPLAN_STATIC_DIR="$PWD/../app/dist" npx playwright test two-relays'

step "Min plan in WebKit (WebKitWebDriver under Xvfb)"
(cd e2e && SAMPLAN_SERVER_BIN="$PWD/../target/debug/samplan-server" SAMPLAN_STATIC_DIR="$PWD/../app/dist" \
  xvfb-run -a npx playwright test -c playwright.webkit.config.ts)

step "All tests passed"
