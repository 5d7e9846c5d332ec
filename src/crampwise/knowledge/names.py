"""Names typed by people, matched against the shipped reference tables.

``"Lisinopril 10mg"``, ``"Zestril"``, ``"magnesium glycinate"``, ``"Epsom salt"``: matched
case-insensitively against generic names, brands, aliases and salt forms. An unknown name is
reported as unknown (:class:`~crampwise.errors.UnknownNameError` with the closest known
names), never silently treated as harmless.

Everything public here is re-exported by :mod:`crampwise.knowledge`; import it from there.
This module imports the table loaders from the package, and the package imports this module
at its *end* (see the note there), so there is no import cycle to trip over.
"""

from __future__ import annotations

__all__ = [
    "MedicationMatch",
    "NutrientMatch",
    "TypedName",
    "display_name",
    "elemental_mg",
    "find_supplement_form",
    "is_nutrient_name",
    "is_prescription_mineral",
    "lookup_medication",
    "lookup_nutrient",
    "match_medication",
    "match_nutrient",
    "medication_suggestions",
    "parse_typed_name",
    "supplement_forms_of",
]

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from crampwise import vocab
from crampwise.errors import UnknownNameError
from crampwise.knowledge import (
    Drug,
    Nutrient,
    Product,
    SupplementForm,
    _close,
    drug_classes,
    drugs,
    mineral_products,
    nutrients,
    products,
    supplement_forms,
)

# Dashes, apostrophes and other punctuation become spaces, so "vitamin-k2" (a stored slug),
# "Vitamin K2", "K-Tab" and "Hyland's" all meet the table names on the same key.
_NON_NAME = re.compile(r"[^a-z0-9/+ ]+")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    """Lower-case, drop ®/™ and punctuation, tighten slashes: a key for name lookups."""
    text = _NON_NAME.sub(" ", text.casefold().replace("µ", "u"))
    text = re.sub(r"\s*([/+])\s*", r"\1", text)
    return _SPACES.sub(" ", text).strip()


@cache
def _drug_index() -> dict[str, tuple[str, str]]:
    """Name -> ("drug", id) or ("product", id)."""
    index: dict[str, tuple[str, str]] = {}
    for drug in drugs().values():
        for name in (drug.id, drug.generic, *drug.brands, *drug.aliases):
            index.setdefault(_norm(name), ("drug", drug.id))
    for product in products().values():
        for name in (product.id, product.name, *product.brands, *product.aliases):
            index.setdefault(_norm(name), ("product", product.id))
    return index


@cache
def _nutrient_index() -> dict[str, tuple[str, str | None]]:
    """Name -> (nutrient id, form id or None)."""
    index: dict[str, tuple[str, str | None]] = {}
    for nutrient in nutrients().values():
        for name in (nutrient.id, nutrient.name, *nutrient.aliases):
            index.setdefault(_norm(name), (nutrient.id, None))
    for form in supplement_forms():
        for name in (form.id, f"{form.nutrient} {form.form}", *form.aliases):
            index.setdefault(_norm(name), (form.nutrient, form.id))
    for brand in mineral_products():
        chosen = find_supplement_form(brand.nutrient, brand.form)
        index.setdefault(_norm(brand.name), (brand.nutrient, chosen.id if chosen else None))
    return index


_Index = dict[str, tuple[str, str]] | dict[str, tuple[str, str | None]] | dict[str, bool]


def _longest_prefix(name: str, index: _Index) -> str:
    """The longest run of leading words of ``name`` that is a key of ``index`` ('' if none).

    This is what lets "metoprolol succinate ER 25 mg" find "metoprolol": strengths, salts
    and release forms follow the name.
    """
    words = name.split(" ")
    for end in range(len(words), 0, -1):
        candidate = " ".join(words[:end])
        if candidate in index:
            return candidate
    return ""


