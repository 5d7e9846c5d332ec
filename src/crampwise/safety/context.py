"""What the safety rules see: :class:`Finding` and :class:`SafetyContext`.

A :class:`SafetyContext` is built once from the typed snapshot
:class:`~crampwise.records.DiaryData` and a day; each rule in
:data:`crampwise.safety.RULES` is a pure function of it. Kept apart from the rules so that
rule modules and :mod:`crampwise.safety` both import it without a cycle. The snapshot's
records were validated when they entered the diary, so nothing here validates again.
"""

from __future__ import annotations

__all__ = [
    "RED_FLAG_WINDOW_DAYS",
    "SECTIONS",
    "SEVERITIES",
    "UNUSUAL_MUSCLES",
    "Finding",
    "FlagHit",
    "LabValue",
    "MedicationUse",
    "Question",
    "SafetyContext",
    "SupplementUse",
]

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crampwise import knowledge as kb
from crampwise.records import DiaryData, Episode, Lab, RedFlagAnswer
from crampwise.safety.kidney import KidneyStatus, kidney_status
from crampwise.safety.nutrition import (
    Intake,
    NutritionTotals,
    daily_totals,
    life_stage,
    medication_intakes,
    regimen_intakes,
)

#: Severity levels, least to most serious (see docs/knowledge.md for the policy).
SEVERITIES: tuple[str, ...] = ("info", "caution", "warning", "urgent")

#: A "yes" to a passing sign (a swollen leg, dark urine …) and long cramps older than this
#: are not raised as findings again: the person is asked again instead. Lasting signs
#: (weakness, wasting, numbness …) stay until answered "no".
RED_FLAG_WINDOW_DAYS = 90

#: Episodes longer than this (minutes) answer the ``cramp-over-10-min`` red flag.
LONG_CRAMP_MIN = 10

#: The parts of a :class:`~crampwise.records.DiaryData` the rules read (with the profile).
SECTIONS: frozenset[str] = frozenset({"episodes", "regimen", "medications", "labs", "red_flags"})

#: Where a cramp is not a typical night *leg* cramp (answers ``cramps-outside-legs``).
UNUSUAL_MUSCLES: tuple[str, ...] = ("hand", "abdomen", "other")


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

    @property
    def prescribed(self) -> bool:
        """On the medication list, or a prescription product such as K-Tab or Klor-Con."""
        return self.intake.kind == "medication" or kb.is_prescription_mineral(self.intake.item)

    @property
    def label(self) -> str:
        """The name as people write it, for messages ("vitamin D3", not ``vitamin-d3``)."""
        return kb.display_name(self.intake.item)


@dataclass(frozen=True)
class MedicationUse:
    intake: Intake
    match: kb.MedicationMatch

    @property
    def name(self) -> str:
        return self.intake.item

    @property
    def label(self) -> str:
        """The name as people write it, for messages ("Diovan HCT", "K-Tab")."""
        return kb.display_name(self.intake.item)

    def has_class(self, cls: str) -> bool:
        return cls in self.match.classes

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
    detail: str  # how we know: an answer or an episode


@dataclass(frozen=True)
class Question:
    """A red-flag question the person has not answered (or answered long ago)."""

    flag: kb.RedFlag
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"flag": self.flag.id, "question": self.flag.question, "why": self.why}


