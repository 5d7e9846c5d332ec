"""Shipped, sourced reference data: supplements, limits, drugs, interactions, labs, red flags.

Every table is a CSV file in ``knowledge/data/`` with a ``source`` column naming one or more
keys (``;``-separated) of ``sources.csv``; ``data/SOURCES.md`` describes each source for
people. Tables are read on first use and cached, never at import time, so importing this
package costs nothing on the CLI hot path. No network is ever used.

Foods live in :mod:`crampwise.knowledge.foods` (a separate module with its own data).

Names typed by people (``"Lisinopril 10mg"``, ``"Zestril"``, ``"magnesium glycinate"``) are
matched by :mod:`crampwise.knowledge.names`, whose public functions are re-exported here
(``match_medication``, ``lookup_nutrient`` …): an unknown name is reported as unknown, never
silently treated as harmless.
"""

from __future__ import annotations

__all__ = [
    "PLAUSIBLE_NOTE",
    "SEVERITIES",
    "TABLES",
    "CrampEvidence",
    "DiagnosisCode",
    "Drug",
    "DrugClass",
    "Interaction",
    "LabTest",
    "MedicationMatch",
    "MineralProduct",
    "Nutrient",
    "NutrientLimit",
    "NutrientMatch",
    "Product",
    "RedFlag",
    "Source",
    "Stretch",
    "SupplementForm",
    "TypedName",
    "cite",
    "convert_lab",
    "diagnosis_codes",
    "display_name",
    "drug_classes",
    "drugs",
    "elemental_mg",
    "find_supplement_form",
    "interactions",
    "is_nutrient_name",
    "is_prescription_mineral",
    "labs",
    "limit_rows",
    "lookup_medication",
    "lookup_nutrient",
    "match_medication",
    "match_nutrient",
    "medication_suggestions",
    "mineral_products",
    "nutrient_limits",
    "nutrients",
    "parse_typed_name",
    "plausible_lab",
    "products",
    "read_table",
    "red_flags",
    "sources",
    "stretches",
    "stretches_for",
    "supplement_forms",
    "supplement_forms_of",
]

import csv
import difflib
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from crampwise.errors import UnknownNameError

#: Every CSV table shipped in ``knowledge/data`` by this module (foods are separate).
TABLES: tuple[str, ...] = (
    "sources",
    "nutrients",
    "supplement_forms",
    "nutrient_limits",
    "drug_classes",
    "drugs",
    "products",
    "mineral_products",
    "interactions",
    "labs",
    "lab_units",
    "red_flags",
    "stretches",
    "diagnosis_codes",
    "fhir_codes",
    "interventions",
)

SEVERITIES: tuple[str, ...] = ("info", "caution", "warning", "urgent")


