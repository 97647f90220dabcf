#!/usr/bin/env bash
# Build the app in release mode into app/dist and check its size budget.
#
# The plan editor's wasm is split into a first part and chunks loaded when
# first needed (app/src/chunks.rs): cargo builds it with relocations,
# wasm-split-cli splits it, wasm-bindgen and wasm-opt process every part,
# and the parts go to app/dist/app-<hash>/ (a new directory for every
# build, so a cached chunk never meets another build's first part). The
# person's view ("Min plan", one wasm without the editor) goes to
# app/dist/hem/<hash>/. The pages are templates (app/index.html,
# app/home.html) with the hashed names written in. No trunk: it took ten
# minutes to install on a fresh machine and did nothing here that a few
# lines do not.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-opt on one wasm, in place. (Its warnings about the chunks' name
# sections are noise; shown if it fails.)
optimise() {
  wasm-opt -Oz ${SAMPLAN_WASM_OPT_DEBUG:-} --enable-bulk-memory --enable-nontrapping-float-to-int "$1" -o "$1" \
    2>"$1.log" || { cat "$1.log" >&2; exit 1; }
  rm "$1.log"
}
# The hash of a directory's files: the name of the directory they go to.
content_hash() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16); }

# The editor's last build directory (app-<hash>) stays for one more build:
# a tab left open across an update still finds the chunks it has not
# loaded yet. Everything else is built anew.
mkdir -p app/dist
find app/dist -mindepth 1 -maxdepth 1 ! -name 'app-*' -exec rm -rf {} +

# The person's own view: the `home` binary, without the editor feature.
cargo build --quiet -p app --bin home --no-default-features --target wasm32-unknown-unknown --profile wasm-release
stage=app/dist/.home
mkdir -p "$stage"
wasm-bindgen target/wasm32-unknown-unknown/wasm-release/home.wasm --out-dir "$stage" --target web --no-typescript
optimise "$stage/home_bg.wasm"
home_hash=$(content_hash "$stage")
mkdir -p app/dist/hem
mv "$stage" "app/dist/hem/$home_hash"

# Both pages (app/index.html, app/home.html: templates), the styles and
# the script that reads the plan early (public/early-read.js) under hashed
# names, and the icons, manifests and service worker.
styles="styles-$(sha256sum public/styles.css | cut -c1-16).css"
cp public/styles.css "app/dist/$styles"
cp public/favicon.svg public/favicon-32.png public/manifest.webmanifest public/min-plan.webmanifest public/sw.js \
  public/icon-192.png public/icon-512.png public/icon-maskable-512.png public/apple-touch-icon.png app/dist/
early="early-read-$(sha256sum public/early-read.js | cut -c1-16).js"
cp public/early-read.js "app/dist/$early"
sed -e "s|__STYLES__|$styles|" -e "s|__EARLY__|$early|" app/index.html > app/dist/index.html
sed -e "s|__STYLES__|$styles|" -e "s|__EARLY__|$early|" -e "s|__HOME__|hem/$home_hash|g" app/home.html > app/dist/hem/index.html

# The editor's wasm, split. The splitter needs the linker's relocations:
# asked for on the last step only (the binary's link), so the dependencies
# compiled for the person's view are used as they are.
cargo rustc --quiet -p app --bin app --target wasm32-unknown-unknown --profile wasm-release -- -Clink-args=--emit-relocs
stage=app/dist/.split
mkdir -p "$stage"
wasm-split-cli target/wasm32-unknown-unknown/wasm-release/app.wasm "$stage" --out-name app >/dev/null
wasm-bindgen "$stage/app.wasm" --out-dir "$stage" --target web --no-typescript \
  --no-demangle --keep-lld-exports
rm "$stage/app.wasm"
for wasm in "$stage"/*.wasm; do
  optimise "$wasm"
done
hash=$(content_hash "$stage")
rm -rf "app/dist/app-$hash"
mv "$stage" "app/dist/app-$hash"
touch "app/dist/app-$hash"
# Keep this build and the one before it.
ls -dt app/dist/app-*/ | tail -n +3 | xargs -r rm -rf
# The service worker's cache is named after everything it keeps: a build
# that changed only Min plan, the styles or an icon installs anew too.
build=$({ echo "$hash $home_hash"; cat public/styles.css public/early-read.js public/*.webmanifest \
  public/favicon.svg public/*.png app/index.html app/home.html public/sw.js; } | sha256sum | cut -c1-16)
sed -i "s|__BUILD__|$build|" app/dist/sw.js
chunks=$(cd "app/dist/app-$hash" && for f in *.wasm; do
  [ "$f" = app_bg.wasm ] || printf '<link rel="prefetch" href="/app-%s/%s" as="fetch" crossorigin="anonymous" />' "$hash" "$f"
done)
sed -i -e "s|__APP__|app-$hash|g" -e "s|<!-- split-chunks -->|<link rel=\"modulepreload\" href=\"/app-$hash/__wasm_split.js\" />$chunks|" app/dist/index.html

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
check "App (plan editor), first part" "app/dist/app-$hash/app_bg.wasm" 450
for chunk in "app/dist/app-$hash"/*.wasm; do
  [ "$(basename "$chunk")" = app_bg.wasm ] && continue
  printf '  chunk %s: %d KB gzip\n' "$(basename "$chunk")" $(($(gzip -9 -c "$chunk" | wc -c) / 1024))
done
check "Min plan (person's view)" "app/dist/hem/$home_hash/home_bg.wasm" 485
exit $status
