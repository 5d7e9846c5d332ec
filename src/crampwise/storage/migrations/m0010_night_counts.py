"""Each night's number of detailed cramps, stored and kept by the database itself.

Logging a cramp answers with the night's total, which was a ``COUNT`` over the night's
episodes: its cost grew with every cramp of the night, inside the one write every other
write queues behind. ``night_counts`` holds that count per (diary, night), kept by
triggers on ``episodes`` (insert, delete, and an update that moves an episode to another
night or diary), so every writer - logging, edits, deletes, imports, wipes, and any
added later - keeps it in the same transaction, and no code path can forget it. Its
rows are independent of ``nights`` (a count may exist before its night's row, and a
night without episodes may have no row or a 0), so readers take ``COALESCE(..., 0)``.
Existing diaries are counted once here.

A later migration that rebuilds ``episodes`` (SQLite's new-table-and-rename) drops
these triggers with the old table and must create them again.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["NAME", "apply"]

NAME = "0010_night_counts"

_TABLE = """CREATE TABLE night_counts (
    diary_id INTEGER NOT NULL REFERENCES diaries(id),
    night TEXT NOT NULL,
    detailed INTEGER NOT NULL CHECK (detailed >= 0),
    PRIMARY KEY (diary_id, night)
)"""

_BACKFILL = (
    "INSERT INTO night_counts (diary_id, night, detailed) "
    "SELECT diary_id, night, COUNT(*) FROM episodes GROUP BY diary_id, night"
)

_ADD = (
    "INSERT INTO night_counts (diary_id, night, detailed) VALUES (NEW.diary_id, NEW.night, 1) "
    "ON CONFLICT (diary_id, night) DO UPDATE SET detailed = night_counts.detailed + 1;"
)
_REMOVE = (
    "UPDATE night_counts SET detailed = detailed - 1 "
    "WHERE diary_id = OLD.diary_id AND night = OLD.night;"
)

_SQLITE = (
    f"CREATE TRIGGER night_counts_insert AFTER INSERT ON episodes BEGIN {_ADD} END",
    f"CREATE TRIGGER night_counts_delete AFTER DELETE ON episodes BEGIN {_REMOVE} END",
    "CREATE TRIGGER night_counts_move AFTER UPDATE OF diary_id, night ON episodes "
    "WHEN OLD.diary_id IS NOT NEW.diary_id OR OLD.night IS NOT NEW.night "
    f"BEGIN {_REMOVE} {_ADD} END",
)

_POSTGRESQL = (
    # One function for the three events; created in the diary's schema (search_path).
    "CREATE FUNCTION crampwise_night_counts() RETURNS trigger LANGUAGE plpgsql AS $body$ "
    "BEGIN "
    f"IF TG_OP <> 'INSERT' THEN {_REMOVE} END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_ADD} END IF; "
    "RETURN NULL; "
    "END $body$",
    "CREATE TRIGGER night_counts_change AFTER INSERT OR DELETE ON episodes "
    "FOR EACH ROW EXECUTE FUNCTION crampwise_night_counts()",
    "CREATE TRIGGER night_counts_move AFTER UPDATE OF diary_id, night ON episodes FOR EACH ROW "
    "WHEN (OLD.diary_id IS DISTINCT FROM NEW.diary_id OR OLD.night IS DISTINCT FROM NEW.night) "
    "EXECUTE FUNCTION crampwise_night_counts()",
)


def apply(engine: Engine) -> None:
    """Create the table, count the episodes already stored, then the triggers (inside
    the runner's schema unit, which holds the migration lock: no write runs between)."""
    engine.execute(_TABLE)
    engine.execute(_BACKFILL)
    for statement in _SQLITE if engine.dialect == "sqlite" else _POSTGRESQL:
        engine.execute(statement)
