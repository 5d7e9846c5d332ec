"""Daily potassium, magnesium, calcium and sodium from foods and supplements, against limits.

Input is the typed snapshot :class:`~crampwise.records.DiaryData` (dates are ISO strings,
validated when they entered the diary). A regimen entry counts on a day when
``start <= day < end`` (``end`` None = ongoing); its ``dose`` is per intake and ``times``
lists the intakes of a day (no ``times`` = one intake). Supplement doses are elemental
amounts, converted with the one unit table :data:`crampwise.vocab.UNITS` (mg, g, mcg, mmol,
mEq, IU); foods are converted with :mod:`crampwise.knowledge.foods`.

Limits come from ``knowledge/data/nutrient_limits.csv``. Because the diary keeps only the
birth *year*, a person is one of two ages on any day; we take the lower upper limit of the
two (and, for an unknown or "other" sex, of both sexes) so the comparison errs on the safe
side. In pregnancy or while breastfeeding the rows for that state are used where the
reference gives them. The magnesium upper limit covers supplements and medicines only, so
only those are compared with it; the calcium, vitamin D and sodium limits cover all sources.

Nothing that cannot be counted (an unknown food, a dose in tablets, a dose of 0) is counted
as zero: it is listed in ``uncounted`` with the reason. On a day with no food entry the
totals are supplements only; they are not shown as a percentage of the RDA/AI then
(``foods_logged`` is false and ``percent_of_reference`` is None), since supplements alone
are not a person's intake.
"""

from __future__ import annotations

__all__ = [
    "TRACKED",
    "Contribution",
    "Intake",
    "NutrientTotal",
    "NutritionTotals",
    "age_candidates",
    "daily_totals",
    "life_stage",
    "medication_intakes",
    "regimen_intakes",
    "supplement_amount",
]

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from crampwise import knowledge as kb
from crampwise import vocab
from crampwise.errors import CrampwiseError, InputError
from crampwise.records import DiaryData, Medication, Profile, RegimenEntry

#: Nutrients always shown in the daily totals (others appear when a supplement gives them).
TRACKED: tuple[str, ...] = ("potassium", "magnesium", "calcium", "sodium")

#: Representative adult ages used when the birth year is unknown (one per adult band).
_ADULT_AGES: tuple[int, ...] = (19, 31, 51, 71)


def age_candidates(birth_year: int | None, day: date) -> tuple[int, ...]:
    """The ages a person born in ``birth_year`` can have on ``day`` (adult bands if unknown)."""
    if birth_year is None:
        return _ADULT_AGES
    reached = day.year - int(birth_year)
    return tuple(a for a in (reached - 1, reached) if a >= 0) or (0,)


def life_stage(profile: Profile) -> str | None:
    """``pregnant``, ``lactating`` or None, from the profile (pregnancy wins if both)."""
    if profile.pregnant:
        return "pregnant"
    if profile.breastfeeding:
        return "lactating"
    return None


@dataclass(frozen=True)
class Intake:
    """One regimen entry or medication active on the day, as written in the diary."""

    item: str
    kind: str  # "supplement", "food" or "medication"
    dose: float | None
    unit: str | None
    times: tuple[str, ...]
    start: date | None
    form: str | None = None
    every: str = "day"  # how often it is taken (crampwise.schedule)

    @property
    def per_day(self) -> int:
        return max(1, len(self.times))


def _from_entry(entry: RegimenEntry) -> Intake:
    return Intake(
        item=entry.item,
        kind=entry.kind,
        dose=entry.dose,
        unit=entry.unit,
        times=entry.times,
        start=date.fromisoformat(entry.start),
        form=entry.form,
        every=entry.every,
    )


def _from_medication(med: Medication) -> Intake:
    return Intake(
        item=med.name,
        kind="medication",
        dose=med.dose,
        unit=med.unit,
        times=med.times,
        start=date.fromisoformat(med.start),
        every=med.every,
    )


def regimen_intakes(data: DiaryData, day: date) -> list[Intake]:
    """Supplement and food entries of the regimen active on ``day`` (routines are skipped)."""
    iso = day.isoformat()
    return [
        _from_entry(e)
        for e in data.regimen
        if e.kind in ("supplement", "food") and e.active_on(iso)
    ]


def medication_intakes(data: DiaryData, day: date) -> list[Intake]:
    """Medications active on ``day``."""
    iso = day.isoformat()
    return [_from_medication(m) for m in data.medications if m.active_on(iso)]


