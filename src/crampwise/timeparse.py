"""Nights, dates and the time phrases people type at 3 a.m. (stdlib only: CLI hot path).

A night's date is the evening on which it begins: local times before 12:00 belong to the
previous date's night (a cramp at 03:10 on the 5th is night 4th), 12:00 and later to the
night that starts that evening.

Arithmetic and comparisons happen in UTC: Python compares and subtracts two datetimes of
the same ``tzinfo`` by their wall clocks, which is an hour off across a daylight-saving
change. A wall time in the hour the clocks skip does not exist and is refused; one in the
hour they repeat means the most recent of the two unless its zone is named (``01:30 EST``).
"""

from __future__ import annotations

import datetime as dt

from crampwise._machinezone import machine_zone, machine_zone_name, zone_from_environment
from crampwise.errors import InputError
from crampwise.validate import MIN_DATE, check_day, shown

__all__ = [
    "NIGHT_BOUNDARY_HOUR",
    "format_utc",
    "local_zone_name",
    "looks_like_time",
    "night_of",
    "parse_at",
    "parse_date",
    "parse_duration",
    "relative",
    "repeated_hour",
    "to_local",
    "zone",
]

NIGHT_BOUNDARY_HOUR = 12

_AT_HELP = (
    "allowed: now, 3am, 03:10, 'around 03:10', '30 min ago', '2 hours ago', 'yesterday 23:30'"
)


def local_zone_name() -> str:
    """The machine's IANA time zone name (TZ, then /etc/localtime), else UTC.

    See :func:`crampwise._machinezone.zone_from_environment`; when the zone cannot be told,
    :func:`crampwise._machinezone.zone_warning` says so.
    """
    return zone_from_environment()


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
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InputError(
            field,
            f"unknown time zone {shown(name)}; use an IANA name such as Europe/Berlin",
            code="unknown-name",
        ) from exc


def night_of(local: dt.datetime) -> dt.date:
    """The night (its evening's date) a local instant belongs to."""
    day = local.date()
    return day - dt.timedelta(days=1) if local.hour < NIGHT_BOUNDARY_HOUR else day


def format_utc(instant: dt.datetime) -> str:
    """An aware datetime as a UTC ISO string with second precision."""
    # isoformat, not strftime("%Y"): glibc writes year 206 as "206", which fromisoformat
    # then cannot read back.
    return instant.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def to_local(utc_iso: str, tz: str) -> dt.datetime:
    """A stored UTC ISO string in a time zone."""
    # fromisoformat, not strptime: strptime imports _strptime, calendar and locale (~4 ms).
    instant = dt.datetime.fromisoformat(utc_iso)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(zone(tz))


def parse_date(text: str, field: str, today: dt.date, earliest: dt.date = MIN_DATE) -> dt.date:
    """An ISO date, ``today`` or ``yesterday``; from ``earliest`` (1900) to today."""
    value = text.strip().lower()
    if not value:
        raise InputError(
            field, "is empty; give a date as YYYY-MM-DD, today or yesterday", code="required"
        )
    day: dt.date | None = None
    if value == "today":
        day = today
    elif value in ("yesterday", "last-night", "last night"):
        day = today - dt.timedelta(days=1)
    else:
        try:
            day = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise InputError(
                field, f"{shown(text)} is not a date; use YYYY-MM-DD, today or yesterday"
            )
    assert day is not None
    return check_day(day, field, today, earliest)


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


def relative(phrase: str) -> bool:
    """Whether a time phrase counts from now (``now``, ``30 min ago``), so that the same
    phrase typed again later means another time."""
    text = _strip_approx(" ".join(phrase.strip().split()))[0].lower()
    return text in ("", "now") or _ago(text) is not None


