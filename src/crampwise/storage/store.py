"""The :class:`Store`: the database of one diary, and :func:`open_store`."""

from __future__ import annotations

import os

from crampwise.errors import StorageError
from crampwise.storage import DATA_TABLES, is_current
from crampwise.storage.diary_tables import DiaryTables, utc_now
from crampwise.storage.engine import open_engine, resolve_url

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from crampwise.records import DiaryData
    from crampwise.storage.context_tables import ContextTables
    from crampwise.storage.devices_tables import DevicesTables
    from crampwise.storage.engine import Engine, _Unit
    from crampwise.storage.experiments_tables import ExperimentTables
    from crampwise.storage.feed_tables import FeedTables
    from crampwise.storage.migrations import MigrationStatus
    from crampwise.storage.regimen_tables import RegimenTables

    class _Tables(
        DiaryTables, RegimenTables, ContextTables, DevicesTables, ExperimentTables, FeedTables
    ):
        """What type checkers see: a Store has every feature's table methods."""

else:
    # At run time a Store starts with the diary's own tables (nights, episodes, profile):
    # all that `crampwise log` and `night` use. The features' tables (regimen, context,
    # devices, experiments, calendar feeds: five more modules, ~1 ms at every start) join
    # on first use; see Store.__getattr__.
    _Tables = DiaryTables

__all__ = ["PERSONAL_DIARY", "Store", "open_store"]

#: The diary of personal mode (made by migration 0003; the only one a personal database has).
PERSONAL_DIARY = 1

#: How each data table's rows are limited to one diary: its own ``diary_id``, or its parent's.
_SCOPE: dict[str, str] = {
    "episode_muscles": "episode_id IN (SELECT id FROM episodes WHERE diary_id = ?)",
    "episode_reliefs": "episode_id IN (SELECT id FROM episodes WHERE diary_id = ?)",
    "after_effects": "episode_id IN (SELECT id FROM episodes WHERE diary_id = ?)",
    "trigger_point_ratings": (
        "trigger_point_id IN (SELECT id FROM trigger_points WHERE diary_id = ?)"
    ),
    "experiment_periods": "experiment_id IN (SELECT id FROM experiments WHERE diary_id = ?)",
}


