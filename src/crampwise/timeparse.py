"""Nights, dates and the time phrases people type at 3 a.m. (stdlib only: CLI hot path).

A night's date is the evening on which it begins: local times before 12:00 belong to the
previous date's night (a cramp at 03:10 on the 5th is night 4th), 12:00 and later to the
night that starts that evening.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:  # pragma: no cover - platform specific
        return "UTC"
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else "UTC"


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """A ZoneInfo by IANA name, with a clear error for an unknown name."""
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
    instant = dt.datetime.strptime(utc_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
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


_APPROX = re.compile(r"^(?:around|about|approx\.?|approximately|ca\.?|~)\s*", re.IGNORECASE)
_AGO = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?|an?|half an?)\s*(?P<unit>m|min|mins|minutes?|h|hrs?|hours?)\s+ago$",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE
)


def _clock(text: str) -> dt.time | None:
    if text.lower() == "midnight":
        return dt.time(0, 0)
    if text.lower() == "noon":
        return dt.time(12, 0)
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm == "am":
        hour = 0 if hour == 12 else hour
    elif ampm == "pm":
        hour = 12 if hour == 12 else hour + 12
    elif match["m"] is None:
        return None  # a bare "3" is too ambiguous to accept at 3 a.m.
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _ago(text: str) -> dt.timedelta | None:
    match = _AGO.match(text)
    if not match:
        return None
    raw = match["n"].lower()
    amount = 0.5 if raw.startswith("half") else 1.0 if raw in ("a", "an") else float(raw)
    unit = match["unit"].lower()
    return dt.timedelta(hours=amount) if unit.startswith("h") else dt.timedelta(minutes=amount)


def parse_at(
    phrase: str, now: dt.datetime, night: dt.date | None = None
) -> tuple[dt.datetime, bool]:
    """Resolve a time phrase to an aware local datetime and whether it is approximate.

    ``now`` is aware, in the person's zone. With ``night``, a clock time is placed inside
    that night (12:00 that day to 12:00 the next); without, it is the latest such time
    that is not in the future.
    """
    text = " ".join(phrase.strip().split())
    approximate = bool(_APPROX.match(text))
    text = _APPROX.sub("", text)
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
        if when > now:
            when -= dt.timedelta(days=1)
    if when > now + dt.timedelta(minutes=1):
        raise InputError("--at", f"{phrase!r} is in the future")
    return when, approximate


_DURATION = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$",
    re.IGNORECASE,
)


def parse_duration(text: str, field: str = "--duration") -> float:
    """Minutes from ``3``, ``3m``, ``90s``, ``1.5 min`` or ``1h``."""
    match = _DURATION.match(text.strip())
    if not match:
        raise InputError(field, f"{text!r} is not a duration; use minutes like 3, 3m, 90s, 1h")
    amount = float(match["n"])
    unit = (match["unit"] or "m").lower()
    if unit.startswith("s"):
        return round(amount / 60.0, 2)
    if unit.startswith("h"):
        return amount * 60.0
    return amount