def looks_like_time(phrase: str) -> bool:
    """Whether a phrase reads as a time (``3am``, ``around 03:10``, ``30 min ago``,
    ``yesterday 23:30``, ``now``), whether or not that time is allowed (not checked against
    a clock: a phrase found among a cramp's plain-word details)."""
    text, _ = _strip_approx(" ".join(phrase.strip().split()))
    lowered = text.lower()
    if lowered == "now":
        return True
    if _ago(text) is not None:
        return True
    for day in ("yesterday ", "today "):
        if lowered.startswith(day):
            text = text[len(day) :]
            break
    head, word = _zone_word(text)
    if word is not None and not text.rpartition(" ")[2].isupper():
        head = text  # "3am calf": a zone is written in capitals (EST), a word is not one
    return _clock(head) is not None


def _minutes(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes / 60:.1f} h"


def _wall_instants(day: dt.date, clock: dt.time, tz: dt.tzinfo | None) -> list[dt.datetime]:
    """The UTC instants a local wall time stands for: none in a skipped hour, two in a
    repeated one (earlier first)."""
    wall = dt.datetime.combine(day, clock)
    found: list[dt.datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=tz, fold=fold).astimezone(dt.UTC)
        if instant.astimezone(tz).replace(tzinfo=None, fold=0) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


def repeated_hour(local: dt.datetime) -> bool:
    """Whether ``local``'s wall time occurs twice that day (the clocks went back)."""
    clock = local.time().replace(second=0, microsecond=0)
    return len(_wall_instants(local.date(), clock, local.tzinfo)) == 2


def _zone_word(text: str) -> tuple[str, str | None]:
    """``01:30 EST`` → ("01:30", "EST"): a trailing zone abbreviation picks one of two
    equal wall times."""
    head, _, last = text.rpartition(" ")
    if head and last.isalpha() and 2 <= len(last) <= 5 and last.lower() not in ("am", "pm"):
        return head, last.upper()
    return text, None


def _choose(
    instants: list[dt.datetime], word: str | None, phrase: str, tz: dt.tzinfo | None
) -> list[dt.datetime]:
    """The instants a zone abbreviation allows (all when none was given)."""
    if word is None or not instants:
        return instants
    names = [str(i.astimezone(tz).tzname()).upper() for i in instants]
    chosen = [i for i, name in zip(instants, names, strict=True) if name == word]
    if not chosen:
        raise InputError(
            "at",
            f"{shown(phrase)}: {word} is not the zone in force then; use {' or '.join(names)}",
            code="not-allowed",
        )
    return chosen


def _skipped(phrase: str, day: dt.date, clock: dt.time, tz: dt.tzinfo | None) -> InputError:
    """The error for a wall time in the hour the clocks skip."""
    wall = dt.datetime.combine(day, clock)
    after = wall.replace(tzinfo=tz).astimezone(dt.UTC).astimezone(tz)  # fold=0: past the gap
    return InputError(
        "at",
        f"{shown(phrase)} did not happen on {day.isoformat()}: the clocks went forward "
        f"({after.tzname()} began), so that time was skipped; give a time before the change "
        f"or after it, such as {after:%H:%M}",
        code="invalid",
    )


def _past_limit(phrase: str, earliest: dt.date) -> InputError:
    return InputError(
        "at",
        f"{shown(phrase)} is before {earliest.isoformat()}; times from then on are accepted",
        code="out-of-range",
    )


