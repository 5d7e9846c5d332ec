"""Group commit on SQLite (``storage/groupcommit.py``): concurrent writes of a server share
one transaction and one fsync, each answered only once its own write is durable.

Real temp-file SQLite databases, real threads and a real process that is killed; the
order in which threads take their turn is steered by waiting (inside a unit that holds the
turn) until the others are queued, so the batches the tests check are the ones that
happen, not ones that usually happen.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from crampwise.errors import StorageError
from crampwise.storage.groupcommit import GroupCommit
from crampwise.storage.store import Store, open_store
from crampwise.tracker import Tracker

from .conftest import NOW

#: Generous: a thread that has not queued by then is a bug (the test fails, never hangs).
PATIENCE = 60.0


def _group(store: Store) -> GroupCommit:
    assert store.engine.enable_group_commit()
    group = store.engine.group_commit
    assert group is not None
    group.max_age = PATIENCE  # the tests decide when batches end, not the clock
    return group


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the other writers never queued")
        time.sleep(0.001)


class _Runner:
    """Threads whose result or exception is kept."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.results: dict[str, object] = {}

    def start(self, name: str, work: Callable[[], object]) -> None:
        def run() -> None:
            try:
                self.results[name] = work()
            except BaseException as exc:  # kept for the test to check
                self.results[name] = exc

        thread = threading.Thread(target=run, name=name)
        self.threads.append(thread)
        thread.start()

    def join(self) -> dict[str, object]:
        for thread in self.threads:
            thread.join(PATIENCE)
            assert not thread.is_alive(), f"{thread.name} never finished"
        return self.results


def _night(store: Store, date: str, notes: str) -> str:
    store.put_night(date, undetailed_cramps=1, sleep_quality=None, notes=notes)
    return date


def test_a_burst_of_writes_shares_one_commit_and_a_failing_one_loses_nothing_else(
    tmp_path: Path,
) -> None:
    """Three writers in one batch: the first holds the turn until the other two are
    queued, the second fails half-way (after writing), the third succeeds. One COMMIT
    for all three; after reopening the database, the first and third are there and
    nothing of the second is."""
    path = tmp_path / "diary.sqlite"
    store = open_store(path)
    group = _group(store)
    runner = _Runner()
    inside = threading.Event()

    def first() -> str:
        with store.write():
            _night(store, "2026-03-01", "first")
            inside.set()
            _until(lambda: group.waiting == 2)
        return "ok"

    def failing() -> str:
        with store.write():
            _night(store, "2026-03-02", "half-way")
            raise RuntimeError("this write fails after writing")

    def third() -> str:
        with store.write():
            _night(store, "2026-03-03", "third")
        return "ok"

    runner.start("first", first)
    assert inside.wait(PATIENCE)  # "first" holds the turn before the others ask for it
    runner.start("failing", failing)
    runner.start("third", third)
    results = runner.join()
    assert results["first"] == "ok" and results["third"] == "ok"
    assert isinstance(results["failing"], RuntimeError)
    assert (group.batches, group.units) == (1, 2)  # one fsync for the two kept writes
    store.close()

    reopened = open_store(path)
    try:
        kept = {n.date: n.notes for n in reopened.list_nights(None, None)}
        assert kept == {"2026-03-01": "first", "2026-03-03": "third"}
    finally:
        reopened.close()


def test_a_batch_the_database_ends_is_never_acknowledged(tmp_path: Path) -> None:
    """When SQLite ends the shared transaction itself (here a ROLLBACK inside a unit,
    as a full disk or an I/O error would), every unit of the batch - including the
    one that had already finished its work - gets an error saying nothing was saved,
    and the next write starts a new batch that works."""
    path = tmp_path / "diary.sqlite"
    store = open_store(path)
    group = _group(store)
    runner = _Runner()
    inside = threading.Event()

    def first() -> str:
        with store.write():
            _night(store, "2026-03-01", "first")
            inside.set()
            _until(lambda: group.waiting == 1)
        return "ok"

    def ender() -> str:
        with store.write():
            _night(store, "2026-03-02", "second")
            store.engine.execute("ROLLBACK")  # the transaction is gone, as on a disk error
        return "ok"

    runner.start("first", first)
    assert inside.wait(PATIENCE)
    runner.start("ender", ender)
    results = runner.join()
    for name in ("first", "ender"):
        assert isinstance(results[name], StorageError), results[name]
        assert "NOT saved" in str(results[name])
    with store.write():
        _night(store, "2026-03-04", "after")
    store.close()

    reopened = open_store(path)
    try:
        assert [n.date for n in reopened.list_nights(None, None)] == ["2026-03-04"]
    finally:
        reopened.close()


