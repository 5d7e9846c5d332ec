"""Group commit for SQLite: concurrent write units share one transaction and one fsync.

Each durable SQLite commit is an fsync of the write-ahead log (milliseconds on a real
disk), and SQLite has one writer at a time: a web server whose threads each commit on
their own can commit only a few hundred cramps a second, and 32 concurrent ones queue
behind 31 fsyncs. With group commit (:meth:`Engine.enable_group_commit`, used by the web
app; the CLI writes one unit per process and keeps its own transaction):

* Write units still run one at a time (they take turns on the engine's writer lock), but
  on one shared connection whose transaction stays open from unit to unit: each unit is
  a ``SAVEPOINT``. A unit that fails is rolled back to its savepoint alone; the units
  before and after it in the batch keep their work.
* A unit that ends while other units are queued for their turn leaves the transaction
  open for them and waits; the last unit of the burst (nobody queued), or the one that
  finds the batch at its size or age limit, commits the whole batch with one fsync.
* **No unit returns before its batch is committed** (a failed one too, so what it read
  is durable when it answers). If the commit fails, or SQLite ends the transaction
  itself (a full disk, an I/O error), every unit of the batch gets a :class:`StorageError`
  saying that nothing was saved: nothing acknowledged is ever lost.

Schema units (migrations) never join a batch: they commit the pending batch first.

**A dedicated writer thread** (the web app's ``web/writer.py``) can run its units one
after another without waiting for each commit: :meth:`GroupCommit.defer_on_this_thread`
makes that thread's units leave their batch open and list it in :attr:`deferred`; the
thread commits with :meth:`GroupCommit.settle` when its queue runs dry, and answers each
unit only once its batch is done (committed, or given up with ``Batch.error``). Units of
other threads still join the same batches and wait as above.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from crampwise.errors import StorageError
from crampwise.storage.checkpoints import NO_AUTOCHECKPOINT, Checkpointer
from crampwise.storage.engine import _rollback_quietly, _sqlite_begin_immediate

TYPE_CHECKING = False  # the project's one convention (see tests/test_conventions.py)
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["MAX_AGE", "MAX_BATCH", "Batch", "GroupCommit"]

#: At most this many units share one commit ...
MAX_BATCH = 64
#: ... and a batch this old (seconds) is committed before another unit joins it, so a
#: steady stream of writers cannot keep the first one waiting.
MAX_AGE = 0.010

#: How often a unit waiting for its batch's commit checks that someone will commit it.
_RESCUE_EVERY = 0.05

_SAVEPOINT = "SAVEPOINT crampwise_unit"
_RELEASE = "RELEASE crampwise_unit"
_ROLLBACK_TO = "ROLLBACK TO crampwise_unit"


class Batch:
    """Units sharing one open transaction on one connection, and how it ended."""

    __slots__ = ("conn", "done", "error", "started", "units")

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.started = time.monotonic()
        self.units = 0  # units that ended in this batch (kept or rolled back)
        self.done = threading.Event()  # set once committed, or given up
        self.error: StorageError | None = None  # why nothing of it was saved


class GroupCommit:
    """The group commit of one SQLite engine (see the module).

    ``turn`` is the engine's writer lock, shared with the units that do not join
    batches (schema changes). ``batches`` and ``units`` count commits and committed
    units, for tests and benchmarks.
    """

    def __init__(
        self, engine: Engine, turn: Any, *, max_batch: int = MAX_BATCH, max_age: float = MAX_AGE
    ) -> None:
        self._engine = engine
        self._turn = turn
        self._count = threading.Lock()
        self._waiting = 0  # units blocked on the turn (they will continue the batch)
        self._batch: Batch | None = None
        self.max_batch = max_batch
        self.max_age = max_age
        self.batches = 0
        self.units = 0
        self._deferring: int | None = None  # the thread whose units do not wait
        self.deferred: list[Batch] = []  # batches its units ended in (it takes them)
        # the log is copied back into the database beside the batches, not in their
        # commits (storage/checkpoints.py)
        self.checkpoints = Checkpointer(engine)

    @property
    def waiting(self) -> int:
        """Write units queued for their turn right now."""
        return self._waiting

    def defer_on_this_thread(self, on: bool = True) -> None:
        """Let this thread's units return without waiting for their commit (see the
        module); the thread then owes :meth:`settle` for every batch in ``deferred``."""
        me = threading.get_ident()
        if on:
            self._deferring = me
        elif self._deferring == me:  # a thread that ends after its successor started
            self._deferring = None

    def settle(self, batches: Iterable[Batch]) -> None:
        """Commit whichever of ``batches`` is still open (waiting for the turn), so that
        each is done - committed, or given up with its ``error`` - when this returns."""
        open_ = [b for b in batches if not b.done.is_set()]
        if not open_:
            return
        if not self._turn.acquire(True, self._engine.timeout):
            raise StorageError(self._engine._busy_message(True))
        try:
            if self._batch is not None and any(b is self._batch for b in open_):
                self._commit()
        finally:
            self._turn.release()

    def abandon(self, batches: Iterable[Batch]) -> None:
        """Roll back whichever of ``batches`` is still open (a writer thread that stops
        before settling): nothing of it is saved and its units are told so."""
        open_ = [b for b in batches if not b.done.is_set()]
        if not open_:
            return
        if not self._turn.acquire(True, self._engine.timeout):
            return  # the turn's holder commits or abandons the batch itself
        try:
            batch = self._batch
            if batch is None or not any(b is batch for b in open_):
                return
            self._batch = None
            _rollback_quietly(batch.conn)
            batch.error = StorageError(
                f"database error on {self._engine.label}: the server's writer stopped; "
                "this change was NOT saved"
            )
            self._engine._release(batch.conn)
            batch.done.set()
        finally:
            self._turn.release()

    # -- a unit ----------------------------------------------------------------------------
    def enter(self) -> Batch:
        """Wait for the turn, then join the open batch (or begin one) at a new savepoint."""
        engine = self._engine
        with self._count:
            self._waiting += 1
        try:
            got = self._turn.acquire(True, engine.timeout)
        finally:
            with self._count:
                self._waiting -= 1
        if not got:
            raise StorageError(engine._busy_message(True))
        try:
            batch = self._batch
            if batch is not None and self._full(batch):
                self._commit()
                batch = None
            if batch is None:
                conn = engine._acquire(write=True)
                try:
                    conn.execute(NO_AUTOCHECKPOINT)
                    _sqlite_begin_immediate(engine, conn)
                except BaseException:
                    engine._release(conn)
                    raise
                batch = self._batch = Batch(conn)
            try:
                batch.conn.execute(_SAVEPOINT)
            except Exception as exc:
                raise engine._translate(exc, write=True) from exc
        except BaseException:
            self._pass_turn()
            raise
        return batch

    def exit(self, batch: Batch, *, ok: bool) -> None:
        """End a unit: keep its savepoint (``ok``) or roll back to it; then commit the
        batch or leave it to the next queued unit, and return once the batch is done.

        Raises StorageError when ``ok`` and the batch could not be committed (nothing of
        it was saved). A failed unit's own exception is the caller's to re-raise.
        """
        engine = self._engine
        conn = batch.conn
        problem: Exception | None = None
        try:
            if ok:
                conn.execute(_RELEASE)
            else:
                conn.execute(_ROLLBACK_TO)
                conn.execute(_RELEASE)
        except Exception as exc:
            problem = exc
        if not conn.in_transaction:
            # SQLite ended the whole transaction (a full disk, an I/O error, a ROLLBACK):
            # the batch's earlier units are gone with it and must not be acknowledged.
            self._batch = None
            batch.error = StorageError(
                f"database error on {engine.label}: the transaction was rolled back; "
                "this change was NOT saved"
            )
            engine._release(conn)
            batch.done.set()
            self._turn.release()
            if ok:
                raise batch.error from problem
            return
        if problem is not None and ok:
            # The savepoint could not be kept: undo this unit alone, keep the batch.
            try:
                conn.execute(_ROLLBACK_TO)
                conn.execute(_RELEASE)
            except Exception:  # the transaction check above already caught a lost batch
                pass
            batch.units += 1
            self._pass_turn()
            raise engine._translate(problem, write=True) from problem
        batch.units += 1
        if ok:
            self.units += 1
        if self._deferring is not None and self._deferring == threading.get_ident():
            # the writer thread commits later (settle) and answers its units then
            self.deferred.append(batch)
            self._turn.release()
            return
        with self._count:
            alone = self._waiting == 0
        if alone or self._full(batch):
            self._commit()
        self._turn.release()
        self._wait(batch)
        if ok and batch.error is not None:
            raise batch.error

    def flush(self) -> None:
        """Commit the open batch now (the caller holds the turn: a schema unit)."""
        if self._batch is not None:
            self._commit()

    # -- internals -------------------------------------------------------------------------
    def _full(self, batch: Batch) -> bool:
        if batch.units >= self.max_batch:
            return True
        if self._deferring == threading.get_ident():
            # the writer thread commits when its queue runs dry: an age limit would only
            # add fsyncs in the middle of a burst (its batches stay under max_batch)
            return False
        return time.monotonic() - batch.started >= self.max_age

    def _commit(self) -> None:
        """COMMIT the open batch (the caller holds the turn) and wake its units."""
        batch = self._batch
        if batch is None:
            return
        self._batch = None
        engine = self._engine
        try:
            batch.conn.execute("COMMIT")
            self.batches += 1
            self.checkpoints.committed()
        except Exception as exc:
            _rollback_quietly(batch.conn)
            text = " ".join(str(exc).split())[:200]
            batch.error = StorageError(
                f"database error on {engine.label} while saving: {text}; this change was NOT saved"
            )
        finally:
            engine._release(batch.conn)
            batch.done.set()

    def _pass_turn(self) -> None:
        """Release the turn after a unit that never joined the batch; an open batch is
        committed unless a queued unit will continue it."""
        with self._count:
            alone = self._waiting == 0
        if alone and self._batch is not None:
            self._commit()
        self._turn.release()

    def _wait(self, batch: Batch) -> None:
        """Until the batch is done. Normally the last unit of the batch commits it; if
        a queued unit gave up waiting for its turn, nobody would, so a unit that finds
        the turn free while its batch is still open commits it itself."""
        while not batch.done.wait(_RESCUE_EVERY):
            if self._turn.acquire(False):
                try:
                    if self._batch is batch:
                        self._commit()
                finally:
                    self._turn.release()
