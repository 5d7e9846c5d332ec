"""The records of the diary's features (regimen, context, experiments, devices) and the
:class:`DiaryData` snapshot: importable from :mod:`crampwise.records`, which loads this
module on first use (``crampwise log`` and ``night`` use none of them)."""

from __future__ import annotations

from crampwise._record import Record

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.records import Episode, Night, Profile

__all__ = [
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
]


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
    every: str = "day"  # how often: see crampwise.schedule ("week", "2 days", "month" …)

    def active_on(self, day: str) -> bool:
        """Whether the entry is in force on ``day`` (ISO date)."""
        return self.start <= day and (self.end is None or day < self.end)

    def due_on(self, day: str) -> bool:
        """Whether a dose is due on ``day``: in force, and a day of its schedule."""
        if not self.active_on(day):
            return False
        if self.every == "day":
            return True
        from crampwise.schedule import is_due

        return is_due(self.every, self.start, day)

    @property
    def daily_amount(self) -> float | None:
        """Dose per intake × intakes on a day it is taken (None without a dose)."""
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
    every: str = "day"  # how often: see crampwise.schedule (alendronate: "week")

    def active_on(self, day: str) -> bool:
        """Whether the medicine is taken on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def due_on(self, day: str) -> bool:
        """Whether a dose is due on ``day``: in force, and a day of its schedule."""
        if not self.active_on(day):
            return False
        if self.every == "day":
            return True
        from crampwise.schedule import is_due

        return is_due(self.every, self.start, day)


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


class ExperimentPeriod(Record):
    """One period of an N-of-1 experiment: nights ``start`` to ``end`` (both inclusive).

    ``condition`` is ``A`` (the comparator: no item, or the other item) or ``B`` (the item
    tested). ``washout_until`` is the last night of the period that is not analysed
    (carry-over from the previous condition; None when the condition did not change)."""

    start: str
    end: str
    condition: str
    washout_until: str | None = None


class Experiment(Record):
    """A randomized N-of-1 experiment: the plan, its design and what became of it.

    ``seed`` is the recorded seed the period order was drawn from (None: the order was
    fixed by hand, so the experiment is not randomized). ``comparator`` is the item taken
    in the A periods (None: nothing). The decision rule is fixed before the start:
    ``benefit`` needs P(RR < 1 − mcid) ≥ ``p_meaningful_min`` and P(RR < 1) ≥
    ``p_benefit_min``. ``status`` is ``active`` or ``stopped`` (then ``stopped_on`` is
    the first night no longer part of it)."""

    item: str
    start: str
    design: tuple[ExperimentPeriod, ...]
    seed: int | None = None
    comparator: str | None = None
    dose: float | None = None
    unit: str | None = None
    period_days: int = 28
    washout_days: int = 0
    mcid: float = 0.25
    p_benefit_min: float = 0.95
    p_meaningful_min: float = 0.8
    interim_looks: bool = False
    baseline_per_week: float | None = None
    dispersion: float | None = None
    status: str = "active"
    stopped_on: str | None = None
    stop_reason: str = ""
    notes: str = ""
    id: int | None = None

    @property
    def end(self) -> str:
        """The last night of the design (inclusive)."""
        return self.design[-1].end if self.design else self.start

    @property
    def last_night(self) -> str:
        """The last night that belongs to the experiment (the night before a stop)."""
        if self.stopped_on is not None:
            import datetime as dt

            before = dt.date.fromisoformat(self.stopped_on) - dt.timedelta(days=1)
            return min(self.end, before.isoformat())
        return self.end

    def period_on(self, day: str) -> ExperimentPeriod | None:
        """The period a night belongs to (None outside the experiment or after a stop)."""
        if day > self.last_night:
            return None
        return next((p for p in self.design if p.start <= day <= p.end), None)


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
    experiments: tuple[Experiment, ...] = ()
