"""The two food composition tables shipped with crampwise: their records and their parsing.

``usda-sr28`` (USDA SR28, with household portions) and ``ifct2017`` (IFCT 2017) are CSV
package data built by ``scripts/build_food_tables.py``; see :mod:`crampwise.knowledge.foods`
for search, portions and comparisons. Nothing is read at import time; each table is parsed
once, on first use. All nutrient values are mg per 100 g edible portion; a value a table
does not report is ``None``, never zero.
"""

from __future__ import annotations

__all__ = [
    "NUTRIENTS",
    "TABLES",
    "Food",
    "Portion",
    "food_source",
    "load_fdc_ids",
    "load_ifct_foods",
    "load_usda_foods",
]

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

NUTRIENTS: tuple[str, ...] = ("potassium", "magnesium", "calcium", "sodium")
#: Our CSV column for each nutrient.
_COLUMN = {"potassium": "k", "magnesium": "mg", "calcium": "ca", "sodium": "na"}


TABLES: tuple[str, ...] = ("usda-sr28", "ifct2017")


def food_source(table: str) -> str:
    """The citation of a food table; its key is also the ``source`` value of its rows."""
    from crampwise.knowledge import sources

    return str(sources()[table])


@dataclass(frozen=True, slots=True)
class Portion:
    """A household measure of a food, e.g. ``1 cup, chopped`` = 21 g (SR28 WEIGHT)."""

    seq: int
    amount: float
    unit: str
    grams: float

    @property
    def name(self) -> str:
        return f"{self.amount:g} {self.unit}"


@dataclass(frozen=True, slots=True)
class Food:
    """One food of one table; ``per_100g`` holds mg per 100 g (``None``: not reported)."""

    table: str
    id: str
    name: str
    scientific_name: str
    per_100g: dict[str, float | None]
    other_names: tuple[str, ...] = ()
    group: str = ""

    @property
    def portions(self) -> tuple[Portion, ...]:
        """Household measures with gram weights, in SR28 order (empty for IFCT foods)."""
        return _portions_of(self.table, self.id)

    @property
    def source(self) -> str:
        return food_source(self.table)

    def mg(self, nutrient: str, grams: float) -> float | None:
        """mg of ``nutrient`` in ``grams`` of this food (``None`` if the table has no value)."""
        value = self.per_100g[nutrient]
        return None if value is None else value * grams / 100.0


# --------------------------------------------------------------------------- loading


def _text(name: str) -> io.StringIO:
    path = resources.files("crampwise.knowledge") / "data" / name
    return io.StringIO(path.read_text(encoding="utf-8"), newline="")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_text(name)))


def _records(name: str) -> tuple[dict[str, int], list[list[str]]]:
    """Header positions and rows; plain csv.reader is ~2x faster than DictReader here."""
    reader = csv.reader(_text(name))
    header = {column: i for i, column in enumerate(next(reader))}
    return header, list(reader)


def _number(text: str) -> float | None:
    return float(text) if text else None


def _per_100g(row: list[str], col: dict[str, int]) -> dict[str, float | None]:
    return {n: _number(row[col[_COLUMN[n]]]) for n in NUTRIENTS}


@functools.cache
def load_usda_foods() -> dict[str, Food]:
    """All SR28 foods by NDB number (portions are read on first use, see Food.portions)."""
    col, rows = _records("foods_usda_sr28.csv")
    ndb_i, name_i, sci_i, com_i, group_i = (
        col[c] for c in ("ndb_no", "name", "scientific_name", "common_names", "group")
    )
    nutrient_i = [(n, col[_COLUMN[n]]) for n in NUTRIENTS]
    foods = {}
    for r in rows:
        per_100g = {n: float(r[i]) if r[i] else None for n, i in nutrient_i}
        foods[r[ndb_i]] = Food(
            "usda-sr28", r[ndb_i], r[name_i], r[sci_i], per_100g,
            _common_names(r[com_i]) if r[com_i] else (), r[group_i],
        )  # fmt: skip
    return foods


def _common_names(text: str) -> tuple[str, ...]:
    # SR28 ComName is a comma-separated list; some rows hold a remark
    # ("Includes USDA commodity food …") that only adds noise to search.
    names = (c.strip() for c in text.split(","))
    return tuple(c for c in names if c and not c.lower().startswith("includes"))


@functools.cache
def _usda_portion_rows() -> tuple[tuple[int, ...], dict[str, list[list[str]]]]:
    """Positions of seq, amount, unit, grams; raw portion rows by NDB number."""
    col, rows = _records("foods_usda_sr28_portions.csv")
    ndb_i = col["ndb_no"]
    grouped: dict[str, list[list[str]]] = {}
    for r in rows:
        grouped.setdefault(r[ndb_i], []).append(r)
    return tuple(col[c] for c in ("seq", "amount", "unit", "grams")), grouped


@functools.cache
def _portions_of(table: str, food_id: str) -> tuple[Portion, ...]:
    """A food's SR28 portions in SR28 order; parsed apart from the foods to keep loading fast."""
    if table != "usda-sr28":
        return ()  # IFCT 2017 gives no household portions
    (seq, amount, unit, grams), rows = _usda_portion_rows()
    return tuple(
        Portion(int(r[seq]), float(r[amount]), r[unit], float(r[grams]))
        for r in rows.get(food_id, ())
    )


_LANG_PREFIX = re.compile(r"^[A-Z][a-z]{0,3}\.\s*")


def _local_names(text: str) -> tuple[str, ...]:
    """Split IFCT 'A. Sajina paat; B. Sajna pata; E. Horseradish leaves, …' into names."""
    names: list[str] = []
    for part in re.sub(r"\[[^]]*\]", "", text).split(";"):
        bare = _LANG_PREFIX.sub("", part.strip()).rstrip(".")
        names.extend(n.strip() for n in bare.split(",") if n.strip())
    return tuple(dict.fromkeys(names))


@functools.cache
def load_ifct_foods() -> dict[str, Food]:
    """All IFCT 2017 foods by food code (``C019``)."""
    col, rows = _records("foods_ifct2017.csv")
    return {
        r[col["code"]]: Food(
            "ifct2017",
            r[col["code"]],
            r[col["name"]],
            r[col["scientific_name"]],
            _per_100g(r, col),
            _local_names(r[col["local_names"]]),
            r[col["group"]],
        )
        for r in rows
    }


@functools.cache
def load_fdc_ids() -> dict[str, int]:
    """FoodData Central FDC IDs of the SR28 foods that have a sourced one: NDB number → FDC ID.

    Deliberately small: an FDC ID is a different number from the NDB number and is shipped
    only where our reference confirms it (source ``usda-fdc``); every other food has none.
    """
    return {row["ndb_no"]: int(row["fdc_id"]) for row in _rows("food_fdc_ids.csv")}
