"""Result objects of :func:`crampwise.analysis.analyze_series`.

Frozen records (:class:`crampwise._record.Record`: cheaper to define than dataclasses,
which matters on a cold ``crampwise analyze``); ``AnalysisResult.to_dict()`` is exactly
the JSON that ``crampwise analyze --json`` prints. Every float goes through :func:`_num`,
so the JSON never holds NaN or ±inf (unknown numbers are ``null``).
"""

from __future__ import annotations

import math
from typing import Any

from crampwise._record import Record

__all__ = [
    "AnalysisResult",
    "Caveat",
    "ChangepointResult",
    "EffectResult",
    "Interval",
    "JointEffect",
    "MedicationEffect",
    "NightsSummary",
    "PeriodResult",
    "Sensitivity",
    "Streaks",
    "TrendResult",
]

DISCLAIMER = (
    "crampwise describes your own diary. It is not medical advice and cannot diagnose "
    "anything; talk to a clinician before starting or stopping medicines or supplements."
)


def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


class Interval(Record):
    """A point estimate with its 95 % interval; all None when the data cannot say."""

    estimate: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, triple: tuple[float, float, float] | None) -> Interval:
        if triple is None:
            return cls(None, None, None)
        return cls(_num(triple[0]), _num(triple[1]), _num(triple[2]))

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": _num(self.estimate), "low": _num(self.low), "high": _num(self.high)}


class NightsSummary(Record):
    observed: int
    missing: int
    first: str | None
    last: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "observed": self.observed,
            "missing": self.missing,
            "first": self.first,
            "last": self.last,
        }


class PeriodResult(Record):
    """Nights over which the set of active regimen items did not change (``end`` inclusive)."""

    start: str
    end: str
    active: tuple[str, ...]
    nights: int  # observed nights (exposure)
    missing: int
    cramps: int
    rate_per_week: Interval
    severity_mean: float | None
    duration_mean: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "active": list(self.active),
            "nights": self.nights,
            "cramps": self.cramps,
            "rate_per_week": self.rate_per_week.to_dict(),
            "severity_mean": _num(self.severity_mean),
            "duration_mean": _num(self.duration_mean),
            "missing": self.missing,
        }


class JointEffect(Record):
    """The combined effect of items that always changed together (only this is estimable)."""

    items: tuple[str, ...]
    rate_ratio: Interval
    p_benefit: float | None
    p_meaningful: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": list(self.items),
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_benefit": _num(self.p_benefit),
            "p_meaningful": _num(self.p_meaningful),
        }


class Sensitivity(Record):
    """The effect re-estimated another way; ``supports`` says whether it still backs a
    `benefit` verdict (the verdict stands only when every sensitivity result agrees)."""

    name: str  # without-weeks-before-starts | missing-as-cramp-free | per-protocol
    rate_ratio: Interval
    p_benefit: float | None
    supports: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_benefit": _num(self.p_benefit),
            "supports_benefit": self.supports,
            "note": self.note,
        }


class EffectResult(Record):
    """What one regimen item did to the cramp rate (rate ratio on / off)."""

    item: str
    rate_ratio: Interval
    p_benefit: float | None  # P(RR < 1)
    p_meaningful: float | None  # P(RR < 0.75)
    verdict: str  # benefit | no-meaningful-benefit | inconclusive | not-identifiable
    evidence: str  # randomized | uncontrolled | confounded
    method: str
    nights_on: int
    nights_off: int
    note: str = ""
    joint: JointEffect | None = None
    summary: str = ""  # the plain-language line the text report prints for this item
    sensitivity: tuple[Sensitivity, ...] = ()
    held_back: tuple[str, ...] = ()  # why the verdict is no stronger (warning codes)
    adherence: float | None = None  # share of recorded "on" nights it was taken
    unadjusted: Interval = Interval(None, None, None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_benefit": _num(self.p_benefit),
            "p_meaningful": _num(self.p_meaningful),
            "verdict": self.verdict,
            "evidence": self.evidence,
            "method": self.method,
            "nights_on": self.nights_on,
            "nights_off": self.nights_off,
            "note": self.note,
            "joint": None if self.joint is None else self.joint.to_dict(),
            "summary": self.summary,
            "sensitivity": [x.to_dict() for x in self.sensitivity],
            "held_back_by": list(self.held_back),
            "adherence": _num(self.adherence),
            "unadjusted_rate_ratio": self.unadjusted.to_dict(),
        }


