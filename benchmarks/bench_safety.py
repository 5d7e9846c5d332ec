"""Benchmark: ``Tracker.safety()`` and ``Tracker.nutrition()`` on a 10-year diary.

Run: ``PYTHONPATH=src python benchmarks/bench_safety.py``. Target (issue 7): ``safety()`` on
a 10-year diary ≤ 5 ms (warm, in-process, SQLite file). The diary has 3,650 nights with
episodes (the analysis benchmark's simulated story), 20 regimen changes, 6 medicines, 40 lab
results and 20 red-flag answers; ``safety()`` reads the typed snapshot of the last 90 days
(the episodes its red-flag rules need) and the regimen, medicines, labs and answers whole.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from crampwise.analysis.simulate import simulate_diary
from crampwise.tracker import Tracker

ITEMS = ["magnesium", "potassium", "calcium", "vitamin-d"]
ROUTINES = ["stretching", "massage", "fluids", "coconut"]
START = date(2016, 1, 1)
NIGHTS = 3650
LAST = START + timedelta(days=NIGHTS - 1)


def ten_year_document(seed: int = 1) -> dict[str, Any]:
    """A crampwise-diary document: 10 years of nights plus medicines, labs and answers."""
    regimen = [(item, 60 + 400 * i, 60 + 400 * i + 700) for i, item in enumerate(ITEMS)]
    regimen += [(item, 200 + 300 * i, None) for i, item in enumerate(ROUTINES)]
    doc = simulate_diary(
        NIGHTS, 1.0, regimen, weekly_shape=3.0, missing=0.03, seed=seed, start=START
    )
    for entry in doc["regimen"]:
        if entry["item"] in ITEMS:
            entry.update(kind="supplement", dose=200, unit="mg", times=["bedtime"])
        else:
            entry.update(kind="routine")
    doc["medications"] = [
        {"name": name, "start": START.isoformat(), "end": None}
        for name in ("lisinopril", "atorvastatin", "levothyroxine", "Diovan HCT",
                     "metformin", "Symbicort")
    ]
    tests = [("potassium", 4.2, "mmol/L"), ("sodium", 139, "mmol/L"),
             ("magnesium", 0.8, "mmol/L"), ("calcium", 2.3, "mmol/L"),
             ("creatinine", 80, "umol/L")]
    doc["labs"] = [
        {"date": (START + timedelta(days=90 * k)).isoformat(), "test": t, "value": v, "unit": u}
        for k in range(8)
        for t, v, u in tests
    ]
    doc["red_flags"] = [
        {"date": (START + timedelta(days=180 * k)).isoformat(), "flag": flag, "present": False}
        for k, flag in enumerate(
            ["leg-swelling", "muscle-weakness", "leg-numbness", "tingling-burning"] * 5
        )
    ]
    return doc


def _time(fn: Any, repeat: int) -> float:
    fn()  # warm: tables read, statements prepared
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    now = datetime(LAST.year, LAST.month, LAST.day, 9, 0, tzinfo=UTC) + timedelta(days=1)
    with tempfile.TemporaryDirectory() as tmp:
        tracker = Tracker(Path(tmp) / "diary.sqlite", clock=lambda: now)
        tracker.import_diary(ten_year_document())
        snapshot = tracker.snapshot()
        print(f"Python {sys.version.split()[0]} on {platform.machine()} "
              f"({platform.system()}); diary: {len(snapshot.nights)} nights, "
              f"{len(snapshot.episodes)} episodes, {len(snapshot.regimen)} regimen entries, "
              f"{len(snapshot.medications)} medicines, {len(snapshot.labs)} labs")
        safety = _time(tracker.safety, 50)
        nutrition = _time(tracker.nutrition, 50)
        export = _time(tracker.export_diary, 5)
        findings = len(tracker.safety().findings)
        tracker.close()
    print(f"safety():      {safety * 1000:6.2f} ms (median of 50; target <= 5 ms; "
          f"{findings} findings)")
    print(f"nutrition():   {nutrition * 1000:6.2f} ms (median of 50)")
    print(f"export_diary():{export * 1000:6.2f} ms (what safety() used to read first)")


if __name__ == "__main__":
    main()
