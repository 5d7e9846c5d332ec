"""The schema migrations crampwise knows, by name, and whether a database has exactly them.

Every command (``crampwise log`` too) checks the schema when it opens a diary. The check
needs only the names, so they live here, apart from :mod:`crampwise.storage.migrations`,
whose machinery (records, the backup copy, the steps) loads only when a migration runs
or its status is asked for.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["MODULES", "NAMES", "applied", "is_current"]

#: The migration modules, oldest first. Module ``mNNNN_name`` has NAME ``NNNN_name``, so
#: the status check on every open needs only these names; the modules (their SQL) are
#: imported when a migration runs or ``MIGRATIONS`` is read.
MODULES = (
    "m0001_diary",
    "m0002_regimen_context",
    "m0003_diary_ids",
    "m0004_profile_pregnancy",
    "m0005_devices",
    "m0006_profile_bedtime",
    "m0007_experiments",
    "m0008_calendar_feeds",
)
NAMES: tuple[str, ...] = tuple(module[1:] for module in MODULES)


def _has_table(engine: Engine) -> bool:
    if engine.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = (
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?"
        )
    return engine.query_one(sql, ("_crampwise_migrations",)) is not None


def applied(engine: Engine) -> list[tuple[str, str]]:
    """The migrations recorded in the database: (name, applied_at), by name (reads only)."""
    if not _has_table(engine):
        return []
    rows = engine.query("SELECT name, applied_at FROM _crampwise_migrations ORDER BY name")
    return [(str(r[0]), str(r[1])) for r in rows]


def is_current(engine: Engine) -> bool:
    """True when the database has every known migration and none unknown (a newer
    crampwise's): nothing to apply, nothing to refuse."""
    return {name for name, _ in applied(engine)} == set(NAMES)
