"""How often a regimen item is taken: every day (the default), every N days, weeks or months.

A weekly vitamin D of 50,000 IU is not 50,000 IU a day, and it is not due every evening.
An entry's ``every`` is stored in one canonical spelling - ``day``, ``2 days``, ``week``,
``3 weeks``, ``month``, ``6 months`` - and counted from the entry's start: a weekly item
started on a Sunday is due on Sundays; a monthly one started on the 31st is due on the
last day of shorter months. Within a day on which it is due, ``times`` says how many
intakes (and when). Stdlib only.
"""

from __future__ import annotations

import datetime as dt

from crampwise.errors import InputError

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DAILY",
    "EVERY_ALLOWED",
    "MAX_COUNT",
    "average_share",
    "describe",
    "fhir_period",
    "is_due",
    "next_due",
    "parse_every",
]

#: The default: taken every day.
DAILY = "day"

#: The largest count of each unit (a year, whichever way it is said).
MAX_COUNT = {"day": 366, "week": 52, "month": 12}

#: What an error says is allowed.
EVERY_ALLOWED = (
    "day (the default), other day, N days (up to 366), week, N weeks (up to 52), "
    "month, N months (up to 12); also daily, weekly, fortnightly, monthly"
)

_WORDS = {
    "day": (1, "day"),
    "daily": (1, "day"),
    "every day": (1, "day"),
    "once a day": (1, "day"),
    "other day": (2, "day"),
    "every other day": (2, "day"),
    "alternate days": (2, "day"),
    "week": (1, "week"),
    "weekly": (1, "week"),
    "once a week": (1, "week"),
    "fortnight": (2, "week"),
    "fortnightly": (2, "week"),
    "biweekly": (2, "week"),
    "month": (1, "month"),
    "monthly": (1, "month"),
    "once a month": (1, "month"),
}
_UNITS = {
    "d": "day",
    "day": "day",
    "days": "day",
    "w": "week",
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "m": "month",
    "mo": "month",
    "month": "month",
    "months": "month",
}


def _canonical(count: int, unit: str) -> str:
    return unit if count == 1 else f"{count} {unit}s"


def _split(every: str) -> tuple[int, str]:
    """(count, unit) of a canonical spelling."""
    if " " not in every:
        return 1, every
    count, unit = every.split(" ", 1)
    return int(count), unit[:-1]


def parse_every(value: Any, field: str = "every") -> str:
    """The canonical spelling of how often an item is taken, from what people write:
    ``weekly``, ``every 2 weeks``, ``2w``, ``14 days``, ``every other day``, ``monthly``.
    ``None`` or an empty text is every day."""
    if value is None:
        return DAILY
    if not isinstance(value, str):
        raise InputError(field, f"must be text; allowed: {EVERY_ALLOWED}")
    text = " ".join(value.strip().lower().split())
    if not text:
        return DAILY
    if text in _WORDS:
        return _canonical(*_WORDS[text])
    words = text.removeprefix("every ").removeprefix("once every ")
    if words in _WORDS:
        return _canonical(*_WORDS[words])
    digits = words.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = _UNITS.get(words[len(digits) :].strip())
    shown = value if len(value) <= 40 else value[:40] + "…"
    if not digits.isdigit() or unit is None:
        raise InputError(field, f"{shown!r} is not a schedule; allowed: {EVERY_ALLOWED}")
    count = int(digits)
    if not 1 <= count <= MAX_COUNT[unit]:
        raise InputError(
            field,
            f"{shown!r}: every 1 to {MAX_COUNT[unit]} {unit}s; allowed: {EVERY_ALLOWED}",
            code="out-of-range",
        )
    return _canonical(count, unit)


def _month_day(start: dt.date, months: int) -> dt.date:
    """The start's day of month, ``months`` later (the month's last day if it is shorter)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(start.day, last))


def is_due(every: str, start: str, day: str) -> bool:
    """Whether an entry taken ``every`` from ``start`` is due on ``day`` (ISO dates; a day
    before the start is never due)."""
    if every == DAILY:
        return start <= day
    count, unit = _split(every)
    first, when = dt.date.fromisoformat(start), dt.date.fromisoformat(day)
    if when < first:
        return False
    if unit != "month":
        return (when - first).days % (count * (7 if unit == "week" else 1)) == 0
    months = (when.year - first.year) * 12 + when.month - first.month
    return months % count == 0 and _month_day(first, months) == when


def next_due(every: str, start: str, day: str) -> str:
    """The first day on or after ``day`` on which the entry is due (ISO)."""
    first, when = dt.date.fromisoformat(start), dt.date.fromisoformat(day)
    if when <= first:
        return start
    count, unit = _split(every)
    if unit != "month":
        step = count * (7 if unit == "week" else 1)
        return (when + dt.timedelta(days=-(when - first).days % step)).isoformat()
    months = (when.year - first.year) * 12 + when.month - first.month
    months += -months % count
    due = _month_day(first, months)
    if due < when:
        due = _month_day(first, months + count)
    return due.isoformat()


def average_share(every: str) -> float:
    """The share of days on which the item is taken, on average (a week: 1/7; a month:
    12 / 365.25)."""
    count, unit = _split(every)
    days = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}[unit]
    return 1.0 / (count * days)


def describe(every: str) -> str:
    """In words: ``every day``, ``every other day``, ``once a week``, ``every 3 weeks``."""
    count, unit = _split(every)
    if count == 1:
        return "every day" if unit == "day" else f"once a {unit}"
    if count == 2 and unit == "day":
        return "every other day"
    return f"every {count} {unit}s"


def fhir_period(every: str) -> tuple[int, str]:
    """(period, periodUnit) of a FHIR ``Timing.repeat``: ``(1, "wk")`` for a week."""
    count, unit = _split(every)
    return count, {"day": "d", "week": "wk", "month": "mo"}[unit]
