#!/usr/bin/env bash
# Build the app in release mode into app/dist and check its size budget.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true NO_COLOR=true
(cd app && trunk build --release --offline)

BUDGET_GZIP_KB=540
wasm=$(ls app/dist/*.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'App wasm: %d KB raw, %d KB gzip (budget %d KB gzip)\n' $((raw / 1024)) $((gz / 1024)) "$BUDGET_GZIP_KB"
if [ $((gz / 1024)) -gt "$BUDGET_GZIP_KB" ]; then
  echo "The app's wasm is over its size budget." >&2
  exit 1
fi
