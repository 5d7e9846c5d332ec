"""The web app's writer thread (``web/writer.py``): real SQLite files, real threads, a
real event loop, and a real ``crampwise serve`` stopped while phones are posting.

What must hold: a write is answered only once its batch is committed (checked from
another connection when the answer arrives); a failing write rolls back alone and gets
its own error; a writer thread that dies saves nothing of its open batch and tells each
of those writes so, and the next writes go to a new thread; stopping answers everything
queued; on PostgreSQL the app keeps the thread pool.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crampwise.errors import StorageError
from crampwise.storage.groupcommit import GroupCommit
from crampwise.storage.store import Store, open_store
from crampwise.tracker import Tracker
from crampwise.web import WebSettings, create_app
from crampwise.web.writer import Writer

from .conftest import NOW
from .test_group_commit import PATIENCE, _free_port, _group, _night, _until


def _run(make: Callable[[], Any]) -> Any:
    """``asyncio.run(make())`` on a thread of its own: the event loop of a server, and
    safe when the test process has a loop running on its main thread (the browser
    tests' sync API leaves one)."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append((True, asyncio.run(make())))
        except BaseException as exc:  # re-raised in the test's thread
            outcome.append((False, exc))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(PATIENCE)
    assert outcome, "the event loop never finished"
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def _committed(path: Path) -> set[str]:
    """The nights another connection sees: only what is committed."""
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT date FROM nights")}


def _run_jobs(
    writer: Writer, jobs: list[Callable[[], object]], seen: Callable[[int], object]
) -> list[object]:
    """Submit ``jobs`` on one loop; ``seen(i)`` is called the moment job i is answered."""

    async def main() -> list[object]:
        loop = asyncio.get_running_loop()
        futures = []
        for i, job in enumerate(jobs):
            future = loop.create_future()
            future.add_done_callback(lambda f, i=i: seen(i))
            writer.submit(job, future)
            futures.append(future)
        return list(await asyncio.gather(*futures, return_exceptions=True))

    return _run(lambda: asyncio.wait_for(main(), PATIENCE))


def _store(tmp_path: Path) -> tuple[Path, Store, GroupCommit]:
    path = tmp_path / "diary.sqlite"
    store = open_store(path)
    return path, store, _group(store)


def test_queued_writes_share_a_commit_and_each_is_answered_only_once_committed(
    tmp_path: Path,
) -> None:
    """Three writes queued behind each other: the second fails after writing. One
    COMMIT for the batch; the first and third are answered with their results, each at
    a moment when another connection already sees its night; the second gets its own
    exception and nothing of it is stored."""
    path, store, group = _store(tmp_path)
    writer = Writer(group)
    visible: dict[int, set[str]] = {}

    def first() -> str:
        with store.write():
            _night(store, "2026-03-01", "first")
            _until(lambda: writer.queued == 2)  # the others wait behind it
        return "one"

    def failing() -> str:
        with store.write():
            _night(store, "2026-03-02", "half-way")
            raise RuntimeError("this write fails after writing")

    def third() -> str:
        with store.write():
            _night(store, "2026-03-03", "third")
        return "three"

    results = _run_jobs(
        writer, [first, failing, third], lambda i: visible.setdefault(i, _committed(path))
    )
    assert results[0] == "one" and results[2] == "three"
    assert isinstance(results[1], RuntimeError)
    assert "2026-03-01" in visible[0] and "2026-03-03" in visible[2]
    assert "2026-03-02" not in visible[1]
    assert (group.batches, group.units, writer.jobs, writer.rounds) == (1, 2, 3, 1)
    writer.stop(PATIENCE)
    assert not writer.alive
    store.close()
    assert _committed(path) == {"2026-03-01", "2026-03-03"}


def test_a_writer_thread_that_dies_saves_nothing_of_its_batch_and_a_new_one_takes_over(
    tmp_path: Path,
) -> None:
    """The second of three queued writes stops the thread (SystemExit) after writing.
    The first had written too but was not committed: both are told that nothing was
    saved (StorageError, never a result), nothing of them is in the database, and the
    third - queued behind them - runs on a new thread and is stored; so is a later one."""
    path, store, group = _store(tmp_path)
    writer = Writer(group)

    def first() -> str:
        with store.write():
            _night(store, "2026-03-01", "written, never committed")
            _until(lambda: writer.queued == 2)
        return "one"

    def fatal() -> str:
        with store.write():
            _night(store, "2026-03-02", "half-way")
            raise SystemExit("the thread must stop")

    def third() -> str:
        with store.write():
            _night(store, "2026-03-03", "after")
        return "three"

    results = _run_jobs(writer, [first, fatal, third], lambda i: None)
    assert isinstance(results[0], StorageError) and "NOT saved" in str(results[0])
    assert isinstance(results[1], StorageError) and "NOT saved" in str(results[1])
    assert results[2] == "three"
    assert _committed(path) == {"2026-03-03"}

    def later() -> str:
        with store.write():
            _night(store, "2026-03-04", "later")
        return "four"

    assert _run_jobs(writer, [later], lambda i: None) == ["four"]
    writer.stop(PATIENCE)
    store.close()
    assert _committed(path) == {"2026-03-03", "2026-03-04"}


def test_stop_answers_every_queued_write_committed(tmp_path: Path) -> None:
    """Stopping while writes are queued: each is run, committed and answered before the
    thread ends; a write after the stop starts a new thread."""
    path, store, group = _store(tmp_path)
    writer = Writer(group)
    started = threading.Event()

    def night(date: str, wait: bool = False) -> Callable[[], str]:
        def work() -> str:
            with store.write():
                _night(store, date, "")
                if wait:
                    started.set()
                    _until(lambda: writer.queued >= 3)  # two writes and the stop
            return date

        return work

    async def main() -> list[object]:
        first = asyncio.ensure_future(writer.run(night("2026-03-01", wait=True)))
        others = [
            asyncio.ensure_future(writer.run(night(d))) for d in ("2026-03-02", "2026-03-03")
        ]
        await asyncio.sleep(0)  # the three are queued
        await asyncio.to_thread(started.wait, PATIENCE)
        await asyncio.to_thread(writer.stop, PATIENCE)
        assert not writer.alive
        return list(await asyncio.gather(first, *others))

    assert _run(main) == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert _committed(path) == {"2026-03-01", "2026-03-02", "2026-03-03"}
    assert _run(lambda: writer.run(night("2026-03-04"))) == "2026-03-04"
    writer.stop(PATIENCE)
    store.close()


def test_the_writer_is_for_sqlite_with_group_commit(db_url: str) -> None:
    """SQLite files get the writer thread; PostgreSQL (parallel commits) keeps the
    thread pool, and logging through the API works on both."""
    tracker = Tracker(db_url, clock=lambda: NOW)
    try:
        app = create_app(WebSettings(), tracker)
        assert (app.state.writer is not None) == db_url.endswith(".sqlite")
    finally:
        tracker.close()


def test_a_burst_through_the_api_keeps_each_answer_its_own(tmp_path: Path) -> None:
    """Twelve POSTs at once on one event loop (they share the writer's batches): ten
    new cramps (201), a retry of one of them (200, the same id), a retry whose details
    differ (409), and a cramp the diary refuses (422 naming ``muscles``). Exactly the
    ten are stored."""
    db = tmp_path / "diary.sqlite"
    tracker = Tracker(str(db), clock=lambda: NOW)
    app = create_app(WebSettings(), tracker)

    async def main() -> list[tuple[int, Any]]:
        first = await _asgi_post(app, {"client_id": "c0", "severity": 1})
        assert first[0] == 201, first
        bodies: list[dict[str, Any]] = [
            {"client_id": f"c{i}", "severity": i % 11} for i in range(1, 10)
        ]
        bodies += [
            {"client_id": "c0", "severity": 1},
            {"client_id": "c0", "severity": 9},
            {"client_id": "bad", "muscles": ["elbow"]},
        ]
        answers = await asyncio.gather(*(_asgi_post(app, b) for b in bodies))
        return [first, *answers]

    try:
        answers = _run(main)
        statuses = [status for status, _ in answers]
        assert statuses == [201] * 10 + [200, 409, 422], answers
        assert answers[10][1]["id"] == answers[0][1]["id"]
        assert answers[12][1]["detail"][0]["loc"] == ["body", "muscles"]
        app.state.writer.stop(PATIENCE)
        stored = {e.client_id for e in tracker.diary.episodes()}
        assert stored == {f"c{i}" for i in range(10)}
    finally:
        tracker.close()


async def _asgi_post(app: Any, body: dict[str, Any]) -> tuple[int, Any]:
    """One ``POST /api/episodes`` straight into the ASGI app, as a server would send it."""
    data = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/episodes",
        "raw_path": b"/api/episodes",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status = 0
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the answer is awaited
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, json.loads(b"".join(parts))


def _post(url: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_server_stopped_while_phones_post_keeps_everything_it_acknowledged(
    tmp_path: Path,
) -> None:
    """``crampwise serve`` with eight phones posting without pause is stopped (SIGINT,
    as Ctrl+C) in the middle: every cramp answered 201 is in the diary afterwards,
    exactly once; no answer is a 500; later posts fail to connect."""
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
    answered: list[tuple[str, int]] = []
    lock = threading.Lock()
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)

        def phone(n: int) -> None:
            for i in range(10_000):
                client_id = f"ph{n}-{i}"
                try:
                    status = _post(url, {"client_id": client_id, "severity": 4})
                except OSError:
                    return  # the server is gone
                with lock:
                    answered.append((client_id, status))

        phones = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
        for p in phones:
            p.start()
        _until(lambda: len(answered) >= 80)
        server.send_signal(signal.SIGINT)
        server.wait(PATIENCE)
        for p in phones:
            p.join(PATIENCE)
            assert not p.is_alive()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(PATIENCE)
    assert all(status in (201, 503) for _, status in answered), answered
    acknowledged = {c for c, status in answered if status == 201}
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("SELECT client_id FROM episodes")]
    assert len(rows) == len(set(rows))  # each stored once
    assert acknowledged <= set(rows)
    assert len(acknowledged) >= 80


