#!/usr/bin/env bash
# The browser benchmark of the app on the large plan (Playwright, Chromium):
# opening from IndexedDB and keystroke handling, measured with the
# Performance API in the page; and the person's view on a slow tablet
# (4x CPU throttling, slow 3G), first and repeat visit. Prints the figures and checks the budgets
# (BENCHMARKS.md). Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-app.sh
cargo build -p server
out="$PWD/target/browser-bench.json"
rm -f "$out"
(cd e2e && SAMPLAN_BENCH=1 SAMPLAN_BENCH_OUT="$out" SAMPLAN_SERVER_BIN="$PWD/../target/debug/samplan-server" \
  SAMPLAN_STATIC_DIR="$PWD/../app/dist" npx playwright test bench --reporter=line)
python3 - "$out" <<'PY'
import json, sys
figures = json.load(open(sys.argv[1]))
budgets = {
    "open_from_device_p50_ms": 200,
    "whole_plan_drawn_p50_ms": 1500,
    "keystroke_p95_ms": 16,
    "home_first_visit_p50_ms": 4000,
    "home_repeat_visit_p50_ms": 1500,
}
failed = False
for name in budgets:
    if name not in figures:
        print(f"{name:28} missing  (budget {budgets[name]})  MISSING")
        failed = True
for name, value in figures.items():
    budget = budgets.get(name)
    mark = "" if budget is None else (f"  (budget {budget})" + ("  OVER" if value > budget else ""))
    failed |= budget is not None and value > budget
    print(f"{name:28} {value:8.1f}{mark}")
sys.exit(1 if failed else 0)
PY
