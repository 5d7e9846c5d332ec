"""Food look-ups and comparisons as JSON-ready dicts and readable text.

``crampwise food`` and ``crampwise food compare`` print these; the claim checker builds on
:func:`table_comparisons`. The tables and the search live in :mod:`.foods`.
"""

from __future__ import annotations

from typing import Any

from crampwise.knowledge.foods import (
    _SYMBOL,
    _TABLE_LABEL,
    NUTRIENTS,
    TABLES,
    Food,
    FoodLookup,
    Portion,
    common_portions,
    counterparts,
    food_source,
    load_fdc_ids,
    lookup_food,
    parse_nutrient,
)

__all__ = [
    "compare_foods",
    "comparison_to_text",
    "food_to_dict",
    "food_to_text",
    "table_comparisons",
]


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _portion_dict(food: Food, portion: Portion) -> dict[str, Any]:
    return {
        "name": portion.name,
        "grams": portion.grams,
        "nutrients": {n: _round(food.mg(n, portion.grams)) for n in NUTRIENTS},
    }


def _food_ref(food: Food) -> dict[str, Any]:
    return {"table": food.table, "id": food.id, "name": food.name}


def food_to_dict(lookup: FoodLookup) -> dict[str, Any]:
    """The ``crampwise food --json`` document.

    ``ndb_no`` is the SR28 NDB number. ``fdc_id`` is the FoodData Central FDC ID, a
    different number, and is ``null`` unless ``food_fdc_ids.csv`` has a sourced one (moringa
    leaves: NDB 11222, FDC 168416). IFCT foods have neither and use ``id``.
    """
    food = lookup.food
    ndb = food.id if food.table == "usda-sr28" else None
    return {
        "food": food.name,
        "fdc_id": load_fdc_ids().get(ndb) if ndb is not None else None,
        "ndb_no": ndb,
        "id": food.id,
        "table": food.table,
        "scientific_name": food.scientific_name or None,
        "per_100g": dict(food.per_100g),
        "portions": [_portion_dict(food, p) for p in food.portions],
        "unit": "mg",
        "match": lookup.best.reason,
        "note": lookup.best.note or None,
        "source": food.source,
        "alternatives": [_food_ref(m.food) for m in lookup.alternatives],
    }


def _mg_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} mg"


def food_to_text(lookup: FoodLookup) -> str:
    """Readable ``crampwise food`` output."""
    food = lookup.food
    sci = f" ({food.scientific_name})" if food.scientific_name else ""
    lines = [f"{food.name}{sci} — {_TABLE_LABEL[food.table]} {food.id}"]
    lines.append("per 100 g: " + ", ".join(f"{n} {_mg_text(food.per_100g[n])}" for n in NUTRIENTS))
    for p in food.portions:
        lines.append(
            f"  {p.name} ({p.grams:g} g): "
            + ", ".join(f"{_SYMBOL[n]} {_mg_text(food.mg(n, p.grams))}" for n in NUTRIENTS)
        )
    if not food.portions:
        lines.append("  (this table gives no household portions)")
    if lookup.best.note:
        lines.append(f"note: {lookup.best.note}")
    if lookup.alternatives:
        lines.append(
            "also matched: "
            + "; ".join(
                f"{m.food.name} [{_TABLE_LABEL[m.food.table]} {m.food.id}]"
                for m in lookup.alternatives
            )
        )
    lines.append(f"source: {food.source}")
    return "\n".join(lines)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def _comparison(
    a: Food, b: Food, nutrient: str, pair: tuple[Portion, Portion] | None
) -> dict[str, Any]:
    va, vb = a.per_100g[nutrient], b.per_100g[nutrient]
    out: dict[str, Any] = {
        "table": a.table,
        "source": food_source(a.table),
        "a": {**_food_ref(a), "per_100g": va},
        "b": {**_food_ref(b), "per_100g": vb},
        "ratio_per_100g": _round(_ratio(va, vb), 2),
        "portion": None,
    }
    if pair is not None:
        pa, pb = pair
        ma, mb = a.mg(nutrient, pa.grams), b.mg(nutrient, pb.grams)
        out["portion"] = {
            "a": {"name": pa.name, "grams": pa.grams, "mg": _round(ma)},
            "b": {"name": pb.name, "grams": pb.grams, "mg": _round(mb)},
            "ratio": _round(_ratio(ma, mb), 2),
            "grams_from": "usda-sr28",
        }
    return out


def table_comparisons(a: str, b: str, nutrient: str) -> list[dict[str, Any]]:
    """One comparison of foods ``a`` and ``b`` per table that has both."""
    ca, cb = counterparts(a), counterparts(b)
    usda = "usda-sr28" in ca and "usda-sr28" in cb
    pair = common_portions(ca["usda-sr28"].food, cb["usda-sr28"].food) if usda else None
    return [
        _comparison(ca[t].food, cb[t].food, nutrient, pair) for t in TABLES if t in ca and t in cb
    ]


def compare_foods(a: str, b: str, nutrient: str) -> dict[str, Any]:
    """``crampwise food compare A B --nutrient N``: a/b per 100 g and per common portion.

    ``comparisons`` has one entry per table holding both foods; IFCT has no portions, so
    its per-portion figures use the SR28 gram weights of the same portions. The top-level
    ratios repeat the first comparison (SR28 when it has both foods).
    """
    key = parse_nutrient(nutrient)
    la, lb = lookup_food(a), lookup_food(b)
    rows = table_comparisons(a, b, key)
    first = rows[0] if rows else None
    return {
        "nutrient": key,
        "unit": "mg",
        "a": {**_food_ref(la.food), "query": a},
        "b": {**_food_ref(lb.food), "query": b},
        "ratio_per_100g": first["ratio_per_100g"] if first else None,
        "ratio_per_portion": first["portion"]["ratio"] if first and first["portion"] else None,
        "comparisons": rows,
    }


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2g}×"


def comparison_to_text(result: dict[str, Any]) -> str:
    """Readable ``crampwise food compare`` output."""
    n = result["nutrient"]
    lines = [f"{n}: {result['a']['name']} vs {result['b']['name']}"]
    if not result["comparisons"]:
        lines.append("  no table holds both foods")
    for row in result["comparisons"]:
        a, b = row["a"], row["b"]
        lines.append(
            f"  {_TABLE_LABEL[row['table']]}: per 100 g {_mg_text(a['per_100g'])} vs "
            f"{_mg_text(b['per_100g'])} = {_fmt_ratio(row['ratio_per_100g'])}"
            f"  ({a['name']} / {b['name']})"
        )
        p = row["portion"]
        if p is not None:
            lines.append(
                f"    per portion: {p['a']['name']} ({p['a']['grams']:g} g) "
                f"{_mg_text(p['a']['mg'])} vs {p['b']['name']} ({p['b']['grams']:g} g) "
                f"{_mg_text(p['b']['mg'])} = {_fmt_ratio(p['ratio'])}"
            )
    lines.append(
        "sources: " + " | ".join(food_source(row["table"]) for row in result["comparisons"])
    )
    return "\n".join(lines)
