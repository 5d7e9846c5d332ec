"""Concurrency: threads sharing one Tracker, and many processes opening a new diary at once.

Both run on SQLite and PostgreSQL (``db_url``); nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crampwise.tracker import Tracker

from .conftest import NOW

THREADS = 6
LOGS_PER_THREAD = 15


def test_threads_writing_and_reading_through_one_tracker_lose_nothing(db_url: str) -> None:
    """Writer threads log cramps (each with its own client ids) while reader threads read
    the diary, all through one Tracker: every cramp is stored once, no thread fails, and
    every read sees a consistent diary (night totals equal the episodes listed)."""
    tracker = Tracker(db_url, clock=lambda: NOW)
    tracker.context.set_profile(timezone="Europe/Berlin")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS * 2)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(LOGS_PER_THREAD):
                night = f"2026-02-{1 + (i % 5):02d}"
                tracker.diary.log_episode(night=night, severity=i % 11, client_id=f"t{n}-{i}")
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    def reader(_: int) -> None:
        try:
            start.wait()
            for _ in range(LOGS_PER_THREAD):
                data = tracker.snapshot()
                per_night: dict[str, int] = {}
                for e in data.episodes:
                    per_night[e.night] = per_night.get(e.night, 0) + 1
                assert {n.date: n.cramps for n in data.nights} == per_night
                tracker.summary()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(THREADS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors[:3]
        episodes = tracker.diary.episodes()
        assert len(episodes) == THREADS * LOGS_PER_THREAD
        assert {e.client_id for e in episodes} == {
            f"t{n}-{i}" for n in range(THREADS) for i in range(LOGS_PER_THREAD)
        }
        assert sum(n.cramps or 0 for n in tracker.diary.nights()) == len(episodes)
    finally:
        tracker.close()


WORKERS = 16
LOGS_PER_WORKER = 20

#: One worker: waits for the start signal, then runs ``crampwise log`` 20 times.
_WORKER = r"""
import os, subprocess, sys, time
n, go, script = sys.argv[1], sys.argv[2], sys.argv[3]
while not os.path.exists(go):
    time.sleep(0.005)
codes = []
for i in range(int(os.environ["LOGS"])):
    args = ["log", "--night", "2026-03-01", "--severity", "5", "--client-id", f"w{n}-{i}"]
    if script == "in-process":
        from crampwise.cli import main
        codes.append(main(args))
    else:
        done = subprocess.run([script, *args], stdout=subprocess.DEVNULL)
        codes.append(done.returncode)
print(" ".join(map(str, codes)))
sys.exit(0 if set(codes) == {0} else 1)
"""


def test_many_processes_logging_into_a_diary_that_does_not_exist_yet(
    db_url: str, tmp_path: Path
) -> None:
    """16 processes × 20 ``crampwise log --client-id …`` on a diary that does not exist
    yet (SQLite: no file; PostgreSQL: an empty schema), all released at once: every log
    exits 0 and all 320 cramps are stored, once each.

    Each of the 16 worker processes runs the CLI's entry point (``crampwise.cli.main``, all
    the console script calls) 20 times; every call opens the diary afresh, as a new
    ``crampwise log`` process does, and the first call of each process is a cold start that
    races the other 15 to create and migrate the diary. (One process per log, 320
    processes, also passes but takes over a minute on two cores: ``CRAMPWISE_TEST_SPAWN=1``
    runs it that way.)
    """
    go = tmp_path / "go"
    postgres = "://" in db_url
    spawn = os.environ.get("CRAMPWISE_TEST_SPAWN") == "1"
    script = str(Path(sys.executable).with_name("crampwise")) if spawn else "in-process"
    env = {
        **os.environ,
        "CRAMPWISE_DB": db_url,
        "CRAMPWISE_NOW": NOW.isoformat(),
        "TZ": "Europe/Berlin",
        "LOGS": str(LOGS_PER_WORKER),
    }
    if not postgres:
        assert not Path(db_url).exists()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(n), str(go), script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    go.touch()
    results = [w.communicate(timeout=600) for w in workers]
    failed = [(w.returncode, out, err) for w, (out, err) in zip(workers, results, strict=True)]
    assert all(code == 0 for code, _, _ in failed), [f for f in failed if f[0] != 0][:3]
    with Tracker(db_url) as tracker:
        episodes = tracker.diary.episodes()
        assert len(episodes) == WORKERS * LOGS_PER_WORKER
        assert {e.client_id for e in episodes} == {
            f"w{n}-{i}" for n in range(WORKERS) for i in range(LOGS_PER_WORKER)
        }
        assert tracker._store.migration_status().up_to_date
        night = tracker._store.get_night("2026-03-01")
        assert night is not None and night.cramps == WORKERS * LOGS_PER_WORKER


def test_a_feature_method_found_after_another_thread_took_on_the_features(
    tmp_path: Path,
) -> None:
    """A Store shared by threads takes on the features' tables at the first call of one of
    their methods. A thread whose look-up missed just before another thread made that
    switch reaches ``__getattr__`` with the class already switched: it must get the
    method, not "no attribute" (a 500 in the web app, seen under load in the browser
    tests). The interleaving is replayed here step by step."""
    from crampwise.storage.store import open_store

    store = open_store(tmp_path / "d.sqlite")
    try:
        base = type(store)
        assert "list_regimen" not in dir(base)  # the features are not loaded yet
        store.list_regimen()  # thread A: the switch
        assert type(store) is not base
        # thread B: its look-up had failed on the base class; now it asks __getattr__
        found = store.__getattr__("list_regimen")
        assert found() == []
        with pytest.raises(AttributeError, match="no_such_table_method"):
            store.__getattr__("no_such_table_method")
    finally:
        store.close()


def test_threads_calling_feature_methods_on_a_fresh_store_all_succeed(tmp_path: Path) -> None:
    """Many threads call the features' methods at once on a Store that has none loaded."""
    from crampwise.storage.store import open_store

    failures: list[BaseException] = []
    for round_ in range(20):
        store = open_store(tmp_path / f"d{round_}.sqlite")
        start = threading.Barrier(8)

        def call(store: object = store, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                store.list_regimen()  # type: ignore[attr-defined]
                store.list_medications()  # type: ignore[attr-defined]
            except BaseException as exc:  # collected, and reported below
                failures.append(exc)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        store.close()
    assert failures == []
