"""Nights: observed or missing, the diary's span, streaks and the summary's record.

A night is *observed* once checked in (0 cramps is data) and *missing* otherwise; a
missing night is never counted as zero and breaks every streak. Stdlib only: on the
``crampwise night`` path.
"""

from __future__ import annotations

import datetime as dt

from crampwise._record import Record, record_to_dict

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~8 ms on this path
if TYPE_CHECKING:
    from typing import Any

__all__ = ["NightStatus", "Summary", "span", "streaks"]


class NightStatus(Record):
    """A night in the diary's span: observed with a count, or missing (``cramps`` None)."""

    date: str
    observed: bool
    cramps: int | None

    def to_dict(self) -> dict[str, Any]:
        """The ``nights --json`` shape."""
        return {"date": self.date, "observed": self.observed, "cramps": self.cramps}


class Summary(Record):
    """The diary at a glance (``summary --json``)."""

    first_night: str | None
    last_night: str | None
    nights_observed: int
    nights_missing: int
    cramps: int
    current_streak: int
    longest_streak: int
    nights_with_cramps: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return record_to_dict(self)


def streaks(statuses: list[NightStatus]) -> tuple[int, int]:
    """(current, longest) runs of observed cramp-free nights; a missing night breaks a run.

    ``current`` is the run that ends at the last observed night.
    """
    longest = run = 0
    for night in statuses:
        if night.observed and night.cramps == 0:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return run, longest


def span(first: str, last: str) -> list[str]:
    """Every ISO date from ``first`` to ``last``, both included."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
