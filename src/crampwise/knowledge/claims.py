"""Check nutrient claims about foods against the shipped composition tables.

Two claim forms are understood (case-insensitive; "has" may also be "have", "contains",
"provides" or "gives"):

* ratio — ``X has N times the Y of Z`` (also ``N x``, ``twice``, ``three times more Y than Z``,
  ``N times as much Y as Z``, and ``X has more Y than Z`` without a number);
* amount — ``X has N mg Y per PORTION`` (``about``/``around`` allowed; PORTION is a household
  measure of the food such as ``cup``, ``tbsp``, ``medium``, ``serving``, or an amount such as
  ``100 g`` or ``250 ml``); or ``a [SIZE] X has N mg (of) Y`` for one whole item ("a banana
  has 422 mg of potassium": one medium banana; "a small banana …": one small one).

A bare number is never read as a ratio: "N times", "N x", "N-fold", "twice" … are.

Each table holding the food(s) gives one evidence item (USDA SR28, IFCT 2017). A number is
**confirmed** on a basis when the table value is within ±10 % of the claimed one. That is the
crampwise authors' choice, not a sourced threshold: it is tight enough to tell the portion
sizes of one food apart (a small banana has 14 % less potassium than a medium one, so
"362 mg in a medium banana" is not confirmed) and loose enough for rounded numbers.

Verdicts:

* amount claims — judged on USDA SR28 when it has the food (its portion weights are the ones
  used; IFCT 2017 is shown beside it, and a note says when it disagrees): ``supported`` or
  ``not-supported``. For a food only IFCT has, on IFCT;
* ratio claims — judged gram for gram (per 100 g) in every table, then per common household
  portion (a cup of each, say). ``supported`` when every per-100 g ratio confirms the claim
  and no portion comparison turns the claimed difference around; ``partly-supported`` when
  the claim holds on some table or basis only; ``not-supported`` when it holds on none.

Unknown foods, nutrients and portions, and sentences of another form, raise
:class:`~crampwise.errors.InputError` (or its :class:`~crampwise.errors.UnknownNameError`):
we never guess.
"""

from __future__ import annotations

__all__ = ["CLAIM_FORMS", "TOLERANCE", "VERDICTS", "ClaimResult", "check_claim"]

import re
from dataclasses import dataclass, field
from typing import Any

from crampwise.errors import InputError, UnknownNameError
from crampwise.knowledge import foodreport
from crampwise.knowledge import foods as fd
from crampwise.knowledge.claimwords import known_food, plain_claim
from crampwise.validate import shown
from crampwise.validate import text as checked_text

TOLERANCE = 0.10
VERDICTS: tuple[str, ...] = ("supported", "partly-supported", "not-supported")
CLAIM_FORMS: tuple[str, ...] = (
    "X has N times the Y of Z",
    "X has N mg Y per PORTION",
)
_LABEL = {"usda-sr28": "USDA SR28", "ifct2017": "IFCT 2017"}

