"""Every output of the analysis for 14 diaries, written to a folder, for a byte-for-byte
before/after comparison of speed work (no output may change).

Run: ``PYTHONPATH=src python benchmarks/analysis_outputs.py OUT_DIR`` with the code before,
then with the code after into another folder, and ``diff -r`` the two folders (or pass
``--against OLD_DIR`` to compare right away). Each diary gives its JSON (as ``analyze
--json`` prints it), text, plain words and ``repr``, through ``crampwise.analyze(dict)`` and
through ``Tracker.analyze()`` on SQLite. The diaries: the demo, the demo with its trial,
two 10-year diaries (``bench_analyze.py``'s, seeds 1 and 2) and ten simulated ones
(flares, fading, missing nights, changes close together, an experiment, sparse data).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("CRAMPWISE_NOW", "2028-01-01T08:00:00+00:00")

import argparse
import filecmp
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import ten_year_diary

import crampwise
from crampwise.analysis.simulate import demo_story_diary, simulate_diary
from crampwise.demo import demo_document
from crampwise.experiments.design import make_design
from crampwise.plainreport import analysis_in_plain_words, analysis_json

#: The trial of the demo runs past today; the Tracker reads CRAMPWISE_NOW (set above).
TODAY = date(2028, 1, 1)


def _simulated() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"story": demo_story_diary(7)}
    out["flare-start"] = simulate_diary(
        300, 2.0, [("magnesium", 35, None)], flare=(35, 3.0), weekly_shape=4.0, seed=11
    )
    out["two-close"] = simulate_diary(
        400,
        1.5,
        [("magnesium", 120, None), ("potassium", 129, None), ("calcium", 250, 330)],
        rate_ratios={"magnesium": 0.5},
        missing=0.05,
        seed=12,
    )
    out["sparse"] = simulate_diary(150, 0.15, [("magnesium", 75, None)], seed=13)
    out["missing"] = simulate_diary(
        500, 1.0, [("stretching", 200, None), ("fluids", 100, 400)], missing=0.2, seed=14
    )
    out["cycles"] = simulate_diary(
        400,
        3.0,
        [("magnesium", s, s + 28) for s in range(28, 400, 56)],
        rate_ratios={"magnesium": 0.5},
        weekly_shape=3.0,
        seed=15,
    )
    out["seasonal"] = simulate_diary(
        1095,
        1.0,
        [("magnesium", s, s + 150) for s in (270, 635, 1000)],
        weekly_shape=2.0,
        start=date(2023, 1, 1),
        seed=16,
    )
    out["stops"] = simulate_diary(
        800,
        1.2,
        [("calcium", 0, 300), ("massage", 100, 500), ("vitamin-d", 450, None)],
        rate_ratios={"massage": 1.5},
        missing=0.03,
        seed=17,
    )
    out["no-cramps"] = simulate_diary(90, 0.0, [("magnesium", 30, None)], seed=18)
    design = make_design(0, date(2024, 3, 1), 3, 28, 0, order="ABBAAB")
    exp = {
        "item": "calcium",
        "start": "2024-03-01",
        "period_days": 28,
        "design": [{"start": p.start, "end": p.end, "condition": p.condition} for p in design],
    }
    out["experiment"] = simulate_diary(
        300, 2.0, [], rate_ratios={"calcium": 0.6}, experiments=[exp], seed=19
    )
    return out


def diaries() -> dict[str, dict[str, Any]]:
    out = {
        "demo": demo_document(),
        "demo-trial": demo_document(trial=True),
        "ten-year-1": ten_year_diary(1),
        "ten-year-2": ten_year_diary(2),
    }
    out.update(_simulated())
    return out


def _write(folder: Path, name: str, result: crampwise.AnalysisResult) -> None:
    plain = analysis_in_plain_words(result)
    (folder / f"{name}.json").write_text(
        json.dumps(analysis_json(result), indent=2, ensure_ascii=False) + "\n"
    )
    (folder / f"{name}.txt").write_text(result.to_text())
    (folder / f"{name}.plain.txt").write_text("\n".join((*plain.headline, "", *plain.lines)))
    (folder / f"{name}.repr.txt").write_text(repr(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the outputs (made if missing)")
    parser.add_argument("--against", type=Path, help="a folder written before: compare")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, doc in diaries().items():
        _write(args.out, f"{name}.analyze", crampwise.analyze(doc, today=TODAY))
        with (
            tempfile.TemporaryDirectory() as tmp,
            crampwise.Tracker(Path(tmp) / "d.sqlite") as tracker,
        ):
            tracker.import_diary(doc)
            _write(args.out, f"{name}.tracker", tracker.analyze())
    files = sorted(p.name for p in args.out.iterdir())
    print(f"{len(files)} files in {args.out}")
    if args.against is None:
        return 0
    match, mismatch, errors = filecmp.cmpfiles(args.against, args.out, files, shallow=False)
    missing = sorted({p.name for p in args.against.iterdir()} - set(files))
    for name in mismatch + errors + missing:
        print(f"DIFFERS: {name}")
    print(f"{len(match)} identical, {len(mismatch) + len(errors) + len(missing)} differ")
    return 0 if not (mismatch or errors or missing) else 1


if __name__ == "__main__":
    sys.exit(main())
