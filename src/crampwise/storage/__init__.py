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
    from crampwise.storage.engine import db_timeout, default_database_path, resolve_url
    from crampwise.storage.store import PERSONAL_DIARY, Store, open_store

__all__ = [
    "DATA_TABLES",
    "PERSONAL_DIARY",
    "Store",
    "db_timeout",
    "default_database_path",
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
