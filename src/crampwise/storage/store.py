"""The :class:`Store`: the database of one diary, and :func:`open_store`."""

from __future__ import annotations

import os

from crampwise.records import DiaryData
from crampwise.storage import DATA_TABLES
from crampwise.storage.diary_tables import DiaryTables
from crampwise.storage.engine import open_engine, resolve_url
from crampwise.storage.migrations import migrate, status
from crampwise.storage.regimen_tables import RegimenTables

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from crampwise.storage.engine import Engine, _Transaction
    from crampwise.storage.migrations import MigrationStatus

__all__ = ["Store", "open_store"]


class Store(DiaryTables, RegimenTables):
    """The database of one diary: typed reads, and writes inside :meth:`write`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL."""
        return self.engine.url

    def write(self) -> _Transaction:
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

    def snapshot(
        self,
        timezone: str,
        start: str | None = None,
        end: str | None = None,
        sections: frozenset[str] | None = None,
    ) -> DiaryData:
        """The diary as typed records; nights, episodes, factors and adherence limited to
        ``start``..``end`` (inclusive ISO dates; None = unbounded). One read transaction, so
        the parts agree with each other. ``sections`` (names of DiaryData's record fields)
        limits what is read: the others are left empty (the safety check reads five)."""

        def part(name: str, read: Callable[[], Iterable[Any]]) -> tuple[Any, ...]:
            return tuple(read()) if sections is None or name in sections else ()

        with self.engine.read():
            return DiaryData(
                timezone=timezone,
                profile=self.get_profile(),
                nights=part("nights", lambda: self.list_nights(start, end)),
                episodes=part("episodes", lambda: self.list_episodes(start, end)),
                regimen=part("regimen", self.list_regimen),
                adherence=part("adherence", lambda: self.list_adherence(None, start, end)),
                medications=part("medications", self.list_medications),
                labs=part("labs", self.list_labs),
                factors=part("factors", lambda: self.list_factors(start, end)),
                trigger_points=part("trigger_points", self.list_trigger_points),
                red_flags=part("red_flags", self.list_red_flags),
                start=start,
                end=end,
            )

    def close(self) -> None:
        """Close the database."""
        self.engine.close()


def open_store(db: str | os.PathLike[str] | None = None, *, auto_migrate: bool = True) -> Store:
    """Open (and, on first use or after an upgrade, migrate) the diary database."""
    engine = open_engine(resolve_url(db))
    store = Store(engine)
    if auto_migrate:
        try:
            if not store.migration_status().up_to_date:
                store.migrate()
        except BaseException:
            store.close()  # a refused or failed migration must not leak the connection
            raise
    return store
