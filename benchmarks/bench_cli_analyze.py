"""Benchmark: ``crampwise analyze`` cold from the command line on the demo diary.

Run: ``PYTHONPATH=src python benchmarks/bench_cli_analyze.py [runs] [old_src]`` (uses the
``crampwise`` entry point of the interpreter's environment). Target (issue 10): ≤ 150 ms.
``old_src`` (the ``src`` folder of another checkout, e.g. ``git archive`` of an older
commit) adds the same command run on that code, interleaved with the rest.
Each run is a fresh process, so every import is paid; ``python -c pass`` and importing
numpy and sqlite3 (which ``crampwise analyze`` cannot do without) are measured beside it,
interleaved run by run, for scale. The machine is shared: CPU time (user + system of the
child) is the steadier figure.

Compiled bytecode is cached as in an installed copy: a development shell that sets
``PYTHONDONTWRITEBYTECODE`` would otherwise recompile every crampwise module on every
run, so the runs use a bytecode cache of their own (``PYTHONPYCACHEPREFIX``, warmed first).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_ARGS = argparse.ArgumentParser(description="crampwise analyze, cold, on the demo diary")
_ARGS.add_argument("runs", nargs="?", type=int, default=21, help="runs of each command")
_ARGS.add_argument("old_src", nargs="?", help="the src folder of another checkout, interleaved")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU of the child) in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parsed = _ARGS.parse_args()
    runs: int = parsed.runs
    old_src: str | None = parsed.old_src
    exe = str(Path(sys.executable).with_name("crampwise"))
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.sqlite")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            CRAMPWISE_NOW="2026-11-15T12:00:00Z",
            PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
        )
        env.pop("OPENBLAS_NUM_THREADS", None)  # crampwise sets it itself
        subprocess.run([exe, "--db", db, "demo", "--yes"], env=env, check=True, capture_output=True)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import numpy, sqlite3'": [sys.executable, "-c", "import numpy, sqlite3"],
            "crampwise analyze (demo diary)": [exe, "--db", db, "analyze"],
            "crampwise analyze --json": [exe, "--db", db, "analyze", "--json"],
        }
        numpy_env = {**env, "OPENBLAS_NUM_THREADS": "1"}  # as crampwise runs it
        envs = {label: numpy_env if "numpy" in label else env for label in cases}
        if old_src:
            label = "crampwise analyze, code at old_src"
            cases[label] = [exe, "--db", db, "analyze"]
            envs[label] = {**env, "PYTHONPATH": old_src}
        for label, cmd in cases.items():  # warm the bytecode cache and the file cache
            _run(cmd, envs[label])
        load = os.getloadavg()
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in cases}
        for i in range(runs):
            order = list(cases.items())
            for label, cmd in order if i % 2 == 0 else order[::-1]:
                times[label].append(_run(cmd, envs[label]))
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load "
            f"{load[0]:.1f} → {os.getloadavg()[0]:.1f}, {runs} runs each, interleaved"
        )
        for label, runs in times.items():
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"  {label:<36} cpu median {1000 * statistics.median(cpus):4.0f} / "
                f"min {1000 * min(cpus):4.0f} ms, wall median "
                f"{1000 * statistics.median(walls):4.0f} / min {1000 * min(walls):4.0f} ms"
            )


if __name__ == "__main__":
    main()
