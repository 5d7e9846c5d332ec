"""Benchmark the web app: the logging API under concurrent clients, and the dashboard.

1. ``POST /api/episodes`` (one cramp, a fresh client id each, stored durably: the web
   app's writes share SQLite commits, see ``storage/groupcommit.py``) from 32 concurrent
   keep-alive clients on loopback, against a *bare*
   endpoint of the same framework (FastAPI + uvicorn, same settings) that parses the same
   JSON body into a model and returns it without touching a database. Requests per
   second, p50/p99 latency and the server's CPU time per request (user + system, which
   the machine's load disturbs less) of each. Targets (issue 13): crampwise >= 50 % of
   the bare endpoint's throughput and p99 < 50 ms.
2. ``GET /dashboard`` of the two-year demo diary, rendered in-process, warm: median and
   p90 of 30 renders. Target: <= 150 ms.

Both servers run as subprocesses (``python -m crampwise serve`` and the bare app, both
with ``crampwise.web.settings.server_options()``: httptools, uvloop, no access log; and
the garbage collector of ``server_collector()``: start-up frozen, thresholds 5000/20/100), one
at a time, on free loopback ports. The load comes from ``wrk`` when it is installed
(Debian: ``apt-get install wrk``; a C load generator, one thread, 32 keep-alive
connections, a Lua script giving each POST a fresh client id; it takes little CPU from
the server), else from a small asyncio HTTP/1.1 client in this process, which on a
2-core machine competes with the server for CPU. The output says which one ran.

    .venv/bin/python benchmarks/bench_web.py [--clients 32] [--requests 3000]
        [--duration 10] [--client auto|wrk|python] [--runs 1] [--no-dashboard]
        [--baseline OTHER_TREE/src]

``--baseline`` adds a third server, interleaved with the other two: crampwise from
another source tree (for example ``git archive <commit> | tar -x -C /some/dir``, then
``--baseline /some/dir/src``), run with the same Python and dependencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

BARE_APP = """
import sys
import json
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

class EpisodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: str | None = None
    severity: int | None = None

app = FastAPI()

@app.post("/api/episodes", status_code=201)
def log(body: EpisodeIn) -> dict:
    return {"id": 1, **body.model_dump()}

@app.get("/static/app.css")
def ready() -> dict:
    return {}

