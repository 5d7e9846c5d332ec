"""Database connections: SQLite (stdlib) by default, PostgreSQL (psycopg) by URL.

Both backends speak the same small interface so the rest of ``storage`` writes SQL once,
with ``?`` placeholders. SQLite is opened in WAL mode with ``synchronous=FULL``: a write
that crampwise acknowledged survives a power cut. Writes go through :meth:`Engine.write`,
the single write path (one transaction, ``BEGIN IMMEDIATE`` on SQLite so concurrent
writers queue instead of failing half-way).
"""

from __future__ import annotations

import os
import sqlite3
import sys

from crampwise.errors import StorageError

# typing, pathlib and contextlib stay off this module's imports: it is on the path of
# `crampwise log`, which should start about as fast as Python itself.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any, TypeAlias

    Row: TypeAlias = tuple[Any, ...]
    Params: TypeAlias = Sequence[Any]
else:
    Row = tuple  # the alias's run-time stand-in, for code that imports it outside type checks

__all__ = ["Engine", "Row", "open_engine", "resolve_url"]


def resolve_url(db: str | os.PathLike[str] | None) -> str:
    """Turn ``--db``/``CRAMPWISE_DB``/default into a URL (``sqlite:///…`` or ``postgresql://…``)."""
    value = os.fspath(db) if db is not None else os.environ.get("CRAMPWISE_DB") or ""
    if not value:
        value = _default_database_file("crampwise.sqlite")
    if value.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return value
    if value.startswith("sqlite://"):
        return value
    if value == ":memory:":
        return "sqlite://"
    if "://" in value:
        scheme = value.split("://", 1)[0]
        raise StorageError(
            f"--db: unsupported database URL scheme {scheme!r}; "
            "use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    return "sqlite:///" + os.path.abspath(os.path.expanduser(value))


def default_database_path(name: str = "crampwise.sqlite") -> Path:
    """The file ``name`` in the per-user data directory (platformdirs' user data dir)."""
    from pathlib import Path

    return Path(_default_database_file(name))


def _default_database_file(name: str) -> str:
    # On Linux and the BSDs this is platformdirs' user data dir done by hand (the XDG rule:
    # $XDG_DATA_HOME if absolute, else ~/.local/share): importing platformdirs costs ~25 ms
    # (typing, pathlib, tempfile …), paid by every `crampwise log` without --db.
    unix = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
    if unix and not hasattr(sys, "getandroidapilevel") and "ANDROID_ROOT" not in os.environ:
        base = os.environ.get("XDG_DATA_HOME", "")
        if not os.path.isabs(base):
            base = os.path.expanduser("~/.local/share")
        return os.path.join(base, "crampwise", name)
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("crampwise", appauthor=False), name)


