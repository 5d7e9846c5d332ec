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

The machine's IANA name comes from ``TZ`` (an IANA name such as ``Europe/Berlin`` or a
tzdata name such as ``EST5EDT``), else from ``/etc/localtime``: the zone file it links to,
or - when it is a plain copy, as in many containers - ``/etc/timezone`` or the tzdata
file with the same bytes. When none of these tells it (Windows, a POSIX rule in ``TZ``)
and the C library's local time is not UTC, :func:`zone_warning` says so rather than
letting the zone silently become UTC.
"""

from __future__ import annotations

import datetime as dt
import os
import time

__all__ = [
    "MachineZone",
    "detect_localtime_name",
    "machine_zone",
    "machine_zone_name",
    "symlinked_zone_name",
    "zone_from_environment",
    "zone_warning",
]

_EPOCH = dt.datetime(1970, 1, 1)
_SECOND = dt.timedelta(seconds=1)
_ZERO = dt.timedelta(0)


#: Where the system keeps its tzdata files (zoneinfo's default TZPATH).
TZDIRS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo")

_LOCALTIME: list[str | None] = []  # resolved once per process: imports call this per row


def _after_marker(path: str) -> str | None:
    """``…/zoneinfo/Europe/Berlin`` (or ``…/zoneinfo/posix/Europe/Berlin``) → the name."""
    marker = "zoneinfo/"
    if marker not in path:
        return None
    name = path.split(marker, 1)[1]
    for prefix in ("posix/", "right/"):
        name = name.removeprefix(prefix)
    return name or None


def _zone_file(name: str, tzdirs: tuple[str, ...] = TZDIRS) -> str | None:
    """The tzdata file of an IANA name, if the system has one."""
    if not name or name.startswith(("/", ".")) or ".." in name.split("/"):
        return None
    for folder in tzdirs:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20)
    except OSError:
        return None


def _canonical(tzdir: str) -> set[str]:
    """The region zones tzdata lists (Europe/Berlin rather than its link Europe/Oslo)."""
    names: set[str] = set()
    for table in ("zone1970.tab", "zone.tab"):
        try:
            with open(os.path.join(tzdir, table), encoding="utf-8") as handle:
                for line in handle:
                    fields = line.split("\t")
                    if not line.startswith("#") and len(fields) >= 3:
                        names.add(fields[2].strip())
        except OSError:
            continue
    return names


def _same_bytes(data: bytes, tzdirs: tuple[str, ...]) -> str | None:
    """The tzdata name whose file has exactly ``data``; canonical names first."""
    for tzdir in tzdirs:
        if not os.path.isdir(tzdir):
            continue
        matches = []
        for folder, subfolders, files in os.walk(tzdir):
            subfolders[:] = [f for f in subfolders if f not in ("posix", "right")]
            for file in files:
                path = os.path.join(folder, file)
                try:
                    if os.path.getsize(path) != len(data) or _read(path) != data:
                        continue
                except OSError:
                    continue
                matches.append(os.path.relpath(path, tzdir).replace(os.sep, "/"))
        if matches:
            canonical = _canonical(tzdir)
            return min(
                matches,
                key=lambda n: (
                    n not in canonical,
                    n != "UTC",
                    "/" not in n,
                    n.startswith("Etc/"),
                    n,
                ),
            )
    return None


def detect_localtime_name(
    localtime: str = "/etc/localtime",
    timezone_file: str = "/etc/timezone",
    tzdirs: tuple[str, ...] = TZDIRS,
) -> str | None:
    """The IANA name of the zone in ``localtime``: where it links to, else the name in
    ``timezone_file`` (Debian) when that zone's file has the same bytes, else the tzdata
    file with the same bytes. None when it cannot be told."""
    target = os.path.realpath(localtime)  # os.path, not pathlib: ~6 ms on `log`
    name = _after_marker(target)
    if name is not None:
        return name
    data = _read(localtime)
    if not data or not data.startswith(b"TZif"):
        return None
    try:
        with open(timezone_file, encoding="utf-8") as handle:
            named = handle.read(200).strip()
    except (OSError, UnicodeDecodeError):
        named = ""
    zone_path = _zone_file(named, tzdirs)
    if zone_path is not None and _read(zone_path) == data:
        return named
    return _same_bytes(data, tzdirs)


def symlinked_zone_name() -> str | None:
    """The IANA name of ``/etc/localtime`` (a link into tzdata, or a copy of a zone file)."""
    if not _LOCALTIME:
        _LOCALTIME.append(detect_localtime_name())
    return _LOCALTIME[0]


def _tz_variable(value: str) -> str | None:
    """The IANA name a ``TZ`` value gives, or None (a POSIX rule, an unknown name)."""
    name = value.removeprefix(":")
    if not name:
        return "UTC"  # TZ set but empty: the C library uses UTC
    if name.startswith("/"):
        return detect_localtime_name(name) if os.path.isfile(name) else None
    if _zone_file(name) is not None:
        return name
    from zoneinfo import ZoneInfo  # the tzdata package, for a system without tzdata files

    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return name


def _environment_zone() -> tuple[str, str | None]:
    """(zone name, why it may be wrong)."""
    raw = os.environ.get("TZ")
    if raw is not None:
        name = _tz_variable(raw)
        if name is not None:
            return name, None
        reason = f"TZ={raw[:40]!r} is not a time zone name crampwise knows"
    else:
        name = symlinked_zone_name()
        if name is not None:
            return name, None
        if not (time.timezone or time.daylight):
            return "UTC", None  # no zone information, and the C library says UTC too
        reason = "this machine's time zone could not be read"
    return "UTC", f"{reason}; times are taken as UTC until a time zone is set"


def zone_from_environment() -> str:
    """The machine's zone name: ``TZ``, else ``/etc/localtime``, else UTC (see
    :func:`zone_warning`)."""
    return _environment_zone()[0]


def zone_warning() -> str | None:
    """Why :func:`zone_from_environment` fell back to UTC when that may be wrong, else None."""
    return _environment_zone()[1]


def machine_zone_name() -> str | None:
    """The zone the C library is known to use (TZ unset, /etc/localtime known), or None."""
    if "TZ" in os.environ:
        return None
    return symlinked_zone_name()


class MachineZone(dt.tzinfo):
    """The C library's local time as a tzinfo named ``key`` (the machine's IANA name)."""

    def __init__(self, key: str) -> None:
        self.key = key
        # The last answers, for the same second asked again (one request converts its
        # instant three or four times; each answer costs C-library calls): (UTC second,
        # offset, fold) and (wall second, fold, offset). Exact: an offset holds for a
        # whole second. One tuple each, swapped whole, so threads may share the zone.
        self._last_utc: tuple[int, dt.timedelta, int] | None = None
        self._last_wall: tuple[dt.datetime, int, dt.timedelta] | None = None

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
        last = self._last_wall
        if last is not None and last[0] == wall and last[1] == wall.fold:  # (== ignores fold)
            return last[2]
        offset = (wall - _EPOCH) - self._timestamp(wall) * _SECOND
        self._last_wall = (wall, wall.fold, offset)
        return offset

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
        second = (utc - _EPOCH) // _SECOND
        last = self._last_utc
        if last is not None and last[0] == second:
            return (utc + last[1]).replace(tzinfo=self, fold=last[2])
        offset = time.localtime(second).tm_gmtoff * _SECOND
        wall = (utc + offset).replace(tzinfo=self)
        if self.utcoffset(wall) != offset:  # the second of two equal wall times
            wall = wall.replace(fold=1)
        self._last_utc = (second, offset, wall.fold)
        return wall


_CACHE: dict[str, MachineZone] = {}


def machine_zone(key: str) -> MachineZone:
    """One instance per name (like ZoneInfo), so equal zones compare as the same tzinfo."""
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = MachineZone(key)
    return found
