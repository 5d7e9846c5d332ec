"""Database connections: SQLite (stdlib) by default, PostgreSQL (psycopg) by URL.

Both backends speak the same small interface so the rest of ``storage`` writes SQL once,
with ``?`` placeholders. SQLite is opened in WAL mode with ``synchronous=FULL``: a write
that crampwise acknowledged survives a power cut.

**Units of work.** Every :meth:`Engine.write` and :meth:`Engine.read` block runs on one
connection of its own, taken from a small pool for the block's duration and tracked per
thread, so several threads (a web server's workers) can share one Engine. A standalone
query outside a block borrows a connection just for that query. Writes are one
transaction each (``BEGIN IMMEDIATE`` on SQLite, so concurrent writers queue instead of
failing half-way; on PostgreSQL an advisory lock per diary gives the same queueing).
A server turns on **group commit** on SQLite (:meth:`Engine.enable_group_commit`,
``storage/groupcommit.py``): the write units of a burst share one transaction and one
fsync, each answered only once it is committed; the write-ahead log is then copied back
into the database file by a thread of its own (``storage/checkpoints.py``).

**Waiting.** A locked database or an unreachable server is waited for, with backoff, up to
:func:`db_timeout` seconds (env ``CRAMPWISE_DB_TIMEOUT``, default 30); then a one-line
:class:`StorageError` says that nothing was saved and how to retry.

**Read-only files.** An SQLite diary that cannot be written (read-only file, folder or
mount) is opened read-only: reads work, writes fail with a message naming the file.
"""

from __future__ import annotations

import _thread  # the C module under threading: locks and thread-locals at no import cost
import os
import sqlite3
import sys
import time

from crampwise.errors import StorageError

# typing, pathlib and contextlib stay off this module's imports: it is on the path of
# `crampwise log`, which should start about as fast as Python itself.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any, TypeAlias

    from crampwise.storage.groupcommit import Batch, GroupCommit

    Row: TypeAlias = tuple[Any, ...]
    Params: TypeAlias = Sequence[Any]
else:
    Row = tuple  # the alias's run-time stand-in, for code that imports it outside type checks

__all__ = [
    "DEFAULT_DB_TIMEOUT",
    "RETRY_HINT",
    "Engine",
    "Row",
    "db_timeout",
    "default_database_path",
    "open_engine",
    "resolve_url",
]

#: Seconds to wait for a locked database or an unreachable server (env CRAMPWISE_DB_TIMEOUT).
DEFAULT_DB_TIMEOUT = 30.0

#: Idle connections an Engine keeps for the next unit of work (more are closed on release).
_POOL_IDLE = 4

RETRY_HINT = "run the same command again (CRAMPWISE_DB_TIMEOUT sets how many seconds to wait)"