def test_a_retry_in_the_same_batch_is_stored_once(tmp_path: Path) -> None:
    """Two submissions of one cramp (the same client id) land in one batch: one is
    stored, the other answers "duplicate" with the stored cramp - it sees the first
    through the shared transaction and answers only after that is committed."""
    path = tmp_path / "diary.sqlite"
    tracker = Tracker(path, clock=lambda: NOW)
    group = _group(tracker._store)
    runner = _Runner()
    inside = threading.Event()

    def gate() -> str:
        with tracker._store.write():
            inside.set()
            _until(lambda: group.waiting == 2)
        return "ok"

    def submit() -> object:
        return tracker.diary.log_episode(severity=6, client_id="phone-1", find_near=False)

    runner.start("gate", gate)
    assert inside.wait(PATIENCE)
    runner.start("a", submit)
    runner.start("b", submit)
    results = runner.join()
    answers = [results["a"], results["b"]]
    assert all(not isinstance(a, BaseException) for a in answers), answers
    assert sorted(a.duplicate for a in answers) == [False, True]  # type: ignore[attr-defined]
    assert answers[0].episode.id == answers[1].episode.id  # type: ignore[attr-defined]
    assert group.batches == 1
    tracker.close()
    with Tracker(path, clock=lambda: NOW) as reopened:
        assert [e.client_id for e in reopened.diary.episodes()] == ["phone-1"]


def test_many_threads_logging_lose_nothing_and_share_commits(tmp_path: Path) -> None:
    """Eight threads log 25 cramps each through one Tracker with group commit, some
    retrying what they logged: every acknowledged cramp is in the diary after reopening
    it, exactly once, and the night totals agree."""
    path = tmp_path / "diary.sqlite"
    tracker = Tracker(path, clock=lambda: NOW)
    assert tracker.enable_group_commit()
    acknowledged: list[str] = []
    runner = _Runner()
    start = threading.Barrier(8)

    def writer(n: int) -> Callable[[], object]:
        def work() -> int:
            start.wait()
            for i in range(25):
                client_id = f"t{n}-{i}"
                logged = tracker.diary.log_episode(
                    night=f"2026-03-0{1 + i % 3}", severity=i % 11, client_id=client_id
                )
                assert logged.episode.client_id == client_id
                acknowledged.append(client_id)
                if i % 5 == 0:  # a retry of the same submission
                    again = tracker.diary.log_episode(
                        night=f"2026-03-0{1 + i % 3}", severity=i % 11, client_id=client_id
                    )
                    assert again.duplicate and again.episode.id == logged.episode.id
            return 25

        return work

    for n in range(8):
        runner.start(f"w{n}", writer(n))
    results = runner.join()
    assert all(r == 25 for r in results.values()), results
    group = tracker._store.engine.group_commit
    # the 40 retries found their cramp stored and rolled back their own unit
    assert group is not None and group.units == 200 and group.batches <= 200
    tracker.close()
    with Tracker(path, clock=lambda: NOW) as reopened:
        episodes = reopened.diary.episodes()
        assert sorted(e.client_id or "" for e in episodes) == sorted(acknowledged)
        assert sum(n.cramps or 0 for n in reopened.diary.nights()) == 200


