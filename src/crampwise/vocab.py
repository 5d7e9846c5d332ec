"""Controlled vocabularies of the diary: the allowed values of every coded field.

Kept in one light module (stdlib only) because the CLI hot path validates against it and
because the import format, the web forms and the docs all list the same values.
"""

from __future__ import annotations

__all__ = [
    "AFTER_EFFECT_KINDS",
    "BUILTIN_FACTORS",
    "DOSE_TIMES",
    "LAB_TESTS",
    "MUSCLES",
    "REGIMEN_KINDS",
    "REGIMEN_UNITS",
    "RELIEF_HELPED",
    "RELIEF_METHODS",
    "SEXES",
    "SIDES",
    "FactorSpec",
]

from crampwise._record import Record

SIDES: tuple[str, ...] = ("left", "right", "both")

#: Muscle groups a cramp or trigger point can be in (kebab-case ids).
MUSCLES: tuple[str, ...] = (
    "calf",
    "shin",
    "foot",
    "toes",
    "ankle",
    "hamstring",
    "quadriceps",
    "inner-thigh",
    "outer-thigh",
    "hip",
    "glute",
    "knee",
)

#: What a person did during a cramp.
RELIEF_METHODS: tuple[str, ...] = (
    "stretch",
    "stand",
    "walk",
    "massage",
    "massage-device",
    "flex-foot",
    "heat",
    "cold",
    "shower",
    "pickle-juice",
    "drink-water",
    "painkiller",
    "waited",
    "other",
)

#: How well a relief helped (three levels, as quick to tap at 3 a.m. as Migraine Buddy's).
RELIEF_HELPED: tuple[str, ...] = ("not", "somewhat", "a-lot")

AFTER_EFFECT_KINDS: tuple[str, ...] = ("soreness", "knot")

SEXES: tuple[str, ...] = ("female", "male", "other")

REGIMEN_KINDS: tuple[str, ...] = ("supplement", "food", "routine", "therapy")

#: When an intake or routine happens in the day; ``times`` lists one entry per intake.
DOSE_TIMES: tuple[str, ...] = ("morning", "noon", "afternoon", "evening", "bedtime", "night")

#: Units a regimen dose may use. Minerals are given as *elemental* mg.
REGIMEN_UNITS: tuple[str, ...] = (
    "mg",
    "g",
    "mcg",
    "IU",
    "ml",
    "l",
    "cup",
    "tbsp",
    "tsp",
    "piece",
    "serving",
    "tablet",
    "capsule",
    "drop",
    "min",
    "reps",
    "session",
)

#: Lab tests the diary accepts, with the units each may be reported in (first = canonical).
LAB_TESTS: dict[str, tuple[str, ...]] = {
    "potassium": ("mmol/L", "mEq/L", "mg/dL"),
    "sodium": ("mmol/L", "mEq/L", "mg/dL"),
    "magnesium": ("mmol/L", "mg/dL", "mEq/L"),
    "calcium": ("mmol/L", "mg/dL"),
    "calcium-ionized": ("mmol/L", "mg/dL"),
    "creatinine": ("umol/L", "mg/dL"),
    "egfr": ("mL/min/1.73m2",),
    "vitamin-d": ("nmol/L", "ng/mL"),
    "tsh": ("mIU/L",),
    "glucose": ("mmol/L", "mg/dL"),
    "ck": ("U/L",),
    "ferritin": ("ng/mL", "ug/L"),
    "zinc": ("umol/L", "ug/dL"),
    "albumin": ("g/L", "g/dL"),
    "phosphate": ("mmol/L", "mg/dL"),
}


class FactorSpec(Record):
    """A built-in daily context factor: its value type and allowed units.

    A light record rather than a NamedTuple: ``typing`` costs ~8 ms on the ``log`` path.
    """

    kind: str  # "number", "bool" or "text"
    units: tuple[str, ...]  # allowed units; empty = unit-less
    help: str


#: Built-in daily context factors. Any other kebab-case name is a custom factor.
BUILTIN_FACTORS: dict[str, FactorSpec] = {
    "fluids": FactorSpec("number", ("ml", "l", "cup"), "what you drank that day"),
    "time-on-feet": FactorSpec("number", ("h", "min"), "time standing or walking"),
    "exercise": FactorSpec("number", ("min", "h"), "exercise that day"),
    "heat": FactorSpec("bool", (), "a hot day or hot place"),
    "travel": FactorSpec("bool", (), "a travel day (long sitting, new place)"),
    "shoes": FactorSpec("text", (), "shoes worn most of the day, e.g. flat, heels, barefoot"),
    "alcohol": FactorSpec("number", ("drinks",), "alcoholic drinks"),
    "caffeine": FactorSpec("number", ("cups", "mg"), "coffee/tea/cola"),
}