@dataclass(frozen=True)
class SafetyContext:
    """Everything the rules look at, for one person on one day."""

    today: date
    ages: tuple[int, ...]
    age_known: bool
    sex: str | None
    stage: str | None  # "pregnant", "lactating" or None
    kidney: KidneyStatus
    supplements: tuple[SupplementUse, ...]
    foods: tuple[Intake, ...]
    medications: tuple[MedicationUse, ...]
    labs: dict[str, LabValue]
    red_flags: tuple[FlagHit, ...]
    answers: dict[str, RedFlagAnswer]  # latest answer per flag up to today
    nutrition: NutritionTotals

    @classmethod
    def from_data(cls, data: DiaryData, today: date) -> SafetyContext:
        """The context of ``data`` on ``today``: the entries active that day, the latest
        lab results and red-flag answers up to it, the episodes of the window before it."""
        nutrition = daily_totals(data, today)
        supplements: list[SupplementUse] = []
        medications: list[MedicationUse] = []
        foods: list[Intake] = []
        for intake in regimen_intakes(data, today):
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
        for intake in medication_intakes(data, today):
            drug = kb.match_medication(intake.item)
            nutrient = None if drug.drugs else kb.match_nutrient(intake.item)
            if nutrient is not None:  # "potassium chloride 20 mEq" is a potassium supplement
                supplements.append(SupplementUse(intake, nutrient.nutrient))
            else:
                medications.append(MedicationUse(intake, drug))
        answers = _latest_answers(data.red_flags, today)
        return cls(
            today=today,
            ages=nutrition.ages,
            age_known=nutrition.age_known,
            sex=data.profile.sex,
            stage=life_stage(data.profile),
            kidney=kidney_status(data.profile, data.labs, nutrition.ages, today),
            supplements=tuple(supplements),
            foods=tuple(foods),
            medications=tuple(medications),
            labs=_latest_labs(data, today),
            red_flags=_red_flags(answers, data.episodes, today),
            answers=answers,
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


def _latest_labs(data: DiaryData, today: date) -> dict[str, LabValue]:
    latest: dict[str, LabValue] = {}
    tests = kb.labs()
    iso = today.isoformat()
    newest: dict[str, Lab] = {}
    for entry in data.labs:  # the newest result of each test up to today
        seen = newest.get(entry.test)
        if entry.date <= iso and (seen is None or seen.date <= entry.date):
            newest[entry.test] = entry
    for entry in newest.values():
        spec = tests[entry.test]
        canonical = kb.convert_lab(entry.test, entry.value, entry.unit)
        own = entry.range_low is not None or entry.range_high is not None
        if own:
            low, high = entry.range_low, entry.range_high
        else:  # the shipped adult range, kept in the canonical unit it is sourced in
            low, high = spec.range_low, spec.range_high
        day = date.fromisoformat(entry.date)
        latest[entry.test] = LabValue(spec, day, entry.value, entry.unit, canonical, low, high, own)
    return latest


def _latest_answers(answers: tuple[RedFlagAnswer, ...], today: date) -> dict[str, RedFlagAnswer]:
    """The latest answer to each question up to ``today`` (a question the knowledge base no
    longer asks is ignored)."""
    flags = kb.red_flags()
    iso = today.isoformat()
    latest: dict[str, RedFlagAnswer] = {}
    for answer in sorted(answers, key=lambda a: a.date):
        if answer.date <= iso and answer.flag in flags:
            latest[answer.flag] = answer
    return latest


def _red_flags(
    answers: dict[str, RedFlagAnswer], episodes: tuple[Episode, ...], today: date
) -> tuple[FlagHit, ...]:
    """Signs present: "yes" answers (a passing sign only within the window, a lasting one
    until answered "no"), long cramps and cramps outside the legs in the window."""
    flags = kb.red_flags()
    since = (today - timedelta(days=RED_FLAG_WINDOW_DAYS)).isoformat()
    hits = [
        FlagHit(flags[flag], date.fromisoformat(a.date), f"you answered yes on {a.date}")
        for flag, a in sorted(answers.items())
        if a.present and not flags[flag].is_context and (flags[flag].lasting or a.date >= since)
    ]
    recent = [e for e in episodes if since <= e.night <= today.isoformat()]
    long_cramps = [
        (e.night, e.duration_min)
        for e in recent
        if e.duration_min is not None and e.duration_min > LONG_CRAMP_MIN
    ]
    if long_cramps:
        night, minutes = max(long_cramps)
        hits.append(
            FlagHit(
                flags["cramp-over-10-min"],
                date.fromisoformat(night),
                f"a cramp on the night of {night} lasted {minutes:g} minutes",
            )
        )
    unusual = [e for e in recent if set(e.muscles) & set(UNUSUAL_MUSCLES)]
    if unusual:
        last = max(unusual, key=lambda e: e.night)
        where = ", ".join(m for m in last.muscles if m in UNUSUAL_MUSCLES)
        hits.append(
            FlagHit(
                flags["cramps-outside-legs"],
                date.fromisoformat(last.night),
                f"you logged a cramp in the {where} on the night of {last.night}",
            )
        )
    return tuple(hits)
