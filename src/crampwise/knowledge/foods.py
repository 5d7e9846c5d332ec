"""Food composition: USDA SR28 and IFCT 2017, search, portions and comparisons.

Two national tables ship as package data (built by ``scripts/build_food_tables.py``):

* ``usda-sr28`` — all 8,789 foods of the USDA National Nutrient Database for Standard
  Reference, Release 28, with every household portion and its gram weight. Food ids are SR28
  NDB numbers (kept as strings: ``"09040"``). FoodData Central gives the same foods new
  FDC IDs, a different number that cannot be derived from SR28 offline; the few we know
  from a source are in ``food_fdc_ids.csv`` (:func:`load_fdc_ids`), and ``food_to_dict``
  reports ``fdc_id: null`` for every other food (see docs/foods.md).
* ``ifct2017`` — the 542 foods of the Indian Food Composition Tables 2017 (no portions).

All nutrient values are mg per 100 g edible portion. A value a table does not report is
``None`` and is never counted as zero.

Nothing is read at import time; each table is parsed once, on first use.
"""

from __future__ import annotations

__all__ = [
    "NUTRIENTS",
    "TABLES",
    "Food",
    "FoodLookup",
    "FoodMatch",
    "Portion",
    "common_portions",
    "counterparts",
    "everyday_portion",
    "find_portion",
    "food_source",
    "grams_for",
    "load_fdc_ids",
    "load_food_synonyms",
    "load_ifct_foods",
    "load_usda_foods",
    "lookup_food",
    "nutrients_for",
    "parse_nutrient",
    "search_foods",
]

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from crampwise.errors import InputError, UnknownNameError
from crampwise.knowledge.foodtables import (
    NUTRIENTS,
    TABLES,
    Food,
    Portion,
    _rows,
    food_source,
    load_fdc_ids,
    load_ifct_foods,
    load_usda_foods,
)
from crampwise.vocab import UNITS

#: Names people type for a nutrient (the chemical symbols too).
_NUTRIENT_ALIASES = {
    alias: spec.split("=")[0]
    for spec in ["potassium=k", "magnesium=mg|magnes", "calcium=ca", "sodium=na"]
    for alias in [spec.split("=")[0], *spec.split("=")[1].split("|")]
}


_SYMBOL = {"potassium": "K", "magnesium": "Mg", "calcium": "Ca", "sodium": "Na"}
_TABLE_LABEL = {"usda-sr28": "USDA SR28", "ifct2017": "IFCT 2017"}

# Match tiers of search_foods (higher wins); small bonuses (< 100) order foods in a tier.
_ID = 1100
_SYNONYM = 1000
_EXACT = 900
_HEAD = 800  # the part of the name before the first comma equals the query
_STARTS = 700
_PHRASE = 600
_ALL_WORDS = 500
_SCIENTIFIC = 450
_OTHER_NAME = 400
#: A match in the other table counts as "the same food" only from this tier up.
_COUNTERPART_MIN = _EXACT

# Volumes and masses come from the one unit table the diary validates doses with, so every
# unit a food entry may be given in is one that nutrition can convert.
_ML_PER = {u: s.factor for u, s in UNITS.items() if s.kind == "volume" and s.factor}
_GRAMS_PER = {u: s.factor / 1000.0 for u, s in UNITS.items() if s.kind == "mass" and s.factor}
# Spellings of units → our unit key.
_UNIT_SPELLINGS = (
    "g=gram|grams|gr; kg=kilogram|kilograms; oz=ounce|ounces; lb=pound|pounds|lbs; "
    "l=litre|liter|litres|liters; ml=millilitre|milliliter|millilitres|milliliters; "
    "tbsp=tablespoon|tablespoons|tbs|tbsps; tsp=teaspoon|teaspoons|tsps; cup=cups; "
    "fl oz=fluid ounce|fluid ounces|floz; serving=servings; slice=slices; piece=pieces|pc|pcs|each"
)
_UNIT_ALIASES = {
    alias: spec.split("=")[0].strip()
    for spec in _UNIT_SPELLINGS.split(";")
    for alias in spec.split("=")[1].split("|")
}