def supplement_amount(nutrient: kb.Nutrient, dose: float, unit: str | None) -> float | None:
    """``dose`` in the nutrient's own unit (mg, IU or mcg), or None if it cannot be converted.

    Conversions come from :data:`crampwise.vocab.UNITS`: masses convert for every nutrient;
    mmol and mEq for minerals (1 mEq potassium = 39.1 mg; magnesium and calcium are
    divalent, so 1 mEq = half a mmol); IU for vitamin D (40 IU per mcg). Tablets,
    capsules, drops and volumes cannot: their strength is unknown.
    """
    spec = vocab.UNITS.get(unit or "")
    if spec is None:
        return None
    if spec.kind == "iu":
        return dose if nutrient.unit == "IU" else None
    if spec.kind == "mass" and spec.factor is not None:
        mg = dose * spec.factor
        if nutrient.unit == "IU":
            return None if nutrient.iu_per_mcg is None else mg * 1000.0 * nutrient.iu_per_mcg
        return mg * 1000.0 if nutrient.unit == "mcg" else mg
    if spec.kind in ("molar", "equivalent") and nutrient.mg_per_mmol is not None:
        mmol = dose if spec.kind == "molar" else dose / (nutrient.valence or 1)
        return mmol * nutrient.mg_per_mmol
    return None


@dataclass(frozen=True)
class Contribution:
    item: str
    kind: str  # "food", "supplement" or "medication"
    amount: float  # on a day it is taken, in the nutrient's unit
    intakes: int = 1  # intakes on such a day (amount = per intake x intakes)
    # Not taken every day (crampwise.schedule): ``amount`` is still what a day of taking it
    # gives - the upper limits are about what a day holds - and the text adds the average.
    every: str = "day"

    def describe(self, unit: str) -> str:
        name = self.item if self.kind == "food" else kb.display_name(self.item)
        if self.intakes > 1:
            each = self.amount / self.intakes
            text = f"{name} {each:,.0f} {unit} x {self.intakes} = {self.amount:,.0f} {unit}"
        else:
            text = f"{name} {self.amount:,.0f} {unit}"
        if self.every == "day":
            return text
        from crampwise.schedule import average_share, describe

        average = self.amount * average_share(self.every)
        return f"{text} {describe(self.every)}, about {average:,.0f} {unit} a day on average"


@dataclass(frozen=True)
class NutrientTotal:
    """One nutrient's daily total and how it compares with the reference values."""

    nutrient: str  # id, e.g. "vitamin-d"
    unit: str
    food: float
    supplements: float
    contributions: tuple[Contribution, ...]
    reference_kind: str | None  # "RDA" or "AI"
    reference_amount: float | None
    upper_limit: float | None
    ul_scope: str  # "supplements", "total" or "none"
    sources: tuple[str, ...]
    foods_logged: bool = True  # False: no food entry that day, so the total is supplements only
    limit_kind: str = "UL"  # "UL" (tolerable upper intake level) or "CDRR" (sodium)
    name: str = ""  # as people write it, e.g. "vitamin D"

    @property
    def display_name(self) -> str:
        return self.name or self.nutrient

    @property
    def total(self) -> float:
        return self.food + self.supplements

    @property
    def compared(self) -> float:
        """The amount the upper limit applies to (supplements only for magnesium)."""
        return self.supplements if self.ul_scope == "supplements" else self.total

    @property
    def over_upper_limit(self) -> bool:
        return self.upper_limit is not None and self.compared > self.upper_limit

    @property
    def percent_of_reference(self) -> float | None:
        """Total as % of the RDA/AI; None without foods (supplements alone are not intake)."""
        if not self.reference_amount or not self.foods_logged:
            return None
        return 100.0 * self.total / self.reference_amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "nutrient": self.nutrient,
            "name": self.display_name,
            "unit": self.unit,
            "food": round(self.food, 1),
            "supplements": round(self.supplements, 1),
            "total": round(self.total, 1),
            "reference_kind": self.reference_kind,
            "reference": self.reference_amount,
            "percent_of_reference": _round(self.percent_of_reference),
            "upper_limit": self.upper_limit,
            "upper_limit_kind": self.limit_kind if self.upper_limit is not None else None,
            "upper_limit_applies_to": self.ul_scope,
            "over_upper_limit": self.over_upper_limit,
            "items": [
                {
                    "item": c.item,
                    "kind": c.kind,
                    "amount": round(c.amount, 1),
                    "intakes": c.intakes,
                    "every": c.every,
                }
                for c in self.contributions
            ],
            "sources": kb.cite(self.sources),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class NutritionTotals:
    day: date
    ages: tuple[int, ...]
    age_known: bool
    sex: str | None
    nutrients: dict[str, NutrientTotal]
    uncounted: tuple[tuple[str, str], ...] = field(default=())  # (item, reason)
    foods_logged: bool = True  # any food entry active on the day (counted or not)
    stage: str | None = None  # "pregnant" or "lactating": their reference values are used

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "age": max(self.ages) if self.age_known else None,
            "sex": self.sex,
            "life_stage": self.stage,
            "foods_logged": self.foods_logged,
            "nutrients": {k: v.to_dict() for k, v in self.nutrients.items()},
            "uncounted": [{"item": i, "reason": r} for i, r in self.uncounted],
        }

    def to_text(self) -> str:
        who = f"age {min(self.ages)}-{max(self.ages)}" if self.age_known else "age unknown"
        who += f", {self.sex or 'sex unknown'}"
        if self.stage is not None:
            who += ", pregnant" if self.stage == "pregnant" else ", breastfeeding"
        lines = [f"Daily totals for {self.day.isoformat()} ({who})"]
        if not self.foods_logged:
            lines.append("  no foods logged: totals cover supplements only")
        for total in self.nutrients.values():
            lines.append("  " + _total_line(total))
        for item, reason in self.uncounted:
            lines.append(f"  not counted: {item}: {reason}")
        if not self.age_known:
            lines.append("  (birth year unknown: the lowest adult upper limits are used)")
        return "\n".join(lines)


