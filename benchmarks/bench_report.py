"""Benchmark: the doctor report of a one-year diary (target, issue 14: ≤ 2 s).

The diary is the tests' one-year diary (``tests/report_diary.py``: the demo story's first
year with four medicines, nine labs and a red flag; 365 nights, two PDF pages).

1. ``crampwise report --pdf FILE`` cold from the command line: a fresh process each run,
   so every import is paid (numpy for the analysis, WeasyPrint and its Pango bindings).
   Of that, the import of WeasyPrint alone (``crampwise.reports.weasy``, fresh process,
   Python's own start subtracted) is timed apart: the part that does not depend on the
   report's content.
2. The same report warm, in-process (what the web app's ``/report.pdf`` costs once the
   server runs): building the report's content (snapshot, analysis, safety) and rendering
   the PDF, timed apart.

Wall clock and CPU time (user + system) are printed: the machine is shared, and CPU time
is the steadier figure under load.

The cold runs use a cache directory of their own (``XDG_CACHE_HOME``): the first report
of a machine parses WeasyPrint's C declarations and compiles the template, and caches
both (``reports/ffi_cache.py``, ``reports/render.py``); that first run is printed apart,
the others read the cache as every later report does.

``--against REV`` runs the cold CLI of another commit (its ``src``, from ``git archive``)
interleaved with this one, in the same loop, for a before/after comparison that the
machine's load moves alike.

    .venv/bin/python benchmarks/bench_report.py [--runs 7] [--against REV]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2025-11-15T09:00:00Z"
TARGET = 2.0  # seconds (issue 14), compared with the median CPU time


def _cold_once(exe: str, db: str, out: str, env: dict[str, str]) -> tuple[float, float]:
    """One ``crampwise report --pdf`` in a fresh process: (wall, CPU) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        [exe, "--db", db, "report", "--pdf", out, "--yes"],
        env={**env, "CRAMPWISE_NOW": NOW},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _cold(
    exe: str, db: str, out: str, runs: int, variants: dict[str, dict[str, str]]
) -> dict[str, tuple[list[float], list[float]]]:
    """``runs`` cold reports of each variant (name: environment), interleaved, the order
    alternating so that neither always runs first."""
    found: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in variants}
    names = list(variants)
    for i in range(runs):
        for name in names if i % 2 == 0 else names[::-1]:
            wall, cpu = _cold_once(exe, db, out, variants[name])
            found[name][0].append(wall)
            found[name][1].append(cpu)
    return found


def _spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"quartiles {q[0]:.2f}-{q[2]:.2f} s"


def _cpu_of(argv: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    cpus = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, check=True, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return cpus


def _warm(db: str, runs: int) -> dict[str, list[float]]:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from crampwise.reports.render import render_pdf
    from crampwise.tracker import Tracker

    now = dt.datetime.fromisoformat(NOW)
    times: dict[str, list[float]] = {k: [] for k in ("context", "pdf", "cpu_context", "cpu_pdf")}
    with Tracker(db, clock=lambda: now) as tracker:
        render_pdf(tracker.report())  # warm-up: imports, fonts, caches
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            context = tracker.report()
            t1, c1 = time.perf_counter(), time.process_time()
            data, pages = render_pdf(context)
            t2, c2 = time.perf_counter(), time.process_time()
            if not data.startswith(b"%PDF") or pages != 2:
                sys.exit(f"unexpected report: {pages} pages")
            times["context"].append(t1 - t0)
            times["pdf"].append(t2 - t1)
            times["cpu_context"].append(c1 - c0)
            times["cpu_pdf"].append(c2 - c1)
    return times


def _ms(values: list[float]) -> str:
    return f"median {1000 * statistics.median(values):.0f} ms (min {1000 * min(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", metavar="REV", help="also run this commit's cold CLI")
    args = parser.parse_args()
    from tests.report_diary import one_year_document

    exe = str(Path(sys.executable).with_name("crampwise"))
    # An installed crampwise has its bytecode compiled by pip; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would compile every module again in every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        db, doc, out = f"{tmp}/year.sqlite", f"{tmp}/year.json", f"{tmp}/report.pdf"
        Path(doc).write_text(json.dumps(one_year_document()))
        env = {**os.environ, "CRAMPWISE_NOW": NOW}
        subprocess.run([exe, "--db", db, "import", doc], env=env, check=True, capture_output=True)
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.1f}"
        )
        env = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cache"}
        wall, cpu = _cold_once(exe, db, out, env)
        print(f"  cold CLI, first report (empty cache): wall {wall:.2f} s, cpu {cpu:.2f} s")
        variants = {"this": env}
        if args.against:
            old = f"{tmp}/{args.against}"
            os.makedirs(old)
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.against, "src"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
            subprocess.run([sys.executable, "-m", "compileall", "-q", old], check=True)
            variants[args.against] = {**env, "PYTHONPATH": f"{old}/src"}
        loads = [os.getloadavg()[0]]
        cold = _cold(exe, db, out, args.runs, variants)
        loads.append(os.getloadavg()[0])
        for name, (walls, cpus) in cold.items():
            print(
                f"  cold CLI  crampwise report --pdf ({name}): wall {_ms(walls)}, "
                f"cpu {_ms(cpus)}, {_spread(cpus)}"
            )
        cpus = cold["this"][1]
        if args.against:
            before = statistics.median(cold[args.against][1])
            print(
                f"            CPU median {before:.2f} s -> {statistics.median(cpus):.2f} s "
                f"({100 * (statistics.median(cpus) / before - 1):+.0f} %)"
            )
        print(f"            load average during the cold runs {min(loads):.1f}-{max(loads):.1f}")
        bare = _cpu_of([sys.executable, "-c", "pass"], args.runs)
        weasy = _cpu_of(
            [sys.executable, "-c", "import crampwise.reports.weasy as w; w.import_weasyprint()"],
            args.runs,
            env,
        )
        imports = [w - statistics.median(bare) for w in weasy]
        print(f"            of which import WeasyPrint: cpu {_ms(imports)}")
        os.environ["XDG_CACHE_HOME"] = f"{tmp}/cache"  # not the user's own cache
        warm = _warm(db, args.runs)
        total = [a + b for a, b in zip(warm["context"], warm["pdf"], strict=True)]
        cpu = [a + b for a, b in zip(warm["cpu_context"], warm["cpu_pdf"], strict=True)]
        print(f"  warm      report + PDF:           wall {_ms(total)}, cpu {_ms(cpu)}")
        print(
            f"            of which the content:   wall {_ms(warm['context'])}, "
            f"cpu {_ms(warm['cpu_context'])}"
        )
        print(
            f"            of which the PDF:       wall {_ms(warm['pdf'])}, "
            f"cpu {_ms(warm['cpu_pdf'])}"
        )
        print(f"  load at the end {os.getloadavg()[0]:.1f}; PDF {Path(out).stat().st_size} bytes")
        for name, values in (("cold CLI", cpus), ("warm", cpu)):
            verdict = "met" if statistics.median(values) <= TARGET else "NOT met"
            print(f"  target <= {TARGET:g} s CPU ({name}): {verdict}")


if __name__ == "__main__":
    main()
