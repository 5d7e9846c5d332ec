"""The diary week by week: what ``crampwise nights`` shows for a long span.

Each :class:`Week` starts on a Monday and holds one :class:`Day` per weekday: outside the
diary's span, missing (never counted as zero) or observed with its cramp count, plus the
regimen items that started or stopped that week. Faces draw it as they like.
"""

from __future__ import annotations

import datetime as dt

from crampwise._record import Record

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.nights import NightStatus
    from crampwise.records import RegimenEntry

__all__ = ["Day", "Week", "weeks"]


class Day(Record):
    """One night of a week: ``status`` is "outside", "missing" or "observed"."""

    date: str
    status: str
    cramps: int | None = None


class Week(Record):
    """Seven nights from a Monday; cramps and nights count the observed ones."""

    monday: str
    days: tuple[Day, ...]
    cramps: int
    nights_observed: int
    started: tuple[str, ...] = ()  # regimen items that started this week
    stopped: tuple[str, ...] = ()  # … and that stopped (their first day without)


def weeks(statuses: list[NightStatus], regimen: list[RegimenEntry]) -> list[Week]:
    """The nights in ``statuses`` (consecutive, from :meth:`DiaryModule.nights`) by week."""
    if not statuses:
        return []
    by_date = {s.date: s for s in statuses}
    first = dt.date.fromisoformat(statuses[0].date)
    last = dt.date.fromisoformat(statuses[-1].date)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        dates = [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)]
        days = []
        for date in dates:
            night = by_date.get(date)
            if night is None:
                days.append(Day(date, "outside"))
            elif not night.observed:
                days.append(Day(date, "missing"))
            else:
                days.append(Day(date, "observed", night.cramps or 0))
        observed = [d for d in days if d.status == "observed"]
        in_week = set(dates)
        out.append(
            Week(
                monday=monday.isoformat(),
                days=tuple(days),
                cramps=sum(d.cramps or 0 for d in observed),
                nights_observed=len(observed),
                started=tuple(e.item for e in regimen if e.start in in_week),
                stopped=tuple(e.item for e in regimen if e.end and e.end in in_week),
            )
        )
        monday += dt.timedelta(days=7)
    return out
