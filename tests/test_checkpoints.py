"""WAL checkpoints beside a server's group commit (``storage/checkpoints.py``).

Real SQLite files. The checkpoint thread is stopped where a test drives the rounds
itself, so what the log holds is what the test did, not what a thread happened to do;
the one test of the thread waits for its round (never for a time).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crampwise.storage.store import Store, open_store
from crampwise.tracker import Tracker

from .conftest import NOW

PATIENCE = 60.0
PAGE = 4096


def _served(path: Path) -> Store:
    store = open_store(path)
    assert store.engine.enable_group_commit()
    return store


def _write_nights(store: Store, count: int) -> None:
    """``count`` commits, each a night with a long note (a few log pages each)."""
    for i in range(count):
        with store.write():
            store.put_night(
                f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
                undetailed_cramps=i % 3,
                sleep_quality=None,
                notes=f"{i} " + "x" * 3000,
            )


def _log_pages(path: Path) -> int:
    """Frames in the log file (a 32-byte header, then 24 bytes and a page per frame)."""
    wal = Path(f"{path}-wal")
    return max(0, wal.stat().st_size - 32) // (PAGE + 24) if wal.exists() else 0


def test_the_group_commit_leaves_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    """Past SQLite's 1,000-page mark no commit copies the log back (it only grows);
    one round of the checkpointer copies all of it, and past ``truncate_at`` empties
    it; every night is there when the diary is opened again."""
    path = tmp_path / "diary.sqlite"
    store = _served(path)
    group = store.engine.group_commit
    assert group is not None
    group.checkpoints.stop()  # this test runs the rounds
    _write_nights(store, 300)
    pages = _log_pages(path)
    assert pages > 1200  # an automatic checkpoint would have restarted the log at ~1,000
    log, copied = group.checkpoints.run()
    assert log == copied == pages  # all of it (no reader holds an older snapshot)
    assert group.checkpoints.truncations == 0 and _log_pages(path) >= pages
    group.checkpoints.truncate_at = 10  # (the log restarted after the full copy)
    _write_nights(store, 10)
    group.checkpoints.run()
    assert group.checkpoints.truncations == 1 and _log_pages(path) == 0
    store.close()
    with sqlite3.connect(path) as conn:  # a plain connection: the file itself is whole
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM nights").fetchone()[0] == 300


def test_the_thread_checkpoints_after_commits_and_stops_with_the_diary(tmp_path: Path) -> None:
    """A commit wakes the thread, which copies the log back; closing the diary ends the
    thread; a CLI-style engine (no group commit) has no such thread."""
    path = tmp_path / "diary.sqlite"
    store = _served(path)
    group = store.engine.group_commit
    assert group is not None and group.checkpoints.rounds == 0
    _write_nights(store, 3)
    deadline = time.monotonic() + PATIENCE
    while group.checkpoints.rounds == 0:
        assert time.monotonic() < deadline, "the checkpoint thread never ran"
        time.sleep(0.01)
    thread = group.checkpoints._thread
    assert thread is not None and thread.is_alive()
    store.close()
    assert not thread.is_alive()
    cli_store = open_store(path)
    try:
        with cli_store.write():
            cli_store.put_night("2026-01-01", undetailed_cramps=0, sleep_quality=None, notes="")
        assert cli_store.engine.group_commit is None
    finally:
        cli_store.close()


#: A server-like process whose checkpointer copies the log back and empties it as often
#: as it can while six threads log cramps; each client id printed once acknowledged.
_WRITER = r"""
import sys, threading
from crampwise.tracker import Tracker
tracker = Tracker(sys.argv[1])
assert tracker.enable_group_commit()
tracker.group_commit.checkpoints.interval = 0
tracker.group_commit.checkpoints.truncate_at = 20
lock = threading.Lock()
def work(n):
    i = 0
    while True:
        client_id = f"p{n}-{i}"
        tracker.diary.log_episode(severity=5, client_id=client_id, find_near=False)
        with lock:
            sys.stdout.write(client_id + "\n")
            sys.stdout.flush()
        i += 1
for n in range(6):
    threading.Thread(target=work, args=(n,), daemon=True).start()
threading.Event().wait()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_acknowledged_cramps_survive_a_kill_while_the_log_is_copied_and_emptied(
    tmp_path: Path,
) -> None:
    """The process is killed (SIGKILL) after 300 acknowledgements, its checkpointer
    busy copying and truncating the log all along: every acknowledged cramp is in the
    diary when it is opened again, and the file checks out."""
    path = tmp_path / "diary.sqlite"
    Tracker(path).close()
    env = {**os.environ, "CRAMPWISE_NOW": NOW.isoformat()}
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], env=env, stdout=subprocess.PIPE, text=True
    )
    acknowledged: list[str] = []
    try:
        assert process.stdout is not None
        while len(acknowledged) < 300:
            line = process.stdout.readline()
            assert line, "the writer process stopped"
            acknowledged.append(line.strip())
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(PATIENCE)
        if process.stdout is not None:
            process.stdout.close()
    with Tracker(path, clock=lambda: NOW) as reopened:
        stored = {e.client_id for e in reopened.diary.episodes()}
        assert set(acknowledged) <= stored
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
