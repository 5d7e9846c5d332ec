"""Every output of the analysis for 14 diaries, written to a folder, for a before/after
comparison of speed work.

Run: ``PYTHONPATH=src python benchmarks/analysis_outputs.py OUT_DIR`` with the code before,
then with the code after into another folder, and ``diff -r`` the two folders (or pass
``--against OLD_DIR`` to compare right away, byte for byte). ``--against OLD_DIR --rel
1e-9`` compares with a tolerance instead: every word must be the same, and a number may
differ only in its last bits - by at most ``rel`` relative where it is printed in full
(the JSON's and ``repr``'s floats), by one unit of its last digit where it is rounded for
people (then it is listed as a flip at a rounding boundary). It prints the largest
relative difference found. Each diary gives its JSON (as ``analyze
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
import re
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


#: A number as the outputs print it (dates and times split into their parts, the same
#: on both sides). The capture keeps numbers in the list ``re.split`` returns.
_NUMBER = re.compile(r"(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")
_FULL_DIGITS = 12  # a number printed with this many significant digits is a float in full


def _digits(token: str) -> int:
    mantissa = token.lower().split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def _last_unit(token: str) -> float:
    """One unit of the last digit printed (``12.35`` → 0.01)."""
    mantissa, _, exp = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return float(10.0 ** (-decimals + (int(exp) if exp else 0)))


class Comparison:
    """Differences between two folders of outputs, allowing last-bit changes of numbers."""

    def __init__(self, rel: float) -> None:
        self.rel = rel
        self.largest = (0.0, "", "", "")  # (relative difference, file, before, after)
        self.flips: list[str] = []
        self.failures: list[str] = []

    def text(self, name: str, before: str, after: str) -> None:
        old, new = _NUMBER.split(before), _NUMBER.split(after)
        if len(old) != len(new):
            self.failures.append(f"{name}: the words differ ({len(old)} vs {len(new)} parts)")
            return
        for k, (a, b) in enumerate(zip(old, new, strict=True)):
            if a == b:
                continue
            if k % 2 == 0:  # words between numbers
                self.failures.append(f"{name}: {a[-40:]!r} became {b[-40:]!r}")
                return
            x, y = float(a), float(b)
            diff = abs(x - y) / max(abs(x), abs(y), 1e-300)
            if max(_digits(a), _digits(b)) >= _FULL_DIGITS:
                if diff > self.largest[0]:
                    self.largest = (diff, name, a, b)
                if diff > self.rel:
                    self.failures.append(f"{name}: {a} became {b} (relative {diff:.1e})")
            elif abs(x - y) <= 1.000001 * max(_last_unit(a), _last_unit(b)):
                context = "".join(old[max(k - 2, 0) : k + 2])[-60:].replace("\n", " ")
                self.flips.append(f"{name}: {a} became {b} (rounded; in {context!r})")
            else:
                self.failures.append(f"{name}: {a} became {b} (a rounded number)")

    def report(self) -> int:
        for line in self.flips:
            print(f"ROUNDING FLIP: {line}")
        for line in self.failures:
            print(f"DIFFERS: {line}")
        diff, name, a, b = self.largest
        where = f" ({name}: {a} vs {b})" if name else ""
        print(f"largest relative difference of a number printed in full: {diff:.2e}{where}")
        flips, failures = len(self.flips), len(self.failures)
        print(f"{flips} rounding flips, {failures} differences over {self.rel:g}")
        return 1 if self.failures else 0


def _compare_tolerant(old: Path, new: Path, files: list[str], rel: float) -> int:
    comparison = Comparison(rel)
    missing = sorted({p.name for p in old.iterdir()} ^ set(files))
    for name in missing:
        comparison.failures.append(f"{name}: in one folder only")
    for name in files:
        if (old / name).exists():
            comparison.text(name, (old / name).read_text(), (new / name).read_text())
    return comparison.report()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the outputs (made if missing)")
    parser.add_argument("--against", type=Path, help="a folder written before: compare")
    parser.add_argument(
        "--rel",
        type=float,
        help="compare with --against allowing numbers to differ by this much, relative",
    )
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
    if args.rel is not None:
        return _compare_tolerant(args.against, args.out, files, args.rel)
    match, mismatch, errors = filecmp.cmpfiles(args.against, args.out, files, shallow=False)
    missing = sorted({p.name for p in args.against.iterdir()} - set(files))
    for name in mismatch + errors + missing:
        print(f"DIFFERS: {name}")
    print(f"{len(match)} identical, {len(mismatch) + len(errors) + len(missing)} differ")
    return 0 if not (mismatch or errors or missing) else 1


if __name__ == "__main__":
    sys.exit(main())
