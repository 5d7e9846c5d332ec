"""Nights, dates and the time phrases people type at 3 a.m. (stdlib only: CLI hot path).

A night's date is the evening on which it begins: local times before 12:00 belong to the
previous date's night (a cramp at 03:10 on the 5th is night 4th), 12:00 and later to the
night that starts that evening.
"""

from __future__ import annotations

import datetime as dt
import os

from crampwise._machinezone import machine_zone, machine_zone_name, symlinked_zone_name
from crampwise.errors import InputError

__all__ = [
    "NIGHT_BOUNDARY_HOUR",
    "format_utc",
    "local_zone_name",
    "night_of",
    "parse_at",
    "parse_date",
    "parse_duration",
    "to_local",
    "zone",
]

NIGHT_BOUNDARY_HOUR = 12

_AT_HELP = (
    "allowed: now, 3am, 03:10, 'around 03:10', '30 min ago', '2 hours ago', 'yesterday 23:30'"
)


def local_zone_name() -> str:
    """The machine's IANA time zone name (TZ, then /etc/localtime), else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if (name and "/" in name) or name == "UTC":
        return name
    return symlinked_zone_name() or "UTC"


def zone(name: str, field: str = "timezone") -> dt.tzinfo:
    """A time zone by IANA name, with a clear error for an unknown name.

    The machine's own zone comes from the C library (:mod:`crampwise._machinezone`, same
    answers as ZoneInfo); zoneinfo is imported only for other zones: it costs ~5 ms.
    """
    if name == machine_zone_name():
        return machine_zone(name)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            field, f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
        ) from exc


def night_of(local: dt.datetime) -> dt.date:
    """The night (its evening's date) a local instant belongs to."""
    day = local.date()
    return day - dt.timedelta(days=1) if local.hour < NIGHT_BOUNDARY_HOUR else day


def format_utc(instant: dt.datetime) -> str:
    """An aware datetime as a UTC ISO string with second precision."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_local(utc_iso: str, tz: str) -> dt.datetime:
    """A stored UTC ISO string in a time zone."""
    # fromisoformat, not strptime: strptime imports _strptime, calendar and locale (~4 ms).
    instant = dt.datetime.fromisoformat(utc_iso)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(zone(tz))


def parse_date(text: str, field: str, today: dt.date) -> dt.date:
    """An ISO date, ``today`` or ``yesterday``; never in the future."""
    value = text.strip().lower()
    if value == "today":
        day = today
    elif value in ("yesterday", "last-night", "last night"):
        day = today - dt.timedelta(days=1)
    else:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(
                field, f"{text!r} is not a date; use YYYY-MM-DD, today or yesterday"
            ) from None
    if day > today:
        raise InputError(field, f"{day.isoformat()} is in the future (today is {today})")
    return day


# The phrases are read with plain string operations, not regular expressions: importing
# ``re`` (with ``enum``) costs ~5 ms on the ``crampwise log`` path.

#: Words that mark a time as approximate ("around 3am"); longest first, so that
#: "approximately" is not read as "approx" + "imately".
_APPROX = ("approximately", "approx.", "approx", "around", "about", "ca.", "ca", "~")
_AGO_UNITS = ("minutes", "minute", "mins", "min", "m", "hours", "hour", "hrs", "hr", "h")
_AGO_COUNTS = {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5}
_AMPM = (("a.m.", "am"), ("p.m.", "pm"), ("am", "am"), ("pm", "pm"))
_DURATION_UNITS = (
    *("seconds", "second", "secs", "sec", "s"),
    *("minutes", "minute", "mins", "min", "m"),
    *("hours", "hour", "h"),
)


def _decimal(text: str) -> bool:
    """Digits, optionally with a fractional part: ``3``, ``1.5`` (not ``1.``, ``.5``, ``-1``)."""
    whole, dot, fraction = text.partition(".")
    return whole.isdecimal() and (not dot or fraction.isdecimal())


def _strip_approx(text: str) -> tuple[str, bool]:
    lowered = text.lower()
    for word in _APPROX:
        if lowered.startswith(word):
            return text[len(word) :].lstrip(), True
    return text, False


def _clock(text: str) -> dt.time | None:
    if text.lower() == "midnight":
        return dt.time(0, 0)
    if text.lower() == "noon":
        return dt.time(12, 0)
    rest, ampm = text.lower(), ""
    for suffix, meaning in _AMPM:
        if rest.endswith(suffix):
            rest, ampm = rest[: -len(suffix)].rstrip(), meaning
            break
    colon, dot = rest.find(":"), rest.find(".")
    cut = min(i for i in (colon, dot, len(rest)) if i >= 0)
    hour_text, minute_text = rest[:cut], rest[cut + 1 :] if cut < len(rest) else None
    if not (hour_text.isdecimal() and len(hour_text) <= 2):
        return None
    if minute_text is not None and not (minute_text.isdecimal() and len(minute_text) == 2):
        return None
    hour, minute = int(hour_text), int(minute_text or 0)
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm == "am":
        hour = 0 if hour == 12 else hour
    elif ampm == "pm":
        hour = 12 if hour == 12 else hour + 12
    elif minute_text is None:
        return None  # a bare "3" is too ambiguous to accept at 3 a.m.
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _ago(text: str) -> dt.timedelta | None:
    """``30 min ago``, ``2 hours ago``, ``an hour ago``, ``half an hour ago``."""
    lowered = text.lower()
    if not lowered.endswith(" ago"):
        return None
    head = lowered[: -len(" ago")]
    for unit in _AGO_UNITS:
        if not head.endswith(unit):
            continue
        count = head[: -len(unit)].rstrip()
        amount = _AGO_COUNTS.get(count)
        if amount is None and _decimal(count):
            amount = float(count)
        if amount is not None:
            return dt.timedelta(hours=amount) if unit[0] == "h" else dt.timedelta(minutes=amount)
    return None


def _minutes(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes / 60:.1f} h"


def parse_at(
    phrase: str, now: dt.datetime, night: dt.date | None = None
) -> tuple[dt.datetime, bool]:
    """Resolve a time phrase to an aware local datetime and whether it is approximate.

    ``now`` is aware, in the person's zone. With ``night``, a clock time is placed inside
    that night (12:00 that day to 12:00 the next); without, it is the latest such time
    that is not in the future.
    """
    text = " ".join(phrase.strip().split())
    text, approximate = _strip_approx(text)
    if not text:
        raise InputError("--at", f"{phrase!r} is empty; {_AT_HELP}")
    if text.lower() == "now":
        return now, approximate
    delta = _ago(text)
    if delta is not None:
        return now - delta, approximate
    day_offset = None
    lowered = text.lower()
    if lowered.startswith("yesterday "):
        day_offset, text = 1, text[len("yesterday ") :]
    elif lowered.startswith("today "):
        day_offset, text = 0, text[len("today ") :]
    clock = _clock(text)
    if clock is None:
        raise InputError("--at", f"{phrase!r} is not a time I understand; {_AT_HELP}")
    if day_offset is not None:
        day = now.date() - dt.timedelta(days=day_offset)
        when = dt.datetime.combine(day, clock, tzinfo=now.tzinfo)
    elif night is not None:
        day = night if clock.hour >= NIGHT_BOUNDARY_HOUR else night + dt.timedelta(days=1)
        when = dt.datetime.combine(day, clock, tzinfo=now.tzinfo)
    else:
        when = dt.datetime.combine(now.date(), clock, tzinfo=now.tzinfo)
        ahead = when - now
        if dt.timedelta(minutes=1) < ahead <= dt.timedelta(hours=3):
            # 03:10 typed at 03:05 is a slip, not a cramp almost a day ago: say so.
            raise InputError(
                "--at",
                f"{phrase!r} is {_minutes(ahead)} in the future (it is {now:%H:%M} now); "
                "for an earlier day add --night YYYY-MM-DD",
            )
        if when > now:
            when -= dt.timedelta(days=1)
    if when > now + dt.timedelta(minutes=1):
        raise InputError("--at", f"{phrase!r} is in the future")
    return when, approximate


def parse_duration(text: str, field: str = "--duration") -> float:
    """Minutes from ``3``, ``3m``, ``90s``, ``1.5 min`` or ``1h``."""
    lowered = text.strip().lower()
    number, unit = lowered, "m"  # a bare number is minutes
    for suffix in _DURATION_UNITS:
        if lowered.endswith(suffix) and _decimal(lowered[: -len(suffix)].rstrip()):
            number, unit = lowered[: -len(suffix)].rstrip(), suffix
            break
    if not _decimal(number):
        raise InputError(field, f"{text!r} is not a duration; use minutes like 3, 3m, 90s, 1h")
    amount = float(number)
    if unit.startswith("s"):
        return round(amount / 60.0, 2)
    if unit.startswith("h"):
        return amount * 60.0
    return amount