def parse_at(
    phrase: str,
    now: dt.datetime,
    night: dt.date | None = None,
    earliest: dt.date = MIN_DATE,
) -> tuple[dt.datetime, bool]:
    """Resolve a time phrase to an aware local datetime and whether it is approximate.

    ``now`` is aware, in the person's zone. With ``night``, a clock time is placed inside
    that night (12:00 that day to 12:00 the next); without, it is the latest such time
    that is not in the future. Errors name the field ``at``.
    """
    if len(phrase) > 100:
        raise InputError(
            "at", f"is {len(phrase):,} characters long; at most 100 allowed", code="too-long"
        )
    text = " ".join(phrase.strip().split())
    text, approximate = _strip_approx(text)
    if not text:
        raise InputError("at", f"is empty; {_AT_HELP}", code="required")
    tz = now.tzinfo
    now_utc = now.astimezone(dt.UTC)
    if text.lower() == "now":
        return now, approximate
    try:
        delta = _ago(text)
        when = None if delta is None else (now_utc - delta).astimezone(tz)
    except OverflowError:  # "99999999999999999999 min ago"
        raise _past_limit(phrase, earliest) from None
    if when is not None:
        if when.date() < earliest:
            raise _past_limit(phrase, earliest)
        return when, approximate
    day_offset = None
    lowered = text.lower()
    if lowered.startswith("yesterday "):
        day_offset, text = 1, text[len("yesterday ") :]
    elif lowered.startswith("today "):
        day_offset, text = 0, text[len("today ") :]
    text, word = _zone_word(text)
    clock = _clock(text)
    if clock is None:
        raise InputError("at", f"{shown(phrase)} is not a time I understand; {_AT_HELP}")
    if day_offset is not None or night is not None:
        if day_offset is not None:
            day = now.date() - dt.timedelta(days=day_offset)
        else:
            assert night is not None
            day = night if clock.hour >= NIGHT_BOUNDARY_HOUR else night + dt.timedelta(days=1)
        instants = _choose(_wall_instants(day, clock, tz), word, phrase, tz)
        if not instants:
            raise _skipped(phrase, day, clock, tz)
        past = [i for i in instants if i <= now_utc + _SLACK]
        chosen = past[-1] if past else instants[0]  # the most recent of a repeated hour
    else:
        chosen = _latest_past(phrase, clock, word, now, now_utc)
    if chosen > now_utc + _SLACK:
        raise InputError("at", f"{shown(phrase)} is in the future", code="future")
    when = chosen.astimezone(tz)
    if night_of(when) < earliest:
        raise _past_limit(phrase, earliest)
    return when, approximate


_SLACK = dt.timedelta(minutes=1)  # a clock time typed in the minute it names is "now"


def _latest_past(
    phrase: str, clock: dt.time, word: str | None, now: dt.datetime, now_utc: dt.datetime
) -> dt.datetime:
    """The most recent instant at that wall time that is not in the future."""
    tz = now.tzinfo
    today = now.date()
    instants = _choose(_wall_instants(today, clock, tz), word, phrase, tz)
    past = [i for i in instants if i <= now_utc + _SLACK]
    if past:
        return past[-1]
    if instants:
        ahead = instants[0] - now_utc
        if ahead <= dt.timedelta(hours=3):
            # 03:10 typed at 03:05 is a slip, not a cramp almost a day ago: say so.
            raise InputError(
                "at",
                f"{shown(phrase)} is {_minutes(ahead)} in the future (it is {now:%H:%M} now); "
                "for an earlier day name the night",
                code="future",
                action="give-night",
            )
    elif word is None and _wall_instants(today, clock, tz) == [] and _gap_today(clock, now):
        raise _skipped(phrase, today, clock, tz)
    yesterday = today - dt.timedelta(days=1)
    earlier = _choose(_wall_instants(yesterday, clock, tz), word, phrase, tz)
    if not earlier:
        raise _skipped(phrase, yesterday, clock, tz)
    return earlier[-1]


def _gap_today(clock: dt.time, now: dt.datetime) -> bool:
    """Whether today's skipped hour holds ``clock`` and lies before now (so "02:30" typed
    later that morning means the time that never was, not yesterday's)."""
    return clock <= now.time()


def parse_duration(text: str, field: str = "duration_min") -> float:
    """Minutes from ``3``, ``3m``, ``90s``, ``1.5 min`` or ``1h``."""
    lowered = text.strip().lower()
    if not lowered:
        raise InputError(field, "is empty; use minutes like 3, 3m, 90s, 1h", code="required")
    number, unit = lowered, "m"  # a bare number is minutes
    for suffix in _DURATION_UNITS:
        if lowered.endswith(suffix) and _decimal(lowered[: -len(suffix)].rstrip()):
            number, unit = lowered[: -len(suffix)].rstrip(), suffix
            break
    if not _decimal(number):
        raise InputError(field, f"{shown(text)} is not a duration; use minutes like 3, 3m, 90s, 1h")
    amount = float(number)
    if unit.startswith("s"):
        return round(amount / 60.0, 2)
    if unit.startswith("h"):
        return amount * 60.0
    return amount
