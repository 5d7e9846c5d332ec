"""``crampwise serve`` as a person starts it: the URL, and (off loopback) a pairing code
with its QR code; ``devices`` lists, pairs and revokes. The server listens on all
addresses here but is only ever asked on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW

CLI = Callable[..., tuple[int, str, str]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_on_the_network_prints_a_pairing_code_and_qr(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "diary.sqlite"
    env = {**os.environ, "CRAMPWISE_NOW": NOW.isoformat()}
    env.pop("CRAMPWISE_DB", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crampwise",
            "--db",
            str(db),
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "scan:" in line:
                break
        text = "".join(lines)
        assert f":{port}/" in text
        code = re.search(r"pair\?code=([A-Z0-9]{10})", text)
        assert code, text
        qr = [process.stdout.readline() for _ in range(5)]
        assert all("█" in row or "▀" in row or "▄" in row for row in qr[1:])
        # loopback needs no pairing; the code then pairs a device once
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    assert r.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_devices_commands(cli: CLI) -> None:
    code, out, err = cli("devices", "list")
    assert code == 0 and "No devices paired" in out
    code, out, err = cli("devices", "pair", "--json")
    assert code == 0, err
    pairing = json.loads(out)["code"]
    assert len(pairing) == 10
    code, out, err = cli("devices", "pair", "--url", "http://192.0.2.7:8000")
    assert code == 0 and "http://192.0.2.7:8000/pair?code=" in out
    code, out, err = cli("devices", "revoke", "3")
    assert code == 1 and "device 3 does not exist" in err


def test_serve_runs_on_the_c_parser_and_event_loop(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` hands uvicorn the C HTTP parser (httptools) and uvloop, both dependencies,
    and no access log: the server's CPU time per request is what the logging API's
    throughput depends on (benchmarks/bench_web.py). uvicorn's own loading of those
    options must resolve to them (not to h11 or the stdlib loop). The collector is set up
    for a server before it starts: start-up frozen, the server's thresholds."""
    import gc

    import uvicorn
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    given: dict[str, Any] = {}

    from crampwise.web.settings import GC_THRESHOLDS

    def run(app: Any, **options: Any) -> None:  # the server itself is tested above
        given.update(options, app=app, gc=(gc.get_threshold(), gc.get_freeze_count()))
        app.state.tracker.close()  # what the app's shutdown does (no server ran here)

    monkeypatch.setattr(uvicorn, "run", run)
    thresholds = gc.get_threshold()
    try:
        code, out, err = cli("serve", "--port", "8123")
    finally:  # this test process keeps its own collector
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    threshold, frozen = given.pop("gc")
    assert threshold == GC_THRESHOLDS != thresholds and frozen > 10_000
    assert code == 0, err
    assert "http://127.0.0.1:8123/" in out
    assert given["http"] == "httptools"
    assert given["access_log"] is False
    config = uvicorn.Config(given["app"], **{k: v for k, v in given.items() if k != "app"})
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    if sys.platform != "win32":  # uvloop has no Windows wheels; the dependency skips it
        import uvloop

        assert given["loop"] == "uvloop"
        assert config.get_loop_factory() is uvloop.new_event_loop