def _amount(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}"


def _total_line(t: NutrientTotal) -> str:
    if t.foods_logged:
        text = (
            f"{t.display_name}: food {_amount(t.food, t.unit)} + supplements "
            f"{_amount(t.supplements, t.unit)} = {_amount(t.total, t.unit)}"
        )
    else:
        text = f"{t.display_name}: supplements {_amount(t.supplements, t.unit)}"
    if t.reference_amount is not None:
        text += f"; {t.reference_kind} {_amount(t.reference_amount, t.unit)}"
        if t.percent_of_reference is not None:
            text += f" ({t.percent_of_reference:.0f}%)"
    if t.upper_limit is not None:
        scope = "from supplements" if t.ul_scope == "supplements" else "from all sources"
        what = "upper limit" if t.limit_kind == "UL" else "risk-reduction limit"
        text += f"; {what} {_amount(t.upper_limit, t.unit)} {scope}"
        if t.over_upper_limit:
            text += f": OVER by {_amount(t.compared - t.upper_limit, t.unit)}"
    elif t.ul_scope == "none" and t.reference_amount is not None:
        text += "; no upper limit set"
    scheduled = [c.describe(t.unit) for c in t.contributions if c.every != "day"]
    if scheduled:  # not taken every day: the day counted is one on which it is taken
        text += f" (on a day you take it: {'; '.join(scheduled)})"
    return text


@lru_cache(maxsize=256)  # a pure function of the shipped limits table
def _limits(
    nutrient: str, ages: tuple[int, ...], sex: str | None, stage: str | None = None
) -> kb.NutrientLimit | None:
    """The safest combination of the bands that may apply (lowest UL, highest reference)."""
    rows = [row for age in ages for row in kb.limit_rows(nutrient, age, sex, stage)]
    if not rows:
        return None
    uls = [r.upper_limit for r in rows if r.upper_limit is not None]
    refs = [r for r in rows if r.reference_amount is not None]
    best_ref = max(refs, key=lambda r: r.reference_amount or 0.0) if refs else None
    return kb.NutrientLimit(
        nutrient=nutrient,
        sex=sex or "any",
        age_min=min(r.age_min for r in rows),
        age_max=None,
        reference_kind=best_ref.reference_kind if best_ref else None,
        reference_amount=best_ref.reference_amount if best_ref else None,
        upper_limit=min(uls) if uls else None,
        ul_scope=rows[0].ul_scope,
        unit=rows[0].unit,
        sources=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
        note=rows[0].note,
        limit_kind=rows[0].limit_kind,
    )