class Store(_Tables):
    """The database of one diary: typed reads, and writes inside :meth:`write`.

    A Store is bound to one diary (``diary_id``): every query filters on it and every
    insert sets it, so Stores of different diaries on one database never see each
    other's rows. Rows reached through a parent (an episode's muscles, a trigger point's
    ratings) are reached only through a parent of this diary.
    """

    def __init__(self, engine: Engine, diary_id: int = PERSONAL_DIARY) -> None:
        self.engine = engine
        self.diary_id = diary_id

    if not TYPE_CHECKING:  # type checkers see the features' methods on the class itself

        def __getattr__(self, name: str) -> Any:
            # Only reached for a name this object lacks: the first call of a feature's
            # table method. The Store becomes one with every feature's tables (the
            # same methods, in the same order, as if they had been its bases from the
            # start), so later calls cost nothing extra.
            # Threads share a Store (the web app's): another one may have made the switch
            # between this thread's failed look-up and now, so the class may already have
            # every feature; the name is then looked up again, not refused.
            if name.startswith("__"):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            full = _with_features(type(self))
            if full is not type(self):
                self.__class__ = full  # the same class whichever thread switches first
            try:
                return object.__getattribute__(self, name)
            except AttributeError:
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}"
                ) from None

    @property
    def url(self) -> str:
        """The database URL."""
        return self.engine.url

    def write(self) -> _Unit:
        """The single write path: one all-or-nothing transaction on one connection.

        Writes of one diary queue behind each other on both backends (SQLite's write
        lock; a PostgreSQL advisory lock on the diary), so a read-then-write inside the
        block cannot interleave with another writer of the same diary.
        """
        return self.engine.write(lock=self.diary_id)

    def read(self) -> _Unit:
        """One read transaction: everything read inside sees one consistent state."""
        return self.engine.read()

    def migration_status(self) -> MigrationStatus:
        """Applied and pending migrations."""
        from crampwise.storage.migrations import status

        return status(self.engine)

    def migrate(self) -> list[str]:
        """Apply pending migrations; returns their names."""
        from crampwise.storage.migrations import migrate

        return migrate(self.engine)

    # -- diaries ---------------------------------------------------------------------------
    def create_diary(self, name: str) -> int:
        """Add a diary to this database (for server mode); returns its id."""
        with self.engine.write():
            return self.engine.insert(
                "INSERT INTO diaries (name, created_at) VALUES (?, ?) RETURNING id",
                (name, utc_now()),
            )

    def list_diaries(self) -> list[tuple[int, str, str]]:
        """Every diary of this database: (id, name, created_at), by id."""
        rows = self.engine.query("SELECT id, name, created_at FROM diaries ORDER BY id")
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def diary_exists(self) -> bool:
        """True when this Store's diary is in the database."""
        row = self.engine.query_one("SELECT 1 FROM diaries WHERE id = ?", (self.diary_id,))
        return row is not None

    # -- whole diary -----------------------------------------------------------------------
    def is_empty(self) -> bool:
        """True when the diary holds no data at all."""
        return all(
            self.engine.query_one(
                f"SELECT 1 FROM {table} WHERE {_where(table)} LIMIT 1", (self.diary_id,)
            )
            is None
            for table in DATA_TABLES
        )

    def wipe(self) -> None:
        """Delete every record of this diary (inside a write); demo reset and full replace."""
        for table in DATA_TABLES:  # children first: their scope reads the parents
            self.engine.execute(f"DELETE FROM {table} WHERE {_where(table)}", (self.diary_id,))

    def table_rows(self, table: str) -> Iterator[tuple[object, ...]]:
        """Every row of one data table of this diary, as stored (for CSV export)."""
        columns = ", ".join(self.table_columns(table))
        yield from self.engine.query(
            f"SELECT {columns} FROM {table} WHERE {_where(table)} ORDER BY 1", (self.diary_id,)
        )

    def table_columns(self, table: str) -> list[str]:
        """Column names of one data table (without ``diary_id``: a Store is one diary)."""
        if table not in DATA_TABLES:
            raise ValueError(table)
        if self.engine.dialect == "sqlite":
            names = [str(r[1]) for r in self.engine.query(f"PRAGMA table_info({table})")]
        else:
            rows = self.engine.query(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ? "
                "ORDER BY ordinal_position",
                (table,),
            )
            names = [str(r[0]) for r in rows]
        return [n for n in names if n != "diary_id"]

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

        from crampwise.records import DiaryData  # the features' records: not on `log`'s path

        with self.engine.read():
            episodes = part("episodes", lambda: self.list_episodes(start, end))
            # the nights' totals from the episodes just read (when they were read)
            counted = episodes if sections is None or "episodes" in sections else None
            return DiaryData(
                timezone=timezone,
                profile=self.get_profile(),
                nights=part("nights", lambda: self.list_nights(start, end, counted)),
                episodes=episodes,
                regimen=part("regimen", self.list_regimen),
                adherence=part("adherence", lambda: self.list_adherence(None, start, end)),
                medications=part("medications", self.list_medications),
                labs=part("labs", self.list_labs),
                factors=part("factors", lambda: self.list_factors(start, end)),
                trigger_points=part("trigger_points", self.list_trigger_points),
                red_flags=part("red_flags", self.list_red_flags),
                start=start,
                end=end,
                experiments=tuple(self.list_experiments()),
            )

    # -- backups ---------------------------------------------------------------------------
    @property
    def sqlite_file(self) -> str | None:
        """The database file when it is SQLite on disk (None for PostgreSQL, ``:memory:``)."""
        from crampwise.storage.backup import sqlite_file

        return sqlite_file(self.engine)

    def backup_sqlite(self, target: str) -> None:
        """A consistent copy of the whole SQLite database at ``target`` (while in use)."""
        from crampwise.storage.backup import backup_sqlite

        backup_sqlite(self.engine, target)

    def restore_sqlite(self, source: str) -> None:
        """Replace the whole SQLite database with a crampwise backup file, then migrate it;
        who may open the diary (devices, pairing codes, calendar feeds) stays as it was."""
        from crampwise.storage.backup import (
            access_rows,
            check_sqlite_backup,
            put_access_rows,
            restore_sqlite,
        )
        from crampwise.storage.migrations import NAMES

        check_sqlite_backup(source, NAMES)
        kept = access_rows(self.engine)  # paired phones and feeds stay as they are now
        restore_sqlite(self.engine, source)
        if not self.migration_status().up_to_date:
            self.migrate()
        with self.engine.write():
            put_access_rows(self.engine, kept)

    def close(self) -> None:
        """Close the database."""
        self.engine.close()


#: Each Store class with the features' table mixins added (made once, on first use).
_WITH_FEATURES: dict[type, type] = {}


def _with_features(cls: type[Store]) -> type[Store]:
    """``cls`` with every feature's tables, in the order they are listed for type checkers."""
    made = _WITH_FEATURES.get(cls)
    if made is not None:
        return made
    if cls in _WITH_FEATURES.values():
        return cls
    from crampwise.storage.context_tables import ContextTables
    from crampwise.storage.devices_tables import DevicesTables
    from crampwise.storage.experiments_tables import ExperimentTables
    from crampwise.storage.feed_tables import FeedTables
    from crampwise.storage.regimen_tables import RegimenTables

    bases = (cls, RegimenTables, ContextTables, DevicesTables, ExperimentTables, FeedTables)
    made = type(cls.__name__, bases, {"__module__": cls.__module__, "__doc__": cls.__doc__})
    made.__qualname__ = cls.__qualname__
    return _WITH_FEATURES.setdefault(cls, made)


def _where(table: str) -> str:
    return _SCOPE.get(table, "diary_id = ?")


def open_store(
    db: str | os.PathLike[str] | None = None,
    *,
    auto_migrate: bool = True,
    diary_id: int = PERSONAL_DIARY,
    timeout: float | None = None,
) -> Store:
    """Open (and, on first use or after an upgrade, migrate) a diary of a database.

    ``diary_id`` picks the diary (personal mode: 1, made by the migrations); ``timeout``
    is how long to wait for a locked database or an unreachable server (default:
    ``CRAMPWISE_DB_TIMEOUT`` or 30 s).
    """
    engine = open_engine(resolve_url(db), timeout=timeout)
    store = Store(engine, diary_id)
    try:
        if auto_migrate and not is_current(engine):
            store.migrate()
        if diary_id != PERSONAL_DIARY and auto_migrate and not store.diary_exists():
            raise StorageError(f"the database {engine.label} has no diary with id {diary_id}")
    except BaseException:
        store.close()  # a refused or failed migration must not leak the connection
        raise
    return store
