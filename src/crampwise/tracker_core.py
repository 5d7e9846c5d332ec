"""The hot half of the :class:`~crampwise.tracker.Tracker` facade: open the diary, tell
the time where the person is, and record nights and cramps.

``crampwise log`` and ``night`` use only this much of the facade, and they start about
as fast as Python itself only if they load no more: the rest of the facade (regimen,
exports, imports, analysis, reports …) is :class:`~crampwise.tracker.Tracker`, a
subclass that adds those methods and no state. Everyone else - the CLI's other
commands, the web app, Python users - uses ``Tracker``.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property

from crampwise.clock import Clock, clock_from_env
from crampwise.diary import DiaryModule
from crampwise.errors import InputError
from crampwise.storage.store import open_store

TYPE_CHECKING = False  # our own constant: importing typing costs ~8 ms on this path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

__all__ = ["TrackerCore"]


def _database(db: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """``db`` as given; an empty name is an error, never the personal diary in disguise."""
    if db is not None and not os.fspath(db).strip():
        raise InputError("db", "is empty; give a file path or a database URL", code="required")
    if db is None and "CRAMPWISE_DB" in os.environ and not os.environ["CRAMPWISE_DB"].strip():
        raise InputError(
            "CRAMPWISE_DB",
            "is set but empty; give a file path or a database URL, or unset it to use "
            "your personal diary",
            code="required",
        )
    return db


class TrackerCore:
    """A person's cramp diary, opened: its time zone and clock, nights and episodes."""

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        migrate: bool = True,
        diary_id: int = 1,
    ) -> None:
        """Open the diary ``diary_id`` (personal mode: 1) of the database ``db``."""
        clock = clock or clock_from_env()  # a bad CRAMPWISE_NOW stops before the diary opens
        self._store = open_store(_database(db), auto_migrate=migrate, diary_id=diary_id)
        self._clock = Clock(clock, self._store.get_profile)

    # -- time ----------------------------------------------------------------------------
    @property
    def timezone(self) -> str:
        """The person's IANA time zone: the profile's, else the machine's."""
        return self._clock.timezone

    @property
    def timezone_warning(self) -> str | None:
        """Why the time zone in use may be wrong (the machine's could not be read), or
        None; a zone set in the profile always wins."""
        return self._clock.timezone_warning

    def earliest(self) -> dt.date:
        """The earliest date the diary accepts: 1 January of the birth year, else 1900."""
        return self._clock.earliest()

    def date_range(self, start: str | None, end: str | None) -> tuple[str | None, str | None]:
        """A from/to filter the person typed, checked (fields ``start`` and ``end``)."""
        return self._clock.date_range(start, end)

    def forget_timezone(self) -> None:
        """Re-read the time zone after the profile changed."""
        self._clock.forget_zone()

    def now(self) -> dt.datetime:
        """Now, in the person's time zone."""
        return self._clock.now()

    def day(self, date: str | None, field: str = "date") -> str:
        """An ISO date the person typed (YYYY-MM-DD, today, yesterday; never in the future),
        or today when none was given."""
        return self._clock.day(date, field)

    def today(self) -> dt.date:
        """Today's date where the person is."""
        return self._clock.today()

    # -- the database --------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        """The URL of the diary's database."""
        return self._store.url

    # -- modules -------------------------------------------------------------------------
    @cached_property
    def diary(self) -> DiaryModule:
        """Nights and episodes."""
        return DiaryModule(self._store, self._clock)

    def close(self) -> None:
        """Close the database."""
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
