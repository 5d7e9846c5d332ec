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
    "elemental_mg",
    "find_supplement_form",
    "is_nutrient_name",
    "lookup_medication",
    "lookup_nutrient",
    "match_medication",
    "match_nutrient",
    "medication_suggestions",
    "supplement_forms_of",
]

import re
from dataclasses import dataclass
from functools import cache

from crampwise.errors import UnknownNameError
from crampwise.knowledge import (
    Drug,
    Nutrient,
    SupplementForm,
    _close,
    drugs,
    nutrients,
    supplement_forms,
)

_NON_NAME = re.compile(r"[^a-z0-9/+\- ]+")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    """Lower-case, drop ®/™ and punctuation, tighten slashes: a key for name lookups."""
    text = _NON_NAME.sub(" ", text.casefold().replace("µ", "u"))
    text = re.sub(r"\s*([/+])\s*", r"\1", text)
    return _SPACES.sub(" ", text).strip()


@cache
def _drug_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for drug in drugs().values():
        for name in (drug.id, drug.generic, *drug.brands, *drug.aliases):
            index.setdefault(_norm(name), drug.id)
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
    return index


def _longest_prefix(name: str, index: dict[str, str] | dict[str, tuple[str, str | None]]) -> str:
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
    """What a medication name typed by a person resolved to."""

    name: str
    drugs: tuple[Drug, ...]
    unknown_parts: tuple[str, ...]  # parts of a combination that matched nothing

    @property
    def known(self) -> bool:
        return bool(self.drugs) and not self.unknown_parts


def match_medication(name: str) -> MedicationMatch:
    """Resolve a medication name (generic, brand or alias, any case, strength suffix allowed).

    Combinations written with ``/`` or ``+`` ("losartan/hctz") are matched whole first, then
    part by part. Never raises; unknown names come back with ``drugs == ()``.
    """
    index = _drug_index()
    table = drugs()
    key = _norm(name)
    hit = index.get(key) or index.get(_longest_prefix(key, index), "")
    if hit:
        return MedicationMatch(name, (table[hit],), ())
    first_word = key.split(" ")[0] if key else ""
    parts = [p for p in re.split(r"[/+]| and ", first_word if "/" in first_word else key) if p]
    found: list[Drug] = []
    unknown: list[str] = []
    if len(parts) > 1:
        for part in parts:
            part_hit = index.get(part) or index.get(_longest_prefix(part, index), "")
            if part_hit:
                found.append(table[part_hit])
            else:
                unknown.append(part)
    else:
        unknown.append(name)
    return MedicationMatch(name, tuple(dict.fromkeys(found)), tuple(unknown))


def medication_suggestions(name: str) -> list[str]:
    """Up to three known medication names closest to ``name``."""
    key = _norm(name)
    names = {_norm(n): n for d in drugs().values() for n in (d.generic, *d.brands, *d.aliases)}
    first = key.split(" ")[0] if key else key
    close = _close(key, list(names)) or _close(first, list(names))
    return [names[c] for c in close]


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