class Engine:
    """One open database connection with a dialect-aware execute and one write path."""

    def __init__(self, url: str, connection: Any, dialect: str) -> None:
        self.url = url
        self.dialect = dialect  # "sqlite" or "postgresql"
        self._conn = connection
        self._in_transaction = False

    # -- reading -------------------------------------------------------------------------
    def query(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a SELECT and return all rows as tuples."""
        cur = self._execute(sql, params)
        rows = cur.fetchall()
        return [tuple(r) for r in rows]

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run a SELECT and return the first row, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """Run a SELECT and return the first column of the first row (None when no row)."""
        row = self.query_one(sql, params)
        return row[0] if row else None

    # -- writing -------------------------------------------------------------------------
    def write(self) -> _Transaction:
        """The single write path: everything inside is one transaction, all or nothing."""
        return _Transaction(self)

    def read(self) -> _Transaction:
        """A read-only transaction: everything read inside sees one consistent state."""
        return _Transaction(self, read_only=True)

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement inside :meth:`write`; returns the affected row count."""
        self._require_transaction()
        cur = self._execute(sql, params)
        return int(cur.rowcount)

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run an ``INSERT … RETURNING id`` inside :meth:`write`; returns the new id."""
        self._require_transaction()
        cur = self._execute(sql, params)
        row = cur.fetchone()
        return int(row[0])

    def insert_or_none(self, sql: str, params: Params = ()) -> int | None:
        """Run an ``INSERT … ON CONFLICT DO NOTHING RETURNING id``; None when it conflicted."""
        self._require_transaction()
        row = self._execute(sql, params).fetchone()
        return None if row is None else int(row[0])

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for many parameter rows inside :meth:`write`."""
        self._require_transaction()
        if not rows:
            return
        if self.dialect == "sqlite":
            self._conn.executemany(sql, rows)
        else:
            with self._conn.cursor() as cur:
                cur.executemany(_to_pyformat(sql), rows)

    def run_script(self, statements: Sequence[str]) -> None:
        """Run DDL inside the current transaction (both backends have transactional DDL)."""
        self._require_transaction()
        for statement in statements:
            self._execute(statement, ())

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    # -- internals -----------------------------------------------------------------------
    def _require_transaction(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("writes must happen inside Engine.write()")

    def _raw(self, sql: str) -> None:
        self._conn.execute(sql)

    def _execute(self, sql: str, params: Params) -> Any:
        try:
            if self.dialect == "sqlite":
                return self._conn.execute(sql, params)
            return self._conn.execute(_to_pyformat(sql), params)
        except sqlite3.OperationalError as exc:
            raise StorageError(f"database error: {exc}") from exc


class _Transaction:
    """``with engine.write():`` - BEGIN, then COMMIT, or ROLLBACK on any exception.

    A small class rather than ``contextlib.contextmanager``: contextlib is one more import
    on the ``log`` path. Nested use joins the outer transaction.
    """

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._outer = False
        self._read_only = read_only

    def __enter__(self) -> Engine:
        engine = self._engine
        if not engine._in_transaction:
            if self._read_only:  # a deferred SQLite read takes no write lock
                begin = (
                    "BEGIN"
                    if engine.dialect == "sqlite"
                    else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
            else:
                begin = "BEGIN IMMEDIATE" if engine.dialect == "sqlite" else "BEGIN"
            engine._raw(begin)
            engine._in_transaction = self._outer = True
        return engine

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if not self._outer:
            return
        engine = self._engine
        engine._in_transaction = False
        engine._raw("COMMIT" if exc_type is None else "ROLLBACK")


def _to_pyformat(sql: str) -> str:
    """Translate ``?`` placeholders to psycopg's ``%s`` (escaping literal percent signs)."""
    return sql.replace("%", "%%").replace("?", "%s")


def open_engine(url: str) -> Engine:
    """Open the database a URL names (creating an SQLite file and its folder if needed)."""
    if url.startswith("sqlite://"):
        return _open_sqlite(url)
    return _open_postgresql(url)


def _open_sqlite(url: str) -> Engine:
    # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db, sqlite:// = memory
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    target = path or ":memory:"
    if target != ":memory:":
        folder = os.path.dirname(target) or "."
        own_folder = folder == os.path.dirname(_default_database_file("crampwise.sqlite"))
        if own_folder:  # crampwise's own data folder is made on first use
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as exc:
                message = f"--db: cannot create the folder {folder!r}: {exc.strerror}"
                raise StorageError(message) from exc
        elif not os.path.isdir(folder):  # a typo in --db must not start a new diary somewhere
            raise StorageError(
                f"--db: the folder {folder!r} does not exist; check the path or create it first"
            )
    try:
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        if target != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # durable: fsync at every commit
    except sqlite3.Error as exc:
        raise StorageError(f"--db: cannot open SQLite database {target!r}: {exc}") from exc
    return Engine(url, conn, "sqlite")


def _open_postgresql(url: str) -> Engine:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise StorageError("--db: PostgreSQL needs psycopg; install crampwise[postgres]") from exc
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        conn = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split())  # libpq's message spans lines; errors are one line
        raise StorageError(f"--db: cannot connect to PostgreSQL: {detail}") from exc
    return Engine(url, conn, "postgresql")
