"""The one facade the CLI, the web app and Python users talk to.

``Tracker`` opens the diary database and composes the domain modules::

    tracker = Tracker()               # the personal diary (platform data dir)
    tracker.diary.log_episode(at="around 3am", muscles=["calf"], severity=7)
    tracker.summary()

Heavy modules (analysis, safety, knowledge) are imported only when used, so that
``crampwise log`` starts about as fast as Python itself.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property

from crampwise.diary import DiaryModule
from crampwise.errors import InputError
from crampwise.storage.store import open_store
from crampwise.timeparse import local_zone_name, parse_date, zone
from crampwise.validate import MIN_DATE, date_range

# Only what `log` and `night` need is imported at the top; regimen and context load on
# first use. TYPE_CHECKING is our own constant: importing typing costs ~8 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from crampwise.analysis import AnalysisResult
    from crampwise.context import ContextModule
    from crampwise.diary import Summary
    from crampwise.formats.diaryformat import ImportReport
    from crampwise.records import DiaryData, Profile
    from crampwise.regimen import RegimenModule
    from crampwise.safety import Finding, SafetyReport
    from crampwise.safety.nutrition import NutritionTotals
    from crampwise.storage.store import Store
    from crampwise.weeks import Week

__all__ = ["Tracker"]


def _clock_from_env() -> Callable[[], dt.datetime] | None:
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


class Tracker:
    """A person's cramp diary: open it, record, read, analyse."""

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        store: Store | None = None,
    ) -> None:
        self._clock = clock or _clock_from_env() or (lambda: dt.datetime.now(dt.UTC))
        self.store = store if store is not None else open_store(_database(db))
        self._timezone: str | None = None
        self._profile: Profile | None = None

    # -- time ----------------------------------------------------------------------------
    def _stored_profile(self) -> Profile:
        if self._profile is None:
            self._profile = self.store.get_profile()
        return self._profile

    @property
    def timezone(self) -> str:
        """The person's IANA time zone: the profile's, else the machine's."""
        if self._timezone is None:
            self._timezone = self._stored_profile().timezone or local_zone_name()
        return self._timezone

    @property
    def timezone_warning(self) -> str | None:
        """Why the time zone in use may be wrong (the machine's could not be read), or
        None; a zone set in the profile always wins."""
        if self._stored_profile().timezone:
            return None
        from crampwise._machinezone import zone_warning

        return zone_warning()

    def earliest(self) -> dt.date:
        """The earliest date the diary accepts: 1 January of the birth year, else 1900."""
        year = self._stored_profile().birth_year
        return dt.date(year, 1, 1) if year and year > MIN_DATE.year else MIN_DATE

    def forget_timezone(self) -> None:
        """Re-read the time zone (and birth year) after the profile changed."""
        self._timezone = None
        self._profile = None

    def now(self) -> dt.datetime:
        """Now, in the person's time zone."""
        return self._clock().astimezone(zone(self.timezone))

    def day(self, date: str | None, field: str = "date") -> str:
        """An ISO date the person typed (YYYY-MM-DD, today, yesterday; from the earliest
        accepted date to today), or today when none was given."""
        today = self.today()
        if date is None:
            return today.isoformat()
        return parse_date(date, field, today, self.earliest()).isoformat()

    def date_range(self, start: str | None, end: str | None) -> tuple[str | None, str | None]:
        """A from/to filter the person typed, checked (fields ``start`` and ``end``)."""
        return date_range(start, end, self.today(), self.earliest())

    def today(self) -> dt.date:
        """Today's date where the person is."""
        return self.now().date()

    # -- modules -------------------------------------------------------------------------
    @cached_property
    def diary(self) -> DiaryModule:
        """Nights and episodes."""
        return DiaryModule(self)

    @cached_property
    def regimen(self) -> RegimenModule:
        """Supplements, foods, routines, therapies, adherence and medications."""
        from crampwise.regimen import RegimenModule

        return RegimenModule(self)

    @cached_property
    def context(self) -> ContextModule:
        """Profile, labs, factors, trigger points and red flags."""
        from crampwise.context import ContextModule

        return ContextModule(self)

    # -- whole-diary operations ----------------------------------------------------------
    def snapshot(self, start: str | None = None, end: str | None = None) -> DiaryData:
        """The diary as typed records (nights, episodes, factors, adherence from ``start``
        to ``end``, inclusive ISO dates; the rest whole). What safety, nutrition, analysis
        and the export formats read."""
        return self.store.snapshot(self.timezone, start, end)

    def summary(self) -> Summary:
        """The diary at a glance."""
        return self.diary.summary()

    def calendar(self, start: str | None = None, end: str | None = None) -> list[Week]:
        """The nights week by week (Monday first), with what started or stopped in the
        regimen each week."""
        from crampwise.weeks import weeks

        return weeks(self.diary.nights(start, end), self.regimen.entries())

    def export_diary(self) -> dict[str, Any]:
        """The whole diary as a ``crampwise-diary`` v1 document."""
        from crampwise.formats.export import export_document

        return export_document(self)

    def import_diary(
        self, source: str | os.PathLike[str] | dict[str, Any], *, replace: bool = False
    ) -> ImportReport:
        """Import a ``crampwise-diary`` document (all or nothing; merges into this diary)."""
        from crampwise.formats.diaryformat import import_document, load_document

        doc = source if isinstance(source, dict) else load_document(source)
        return import_document(self, doc, replace=replace)

    # -- insight (heavy modules, imported on first use) ------------------------------------
    def analyze(self) -> AnalysisResult:
        """Rates per period, effects with uncertainty, warnings, changepoints, streaks."""
        from crampwise.analysis import analyze

        return analyze(self)

    def safety(self, day: dt.date | None = None) -> SafetyReport:
        """Safety findings for the regimen, medicines, labs and red flags as of ``day``."""
        from crampwise.safety import check

        return check(self.export_diary(), day or self.today())

    def safety_for_new_item(self, item: str) -> list[Finding]:
        """Today's findings that involve a just-added regimen item or medication."""
        from crampwise.safety import check_new_item

        return check_new_item(self.export_diary(), self.today(), item)

    def nutrition(self, day: dt.date | None = None) -> NutritionTotals:
        """Potassium, magnesium, calcium and sodium from foods and supplements on ``day``."""
        from crampwise.safety.nutrition import daily_totals

        return daily_totals(self.export_diary(), day or self.today())

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
