"""Small translations of what a browser sends into what the Tracker takes.

Shared by the JSON API and the form pages so both read input the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise.errors import InputError
from crampwise.timeparse import night_of, zone
from crampwise.tracker import Tracker
from crampwise.validate import iso_date

__all__ = ["date_range", "instant_to_at", "reliefs_from", "split_names"]


def instant_to_at(
    tracker: Tracker, instant: dt.datetime, approximate: bool = False
) -> tuple[str, str]:
    """(night, at) for an instant a phone recorded (an entry queued offline): the local
    clock time in the person's zone, placed in its night. Minute precision, as typed."""
    if instant.tzinfo is None:
        raise InputError(
            "occurred_at", "give the instant with its UTC offset (…Z or …+01:00)", code="invalid"
        )
    local = instant.astimezone(zone(tracker.timezone))
    at = f"{'around ' if approximate else ''}{local:%H:%M}"
    return night_of(local).isoformat(), at


def date_range(
    tracker: Tracker, start: str | None, end: str | None
) -> tuple[str | None, str | None]:
    """``from``/``to`` of a list: real dates (or today/yesterday), in order."""

    def one(text: str | None, field: str) -> str | None:
        if text is None or not text.strip():
            return None
        if text.strip().lower() in ("today", "yesterday"):
            return tracker.day(text.strip(), field)
        return iso_date(text.strip(), field)

    first, last = one(start, "start"), one(end, "end")
    if first and last and first > last:
        raise InputError("end", f"{last} is before the start {first}", code="out-of-range")
    return first, last


def split_names(values: list[str] | str | None) -> list[str]:
    """Names from a list and/or comma-separated text, blanks dropped."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else values
    return [p.strip() for v in items for p in str(v).split(",") if p.strip()]


def reliefs_from(items: list[Any]) -> list[tuple[str, str | None]]:
    """``[{method, helped}]`` (API models or dicts) as the Tracker's (method, helped) pairs."""
    out: list[tuple[str, str | None]] = []
    for r in items:
        method = r["method"] if isinstance(r, dict) else r.method
        helped = r.get("helped") if isinstance(r, dict) else r.helped
        out.append((method, helped or None))
    return out
