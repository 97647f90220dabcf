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
# app/home.html, with parts from app/page-parts/) with the hashed names
# and the inline scripts written in. No trunk: it took ten minutes to
# install on a fresh machine and did nothing here that a few lines do not.
#
# What a build is, is written once, by this script, into
# app/dist/build-manifest.json: every file with its SHA-256, each page
# with the CSP hashes of its inline scripts and the files it needs, and the
# service worker's cache name. The server (server/src/app_build.rs) and
# the service worker (public/sw.js) read it; nothing reads the pages to
# find out.
#
# A build with nothing changed takes seconds: the processed wasm (split,
# wasm-bindgen, wasm-opt, compressed) is kept in target/app-parts/, under
# the hash of cargo's wasm, the tools' versions and this script, and
# reused while those are the same.
set -euo pipefail
# (A failure inside `$(…)` stops the build too.)
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

# wasm-opt on one wasm, in place. (Its warnings about the chunks' name
# sections are noise; shown if it fails.)
optimise() {
  wasm-opt -Oz ${SAMPLAN_WASM_OPT_DEBUG:-} --enable-bulk-memory --enable-nontrapping-float-to-int "$1" -o "$1" \
    2>"$1.log" || { cat "$1.log" >&2; exit 1; }
  rm "$1.log"
}
# Precompressed copies of the files named (the server sends them to
# browsers that accept them).
compress() {
  [ $# -gt 0 ] || return 0
  gzip -9 -k -f "$@"
  if command -v brotli >/dev/null; then
    brotli -q 11 -k -f "$@"
  fi
}
# The files of a directory (not the compressed copies), sorted.
files_of() { (cd "$1" && find . -type f ! -name '*.gz' ! -name '*.br' | sed 's|^\./||' | LC_ALL=C sort); }
# The hash of a directory's files: the name of the directory they go to.
content_hash() { (cd "$1" && files_of . | xargs cat | sha256sum | cut -c1-16); }

# The editor's last build directory (app-<hash>) stays for one more build:
# a tab left open across an update still finds the chunks it has not
# loaded yet. Everything else is built anew.
mkdir -p app/dist
find app/dist -mindepth 1 -maxdepth 1 ! -name 'app-*' -exec rm -rf {} +

# The processed parts of a wasm, kept in target/app-parts/<name>-<key>.
parts=target/app-parts
mkdir -p "$parts"
tools="$(wasm-bindgen --version) $(wasm-opt --version) $(stat -L -c '%s %Y' "$(command -v wasm-split-cli)")"
# processed NAME WASM: the directory of WASM's parts made by process_NAME,
# from the kept ones if WASM, the tools and this script are as then.
processed() {
  local key dir stage made
  key=$({ cat "$2" scripts/build-app.sh; echo "$tools ${SAMPLAN_WASM_OPT_DEBUG:-}"; } | sha256sum | cut -c1-16)
  dir="$parts/$1-$key"
  if [ ! -d "$dir" ]; then
    stage="$parts/.$1-$key.$$"
    rm -rf "$stage"
    mkdir -p "$stage"
    "process_$1" "$2" "$stage" >&2
    mapfile -t made < <(files_of "$stage")
    (cd "$stage" && compress "${made[@]}")
    mv "$stage" "$dir"
  fi
  touch "$dir"
  # Keep the last few of each.
  ls -dt "$parts/$1"-*/ | tail -n +5 | xargs -r rm -rf
  echo "$dir"
}
# split NAME WASM DIR: WASM cut at its wasm_split functions into DIR (the
# first part NAME_bg.wasm, the chunks, the loader), each part through
# wasm-bindgen and wasm-opt. The splitter needs the linker's relocations
# (asked for below).
split() {
  wasm-split-cli "$2" "$3" --out-name "$1" >/dev/null
  wasm-bindgen "$3/$1.wasm" --out-dir "$3" --target web --no-typescript --no-demangle --keep-lld-exports
  rm "$3/$1.wasm"
  for wasm in "$3"/*.wasm; do
    optimise "$wasm"
  done
}
process_home() { split home "$1" "$2"; }
process_app() { split app "$1" "$2"; }

# The person's own view: the `home` binary, without the editor feature,
# split as the editor is (app/src/home/parts.rs).
cargo rustc --quiet -p app --bin home --no-default-features --target wasm32-unknown-unknown --profile wasm-release \
  -- -Clink-args=--emit-relocs
home_parts=$(processed home target/wasm32-unknown-unknown/wasm-release/home.wasm)
home_hash=$(content_hash "$home_parts")
mkdir -p app/dist/hem
cp -R "$home_parts" "app/dist/hem/$home_hash"

# The editor's wasm, split. The splitter needs the linker's relocations:
# asked for on the last step only (the binary's link), so the dependencies
# compiled for the person's view are used as they are.
cargo rustc --quiet -p app --bin app --target wasm32-unknown-unknown --profile wasm-release -- -Clink-args=--emit-relocs
app_parts=$(processed app target/wasm32-unknown-unknown/wasm-release/app.wasm)
hash=$(content_hash "$app_parts")
if [ ! -d "app/dist/app-$hash" ]; then
  rm -rf app/dist/.app
  cp -R "$app_parts" app/dist/.app
  mv app/dist/.app "app/dist/app-$hash"
fi
touch "app/dist/app-$hash"
# Keep this build and the one before it.
ls -dt app/dist/app-*/ | tail -n +3 | xargs -r rm -rf

# The styles and the script that reads the plan early
# (public/early-read.js) under hashed names; the icons and web app
# manifests as they are.
styles="styles-$(sha256sum public/styles.css | cut -c1-16).css"
cp public/styles.css "app/dist/$styles"
early="early-read-$(sha256sum public/early-read.js | cut -c1-16).js"
cp public/early-read.js "app/dist/$early"
cp public/favicon.svg public/favicon-32.png public/manifest.webmanifest public/min-plan.webmanifest \
  public/icon-192.png public/icon-512.png public/icon-maskable-512.png public/apple-touch-icon.png app/dist/

# The pages. In a template, a line `<!-- include NAME -->` is the part
# app/page-parts/NAME; `<!-- script NAME -->` is the script
# app/page-parts/NAME inline (a module if NAME ends in .mjs); `<!-- chunks
# -->` is the links to the editor's chunks. __STYLES__, __EARLY__, __JS__
# and __WASM__ are the hashed names. The CSP hash of every script written
# inline is added to `scripts` (the page's, for the manifest).
fill() {
  local text=$1
  text=${text//__STYLES__/$styles}
  text=${text//__EARLY__/$early}
  text=${text//__JS__/$js}
  text=${text//__WASM__/$wasm}
  printf '%s' "$text"
}
# The CSP source of a script: 'sha256-' and the base64 of its SHA-256.
csp_hash() {
  local hex
  hex=$(printf '%s' "$1" | sha256sum | cut -c1-64)
  # shellcheck disable=SC2059 # (the hex digits as \x escapes: the digest's bytes)
  printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0
}
render() {
  local line indent part script type
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^([[:space:]]*)\<!--\ (include|script)\ ([a-z0-9.-]+)\ --\>$ ]]; then
      indent=${BASH_REMATCH[1]}
      part=app/page-parts/${BASH_REMATCH[3]}
      if [ "${BASH_REMATCH[2]}" = include ]; then
        render <"$part"
        continue
      fi
      script=$'\n'"$(fill "$(<"$part")")"$'\n'"$indent"
      if [[ $script == *'</script'* ]]; then
        echo "$part: an inline script cannot hold '</script'." >&2
        exit 1
      fi
      scripts+=("sha256-$(csp_hash "$script")")
      type=""
      [[ $part == *.mjs ]] && type=' type="module"'
      printf '%s<script%s>%s</script>\n' "$indent" "$type" "$script"
    elif [[ $line =~ ^[[:space:]]*\<!--\ chunks\ --\>$ ]]; then
      [ -z "$chunks" ] || printf '%s\n' "$chunks"
    else
      printf '%s\n' "$(fill "$line")"
    fi
  done
}
# A JSON array of strings (paths and hashes: nothing to escape).
json_list() {
  local first=true item
  printf '['
  for item in "$@"; do
    $first || printf ', '
    first=false
    printf '"%s"' "$item"
  done
  printf ']'
}
pages=()
# page PATH FILE TEMPLATE WASM_DIR ENTRY: the page at address PATH, written
# to app/dist/FILE from TEMPLATE, starting the wasm ENTRY in WASM_DIR.
page() {
  local files=() file
  scripts=()
  js="/$4/$5.js"
  wasm="/$4/$5_bg.wasm"
  render <"$3" >"app/dist/$2"
  files=("/$styles" "/$early")
  while IFS= read -r file; do files+=("/$4/$file"); done < <(files_of "app/dist/$4")
  pages+=("{ \"path\": \"$1\", \"file\": \"$2\", \"scripts\": $(json_list "${scripts[@]}"), \"files\": $(json_list "${files[@]}") }")
}
# chunk_links DIR: the link to the split loader of the wasm in
# app/dist/DIR. The chunks themselves are not named in the page: the
# service worker caches every file of the build when it installs (the
# build's manifest lists them), and a prefetch link per chunk (well over a
# hundred) put as many requests ahead of the chunks an open plan needs,
# on the browser's six connections and the page's thread.
chunk_links() {
  printf '  <link rel="modulepreload" href="/%s/__wasm_split.js" />' "$1"
}
chunks=$(chunk_links "app-$hash")
page / index.html app/index.html "app-$hash" app
chunks=$(chunk_links "hem/$home_hash")
page /min-plan hem/index.html app/home.html "hem/$home_hash" home

# Every file of this build with its hash. The build's name (and its
# service worker cache's) is their hash, with the service worker's own
# source: a build that changed only Min plan, the styles or an icon
# installs anew too.
listing() { # the files of this build (not the editor's build before), as "<sha256>  <path>"
  (cd app/dist && { files_of . | grep -v '^app-'; files_of "app-$hash" | sed "s|^|app-$hash/|"; } \
    | xargs -d '\n' sha256sum)
}
build=$({ listing; sha256sum public/sw.js; } | sha256sum | cut -c1-16)
cache="samplan-shell-$build"
sed "s|__CACHE__|$cache|" public/sw.js >app/dist/sw.js
files=$(listing | awk '{ printf "%s    \"/%s\": \"%s\"", (NR > 1 ? ",\n" : ""), $2, $1 }')
manifest=app/dist/.build-manifest.json
{
  printf '{\n  "build": "%s",\n  "service_worker": { "cache": "%s" },\n  "pages": [\n' "$build" "$cache"
  printf '    %s,\n' "${pages[@]}" | sed '$ s/,$//'
  printf '  ],\n  "files": {\n%s\n  }\n}\n' "$files"
} >"$manifest"

# Precompressed copies of the rest (the wasm parts have theirs).
compress $(cd app/dist && find . -maxdepth 2 -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \
  -o -name '*.webmanifest' -o -name '.build-manifest.json' \) ! -path './app-*' | sed 's|^\./|app/dist/|')
# The manifest last, as a new file (the server sees a new build by it).
mv "$manifest.gz" app/dist/build-manifest.json.gz
[ ! -e "$manifest.br" ] || mv "$manifest.br" app/dist/build-manifest.json.br
mv "$manifest" app/dist/build-manifest.json

status=0
check() { # name, wasm, budget in KB gzip
  local raw gz
  raw=$(stat -c %s "$2")
  gz=$(stat -c %s "$2.gz")
  printf '%s wasm: %d KB raw, %d KB gzip (budget %d KB gzip)\n' "$1" $((raw / 1024)) $((gz / 1024)) "$3"
  if [ $((gz / 1024)) -gt "$3" ]; then
    echo "$1: over its size budget." >&2
    status=1
  fi
}
check "App (plan editor), first part" "app/dist/app-$hash/app_bg.wasm" 450
for chunk in "app/dist/app-$hash"/*.wasm; do
  [ "$(basename "$chunk")" = app_bg.wasm ] && continue
  printf '  chunk %s: %d KB gzip\n' "$(basename "$chunk")" $(($(stat -c %s "$chunk.gz") / 1024))
done
check "Min plan (person's view), first part" "app/dist/hem/$home_hash/home_bg.wasm" 500
for chunk in "app/dist/hem/$home_hash"/*.wasm; do
  [ "$(basename "$chunk")" = home_bg.wasm ] && continue
  printf '  chunk %s: %d KB gzip\n' "$(basename "$chunk")" $(($(stat -c %s "$chunk.gz") / 1024))
done
exit $status