def test_the_writers_batch_ends_when_its_queue_runs_dry_not_at_an_age(tmp_path: Path) -> None:
    """With an age limit of zero (a thread pool's units would each commit alone), the
    writer's queued writes still share one commit: it commits when its queue is empty."""
    path, store, group = _store(tmp_path)
    group.max_age = 0.0
    writer = Writer(group)

    def night(date: str, wait: bool = False) -> Callable[[], str]:
        def work() -> str:
            with store.write():
                _night(store, date, "")
                if wait:
                    _until(lambda: writer.queued == 3)
            return date

        return work

    dates = [f"2026-03-0{i}" for i in range(1, 5)]
    jobs = [night(dates[0], wait=True), *(night(d) for d in dates[1:])]
    assert _run_jobs(writer, jobs, lambda i: None) == dates
    assert (group.batches, writer.rounds) == (1, 1)
    writer.stop(PATIENCE)
    store.close()
    assert _committed(path) == set(dates)


def test_a_retry_queued_in_the_same_batch_answers_with_the_first(tmp_path: Path) -> None:
    """A phone's retry queued right behind its first submission (the same client id,
    both in one open batch): the first is stored, the retry answers "duplicate" with the
    same cramp (it read it through the batch, not through another connection, which
    cannot see it yet: it used to fail there), once the batch is committed; one cramp is
    stored. A retry with other details gets the conflict, in the same batch too."""
    path = tmp_path / "diary.sqlite"
    tracker = Tracker(path, clock=lambda: NOW)
    assert tracker.enable_group_commit() and tracker.group_commit is not None
    writer = Writer(tracker.group_commit)
    visible: dict[int, int] = {}

    def submit(severity: int) -> Callable[[], object]:
        return lambda: tracker.diary.log_episode(
            severity=severity, client_id="phone-1", find_near=False
        )

    def stored(_: int) -> int:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM episodes").fetchone()[0])

    results = _run_jobs(
        writer, [submit(6), submit(6), submit(8)], lambda i: visible.setdefault(i, stored(i))
    )
    first, again, other = results
    assert not isinstance(first, BaseException) and not isinstance(again, BaseException)
    assert (first.duplicate, again.duplicate) == (False, True)  # type: ignore[attr-defined]
    assert again.episode.id == first.episode.id  # type: ignore[attr-defined]
    assert type(other).__name__ == "ConflictError", other
    assert visible == {0: 1, 1: 1, 2: 1}  # each answered once the cramp was committed
    assert writer.rounds == 1
    writer.stop(PATIENCE)
    tracker.close()
    with Tracker(path, clock=lambda: NOW) as reopened:
        assert [e.client_id for e in reopened.diary.episodes()] == ["phone-1"]