import gc  # the collector set up as crampwise.web.settings.server_collector() does
gc.collect()
gc.freeze()
gc.set_threshold(*json.loads(sys.argv[3]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), **json.loads(sys.argv[2]))
"""

# wrk's script: each POST a fresh client id (run prefix, thread, counter) and the same
# valid body as the Python client; done() prints one line of exact figures to parse.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
local prefix, counter = "", 0
function init(args)
  prefix = args[1] .. "-" .. tostring(tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local body = string.format('{"client_id":"%s-%d","severity":5}', prefix, counter)
  return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the server stopped")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start")


async def _client(port: int, count: int, latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            body = json.dumps({"client_id": str(uuid.uuid4()), "severity": 5}).encode()
            head = (
                f"POST /api/episodes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            start = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 201:
                errors.append(status)
    finally:
        writer.close()


async def _load(port: int, clients: int, total: int) -> tuple[float, list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    per_client = max(1, total // clients)
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, per_client, latencies, errors) for _ in range(clients)))
    return time.perf_counter() - start, latencies, errors


def _python_load(port: int, clients: int, total: int) -> dict[str, float]:
    elapsed, latencies, errors = asyncio.run(_load(port, clients, total))
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "elapsed": elapsed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "errors": len(errors),
    }


def _wrk_load(port: int, clients: int, seconds: float, label: str, script: str) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script,
            f"http://127.0.0.1:{port}/api/episodes",
            "--",
            label,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    n, duration_us, p50_us, p99_us, bad_status, socket_errors, _ = map(int, line.split()[1:])
    return {
        "requests": n,
        "elapsed": duration_us / 1e6,
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "errors": bad_status + socket_errors,
    }


def _measure(
    cmd: list[str], port: int, env: dict[str, str], load: Callable[[bool], dict[str, float]]
) -> dict[str, float]:
    """Start the server, warm it up, then load it; CPU time of the server per request."""
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/static/app.css", process)
        load(True)  # warm-up
        cpu_before = _cpu_seconds(process.pid)
        result = load(False)
        cpu = _cpu_seconds(process.pid) - cpu_before
    finally:
        process.terminate()
        process.wait(timeout=20)
    if result["errors"]:
        sys.exit(f"{result['errors']:.0f} requests failed")
    result["cpu_ms"] = 1000 * cpu / result["requests"] if cpu >= 0 else float("nan")
    result["rps"] = result["requests"] / result["elapsed"]
    return result


def loader(
    kind: str, port: int, clients: int, total: int, seconds: float, folder: str
) -> Callable[[bool], dict[str, float]]:
    """A load of ``kind`` ("wrk" or "python") on ``port``: call it with warm-up True/False."""
    if kind == "python":
        return lambda warm: _python_load(port, clients, clients * 5 if warm else total)
    script = os.path.join(folder, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    runs = iter(range(1_000_000))
    return lambda warm: _wrk_load(
        port, clients, 1 if warm else seconds, f"{port}-{next(runs)}-{uuid.uuid4().hex[:8]}", script
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; -1 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _dashboard(folder: str, runs: int) -> tuple[float, float, float]:
    from starlette.testclient import TestClient

    from crampwise.demo import load_demo
    from crampwise.tracker import Tracker
    from crampwise.web import WebSettings, create_app

    db = f"{folder}/demo.sqlite"
    os.environ["CRAMPWISE_NOW"] = "2026-11-28T09:00:00+00:00"
    load_demo(db, reset=True)
    tracker = Tracker(db)
    client = TestClient(create_app(WebSettings(demo=True), tracker), client=("127.0.0.1", 1))
    for _ in range(3):
        assert client.get("/dashboard").status_code == 200
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/dashboard")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)  # all threads: the app and the client
        assert response.status_code == 200
    tracker.close()
    times.sort()
    return (
        1000 * statistics.median(times),
        1000 * times[int(len(times) * 0.9)],
        1000 * statistics.median(cpu),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000, help="per run (Python client)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (wrk)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--runs", type=int, default=1, help="bare and crampwise, interleaved")
    parser.add_argument("--dashboard-runs", type=int, default=30)
    parser.add_argument("--no-dashboard", action="store_true")
    parser.add_argument("--baseline", help="the src folder of another crampwise to compare")
    args = parser.parse_args()
    kind = args.client
    if kind == "auto":
        kind = "wrk" if shutil.which("wrk") else "python"
    env = {k: v for k, v in os.environ.items() if k not in ("CRAMPWISE_DB", "CRAMPWISE_NOW")}
    # the same uvicorn settings as `crampwise serve`, given to the bare app as JSON so
    # that it does not import crampwise (a larger heap costs the collector time)
    from crampwise.web.settings import GC_THRESHOLDS, server_options

    bare_options = json.dumps(server_options())
    bare_gc = json.dumps(GC_THRESHOLDS)
    results: dict[str, list[dict[str, float]]] = {"bare": [], "crampwise": []}
    if args.baseline:
        results["baseline"] = []
    loads = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            # a fresh diary each run: the night's count read by each POST grows with the
            # cramps already in the night, and every cramp here lands in the same night
            db = str(Path(folder) / f"diary{run}.sqlite")
            for name, runs in results.items():
                port = _free_port()
                server_env = env
                if name == "bare":
                    cmd = [sys.executable, "-c", BARE_APP, str(port), bare_options, bare_gc]
                else:
                    cmd = [sys.executable, "-m", "crampwise", "--db", f"{db}.{name}", "serve"]
                    cmd += ["--port", str(port)]
                    if name == "baseline":
                        server_env = {**env, "PYTHONPATH": os.path.abspath(args.baseline)}
                load = loader(kind, port, args.clients, args.requests, args.duration, folder)
                runs.append(_measure(cmd, port, server_env, load))
                loads.append(os.getloadavg()[0])
        dashboard = None if args.no_dashboard else _dashboard(folder, args.dashboard_runs)
    python = sys.version.split()[0]
    client = (
        "wrk (1 thread, a separate process)"
        if kind == "wrk"
        else "Python asyncio client in the benchmark's process"
    )
    print(
        f"machine: {os.cpu_count()} cores, load average {min(loads):.1f}-{max(loads):.1f}, "
        f"Python {python}; load generator: {client}"
    )
    amount = f"{args.duration:g} s" if kind == "wrk" else f"{args.requests} requests"
    print(f"{args.clients} clients, POST /api/episodes, {amount} per run, {args.runs} run(s)")
    for i in range(args.runs):
        bare, app = results["bare"][i], results["crampwise"][i]
        shown = [("bare FastAPI endpoint", bare), ("crampwise logging API", app)]
        if args.baseline:
            shown.append(("crampwise baseline", results["baseline"][i]))
        for name, r in shown:
            print(
                f"{name}:  {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                f"p99 {r['p99_ms']:6.1f} ms  server CPU {r['cpu_ms']:.2f} ms/request"
            )
        print(
            f"throughput ratio: {app['rps'] / bare['rps']:.2f} (target >= 0.50); p99 target < 50 ms"
        )
        # Little's law: with every client always waiting for an answer, the mean latency
        # is clients / throughput, whatever the server does with its time.
        floor_bare = 1000 * args.clients / bare["rps"]
        floor_app = 1000 * args.clients / app["rps"]
        print(
            "mean latency floor at this throughput (clients / req/s): "
            f"bare {floor_bare:.0f} ms, crampwise {floor_app:.0f} ms"
        )
    if args.runs > 1:
        ratios = [
            a["rps"] / b["rps"] for a, b in zip(results["crampwise"], results["bare"], strict=True)
        ]
        print(f"medians of {args.runs} runs:")
        for name, rs in results.items():
            print(
                f"  {name}: {statistics.median(r['rps'] for r in rs):.0f} req/s, "
                f"p50 {statistics.median(r['p50_ms'] for r in rs):.1f} ms, "
                f"p99 {statistics.median(r['p99_ms'] for r in rs):.1f} ms, "
                f"CPU {statistics.median(r['cpu_ms'] for r in rs):.2f} ms/request"
            )
        print(
            f"  ratio {statistics.median(ratios):.2f} "
            f"(each run: {', '.join(f'{r:.2f}' for r in ratios)})"
        )
        if args.baseline:
            base = [
                a["rps"] / b["rps"]
                for a, b in zip(results["baseline"], results["bare"], strict=True)
            ]
            print(
                f"  baseline ratio {statistics.median(base):.2f} "
                f"(each run: {', '.join(f'{r:.2f}' for r in base)})"
            )
    if dashboard is not None:
        median, p90, cpu = dashboard
        print(
            f"dashboard of the 2-year demo diary, warm: median {median:.1f} ms, p90 {p90:.1f} ms "
            f"(target <= 150 ms); CPU time median {cpu:.1f} ms"
        )


if __name__ == "__main__":
    main()
