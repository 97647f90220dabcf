#!/usr/bin/env bash
# Build the app in release mode into app/dist and check its size budget.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true NO_COLOR=true
# The plan editor (index.html) into app/dist, then the person's own view
# ("Min plan", home.html: a smaller wasm without the editor) into app/dist/hem.
(cd app && trunk build --release --offline=true)
(cd app && trunk build --release --offline=true --dist dist/hem --public-url /hem/ home.html)

# Precompressed copies: the server sends them to browsers that accept them.
find app/dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.webmanifest' \) \
  -exec gzip -9 -k -f {} \;
if command -v brotli >/dev/null; then
  find app/dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
    -exec brotli -q 11 -k -f {} \;
fi

status=0
check() { # name, wasm, budget in KB gzip
  local raw gz
  raw=$(stat -c %s "$2")
  gz=$(gzip -9 -c "$2" | wc -c)
  printf '%s wasm: %d KB raw, %d KB gzip (budget %d KB gzip)\n' "$1" $((raw / 1024)) $((gz / 1024)) "$3"
  if [ $((gz / 1024)) -gt "$3" ]; then
    echo "$1: over its size budget." >&2
    status=1
  fi
}
check "App (plan editor)" "$(ls app/dist/*.wasm)" 582
check "Min plan (person's view)" "$(ls app/dist/hem/*.wasm)" 460
exit $status