@dataclass(frozen=True, slots=True)
class FoodMatch:
    food: Food
    score: int  # tier + a small bonus that orders foods within it
    reason: str
    note: str = ""
    tier: int = 0  # how the name matched (food id > synonym > exact name …); 0 = score


@dataclass(frozen=True, slots=True)
class FoodLookup:
    """The best match for a query and the other foods it could have meant."""

    query: str
    best: FoodMatch
    alternatives: tuple[FoodMatch, ...]

    @property
    def food(self) -> Food:
        return self.best.food


@functools.cache
def load_food_synonyms() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Hand-written synonyms: normalised name → ((table, food id, note), …)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for row in _rows("food_synonyms.csv"):
        out.setdefault(_norm(row["synonym"]), []).append(
            (row["table"], row["food_id"], row["note"])
        )
    return {k: tuple(v) for k, v in out.items()}


def _table(table: str) -> dict[str, Food]:
    return load_usda_foods() if table == "usda-sr28" else load_ifct_foods()


# --------------------------------------------------------------------------- search


_TOKEN = re.compile(r"[^\W_]+%?")


def _norm(text: str) -> str:
    """Lower-case words separated by single spaces: 'Milk, whole, 3.25%' → 'milk whole 3 25%'."""
    return " ".join(_TOKEN.findall(text.lower()))


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Fold simple English plurals so 'bananas' finds 'banana' and 'leaf' finds 'leaves'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ves"):
        return word[:-3] + "f"
    if len(word) > 4 and word.endswith("oes"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> frozenset[str]:
    return frozenset(map(_stem, _TOKEN.findall(text.lower())))


@dataclass(frozen=True, slots=True)
class _Entry:
    food: Food
    name: str
    lower: str
    head: str
    words: frozenset[str]
    scientific: str
    scientific_words: frozenset[str]
    other_words: tuple[frozenset[str], ...]
    all_words: frozenset[str]
    bonus: int


def _bonus(tokens: list[str], name: str) -> int:
    """Prefer plain, raw, generic entries: 'Bananas, raw' over 'Babyfood, bananas, …', and
    the unsalted one of a salted/unsalted pair ('Spinach, cooked, …, without salt')."""
    bonus = 40 if "raw" in tokens else 0
    bonus -= 8 * name.count(",") + len(name) // 10
    lower = name.lower()
    if "with salt" in lower:
        bonus -= 12
    elif "without salt" in lower or "no salt" in lower:
        bonus += 12
    return max(-90, min(90, bonus))


@functools.cache
def _index() -> tuple[_Entry, ...]:
    entries = []
    for table in TABLES:
        for food in _table(table).values():
            lower = food.name.lower()
            tokens = _TOKEN.findall(lower)
            words = frozenset(map(_stem, tokens))
            scientific = _words(food.scientific_name) if food.scientific_name else frozenset()
            others = tuple(_words(n) for n in food.other_names)
            entries.append(
                _Entry(
                    food,
                    " ".join(tokens),
                    lower,
                    _norm(lower.split(",")[0]),
                    words,
                    _norm(food.scientific_name),
                    scientific,
                    others,
                    words.union(scientific, *others),
                    _bonus(tokens, food.name),
                )
            )
    return tuple(entries)


def _score(entry: _Entry, query: str, words: frozenset[str]) -> tuple[int, str]:
    if entry.name == query:
        return _EXACT, "exact name"
    if entry.head == query or _words(entry.head) == words:
        return _HEAD, "name"
    if entry.name.startswith(query):
        return _STARTS, "name starts with query"
    if _phrase(query).search(entry.lower):
        return _PHRASE, "name contains query"
    if words <= entry.words:
        return _ALL_WORDS, "all words in name"
    if entry.scientific and (entry.scientific.startswith(query) or words <= entry.scientific_words):
        return _SCIENTIFIC, "scientific name"
    if any(words <= other for other in entry.other_words):
        return _OTHER_NAME, "other name"
    return 0, ""


@functools.lru_cache(maxsize=64)
def _phrase(query: str) -> re.Pattern[str]:
    """The query as a phrase in the raw name ('coconut water' but not 'coconut, water')."""
    return re.compile(r"\b" + r"\s+".join(map(re.escape, query.split())) + r"\b")


def _sort_key(match: FoodMatch) -> tuple[int, int, int, int, str]:
    # Deterministic: how the name matched, then USDA before IFCT (the tables agree on the
    # food but USDA has portions and is the usual reference), then the bonus (plain, raw,
    # unsalted first), then shorter names, then id.
    food = match.food
    tier = match.tier or match.score
    return (-tier, TABLES.index(food.table), -match.score, len(food.name), food.id)


def search_foods(query: str, limit: int = 10, table: str | None = None) -> list[FoodMatch]:
    """Foods whose name, synonym, scientific or other name matches ``query``, best first.

    Tiers: food id (NDB number or IFCT code) > our synonyms > exact name > name head
    ('Bananas' of 'Bananas, raw') > name starts with query > all query words in the name >
    scientific name > common or local-language name. Within a tier raw and plainly named
    foods come first.
    """
    q = _norm(query)
    if not q:
        raise InputError("food", "give a food name, e.g. 'banana' or 'coconut water'")
    tables = TABLES if table is None else (table,)
    found: dict[tuple[str, str], FoodMatch] = {}

    def add(match: FoodMatch) -> None:
        key = (match.food.table, match.food.id)
        if key not in found or _sort_key(match) < _sort_key(found[key]):
            found[key] = match

    for t in tables:
        by_id = _table(t).get(query.strip().upper())
        if by_id is not None:
            add(FoodMatch(by_id, _ID, "food id", tier=_ID))
    for t, food_id, note in load_food_synonyms().get(q, ()):
        if t in tables:
            add(FoodMatch(_table(t)[food_id], _SYNONYM, "synonym", note, tier=_SYNONYM))
    words = _words(q)
    for entry in _index():
        # Cheap pre-filter: every tier needs all query words somewhere, or a prefix.
        if entry.food.table in tables and (
            words <= entry.all_words or entry.name.startswith(q) or entry.scientific.startswith(q)
        ):
            score, reason = _score(entry, q, words)
            if score:
                add(FoodMatch(entry.food, score + entry.bonus, reason, tier=score))
    return sorted(found.values(), key=_sort_key)[:limit]


def _suggestions(query: str) -> list[str]:
    vocabulary = set(load_food_synonyms())
    for table in TABLES:
        vocabulary.update(_norm(f.name.split(",")[0]) for f in _table(table).values())
    return difflib.get_close_matches(_norm(query), sorted(vocabulary), n=5, cutoff=0.6)


def lookup_food(query: str, table: str | None = None, alternatives: int = 5) -> FoodLookup:
    """The best food for ``query`` plus up to ``alternatives`` other candidates.

    Raises :class:`UnknownNameError` (with the closest known names) when nothing matches:
    we never guess a food from a partial match.
    """
    from crampwise.validate import text

    text(query, "food", 200)  # a 120 KB argument is refused, not searched
    matches = search_foods(query, limit=alternatives + 1, table=table)
    if not matches:
        raise UnknownNameError("food", query, "food", _suggestions(query))
    return FoodLookup(query, matches[0], tuple(matches[1:]))


def counterparts(query: str) -> dict[str, FoodMatch]:
    """The food ``query`` means in each table that has it, best table first.

    The overall best match always counts; in the other table only a synonym or an exact
    name counts, so we never set 'Lentil dal' (raw, dry) against boiled lentils.
    """
    best = lookup_food(query).best
    out = {best.food.table: best}
    for table in TABLES:
        if table not in out:
            hits = search_foods(query, limit=1, table=table)
            if hits and hits[0].score >= _COUNTERPART_MIN:
                out[table] = hits[0]
    return dict(sorted(out.items(), key=lambda kv: TABLES.index(kv[0])))


def parse_nutrient(name: str) -> str:
    """'Calcium', 'ca', 'K' → our nutrient key; unknown names raise with suggestions."""
    key = _NUTRIENT_ALIASES.get(name.strip().lower())
    if key is None:
        close = difflib.get_close_matches(name.strip().lower(), list(NUTRIENTS), n=3, cutoff=0.5)
        raise UnknownNameError("nutrient", name, "nutrient", close or list(NUTRIENTS))
    return key


# --------------------------------------------------------------------------- portions


def _unit(text: str) -> str:
    t = _norm(text)
    return _UNIT_ALIASES.get(t, t)


def find_portion(food: Food, text: str) -> Portion | None:
    """The food's portion described by ``text`` ('cup', 'medium', 'tbsp', 'NLEA serving').

    Exact description first, then the description's first part ('cup' → 'cup, chopped'),
    then any description containing the words; the first in SR28 order wins each step.
    """
    unit = _unit(text)
    if not unit:
        return None
    words = _words(unit)
    steps: tuple[Callable[[Portion], bool], ...] = (
        lambda p: _unit(p.unit) == unit,
        lambda p: _unit(re.split(r"[,(]", p.unit)[0]) == unit,
        lambda p: words <= _words(p.unit) and not (unit == "oz" and "fl" in _words(p.unit)),
    )
    for accept in steps:
        for portion in food.portions:
            if accept(portion):
                return portion
    return None


#: What "1 piece" of a food is, in order of preference: SR28 names one whole item this way.
_WHOLE_ITEM_WORDS = ("piece", "medium", "fruit", "whole", "each")
#: Words of a measure, not of one whole item ('cup, sliced'; 'fruit yields' is juice).
_MEASURE_WORDS = frozenset(map(_stem, (
    "cup", "tbsp", "tsp", "oz", "fl", "slice", "spear", "container", "package", "bunch",
    "serving", "raw", "yields",
)))  # fmt: skip


def _whole_item(food: Food) -> Portion | None:
    """One whole item of the food: a portion named 'piece', 'medium', 'fruit' … (a banana's
    is 'medium (7" to 7-7/8" long)', 118 g), else one named after the food itself
    ('almond', 'date, pitted'); None when the food has no such portion (milk)."""
    heads = [(p, _words(re.split(r"[,(]", p.unit)[0])) for p in food.portions]
    heads = [(p, head) for p, head in heads if not head & _MEASURE_WORDS]
    for word in _WHOLE_ITEM_WORDS:
        for portion, head in heads:
            if word in head:
                return portion
    named = _words(" ".join(food.name.split(",")[:2])) - _MEASURE_WORDS
    for portion, head in heads:
        if head & named:
            return portion
    return None


def _portion_label(portion: Portion) -> str:
    """A portion as a person can type it back: 'medium (118 g)', 'cup sliced (150 g)'."""
    label = re.split(r"\(", portion.unit)[0].replace(",", "").strip() or portion.unit
    amount = "" if portion.amount == 1 else f"{portion.amount:g} "
    return f"{amount}{label} ({portion.grams:g} g)"


class _UnknownUnitError(UnknownNameError):
    """An unknown unit for a food, saying what amounts would work instead."""

    def __init__(self, food: Food, unit: str, suggestions: list[str]) -> None:
        self.name = unit
        self.suggestions = suggestions
        labels = list(dict.fromkeys(_portion_label(p) for p in food.portions))
        if labels:
            how = "give the amount in g or one of: " + ", ".join(labels)
        else:
            how = "give the amount in g or ml (this food has no household portions)"
        InputError.__init__(self, f"unit (for {food.name})", f"unknown unit {unit!r}; {how}")


def _density(food: Food) -> float | None:
    """g per ml from a volume portion of the food (cup, fl oz, tbsp, tsp, ml)."""
    for portion in food.portions:
        ml = _ML_PER.get(_unit(portion.unit))
        if ml is not None and portion.amount > 0:
            return portion.grams / (portion.amount * ml)
    return None


def grams_for(food: Food, amount: float, unit: str) -> float:
    """Grams in ``amount`` ``unit`` of ``food``.

    Units: g, kg, oz (weight), lb; ml, l, fl oz, and cup/tbsp/tsp when the food has no such
    portion (converted with the food's own density from a volume portion, else 1 g/ml —
    right for water-like drinks, wrong for oils or honey); or any portion of the food
    ('medium', 'cup, sliced', 'NLEA serving'). 'piece' (and 'serving' when the food has no
    serving portion) is one whole item: its 'medium', 'fruit' … portion (a banana: 118 g).
    An unknown unit raises :class:`UnknownNameError` listing the food's portions in grams.
    """
    if amount < 0:
        raise InputError("amount", f"must be zero or more, got {amount:g}")
    u = _unit(unit)
    if u in _GRAMS_PER and not (u == "oz" and find_portion(food, "oz")):
        return amount * _GRAMS_PER[u]
    portion = find_portion(food, u)
    if portion is None and u in ("piece", "serving"):
        portion = _whole_item(food)  # '1 piece' of banana = 1 medium banana
    if portion is not None:
        return amount * portion.grams / portion.amount
    if u in _ML_PER:
        return amount * _ML_PER[u] * (_density(food) or 1.0)
    known = [p.unit for p in food.portions] + sorted(_GRAMS_PER) + sorted(_ML_PER)
    close = difflib.get_close_matches(u, known, n=5, cutoff=0.4) or known[:8]
    raise _UnknownUnitError(food, unit, close)


def nutrients_for(food: Food | str, amount: float, unit: str) -> dict[str, float]:
    """mg of each nutrient in ``amount`` ``unit`` of a food (a Food or a name to look up).

    Nutrients the table does not report are left out, never counted as zero.
    """
    f = lookup_food(food).food if isinstance(food, str) else food
    grams = grams_for(f, amount, unit)
    out = {}
    for nutrient in NUTRIENTS:
        mg = f.mg(nutrient, grams)
        if mg is not None:
            out[nutrient] = mg
    return out


_PORTION_PREFERENCE = ("cup", "tbsp", "oz", "serving")


def everyday_portion(food: Food) -> Portion | None:
    """The portion people mean when they name a food: one whole item where the food comes
    in items (a medium banana, 118 g), else an ounce where SR28 gives one (nuts and seeds:
    a handful), else a cup (of coconut water, milk, chopped leaves), else the first measure
    SR28 gives; ``None`` without portions."""
    heads = [(p, _words(re.split(r"[,(]", p.unit)[0])) for p in food.portions]
    for word in _WHOLE_ITEM_WORDS:
        for portion, head in heads:
            if word in head and not head & _MEASURE_WORDS:
                return portion
    for portion, head in heads:
        if head == _words("oz"):  # "oz (23 whole kernels)", not "fl oz"
            return portion
    for unit in _PORTION_PREFERENCE:
        measure = find_portion(food, unit)
        if measure is not None:
            return measure
    return food.portions[0] if food.portions else None


def common_portions(a: Food, b: Food) -> tuple[Portion, Portion] | None:
    """The everyday portion of each of two foods (:func:`everyday_portion`: a medium
    banana against a cup of coconut water); ``None`` when either has no portions."""
    pa, pb = everyday_portion(a), everyday_portion(b)
    if pa is None or pb is None:
        return None
    return pa, pb
