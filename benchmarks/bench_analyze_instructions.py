"""Benchmark: machine instructions per analysis of the 10-year diary, counted by valgrind.

Run: ``PYTHONPATH=src python benchmarks/bench_analyze_instructions.py [OLD_SRC]`` (needs
``valgrind``; about ten minutes). On a shared machine times move by 2x with the load,
while the count of instructions executed does not: it tells whether a change made the
work smaller (it says nothing of cache misses or waiting). Each path is run K times after
a warm-up in a process of its own, and a process that only warms up is subtracted:
(instructions with K calls − instructions with none) / K. ``OLD_SRC`` (the ``src``
folder of another checkout) is counted the same way, for comparison.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

K = 4
PATHS = ("dict", "tracker", "analysis", "validation", "snapshot")

CHILD = """
import os, sys
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, {bench!r})
import tempfile
from pathlib import Path
import crampwise
from bench_analyze import ten_year_diary
from crampwise._record import replace
from crampwise.analysis import analyze_series
from crampwise.diaryseries import build_series
from crampwise.formats.diaryformat import load_diary_data
what, k = sys.argv[1], int(sys.argv[2])
doc = ten_year_diary()
tracker = crampwise.Tracker(Path(tempfile.mkdtemp()) / "b.sqlite")
tracker.import_diary(doc)
series = build_series(load_diary_data(doc))
crampwise.analyze(doc), tracker.analyze(), analyze_series(replace(series))  # warm-up
fn = {{
    "dict": lambda: crampwise.analyze(doc),
    "tracker": tracker.analyze,
    "analysis": lambda: analyze_series(replace(series)),
    "validation": lambda: load_diary_data(doc),
    "snapshot": tracker.snapshot,
}}[what]
for _ in range(k):
    fn()
os._exit(0)
"""


def _instructions(src: str, what: str, k: int) -> int:
    bench = str(Path(__file__).resolve().parent)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={Path(tmp) / 'out'}",
                sys.executable,
                "-c",
                CHILD.format(bench=bench),
                what,
                str(k),
            ],
            env={**os.environ, "PYTHONPATH": src, "CRAMPWISE_NOW": "2030-01-01T12:00:00Z"},
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    trees = {"this checkout": os.environ.get("PYTHONPATH", "src")}
    if len(sys.argv) > 1:
        trees["OLD_SRC"] = sys.argv[1]
    print(f"millions of instructions per call (valgrind), 10-year diary, K = {K}")
    for label, src in trees.items():
        base = _instructions(src, "dict", 0)
        figures = ", ".join(
            f"{what} {(_instructions(src, what, K) - base) / K / 1e6:.1f}" for what in PATHS
        )
        print(f"  {label:<14} {figures}")


if __name__ == "__main__":
    main()
