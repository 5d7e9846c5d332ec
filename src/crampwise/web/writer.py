"""One dedicated writer thread for the web app's logging writes, fed by a queue.

Under load, each cramp logged through the thread pool cost two thread hand-offs and a
wake-up per commit for every waiting thread (32 threads taking turns on the writer lock
and the GIL). Here the event loop puts the write (a plain function calling the Tracker)
on a queue and awaits a future; one thread runs the queued writes one after another,
each a unit of its own (``storage/groupcommit.py``: a savepoint in the open batch, a
failing one rolled back alone), and when the queue runs dry - or the batch is full or
old - commits them together with one fsync. Only then is each future resolved, with
``loop.call_soon_threadsafe``, once per batch: **nothing is answered before its commit**,
and a write that failed gets its own exception, after the commit too.

If the thread stops (a ``BaseException`` such as ``SystemExit`` in a write, or a bug
here), the batch it left open is rolled back and every write of that batch is told
that nothing was saved (``StorageError``, 503); the writes still queued, and later
ones, go to a new thread. ``stop()`` (the app's shutdown) answers everything queued, then ends it.

Only for SQLite with group commit (one writer at a time anyway); on PostgreSQL, whose
writers commit in parallel, the app keeps the thread pool.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from queue import SimpleQueue
from typing import Any, Protocol

from crampwise.errors import StorageError

__all__ = ["Group", "Writer"]

_STOP = object()


class Group(Protocol):
    """What the writer needs of ``storage.groupcommit.GroupCommit`` (the web layer does
    not import storage; the Tracker hands the group commit over). Its batches have
    ``done`` (an event) and ``error``."""

    deferred: list[Any]

    def defer_on_this_thread(self, on: bool = True) -> None: ...

    def settle(self, batches: Iterable[Any]) -> None: ...

    def abandon(self, batches: Iterable[Any]) -> None: ...


class _Job:
    __slots__ = ("batches", "error", "fn", "future", "loop", "result")

    def __init__(self, fn: Callable[[], Any], future: asyncio.Future[Any]) -> None:
        self.fn = fn
        self.future = future
        self.loop = future.get_loop()
        self.result: Any = None
        self.error: BaseException | None = None
        self.batches: list[Any] = []


class Writer:
    """The writer thread of one group commit (see the module).

    ``jobs`` and ``rounds`` count writes run and commit rounds, for tests."""

    def __init__(self, group: Group, *, name: str = "crampwise-writer") -> None:
        self._group = group
        self._name = name
        self._queue: SimpleQueue[Any] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # starting and ending the thread vs queueing
        self.jobs = 0
        self.rounds = 0

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    async def run(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the writer thread; its result once its writes are committed."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.submit(fn, future)
        return await future

    def submit(self, fn: Callable[[], Any], future: asyncio.Future[Any]) -> None:
        """Queue ``fn``; ``future`` (of a running loop) gets its result or exception."""
        job = _Job(fn, future)
        with self._lock:
            if self._thread is None:
                self._spawn()
            self._queue.put(job)

    @property
    def queued(self) -> int:
        """Writes waiting for the thread (not counting the one it runs)."""
        return self._queue.qsize()

    def stop(self, timeout: float | None = None) -> None:
        """Answer every queued write (committed), then end the thread (a later write
        starts a new one)."""
        thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)

    # -- the thread ------------------------------------------------------------------------
    def _spawn(self) -> None:
        """Start the thread (the caller holds the lock)."""
        thread = threading.Thread(target=self._main, name=self._name)
        thread.daemon = True  # stop() ends it; a daemon never holds up the exit
        self._thread = thread
        thread.start()

    def _main(self) -> None:
        group = self._group
        group.defer_on_this_thread()
        pending: list[_Job] = []
        queue = self._queue
        try:
            while True:
                item = queue.get()
                while item is not _STOP:
                    pending.append(item)
                    if not self._run(item):
                        return  # (the finally below: this thread is done for)
                    if queue.empty():
                        break
                    item = queue.get()
                if pending:
                    self._settle(pending)
                    pending = []
                if item is _STOP:
                    with self._lock:  # no write can be queued while the thread ends
                        if queue.empty():
                            self._thread = None
                            return
        finally:
            group.defer_on_this_thread(False)
            if self._thread is threading.current_thread():  # it died
                with self._lock:
                    self._fail(pending, group)
                    self._thread = None
                    if not queue.empty():  # writes queued behind the failure: a new thread
                        self._spawn()

    def _run(self, job: _Job) -> bool:
        """Run one write; False when it raised what must stop the thread (SystemExit
        and the like: its writes and the open batch's are then not saved)."""
        group = self._group
        group.deferred = []
        try:
            job.result = job.fn()
        except Exception as exc:  # the write's own error, answered after the commit
            job.error = exc
        except BaseException as exc:
            job.error = exc
            return False
        finally:
            job.batches = group.deferred
            group.deferred = []
            self.jobs += 1
        return True

    def _settle(self, jobs: list[_Job]) -> None:
        """Commit the batches these jobs wrote in, then answer every job."""
        batches = list({id(b): b for job in jobs for b in job.batches}.values())
        while True:
            try:
                self._group.settle(batches)
                break
            except StorageError:  # the turn did not come in time: wait for it again
                continue
        self.rounds += 1
        _answer(jobs)

    def _fail(self, jobs: list[_Job], group: Group) -> None:
        """The thread is dying with ``jobs`` run but unsettled: roll back their open
        batch and tell every write of it that nothing was saved (queued writes are left
        for a new thread)."""
        group.abandon({id(b): b for job in jobs for b in job.batches}.values())
        lost = StorageError("the server's writer stopped; this change was NOT saved")
        for job in jobs:
            if job.error is not None and not isinstance(job.error, Exception):
                job.error = lost  # SystemExit and the like: not for a request's answer
            elif not all(b.done.is_set() for b in job.batches):
                job.error = lost  # its batch could not be rolled back here: unknown
        _answer(jobs)


def _answer(jobs: list[_Job]) -> None:
    """Resolve each job's future on its loop: one call per loop, not one per job."""
    by_loop: dict[int, list[_Job]] = {}
    loops: dict[int, asyncio.AbstractEventLoop] = {}
    for job in jobs:
        by_loop.setdefault(id(job.loop), []).append(job)
        loops[id(job.loop)] = job.loop
    for key, group in by_loop.items():
        with suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
            loops[key].call_soon_threadsafe(_resolve, group)


def _resolve(jobs: list[_Job]) -> None:
    for job in jobs:
        future = job.future
        if future.done():  # the request was cancelled
            continue
        error = job.error
        if error is None:
            for batch in job.batches:
                if batch.error is not None:
                    error = batch.error
                    break
        if error is None:
            future.set_result(job.result)
        else:
            future.set_exception(error)
