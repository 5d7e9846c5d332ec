"""The person's clock: now and today where they are, and the dates they type.

What the domain modules need from the outside world besides storage, so each gets
``(store, clock)`` and nothing more. Stdlib only (CLI hot path).
"""

from __future__ import annotations

import datetime as dt
import os

from crampwise.timeparse import local_zone_name, parse_date, zone

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Clock", "clock_from_env"]


def clock_from_env() -> Callable[[], dt.datetime] | None:
    """``CRAMPWISE_NOW`` pins the clock (ISO instant) for reproducible demos and tests."""
    pinned = os.environ.get("CRAMPWISE_NOW")
    if not pinned:
        return None
    instant = dt.datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return lambda: instant


class Clock:
    """Now and today in the person's time zone.

    ``utc_now`` gives the current instant; ``profile_zone`` the zone the person set (None:
    the machine's zone is used). The zone is read once and kept until :meth:`forget_zone`.
    """

    def __init__(
        self,
        utc_now: Callable[[], dt.datetime] | None = None,
        profile_zone: Callable[[], str | None] | None = None,
    ) -> None:
        self._utc_now = utc_now or clock_from_env() or (lambda: dt.datetime.now(dt.UTC))
        self._profile_zone = profile_zone or (lambda: None)
        self._zone_name: str | None = None

    @property
    def timezone(self) -> str:
        """The person's IANA time zone: the profile's, else the machine's."""
        if self._zone_name is None:
            self._zone_name = self._profile_zone() or local_zone_name()
        return self._zone_name

    def forget_zone(self) -> None:
        """Read the zone again on next use (after the profile changed)."""
        self._zone_name = None

    def now(self) -> dt.datetime:
        """Now, in the person's time zone."""
        return self._utc_now().astimezone(zone(self.timezone))

    def today(self) -> dt.date:
        """Today's date where the person is."""
        return self.now().date()

    def day(self, text: str | None, field: str = "date") -> str:
        """An ISO date the person typed (YYYY-MM-DD, today, yesterday; never in the
        future), or today when none was given."""
        today = self.today()
        return (parse_date(text, field, today) if text else today).isoformat()
