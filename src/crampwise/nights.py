"""Nights: observed or missing, the diary's span, streaks and the summary's record.

A night is *observed* once checked in (0 cramps is data) and *missing* otherwise; a
missing night is never counted as zero and breaks every streak. Stdlib only: on the
``crampwise night`` path.
"""

from __future__ import annotations

import datetime as dt

from crampwise import validate as v
from crampwise._record import Record, record_to_dict
from crampwise.errors import ConfirmationRequired, InputError, NotFoundError
from crampwise.timeparse import parse_date

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~8 ms on this path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from crampwise.clock import Clock
    from crampwise.records import Night
    from crampwise.storage.store import Store

__all__ = [
    "MAX_RANGE_NIGHTS",
    "RATE_MIN_NIGHTS",
    "NightBook",
    "NightStatus",
    "RangeCheckIn",
    "Summary",
    "Unchecked",
    "span",
    "streaks",
]

#: The fewest observed nights a weekly rate is given from: with fewer, one cramp more or
#: less moves it too much to mean anything ("14 per week" after one night).
RATE_MIN_NIGHTS = 14

#: The most nights one range check-in covers (a typo in a year must not write 40,000).
MAX_RANGE_NIGHTS = 366


class NightStatus(Record):
    """A night in the diary's span: observed with a count, or missing (``cramps`` None)."""

    date: str
    observed: bool
    cramps: int | None

    def to_dict(self) -> dict[str, Any]:
        """The ``nights --json`` shape."""
        return {"date": self.date, "observed": self.observed, "cramps": self.cramps}


class Unchecked(Record):
    """The nights since the last one in the diary, up to last night, not checked in."""

    first: str
    last: str
    nights: int

    def to_dict(self) -> dict[str, Any]:
        """``{"from", "to", "nights"}``."""
        return {"from": self.first, "to": self.last, "nights": self.nights}


class RangeCheckIn(Record):
    """A range of nights checked in as cramp-free: those recorded, those left as they
    were (already in the diary)."""

    recorded: tuple[str, ...]
    kept: tuple[Night, ...]


class Summary(Record):
    """The diary at a glance (``summary --json``).

    ``current_streak`` is the run of cramp-free nights that ends at the last night in the
    diary (``last_night``); nights after it not checked in yet are ``unchecked`` - a
    streak never runs across them. ``cramps_per_week`` is None under
    :data:`RATE_MIN_NIGHTS` observed nights (``nights_needed`` more are needed).
    """

    first_night: str | None
    last_night: str | None
    nights_observed: int
    nights_missing: int
    cramps: int
    current_streak: int
    longest_streak: int
    nights_with_cramps: int
    cramps_per_week: float | None = None
    #: The exact (Garwood) 95 % Poisson interval of ``cramps_per_week``, when given.
    cramps_per_week_low: float | None = None
    cramps_per_week_high: float | None = None
    nights_needed: int = 0
    unchecked: Unchecked | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        data = record_to_dict(self)
        data["unchecked"] = None if self.unchecked is None else self.unchecked.to_dict()
        return data


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