#: A server-like process: threads log cramps with group commit and print each client id
#: once its log call has returned (acknowledged), until it is killed.
_WRITER = r"""
import sys, threading
from crampwise.tracker import Tracker
tracker = Tracker(sys.argv[1])
assert tracker.enable_group_commit()
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
def test_every_acknowledged_write_survives_the_process_being_killed(tmp_path: Path) -> None:
    """Six threads of one process log cramps with group commit; the process is killed
    (SIGKILL, no clean-up) after 150 acknowledgements. Every cramp it acknowledged is
    in the diary when it is opened again."""
    path = tmp_path / "diary.sqlite"
    Tracker(path).close()  # made and migrated before the writers start
    env = {**os.environ, "CRAMPWISE_NOW": NOW.isoformat()}
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], env=env, stdout=subprocess.PIPE, text=True
    )
    acknowledged: list[str] = []
    try:
        assert process.stdout is not None
        while len(acknowledged) < 150:
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


def test_group_commit_is_for_servers_on_sqlite_files(db_url: str, tmp_path: Path) -> None:
    """On PostgreSQL (whose writers commit in parallel) and in-memory SQLite it stays
    off and writes work as before; on an SQLite file it is on."""
    with Tracker(db_url, clock=lambda: NOW) as tracker:
        on = tracker.enable_group_commit()
        assert on is not db_url.startswith("postgresql")
        tracker.diary.log_episode(severity=4, client_id="x")
        assert [e.client_id for e in tracker.diary.episodes()] == ["x"]
    with Tracker(":memory:", clock=lambda: NOW) as memory:
        assert memory.enable_group_commit() is False


_PROBE = r"""
import json, sys
from crampwise.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "grouped": "crampwise.storage.groupcommit" in sys.modules}))
"""


def test_the_cli_commits_its_own_write(tmp_path: Path) -> None:
    """``crampwise log`` (one write per process) does not use group commit: its commit
    is its own, as before, and the cramp is there afterwards."""
    db = tmp_path / "diary.sqlite"
    env = {**os.environ, "CRAMPWISE_NOW": NOW.isoformat()}
    env.pop("CRAMPWISE_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", str(db), "log", "calf", "left", "7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert last == {"code": 0, "grouped": False}, done.stderr
    with Tracker(db, clock=lambda: NOW) as tracker:
        (episode,) = tracker.diary.episodes()
        assert (episode.side, episode.muscles, episode.severity) == ("left", ("calf",), 7)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(url: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_served_app_acknowledges_only_what_it_stored(tmp_path: Path) -> None:
    """``crampwise serve`` with eight phones posting at once (group commit on): every
    201 is in the diary after the server stops, exactly once; a retry answers 200 with
    the same cramp; a refused cramp (severity 99: 422) in the middle of the burst
    leaves no trace and costs the others nothing."""
    db = tmp_path / "diary.sqlite"
    port = _free_port()
    env = {**os.environ, "CRAMPWISE_NOW": NOW.isoformat()}
    env.pop("CRAMPWISE_DB", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "crampwise", "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/episodes"
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)
        runner = _Runner()
        start = threading.Barrier(8)

        def phone(n: int) -> Callable[[], object]:
            def work() -> list[tuple[str, int, object]]:
                start.wait()
                answers = []
                for i in range(12):
                    body: dict[str, object] = {"client_id": f"ph{n}-{i}", "severity": i % 11}
                    if i == 6:
                        body["severity"] = 99
                    status, answer = _post(url, body)
                    answers.append((str(body["client_id"]), status, answer.get("id")))
                    if i == 3:  # the same submission again, as after a lost answer
                        status, again = _post(url, body)
                        assert (status, again["duplicate"], again["id"]) == (
                            200,
                            True,
                            answer["id"],
                        )
                return answers

            return work

        for n in range(8):
            runner.start(f"phone{n}", phone(n))
        results = runner.join()
    finally:
        server.terminate()
        server.wait(PATIENCE)
    answers = [a for r in results.values() for a in r]  # type: ignore[attr-defined]
    assert all(not isinstance(r, BaseException) for r in results.values()), results
    stored = {client_id: episode_id for client_id, status, episode_id in answers if status == 201}
    refused = {client_id for client_id, status, _ in answers if status == 422}
    assert len(stored) == 8 * 11 and len(refused) == 8
    with Tracker(db, clock=lambda: NOW) as reopened:
        episodes = reopened.diary.episodes()
    assert {e.client_id: e.id for e in episodes} == stored
    assert len(episodes) == len(stored)