def db_timeout() -> float:
    """How long to wait for the database, in seconds: ``CRAMPWISE_DB_TIMEOUT`` or 30."""
    raw = os.environ.get("CRAMPWISE_DB_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_DB_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 86400:
        raise StorageError(
            f"CRAMPWISE_DB_TIMEOUT: {raw[:40]!r} is not a number of seconds "
            "(more than 0, at most 86400)"
        )
    return value


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
            f"unsupported database URL scheme {scheme!r}; "
            "use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
            about="db",
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


def _tuples(rows: list[Any]) -> list[Row]:
    """Rows as tuples: both drivers return tuples already, and copying ten years of
    nights row by row is wasted work."""
    if not rows or type(rows[0]) is tuple:
        return rows
    return [tuple(r) for r in rows]


class Engine:
    """A database: a pool of connections, units of work on them, and a dialect-aware execute.

    ``connect`` opens one new connection; ``first`` is an already open one (opening it
    first surfaces a bad path or URL at once). ``single`` (SQLite ``:memory:``, where each
    connection would be a separate database) keeps exactly one connection that units take
    turns on.
    """

    def __init__(
        self,
        url: str,
        dialect: str,
        connect: Callable[[], Any],
        *,
        first: Any = None,
        label: str = "",
        read_only: bool = False,
        timeout: float = DEFAULT_DB_TIMEOUT,
        single: bool = False,
    ) -> None:
        self.url = url
        self.dialect = dialect  # "sqlite" or "postgresql"
        self.label = label or url  # the file or server, for messages
        self.read_only = read_only
        self.timeout = timeout
        self._connect = connect
        self._idle: list[Any] = [] if first is None else [first]
        self._mutex = _thread.allocate_lock()
        self._turn = _thread.allocate_lock() if single else None
        # SQLite has one writer at a time: threads of this process queue here, in order,
        # instead of polling SQLite's busy handler (whose sleeps grow to 100 ms and make
        # the slowest of many concurrent writes wait far longer than the queue is long).
        self._writer = _thread.allocate_lock() if dialect == "sqlite" and not single else None
        self._single = first if single else None
        self._local = _thread._local()
        self._closed = False
        self._group: GroupCommit | None = None  # see enable_group_commit

    def enable_group_commit(self) -> bool:
        """Let concurrent write units share one transaction and one fsync (SQLite files;
        see ``storage/groupcommit.py``). For servers: a CLI process writes one unit and
        keeps its own commit. Returns whether group commit is on (never on PostgreSQL,
        whose writers commit in parallel, nor on ``:memory:`` or a read-only file)."""
        if self._writer is None or self.read_only:
            return False
        if self._group is None:
            from crampwise.storage.groupcommit import GroupCommit

            self._group = GroupCommit(self, self._writer)
        return True

    @property
    def group_commit(self) -> GroupCommit | None:
        """The group commit in use, or None."""
        return self._group

    # -- reading -------------------------------------------------------------------------
    def query(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a SELECT and return all rows as tuples."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return _tuples(self._execute(conn, sql, params).fetchall())
        conn = self._acquire(write=False)
        try:
            return _tuples(self._execute(conn, sql, params).fetchall())
        finally:
            self._release(conn)

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run a SELECT and return the first row, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """Run a SELECT and return the first column of the first row (None when no row)."""
        row = self.query_one(sql, params)
        return row[0] if row else None

    # -- units of work -------------------------------------------------------------------
    def write(self, lock: int | None = None) -> _Unit:
        """The single write path: everything inside is one transaction, all or nothing.

        ``lock`` (a diary id) serialises the writes of one diary on PostgreSQL, as SQLite's
        database lock does, so read-then-write steps cannot interleave.
        """
        return _Unit(self, "write", lock)

    def read(self) -> _Unit:
        """A read-only transaction: everything read inside sees one consistent state."""
        return _Unit(self, "read", None)

    def schema_write(self) -> _Unit:
        """A write that may change the schema, holding the migration lock.

        SQLite: foreign keys off for the unit (a table rebuild drops and renames tables;
        ``PRAGMA foreign_keys`` cannot change inside a transaction), ``BEGIN IMMEDIATE``,
        and ``PRAGMA foreign_key_check`` before COMMIT. PostgreSQL: a transaction-level
        advisory lock per schema.
        """
        return _Unit(self, "schema", None)

    @property
    def in_unit(self) -> bool:
        """True inside a write or read unit on this thread."""
        return getattr(self._local, "conn", None) is not None

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement inside :meth:`write`; returns the affected row count."""
        return int(self._execute(self._writing(), sql, params).rowcount)

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run an ``INSERT … RETURNING id`` inside :meth:`write`; returns the new id."""
        row = self._execute(self._writing(), sql, params).fetchone()
        return int(row[0])

    def insert_or_none(self, sql: str, params: Params = ()) -> int | None:
        """Run an ``INSERT … ON CONFLICT DO NOTHING RETURNING id``; None when it conflicted."""
        row = self._execute(self._writing(), sql, params).fetchone()
        return None if row is None else int(row[0])

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for many parameter rows inside :meth:`write`."""
        conn = self._writing()
        if not rows:
            return
        try:
            if self.dialect == "sqlite":
                conn.executemany(sql, rows)
            else:
                with conn.cursor() as cur:
                    cur.executemany(_to_pyformat(sql), rows)
        except Exception as exc:
            raise self._translate(exc, write=True) from exc

    def run_script(self, statements: Sequence[str]) -> None:
        """Run DDL inside the current transaction (both backends have transactional DDL)."""
        conn = self._writing()
        for statement in statements:
            self._execute(conn, statement, ())

    def close(self) -> None:
        """Close the idle connections; connections in use close when their unit ends."""
        if self._group is not None:
            self._group.checkpoints.stop()
        with self._mutex:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # -- connections ---------------------------------------------------------------------
    def _acquire(self, *, write: bool) -> Any:
        if self._turn is not None:
            if not self._turn.acquire(True, self.timeout):
                raise StorageError(self._busy_message(write))
            return self._single
        with self._mutex:
            if self._closed:
                raise StorageError(f"the diary {self.label} is closed")
            while self._idle:
                conn = self._idle.pop()
                if not getattr(conn, "closed", False):  # a psycopg connection the server dropped
                    return conn
        return self._connect()

    def _release(self, conn: Any) -> None:
        if self._turn is not None:
            self._turn.release()
            return
        with self._mutex:
            keep = not self._closed and len(self._idle) < _POOL_IDLE
            if keep:
                self._idle.append(conn)
        if not keep:
            conn.close()

    # -- internals -----------------------------------------------------------------------
    def _writing(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.kind == "read":
            raise RuntimeError("writes must happen inside Engine.write()")
        return conn

    def _execute(self, conn: Any, sql: str, params: Params) -> Any:
        try:
            if self.dialect == "sqlite":
                return conn.execute(sql, params)
            return conn.execute(_to_pyformat(sql), params)
        except Exception as exc:
            kind = getattr(self._local, "kind", "read") if self.in_unit else "read"
            raise self._translate(exc, write=kind != "read") from exc

    def _translate(self, exc: Exception, *, write: bool) -> Exception:
        """A database error as a one-line StorageError when it is about the database
        (locked, read-only, timed out, connection lost); other errors are left alone."""
        if isinstance(exc, StorageError):
            return exc
        if self.dialect == "sqlite":
            if not isinstance(exc, sqlite3.OperationalError):
                return exc
            text = str(exc)
            if "locked" in text or "busy" in text:
                return StorageError(self._busy_message(write))
            if "readonly" in text or "read-only" in text:
                return StorageError(self._read_only_message())
            lost = "; this change was NOT saved" if write else ""
            return StorageError(f"database error on {self.label}: {text}{lost}")
        from crampwise.storage.postgres import pg_error  # not on SQLite's path

        return pg_error(exc, self, write=write)

    def _busy_message(self, write: bool) -> str:
        what = "this change was NOT saved" if write else "nothing could be read"
        return (
            f"the diary {self.label} stayed locked by another program for "
            f"{self.timeout:g} s; {what}: {RETRY_HINT}"
        )

    def _read_only_message(self) -> str:
        return (
            f"the diary {self.label} is read-only (file, folder or disk); nothing was saved: "
            "make it writable or copy it somewhere writable"
        )


class _Unit:
    """``with engine.write():`` - one connection, BEGIN, then COMMIT, or ROLLBACK on error.

    A small class rather than ``contextlib.contextmanager``: contextlib is one more import
    on the ``log`` path. A unit nested in another on the same thread joins it.
    """

    def __init__(self, engine: Engine, kind: str, lock: int | None) -> None:
        self._engine = engine
        self._kind = kind  # "write", "read" or "schema"
        self._lock = lock
        self._outer = False
        self._batch: Batch | None = None  # the shared transaction, under group commit

    def __enter__(self) -> Engine:
        engine = self._engine
        local = engine._local
        if getattr(local, "conn", None) is not None:
            if self._kind != "read" and local.kind == "read":
                raise RuntimeError("a write cannot start inside Engine.read()")
            return engine
        writing = self._kind != "read"
        if writing and engine.read_only:
            raise StorageError(engine._read_only_message())
        group = engine._group
        if group is not None and self._kind == "write":
            self._batch = group.enter()
            local.conn, local.kind = self._batch.conn, "write"
            self._outer = True
            return engine
        queue = engine._writer if writing else None
        if queue is not None and not queue.acquire(True, engine.timeout):
            raise StorageError(engine._busy_message(True))
        try:
            if group is not None and writing:
                group.flush()  # a schema change commits the pending batch and goes alone
            conn = engine._acquire(write=writing)
            try:
                _begin(engine, conn, self._kind, self._lock)
            except BaseException:
                engine._release(conn)
                raise
        except BaseException:
            if queue is not None:
                queue.release()
            raise
        local.conn, local.kind = conn, self._kind
        self._outer = True
        return engine

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if not self._outer:
            return
        engine = self._engine
        conn = engine._local.conn
        engine._local.conn = None
        if self._batch is not None and engine._group is not None:
            engine._group.exit(self._batch, ok=exc_type is None)
            return
        try:
            _end(engine, conn, self._kind, commit=exc_type is None)
        finally:
            engine._release(conn)
            if self._kind != "read" and engine._writer is not None:
                engine._writer.release()


def _begin(engine: Engine, conn: Any, kind: str, lock: int | None) -> None:
    if engine.dialect == "sqlite":
        if kind == "read":  # a deferred SQLite read takes no write lock
            conn.execute("BEGIN")
            return
        if kind == "schema":
            conn.execute("PRAGMA foreign_keys = OFF")
        _sqlite_begin_immediate(engine, conn)
        return
    try:
        if kind == "read":
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return
        conn.execute("BEGIN")
        if kind == "schema":
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('crampwise-schema:' || current_schema()))"
            )
        elif lock is not None:
            conn.execute(
                "SELECT pg_advisory_xact_lock("
                "hashtext('crampwise-diary:' || current_schema()), %s)",
                (lock,),
            )
    except BaseException as exc:
        _rollback_quietly(conn)
        if isinstance(exc, Exception):
            raise engine._translate(exc, write=kind != "read") from exc
        raise


def _sqlite_begin_immediate(engine: Engine, conn: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting up to the engine's timeout.

    SQLite's busy handler (``busy_timeout``) already waits with backoff; this loop covers
    the busy answers that come back early (WAL recovery, a journal-mode change).
    """
    deadline = time.monotonic() + engine.timeout
    delay = 0.005
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" not in text and "busy" not in text:
                raise engine._translate(exc, write=True) from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StorageError(engine._busy_message(True)) from exc
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.25)


def _end(engine: Engine, conn: Any, kind: str, *, commit: bool) -> None:
    if not commit:
        _rollback_quietly(conn)
        if kind == "schema" and engine.dialect == "sqlite":
            conn.execute("PRAGMA foreign_keys = ON")
        return
    try:
        if kind == "schema" and engine.dialect == "sqlite":
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                _rollback_quietly(conn)
                first = broken[0]
                raise StorageError(
                    f"schema change refused: {len(broken)} row(s) break a foreign key "
                    f"(first: table {first[0]} row {first[1]} → {first[2]}); nothing changed"
                )
        conn.execute("COMMIT")
    except StorageError:
        raise
    except Exception as exc:
        _rollback_quietly(conn)
        raise engine._translate(exc, write=kind != "read") from exc
    finally:
        if kind == "schema" and engine.dialect == "sqlite":
            conn.execute("PRAGMA foreign_keys = ON")


def _rollback_quietly(conn: Any) -> None:
    try:
        conn.execute("ROLLBACK")
    except Exception:  # contextlib.suppress would import contextlib on the `log` path
        return  # no transaction open, or the connection is gone


_Transaction = _Unit  # the name before units of work had their own connection


def _to_pyformat(sql: str) -> str:
    """Translate ``?`` placeholders to psycopg's ``%s`` (escaping literal percent signs)."""
    return sql.replace("%", "%%").replace("?", "%s")


def open_engine(url: str, *, timeout: float | None = None) -> Engine:
    """Open the database a URL names (creating an SQLite file and its folder if needed).

    ``timeout`` (seconds to wait for locks and servers) defaults to :func:`db_timeout`.
    """
    wait = db_timeout() if timeout is None else timeout
    if url.startswith("sqlite://"):
        return _open_sqlite(url, wait)
    from crampwise.storage.postgres import open_postgresql  # not on SQLite's path

    return open_postgresql(url, wait)


# -- SQLite ------------------------------------------------------------------------------
def _open_sqlite(url: str, timeout: float) -> Engine:
    # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db, sqlite:// = memory
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    target = path or ":memory:"
    read_only = False
    if target != ":memory:":
        folder = os.path.dirname(target) or "."
        own_folder = folder == os.path.dirname(_default_database_file("crampwise.sqlite"))
        if own_folder:  # crampwise's own data folder is made on first use
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as exc:
                message = f"cannot create the folder {folder!r}: {exc.strerror}"
                raise StorageError(message, about="db") from exc
        elif not os.path.isdir(folder):  # a typo in --db must not start a new diary somewhere
            raise StorageError(
                f"the folder {folder!r} does not exist; check the path or create it first",
                about="db",
            )
        # access() answers for this process: a read-only mount is unwritable even for root,
        # a chmod'ed file only for others. WAL writes need the folder too (-wal, -shm files).
        read_only = os.path.exists(target) and not (
            os.access(target, os.W_OK) and os.access(folder, os.W_OK)
        )
    ms = int(timeout * 1000)
    if read_only:
        from crampwise.storage.sqlite_edges import connect_read_only

        first = connect_read_only(target, ms)
        connect: Callable[[], Any] = lambda: connect_read_only(target, ms)  # noqa: E731
    else:
        first = _connect_sqlite(target, ms, timeout)
        connect = lambda: _connect_sqlite(target, ms, timeout)  # noqa: E731
    return Engine(
        url,
        "sqlite",
        connect,
        first=first,
        label=target,
        read_only=read_only,
        timeout=timeout,
        single=target == ":memory:",
    )


def _connect_sqlite(target: str, ms: int, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            try:
                conn.execute(f"PRAGMA busy_timeout = {ms}")
                conn.execute("PRAGMA foreign_keys = ON")
                if target != ":memory:":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")  # durable: fsync at every commit
            except BaseException:
                conn.close()
                raise
            return conn
        except sqlite3.OperationalError as exc:
            # A brand-new file being set up by another process answers "locked" for a moment.
            text = str(exc)
            if ("locked" in text or "busy" in text) and time.monotonic() < deadline:
                time.sleep(0.02)
                continue
            from crampwise.storage.sqlite_edges import open_error

            raise open_error(target, exc, timeout) from exc
        except sqlite3.Error as exc:
            from crampwise.storage.sqlite_edges import open_error

            raise open_error(target, exc, timeout) from exc
