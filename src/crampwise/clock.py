"""The person's clock: now and today where they are, and the dates they type.

What the domain modules need from the outside world besides storage, so each gets
``(store, clock)`` and nothing more. Stdlib only (CLI hot path).
"""

from __future__ import annotations

import datetime as dt
import os

from crampwise.errors import InputError
from crampwise.timeparse import local_zone_name, parse_date, zone
from crampwise.validate import MIN_DATE, date_range

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Callable

    from crampwise.records import Profile

__all__ = ["Clock", "clock_from_env"]


def clock_from_env() -> Callable[[], dt.datetime] | None:
    """``CRAMPWISE_NOW`` pins the clock (ISO instant) for reproducible demos and tests."""
    pinned = os.environ.get("CRAMPWISE_NOW")
    if pinned is None:
        return None
    try:
        instant = dt.datetime.fromisoformat(pinned.strip().replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.year < MIN_DATE.year or instant.year > 9000:
        raise InputError(
            "CRAMPWISE_NOW",
            f"{pinned[:40]!r} is not a date and time such as 2026-03-05T02:30:00Z "
            "(unset it to use the real clock)",
        )
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return lambda: instant


class Clock:
    """Now and today in the person's time zone, and the dates a diary accepts.

    ``utc_now`` gives the current instant; ``profile`` the person's profile: its zone (None:
    the machine's zone is used) and birth year (dates before it are refused). Both are read
    once and kept until :meth:`forget_zone`.
    """

    def __init__(
        self,
        utc_now: Callable[[], dt.datetime] | None = None,
        profile: Callable[[], Profile | None] | None = None,
    ) -> None:
        self._utc_now = utc_now or clock_from_env() or (lambda: dt.datetime.now(dt.UTC))
        self._read_profile = profile or (lambda: None)
        self._zone_name: str | None = None
        self._profile: tuple[str | None, int | None] | None = None

    def _stored(self) -> tuple[str | None, int | None]:
        """(profile zone, birth year), read once."""
        if self._profile is None:
            found = self._read_profile()
            self._profile = (None, None) if found is None else (found.timezone, found.birth_year)
        return self._profile

    @property
    def timezone(self) -> str:
        """The person's IANA time zone: the profile's, else the machine's."""
        if self._zone_name is None:
            self._zone_name = self._stored()[0] or local_zone_name()
        return self._zone_name

    @property
    def timezone_warning(self) -> str | None:
        """Why the zone in use may be wrong (the machine's could not be read), else None;
        a zone set in the profile always wins."""
        if self._stored()[0]:
            return None
        from crampwise._machinezone import zone_warning

        return zone_warning()

    def earliest(self) -> dt.date:
        """The earliest date a diary accepts: 1 January of the birth year, else 1900."""
        year = self._stored()[1]
        return dt.date(year, 1, 1) if year and year > MIN_DATE.year else MIN_DATE

    def forget_zone(self) -> None:
        """Read the profile (zone, birth year) again on next use, after it changed."""
        self._zone_name = None
        self._profile = None

    def now(self) -> dt.datetime:
        """Now, in the person's time zone."""
        return self._utc_now().astimezone(zone(self.timezone))

    def today(self) -> dt.date:
        """Today's date where the person is."""
        return self.now().date()

    def day(self, text: str | None, field: str = "date") -> str:
        """An ISO date the person typed (YYYY-MM-DD, today, yesterday; from the earliest
        accepted date to today), or today when none was given (an empty text is an error)."""
        today = self.today()
        if text is None:
            return today.isoformat()
        return parse_date(text, field, today, self.earliest()).isoformat()

    def date_range(self, start: str | None, end: str | None) -> tuple[str | None, str | None]:
        """A from/to filter the person typed, checked (fields ``start`` and ``end``)."""
        return date_range(start, end, self.today(), self.earliest())
