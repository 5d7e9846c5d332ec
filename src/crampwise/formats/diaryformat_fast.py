"""The common episode row of a document, checked inline (``diaryformat``'s fast path).

Validating a ten-year diary's episodes through the general checks cost ~15 µs a row:
the keys, the night, the zone, then :func:`crampwise.diary.check_episode` checking every
field again and comparing the result with what it was given. Most rows are plain (a
night, a clock time, a side, muscles, numbers in range, no reliefs or after-effects);
:func:`plain_episode` builds those directly and answers None for anything else, which
then goes through the general checks and their errors. It never accepts a row the
general checks refuse, and builds the same :class:`Episode` they do
(``tests/test_diaryformat_fast.py`` compares the two on rows of every kind).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise import vocab
from crampwise.diary import MAX_DURATION_MIN
from crampwise.records import Episode
from crampwise.validate import MIN_DATE

__all__ = ["plain_episode"]

#: The keys a plain row may have (a zone of its own, a UTC offset, reliefs and
#: after-effects take the general path).
_PLAIN_KEYS = frozenset(
    ("night", "time", "approximate", "side", "muscles", "severity", "duration_min")
).union(("waves", "woke", "notes"))
#: Values already in the normal form ``validate.choice`` gives back (lower case, dashes).
_SIDES = frozenset(s for s in vocab.SIDES if s == s.strip().lower().replace(" ", "-"))
_MUSCLES = frozenset(m for m in vocab.MUSCLES if m == m.strip().lower().replace(" ", "-"))
_EARLIEST = MIN_DATE.isoformat()
_new_episode = Episode


def plain_episode(
    raw: Any,
    latest: str,
    tz: str | None,
    instant: Any,
) -> Episode | None:
    """The episode of a plain row, or None (then the general checks judge the row).

    ``latest`` is today as ``YYYY-MM-DD``; ``tz`` the zone the row's time is read in, None
    when that zone has not been checked yet; ``instant(time, night, tz)`` turns a clock
    time into the UTC instant (raising on a bad one: then the general path reports it).
    """
    if type(raw) is not dict or not _PLAIN_KEYS.issuperset(raw):
        return None
    get = raw.get
    night = get("night")
    side = get("side")
    severity = get("severity")
    duration = get("duration_min")
    waves = get("waves")
    woke = get("woke")
    approximate = get("approximate")
    if not (
        type(night) is str
        and len(night) == 10
        and night[4] == "-" == night[7]  # YYYY-MM-DD: then text order is date order
        and _EARLIEST <= night <= latest
        and (side is None or (type(side) is str and side in _SIDES))
        and (severity is None or (type(severity) is int and 0 <= severity <= 10))
        and (waves is None or (type(waves) is int and 1 <= waves <= 100))
        and (woke is None or woke is True or woke is False)
        and (approximate is None or approximate is True or approximate is False)
        and not get("notes")  # absent, null or "": notes take the general path
        and tz is not None
    ):
        return None
    if duration is not None:
        kind = type(duration)
        if kind is int:
            if not 0 <= duration <= MAX_DURATION_MIN:
                return None
            duration = float(duration)
        elif kind is not float or not (0.0 <= duration <= MAX_DURATION_MIN):
            return None  # NaN fails the comparison too
    muscles = get("muscles")
    if muscles is None:
        muscles = ()
    elif type(muscles) is list:
        try:
            known = _MUSCLES.issuperset(muscles)
        except TypeError:  # something unhashable in the list
            return None
        if not known:
            return None
        muscles = tuple(muscles)
        if len(muscles) > 1 and len(set(muscles)) != len(muscles):
            return None  # repeats are dropped by the general path
    else:
        return None
    try:
        dt.date.fromisoformat(night)
    except ValueError:
        return None
    time = get("time")
    occurred = None
    if time is not None:
        try:
            occurred = instant(time, night, tz)
        except Exception:  # the general path reports what is wrong
            return None
    return _new_episode(
        night,
        occurred,
        tz if occurred else None,
        bool(approximate),
        side,
        muscles,
        severity,
        duration,
        waves,
        woke,
        (),
        (),
        "",
    )