class NightBook:
    """Check in, list and delete nights (the night half of ``tracker.diary``)."""

    _store: Store
    _clock: Clock

    def record_night(
        self,
        date: str | None = None,
        *,
        cramps: int | str | None = None,
        none: bool = False,
        sleep_quality: int | str | None = None,
        notes: str | None = None,
        confirm: bool = False,
    ) -> Night:
        """Check in a night: ``none`` = cramp-free, ``cramps`` = the night's total count.

        Defaults to last night: the night that began yesterday evening, whatever the time of
        day (a check-in at 14:00 is about the night just gone, not the one to come). A night
        that has not ended yet cannot be checked in. Changing an existing count needs
        ``confirm``.
        """
        today = self._clock.today()
        last_night = today - dt.timedelta(days=1)
        night_date = (
            last_night if date is None else parse_date(date, "date", today, self._clock.earliest())
        )
        if night_date > last_night:
            raise InputError(
                "date",
                f"the night of {night_date} has not ended yet; check it in tomorrow",
                code="future",
                action="log-now",
            )
        day = night_date.isoformat()
        if none and cramps is not None:
            raise InputError(
                "cramps",
                "a count and a cramp-free night were both given; give one",
                code="conflict-with-field",
            )
        total = 0 if none else None
        if cramps is not None:
            total = v.int_range(cramps, "cramps", 0, 50)
        quality = (
            None if sleep_quality is None else v.int_range(sleep_quality, "sleep_quality", 0, 10)
        )
        with self._store.write():
            existing = self._store.get_night(day)
            detailed = 0 if existing is None else existing.cramps - existing.undetailed_cramps
            if existing is None and total is None:
                raise InputError(
                    "cramps",
                    f"night {day} is not in the diary yet; give its number of cramps "
                    "(0 for a cramp-free night)",
                    code="required",
                    action="give-count",
                )
            if total is not None and total < detailed:
                raise InputError(
                    "cramps",
                    f"night {day} already has {detailed} logged cramp(s) with details; "
                    "delete episodes to lower the count",
                    code="out-of-range",
                )
            changes_count = existing is not None and total not in (None, existing.cramps)
            if changes_count and not confirm:
                assert existing is not None
                raise ConfirmationRequired(
                    f"night {day} is recorded with {existing.cramps} cramp(s); "
                    f"overwrite with {total}?"
                )
            if total is not None:
                undetailed = total - detailed
            else:
                assert existing is not None  # a new night without a count was refused above
                undetailed = existing.undetailed_cramps
            self._store.put_night(
                day,
                undetailed_cramps=undetailed,
                sleep_quality=quality
                if quality is not None
                else (existing.sleep_quality if existing else None),
                notes=v.text(notes, "notes")
                if notes is not None
                else (existing.notes if existing else ""),
            )
            stored = self._store.get_night(day)
        assert stored is not None
        return stored

    def check_in_range(
        self, start: str, end: str | None = None, *, notes: str | None = None
    ) -> RangeCheckIn:
        """Check in every night from ``start`` to ``end`` (default: last night) that is not
        in the diary yet as cramp-free, in one write (all or nothing). Nights already in
        the diary are left as they are: a range never overwrites a count."""
        today = self._clock.today()
        earliest = self._clock.earliest()
        first = parse_date(start, "start", today, earliest)
        last_night = today - dt.timedelta(days=1)
        last = last_night if end is None else parse_date(end, "end", today, earliest)
        if last > last_night:
            raise InputError(
                "end",
                f"the night of {last} has not ended yet; check it in tomorrow",
                code="future",
                action="log-now",
            )
        if first > last:
            raise InputError(
                "start", f"{first} is after the last night {last}", code="conflict-with-field"
            )
        if (last - first).days + 1 > MAX_RANGE_NIGHTS:
            raise InputError(
                "start",
                f"{(last - first).days + 1:,} nights from {first} to {last}; at most "
                f"{MAX_RANGE_NIGHTS} at a time",
                code="out-of-range",
            )
        note = "" if notes is None else v.text(notes, "notes")
        with self._store.write():
            kept = {n.date: n for n in self._store.list_nights(first.isoformat(), last.isoformat())}
            recorded = [d for d in span(first.isoformat(), last.isoformat()) if d not in kept]
            for day in recorded:
                self._store.put_night(day, undetailed_cramps=0, sleep_quality=None, notes=note)
        return RangeCheckIn(tuple(recorded), tuple(kept[d] for d in sorted(kept)))

    def unchecked(self, stored: Sequence[Night] | None = None) -> Unchecked | None:
        """The nights after the last one in the diary, up to last night, that are not
        checked in (None when there are none, or the diary is empty). ``stored``: every
        observed night, already read (else they are read here)."""
        nights = self._store.list_nights() if stored is None else stored
        if not nights:
            return None
        after = dt.date.fromisoformat(nights[-1].date) + dt.timedelta(days=1)
        last_night = self._clock.today() - dt.timedelta(days=1)
        if after > last_night:
            return None
        count = (last_night - after).days + 1
        return Unchecked(after.isoformat(), last_night.isoformat(), count)

    def night(self, date: str) -> Night | None:
        """One observed night with its total, or None when it is missing."""
        return self._store.get_night(date)

    def nights(
        self,
        start: str | None = None,
        end: str | None = None,
        *,
        to_last_night: bool = False,
        stored: Sequence[Night] | None = None,
    ) -> list[NightStatus]:
        """Every night of the diary's span (or the given range): observed or missing.
        ``to_last_night``: the span runs on to last night, so that the nights not checked
        in since the last entry show as missing too. ``stored``: every observed night of
        the diary, already read (a whole-diary snapshot's), else they are read here."""
        start, end = self._clock.date_range(start, end)
        stored = self._store.list_nights() if stored is None else stored
        observed = {n.date: n.cramps for n in stored}
        if not observed:
            return []
        first, last = min(observed), max(observed)
        if to_last_night:
            last = max(last, (self._clock.today() - dt.timedelta(days=1)).isoformat())
        statuses = [NightStatus(d, d in observed, observed.get(d)) for d in span(first, last)]
        return [
            s
            for s in statuses
            if (start is None or s.date >= start) and (end is None or s.date <= end)
        ]

    def summary(self, stored: Sequence[Night] | None = None) -> Summary:
        """First/last night, observed/missing counts, cramps, streaks, the nights not
        checked in since the last entry, and a weekly rate once there are enough nights.
        ``stored``: every observed night, already read (else they are read here, once)."""
        stored = self._store.list_nights() if stored is None else stored
        statuses = self.nights(stored=stored)
        current, longest = streaks(statuses)
        observed = [s for s in statuses if s.observed]
        cramps = sum(s.cramps or 0 for s in observed)
        enough = len(observed) >= RATE_MIN_NIGHTS
        return Summary(
            first_night=statuses[0].date if statuses else None,
            last_night=statuses[-1].date if statuses else None,
            nights_observed=len(observed),
            nights_missing=len(statuses) - len(observed),
            cramps=cramps,
            current_streak=current,
            longest_streak=longest,
            nights_with_cramps=sum(1 for s in observed if (s.cramps or 0) > 0),
            cramps_per_week=7 * cramps / len(observed) if enough else None,
            nights_needed=0 if enough else RATE_MIN_NIGHTS - len(observed),
            unchecked=self.unchecked(stored),
        )

    def delete_night(self, date: str, *, confirm: bool = False) -> Night:
        """Delete a night and its episodes (it becomes missing); needs ``confirm``."""
        day = parse_date(date, "date", self._clock.today(), self._clock.earliest()).isoformat()
        night = self._store.get_night(day)
        if night is None:
            raise NotFoundError(f"night {day} is not in the diary")
        if not confirm:
            raise ConfirmationRequired(
                f"delete night {day} with {night.cramps} cramp(s)? It becomes a missing night."
            )
        with self._store.write():
            self._store.delete_night(day)
        return night
