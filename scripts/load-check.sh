#!/usr/bin/env bash
# The relay under load (issue 4): runs `loadgen all` against a release build
# of samplan-server and, in the same run, the reference automerge-repo sync
# server (Node, from npm), then checks the budgets in BENCHMARKS.md.
# Prints every figure; exits 1 if one is over budget. Takes about 7 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -d loadgen/reference/node_modules/@automerge/automerge-repo-storage-nodefs ]; then
  (cd loadgen/reference && npm install --no-audit --no-fund)
fi
cargo build --release -p server -p loadgen
# 10,000 idle connections need as many file descriptors on both ends.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
figures=target/load-figures.txt
target/release/loadgen --samplan-bin target/release/samplan-server all --figures "$figures"

python3 - "$figures" <<'PY'
import sys
figures = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    figures[name] = float(value)
# name -> (comparison, budget), BENCHMARKS.md
budgets = {
    "typing_100_plans_p50_ms": ("<=", 5.0),
    "typing_100_plans_p99_ms": ("<=", 25.0),
    "typing_ratio_to_reference": (">=", 10.0),
    "idle_10000_rss_mb": ("<=", 500.0),
    "documents_rss_growth_pct": ("<=", 15.0),
}
failed = False
print(f"\n{'figure':36} {'measured':>10} {'budget':>12}")
for name, (op, budget) in budgets.items():
    value = figures.get(name)
    if value is None:
        print(f"{name:36} {'missing':>10} {op} {budget:>9}")
        failed = True
        continue
    ok = value <= budget if op == "<=" else value >= budget
    failed |= not ok
    print(f"{name:36} {value:>10.2f} {op} {budget:>9}  {'ok' if ok else 'OVER BUDGET'}")
for name, value in figures.items():
    if name not in budgets:
        print(f"{name:36} {value:>10.2f}")
sys.exit(1 if failed else 0)
PY