def _food_nutrients(intake: Intake) -> dict[str, float]:
    """mg per day of K/Mg/Ca/Na in a food entry; raises CrampwiseError if it cannot be counted."""
    if intake.dose is None or not intake.unit:
        raise InputError("dose", "no amount given")
    if intake.dose == 0:
        raise InputError("dose", f"amount 0 {intake.unit}: nothing to add")
    try:
        from crampwise.knowledge.foods import lookup_food, nutrients_for
    except ImportError:  # the food tables are built separately; say so instead of guessing
        raise InputError("food", "food data is not available in this build") from None
    food = lookup_food(intake.item).food
    per_intake = nutrients_for(food, intake.dose, intake.unit)
    return {k: v * intake.per_day for k, v in per_intake.items()}


def _supplement_nutrient(intake: Intake) -> tuple[kb.Nutrient, float] | str:
    """(nutrient, amount per day) or the reason it cannot be counted."""
    match = kb.match_nutrient(intake.item, intake.form)
    if match is None:
        return "not a nutrient crampwise knows"
    if intake.dose is None:
        return "no dose given"
    if intake.dose == 0:
        return f"dose 0 {intake.unit or ''}".rstrip() + ": nothing to add"
    amount = supplement_amount(match.nutrient, intake.dose, intake.unit)
    if amount is None:
        return (
            f"dose in {intake.unit or 'no unit'}; give the amount of {match.nutrient.name} "
            f"in {match.nutrient.unit} to count it"
        )
    return match.nutrient, amount * intake.per_day


def daily_totals(data: DiaryData, day: date) -> NutritionTotals:
    """Daily K/Mg/Ca/Na (and other limited nutrients taken as supplements) on ``day``."""
    profile = data.profile
    sex = profile.sex
    stage = life_stage(profile)
    ages = age_candidates(profile.birth_year, day)
    contributions: dict[str, list[Contribution]] = {n: [] for n in TRACKED}
    uncounted: list[tuple[str, str]] = []
    intakes = regimen_intakes(data, day) + [
        m for m in medication_intakes(data, day) if _is_nutrient_medication(m.item)
    ]
    for intake in intakes:
        if intake.kind == "food":
            try:
                for name, mg in _food_nutrients(intake).items():
                    if name in contributions:
                        contributions[name].append(
                            Contribution(intake.item, "food", mg, intake.per_day, intake.every)
                        )
            except CrampwiseError as exc:
                uncounted.append((intake.item, getattr(exc, "detail", str(exc))))
            continue
        result = _supplement_nutrient(intake)
        if isinstance(result, str):
            uncounted.append((intake.item, result))
            continue
        nutrient, amount = result
        if nutrient.id in contributions or _limits(nutrient.id, ages, sex, stage) is not None:
            contributions.setdefault(nutrient.id, []).append(
                Contribution(intake.item, intake.kind, amount, intake.per_day, intake.every)
            )
    foods = any(intake.kind == "food" for intake in intakes)
    totals = {n: _total(n, parts, ages, sex, foods, stage) for n, parts in contributions.items()}
    return NutritionTotals(
        day,
        ages,
        profile.birth_year is not None,
        sex,
        totals,
        tuple(uncounted),
        foods_logged=foods,
        stage=stage,
    )


def _is_nutrient_medication(name: str) -> bool:
    """A medication that is really a mineral supplement (e.g. "potassium chloride 20 mEq")."""
    return not kb.match_medication(name).drugs and kb.match_nutrient(name) is not None


def _total(
    nutrient: str,
    parts: list[Contribution],
    ages: tuple[int, ...],
    sex: str | None,
    foods_logged: bool,
    stage: str | None = None,
) -> NutrientTotal:
    limit = _limits(nutrient, ages, sex, stage)
    spec = kb.nutrients()[nutrient]
    return NutrientTotal(
        nutrient=nutrient,
        unit=spec.unit,
        food=sum(p.amount for p in parts if p.kind == "food"),
        supplements=sum(p.amount for p in parts if p.kind != "food"),
        contributions=tuple(parts),
        reference_kind=limit.reference_kind if limit else None,
        reference_amount=limit.reference_amount if limit else None,
        upper_limit=limit.upper_limit if limit else None,
        ul_scope=limit.ul_scope if limit else "none",
        sources=limit.sources if limit else (),
        foods_logged=foods_logged,
        limit_kind=limit.limit_kind if limit else "UL",
        name=spec.name,
    )
