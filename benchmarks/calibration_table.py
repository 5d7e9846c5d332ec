"""Print the calibration table of docs/analysis.md (the same scenarios and seeds as
tests/test_calibration.py): `benefit` rate of the judged item, the rate of the warning
that names the trap, and every statistical warning that fired.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src:. python benchmarks/calibration_table.py``
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor

from tests.calibration import SCENARIOS, STATISTICAL_WARNINGS, outcomes

SEEDS = 200


def main() -> None:
    tags = [s.tag for s in SCENARIOS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(outcomes, tags, [range(SEEDS)] * len(tags)))
    print(
        f"| # | scenario ({SEEDS} diaries each) | `benefit` | warning naming it | other warnings |"
    )
    print("|---|---|---|---|---|")
    for scenario, res in zip(SCENARIOS, rows, strict=True):
        n = len(res)
        benefit = sum(r.verdict == "benefit" for r in res) / n
        named = ""
        if scenario.warning:
            named = f"`{scenario.warning}` {sum(scenario.warning in r.codes for r in res) / n:.0%}"
        others = ", ".join(
            f"{code} {rate:.1%}"
            for code in STATISTICAL_WARNINGS
            if code != scenario.warning and (rate := sum(code in r.codes for r in res) / n) > 0
        )
        print(f"| {scenario.tag} | {scenario.name.strip()} | {benefit:.1%} | {named} | {others} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