class MedicationEffect(Record):
    """How the cramp rate differed with a prescription medicine (rate ratio on / off).

    Reported so that a medicine's change is not credited to (or blamed on) a supplement;
    it is an observation, never advice to stop a medicine.
    """

    name: str
    cramp_note: str  # why the knowledge base links it with cramps ('' = it does not)
    rate_ratio: Interval
    p_increase: float | None  # P(RR > 1)
    identifiable: bool
    nights_on: int
    nights_off: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cramp_associated": bool(self.cramp_note),
            "cramp_note": self.cramp_note,
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_increase": _num(self.p_increase),
            "identifiable": self.identifiable,
            "nights_on": self.nights_on,
            "nights_off": self.nights_off,
        }


class Caveat(Record):
    """A warning in plain words, with the items and dates (ISO) it is about.

    ``message`` is self-contained (the JSON keeps it whole). ``shared`` lists sentences of
    it that other parts of the report also say (the placebo fact, the N-of-1 advice, ...):
    the text report prints each of them only once.
    """

    code: str
    message: str
    items: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "items": list(self.items),
            "dates": list(self.dates),
        }


class ChangepointResult(Record):
    """A night where the cramp rate seems to have shifted (rates per week)."""

    night: str
    rate_before: float | None
    rate_after: float | None
    near_change: bool
    changes_nearby: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "night": self.night,
            "rate_before": _num(self.rate_before),
            "rate_after": _num(self.rate_after),
            "near_change": self.near_change,
            "changes_nearby": list(self.changes_nearby),
        }


class Streaks(Record):
    """Cramp-free nights in a row (a missing night ends a streak: we do not know it)."""

    current: int
    longest: int
    longest_start: str | None = None
    longest_end: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "longest": self.longest,
            "longest_start": self.longest_start,
            "longest_end": self.longest_end,
        }


class TrendResult(Record):
    """Change of severity (points) or duration (minutes) per year, over all episodes."""

    slope_per_year: Interval
    episodes: int

    def to_dict(self) -> dict[str, Any]:
        return {"slope_per_year": self.slope_per_year.to_dict(), "episodes": self.episodes}


class AnalysisResult(Record):
    """Everything ``analyze`` found; ``to_dict()`` is the ``--json`` document."""

    nights: NightsSummary
    periods: tuple[PeriodResult, ...]
    effects: tuple[EffectResult, ...]
    warnings: tuple[Caveat, ...]
    changepoints: tuple[ChangepointResult, ...]
    streaks: Streaks
    medications: tuple[MedicationEffect, ...] = ()
    severity_trend: TrendResult | None = None
    duration_trend: TrendResult | None = None
    dispersion: float | None = None
    can_say: tuple[str, ...] = ()
    cannot_say: tuple[str, ...] = ()
    how_to_find_out: tuple[str, ...] = ()
    disclaimer: str = DISCLAIMER

    def to_dict(self) -> dict[str, Any]:
        return {
            "nights": self.nights.to_dict(),
            "periods": [p.to_dict() for p in self.periods],
            "effects": [e.to_dict() for e in self.effects],
            "medications": [m.to_dict() for m in self.medications],
            "warnings": [w.to_dict() for w in self.warnings],
            "changepoints": [c.to_dict() for c in self.changepoints],
            "streaks": self.streaks.to_dict(),
            "trends": {
                "severity": None if self.severity_trend is None else self.severity_trend.to_dict(),
                "duration": None if self.duration_trend is None else self.duration_trend.to_dict(),
            },
            "dispersion": _num(self.dispersion),
            "summary": {
                "can_say": list(self.can_say),
                "cannot_say": list(self.cannot_say),
                "how_to_find_out": list(self.how_to_find_out),
            },
            "disclaimer": self.disclaimer,
        }

    def to_text(self) -> str:
        from crampwise.analysis.report import render_text

        return render_text(self)

    def warning_codes(self) -> set[str]:
        return {w.code for w in self.warnings}

    def effect(self, item: str) -> EffectResult:
        for e in self.effects:
            if e.item == item:
                return e
        raise KeyError(item)
