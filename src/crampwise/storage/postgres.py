"""PostgreSQL connections for :mod:`crampwise.storage.engine` (psycopg), apart from the
SQLite code so that opening a personal SQLite diary (``crampwise log``) loads none of it."""

from __future__ import annotations

import time

from crampwise.errors import StorageError
from crampwise.storage.engine import RETRY_HINT, Engine

TYPE_CHECKING = False  # not typing's: no typing import for a light module
if TYPE_CHECKING:
    from typing import Any

__all__ = ["open_postgresql", "pg_error"]

#: libpq messages of a server that is not there yet (worth waiting for), not a wrong URL.
_PG_TRANSIENT = (
    "connection refused",
    "timeout expired",
    "starting up",
    "shutting down",
    "too many clients",
    "connection timed out",
    "server closed the connection",
    "no route to host",
)


def open_postgresql(url: str, timeout: float) -> Engine:
    """An Engine on the PostgreSQL server a URL names, waiting up to ``timeout`` seconds."""
    try:
        import psycopg  # noqa: F401 - checked here so a missing driver is one clear line
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise StorageError(
            "PostgreSQL needs psycopg; install crampwise[postgres]", about="db"
        ) from exc
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    label = _pg_label(conninfo)
    first = _connect_postgresql(conninfo, label, timeout)
    return Engine(
        url,
        "postgresql",
        lambda: _connect_postgresql(conninfo, label, timeout),
        first=first,
        label=label,
        timeout=timeout,
    )


def _pg_label(conninfo: str) -> str:
    """``host:port/db`` of a URL, without user or password (for messages)."""
    rest = conninfo.split("://", 1)[-1]
    return rest.split("?", 1)[0].rsplit("@", 1)[-1] or "PostgreSQL"


def _connect_postgresql(conninfo: str, label: str, timeout: float) -> Any:
    """Connect, retrying with backoff while the server is not reachable, up to ``timeout``.

    libpq's ``connect_timeout`` (whole seconds, at least 2) bounds each attempt, so a
    listener that accepts and never answers cannot hang us; the session then gets
    ``lock_timeout`` (the same limit) and a ``statement_timeout`` (4x, at least 60 s).
    """
    import psycopg

    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        remaining = deadline - time.monotonic()
        options: dict[str, Any] = {}
        if "connect_timeout" not in conninfo:
            options["connect_timeout"] = max(2, int(remaining + 0.999))
        try:
            conn = psycopg.connect(conninfo, autocommit=True, **options)
            break
        except psycopg.Error as exc:
            detail = " ".join(str(exc).split())  # libpq's message spans lines; errors are one line
            transient = any(t in detail.lower() for t in _PG_TRANSIENT)
            remaining = deadline - time.monotonic()
            if not transient or remaining <= 0:
                waited = f" within {timeout:g} s" if transient else ""
                raise StorageError(
                    f"cannot connect to PostgreSQL at {label}{waited}: {detail[:300]}; "
                    f"nothing was saved: check the server, then {RETRY_HINT}",
                    about="db",
                ) from exc
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 2.0)
    ms = int(timeout * 1000)
    try:
        conn.execute(f"SET lock_timeout = {ms}")
        conn.execute(f"SET statement_timeout = {max(ms * 4, 60000)}")
    except psycopg.Error as exc:
        conn.close()
        raise StorageError(
            f"cannot set up the PostgreSQL session at {label}: {exc}", about="db"
        ) from exc
    return conn


def pg_error(exc: Exception, engine: Engine, *, write: bool) -> Exception:
    """A psycopg error as a one-line StorageError when it is about the server (a lock
    not granted, a statement cancelled, a lost connection); others are left alone."""
    import psycopg
    from psycopg import errors

    what = "this change was NOT saved" if write else "nothing could be read"
    if isinstance(exc, errors.LockNotAvailable):
        return StorageError(engine._busy_message(write))
    if isinstance(exc, errors.QueryCanceled):
        return StorageError(
            f"the PostgreSQL server at {engine.label} did not finish in time; {what}: {RETRY_HINT}"
        )
    if isinstance(exc, psycopg.OperationalError):
        detail = " ".join(str(exc).split())[:200]
        return StorageError(
            f"lost the connection to PostgreSQL at {engine.label} ({detail}); {what}: {RETRY_HINT}"
        )
    return exc
