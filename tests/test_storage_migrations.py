"""Migrations: named, ordered, recorded; empty → head; first migration → head; both backends."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crampwise.errors import MigrationError
from crampwise.storage import open_store
from crampwise.storage.engine import open_engine, resolve_url
from crampwise.storage.migrations import MIGRATIONS, migrate, status
from crampwise.tracker import Tracker

HEAD = [m.name for m in MIGRATIONS]


def test_migrations_are_named_and_ordered() -> None:
    assert sorted(HEAD) == HEAD
    assert len(HEAD) == len(set(HEAD)) >= 2
    assert all(m.description for m in MIGRATIONS)


def test_empty_database_migrates_to_head(db_url: str) -> None:
    engine = open_engine(resolve_url(db_url))
    try:
        before = status(engine)
        assert before.applied == () and list(before.pending) == HEAD
        assert migrate(engine) == HEAD
        after = status(engine)
        assert [n for n, _ in after.applied] == HEAD and after.up_to_date
        assert migrate(engine) == []  # safe to re-run
    finally:
        engine.close()


def test_a_database_made_by_the_first_migration_reaches_head_with_its_data(db_url: str) -> None:
    engine = open_engine(resolve_url(db_url))
    try:
        assert migrate(engine, target=HEAD[0]) == [HEAD[0]]
        with engine.write():
            engine.execute(
                "INSERT INTO nights (date, undetailed_cramps, notes, created_at, updated_at) "
                "VALUES ('2025-01-01', 2, 'old', '2025-01-02T08:00:00Z', '2025-01-02T08:00:00Z')"
            )
        assert list(status(engine).pending) == HEAD[1:]
    finally:
        engine.close()
    tracker = Tracker(db_url)  # opening an old database migrates it
    try:
        assert tracker.migration_status().up_to_date
        assert tracker.diary.nights()[0].to_dict() == {
            "date": "2025-01-01",
            "observed": True,
            "cramps": 2,
        }
        tracker.regimen.start("magnesium", dose=200, unit="mg", date="2025-01-01")
        assert tracker.regimen.entries()[0].item == "magnesium"
    finally:
        tracker.close()


def test_sqlite_diary_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = open_engine(resolve_url(str(path)))
    migrate(engine, target=HEAD[0])
    engine.close()
    open_store(str(path)).close()
    backups = list(tmp_path.glob("old.sqlite.before-migration-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _crampwise_migrations")]
    assert names == [HEAD[0]]


def test_sqlite_uses_wal_and_full_sync(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    try:
        assert store.engine.scalar("PRAGMA journal_mode") == "wal"
        assert store.engine.scalar("PRAGMA synchronous") == 2  # FULL
    finally:
        store.close()


def test_a_database_from_a_newer_crampwise_is_refused(db_url: str) -> None:
    store = open_store(db_url)
    with store.write():
        store.engine.execute(
            "INSERT INTO _crampwise_migrations (name, applied_at) VALUES ('9999_future', 'x')"
        )
    store.close()
    with pytest.raises(MigrationError, match="newer crampwise"):
        open_store(db_url)


def test_db_status_and_migrate_commands(cli: Any) -> None:
    import json

    code, out, _ = cli("db", "status", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["pending"] == HEAD and data["up_to_date"] is False
    code, out, _ = cli("db", "migrate")
    assert code == 0 and "Applied" in out
    code, out, _ = cli("db", "status", "--json")
    assert json.loads(out)["up_to_date"] is True


def test_migrations_may_be_python_functions() -> None:
    """0003 rebuilds tables, which SQL strings alone cannot say portably."""
    kinds = {m.name: (m.apply is not None, bool(m.statements)) for m in MIGRATIONS}
    assert kinds["0001_diary"] == (False, True)
    assert kinds["0003_diary_ids"] == (True, False)


def test_a_schema_change_that_breaks_a_foreign_key_is_rolled_back(sqlite_url: str) -> None:
    """Inside a schema unit SQLite's foreign keys are off (tables are dropped and renamed);
    ``PRAGMA foreign_key_check`` before COMMIT refuses a change that left a dangling
    reference, nothing of it stays, and foreign keys are enforced again afterwards."""
    from crampwise.errors import StorageError

    store = open_store(sqlite_url)
    engine = store.engine
    try:

        def dangling() -> None:
            with engine.schema_write():
                engine.execute("CREATE TABLE scratch (x INTEGER)")
                engine.execute(
                    "INSERT INTO episode_muscles (episode_id, muscle, position) "
                    "VALUES (999, 'calf', 0)"
                )

        with pytest.raises(StorageError, match="break a foreign key"):
            dangling()
        assert engine.scalar("SELECT COUNT(*) FROM episode_muscles") == 0
        assert engine.scalar("SELECT 1 FROM sqlite_master WHERE name = 'scratch'") is None
        assert engine.scalar("PRAGMA foreign_keys") == 1
        with pytest.raises(sqlite3.IntegrityError), store.write():
            engine.execute(
                "INSERT INTO episode_muscles (episode_id, muscle, position) VALUES (999, 'calf', 0)"
            )
    finally:
        store.close()
