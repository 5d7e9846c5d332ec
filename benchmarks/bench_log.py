"""Benchmark: wall time of ``crampwise log`` against ``python -c "import sqlite3"``.

Target (issue 2): median ratio ≤ 1.5. Issue 11 holds the half-asleep forms to the same
target: ``log`` with plain words (``calf left 8 3min``), with words it cannot read (saved
first, then reported: ``calff thigh``), and ``night --none`` for a range of nights. Each
runs as a fresh process of the same interpreter as the baseline, alternating, after a
warm-up, so each ``log`` also pays for opening the database and one durable (fsync'ed)
commit.

The diary is the two-year demo story in a SQLite file, restored from a copy before every
timed run (outside the timing): each run logs into a diary as it is at 3 a.m., not one
where the earlier runs of the benchmark piled a hundred cramps into the same night (the
confirmation counts the night's cramps and looks for a near-duplicate among them). The
diary's time zone is set to the machine's, as on a person's own laptop; one more row,
"travelling", logs into a diary whose zone is not the machine's, which loads Python's
``zoneinfo`` (~4 ms) on top.

Each run's CPU time (user + sys of the child, from ``getrusage``) is recorded beside its
wall time: on a machine shared with other work the load moves wall times far more than
CPU times, so both ratios are printed, with the load average before and after.

The package's bytecode is compiled first (``compileall``), as a normal install does: with
``PYTHONDONTWRITEBYTECODE`` set and no ``.pyc`` files, every run would recompile ~3,000
lines of source (~35 ms), which measures the compiler rather than crampwise.

    .venv/bin/python benchmarks/bench_log.py [--runs 41]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one run of ``cmd`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("crampwise")
    if not script.exists():
        sys.exit(f"{script} not found: install crampwise into this interpreter's environment")
    import crampwise

    compileall.compile_dir(str(Path(crampwise.__file__).parent), quiet=1)
    commands = {
        "crampwise log": ["log", "--at", "around 3am", "--severity", "7", "--muscle", "calf"],
        "log calf left 8 3min": ["log", "calf", "left", "8", "3min"],
        "log calff thigh": ["log", "calff", "thigh"],
        "night --none --from --to": [
            "night", "--none", "--from", "2026-01-01", "--to", "2026-01-07",
        ],
        "log, travelling": ["--db", "{away}", "log", "calf", "left", "8", "3min"],
    }  # fmt: skip
    from crampwise._machinezone import zone_from_environment

    here = zone_from_environment()
    elsewhere = "America/New_York" if here != "America/New_York" else "Europe/Berlin"
    with tempfile.TemporaryDirectory() as folder:
        diary = Path(folder) / "bench.sqlite"
        away = Path(folder) / "away.sqlite"
        templates = {diary: (Path(folder) / "home.sqlite", here)}
        templates[away] = (Path(folder) / "away-template.sqlite", elsewhere)
        env = {**os.environ, "CRAMPWISE_DB": str(diary)}
        baseline = [sys.executable, "-c", "import sqlite3"]
        for template, zone in templates.values():
            for words in (["demo"], ["profile", "set", "--timezone", zone]):
                subprocess.run(
                    [str(script), "--db", str(template), *words],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        commands = {
            name: [str(away) if word == "{away}" else word for word in words]
            for name, words in commands.items()
        }

        def restored(cmd: list[str]) -> tuple[float, float]:
            for target, (template, _) in templates.items():
                for extra in ("-wal", "-shm"):
                    Path(f"{target}{extra}").unlink(missing_ok=True)
                shutil.copyfile(template, target)
            return _time(cmd, env)

        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        bases: list[tuple[float, float]] = []
        for _ in range(3):  # warm the OS file cache
            _time(baseline, env)
            for words in commands.values():
                restored([str(script), *words])
        load_before = os.getloadavg()
        for _ in range(args.runs):
            bases.append(_time(baseline, env))
            for name, words in commands.items():
                times[name].append(restored([str(script), *words]))
        load_after = os.getloadavg()
    base_wall = statistics.median(w for w, _ in bases) * 1000
    base_cpu = statistics.median(c for _, c in bases) * 1000
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; {args.runs} runs "
        "each, interleaved; medians (ms), target ratio ≤ 1.5"
    )
    print(f"{'python -c import sqlite3':28} wall {base_wall:6.1f}  cpu {base_cpu:6.1f}")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs) * 1000
        cpu = statistics.median(c for _, c in runs) * 1000
        print(
            f"{name:28} wall {wall:6.1f}  cpu {cpu:6.1f}  "
            f"ratio wall {wall / base_wall:.2f}  cpu {cpu / base_cpu:.2f}"
        )


if __name__ == "__main__":
    main()
