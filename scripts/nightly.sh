#!/usr/bin/env bash
# The long runs that would slow every `cargo test` down: the fuzzing of the
# wire decoder and the sync payloads with 10,000 cases per property (a
# quick 500 run in `cargo test`), in a release build. Exits 1 on a failure;
# proptest prints the smallest failing input.
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLAN_FUZZ_CASES="${SAMPLAN_FUZZ_CASES:-10000}" cargo test --release -p shared --test fuzz
