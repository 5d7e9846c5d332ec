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
    "LAB_TEST_ALIASES",
    "MUSCLES",
    "REGIMEN_KINDS",
    "REGIMEN_UNITS",
    "RELIEF_HELPED",
    "RELIEF_METHODS",
    "SEXES",
    "SIDES",
    "UNITS",
    "UNIT_SPELLINGS",
    "FactorSpec",
    "UnitSpec",
]

from crampwise._record import Record

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path

SIDES: tuple[str, ...] = ("left", "right", "both")

#: Muscle groups a cramp or trigger point can be in (kebab-case ids). Cramps outside the
#: legs (hand, abdomen, other) can be logged too: they are a reason to see a clinician.
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
    "hand",
    "abdomen",
    "other",
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


class UnitSpec(Record):
    """A dose unit: what it measures and its factor to that measure's base unit.

    ``kind`` is ``mass`` (base mg), ``volume`` (base ml), ``molar`` (base mmol),
    ``equivalent`` (mEq: mmol times the ion's valence, so converting needs the nutrient),
    ``iu`` (international units: converting needs the nutrient), or ``count``/``time``
    (tablets, sessions …: no conversion). ``aliases`` are other spellings people type.
    """

    kind: str
    factor: float | None
    aliases: tuple[str, ...] = ()


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

#: Lab test names as reports and people write them (lower case, dashes read as spaces).
LAB_TEST_ALIASES: dict[str, str] = {
    "k": "potassium",
    "k+": "potassium",
    "serum potassium": "potassium",
    "na": "sodium",
    "na+": "sodium",
    "serum sodium": "sodium",
    "mg": "magnesium",
    "serum magnesium": "magnesium",
    "ca": "calcium",
    "total calcium": "calcium",
    "serum calcium": "calcium",
    "ionized calcium": "calcium-ionized",
    "ionised calcium": "calcium-ionized",
    "ica": "calcium-ionized",
    "ca++": "calcium-ionized",
    "cr": "creatinine",
    "creat": "creatinine",
    "serum creatinine": "creatinine",
    "gfr": "egfr",
    "e gfr": "egfr",
    "estimated gfr": "egfr",
    "25 oh vitamin d": "vitamin-d",
    "25 oh d": "vitamin-d",
    "25(oh)d": "vitamin-d",
    "25 hydroxyvitamin d": "vitamin-d",
    "calcidiol": "vitamin-d",
    "creatine kinase": "ck",
    "cpk": "ck",
    "creatine phosphokinase": "ck",
    "thyroid stimulating hormone": "tsh",
    "blood sugar": "glucose",
    "phosphorus": "phosphate",
    "zn": "zinc",
}


class FactorSpec(Record):
    """A built-in daily context factor: its value type and allowed units.

    A light record rather than a NamedTuple: ``typing`` costs ~8 ms on the ``log`` path.
    """

    kind: str  # "number", "bool" or "text"
    units: tuple[str, ...]  # allowed units; empty = unit-less
    help: str


# -- tables built on first use ---------------------------------------------------------------
# The unit and factor tables are records (~30 of them); `crampwise log` and `night` read
# neither, so they are built when first read (module __getattr__) rather than at import.
if TYPE_CHECKING:
    #: Every unit a regimen dose or medication dose may use, with its conversion: the one
    #: table that validation (what the CLI, the API and the diary format accept) and
    #: nutrition (what it converts) both read. Minerals are given as *elemental* amounts.
    UNITS: dict[str, UnitSpec]
    #: Units a regimen dose may use (the keys of :data:`UNITS`).
    REGIMEN_UNITS: tuple[str, ...]
    #: Lower-case spelling (spaces collapsed) -> unit of :data:`UNITS`.
    UNIT_SPELLINGS: dict[str, str]
    #: Built-in daily context factors. Any other kebab-case name is a custom factor.
    BUILTIN_FACTORS: dict[str, FactorSpec]


