"""Waiting for the database: a held lock or a silent server ends in one clear line.

The limit is set small through ``CRAMPWISE_DB_TIMEOUT``. Nothing here depends on how fast
the machine is: a lock is held until the test releases it, and the assertions are about
outcomes (exit code, message, rows) and lower bounds that only a wrong implementation
could break (an error cannot come before the limit when the lock is never released).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crampwise.storage import open_store
from crampwise.tracker import Tracker

from .conftest import NOW

SCRIPT = str(Path(sys.executable).with_name("crampwise"))
LOG = ["log", "--night", "2026-03-01", "--severity", "6", "--client-id", "waiting-1"]


def _env(db: str, timeout: float) -> dict[str, str]:
    return {
        **os.environ,
        "CRAMPWISE_DB": db,
        "CRAMPWISE_DB_TIMEOUT": str(timeout),
        "CRAMPWISE_NOW": NOW.isoformat(),
        "TZ": "Europe/Berlin",
    }


class _Holder:
    """Another program holding the diary's write lock: SQLite ``BEGIN IMMEDIATE``, or on
    PostgreSQL a transaction holding an exclusive lock on the episodes table."""

    def __init__(self, db_url: str) -> None:
        self.postgres = "://" in db_url
        if self.postgres:
            import psycopg

            from .conftest import PG_URL

            options = db_url.split("?", 1)[1].split("=", 1)[1].replace("%3D", "=")
            self.conn: Any = psycopg.connect(
                PG_URL.replace("+psycopg", ""), autocommit=True, options=options
            )
            self.conn.execute("BEGIN")
            self.conn.execute("LOCK TABLE episodes IN EXCLUSIVE MODE")
        else:
            self.conn = sqlite3.connect(db_url, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None


@pytest.fixture
def held(db_url: str) -> Iterator[_Holder]:
    open_store(db_url).close()  # an existing, migrated diary
    holder = _Holder(db_url)
    try:
        yield holder
    finally:
        holder.release()


def test_a_lock_held_longer_than_the_limit_ends_in_one_clear_line(
    db_url: str, held: _Holder
) -> None:
    """``log`` waits the limit (1 s here), then exits 1 with one line that says the cramp
    was NOT saved and how to retry; after the lock is released nothing was written."""
    started = time.monotonic()
    done = subprocess.run(
        [SCRIPT, *LOG],
        env=_env(db_url, 1),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    waited = time.monotonic() - started
    held.release()
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "NOT saved" in lines[0] and "CRAMPWISE_DB_TIMEOUT" in lines[0]
    assert "run the same command again" in lines[0]
    assert "unexpected" not in lines[0]
    assert waited >= 1.0  # it waited the limit before giving up
    with Tracker(db_url) as tracker:
        assert tracker.diary.episodes() == []


def test_a_lock_released_within_the_limit_is_waited_for(db_url: str, held: _Holder) -> None:
    """With the default-sized limit (30 s), ``log`` started while the lock is held waits for
    it and succeeds once it is released (released after 1.5 s: whether ``log`` had reached
    the lock by then or not, the only passing outcome is a stored cramp)."""
    env = _env(db_url, 30)
    proc = subprocess.Popen(
        [SCRIPT, *LOG], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.5)
    assert proc.poll() is None  # still waiting: the lock is held
    held.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Logged cramp" in out
    with Tracker(db_url) as tracker:
        assert [e.client_id for e in tracker.diary.episodes()] == ["waiting-1"]


def test_a_server_that_accepts_and_never_answers_is_a_clear_error(tmp_path: Path) -> None:
    """A TCP listener that accepts connections and never speaks (a hung server, a wrong
    port): ``log`` stops after the connect timeout (2 s, libpq's minimum) with one line that
    names the server and says nothing was saved, instead of hanging."""
    pytest.importorskip("psycopg")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes handshakes; nobody ever answers
        port = listener.getsockname()[1]
        url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/diary"
        started = time.monotonic()
        done = subprocess.run(
            [SCRIPT, *LOG],
            env=_env(url, 2),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        waited = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{port}/diary" in lines[0] and "within 2 s" in lines[0]
    assert "nothing was saved" in lines[0]
    assert 2.0 <= waited < 60


def test_a_server_that_is_not_there_is_retried_until_the_limit(tmp_path: Path) -> None:
    """Connection refused (a server still starting): retried with backoff until the limit
    (1 s), then one clear line."""
    pytest.importorskip("psycopg")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens on it
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/diary"
    started = time.monotonic()
    done = subprocess.run(
        [SCRIPT, *LOG], env=_env(url, 1), capture_output=True, text=True, timeout=120, check=False
    )
    waited = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "within 1 s" in done.stderr and "refused" in done.stderr.lower()
    assert waited >= 1.0


def test_a_bad_timeout_setting_is_named(tmp_path: Path) -> None:
    env = _env(str(tmp_path / "d.sqlite"), 1)
    env["CRAMPWISE_DB_TIMEOUT"] = "soon"
    done = subprocess.run(
        [SCRIPT, *LOG], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert done.stderr.startswith("crampwise: error: CRAMPWISE_DB_TIMEOUT: 'soon'")
    assert not (tmp_path / "d.sqlite").exists()
