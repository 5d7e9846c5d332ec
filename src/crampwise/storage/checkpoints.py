"""WAL checkpoints for a server's group commit, on a thread of their own.

SQLite appends each commit to the write-ahead log and, by default, the connection whose
commit takes the log past 1,000 pages copies the log back into the database file and
fsyncs that file too (an *automatic checkpoint*) before its COMMIT returns. Under a
server's group commit that commit is a whole batch of requests, so every few dozen
batches one batch waited for two fsyncs and the copying: the slowest answers of the web
app's logging API (its 99th percentile).

Here the group commit's connections do not checkpoint (``wal_autocheckpoint = 0``) and
:class:`Checkpointer` does it beside them: its thread wakes after commits, at most every
``interval`` seconds, and runs a ``PASSIVE`` checkpoint on a connection of its own, which
neither waits for the writer nor blocks it (SQLite's WAL design: a checkpoint copies
what was committed when it began while new commits go on being appended).

**Durability is unchanged**: each COMMIT still fsyncs the log before it returns
(``synchronous = FULL``), and a checkpoint that stops half-way (the process killed) is
redone from the log when the diary is next opened. Only the log's length changes: under
a load that never pauses, passive checkpoints never catch up with the log's end, so the
log would only grow; once it holds ``truncate_at`` pages, the thread runs a ``TRUNCATE``
checkpoint instead (it waits for the batch being written, holds new ones back while it
copies, and empties the log): the pause the automatic checkpoint made every 1,000 pages,
now once per ``truncate_at``. Other programs on the same diary (the CLI) keep SQLite's
automatic checkpoints.
"""

from __future__ import annotations

import threading

TYPE_CHECKING = False  # the project's one convention (see tests/test_conventions.py)
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["INTERVAL", "TRUNCATE_AT", "Checkpointer"]

#: Seconds between checkpoints while commits keep coming.
INTERVAL = 0.25
#: Log pages (4 KiB each) at which a checkpoint also empties the log.
TRUNCATE_AT = 8000

#: What the group commit runs on its connection before each batch: no checkpoint inside
#: its commits (a connection setting; cheap, and right for a connection new to the pool).
NO_AUTOCHECKPOINT = "PRAGMA wal_autocheckpoint = 0"


class Checkpointer:
    """The checkpoint thread of one engine (see the module). ``rounds`` counts the
    checkpoints run, ``truncations`` the ones that emptied the log (for tests)."""

    def __init__(
        self, engine: Engine, *, interval: float = INTERVAL, truncate_at: int = TRUNCATE_AT
    ) -> None:
        self._engine = engine
        self.interval = interval
        self.truncate_at = truncate_at
        self._wake = threading.Event()  # commits since the last round
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.truncations = 0

    def committed(self) -> None:
        """A commit was appended to the log: checkpoint soon (starts the thread)."""
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stop.is_set():
                    thread = threading.Thread(target=self._main, name="crampwise-checkpoints")
                    thread.daemon = True  # stop() ends it; a daemon never holds up the exit
                    self._thread = thread
                    thread.start()
        self._wake.set()

    def stop(self) -> None:
        """End the thread (after the round it may be running). Closing the diary's last
        connection checkpoints what is left, as SQLite always does."""
        with self._lock:
            self._stop.set()
            thread = self._thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def run(self) -> tuple[int, int]:
        """One checkpoint now, on this thread: (pages in the log, pages copied) before
        any truncation. Errors (a busy or closed diary) are left for the next round."""
        engine = self._engine
        try:
            conn = engine._acquire(write=False)
        except Exception:
            return (0, 0)
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.rounds += 1
            log, copied = int(row[1]), int(row[2])
            if log >= self.truncate_at:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                self.truncations += 1
            return (log, copied)
        except Exception:  # busy, or the diary went away: the next round tries again
            return (0, 0)
        finally:
            engine._release(conn)

    def _main(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            self.run()
            if self._stop.wait(self.interval):  # at most one round per interval
                return