def _units() -> dict[str, object]:
    """:data:`UNITS`, :data:`REGIMEN_UNITS` and :data:`UNIT_SPELLINGS`."""
    units: dict[str, UnitSpec] = {
        "mg": UnitSpec("mass", 1.0, ("milligram", "milligrams")),
        "g": UnitSpec("mass", 1000.0, ("gram", "grams", "gr")),
        "kg": UnitSpec("mass", 1_000_000.0, ("kilogram", "kilograms")),
        "mcg": UnitSpec("mass", 0.001, ("ug", "µg", "microgram", "micrograms")),
        "oz": UnitSpec("mass", 28_349.523125, ("ounce", "ounces")),  # avoirdupois ounce
        "lb": UnitSpec("mass", 453_592.37, ("pound", "pounds", "lbs")),
        "IU": UnitSpec("iu", None, ("iu", "international units")),
        "mmol": UnitSpec("molar", 1.0, ("millimole", "millimoles")),
        "mEq": UnitSpec("equivalent", 1.0, ("meq", "milliequivalent", "milliequivalents")),
        "ml": UnitSpec("volume", 1.0, ("millilitre", "milliliter", "millilitres", "milliliters")),
        "l": UnitSpec("volume", 1000.0, ("litre", "liter", "litres", "liters")),
        "fl oz": UnitSpec("volume", 29.5735, ("floz", "fl. oz", "fluid ounce", "fluid ounces")),
        "cup": UnitSpec("volume", 236.588, ("cups",)),  # US cup
        "tbsp": UnitSpec("volume", 14.787, ("tablespoon", "tablespoons", "tbs")),
        "tsp": UnitSpec("volume", 4.929, ("teaspoon", "teaspoons")),
        "piece": UnitSpec("count", None, ("pieces",)),
        "serving": UnitSpec("count", None, ("servings",)),
        "tablet": UnitSpec("count", None, ("tablets", "tab", "tabs")),
        "capsule": UnitSpec("count", None, ("capsules", "cap", "caps")),
        "drop": UnitSpec("count", None, ("drops",)),
        "min": UnitSpec("time", None, ("minute", "minutes", "mins")),
        "reps": UnitSpec("count", None, ("rep", "repetitions")),
        "session": UnitSpec("count", None, ("sessions",)),
    }

    spellings: dict[str, str] = {}
    for unit, spec in units.items():
        for spelling in (unit, *spec.aliases):
            spellings[" ".join(spelling.lower().split())] = unit
    return {"UNITS": units, "REGIMEN_UNITS": tuple(units), "UNIT_SPELLINGS": spellings}


def _factors() -> dict[str, object]:
    """:data:`BUILTIN_FACTORS`."""
    factors: dict[str, FactorSpec] = {
        "fluids": FactorSpec("number", ("ml", "l", "cup"), "what you drank that day"),
        "time-on-feet": FactorSpec("number", ("h", "min"), "time standing or walking"),
        "exercise": FactorSpec("number", ("min", "h"), "exercise that day"),
        "heat": FactorSpec("bool", (), "a hot day or hot place"),
        "travel": FactorSpec("bool", (), "a travel day (long sitting, new place)"),
        "shoes": FactorSpec("text", (), "shoes worn most of the day, e.g. flat, heels, barefoot"),
        "alcohol": FactorSpec("number", ("drinks",), "alcoholic drinks"),
        "caffeine": FactorSpec("number", ("cups", "mg"), "coffee/tea/cola"),
    }
    return {"BUILTIN_FACTORS": factors}


_BUILT_ON_FIRST_USE = {
    "UNITS": _units,
    "REGIMEN_UNITS": _units,
    "UNIT_SPELLINGS": _units,
    "BUILTIN_FACTORS": _factors,
}

if not TYPE_CHECKING:  # type checkers see the declarations above

    def __getattr__(name: str) -> object:
        build = _BUILT_ON_FIRST_USE.get(name)
        if build is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        tables = build()
        globals().update(tables)
        return tables[name]
