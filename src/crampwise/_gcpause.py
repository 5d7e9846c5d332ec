"""Python's cyclic garbage collector paused while a diary is validated or analysed.

Validating a ten-year document makes ~15,000 objects (nights, episodes, their tuples) and
an analysis a few thousand more, none of them in a reference cycle; each batch of 700 new
objects started a collection that walked every young container again (the 3,544 nights
each time), and every few analyses a full collection walked all of numpy's objects too:
5-8 ms CPU per call, a sixth of it. Nothing here makes a cycle, so pausing loses nothing,
and the collector runs again (once) right after. stdlib only (validation is imported by
the import command, which must not load numpy or typing for this).
"""

from __future__ import annotations

import gc

__all__ = ["paused_gc"]


class paused_gc:  # noqa: N801 - used as ``with paused_gc():``, like a function
    """``with paused_gc(): ...``: no automatic collection inside; the collector's state
    is restored on the way out, even on an error (pausing twice, in two threads or
    nested, leaves it to the one that found it running to restart it)."""

    __slots__ = ("_was",)

    def __enter__(self) -> None:
        self._was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._was:
            gc.enable()
