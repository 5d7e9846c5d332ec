"""Food tables, search, portions and comparisons — against the real shipped tables."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import pytest

from crampwise.errors import InputError, UnknownNameError
from crampwise.knowledge import foodreport as fr
from crampwise.knowledge import foods as fd

DATA = resources.files("crampwise.knowledge") / "data"


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DATA / name).read_text(encoding="utf-8"))))


# ------------------------------------------------------------------ data validation


def test_usda_table_has_every_sr28_food() -> None:
    assert len(fd.load_usda_foods()) == 8789


def test_ifct_table_has_every_food() -> None:
    assert len(fd.load_ifct_foods()) == 542


@pytest.mark.parametrize(
    ("name", "key", "columns"),
    [
        ("foods_usda_sr28.csv", "ndb_no",
         ["ndb_no", "name", "group", "common_names", "scientific_name",
          "k", "mg", "ca", "na", "source"]),
        ("foods_ifct2017.csv", "code",
         ["code", "name", "scientific_name", "local_names", "group",
          "k", "mg", "ca", "na", "source"]),
    ],
)  # fmt: skip
def test_food_table_schema_ids_values_and_provenance(
    name: str, key: str, columns: list[str]
) -> None:
    rows = _csv(name)
    assert list(rows[0]) == columns
    ids = [r[key] for r in rows]
    assert len(set(ids)) == len(ids), "ids must be unique"
    for row in rows:
        assert row["name"].strip()
        assert row["source"] in fd.TABLES
        for column in ("k", "mg", "ca", "na"):
            if row[column]:
                assert float(row[column]) >= 0, (row[key], column)


def test_usda_ids_are_five_digit_ndb_numbers() -> None:
    assert all(re.fullmatch(r"\d{5}", ndb) for ndb in fd.load_usda_foods())


def test_portions_reference_existing_foods_and_weigh_something() -> None:
    rows = _csv("foods_usda_sr28_portions.csv")
    assert len(rows) == 15438
    foods = fd.load_usda_foods()
    keys = [(r["ndb_no"], r["seq"]) for r in rows]
    assert len(set(keys)) == len(keys)
    for row in rows:
        assert row["ndb_no"] in foods
        assert float(row["grams"]) > 0
        assert float(row["amount"]) > 0
        assert row["unit"].strip()
        assert row["source"] == "usda-sr28"


def test_synonyms_resolve_and_carry_provenance() -> None:
    rows = _csv("food_synonyms.csv")
    assert list(rows[0]) == ["synonym", "table", "food_id", "note", "source"]
    keys = [(r["synonym"], r["table"]) for r in rows]
    assert len(set(keys)) == len(keys)
    for row in rows:
        table = fd.load_usda_foods() if row["table"] == "usda-sr28" else fd.load_ifct_foods()
        assert row["table"] in fd.TABLES
        assert row["food_id"] in table, row
        assert row["note"].strip()
        assert row["source"] == "crampwise-authors"


def test_food_sources_are_documented_in_sources_md() -> None:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "## Foods" in text
    for key in (*fd.TABLES, "crampwise-authors", "usda-fdc"):
        assert f"`{key}`" in text


# ------------------------------------------------------------------ numbers from the issue


def test_coconut_water_raw_per_100g_and_per_cup() -> None:
    food = fd.load_usda_foods()["12119"]
    assert food.per_100g["potassium"] == 250
    cup = fd.find_portion(food, "cup")
    assert cup is not None
    assert cup.grams == 240
    assert fd.nutrients_for(food, 1, "cup")["potassium"] == pytest.approx(600)


def test_medium_banana_potassium() -> None:
    banana = fd.lookup_food("banana").food
    assert banana.id == "09040"
    medium = fd.find_portion(banana, "medium")
    assert medium is not None
    assert medium.grams == 118
    assert fd.nutrients_for(banana, 1, "medium")["potassium"] == pytest.approx(422.44)
    assert round(fd.nutrients_for("banana", 1, "small")["potassium"]) == 362


def test_moringa_vs_milk_calcium_per_100g() -> None:
    assert fd.lookup_food("moringa").food.per_100g["calcium"] == 185
    assert fd.lookup_food("whole milk").food.per_100g["calcium"] == 113
    assert fd.load_ifct_foods()["C019"].per_100g["calcium"] == 314  # 0.314 g in IFCT


def test_cup_weights_of_chopped_drumstick_leaves_and_milk() -> None:
    leaves = fd.load_usda_foods()["11222"]
    milk = fd.load_usda_foods()["01077"]
    assert [(p.unit, p.grams) for p in leaves.portions] == [("cup, chopped", 21.0)]
    assert fd.grams_for(milk, 1, "cup") == 244
    assert fd.common_portions(leaves, milk) == (leaves.portions[0], milk.portions[0])


def test_bottled_coconut_water_cup() -> None:
    bottled = fd.lookup_food("bottled coconut water").food
    assert bottled.id == "14090"
    assert round(fd.nutrients_for(bottled, 1, "cup")["potassium"]) == 404


# ------------------------------------------------------------------ search


def test_moringa_finds_drumstick_leaves_in_both_tables() -> None:
    lookup = fd.lookup_food("moringa")
    assert lookup.food.name == "Drumstick leaves, raw"
    assert lookup.food.scientific_name == "Moringa oleifera"
    assert ("ifct2017", "C019") in {(m.food.table, m.food.id) for m in lookup.alternatives}


def test_scientific_name_search() -> None:
    hits = {m.food.id for m in fd.search_foods("Moringa oleifera")}
    assert {"11222", "11620", "C019", "D046"} <= hits  # leaves and pods, both tables
    assert fd.search_foods("Musa acuminata")[0].food.id == "09040"


def test_local_language_name_search() -> None:
    assert fd.lookup_food("murungai keerai").food.id == "C019"  # Tamil


def test_coconut_water_is_ambiguous_and_lists_bottled() -> None:
    lookup = fd.lookup_food("coconut water")
    assert lookup.food.id == "12119"
    names = [m.food.name for m in lookup.alternatives]
    assert "Beverages, Coconut water, ready-to-drink, unsweetened" in names
    assert "Coconut Water" in names  # IFCT 2017


def test_search_prefers_raw_generic_entries_and_is_deterministic() -> None:
    assert fd.lookup_food("bananas").food.name == "Bananas, raw"
    first = [(m.food.id, m.score) for m in fd.search_foods("spinach", limit=20)]
    assert first == [(m.food.id, m.score) for m in fd.search_foods("SPINACH ", limit=20)]


def test_search_by_food_id() -> None:
    assert fd.lookup_food("12119").food.id == "12119"
    assert fd.lookup_food("c019").food.table == "ifct2017"


def test_unknown_food_suggests_close_names() -> None:
    with pytest.raises(UnknownNameError) as err:
        fd.lookup_food("cocnut watr")
    assert err.value.field == "food"
    assert "coconut water" in err.value.suggestions


def test_partial_match_is_not_a_guess() -> None:
    with pytest.raises(UnknownNameError) as err:
        fd.lookup_food("moringa powder")
    assert "moringa" in err.value.suggestions


def test_empty_query_is_an_input_error() -> None:
    with pytest.raises(InputError):
        fd.search_foods("  ")


# ------------------------------------------------------------------ units and nutrients


def test_grams_for_units() -> None:
    water = fd.load_usda_foods()["12119"]
    assert fd.grams_for(water, 240, "g") == 240
    assert fd.grams_for(water, 2, "tablespoons") == 30
    # ml use the food's own density from its cup weight (240 g per 236.6 ml).
    assert fd.grams_for(water, 250, "ml") == pytest.approx(253.6, abs=0.1)
    assert fd.grams_for(fd.load_usda_foods()["12061"], 1, "oz") == pytest.approx(28.35)


def test_ifct_food_without_portions_uses_mass_or_water_density() -> None:
    c019 = fd.load_ifct_foods()["C019"]
    assert fd.nutrients_for(c019, 100, "g")["calcium"] == pytest.approx(314)
    assert fd.grams_for(fd.load_ifct_foods()["K002"], 100, "ml") == 100


def test_unknown_unit_lists_the_food_portions() -> None:
    with pytest.raises(UnknownNameError) as err:
        fd.grams_for(fd.load_usda_foods()["01077"], 1, "glass")
    assert "cup" in err.value.suggestions
    assert "give the amount in g or one of: cup (244 g), fl oz (30.5 g)" in err.value.detail
    assert not err.value.detail.endswith(("?", "."))


@pytest.mark.parametrize(("query", "unit", "grams"), [
    ("banana", "piece", 118), ("banana", "pieces", 118), ("banana", "serving", 126),
    ("orange", "piece", 131), ("almonds", "piece", 1.2), ("tomato", "each", 123),
    ("apple", "serving", 242), ("apple", "piece", 182), ("dates", "piece", 7.1),
])  # fmt: skip
def test_piece_is_one_whole_item(query: str, unit: str, grams: float) -> None:
    assert fd.grams_for(fd.lookup_food(query).food, 1, unit) == pytest.approx(grams)


def test_piece_of_a_food_without_whole_items_says_what_to_give() -> None:
    with pytest.raises(UnknownNameError) as err:
        fd.grams_for(fd.lookup_food("milk").food, 1, "piece")
    assert "unknown unit 'piece'; give the amount in g or one of: cup (244 g)" in str(err.value)
    with pytest.raises(UnknownNameError, match="in g or ml"):
        fd.grams_for(fd.load_ifct_foods()["C019"], 1, "piece")
    with pytest.raises(UnknownNameError) as err:
        fd.grams_for(fd.lookup_food("coconut water").food, 1, "piece")
    assert "coconut yields (206 g)" in str(err.value)  # listed, but not taken as a piece


def test_nutrients_for_leaves_out_unreported_values() -> None:
    missing = next(f for f in fd.load_usda_foods().values() if f.per_100g["magnesium"] is None)
    assert "magnesium" not in fd.nutrients_for(missing, 100, "g")


def test_parse_nutrient() -> None:
    assert fd.parse_nutrient("Ca") == "calcium"
    assert fd.parse_nutrient("K") == "potassium"
    with pytest.raises(UnknownNameError) as err:
        fd.parse_nutrient("calcim")
    assert err.value.suggestions == ["calcium"]


# ------------------------------------------------------------------ JSON and comparison


def test_food_to_dict_contract() -> None:
    doc = fr.food_to_dict(fd.lookup_food("coconut water"))
    assert {"food", "fdc_id", "per_100g", "portions"} <= set(doc)
    assert doc["food"] == "Nuts, coconut water (liquid from coconuts)"
    assert doc["ndb_no"] == "12119"
    assert doc["fdc_id"] == 170174  # a different number, shipped because it is sourced
    assert doc["per_100g"] == {"potassium": 250, "magnesium": 25, "calcium": 24, "sodium": 105}
    cup = doc["portions"][0]
    assert cup == {
        "name": "1 cup",
        "grams": 240,
        "nutrients": {"potassium": 600, "magnesium": 60, "calcium": 57.6, "sodium": 252},
    }
    assert any("ready-to-drink" in a["name"] for a in doc["alternatives"])
    assert "Coconut water" in fr.food_to_text(fd.lookup_food("coconut water"))


@pytest.mark.parametrize(("query", "ndb", "fdc"), [
    ("moringa", "11222", 168416), ("banana", "09040", 173944),
    ("11223", "11223", 168417), ("milk", "01077", None),
    ("bottled coconut water", "14090", None), ("almonds", "12061", None),
])  # fmt: skip
def test_fdc_id_is_never_the_ndb_number(query: str, ndb: str, fdc: int | None) -> None:
    doc = fr.food_to_dict(fd.lookup_food(query))
    assert (doc["ndb_no"], doc["fdc_id"]) == (ndb, fdc)


def test_fdc_id_table_is_small_sourced_and_refers_to_sr28_foods() -> None:
    rows = _csv("food_fdc_ids.csv")
    assert list(rows[0]) == ["ndb_no", "fdc_id", "name", "source", "note"]
    foods = fd.load_usda_foods()
    assert len({r["ndb_no"] for r in rows}) == len(rows) == 4
    for row in rows:
        assert foods[row["ndb_no"]].name == row["name"]
        assert row["fdc_id"].isdigit() and row["fdc_id"] != row["ndb_no"].lstrip("0")
        assert row["source"] == "usda-fdc"
    assert fd.load_fdc_ids()["11222"] == 168416


def test_ifct_food_to_dict_has_no_fdc_id() -> None:
    doc = fr.food_to_dict(fd.lookup_food("C019"))
    assert doc["fdc_id"] is None
    assert doc["id"] == "C019"
    assert doc["portions"] == []
    assert doc["scientific_name"] == "Moringa oleifera"


def test_compare_moringa_milk_calcium() -> None:
    result = fr.compare_foods("moringa", "milk", "calcium")
    assert result["ratio_per_100g"] == pytest.approx(185 / 113, abs=0.01)
    assert result["ratio_per_portion"] == pytest.approx((185 * 0.21) / (113 * 2.44), abs=0.01)
    usda, ifct = result["comparisons"]
    assert usda["portion"]["a"]["grams"] == 21
    assert usda["portion"]["b"]["grams"] == 244
    assert ifct["table"] == "ifct2017"
    assert ifct["ratio_per_100g"] == pytest.approx(314 / 118, abs=0.01)
    assert "1.6×" in fr.comparison_to_text(result)


def test_counterparts_never_cross_match_loosely() -> None:
    # IFCT has only raw dry lentils; they must not stand in for boiled lentils.
    assert list(fd.counterparts("lentils")) == ["usda-sr28"]


def test_load_is_lazy_and_cached() -> None:
    assert fd.load_usda_foods() is fd.load_usda_foods()
