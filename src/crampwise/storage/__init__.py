"""All SQL and schema of crampwise.

:func:`open_store` resolves ``--db``/``CRAMPWISE_DB``/the platform default, opens SQLite
(stdlib ``sqlite3``) or PostgreSQL (psycopg), and migrates the schema on first use so no
command needs ``init`` first. Nothing outside this package writes SQL.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from crampwise.storage.diary_tables import DiaryTables
from crampwise.storage.engine import Engine, default_database_path, open_engine, resolve_url
from crampwise.storage.migrations import MigrationStatus, migrate, status
from crampwise.storage.regimen_tables import RegimenTables

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

__all__ = ["DATA_TABLES", "Store", "default_database_path", "open_store", "resolve_url"]

#: Every data table, children before parents (the order deletes must run in).
DATA_TABLES: tuple[str, ...] = (
    "episode_muscles",
    "episode_reliefs",
    "after_effects",
    "episodes",
    "nights",
    "profile",
    "adherence",
    "regimen",
    "medications",
    "labs",
    "factors",
    "trigger_point_ratings",
    "trigger_points",
    "red_flag_answers",
)


class Store(DiaryTables, RegimenTables):
    """The database of one diary: typed reads, and writes inside :meth:`write`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL."""
        return self.engine.url

    def write(self) -> AbstractContextManager[Engine]:
        """The single write path: one all-or-nothing transaction."""
        return self.engine.write()

    def migration_status(self) -> MigrationStatus:
        """Applied and pending migrations."""
        return status(self.engine)

    def migrate(self) -> list[str]:
        """Apply pending migrations; returns their names."""
        return migrate(self.engine)

    def is_empty(self) -> bool:
        """True when the diary holds no data at all."""
        return all(
            self.engine.query_one(f"SELECT 1 FROM {table} LIMIT 1") is None for table in DATA_TABLES
        )

    def wipe(self) -> None:
        """Delete every record (inside a write); used by demo reset and full replace."""
        for table in DATA_TABLES:
            self.engine.execute(f"DELETE FROM {table}")

    def table_rows(self, table: str) -> Iterator[tuple[object, ...]]:
        """Every row of one data table, as stored (for CSV export)."""
        if table not in DATA_TABLES:
            raise ValueError(table)
        yield from self.engine.query(f"SELECT * FROM {table} ORDER BY 1")

    def table_columns(self, table: str) -> list[str]:
        """Column names of one data table."""
        if table not in DATA_TABLES:
            raise ValueError(table)
        if self.engine.dialect == "sqlite":
            return [str(r[1]) for r in self.engine.query(f"PRAGMA table_info({table})")]
        rows = self.engine.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        """Close the database."""
        self.engine.close()


def open_store(db: str | os.PathLike[str] | None = None, *, auto_migrate: bool = True) -> Store:
    """Open (and, on first use or after an upgrade, migrate) the diary database."""
    engine = open_engine(resolve_url(db))
    store = Store(engine)
    if auto_migrate:
        current = store.migration_status()
        if not current.up_to_date:
            store.migrate()
    return store
