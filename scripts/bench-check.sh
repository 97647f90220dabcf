#!/usr/bin/env bash
# Run the Criterion benchmarks of the plan document and check them against
# the budgets in BENCHMARKS.md. Prints each figure; exits 1 if one is over.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p shared --bench plan -- --noplot "$@"

python3 - <<'PY'
import json, pathlib, sys
# bench name -> budget in milliseconds (BENCHMARKS.md)
budgets = {
    "hydrate_large_plan": 10.0,
    "edit_goal_text_and_reconcile": 1.0,
    "edit_intervention_and_reconcile": 1.0,
    "load_large_plan_from_bytes": 20.0,
    "hydrate_1000_self_reports": 10.0,
}
root = pathlib.Path("target/criterion")
failed = False
print(f"\n{'benchmark':40} {'median':>12} {'budget':>10}")
for name, budget in budgets.items():
    estimates = root / name / "new" / "estimates.json"
    if not estimates.exists():
        print(f"{name:40} {'missing':>12} {budget:>8.2f} ms")
        failed = True
        continue
    median_ms = json.loads(estimates.read_text())["median"]["point_estimate"] / 1e6
    ok = median_ms <= budget
    failed |= not ok
    print(f"{name:40} {median_ms:>9.3f} ms {budget:>7.2f} ms  {'ok' if ok else 'OVER BUDGET'}")
sys.exit(1 if failed else 0)
PY
