"""``crampwise food compare A B``: the four cramp minerals side by side, as people eat them.

Without ``--nutrient``, a comparison shows potassium, magnesium, calcium and sodium for the
everyday portion of each food (a medium banana against a cup of coconut water, see
:func:`~crampwise.knowledge.foods.everyday_portion`) and per 100 g, from each table that
holds both foods. One nutrient in detail stays :func:`.foodreport.compare_foods`.
"""

from __future__ import annotations

from typing import Any

from crampwise.knowledge import foodreport
from crampwise.knowledge.foods import NUTRIENTS, food_source, lookup_food

__all__ = ["compare_everyday", "everyday_to_text"]

_LABEL = {"usda-sr28": "USDA SR28", "ifct2017": "IFCT 2017"}


def compare_everyday(a: str, b: str) -> dict[str, Any]:
    """Every cramp mineral of foods ``a`` and ``b``: ``nutrients`` maps each to the
    one-nutrient comparison (:func:`.foodreport.compare_foods`)."""
    la, lb = lookup_food(a), lookup_food(b)
    return {
        "a": {"table": la.food.table, "id": la.food.id, "name": la.food.name, "query": a},
        "b": {"table": lb.food.table, "id": lb.food.id, "name": lb.food.name, "query": b},
        "unit": "mg",
        "nutrients": {n: foodreport.compare_foods(a, b, n) for n in NUTRIENTS},
    }


def _mg(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def everyday_to_text(result: dict[str, Any]) -> str:
    """Readable text: first the portions compared, then one line per mineral."""
    rows = {n: r["comparisons"] for n, r in result["nutrients"].items()}
    first = next((c for c in rows[NUTRIENTS[0]] if c["table"] == "usda-sr28"), None)
    lines: list[str] = []
    portion = first["portion"] if first is not None else None
    if portion is not None:
        a, b = portion["a"], portion["b"]
        qa, qb = result["a"]["query"], result["b"]["query"]
        lines.append(
            f"{a['name']} of {qa} ({a['grams']:g} g) vs {b['name']} of {qb} ({b['grams']:g} g):"
        )
        for n in NUTRIENTS:
            p = next(c for c in rows[n] if c["table"] == "usda-sr28")["portion"]
            lines.append(f"  {n:<10} {_mg(p['a']['mg']):>5} mg vs {_mg(p['b']['mg']):>5} mg")
    tables = [c["table"] for c in rows[NUTRIENTS[0]]]
    if not tables:
        lines.append(
            f"No table holds both {result['a']['name']} and {result['b']['name']}; "
            "look them up one at a time: crampwise food NAME"
        )
        return "\n".join(lines)
    for table in tables:
        per = {n: next(c for c in rows[n] if c["table"] == table) for n in NUTRIENTS}
        some = per[NUTRIENTS[0]]
        lines.append(
            f"per 100 g ({_LABEL[table]}: {some['a']['name']} vs {some['b']['name']}): "
            + ", ".join(
                f"{n} {_mg(c['a']['per_100g'])} vs {_mg(c['b']['per_100g'])} mg"
                for n, c in per.items()
            )
        )
    lines.append("sources: " + " | ".join(food_source(t) for t in tables))
    return "\n".join(lines)
