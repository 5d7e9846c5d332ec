"""What the safety rules see: :class:`Finding` and :class:`SafetyContext`.

A :class:`SafetyContext` is built once from a ``crampwise-diary`` v1 document and a day;
each rule in :data:`crampwise.safety.RULES` is a pure function of it. Kept apart from the
rules so that rule modules and :mod:`crampwise.safety` both import it without a cycle.
"""

from __future__ import annotations

__all__ = [
    "RED_FLAG_WINDOW_DAYS",
    "SEVERITIES",
    "Finding",
    "FlagHit",
    "LabValue",
    "MedicationUse",
    "SafetyContext",
    "SupplementUse",
]

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crampwise import knowledge as kb
from crampwise.errors import InputError
from crampwise.safety.nutrition import (
    Intake,
    NutritionTotals,
    daily_totals,
    medication_intakes,
    parse_date,
    regimen_intakes,
)

#: Severity levels, least to most serious (see docs/knowledge.md for the policy).
SEVERITIES: tuple[str, ...] = ("info", "caution", "warning", "urgent")

#: Red-flag answers and long cramps older than this are not raised again: they were current
#: then, and the person has had the chance to act on them.
RED_FLAG_WINDOW_DAYS = 90

#: Episodes longer than this (minutes) answer the ``cramp-over-10-min`` red flag.
LONG_CRAMP_MIN = 10


@dataclass(frozen=True)
class Finding:
    """One thing the person should know, in plain language, with its sources."""

    code: str
    severity: str
    message: str
    items: list[str]
    sources: list[str]

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "items": list(self.items),
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class SupplementUse:
    """A supplement (or a medication that is a mineral salt) with its resolved nutrient."""

    intake: Intake
    nutrient: kb.Nutrient | None  # None = crampwise does not know it
    unknown_form: str | None = None  # a form given with the entry that crampwise does not know


@dataclass(frozen=True)
class MedicationUse:
    intake: Intake
    match: kb.MedicationMatch

    @property
    def name(self) -> str:
        return self.intake.item

    def has_class(self, cls: str) -> bool:
        return any(cls in d.classes for d in self.match.drugs)

    def has_drug(self, drug_id: str) -> bool:
        return any(d.id == drug_id for d in self.match.drugs)


@dataclass(frozen=True)
class LabValue:
    """The latest result of one test, with the range that applies to it.

    With the lab's own range (entered with the result) the value and the range are compared
    and shown in the unit the person entered; otherwise the shipped adult range is used, and
    value and range are compared and shown in the test's canonical unit, so no range is ever
    printed in units it was not given in.
    """

    test: kb.LabTest
    day: date
    value: float  # as reported
    unit: str
    canonical: float  # in the test's canonical unit
    low: float | None  # the lab's own range (reported unit), else the shipped one (canonical)
    high: float | None
    own_range: bool

    @property
    def range_unit(self) -> str:
        return self.unit if self.own_range else self.test.canonical_unit

    @property
    def compared(self) -> float:
        """The value in :attr:`range_unit`."""
        return self.value if self.own_range else self.canonical

    def describe(self) -> str:
        text = f"{self.test.short_name} {self.value:g} {self.unit}"
        if self.unit != self.range_unit:
            text += f" (= {self.compared:.3g} {self.range_unit})"
        return f"{text} on {self.day.isoformat()}"

    @property
    def is_high(self) -> bool:
        return self.high is not None and self.compared > self.high

    @property
    def is_low(self) -> bool:
        return self.low is not None and self.compared < self.low


@dataclass(frozen=True)
class FlagHit:
    flag: kb.RedFlag
    day: date
    detail: str  # how we know: an answer or a long episode


