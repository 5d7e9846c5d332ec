"""The ``crampwise`` console script: Ctrl-C while Python loads crampwise is no traceback.

The script generated for ``crampwise.cli:main`` imports the CLI before any of its code
can catch anything; this module is tiny, so the window it leaves open is too.

It also ends the process quickly. A normal interpreter exit frees every module, class
and function the run built: for ``crampwise log`` that took ~7 ms of CPU, more than the
log itself, for a process about to end anyway. When nothing waits for a normal exit (no
``atexit`` callbacks - coverage, logging, temporary-file finalizers register one - and
no other threads), the output is flushed and the process leaves with ``os._exit``. The
diary is committed and its connection closed before the command returns, so nothing
the run acknowledged depends on the exit. When something does wait, the run's objects
are frozen first, so that the normal exit's collections do not walk them all.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Import the CLI and run it; an interrupt during the import exits quietly (130)."""
    import gc

    # The import builds thousands of objects and no cycles worth finding: the collector
    # would only walk them, several times, for nothing. It is back on before any command,
    # with the import's objects frozen: left young, the command's first allocations would
    # make the collector walk all of them at once (~3 M instructions, for ``log`` a tenth
    # of what it adds to Python's start-up).
    gc.disable()
    try:
        from crampwise.cli import main as cli_main
    except KeyboardInterrupt:
        if sys.stderr is not None:
            sys.stderr.write("crampwise: error: interrupted; nothing was changed\n")
        return 130
    finally:
        gc.freeze()
        gc.enable()
    code = cli_main()
    _leave_quickly(code)
    # Something waits for the normal exit (logging's and Pillow's atexit callbacks after
    # a report). Its final collections would walk every object the run left, to find no
    # garbage worth the walk: 0.2-0.3 s of CPU after a PDF report, whose renderer leaves
    # ~70 000 objects. Frozen, they are skipped; the callbacks still run, and modules
    # are still torn down.
    gc.freeze()
    return code


def _leave_quickly(code: int) -> None:
    """``os._exit(code)`` when nothing waits for a normal exit; else return."""
    import atexit

    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks():
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # a closed pipe: the normal exit reports it as before
    import os

    os._exit(code)