@cache
def _raw_table(name: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    text = (files("crampwise.knowledge") / "data" / f"{name}.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return tuple(tuple((k, (v or "").strip()) for k, v in row.items()) for row in rows)


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of table ``name`` as fresh dicts of stripped strings (for validation/export)."""
    if name not in TABLES:
        raise UnknownNameError("table", name, "table", _close(name, TABLES))
    return [dict(row) for row in _raw_table(name)]


def _keys(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _num(text: str) -> float | None:
    return float(text) if text else None


def _close(name: str, candidates: tuple[str, ...] | list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, list(candidates), n=n, cutoff=0.6)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    locator: str

    def __str__(self) -> str:
        return f"{self.citation} ({self.locator})" if self.locator else self.citation


@dataclass(frozen=True)
class Nutrient:
    id: str
    name: str
    unit: str  # the unit doses and limits are expressed in: mg, IU or mcg
    mg_per_mmol: float | None
    valence: int | None
    iu_per_mcg: float | None
    aliases: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SupplementForm:
    id: str
    nutrient: str
    form: str
    formula: str
    elemental_fraction: float
    aliases: tuple[str, ...]
    sources: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class NutrientLimit:
    """One age/sex band of a nutrient's reference intake (RDA or AI) and upper limit."""

    nutrient: str
    sex: str  # "any", "female" or "male"
    age_min: int
    age_max: int | None  # inclusive; None = no upper bound
    reference_kind: str | None  # "RDA" or "AI"
    reference_amount: float | None
    upper_limit: float | None
    ul_scope: str  # "supplements" (magnesium), "total" (calcium) or "none"
    unit: str
    sources: tuple[str, ...]
    note: str
    state: str = "any"  # "any", "pregnant" or "lactating"
    limit_kind: str = "UL"  # "UL" (tolerable upper intake level) or "CDRR" (sodium)

    def covers(self, age: int) -> bool:
        return self.age_min <= age and (self.age_max is None or age <= self.age_max)


@dataclass(frozen=True)
class CrampEvidence:
    """Why a drug or class is linked with cramps, how strongly, and who says so."""

    grade: str  # A (population study with effect size) … D (lay article)
    note: str
    effect_measure: str | None
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    sources: tuple[str, ...]

    def describe(self) -> str:
        text = f"evidence grade {self.grade}"
        if self.effect is not None:
            text += f"; {self.effect_measure} {self.effect:.2f}"
            if self.ci_low is not None and self.ci_high is not None:
                text += f" (95% CI {self.ci_low:.2f}-{self.ci_high:.2f})"
        return f"{text}. {self.note}" if self.note else text


@dataclass(frozen=True)
class DrugClass:
    id: str
    name: str
    cramp: CrampEvidence | None
    sources: tuple[str, ...]
    replaces: tuple[str, ...] = ()  # classes whose evidence this more specific one supersedes
    note: str = ""  # why an ungraded class is listed (oestrogens: clots; PPIs: low magnesium)


@dataclass(frozen=True)
class Drug:
    id: str
    generic: str
    classes: tuple[str, ...]
    brands: tuple[str, ...]
    aliases: tuple[str, ...]
    cramp: CrampEvidence | None  # drug-specific evidence (class evidence lives on the class)
    sources: tuple[str, ...]

    def cramp_evidence(self) -> list[tuple[str, CrampEvidence]]:
        """(label, evidence) for the drug itself and for each of its classes."""
        found: list[tuple[str, CrampEvidence]] = []
        if self.cramp is not None:
            found.append((self.generic, self.cramp))
        table = drug_classes()
        for cls in self.classes:
            evidence = table[cls].cramp
            if evidence is not None:
                found.append((table[cls].name, evidence))
        return found


@dataclass(frozen=True)
class Product:
    """A medicine made of several ingredients (Diovan HCT = valsartan + hydrochlorothiazide).

    ``ingredients`` are ids of :func:`drugs`; ``other_ingredients`` are ingredients
    crampwise has not reviewed (reported as unknown, never as safe); ``classes`` are
    classes of the product as a whole (a LABA with an inhaled corticosteroid).
    """

    id: str
    name: str
    ingredients: tuple[str, ...]
    other_ingredients: tuple[str, ...]
    brands: tuple[str, ...]
    aliases: tuple[str, ...]
    classes: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MineralProduct:
    """A brand of a mineral product (K-Tab = potassium chloride, a prescription medicine)."""

    name: str
    nutrient: str
    form: str
    prescription: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Interaction:
    id: str
    nutrient: str
    target_kind: str  # "class", "drug", "condition" or "lab-high"
    target: str
    code: str
    severity: str
    hours_before: float | None  # drug at least this long before the supplement
    hours_after: float | None  # … or at least this long after it
    message: str  # template with {drug} and {supplement}
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: str
    urgency: str  # "same-day", "soon" or "discuss"
    severity: str
    message: str
    sources: tuple[str, ...]
    lasting: bool = False  # a lasting sign stays until answered "no"; others are re-asked

    @property
    def is_context(self) -> bool:
        """A risk question asked alongside a sign (long journey …), not a sign itself."""
        return self.urgency == "context"


@dataclass(frozen=True)
class Stretch:
    id: str
    muscle: str
    name: str
    when: str  # "bedtime" or "during-cramp"
    instructions: str
    hold_seconds: int | None
    repetitions: int | None
    evidence: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DiagnosisCode:
    system: str
    code: str
    display: str
    note: str
    sources: tuple[str, ...]


# --------------------------------------------------------------------------- loaders


@cache
def sources() -> dict[str, Source]:
    """All citations, by short key."""
    return {r["key"]: Source(r["key"], r["citation"], r["locator"]) for r in read_table("sources")}


def cite(keys: tuple[str, ...] | list[str]) -> list[str]:
    """Human-readable citations for source keys (duplicates dropped, order kept)."""
    table = sources()
    return [str(table[key]) for key in dict.fromkeys(keys)]


@cache
def nutrients() -> dict[str, Nutrient]:
    return {
        r["id"]: Nutrient(
            id=r["id"],
            name=r["name"],
            unit=r["unit"],
            mg_per_mmol=_num(r["mg_per_mmol"]),
            valence=int(r["valence"]) if r["valence"] else None,
            iu_per_mcg=_num(r["iu_per_mcg"]),
            aliases=_keys(r["aliases"]),
            sources=_keys(r["source"]),
        )
        for r in read_table("nutrients")
    }


@cache
def supplement_forms() -> tuple[SupplementForm, ...]:
    return tuple(
        SupplementForm(
            id=r["id"],
            nutrient=r["nutrient"],
            form=r["form"],
            formula=r["formula"],
            elemental_fraction=float(r["elemental_fraction"]),
            aliases=_keys(r["aliases"]),
            sources=_keys(r["source"]),
            note=r["note"],
        )
        for r in read_table("supplement_forms")
    )


@cache
def nutrient_limits() -> tuple[NutrientLimit, ...]:
    return tuple(
        NutrientLimit(
            nutrient=r["nutrient"],
            sex=r["sex"],
            age_min=int(r["age_min"]),
            age_max=int(r["age_max"]) if r["age_max"] else None,
            reference_kind=r["reference_kind"] or None,
            reference_amount=_num(r["reference_amount"]),
            upper_limit=_num(r["upper_limit"]),
            ul_scope=r["ul_scope"],
            unit=r["unit"],
            sources=_keys(r["source"]),
            note=r["note"],
            state=r["state"],
            limit_kind=r["limit_kind"] or "UL",
        )
        for r in read_table("nutrient_limits")
    )


def _evidence(r: dict[str, str]) -> CrampEvidence | None:
    if not r["cramp_grade"]:
        return None
    return CrampEvidence(
        grade=r["cramp_grade"],
        note=r["cramp_note"],
        effect_measure=r.get("effect_measure") or None,
        effect=_num(r.get("effect", "")),
        ci_low=_num(r.get("ci_low", "")),
        ci_high=_num(r.get("ci_high", "")),
        sources=_keys(r["source"]),
    )


@cache
def drug_classes() -> dict[str, DrugClass]:
    return {
        r["id"]: DrugClass(
            r["id"],
            r["name"],
            _evidence(r),
            _keys(r["source"]),
            _keys(r["replaces"]),
            note="" if r["cramp_grade"] else r["cramp_note"],
        )
        for r in read_table("drug_classes")
    }


@cache
def products() -> dict[str, Product]:
    """Combination medicines, by id."""
    return {
        r["id"]: Product(
            id=r["id"],
            name=r["name"],
            ingredients=_keys(r["ingredients"]),
            other_ingredients=_keys(r["other_ingredients"]),
            brands=_keys(r["brands"]),
            aliases=_keys(r["aliases"]),
            classes=_keys(r["classes"]),
            sources=_keys(r["source"]),
        )
        for r in read_table("products")
    }


@cache
def mineral_products() -> tuple[MineralProduct, ...]:
    """Brand names of mineral products (potassium chloride as K-Tab …)."""
    return tuple(
        MineralProduct(
            r["name"], r["nutrient"], r["form"], r["prescription"] == "yes", _keys(r["source"])
        )
        for r in read_table("mineral_products")
    )


@cache
def drugs() -> dict[str, Drug]:
    return {
        r["id"]: Drug(
            id=r["id"],
            generic=r["generic"],
            classes=_keys(r["classes"]),
            brands=_keys(r["brands"]),
            aliases=_keys(r["aliases"]),
            cramp=_evidence(r),
            sources=_keys(r["source"]),
        )
        for r in read_table("drugs")
    }


@cache
def interactions() -> tuple[Interaction, ...]:
    return tuple(
        Interaction(
            id=r["id"],
            nutrient=r["nutrient"],
            target_kind=r["target_kind"],
            target=r["target"],
            code=r["code"],
            severity=r["severity"],
            hours_before=_num(r["hours_before"]),
            hours_after=_num(r["hours_after"]),
            message=r["message"],
            sources=_keys(r["source"]),
        )
        for r in read_table("interactions")
    )


@cache
def red_flags() -> dict[str, RedFlag]:
    return {
        r["id"]: RedFlag(
            r["id"],
            r["question"],
            r["urgency"],
            r["severity"],
            r["message"],
            _keys(r["source"]),
            lasting=r["lasting"] == "yes",
        )
        for r in read_table("red_flags")
    }


@cache
def stretches() -> tuple[Stretch, ...]:
    return tuple(
        Stretch(
            id=r["id"],
            muscle=r["muscle"],
            name=r["name"],
            when=r["when"],
            instructions=r["instructions"],
            hold_seconds=int(r["hold_seconds"]) if r["hold_seconds"] else None,
            repetitions=int(r["repetitions"]) if r["repetitions"] else None,
            evidence=r["evidence"],
            sources=_keys(r["source"]),
        )
        for r in read_table("stretches")
    )


def stretches_for(muscle: str) -> list[Stretch]:
    """Stretches for one muscle id of :data:`crampwise.vocab.MUSCLES` (may be empty)."""
    return [s for s in stretches() if s.muscle == muscle]


@cache
def diagnosis_codes() -> tuple[DiagnosisCode, ...]:
    return tuple(
        DiagnosisCode(r["system"], r["code"], r["display"], r["note"], _keys(r["source"]))
        for r in read_table("diagnosis_codes")
    )


def limit_rows(
    nutrient: str, age: int, sex: str | None, stage: str | None = None
) -> list[NutrientLimit]:
    """The limit bands that apply at ``age``; for an unknown/other sex, both sexes' bands.

    With ``stage`` ("pregnant" or "lactating") the rows for that stage replace the others
    where the reference gives any for that age; elsewhere the ordinary rows apply.
    """
    sexes = {"any", sex} if sex in ("female", "male") else {"any", "female", "male"}
    rows = [
        row
        for row in nutrient_limits()
        if row.nutrient == nutrient and row.sex in sexes and row.covers(age)
    ]
    staged = [row for row in rows if stage is not None and row.state == stage]
    return staged or [row for row in rows if row.state == "any"]


# Name matching lives in .names and lab tests in .labtests; both import the loaders above
# from this package. Importing them here, at the end, means the loaders already exist when
# they run their ``from crampwise.knowledge import ...``, so there is no cycle to trip over;
# and unlike a lazy module ``__getattr__`` it keeps the names visible to type checkers and
# to ``__all__``.
from crampwise.knowledge.labtests import (  # noqa: E402
    PLAUSIBLE_NOTE,
    LabTest,
    convert_lab,
    labs,
    plausible_lab,
)
from crampwise.knowledge.names import (  # noqa: E402
    MedicationMatch,
    NutrientMatch,
    TypedName,
    display_name,
    elemental_mg,
    find_supplement_form,
    is_nutrient_name,
    is_prescription_mineral,
    lookup_medication,
    lookup_nutrient,
    match_medication,
    match_nutrient,
    medication_suggestions,
    parse_typed_name,
    supplement_forms_of,
)
