"""Benchmark: ``crampwise analyze`` cold from the command line on the demo diary.

Run: ``PYTHONPATH=src python benchmarks/bench_cli_analyze.py`` (uses the ``crampwise``
entry point of the interpreter's environment). Target (issue 10): ≤ 150 ms. Each run is a
fresh process, so every import is paid; the figures of `python -c pass` and
`import numpy` are printed beside it for scale. The machine is shared: CPU time (user +
system of the child) is the steadier figure.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15


def _measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), statistics.median(walls), min(cpus)


def main() -> None:
    exe = str(Path(sys.executable).with_name("crampwise"))
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.sqlite")
        env = {**os.environ, "CRAMPWISE_NOW": "2026-11-15T12:00:00Z"}
        subprocess.run([exe, "--db", db, "demo", "--yes"], env=env, check=True, capture_output=True)
        load = os.getloadavg()[0]
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load:.1f}")
        for label, cmd in (
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"]),
            ("crampwise analyze (demo diary)", [exe, "--db", db, "analyze"]),
            ("crampwise analyze --json", [exe, "--db", db, "analyze", "--json"]),
        ):
            wmin, wmed, cpu = _measure(cmd, {**env, "OPENBLAS_NUM_THREADS": "1"})
            print(
                f"  {label:<34} wall min {1000 * wmin:.0f} / median {1000 * wmed:.0f} ms, "
                f"cpu {1000 * cpu:.0f} ms"
            )


if __name__ == "__main__":
    main()
