#!/usr/bin/env bash
# Install what building (and, with --tests, testing) Samplan needs.
# Idempotent: whatever is already there at the right version is skipped,
# so a second run takes seconds. Only package registries are used
# (crates.io, npm, Debian); nothing downloads its own binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARYEN_VERSION=132.0.0
# Splits the editor's wasm into chunks at the app's `#[lazy]` functions.
WASM_SPLIT_VERSION=0.2.4
# wasm-bindgen-cli must equal the wasm-bindgen library in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)

want_tests=false
[ "${1:-}" = "--tests" ] && want_tests=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Installing the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "Installing wasm-split-cli $WASM_SPLIT_VERSION (a minute or two once)"
  cargo install wasm_split_cli_support --locked --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  say "Installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
  npm install --global --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
fi

if $want_tests; then
  # poppler-utils: pdftotext, with which the end-to-end tests read the
  # plan Chromium printed to PDF (e2e/tests/paper.spec.ts).
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/pdftotext ]; then
    say "Installing Chromium, ChromeDriver and poppler-utils from Debian"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver poppler-utils
  fi
  # WebKitGTK's WebDriver (it drives MiniBrowser, from libwebkit2gtk-4.1)
  # and a virtual display for it: Min plan in WebKit, the engine of Safari
  # on an iPad (e2e/webkit/).
  if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x /usr/bin/xvfb-run ] || ! command -v xauth >/dev/null; then
    say "Installing WebKitGTK's WebDriver and Xvfb from Debian"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq webkit2gtk-driver xvfb xauth
  fi
  # PostgreSQL: the server's integration tests run a second time against
  # a throwaway cluster (scripts/with-postgres.sh). Only the binaries are
  # needed; Debian's package also starts a cluster of its own, unused here.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "Installing PostgreSQL from Debian"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql
  fi
  # The notification tests' counterparts, from PyPI: the SMTP server they
  # send to (aiosmtpd, scripts/smtp-sink.py), an independent reader of the
  # calendar files (icalendar), and an independent Web Push decryptor
  # (http_ece, with cryptography for the VAPID signature; scripts/push-sink.py).
  python_tests=("aiosmtpd==1.4.6" "icalendar==7.3.2" "http_ece==1.2.1")
  if ! python3 -c "import aiosmtpd, icalendar, http_ece, cryptography" 2>/dev/null; then
    say "Installing aiosmtpd, icalendar and http_ece (PyPI) for the notification tests"
    python3 -m pip install --quiet --user "${python_tests[@]}" 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages "${python_tests[@]}"
  fi
  if [ ! -d e2e/node_modules/@playwright/test ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    say "Installing the end-to-end test packages (from e2e/package-lock.json)"
    # Not `npm ci`: npm 11 leaves cbor-x's optional native packages out of the
    # lock file and then refuses it; `npm install` takes the same versions.
    (cd e2e && npm install --no-audit --no-fund)
  fi
fi
