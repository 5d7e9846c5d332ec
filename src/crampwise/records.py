"""The diary's records: plain frozen records shared by storage, domain modules and I/O.

Dates are ISO strings (``YYYY-MM-DD``) and instants are UTC ISO strings
(``YYYY-MM-DDTHH:MM:SSZ``) with the person's IANA time zone kept beside them for display.

The diary's own records (profile, nights, episodes) are defined here; the features'
records (regimen, context, experiments, devices) and the :class:`DiaryData` snapshot are
in :mod:`crampwise._records_features` and load on first use (module ``__getattr__``):
``crampwise log`` and ``night`` need none of them, and each class costs ~20 µs to make.
"""

from __future__ import annotations

# Records derive from our own light base, not dataclasses: importing dataclasses costs
# ~12 ms on the 3 a.m. ``crampwise log`` path (see crampwise._record).
from crampwise._record import Record

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise._records_features import (
        Adherence,
        Device,
        DiaryData,
        Experiment,
        ExperimentPeriod,
        Factor,
        Lab,
        Medication,
        RedFlagAnswer,
        RegimenEntry,
        TriggerPoint,
        TriggerPointRating,
    )

__all__ = [
    "Adherence",
    "AfterEffect",
    "Device",
    "DiaryData",
    "Episode",
    "Experiment",
    "ExperimentPeriod",
    "Factor",
    "Lab",
    "Medication",
    "Night",
    "Profile",
    "RedFlagAnswer",
    "RegimenEntry",
    "Relief",
    "TriggerPoint",
    "TriggerPointRating",
]


class Profile(Record):
    """Who the diary belongs to (all optional; used by the safety rules)."""

    birth_year: int | None = None
    sex: str | None = None
    kidney_disease: bool | None = None
    timezone: str | None = None
    bedtime: str | None = None  # HH:MM, local; for the bedtime reminder
    pregnant: bool | None = None
    breastfeeding: bool | None = None


class Night(Record):
    """An observed night. ``cramps`` is episodes + cramps counted without details."""

    date: str
    cramps: int
    undetailed_cramps: int = 0
    sleep_quality: int | None = None
    notes: str = ""


class Relief(Record):
    """Something tried during a cramp and how well it helped (not/somewhat/a-lot)."""

    method: str
    helped: str | None = None


class AfterEffect(Record):
    """Soreness or a knot rated (0–10) on a day after the cramp."""

    date: str
    kind: str
    rating: int
    id: int | None = None


class Episode(Record):
    """One cramp."""

    night: str
    occurred_at: str | None = None  # UTC instant, None when the time is unknown
    tz: str | None = None
    approximate: bool = False
    side: str | None = None
    muscles: tuple[str, ...] = ()
    severity: int | None = None
    duration_min: float | None = None
    waves: int | None = None
    woke: bool | None = None
    reliefs: tuple[Relief, ...] = ()
    after_effects: tuple[AfterEffect, ...] = ()
    notes: str = ""
    client_id: str | None = None
    id: int | None = None


_FEATURES = frozenset(
    (
        "Adherence",
        "Device",
        "DiaryData",
        "Experiment",
        "ExperimentPeriod",
        "Factor",
        "Lab",
        "Medication",
        "RedFlagAnswer",
        "RegimenEntry",
        "TriggerPoint",
        "TriggerPointRating",
    )
)

if not TYPE_CHECKING:  # type checkers see the import above

    def __getattr__(name: str) -> object:
        if name not in _FEATURES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from crampwise import _records_features

        value = getattr(_records_features, name)
        globals()[name] = value
        return value
