"""Many diaries per database: a diary id in every key, and the migration that adds it.

Both tests run on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from crampwise.demo import demo_document
from crampwise.errors import NotFoundError, StorageError
from crampwise.storage import DATA_TABLES, open_store
from crampwise.storage.engine import Engine, open_engine, resolve_url
from crampwise.storage.migrations import NAMES, migrate, status
from crampwise.tracker import Tracker

from .conftest import AFTER_DEMO

BEFORE_DIARY_IDS = "0002_regimen_context"

#: A second person's small diary: same night and same client id as rows of the demo.
OTHER: dict[str, Any] = {
    "format": "crampwise-diary",
    "version": 1,
    "profile": {"birth_year": 1970, "sex": "male", "timezone": "Europe/Berlin"},
    "nights": [{"date": "2025-01-10", "cramps": 0}],
    "episodes": [
        {"night": "2025-01-11", "time": "02:00", "side": "left", "muscles": ["calf"], "severity": 4}
    ],
    "regimen": [
        {
            "item": "magnesium",
            "kind": "supplement",
            "dose": 100,
            "unit": "mg",
            "start": "2025-01-01",
        }
    ],
    "medications": [{"name": "amlodipine", "dose": 5, "unit": "mg", "start": "2024-06-01"}],
    "labs": [{"date": "2025-01-05", "test": "magnesium", "value": 0.8, "unit": "mmol/L"}],
    "factors": [{"date": "2025-01-10", "name": "fluids", "value": 1500, "unit": "ml"}],
}


def _rows(tracker: Tracker) -> dict[str, list[tuple[object, ...]]]:
    return {t: list(tracker._store.table_rows(t)) for t in DATA_TABLES}


def test_two_diaries_in_one_database_never_see_each_others_rows(db_url: str) -> None:
    personal = Tracker(db_url, clock=lambda: AFTER_DEMO)
    try:
        personal.import_diary(demo_document())
        other_id = personal._store.create_diary("second person")
        assert other_id != 1
        assert [d[:2] for d in personal._store.list_diaries()] == [
            (1, "personal"),
            (other_id, "second person"),
        ]
        before = personal.export_diary()
        before_rows = _rows(personal)
        other = Tracker(db_url, clock=lambda: AFTER_DEMO, diary_id=other_id)
        try:
            assert other._store.is_empty() and other.export_diary()["nights"] == []
            other.import_diary(copy.deepcopy(OTHER))
            # the same client id is free in another diary (unique per diary, not per database)
            shared_id = personal.diary.episodes()[0].client_id or "shared-client-id"
            other.diary.log_episode(night="2025-01-12", client_id=shared_id)
            mine = other.export_diary()
            assert len(mine["episodes"]) == 2 and len(mine["nights"]) == 3
            assert mine["profile"]["birth_year"] == 1970
            assert [m["name"] for m in mine["medications"]] == ["amlodipine"]
            # by-id operations cannot reach the other diary's records
            demo_episode = personal.diary.episodes()[0]
            assert demo_episode.id is not None
            with pytest.raises(NotFoundError):
                other.diary.delete_episode(demo_episode.id)
            demo_entry = personal.regimen.entries()[0]
            with other._store.write():
                assert other._store.delete_regimen(demo_entry.id or 0) == 0
            assert personal.export_diary() == before
            assert _rows(personal) == before_rows
            # wiping one diary leaves the other whole
            with other._store.write():
                other._store.wipe()
            assert other._store.is_empty()
            assert personal.export_diary() == before
        finally:
            other.close()
    finally:
        personal.close()


def test_a_diary_id_that_does_not_exist_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    with pytest.raises(StorageError, match="no diary with id 42"):
        open_store(db_url, diary_id=42)


# -- the migration from the one-diary schema ------------------------------------------------
def _columns(engine: Engine, table: str) -> list[str]:
    if engine.dialect == "sqlite":
        return [str(r[1]) for r in engine.query(f"PRAGMA table_info({table})")]
    rows = engine.query(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [str(r[0]) for r in rows]


def _counters(engine: Engine) -> dict[str, int]:
    """The next-id counters (SQLite AUTOINCREMENT, PostgreSQL identity sequences)."""
    tables = ("episodes", "after_effects", "regimen", "medications", "labs", "factors")
    out: dict[str, int] = {}
    for table in (*tables, "trigger_points"):
        if engine.dialect == "sqlite":
            value = engine.scalar("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
        else:
            sequence = engine.scalar("SELECT pg_get_serial_sequence(?, 'id')", (table,))
            value = engine.scalar(f"SELECT last_value FROM {sequence}")
        out[table] = int(value or 0)
    return out


def _set_counters(engine: Engine, counters: dict[str, int]) -> None:
    for table, value in counters.items():
        if engine.dialect == "sqlite":
            engine.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            engine.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value))
        elif value:
            engine.scalar(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {value})")


#: Columns later migrations add with a default (0009: ``every``, "day" for every old row).
LATER_DEFAULTS = {"every": "day"}


def _copy_into_old_schema(source: Tracker, target: Engine) -> None:
    """Write every row of ``source`` into a database at migration 0002, as that schema
    stores them (the profile's ``id`` = 1, no ``diary_id``), with the same ids and
    next-id counters."""
    with target.write():
        for table in reversed(DATA_TABLES):  # parents first
            columns = source._store.table_columns(table)
            rows = list(source._store.table_rows(table))
            assert set(_columns(target, table)) - set(columns) <= {"id"}
            # Columns added by later migrations are not in the old schema (they are empty
            # in the demo, or hold the default the migration gives every old row: nothing
            # is lost by leaving them out).
            kept = [i for i, c in enumerate(columns) if c in _columns(target, table)]
            assert all(
                row[i] is None or row[i] == LATER_DEFAULTS.get(columns[i])
                for row in rows
                for i in range(len(columns))
                if i not in kept
            )
            columns = [columns[i] for i in kept]
            rows = [tuple(row[i] for i in kept) for row in rows]
            if table == "profile":
                columns, rows = ["id", *columns], [(1, *row) for row in rows]
            marks = ", ".join("?" for _ in columns)
            target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        _set_counters(target, _counters(source._store.engine))


def test_the_migration_to_diary_ids_keeps_every_row_of_the_demo_diary(
    db_url: str, tmp_path: Any
) -> None:
    """Load the demo story (plus an episode deleted again, so an id counter runs ahead of
    the largest id) into a database migrated only to 0002, as 0002 stores it; migrate it
    to the latest schema: every row of every table, every id and every id counter is
    kept, and the export equals the export of the same diary made at the latest schema.

    The 0002 copy is written with the 0002 columns from a diary made by this version
    (this version's Store cannot write the old schema); that is exactly what the old
    Store wrote, row for row.
    """
    if "://" in db_url:  # PostgreSQL: the old-schema copy lives in a second schema
        head_url = db_url
        old_url = _second_schema(db_url)
    else:
        head_url, old_url = db_url, str(tmp_path / "old.sqlite")
    source = Tracker(head_url, clock=lambda: AFTER_DEMO)
    old = open_engine(resolve_url(old_url))
    try:
        source.import_diary(demo_document())
        gone = source.diary.log_episode(night="2026-10-30", severity=3)
        source.diary.delete_episode(gone.episode.id or 0, confirm=True, emptied_night="cramp-free")
        expected = source.export_diary()
        expected_rows = _rows(source)
        expected_counters = _counters(source._store.engine)
        assert expected_counters["episodes"] > max(r[0] for r in expected_rows["episodes"])

        assert migrate(old, target=BEFORE_DIARY_IDS) == list(NAMES[:2])
        _copy_into_old_schema(source, old)
        assert list(status(old).pending) == list(NAMES[2:])
        assert migrate(old) == list(NAMES[2:])

        migrated = Tracker(old_url, clock=lambda: AFTER_DEMO)
        try:
            assert migrated._store.migration_status().up_to_date
            assert migrated.export_diary() == expected
            assert _rows(migrated) == expected_rows
            assert _counters(old) == expected_counters
            for table in DATA_TABLES:
                assert _columns(old, table) == _columns(source._store.engine, table), table
            # new rows get the same next ids in both
            a = source.diary.log_episode(night="2026-10-29", severity=2).episode.id
            b = migrated.diary.log_episode(night="2026-10-29", severity=2).episode.id
            assert a == b == expected_counters["episodes"] + 1
        finally:
            migrated.close()
    finally:
        old.close()
        source.close()


def _second_schema(db_url: str) -> str:
    import uuid

    from .conftest import _pg_admin

    schema = f"t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f"CREATE SCHEMA {schema}")
    _CLEANUP.append(schema)
    return db_url.split("?", 1)[0] + f"?options=-csearch_path%3D{schema}"


_CLEANUP: list[str] = []


@pytest.fixture(autouse=True)
def _drop_extra_schemas() -> Any:
    yield
    from .conftest import _pg_admin

    while _CLEANUP:
        _pg_admin(f"DROP SCHEMA {_CLEANUP.pop()} CASCADE")


def test_the_personal_diary_is_made_by_the_migration(db_url: str) -> None:
    store = open_store(db_url)
    try:
        diaries = store.list_diaries()
        assert [(d[0], d[1]) for d in diaries] == [(1, "personal")]
        assert store.diary_id == 1 and store.diary_exists()
    finally:
        store.close()