@dataclass(frozen=True)
class MedicationMatch:
    """What a medication name typed by a person resolved to.

    ``drugs`` are the single medicines (ingredients) it contains; ``products`` the
    combination products named; ``unknown_parts`` the parts crampwise does not know
    (a misspelt name, or an ingredient of a product it has not reviewed).
    """

    name: str
    drugs: tuple[Drug, ...]
    unknown_parts: tuple[str, ...]
    products: tuple[Product, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.drugs) and not self.unknown_parts

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class of the ingredients and of the products, without those a more
        specific class replaces (a LABA in a LABA + inhaled corticosteroid inhaler)."""
        found = [c for d in self.drugs for c in d.classes]
        found += [c for p in self.products for c in p.classes]
        table = drug_classes()
        replaced = {r for c in found for r in table[c].replaces}
        return tuple(dict.fromkeys(c for c in found if c not in replaced))

    @property
    def generic(self) -> str:
        """The generic name(s): "valsartan/hydrochlorothiazide", "lisinopril"."""
        if len(self.products) == 1 and len(self.drugs) == len(self.products[0].ingredients):
            return self.products[0].name
        return " + ".join(d.generic for d in self.drugs)


def _resolve(hit: tuple[str, str]) -> tuple[list[Drug], list[str], list[Product]]:
    kind, ident = hit
    if kind == "drug":
        return [drugs()[ident]], [], []
    product = products()[ident]
    table = drugs()
    return [table[i] for i in product.ingredients], list(product.other_ingredients), [product]


@lru_cache(maxsize=2048)  # the tables are static, so a name always resolves the same way
def match_medication(name: str) -> MedicationMatch:
    """Resolve a medication name (generic, brand or alias, any case, strength suffix allowed).

    A combination product ("Diovan HCT") resolves to its ingredients. Combinations written
    with ``/`` or ``+`` ("losartan/hctz") or as two names ("lisinopril hctz") are matched
    whole first, then part by part. Never raises; unknown names come back with
    ``drugs == ()``.
    """
    index = _drug_index()
    key = _norm(_without_strength(name))
    found: list[Drug] = []
    unknown: list[str] = []
    made: list[Product] = []

    def take(hit: tuple[str, str]) -> None:
        more, other, product = _resolve(hit)
        found.extend(more)
        unknown.extend(other)
        made.extend(product)

    first_word = key.split(" ")[0] if key else ""
    combined = re.split(r"[/+]| and | with ", first_word if "/" in first_word else key)
    parts = [p.strip() for p in combined if p.strip()]
    whole = index.get(key) or index.get(_longest_prefix(key, index))
    if whole is not None and len(parts) <= 1:
        take(whole)
        _later_names(key, index, take)
    elif len(parts) > 1:
        for part in parts:
            part_hit = index.get(part) or index.get(_longest_prefix(part, index))
            if part_hit is not None:
                take(part_hit)
            else:
                unknown.append(part)
    else:
        unknown.append(name)
    return MedicationMatch(
        name,
        tuple(dict.fromkeys(found)),
        tuple(dict.fromkeys(unknown)),
        tuple(dict.fromkeys(made)),
    )


# A strength at the end of a medicine's name: "160/12.5", "100/25 mg", "50-12.5",
# "100/62.5/25 mcg". Its numbers are no ingredient ("12.5" is not an unknown medicine).
_STRENGTH_UNIT = r"(?:mg|mcg|µg|ug|g|ml|iu|units?|meq|mmol|%)"
_STRENGTH = re.compile(
    rf"\s+\d+(?:[.,]\d+)?\s*{_STRENGTH_UNIT}?"
    rf"(?:\s*[/-]\s*\d+(?:[.,]\d+)?\s*{_STRENGTH_UNIT}?)*\s*$",
    re.IGNORECASE,
)


def _without_strength(name: str) -> str:
    """``name`` without a strength written at its end ("Diovan HCT 160/12.5")."""
    bare = _STRENGTH.sub("", name)
    return bare if bare.strip() else name


def _later_names(
    key: str, index: dict[str, tuple[str, str]], take: Callable[[tuple[str, str]], None]
) -> None:
    """Names after the first ("lisinopril hctz 10/12.5"): each is another ingredient."""
    words = key.split(" ")
    start = len(_longest_prefix(key, index).split(" ")) if key not in index else len(words)
    i = start
    while i < len(words):
        rest = " ".join(words[i:])
        prefix = _longest_prefix(rest, index)
        if prefix and not prefix.isdigit():
            take(index[prefix])
            i += len(prefix.split(" "))
        else:
            i += 1


@cache
def _spellings() -> dict[str, str]:
    """Normalised name -> the table's own spelling ("k tab" -> "K-Tab", "diovan hct" ->
    "Diovan HCT", "vitamin d" -> "vitamin D"); brands first."""
    names = [b.name for b in mineral_products()]
    names += [n for p in products().values() for n in p.brands]
    names += [n for d in drugs().values() for n in (*d.brands, d.generic)]
    names += [n.name for n in nutrients().values()]
    names += [n for p in products().values() for n in p.aliases]
    names += [n for d in drugs().values() for n in d.aliases]
    spelled: dict[str, str] = {}
    for name in names:
        spelled.setdefault(_norm(name), name)
    return spelled


_VITAMIN = re.compile(r"\b(vitamin )([a-z])(?=\d*\b)|\b([dkb])(\d{1,2})\b")


#: Release forms and strengths written after a brand, as labels print them ("Cipro XR").
_RELEASE = frozenset({"xr", "er", "sr", "cr", "xl", "la", "dr", "ec", "hct", "odt", "mr"})


def _release(word: str) -> str:
    """ "XR" for "xr", "M20" for "m20"; other words as they are."""
    if word in _RELEASE or re.fullmatch(r"[a-z]\d+", word):
        return word.upper()
    return word


@lru_cache(maxsize=1024)
def display_name(item: str) -> str:
    """A stored name as people write it, for messages: the slug ``vitamin-d3`` is "vitamin
    D3", ``magnesium-oxide`` "magnesium oxide", ``k-tab`` "K-Tab", ``diovan hct 160/12.5``
    "Diovan HCT 160/12.5". Names the tables do not know lose only their dashes."""
    words = [w for w in re.split(r"\s+|(?<!\d)-|-(?!\d)", item.strip()) if w]
    spelled = _spellings()
    for end in range(len(words), 0, -1):
        hit = spelled.get(_norm(" ".join(words[:end])))
        if hit is not None:
            return " ".join([hit, *(_release(w) for w in words[end:])])
    text = " ".join(words)
    return _VITAMIN.sub(lambda m: m[1] + m[2].upper() if m[1] else m[3].upper() + m[4], text)


def medication_suggestions(name: str) -> list[str]:
    """Up to three known medication names closest to ``name``."""
    return list(_suggestions(_norm(name)))


@cache
def _suggestible() -> dict[str, str]:
    names = {_norm(n): n for d in drugs().values() for n in (d.generic, *d.brands, *d.aliases)}
    names |= {_norm(n): n for p in products().values() for n in (*p.brands, *p.aliases)}
    return names


@lru_cache(maxsize=1024)
def _suggestions(key: str) -> tuple[str, ...]:
    names = _suggestible()
    first = key.split(" ", maxsplit=1)[0] if key else key
    close = _close(key, list(names)) or _close(first, list(names))
    return tuple(names[c] for c in close)


def lookup_medication(name: str, field: str = "name") -> tuple[Drug, ...]:
    """Like :func:`match_medication` but raises :class:`UnknownNameError` for unknown names."""
    match = match_medication(name)
    if not match.drugs:
        raise UnknownNameError(field, name, "medication", medication_suggestions(name))
    return match.drugs


@dataclass(frozen=True)
class NutrientMatch:
    nutrient: Nutrient
    form: SupplementForm | None


@lru_cache(maxsize=2048)
def match_nutrient(name: str, form: str | None = None) -> NutrientMatch | None:
    """Resolve a supplement name ("magnesium", "Mg glycinate", "Epsom salt") and optional form."""
    index = _nutrient_index()
    key = _norm(name)
    hit = index.get(key)
    rest = ""
    if hit is None:
        prefix = _longest_prefix(key, index)
        if not prefix:
            return None
        hit, rest = index[prefix], key[len(prefix) :].strip()
    nutrient_id, form_id = hit
    chosen = find_supplement_form(nutrient_id, form) if form else None
    if chosen is None and form_id is not None:
        chosen = next(f for f in supplement_forms() if f.id == form_id)
    if chosen is None and rest:
        chosen = find_supplement_form(nutrient_id, rest.split(" ")[0])
    return NutrientMatch(nutrients()[nutrient_id], chosen)


def find_supplement_form(nutrient_id: str, form: str) -> SupplementForm | None:
    """The salt form ``form`` ("oxide", "Magnesium Oxide", "epsom salt") of a nutrient, if known."""
    key = _norm(form)
    for entry in supplement_forms():
        names = {_norm(n) for n in (entry.form, entry.id, *entry.aliases)}
        if entry.nutrient == nutrient_id and key in names:
            return entry
    return None


def lookup_nutrient(name: str, field: str = "item") -> NutrientMatch:
    """Like :func:`match_nutrient` but raises :class:`UnknownNameError` for unknown names."""
    match = match_nutrient(name)
    if match is None:
        known = [n.name for n in nutrients().values()]
        known += [f"{f.nutrient} {f.form}" for f in supplement_forms()]
        raise UnknownNameError(field, name, "nutrient", _close(_norm(name), known))
    return match


def is_nutrient_name(text: str, nutrient_id: str) -> bool:
    """Whether ``text`` as a whole names the nutrient or one of its forms ("D3", "Mg oxide")."""
    hit = _nutrient_index().get(_norm(text))
    return hit is not None and hit[0] == nutrient_id


def supplement_forms_of(nutrient_id: str) -> list[SupplementForm]:
    """The salt forms crampwise knows for a nutrient, in table order (may be empty)."""
    return [f for f in supplement_forms() if f.nutrient == nutrient_id]


def elemental_mg(nutrient: str, form: str, compound_mg: float) -> float:
    """Elemental mg in ``compound_mg`` of a salt, e.g. 500 mg magnesium oxide -> 301.5 mg."""
    chosen = find_supplement_form(nutrient, form)
    if chosen is None:
        forms = [f.form for f in supplement_forms() if f.nutrient == nutrient]
        close = _close(_norm(form), forms) or forms
        raise UnknownNameError("form", form, f"{nutrient} form", close)
    return compound_mg * chosen.elemental_fraction


@lru_cache(maxsize=1024)
def is_prescription_mineral(name: str) -> bool:
    """Whether ``name`` is a brand of a prescription mineral product ("K-Tab", "Klor-Con M20")."""
    key = _norm(name)
    brands = _mineral_brands()
    return brands.get(key, False) or brands.get(_longest_prefix(key, brands), False)


@cache
def _mineral_brands() -> dict[str, bool]:
    return {_norm(b.name): b.prescription for b in mineral_products()}


@dataclass(frozen=True)
class TypedName:
    """A name as typed, split into the name and what was written inside it."""

    name: str
    dose: float | None = None
    unit: str | None = None  # a unit of :data:`crampwise.vocab.UNITS`
    form: str | None = None  # a salt form of the nutrient ("glycinate")


# "magnesium 400mg", "vitamin D3 5000", "K-Tab 10 mEq", "calcium carbonate 600": a name, a
# separator, a number and an optional unit at the end. "Diovan HCT 160/12.5" is left alone.
_TRAILING_DOSE = re.compile(
    r"^(?P<name>.*?\S)[\s,]+(?P<dose>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>[^\W\d_][\w. ]*?)?\.?\s*$"
)


def parse_typed_name(text: str, kind: str = "supplement") -> TypedName:
    """Split what people type into a name, a dose and (for supplements) a salt form.

    ``"magnesium 400mg"`` -> magnesium, 400 mg; ``"vitamin D3 5000"`` -> vitamin D3, 5000 IU
    (a bare number is in the nutrient's own unit); ``"magnesium bisglycinate"`` -> the
    same name, form glycinate (the name stays: two forms may be taken side by side);
    ``"Lisinopril 10 mg"`` (``kind="medication"``) -> Lisinopril, 10 mg. A medication
    needs a unit to split off its strength ("lisinopril 10" is left whole), and so does a
    supplement crampwise does not know. Used wherever names enter the diary: the API and
    the importer.
    """
    name, dose, unit = text.strip(), None, None
    found = _TRAILING_DOSE.match(name)
    if found is not None and _split_inside_a_number(name, found):
        found = None  # "50,000,0 IU": no clear number, so no dose is guessed
    if found is not None and not found["name"].endswith(("/", "+")):
        spelled = found["unit"]
        unit_key = " ".join(spelled.lower().split()) if spelled else ""
        unit = vocab.UNIT_SPELLINGS.get(unit_key) if unit_key else None
        if not spelled or unit is not None:
            name, dose = found["name"].strip(" ,"), _number(found["dose"])
        if not spelled:
            nutrient = match_nutrient(name) if kind == "supplement" else None
            if nutrient is None:
                name, dose = text.strip(), None
            else:
                unit = nutrient.nutrient.unit
    form = _form_in_name(name) if kind == "supplement" else None
    return TypedName(name, dose, unit, form)


def _split_inside_a_number(text: str, found: re.Match[str]) -> bool:
    """Whether the dose was cut out of a longer number: "50,000,0 IU" read as name "… 50"
    and dose "000,0". The name then ends in a bare number followed by a comma ("vitamin
    D3, 1000 IU" is fine: D3 is a word)."""
    last = found["name"].split()[-1]
    return last.isdigit() and "," in text[found.end("name") : found.start("dose")]


def _number(text: str) -> float:
    """A dose as written: "50,000" is fifty thousand (a comma before groups of three digits
    separates thousands, as on labels: "Vitamin D3 50,000 IU"); "2,5" is a decimal comma."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _form_in_name(name: str) -> str | None:
    """ "glycinate" for "magnesium bisglycinate"; None when the name is not a nutrient
    followed by one of its salt forms ("Epsom salt" is a name of its own)."""
    index = _nutrient_index()
    words = _norm(name).split(" ")
    for end in range(len(words) - 1, 0, -1):
        hit = index.get(" ".join(words[:end]))
        if hit is None or hit[1] is not None:
            continue
        chosen = find_supplement_form(hit[0], " ".join(words[end:]))
        if chosen is not None:
            return chosen.form
    return None
