"""The README's first command, ``bash scripts/demo.sh``, run as a newcomer runs it.

A temporary home folder (so the link in ``~/.local/bin`` and the demo diary land there),
a pinned clock and no network: pip is told to use no package index (``PIP_NO_INDEX``), so
its install step cannot fetch anything; crampwise is already installed in ``.venv`` (the
test run itself needs it), and the script carries on as it does for anyone re-running the
demo offline. The script loads the demo story and starts the web app; the test opens the
URL it prints, checks that the dashboard shows the story, then stops it as the README
says (Ctrl+C, i.e. SIGINT).
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crampwise.demo import load_demo

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
PATIENCE = 180.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, process: subprocess.Popen[str]) -> str:
    """The page at ``url`` (status 200), waiting for the server to listen."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                assert response.status == 200
                return str(response.read().decode())
        except urllib.error.URLError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _text(page: str) -> str:
    """A page's visible text, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "crampwise").exists(), reason="needs the .venv setup.sh makes"
)
def test_the_quick_start_serves_the_demo_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CRAMPWISE_DB", "CRAMPWISE_DEMO_DB", "XDG_DATA_HOME", "CRAMPWISE_NO_LINK")
    }
    env.update(
        HOME=str(home),
        PIP_NO_INDEX="1",
        CRAMPWISE_PORT=str(port),
        CRAMPWISE_NOW=NOW.isoformat(),
    )
    # What the story should look like on this clock, loaded here independently.
    monkeypatch.setenv("CRAMPWISE_NOW", NOW.isoformat())
    expected = load_demo(tmp_path / "expected.sqlite", reset=True)["summary"]

    process = subprocess.Popen(
        ["bash", "scripts/demo.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed: list[str] = []
    try:
        assert process.stdout is not None
        url = ""
        deadline = time.monotonic() + PATIENCE
        while not url and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, "demo.sh stopped:\n" + "".join(printed)
            printed.append(line)
            found = re.search(r"Open (http://\S+/) ", line)
            url = found.group(1) if found else ""
        assert url == f"http://127.0.0.1:{port}/", "".join(printed)

        home_page = _get(url, process)  # "Open ..." is printed just before it listens
        assert "Cramp now" in home_page
        dashboard = _text(_get(url + "dashboard", process))
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C, as the README says
        try:
            process.wait(60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            if process.stdout is not None:
                process.stdout.close()

    assert "Demo diary: a made-up two-year story, not your own data." in dashboard
    assert f"Nights {expected['nights_observed']} checked in" in dashboard
    assert f"Cramps {expected['cramps']} on {expected['nights_with_cramps']} nights" in dashboard
    assert f"Span {expected['first_night']} – {expected['last_night']}" in dashboard
    assert expected["last_night"] == "2026-03-04"  # the story ends the night before NOW

    data = home / ".local" / "share" / "crampwise"
    assert (data / "demo.sqlite").is_file()  # the demo has its own diary ...
    assert not (data / "crampwise.sqlite").exists()  # ... and the person's is not touched
    link = home / ".local" / "bin" / "crampwise"
    assert link.is_symlink() and link.resolve() == (ROOT / ".venv" / "bin" / "crampwise").resolve()
    with pytest.raises(ConnectionRefusedError):  # stopped: nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
