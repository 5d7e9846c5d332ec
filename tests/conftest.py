"""Shared fixtures: real databases only (SQLite temp files; PostgreSQL when CI starts one).

The PostgreSQL backend runs when ``CRAMPWISE_TEST_PG_URL`` is set (``scripts/test.sh`` and
``.ci/run`` start a throwaway server and set it); every test then gets its own schema.
Without it every PostgreSQL case is still collected and reported as skipped, with the
reason, so a run without a server cannot pass for a run on both backends.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crampwise.cli import main
from crampwise.tracker import Tracker

PG_URL = os.environ.get("CRAMPWISE_TEST_PG_URL", "")
PG_SKIP_REASON = "PostgreSQL: set CRAMPWISE_TEST_PG_URL (scripts/test.sh starts a server)"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=() if PG_URL else pytest.mark.skip(reason=PG_SKIP_REASON),
    ),
]

#: The tests' "now": 02:30 UTC on 5 March 2026 = 03:30 in Berlin, during night 2026-03-04.
NOW = dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def _cache_folder_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The report's caches (cffi tables, the compiled template) go to a folder of this test
    run, never the user's ``~/.cache``; tests of the caches set their own."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "diary.sqlite")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        _pg_admin(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def other_db(db_url: str, tmp_path: Any) -> Iterator[str]:
    """A second empty database on the same backend as ``db_url`` (restores, round trips)."""
    if not db_url.startswith("postgresql"):
        yield str(tmp_path / "other.sqlite")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        _pg_admin(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    """A fresh SQLite file (for tests about SQLite specifics)."""
    return str(tmp_path / "diary.sqlite")


@pytest.fixture
def tracker(db_url: str) -> Iterator[Tracker]:
    """A tracker on a fresh database, clock pinned to NOW, living in Europe/Berlin."""
    t = Tracker(db_url, clock=lambda: NOW)
    t.context.set_profile(timezone="Europe/Berlin")
    yield t
    t.close()


#: A "now" after the demo story's last night (2026-10-31).
AFTER_DEMO = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo_tracker(db_url: str) -> Iterator[Tracker]:
    """A tracker on a fresh database whose clock is after the demo story."""
    t = Tracker(db_url, clock=lambda: AFTER_DEMO)
    yield t
    t.close()


@pytest.fixture
def cli(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process on the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.delenv("CRAMPWISE_DB", raising=False)

    def run(*args: str, now: dt.datetime = NOW) -> tuple[int, str, str]:
        monkeypatch.setenv("CRAMPWISE_NOW", now.isoformat())
        capsys.readouterr()
        try:
            code = main(["--db", db_url, *args])
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
