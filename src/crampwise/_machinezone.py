"""The machine's own time zone through the C library, as a ``tzinfo`` that acts like ZoneInfo.

Importing ``zoneinfo`` costs ~5 ms (its path lookup imports ``sysconfig``), a sixth of
Python's start-up, on every ``crampwise log``. Most people's zone *is* their machine's,
whose rules the C library has already loaded, so :func:`crampwise.timeparse.zone` returns
a :class:`MachineZone` in that case and a ZoneInfo otherwise.

Only safe while the C library's zone is the one ``/etc/localtime`` names, i.e. while
``TZ`` is unset: the C library reads ``TZ`` only at ``time.tzset()``, so a ``TZ`` set
later (tests do) is not what it has loaded. :func:`machine_zone_name` checks both.
Library code never sets ``TZ`` or calls ``tzset`` (a server serves many zones).

Semantics follow ZoneInfo and PEP 495: a wall time in a DST gap or overlap is resolved by
``fold`` (fold=0: the offset before the transition), so the two give the same answers.
"""

from __future__ import annotations

import datetime as dt
import os
import time

__all__ = ["MachineZone", "machine_zone", "machine_zone_name"]

_EPOCH = dt.datetime(1970, 1, 1)
_SECOND = dt.timedelta(seconds=1)
_ZERO = dt.timedelta(0)


_SYMLINKED: list[str | None] = []  # resolved once per process: imports call this per row


def symlinked_zone_name() -> str | None:
    """The IANA name ``/etc/localtime`` links to (``…/zoneinfo/Europe/Berlin``), or None."""
    if not _SYMLINKED:
        target = os.path.realpath("/etc/localtime")  # os.path, not pathlib: ~6 ms on `log`
        marker = "zoneinfo/"
        _SYMLINKED.append(target.split(marker, 1)[1] if marker in target else None)
    return _SYMLINKED[0]


def machine_zone_name() -> str | None:
    """The zone the C library is known to use (TZ unset, /etc/localtime a link), or None."""
    if "TZ" in os.environ:
        return None
    return symlinked_zone_name()


class MachineZone(dt.tzinfo):
    """The C library's local time as a tzinfo named ``key`` (the machine's IANA name)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"MachineZone({self.key!r})"

    def __str__(self) -> str:
        return self.key

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return machine_zone, (self.key,)

    @staticmethod
    def _timestamp(when: dt.datetime) -> int:
        # A naive datetime's timestamp() reads it as C-library local time, honouring fold.
        return int(when.replace(tzinfo=None, microsecond=0).timestamp())

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta | None:
        """Wall time minus UTC at the wall time ``when``."""
        if when is None:
            return None
        wall = when.replace(tzinfo=None, microsecond=0)
        return (wall - _EPOCH) - self._timestamp(wall) * _SECOND

    def dst(self, when: dt.datetime | None) -> dt.timedelta | None:
        """The DST part of the offset, as the C library flags it (informative only: for
        Europe/Dublin's "negative DST" the flag differs from ZoneInfo's; offsets agree)."""
        if when is None:
            return None
        if not time.localtime(self._timestamp(when)).tm_isdst:
            return _ZERO
        offset = self.utcoffset(when)
        assert offset is not None
        return offset + time.timezone * _SECOND  # time.timezone: standard offset, west > 0

    def tzname(self, when: dt.datetime | None) -> str | None:
        """The abbreviation in force (CET, CEST …)."""
        if when is None:
            return None
        return time.localtime(self._timestamp(when)).tm_zone

    def fromutc(self, when: dt.datetime) -> dt.datetime:
        """UTC (``when`` carries this tzinfo) → wall time, fold=1 for a repeated hour."""
        utc = when.replace(tzinfo=None)
        offset = time.localtime((utc - _EPOCH) // _SECOND).tm_gmtoff * _SECOND
        wall = (utc + offset).replace(tzinfo=self)
        if self.utcoffset(wall) != offset:  # the second of two equal wall times
            wall = wall.replace(fold=1)
        return wall


_CACHE: dict[str, MachineZone] = {}


def machine_zone(key: str) -> MachineZone:
    """One instance per name (like ZoneInfo), so equal zones compare as the same tzinfo."""
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = MachineZone(key)
    return found
