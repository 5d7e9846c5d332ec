"""All SQL and schema of crampwise.

:func:`open_store` resolves ``--db``/``CRAMPWISE_DB``/the platform default, opens SQLite
(stdlib ``sqlite3``) or PostgreSQL (psycopg), and migrates the schema on first use so no
command needs ``init`` first. Nothing outside this package writes SQL.

The public names load lazily (module ``__getattr__``), so importing one submodule does not
import them all.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.storage.engine import default_database_path, resolve_url
    from crampwise.storage.store import Store, open_store

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

_LAZY = {
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
