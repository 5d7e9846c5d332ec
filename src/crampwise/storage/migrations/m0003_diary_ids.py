"""A diary id in every key: many diaries per database (diary 1 is the personal diary).

Adds ``diaries`` and a ``diary_id`` column to every table that is not reached through its
parent (episode muscles, reliefs and after-effects go through their episode, trigger
point ratings through their trigger point). Keys become per diary: the profile by
diary, nights by (diary, date), a client id unique per diary, labs/factors/adherence/red
flags per diary; the other tables get an index that starts with the diary.

Existing rows become diary 1. SQLite cannot change a table's key, so there each table
is rebuilt (new table, copy, drop, rename, indexes; ids and AUTOINCREMENT counters kept);
PostgreSQL changes the tables in place. The runner gives this a schema unit: foreign keys
off on SQLite, checked with ``PRAGMA foreign_key_check`` before COMMIT.
"""

from __future__ import annotations

import datetime as _dt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["NAME", "apply"]

NAME = "0003_diary_ids"

_DIARY = "diary_id INTEGER NOT NULL REFERENCES diaries(id)"

#: The tables as they are after this migration (SQLite rebuild), ``diary_id`` last so that
#: both backends list the columns in the same order (PostgreSQL appends new columns).
_TABLES: dict[str, str] = {
    "profile": """(
        birth_year INTEGER,
        sex TEXT,
        kidney_disease INTEGER,
        timezone TEXT,
        updated_at TEXT NOT NULL,
        diary_id INTEGER NOT NULL PRIMARY KEY REFERENCES diaries(id)
    )""",
    "nights": f"""(
        date TEXT NOT NULL,
        undetailed_cramps INTEGER NOT NULL DEFAULT 0 CHECK (undetailed_cramps >= 0),
        sleep_quality INTEGER CHECK (sleep_quality BETWEEN 0 AND 10),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        {_DIARY},
        PRIMARY KEY (diary_id, date)
    )""",
    "episodes": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        night TEXT NOT NULL,
        occurred_at TEXT,
        tz TEXT,
        approximate INTEGER NOT NULL DEFAULT 0,
        side TEXT CHECK (side IN ('left', 'right', 'both')),
        severity INTEGER CHECK (severity BETWEEN 0 AND 10),
        duration_min REAL CHECK (duration_min >= 0),
        waves INTEGER CHECK (waves >= 1),
        woke INTEGER,
        notes TEXT NOT NULL DEFAULT '',
        client_id TEXT,
        created_at TEXT NOT NULL,
        {_DIARY},
        UNIQUE (diary_id, client_id),
        FOREIGN KEY (diary_id, night) REFERENCES nights(diary_id, date) ON DELETE CASCADE
    )""",
    "adherence": f"""(
        date TEXT NOT NULL,
        item TEXT NOT NULL,
        dose_time TEXT NOT NULL DEFAULT '',
        taken INTEGER NOT NULL,
        {_DIARY},
        PRIMARY KEY (diary_id, date, item, dose_time)
    )""",
    "regimen": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        item TEXT NOT NULL,
        kind TEXT NOT NULL,
        form TEXT,
        dose REAL CHECK (dose >= 0),
        unit TEXT,
        times TEXT NOT NULL DEFAULT '',
        start_date TEXT NOT NULL,
        end_date TEXT,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        {_DIARY}
    )""",
    "medications": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        dose REAL CHECK (dose >= 0),
        unit TEXT,
        times TEXT NOT NULL DEFAULT '',
        start_date TEXT NOT NULL,
        end_date TEXT,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        {_DIARY}
    )""",
    "labs": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        date TEXT NOT NULL,
        test TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        range_low REAL,
        range_high REAL,
        {_DIARY},
        UNIQUE (diary_id, date, test)
    )""",
    "factors": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        date TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        unit TEXT,
        {_DIARY},
        UNIQUE (diary_id, date, name)
    )""",
    "trigger_points": f"""(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        muscle TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('left', 'right', 'both')),
        spot TEXT NOT NULL DEFAULT '',
        found TEXT NOT NULL,
        released TEXT,
        notes TEXT NOT NULL DEFAULT '',
        {_DIARY}
    )""",
    "red_flag_answers": f"""(
        date TEXT NOT NULL,
        flag TEXT NOT NULL,
        present INTEGER NOT NULL,
        {_DIARY},
        PRIMARY KEY (diary_id, date, flag)
    )""",
}

#: Indexes after this migration, by name (both backends; an old one of the name goes first).
_INDEXES: dict[str, str] = {
    "episodes_by_night": "episodes (diary_id, night)",
    "regimen_by_item": "regimen (diary_id, item, start_date)",
    "medications_by_diary": "medications (diary_id, start_date)",
    "trigger_points_by_diary": "trigger_points (diary_id, found)",
}

#: PostgreSQL: the key that replaces a table's old primary ("p") or unique ("u") key.
_PG_KEYS: dict[str, tuple[str, str]] = {
    "nights": ("p", "PRIMARY KEY (diary_id, date)"),
    "episodes": ("u", "UNIQUE (diary_id, client_id)"),
    "adherence": ("p", "PRIMARY KEY (diary_id, date, item, dose_time)"),
    "labs": ("u", "UNIQUE (diary_id, date, test)"),
    "factors": ("u", "UNIQUE (diary_id, date, name)"),
    "red_flag_answers": ("p", "PRIMARY KEY (diary_id, date, flag)"),
}


def apply(engine: Engine) -> None:
    """Run the migration inside the runner's schema unit."""
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    serial = (
        "INTEGER PRIMARY KEY AUTOINCREMENT"
        if engine.dialect == "sqlite"
        else "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    )
    engine.execute(
        f"CREATE TABLE diaries (id {serial}, name TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    engine.execute("INSERT INTO diaries (id, name, created_at) VALUES (1, 'personal', ?)", (now,))
    if engine.dialect == "sqlite":
        for table, body in _TABLES.items():
            _rebuild_sqlite(engine, table, body)
    else:
        engine.execute("SELECT setval(pg_get_serial_sequence('diaries', 'id'), 1)")
        _alter_postgresql(engine)
    for name, target in _INDEXES.items():
        engine.execute(f"DROP INDEX IF EXISTS {name}")
        engine.execute(f"CREATE INDEX {name} ON {target}")


def _rebuild_sqlite(engine: Engine, table: str, body: str) -> None:
    """The SQLite table rebuild: new table, copy every row (as diary 1), drop, rename.

    SQLite's own recipe (lang_altertable.html, "other kinds of table schema changes"):
    the *new* table is renamed to the old name, never the old one aside, so the text of
    the children's ``REFERENCES table`` stays right whatever ``legacy_alter_table`` says
    (renaming a parent away would rewrite those references to the doomed name). Foreign
    keys are off here (the runner's schema unit), so ``DROP TABLE`` cascades nothing, and
    ``PRAGMA foreign_key_check`` runs before COMMIT. The AUTOINCREMENT counter is carried
    over, so an id once used (by a row since deleted) is never handed out again.
    """
    old = [str(r[1]) for r in engine.query(f"PRAGMA table_info({table})")]
    kept = [c for c in old if c != "id" or table != "profile"]  # the profile's id was 1
    columns = ", ".join(kept)
    counter = engine.scalar("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
    engine.execute(f"CREATE TABLE {table}__new {body}")
    engine.execute(
        f"INSERT INTO {table}__new ({columns}, diary_id) SELECT {columns}, 1 FROM {table}"
    )
    engine.execute(f"DROP TABLE {table}")
    engine.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
    if counter is not None:
        engine.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (counter, table)
        )
        if not engine.scalar("SELECT 1 FROM sqlite_sequence WHERE name = ?", (table,)):
            engine.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, counter)
            )


