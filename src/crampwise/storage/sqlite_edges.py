"""Opening an SQLite diary off the ordinary path: a file that cannot be written, and the
one-line error for a file that cannot be opened at all.

Apart from :mod:`crampwise.storage.engine` so that opening a writable diary (every
``crampwise log``) loads neither.
"""

from __future__ import annotations

import sqlite3

from crampwise.errors import StorageError
from crampwise.storage.engine import RETRY_HINT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["connect_read_only", "open_error"]


def connect_read_only(target: str, ms: int) -> Any:
    """Open a diary that cannot be written: ``mode=ro``, else ``immutable=1``.

    A WAL diary opened ``mode=ro`` needs its ``-shm`` file (or the right to create it);
    on a read-only mount neither exists, and ``immutable=1`` (no locking, no WAL) is how
    SQLite reads a file nothing can change.
    """
    uri = "file:" + target.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    last: sqlite3.Error | None = None
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(
                uri + query, uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute(f"PRAGMA busy_timeout = {ms}")
            conn.execute("PRAGMA schema_version").fetchone()  # opens the file for real
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            continue
        return conn
    raise StorageError(f"cannot open the read-only SQLite database {target!r}: {last}")


def open_error(target: str, exc: sqlite3.Error, timeout: float) -> StorageError:
    """What a diary file that cannot be opened gets: locked for too long, or why not."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StorageError(
            f"the diary {target} stayed locked by another program for {timeout:g} s; "
            f"nothing was saved: {RETRY_HINT}"
        )
    return StorageError(f"cannot open SQLite database {target!r}: {text}", about="db")