_VERB = r"(?:has|have|contains?|provides?|gives?|offers?)"
_HEDGE = r"(?:(?:about|around|roughly|approximately|approx|nearly|almost|some|over|~)\s*)?"
_NUMBER_WORDS = {
    "half": 0.5,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twice": 2,
    "double": 2,
    "triple": 3,
    "thrice": 3,
    "quadruple": 4,
}
_N = r"(?P<n>\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + ")"
_RATIO = re.compile(
    rf"^(?P<x>.+?)\s+{_VERB}\s+{_HEDGE}{_N}\s*(?P<mult>times|x|-?fold)?\s+"
    r"(?:the\s+|as\s+much\s+|more\s+)?(?P<y>[a-z() ]+?)\s+"
    r"(?:of|than|as|compared\s+(?:to|with))\s+(?P<z>.+)$"
)
_MORE = re.compile(
    rf"^(?P<x>.+?)\s+{_VERB}\s+(?P<dir>more|less)\s+(?P<y>[a-z() ]+?)\s+than\s+(?P<z>.+)$"
)
_AMOUNT = re.compile(
    rf"^(?P<x>.+?)\s+{_VERB}\s+{_HEDGE}(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?:mg|milligrams?)\s+"
    r"(?:of\s+)?(?P<y>[a-z() ]+?)\s+(?:per|in|for|in\s+a|in\s+one|each)\s+(?P<portion>.+)$"
)
_ARTICLE = re.compile(r"^(?:a|an|the|one|each|every|per)\s+")
#: "a banana has 422 mg of potassium": one whole item (a size may be named).
_ONE_ITEM = re.compile(
    rf"^(?:a|an|one)\s+(?:(?P<size>extra small|extra large|small|medium|large)\s+)?"
    rf"(?P<x>.+?)\s+{_VERB}\s+{_HEDGE}(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?:mg|milligrams?)\s+"
    r"(?:of\s+)?(?P<y>[a-z() ]+?)$"
)
#: Number words that are ratios on their own ("twice the calcium"); others need "times".
_SELF_RATIOS = frozenset({"twice", "double", "triple", "thrice", "quadruple"})


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The verdict on one claim, with the numbers behind it."""

    claim: str
    kind: str  # "ratio" or "amount"
    verdict: str
    nutrient: str
    stated: float | None
    evidence: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = field(default=())
    foods: tuple[str, ...] = field(default=())  # the foods as the person named them

    def answer(self) -> list[str]:
        """The verdict and its reason in plain words (see :func:`.claimwords.answer`)."""
        from crampwise.knowledge.claimwords import answer

        return answer(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "verdict": self.verdict,
            "evidence": [dict(e) for e in self.evidence],
            "kind": self.kind,
            "nutrient": self.nutrient,
            "stated": self.stated,
            "tolerance": TOLERANCE,
            "notes": list(self.notes),
            "answer": self.answer(),
        }

    def to_text(self) -> str:
        lines = [*self.answer(), "", f"The numbers ({self.claim!r}: {self.verdict}):"]
        for item in self.evidence:
            lines.extend(_evidence_text(self.kind, self.nutrient, item))
        lines.extend(f"note: {n}" for n in self.notes)
        lines.append(f"(a number counts as confirmed within ±{TOLERANCE:.0%} of the table value)")
        return "\n".join(lines)


def _clean(text: str) -> str:
    text = text.strip().lower().replace("×", "x").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip(" .!?\"'")


def _food_query(text: str) -> str:
    return _ARTICLE.sub("", text.strip()).strip()


def _number(text: str) -> float:
    return float(_NUMBER_WORDS.get(text, text.replace(",", "") if text[0].isdigit() else 0))


def _nutrient(text: str) -> str:
    words = [w for w in re.split(r"[\s()]+", text) if w and w != "content"]
    for candidate in [" ".join(words), *words]:
        try:
            return fd.parse_nutrient(candidate)
        except UnknownNameError:
            continue
    return fd.parse_nutrient(text)  # raises, naming the unknown nutrient


def _confirms(stated: float, actual: float | None) -> bool | None:
    if actual is None:
        return None
    return abs(stated - actual) <= TOLERANCE * actual


def check_claim(text: str) -> ClaimResult:
    """Judge ``text`` against USDA SR28 and IFCT 2017 (see the module docstring)."""
    claim = plain_claim(_clean(checked_text(text, "claim", 200)))
    if not claim:
        raise InputError("claim", "give a claim, e.g. " + " or ".join(map(repr, CLAIM_FORMS)))
    m = _AMOUNT.match(claim)
    if m:
        return _check_amount(text.strip(), m["x"], m["y"], m["n"], m["portion"])
    m = _ONE_ITEM.match(claim)
    if m:
        return _check_amount(text.strip(), m["x"], m["y"], m["n"], m["size"] or "piece")
    m = _RATIO.match(claim)
    if m and (m["mult"] or m["n"] in _SELF_RATIOS):
        return _check_ratio(text.strip(), m["x"], m["z"], m["y"], _number(m["n"]))
    m = _MORE.match(claim)
    if m:
        return _check_ratio(text.strip(), m["x"], m["z"], m["y"], None, less=m["dir"] == "less")
    raise InputError(
        "claim",
        f"cannot read {shown(text.strip())}; accepted forms: "
        + "; ".join(CLAIM_FORMS)
        + " (Y: "
        + ", ".join(fd.NUTRIENTS)
        + ")",
    )


# --------------------------------------------------------------------------- amounts


def _portion(food: fd.Food, text: str) -> tuple[float, str]:
    """'cup' → (1, 'cup'); '100 g' → (100, 'g'); 'medium banana' → (1, 'medium')."""
    text = _food_query(text)
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(.+)$", text)
    amount, unit = (float(m[1]), m[2]) if m else (1.0, text)
    try:
        fd.grams_for(food, amount, unit)
    except UnknownNameError:
        # 'per medium banana': drop the words naming the food and try again.
        food_words = {w.rstrip("s") for w in re.findall(r"[a-z]+", food.name.lower())}
        shorter = " ".join(w for w in unit.split() if w.rstrip("s") not in food_words)
        if not shorter or shorter == unit:
            raise
        unit = shorter
        fd.grams_for(food, amount, unit)
    return amount, unit


def _check_amount(claim: str, x: str, y: str, n: str, portion_text: str) -> ClaimResult:
    loose: list[str] = []
    query = known_food(_food_query(x), loose)
    nutrient = _nutrient(y)
    stated = _number(n)
    foods = fd.counterparts(query)
    # Gram weights come from SR28 (IFCT has no household portions).
    weigher = foods["usda-sr28"].food if "usda-sr28" in foods else next(iter(foods.values())).food
    amount, unit = _portion(weigher, portion_text)
    grams = fd.grams_for(weigher, amount, unit)
    portion = fd.find_portion(weigher, unit)
    exact = portion is not None and amount == portion.amount
    label = portion.name if portion is not None and exact else f"{amount:g} {unit}"
    evidence: list[dict[str, Any]] = []
    confirmed: list[bool | None] = []
    for table, match in foods.items():
        food = match.food
        mg = food.mg(nutrient, grams)
        confirmed.append(_confirms(stated, mg))
        evidence.append(
            {
                "table": table,
                "source": fd.food_source(table),
                "food": {"id": food.id, "name": food.name},
                "per_100g_mg": food.per_100g[nutrient],
                "portion": label,
                "grams": round(grams, 1),
                "grams_from": weigher.table,
                "mg": None if mg is None else round(mg, 1),
                "stated_mg": stated,
                "holds": confirmed[-1],
            }
        )
    tables = list(foods)
    primary = tables.index("usda-sr28") if "usda-sr28" in tables else 0
    verdict = _verdict([confirmed[primary]], [], _names(foods), nutrient)
    notes = [*loose, *_notes(foods), *_closest_portion_note(weigher, nutrient, stated, label)]
    for i, table in enumerate(tables):
        if i != primary and confirmed[i] is not None and confirmed[i] != confirmed[primary]:
            mg = evidence[i]["mg"]
            notes.append(
                f"{_LABEL[table]} ({foods[table].food.name}) gives {mg:.0f} mg for the same "
                f"weight, which {'would' if confirmed[i] else 'would not'} confirm the number; "
                f"the verdict follows {_LABEL[tables[primary]]}."
            )
    return ClaimResult(
        claim, "amount", verdict, nutrient, stated, tuple(evidence), tuple(notes), (query,)
    )


def _closest_portion_note(food: fd.Food, nutrient: str, stated: float, used: str) -> list[str]:
    """Name the portion the stated number really fits (362 mg K is a *small* banana)."""
    best = None
    for p in food.portions:
        mg = food.mg(nutrient, p.grams)
        if mg is not None and (best is None or abs(mg - stated) < abs(best[1] - stated)):
            best = (p, mg)
    if best is None or best[0].name == used:
        return []
    p, mg = best
    return [f"{stated:g} mg is closest to {food.name} {p.name} ({p.grams:g} g): {mg:.0f} mg"]


# --------------------------------------------------------------------------- ratios


def _check_ratio(
    claim: str, x: str, z: str, y: str, stated: float | None, *, less: bool = False
) -> ClaimResult:
    nutrient = _nutrient(y)
    loose: list[str] = []
    qx, qz = known_food(_food_query(x), loose), known_food(_food_query(z), loose)
    fx, fz = fd.counterparts(qx), fd.counterparts(qz)
    rows = foodreport.table_comparisons(qx, qz, nutrient)
    if not rows:
        raise InputError("claim", f"no table holds both {qx!r} and {qz!r}")

    def holds(ratio: float | None) -> bool | None:
        if ratio is None:
            return None
        if stated is None:
            return ratio < 1 if less else ratio > 1
        return _confirms(stated, ratio)

    evidence = []
    per_100g: list[bool | None] = []
    per_portion: list[bool | None] = []
    reversed_ = False
    for row in rows:
        ok = holds(row["ratio_per_100g"])
        per_100g.append(ok)
        item: dict[str, Any] = {
            "table": row["table"],
            "source": row["source"],
            "foods": {"x": _ref(row["a"]), "z": _ref(row["b"])},
            "per_100g": {
                "x_mg": row["a"]["per_100g"],
                "z_mg": row["b"]["per_100g"],
                "ratio": row["ratio_per_100g"],
                "holds": ok,
            },
            "per_portion": None,
        }
        p = row["portion"]
        if p is not None:
            pok = holds(p["ratio"])
            per_portion.append(pok)
            wanted_more = (stated or 2.0) >= 1 and not less
            if p["ratio"] is not None and (p["ratio"] < 1) == wanted_more:
                reversed_ = True
            item["per_portion"] = {
                "x_portion": p["a"]["name"],
                "x_grams": p["a"]["grams"],
                "x_mg": p["a"]["mg"],
                "z_portion": p["b"]["name"],
                "z_grams": p["b"]["grams"],
                "z_mg": p["b"]["mg"],
                "ratio": p["ratio"],
                "holds": pok,
                "grams_from": p["grams_from"],
            }
        evidence.append(item)
    verdict = _verdict(per_100g, per_portion, _names(fx) + _names(fz), nutrient, reversed_)
    return ClaimResult(
        claim,
        "ratio",
        verdict,
        nutrient,
        stated,
        tuple(evidence),
        tuple(dict.fromkeys([*loose, *_notes(fx), *_notes(fz)])),
        (qx, qz),
    )


def _verdict(
    primary: list[bool | None],
    secondary: list[bool | None],
    names: list[str],
    nutrient: str,
    reversed_: bool = False,
) -> str:
    known = [h for h in primary if h is not None]
    if not known:
        raise InputError("claim", f"no table reports {nutrient} for {', '.join(names)}")
    if all(known) and not reversed_:
        return "supported"
    if any(known) or any(h for h in secondary if h is not None):
        return "partly-supported"
    return "not-supported"


def _ref(side: dict[str, Any]) -> dict[str, Any]:
    return {"id": side["id"], "name": side["name"]}


def _names(foods: dict[str, fd.FoodMatch]) -> list[str]:
    return [m.food.name for m in foods.values()]


def _notes(foods: dict[str, fd.FoodMatch]) -> list[str]:
    return [m.note for m in foods.values() if m.note]


# --------------------------------------------------------------------------- text


def _mg(value: float | None) -> str:
    return "not reported" if value is None else f"{value:.0f} mg"


def _mark(ok: bool | None) -> str:
    return {True: "confirmed", False: "not confirmed", None: "no data"}[ok]


def _evidence_text(kind: str, nutrient: str, e: dict[str, Any]) -> list[str]:
    label = _LABEL[e["table"]]
    if kind == "amount":
        return [
            f"  {label}: {e['food']['name']} — {_mg(e['per_100g_mg'])} {nutrient} per 100 g; "
            f"{e['portion']} ({e['grams']:g} g) = {_mg(e['mg'])} vs {e['stated_mg']:g} mg "
            f"claimed: {_mark(e['holds'])}",
            f"    source: {e['source']}",
        ]
    x, z = e["foods"]["x"]["name"], e["foods"]["z"]["name"]
    h = e["per_100g"]
    ratio = "n/a" if h["ratio"] is None else f"{h['ratio']:.2g}×"
    lines = [
        f"  {label}: per 100 g {x} {_mg(h['x_mg'])} vs {z} {_mg(h['z_mg'])} {nutrient}"
        f" = {ratio}: {_mark(h['holds'])}"
    ]
    p = e["per_portion"]
    if p is not None:
        pratio = "n/a" if p["ratio"] is None else f"{p['ratio']:.2g}×"
        lines.append(
            f"    per portion: {p['x_portion']} ({p['x_grams']:g} g) {_mg(p['x_mg'])} vs "
            f"{p['z_portion']} ({p['z_grams']:g} g) {_mg(p['z_mg'])} = {pratio}: "
            f"{_mark(p['holds'])}"
        )
    lines.append(f"    source: {e['source']}")
    return lines