def _alter_postgresql(engine: Engine) -> None:
    """PostgreSQL changes keys in place: add ``diary_id`` (existing rows: 1), swap keys."""
    engine.execute("ALTER TABLE episodes DROP CONSTRAINT IF EXISTS episodes_night_fkey")
    engine.execute("ALTER TABLE profile DROP COLUMN id")  # its key and CHECK (id = 1) go too
    for table in _TABLES:
        engine.execute(f"ALTER TABLE {table} ADD COLUMN {_DIARY} DEFAULT 1")
        engine.execute(f"ALTER TABLE {table} ALTER COLUMN diary_id DROP DEFAULT")
        if table == "profile":
            engine.execute("ALTER TABLE profile ADD PRIMARY KEY (diary_id)")
        elif table in _PG_KEYS:
            kind, key = _PG_KEYS[table]
            for name in _pg_constraints(engine, table, kind):
                engine.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            engine.execute(f"ALTER TABLE {table} ADD {key}")
    engine.execute(
        "ALTER TABLE episodes ADD CONSTRAINT episodes_night_fkey FOREIGN KEY (diary_id, night) "
        "REFERENCES nights(diary_id, date) ON DELETE CASCADE"
    )


def _pg_constraints(engine: Engine, table: str, kind: str) -> list[str]:
    """The names of a table's primary ("p") or unique ("u") constraints."""
    rows = engine.query(
        "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND t.relname = ? AND c.contype = ?",
        (table, kind),
    )
    return [str(r[0]) for r in rows]
