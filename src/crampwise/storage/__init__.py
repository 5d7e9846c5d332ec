"""All SQL and schema of crampwise.

:func:`open_store` resolves ``--db``/``CRAMPWISE_DB``/the platform default, opens SQLite
(stdlib ``sqlite3``) or PostgreSQL (psycopg), and migrates the schema on first use so no
command needs ``init`` first. Nothing outside this package writes SQL.

A database holds one or more diaries (table ``diaries``; personal mode has exactly one,
id 1); a :class:`Store` is bound to one of them and sees only its rows. The
:class:`~crampwise.storage.engine.Engine` runs each unit of work (``write()``/``read()``)
on a connection of its own, so one Store may be shared by threads.

The public names load lazily (module ``__getattr__``), so importing one submodule does not
import them all.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine, db_timeout, default_database_path, resolve_url
    from crampwise.storage.store import PERSONAL_DIARY, Store, open_store

__all__ = [
    "DATA_TABLES",
    "MIGRATION_MODULES",
    "MIGRATION_NAMES",
    "PERSONAL_DIARY",
    "Store",
    "applied_migrations",
    "db_timeout",
    "default_database_path",
    "is_current",
    "open_store",
    "resolve_url",
]

#: Every table of a diary's data, children before parents (the order deletes must run in).
#: Children (episode muscles, reliefs, after-effects, trigger point ratings) belong to a
#: diary through their parent; every other table has its own ``diary_id``.
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
    "experiment_periods",
    "experiments",
)

#: The migration modules (``storage/migrations/``), oldest first. Module ``mNNNN_name``
#: has NAME ``NNNN_name``, so the status check on every open needs only these names; the
#: modules (their SQL) are imported when a migration runs or ``MIGRATIONS`` is read.
MIGRATION_MODULES = (
    "m0001_diary",
    "m0002_regimen_context",
    "m0003_diary_ids",
    "m0004_profile_pregnancy",
    "m0005_devices",
    "m0006_profile_bedtime",
    "m0007_experiments",
    "m0008_calendar_feeds",
    "m0009_regimen_every",
    "m0010_night_counts",
)
MIGRATION_NAMES: tuple[str, ...] = tuple(module[1:] for module in MIGRATION_MODULES)


def _has_table(engine: Engine) -> bool:
    if engine.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = (
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?"
        )
    return engine.query_one(sql, ("_crampwise_migrations",)) is not None


def applied_migrations(engine: Engine) -> list[tuple[str, str]]:
    """The migrations recorded in the database: (name, applied_at), by name (reads only)."""
    if not _has_table(engine):
        return []
    rows = engine.query("SELECT name, applied_at FROM _crampwise_migrations ORDER BY name")
    return [(str(r[0]), str(r[1])) for r in rows]


def is_current(engine: Engine) -> bool:
    """Whether the database's schema is this crampwise's, checked by name on every open
    (``log`` too) without the migrations' machinery: True when the database has every
    known migration and none unknown (a newer crampwise's): nothing to apply or refuse."""
    return {name for name, _ in applied_migrations(engine)} == set(MIGRATION_NAMES)


_LAZY = {
    "PERSONAL_DIARY": "crampwise.storage.store",
    "db_timeout": "crampwise.storage.engine",
    "Store": "crampwise.storage.store",
    "open_store": "crampwise.storage.store",
    "default_database_path": "crampwise.storage.engine",
    "resolve_url": "crampwise.storage.engine",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crampwise.storage' has no attribute {name!r}")
    __import__(module)
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
