"""Benchmark: wall time of ``crampwise log`` against ``python -c "import sqlite3"``.

Target (issue 2): median ratio ≤ 1.5. Both run as fresh processes of the same interpreter,
alternating, after a warm-up; the diary is a migrated SQLite file in a temp folder, so each
``log`` also pays for opening the database and one durable (fsync'ed) commit.

The package's bytecode is compiled first (``compileall``), as a normal install does: with
``PYTHONDONTWRITEBYTECODE`` set and no ``.pyc`` files, every run would recompile ~3,000
lines of source (~35 ms), which measures the compiler rather than crampwise.

    .venv/bin/python benchmarks/bench_log.py [--runs 41]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("crampwise")
    if not script.exists():
        sys.exit(f"{script} not found: install crampwise into this interpreter's environment")
    import crampwise

    compileall.compile_dir(str(Path(crampwise.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "CRAMPWISE_DB": str(Path(folder) / "bench.sqlite")}
        log = [str(script), "log", "--at", "around 3am", "--severity", "7", "--muscle", "calf"]
        baseline = [sys.executable, "-c", "import sqlite3"]
        subprocess.run([str(script), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        for _ in range(3):  # warm the OS file cache
            _time(log, env)
            _time(baseline, env)
        logs, bases = [], []
        for _ in range(args.runs):
            logs.append(_time(log, env))
            bases.append(_time(baseline, env))
    log_ms, base_ms = statistics.median(logs) * 1000, statistics.median(bases) * 1000
    print(f"python -c 'import sqlite3'  median {base_ms:6.1f} ms  (min {min(bases) * 1000:.1f})")
    print(f"crampwise log               median {log_ms:6.1f} ms  (min {min(logs) * 1000:.1f})")
    print(f"ratio                       {log_ms / base_ms:.2f}  (target ≤ 1.5; {args.runs} runs)")


if __name__ == "__main__":
    main()
