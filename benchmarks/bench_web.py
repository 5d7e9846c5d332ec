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

Both servers run as subprocesses (``python -m crampwise serve`` and the bare app), one at
a time, on free loopback ports. The client is a small asyncio HTTP/1.1 client in this
process; on a 2-core machine it competes with the server for CPU, so absolute figures
are lower than on a real phone-to-laptop setup.

    .venv/bin/python benchmarks/bench_web.py [--clients 32] [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

BARE_APP = """
import sys
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

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
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


def _measure(
    cmd: list[str], port: int, clients: int, total: int, env: dict[str, str]
) -> dict[str, float]:
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/static/app.css", process)
        asyncio.run(_load(port, clients, clients * 5))  # warm-up
        cpu_before = _cpu_seconds(process.pid)
        elapsed, latencies, errors = asyncio.run(_load(port, clients, total))
        cpu = _cpu_seconds(process.pid) - cpu_before
    finally:
        process.terminate()
        process.wait(timeout=20)
    if errors:
        sys.exit(f"{len(errors)} requests failed, e.g. status {errors[0]}")
    ordered = sorted(latencies)
    return {
        "cpu_ms": 1000 * cpu / len(latencies) if cpu >= 0 else float("nan"),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


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
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--dashboard-runs", type=int, default=30)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("CRAMPWISE_DB", "CRAMPWISE_NOW")}
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        bare_cmd = [sys.executable, "-c", BARE_APP, str(port)]
        bare = _measure(bare_cmd, port, args.clients, args.requests, env)
        port = _free_port()
        db = str(Path(folder) / "diary.sqlite")
        app = _measure(
            [sys.executable, "-m", "crampwise", "--db", db, "serve", "--port", str(port)],
            port,
            args.clients,
            args.requests,
            env,
        )
        median, p90, cpu = _dashboard(folder, args.dashboard_runs)
    load, python = os.getloadavg()[0], sys.version.split()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}, Python {python}")
    print(f"{args.clients} clients, {args.requests} POST /api/episodes each run")
    for name, r in (("bare FastAPI endpoint", bare), ("crampwise logging API", app)):
        print(
            f"{name}:  {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"
            f"  server CPU {r['cpu_ms']:.2f} ms/request"
        )
    print(f"throughput ratio: {app['rps'] / bare['rps']:.2f} (target >= 0.50); p99 target < 50 ms")
    # Little's law: with every client always waiting for an answer, the mean latency is
    # clients / throughput, whatever the server does with its time.
    floor_bare, floor_app = 1000 * args.clients / bare["rps"], 1000 * args.clients / app["rps"]
    print(
        "mean latency floor at this throughput (clients / req/s): "
        f"bare {floor_bare:.0f} ms, crampwise {floor_app:.0f} ms"
    )
    print(
        f"dashboard of the 2-year demo diary, warm: median {median:.1f} ms, p90 {p90:.1f} ms "
        f"(target <= 150 ms); CPU time median {cpu:.1f} ms"
    )


if __name__ == "__main__":
    main()
