"""Backups of an SQLite database with SQLite's online backup API, and restoring them.

A backup is taken while the app runs: the copy is made in one step under one read
transaction (in WAL mode writers go on meanwhile), so it is a consistent snapshot of
every diary in the file, and it is written beside the target and renamed into place only
when complete and checked, so a crash leaves no half backup. The copy is a plain
single-file database (rollback journal), openable by any SQLite tool.

Restoring copies a checked backup into the live database in one write transaction
(the backup API again, in the other direction), then the caller migrates it (a backup may
come from an older crampwise). Who may open the diary - paired devices, pairing codes,
calendar feed addresses (:data:`ACCESS_TABLES`) - belongs to the installation, not to
the diary's data: the caller keeps those rows as they were (:func:`access_rows`,
:func:`put_access_rows`), so a restore never lets a revoked phone or feed back in.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile

from crampwise.errors import InputError, StorageError

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = [
    "ACCESS_TABLES",
    "access_rows",
    "backup_sqlite",
    "check_sqlite_backup",
    "is_sqlite_file",
    "put_access_rows",
    "restore_sqlite",
    "sqlite_file",
]

_HEADER = b"SQLite format 3\x00"

#: The tables that say who may open a diary (kept as they are by a restore).
ACCESS_TABLES = ("devices", "pairing_codes", "calendar_feeds")

AccessRows = dict[str, tuple[list[str], list[tuple[object, ...]]]]


def access_rows(engine: Engine) -> AccessRows:
    """Every row of the access tables of an SQLite database, with their columns."""
    kept: AccessRows = {}
    for table in ACCESS_TABLES:
        columns = [str(r[1]) for r in engine.query(f"PRAGMA table_info({table})")]
        if columns:
            rows = engine.query(f"SELECT {', '.join(columns)} FROM {table}")
            kept[table] = (columns, [tuple(r) for r in rows])
    return kept


def put_access_rows(engine: Engine, kept: AccessRows) -> None:
    """Make the access tables hold exactly ``kept`` again (inside a write), for the
    diaries the database has."""
    diaries = {int(str(r[0])) for r in engine.query("SELECT id FROM diaries")}
    for table, (columns, rows) in kept.items():
        engine.execute(f"DELETE FROM {table}")
        owner = columns.index("diary_id")
        mine = [r for r in rows if int(str(r[owner])) in diaries]
        marks = ", ".join("?" for _ in columns)
        engine.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", mine)


def sqlite_file(engine: Engine) -> str | None:
    """The file of an SQLite engine (None for PostgreSQL and ``:memory:``)."""
    if engine.dialect != "sqlite" or not engine.url.startswith("sqlite:///"):
        return None
    path = engine.url[len("sqlite:///") :]
    return None if path in ("", ":memory:") else path


def is_sqlite_file(path: str) -> bool:
    """True when ``path`` starts with the SQLite file header."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_HEADER)) == _HEADER
    except OSError:
        return False


def _connect(path: str, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def backup_sqlite(engine: Engine, target: str) -> None:
    """Copy the whole database to ``target`` (a consistent snapshot, written atomically)."""
    source_path = sqlite_file(engine)
    if source_path is None:
        raise StorageError("an SQLite backup needs a database file")
    folder = os.path.dirname(os.path.abspath(target))
    handle, partial = tempfile.mkstemp(prefix=".crampwise-backup-", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        source = _connect(source_path, engine.timeout)
        try:
            dest = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(dest)  # pages=-1: all pages in one step, one read snapshot
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                problem = dest.execute("PRAGMA integrity_check").fetchone()[0]
                if problem != "ok":
                    raise StorageError(f"the backup did not check out ({problem}); try again")
            finally:
                dest.close()
        finally:
            source.close()
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise StorageError(f"the backup failed: {exc}; nothing was written") from exc
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def check_sqlite_backup(path: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """Check that ``path`` is a sound crampwise database; returns its applied migrations.

    ``known`` are the migrations this crampwise knows: a backup made by a newer one is
    refused (this version could not read it)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError("FILE", f"cannot open {path!r} as a backup: {exc}") from None
    try:
        problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise InputError("FILE", f"{path!r} is damaged ({problem}); nothing was changed")
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_crampwise_migrations'"
        ).fetchone()
        if has_table is None:
            raise InputError("FILE", f"{path!r} is an SQLite file but not a crampwise diary")
        applied = tuple(
            str(r[0]) for r in conn.execute("SELECT name FROM _crampwise_migrations ORDER BY 1")
        )
    except sqlite3.Error as exc:
        raise InputError("FILE", f"cannot read {path!r} as a backup: {exc}") from None
    finally:
        conn.close()
    newer = [name for name in applied if name not in known]
    if newer:
        raise InputError(
            "FILE",
            f"{path!r} was made by a newer crampwise ({', '.join(newer)}); upgrade to restore it",
        )
    return applied


def restore_sqlite(engine: Engine, source_path: str) -> None:
    """Replace the whole database with a checked backup, in one transaction."""
    target = sqlite_file(engine)
    if target is None:
        raise StorageError("an SQLite restore needs a database file")
    if engine.read_only:
        raise StorageError(f"the diary {engine.label} is read-only; nothing was changed")
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            dest = _connect(target, engine.timeout)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise StorageError(f"the restore failed: {exc}; the diary was not changed") from exc