@dataclass(frozen=True)
class SafetyContext:
    """Everything the rules look at, for one person on one day."""

    today: date
    ages: tuple[int, ...]
    age_known: bool
    sex: str | None
    kidney_disease: bool
    supplements: tuple[SupplementUse, ...]
    foods: tuple[Intake, ...]
    medications: tuple[MedicationUse, ...]
    labs: dict[str, LabValue]
    red_flags: tuple[FlagHit, ...]
    nutrition: NutritionTotals

    @classmethod
    def from_diary(cls, doc: Mapping[str, Any], today: date) -> SafetyContext:
        if not isinstance(doc, Mapping):
            raise InputError("", "a crampwise-diary document (a JSON object) is required")
        profile = doc.get("profile") or {}
        nutrition = daily_totals(doc, today)
        supplements: list[SupplementUse] = []
        medications: list[MedicationUse] = []
        foods: list[Intake] = []
        for intake in regimen_intakes(doc, today):
            if intake.kind == "food":
                foods.append(intake)
                continue
            drug = kb.match_medication(intake.item)
            nutrient = kb.match_nutrient(intake.item, intake.form)
            if nutrient is None and drug.drugs:
                # e.g. quinine bought as a "supplement": check it as the drug it is
                medications.append(MedicationUse(intake, drug))
            elif nutrient is None:
                supplements.append(SupplementUse(intake, None))
            else:
                unknown = _unknown_form(nutrient.nutrient, intake.form)
                supplements.append(SupplementUse(intake, nutrient.nutrient, unknown))
        for intake in medication_intakes(doc, today):
            drug = kb.match_medication(intake.item)
            nutrient = None if drug.drugs else kb.match_nutrient(intake.item)
            if nutrient is not None:  # "potassium chloride 20 mEq" is a potassium supplement
                supplements.append(SupplementUse(intake, nutrient.nutrient))
            else:
                medications.append(MedicationUse(intake, drug))
        return cls(
            today=today,
            ages=nutrition.ages,
            age_known=nutrition.age_known,
            sex=profile.get("sex"),
            kidney_disease=bool(profile.get("kidney_disease")),
            supplements=tuple(supplements),
            foods=tuple(foods),
            medications=tuple(medications),
            labs=_latest_labs(doc, today),
            red_flags=_red_flags(doc, today),
            nutrition=nutrition,
        )

    def supplements_of(self, nutrient: str) -> list[SupplementUse]:
        return [s for s in self.supplements if s.nutrient is not None and s.nutrient.id == nutrient]


def _unknown_form(nutrient: kb.Nutrient, form: str | None) -> str | None:
    """``form`` if it names neither a known salt form nor an alias of the nutrient ("D3")."""
    if not form or not form.strip():
        return None
    if kb.find_supplement_form(nutrient.id, form) is not None:
        return None
    if kb.is_nutrient_name(form, nutrient.id):
        return None  # "vitamin D3", "magnesium oxide", "d3": the nutrient itself or a form of it
    return form.strip()


def _latest_labs(doc: Mapping[str, Any], today: date) -> dict[str, LabValue]:
    latest: dict[str, LabValue] = {}
    tests = kb.labs()
    for i, entry in enumerate(doc.get("labs") or []):
        path = f"labs[{i}]"
        day = parse_date(entry.get("date"), f"{path}.date")
        if day > today:
            continue
        test, unit, value = entry.get("test"), entry.get("unit"), entry.get("value")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(f"{path}.value", f"must be a number, got {value!r}")
        canonical = kb.convert_lab(str(test), float(value), str(unit))
        spec = tests[str(test)]
        own = entry.get("range_low") is not None or entry.get("range_high") is not None
        if own:
            low, high = entry.get("range_low"), entry.get("range_high")
        else:  # the shipped adult range, kept in the canonical unit it is sourced in
            low, high = spec.range_low, spec.range_high
        lab = LabValue(spec, day, float(value), str(unit), canonical, low, high, own)
        if test not in latest or latest[str(test)].day <= day:
            latest[str(test)] = lab
    return latest


def _red_flags(doc: Mapping[str, Any], today: date) -> tuple[FlagHit, ...]:
    """Red flags present within the window: latest answer per flag, plus long cramps."""
    flags = kb.red_flags()
    since = today - timedelta(days=RED_FLAG_WINDOW_DAYS)
    answers: dict[str, tuple[date, bool]] = {}
    for i, entry in enumerate(doc.get("red_flags") or []):
        path = f"red_flags[{i}]"
        flag = entry.get("flag")
        if flag not in flags:
            raise InputError(f"{path}.flag", f"unknown red flag {flag!r}; allowed: {sorted(flags)}")
        day = parse_date(entry.get("date"), f"{path}.date")
        if day <= today and (flag not in answers or answers[flag][0] <= day):
            answers[flag] = (day, bool(entry.get("present")))
    hits = [
        FlagHit(flags[flag], day, f"you answered yes on {day.isoformat()}")
        for flag, (day, present) in sorted(answers.items())
        if present and day >= since
    ]
    long_cramps = [
        (parse_date(e.get("night"), f"episodes[{i}].night"), float(e["duration_min"]))
        for i, e in enumerate(doc.get("episodes") or [])
        if isinstance(e.get("duration_min"), int | float) and e["duration_min"] > LONG_CRAMP_MIN
    ]
    recent = [(night, minutes) for night, minutes in long_cramps if since <= night <= today]
    if recent:
        night, minutes = max(recent)
        hits.append(
            FlagHit(
                flags["cramp-over-10-min"],
                night,
                f"a cramp on the night of {night.isoformat()} lasted {minutes:g} minutes",
            )
        )
    return tuple(hits)
