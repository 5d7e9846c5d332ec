"""The diary's records: plain frozen records shared by storage, domain modules and I/O.

Dates are ISO strings (``YYYY-MM-DD``) and instants are UTC ISO strings
(``YYYY-MM-DDTHH:MM:SSZ``) with the person's IANA time zone kept beside them for display.
"""

from __future__ import annotations

# Records derive from our own light base, not dataclasses: importing dataclasses costs
# ~12 ms on the 3 a.m. ``crampwise log`` path (see crampwise._record).
from crampwise._record import Record

__all__ = [
    "Adherence",
    "AfterEffect",
    "Device",
    "DiaryData",
    "Episode",
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


class RegimenEntry(Record):
    """A supplement, food, routine or therapy taken from ``start`` until ``end`` (exclusive)."""

    item: str
    kind: str
    start: str
    end: str | None = None
    form: str | None = None
    dose: float | None = None
    unit: str | None = None
    times: tuple[str, ...] = ()
    notes: str = ""
    id: int | None = None

    def active_on(self, day: str) -> bool:
        """Whether the entry is in force on ``day`` (ISO date)."""
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def daily_amount(self) -> float | None:
        """Dose per intake × intakes per day (None without a dose)."""
        if self.dose is None:
            return None
        return self.dose * max(1, len(self.times))


class Adherence(Record):
    """Whether an item was taken on a date (optionally one dose time)."""

    date: str
    item: str
    taken: bool
    time: str = ""


class Medication(Record):
    """A prescription medicine."""

    name: str
    start: str
    end: str | None = None
    dose: float | None = None
    unit: str | None = None
    times: tuple[str, ...] = ()
    notes: str = ""
    id: int | None = None

    def active_on(self, day: str) -> bool:
        """Whether the medicine is taken on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


class Lab(Record):
    """A lab result, with the lab's own reference range when known."""

    date: str
    test: str
    value: float
    unit: str
    range_low: float | None = None
    range_high: float | None = None
    id: int | None = None


class Factor(Record):
    """A daily context factor (fluids, heat, custom …); value is a number, bool or text."""

    date: str
    name: str
    value: float | bool | str
    unit: str | None = None
    id: int | None = None


class TriggerPointRating(Record):
    """Tenderness (0–10) of a trigger point on a date."""

    date: str
    tenderness: int


class TriggerPoint(Record):
    """A tender spot on a muscle, followed over time until released."""

    muscle: str
    side: str
    found: str
    spot: str = ""
    released: str | None = None
    notes: str = ""
    ratings: tuple[TriggerPointRating, ...] = ()
    id: int | None = None


class RedFlagAnswer(Record):
    """An answer to a red-flag question on a date."""

    date: str
    flag: str
    present: bool


class Device(Record):
    """A phone or browser paired with the diary (web app); its token is stored hashed."""

    id: int
    name: str
    paired_at: str  # UTC instant
    last_seen: str | None = None
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class DiaryData(Record):
    """A typed, read-only snapshot of one diary: what safety, nutrition, analysis and the
    export formats read (no dicts: those live only at the edges, in ``crampwise.formats``).

    ``start``/``end`` (ISO dates, inclusive) bound the nights, episodes, factors and
    adherence it holds; None = the whole diary. The regimen, medications, labs, trigger
    points and red-flag answers are always whole: they are few, and a rule about today
    needs to know what started years ago. ``timezone`` is the zone times are shown in: the
    profile's when set, else the machine's (``profile.timezone`` tells which).
    """

    timezone: str
    profile: Profile
    nights: tuple[Night, ...]
    episodes: tuple[Episode, ...]
    regimen: tuple[RegimenEntry, ...]
    adherence: tuple[Adherence, ...]
    medications: tuple[Medication, ...]
    labs: tuple[Lab, ...]
    factors: tuple[Factor, ...]
    trigger_points: tuple[TriggerPoint, ...]
    red_flags: tuple[RedFlagAnswer, ...]
    start: str | None = None
    end: str | None = None
