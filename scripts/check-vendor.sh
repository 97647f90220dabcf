#!/usr/bin/env bash
# Checks that vendor/automerge is automerge 0.6.1 exactly as published on
# crates.io, with the patches in vendor/automerge-patches applied in order,
# and nothing else (vendor/automerge/PATCH.md says what each patch is and why).
# The published .crate is taken from cargo's registry cache, fetched through
# cargo if it is not there, and checked against the committed sha256.
#   scripts/check-vendor.sh                 check; exit 1 with the difference
#   scripts/check-vendor.sh --expected DIR  write pristine + patches to DIR
#                                           (the base for a new patch)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

NAME=automerge
VERSION=0.6.1
TREE=vendor/automerge
PATCHES=vendor/automerge-patches
# Parts of the published crate that are not vendored: examples, benchmarks
# and the integration tests (tests/test.rs needs automerge-test, which is
# not published with the crate). Cargo.toml.orig is the unpublished manifest.
NOT_VENDORED=(benches examples tests Cargo.toml.orig)
# Files in the tree that are Samplan's, not the crate's.
OWN=(PATCH.md)

fail() {
  printf 'check-vendor: %s\n' "$@" >&2
  exit 1
}

expected_out=
if [ "${1:-}" = "--expected" ]; then
  [ -n "${2:-}" ] || fail "usage: $0 [--expected DIR]"
  [ ! -e "$2" ] || fail "$2 exists; give a new directory"
  expected_out=$2
elif [ -n "${1:-}" ]; then
  fail "usage: $0 [--expected DIR]"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

want_sha=$(awk '{print $1}' "$PATCHES/$NAME-$VERSION.crate.sha256")
registry="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
find_crate() {
  [ -d "$registry" ] || return 0
  find "$registry" -maxdepth 2 -name "$NAME-$VERSION.crate" | head -n 1
}

crate=$(find_crate)
if [ -z "$crate" ]; then
  # Not in the cache yet: a throwaway manifest makes cargo download it
  # (cargo checks the download against the crates.io index's checksum).
  mkdir "$tmp/fetch"
  printf '[package]\nname = "vendor-fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n\n[workspace]\n' \
    "$NAME" "$VERSION" >"$tmp/fetch/Cargo.toml"
  mkdir "$tmp/fetch/src" && : >"$tmp/fetch/src/lib.rs"
  cargo fetch --quiet --manifest-path "$tmp/fetch/Cargo.toml" ||
    fail "could not fetch $NAME $VERSION from crates.io through cargo"
  index_sha=$(awk -v n="$NAME" -v v="$VERSION" '
    $0 == "name = \"" n "\"" { hit = 1; next }
    hit && $0 == "version = \"" v "\"" { ok = 1; next }
    ok && /^checksum = / { gsub(/checksum = |"/, ""); print; exit }
    /^$/ { hit = 0; ok = 0 }' "$tmp/fetch/Cargo.lock")
  [ "$index_sha" = "$want_sha" ] ||
    fail "the crates.io index says $NAME $VERSION has sha256 '$index_sha';" \
      "$PATCHES/$NAME-$VERSION.crate.sha256 says $want_sha"
  crate=$(find_crate)
  [ -n "$crate" ] || fail "cargo fetch left no $NAME-$VERSION.crate under $registry"
fi

got_sha=$(sha256sum "$crate" | awk '{print $1}')
[ "$got_sha" = "$want_sha" ] ||
  fail "$crate has sha256 $got_sha, not $want_sha ($PATCHES/$NAME-$VERSION.crate.sha256):" \
    "the cached file is not the published $NAME $VERSION, or the checksum file was changed"

tar -xzf "$crate" -C "$tmp"
expected="$tmp/$NAME-$VERSION"
for path in "${NOT_VENDORED[@]}"; do
  rm -rf "${expected:?}/$path"
done

shopt -s nullglob
patches=("$PATCHES"/*.patch)
[ ${#patches[@]} -gt 0 ] || fail "no patches in $PATCHES"
for patch in "${patches[@]}"; do
  # GIT_CEILING_DIRECTORIES: apply to this directory even if $TMPDIR is
  # inside some git work tree.
  (cd "$expected" && GIT_CEILING_DIRECTORIES="$tmp" git apply --whitespace=nowarn "$root/$patch") ||
    fail "$patch does not apply to $NAME $VERSION + the patches before it"
done

if [ -n "$expected_out" ]; then
  cp -R "$expected" "$expected_out"
  echo "check-vendor: $NAME $VERSION + ${#patches[@]} patches written to $expected_out"
  exit 0
fi

for own in "${OWN[@]}"; do
  [ -f "$TREE/$own" ] || fail "$TREE/$own is missing"
  cp "$TREE/$own" "$expected/$own"
done
if ! difference=$(diff -r -u "$expected" "$TREE"); then
  printf '%s\n' "$difference" | sed "s#$expected#(expected)#g" | head -n 60 >&2
  fail "$TREE is not $NAME $VERSION from crates.io + $PATCHES/*.patch (difference above)." \
    "Change the fork by adding a patch (vendor/automerge/PATCH.md, 'Changing the fork')," \
    "and put the tree it makes in $TREE: scripts/check-vendor.sh --expected DIR writes it."
fi
echo "check-vendor: $TREE = $NAME $VERSION (sha256 ${want_sha:0:12}…) + ${#patches[@]} patches"
