"""Claims as people ask them, and the answer in plain words first.

People ask ("does moringa really have 4x more calcium than milk?", "is it true that coconut
water has more potassium than a banana") and name foods loosely ("moringa powder").
:func:`plain_claim` turns a question into the statement the checker reads;
:func:`known_food` finds the food a loose name means (saying what it left out);
:func:`answer` gives the verdict and its reason in a sentence or two, from the same
numbers the details show.
"""

from __future__ import annotations

import re
from typing import Any

from crampwise.errors import UnknownNameError
from crampwise.knowledge import foods as fd

__all__ = ["VERDICT_WORDS", "answer", "known_food", "plain_claim"]

#: The verdict as a person says it.
VERDICT_WORDS = {
    "supported": "True",
    "partly-supported": "Partly true",
    "not-supported": "Not true",
}

#: How questions and hearsay begin ("is it true that …"): left out.
_ASKING = re.compile(
    r"^(?:(?:is\s+it\s+(?:really\s+)?true\s+that|is\s+it\s+true|true\s+that|"
    r"i\s+(?:read|heard)(?:\s+that)?|they\s+say(?:\s+that)?|"
    r"someone\s+(?:told\s+me|said)(?:\s+that)?|does|do|did|can|could)\s+)+"
)
#: Words that change nothing in a claim ("really", "actually"): left out anywhere.
_FILLER = re.compile(r"\b(?:really|actually|truly|indeed|even|honestly|supposedly)\s+")
#: Words of a product rather than a food ("powder"): dropped only when the name with them
#: is in no table, and then said.
_PRODUCT_WORDS = ("powder", "powdered", "organic", "pure", "natural", "fresh")


def plain_claim(text: str) -> str:
    """The statement in a question: "does moringa really have 4x more calcium than milk"
    → "moringa have 4x more calcium than milk" (the checker reads "have" as "has")."""
    return _FILLER.sub("", _ASKING.sub("", text)).strip()


def known_food(query: str, notes: list[str]) -> str:
    """``query``, or without its product words when only that is in a table ("moringa
    powder" → "moringa"), with a note saying so; unknown names raise as before."""
    try:
        fd.lookup_food(query)
        return query
    except UnknownNameError:
        words = query.split()
        shorter = " ".join(w for w in words if w not in _PRODUCT_WORDS)
        if not shorter or shorter == query:
            raise
        food = fd.lookup_food(shorter).food  # raises, naming the shorter name
        dropped = [w for w in words if w in _PRODUCT_WORDS]
        note = f"The food tables have no {query!r}; this compares {food.name}."
        if {"powder", "powdered"} & set(dropped):
            note += (
                " A dried powder has lost its water, so per gram it holds more of every"
                " mineral than the fresh food; the product's label gives its own numbers."
            )
        notes.append(note)
        return shorter


def _mg(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0f} mg"


def _times(value: float) -> str:
    return f"{value:.2g} times"


def answer(result: Any) -> list[str]:
    """The verdict and its reason, from the first table's numbers (USDA SR28 when it has
    the food): one or two sentences."""
    verdict = VERDICT_WORDS.get(result.verdict, result.verdict)
    if not result.evidence:
        return [f"{verdict}."]
    e = result.evidence[0]
    if result.kind == "amount":
        food = result.foods[0] if result.foods else e["food"]["name"]
        said = f"{e['portion']} ({e['grams']:g} g) of {food} has {_mg(e['mg'])}"
        if e["holds"]:
            return [f"{verdict}: {said} {result.nutrient}, as claimed ({e['stated_mg']:g} mg)."]
        return [f"{verdict}: {said} {result.nutrient}, not {e['stated_mg']:g} mg."]
    x, z = (*result.foods, e["foods"]["x"]["name"], e["foods"]["z"]["name"])[:2]
    h, p, n = e["per_100g"], e["per_portion"], result.nutrient
    if h["ratio"] is None:
        gram = f"the tables have no {n} figure for one of them"
    elif result.stated is not None:
        gram = (
            f"{x} has {_times(h['ratio'])} the {n} of {z} ({_mg(h['x_mg'])} vs "
            f"{_mg(h['z_mg'])} per 100 g), not {result.stated:g} times"
        )
    else:
        gram = f"{x} has {_more(h['ratio'], n)} {z}: {_mg(h['x_mg'])} vs {_mg(h['z_mg'])} per 100 g"
    if p is None or p["ratio"] is None:
        return [f"{verdict}: gram for gram, {gram}."]
    eaten = (
        f"{p['x_portion']} of {x} ({p['x_grams']:g} g) has {_more(p['ratio'], n)} "
        f"{p['z_portion']} of {z} ({p['z_grams']:g} g): {_mg(p['x_mg'])} vs {_mg(p['z_mg'])}"
    )
    if result.verdict == "partly-supported" and not h["holds"] and p["holds"]:
        return [f"{verdict}: as eaten, {eaten}.", f"But gram for gram, {gram}."]
    return [f"{verdict}: gram for gram, {gram}.", f"As eaten, {eaten}."]


def _more(ratio: float, nutrient: str) -> str:
    """``more potassium than`` / ``less potassium than`` / ``as much potassium as``."""
    if ratio > 1:
        return f"more {nutrient} than"
    return f"less {nutrient} than" if ratio < 1 else f"as much {nutrient} as"
