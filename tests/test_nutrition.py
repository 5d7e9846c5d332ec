"""Daily nutrient totals from foods and supplements against RDA/AI and upper limits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from crampwise import knowledge as kb
from crampwise.formats.diaryformat import load_diary_data
from crampwise.safety import nutrition
from crampwise.safety.nutrition import NutritionTotals, age_candidates, supplement_amount

DAY = date(2026, 3, 12)


def daily_totals(doc: dict[str, Any], day: date) -> NutritionTotals:
    """The totals of a document, validated as the API and the importer validate it."""
    return nutrition.daily_totals(load_diary_data(doc, today=max(day, DAY)), day)


def diary(regimen: list[dict[str, Any]], birth_year: int | None = 1958,
          sex: str | None = "female", **sections: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if birth_year is not None:
        profile["birth_year"] = birth_year
    if sex is not None:
        profile["sex"] = sex
    return {"format": "crampwise-diary", "version": 1, "profile": profile,
            "regimen": regimen, **sections}


def entry(item: str, dose: float, *, unit: str = "mg", kind: str = "supplement",
          times: tuple[str, ...] = ("bedtime",), start: str = "2026-03-01",
          end: str | None = None) -> dict[str, Any]:
    return {"item": item, "kind": kind, "dose": dose, "unit": unit, "times": list(times),
            "start": start, "end": end}


def test_supplements_multiply_by_intakes_and_compare_magnesium_with_supplemental_ul() -> None:
    totals = daily_totals(diary([entry("magnesium", 200, times=("morning", "bedtime")),
                                 entry("potassium", 99)]), DAY)
    mg = totals.nutrients["magnesium"]
    assert (mg.supplements, mg.upper_limit, mg.ul_scope) == (400, 350, "supplements")
    assert mg.over_upper_limit
    assert mg.reference_kind == "RDA"
    assert mg.reference_amount == 320
    k = totals.nutrients["potassium"]
    assert k.supplements == 99
    assert k.upper_limit is None
    assert k.reference_amount == 2600
    assert set(totals.nutrients) >= {"potassium", "magnesium", "calcium", "sodium"}


def test_calcium_limit_counts_food_and_supplements() -> None:
    from crampwise.knowledge.foods import lookup_food

    assert lookup_food("milk")  # the food tables are there
    doc = diary([entry("calcium", 1000, times=("morning", "evening")),
                 entry("milk", 1, unit="cup", kind="food", times=("morning",))])
    ca = daily_totals(doc, DAY).nutrients["calcium"]
    assert ca.food > 200
    assert ca.supplements == 2000
    assert ca.compared == ca.total
    assert ca.over_upper_limit


def test_food_magnesium_does_not_count_against_the_supplement_limit() -> None:
    doc = diary([entry("magnesium", 300),
                 entry("pumpkin seeds", 2, unit="oz", kind="food")])
    mg = daily_totals(doc, DAY).nutrients["magnesium"]
    assert mg.food > 100
    assert mg.total > 350
    assert not mg.over_upper_limit


def test_unknown_food_is_listed_with_the_reason_not_counted_as_zero() -> None:
    doc = diary([entry("zzqx fruit", 1, unit="cup", kind="food")])
    totals = daily_totals(doc, DAY)
    assert [item for item, _ in totals.uncounted] == ["zzqx fruit"]
    assert totals.nutrients["potassium"].food == 0


def test_units_convert_to_the_nutrients_unit() -> None:
    potassium, vitamin_d = kb.nutrients()["potassium"], kb.nutrients()["vitamin-d"]
    magnesium = kb.nutrients()["magnesium"]
    assert supplement_amount(potassium, 20, "mEq") == pytest.approx(781.96)
    assert supplement_amount(magnesium, 4, "mmol") == pytest.approx(97.22)
    assert supplement_amount(magnesium, 0.4, "g") == pytest.approx(400)
    assert supplement_amount(vitamin_d, 25, "mcg") == pytest.approx(1000)
    assert supplement_amount(magnesium, 2, "tablet") is None


def test_vitamin_d_over_its_limit_appears_when_taken() -> None:
    totals = daily_totals(diary([entry("vitamin D3", 5000, unit="IU")]), DAY)
    d = totals.nutrients["vitamin-d"]
    assert d.upper_limit == 4000
    assert d.over_upper_limit
    assert "vitamin-d" not in daily_totals(diary([]), DAY).nutrients


def test_only_entries_active_on_the_day_count() -> None:
    doc = diary([entry("magnesium", 400, start="2026-01-01", end="2026-03-12"),
                 entry("magnesium", 100, start="2026-03-12")])
    assert daily_totals(doc, DAY).nutrients["magnesium"].supplements == 100
    assert daily_totals(doc, date(2026, 3, 11)).nutrients["magnesium"].supplements == 400


def test_birth_year_gives_two_possible_ages_and_the_lower_limit_wins() -> None:
    assert age_candidates(1975, DAY) == (50, 51)
    doc = diary([entry("calcium", 2200)], birth_year=1975)
    ca = daily_totals(doc, DAY).nutrients["calcium"]
    assert ca.upper_limit == 2000
    assert ca.over_upper_limit


def test_unknown_age_and_sex_use_the_safest_adult_values() -> None:
    totals = daily_totals(diary([entry("calcium", 500)], birth_year=None, sex=None), DAY)
    ca = totals.nutrients["calcium"]
    assert ca.upper_limit == 2000
    assert ca.reference_amount == 1200
    assert totals.nutrients["magnesium"].reference_amount == 420
    assert "birth year unknown" in totals.to_text()


def test_dose_without_a_mass_unit_is_uncounted() -> None:
    totals = daily_totals(diary([entry("magnesium", 2, unit="capsule")]), DAY)
    assert totals.uncounted[0][0] == "magnesium"
    assert "capsule" in totals.uncounted[0][1]


def test_mineral_prescribed_as_a_medication_is_counted() -> None:
    doc = diary([], medications=[{"name": "potassium chloride", "dose": 20, "unit": "mEq",
                                  "times": ["morning"], "start": "2026-01-01", "end": None}])
    k = daily_totals(doc, DAY).nutrients["potassium"]
    assert k.supplements == pytest.approx(781.96)


def test_to_dict_and_to_text() -> None:
    totals = daily_totals(diary([entry("magnesium", 200, times=("morning", "bedtime"))]), DAY)
    data = totals.to_dict()
    mg = data["nutrients"]["magnesium"]
    assert mg["supplements"] == 400
    assert mg["over_upper_limit"] is True
    assert mg["upper_limit_applies_to"] == "supplements"
    assert mg["items"] == [{"item": "magnesium", "kind": "supplement", "amount": 400,
                            "intakes": 2, "every": "day"}]
    assert data["date"] == "2026-03-12"
    assert data["age"] == 68
    assert "OVER by 50 mg" in totals.to_text()


def test_without_foods_the_text_says_supplements_only_and_shows_no_percentages() -> None:
    totals = daily_totals(diary([entry("potassium", 99), entry("magnesium", 200)]), DAY)
    text = totals.to_text()
    assert "no foods logged: totals cover supplements only" in text
    assert "potassium: supplements 99 mg; AI 2,600 mg; no upper limit set" in text
    assert "food 0 mg" not in text
    assert "%" not in text
    data = totals.to_dict()
    assert data["foods_logged"] is False
    assert data["nutrients"]["potassium"]["percent_of_reference"] is None
    assert totals.nutrients["magnesium"].percent_of_reference is None


def test_with_foods_the_percentage_of_the_reference_is_shown() -> None:
    doc = diary([entry("potassium", 99), entry("banana", 1, unit="piece", kind="food")])
    totals = daily_totals(doc, DAY)
    k = totals.nutrients["potassium"]
    assert k.food == pytest.approx(422.44)  # 1 piece = the medium banana, 118 g
    assert k.percent_of_reference == pytest.approx(100 * (422.44 + 99) / 2600)
    assert totals.to_dict()["foods_logged"] is True
    assert "no foods logged" not in totals.to_text()
    assert "(20%)" in totals.to_text()


def test_a_zero_dose_is_reported_as_dose_0_not_missing() -> None:
    totals = daily_totals(diary([entry("magnesium", 0),
                                 entry("banana", 0, unit="g", kind="food")]), DAY)
    reasons = dict(totals.uncounted)
    assert reasons["magnesium"] == "dose 0 mg: nothing to add"
    assert reasons["banana"] == "amount 0 g: nothing to add"
    missing = daily_totals(diary([{"item": "magnesium", "kind": "supplement",
                                   "start": "2026-03-01"}]), DAY)
    assert missing.uncounted == (("magnesium", "no dose given"),)


# --------------------------------------------------------------------------- through the faces


def test_tracker_nutrition_counts_each_intake_of_a_food(tracker: Any) -> None:
    """A food eaten twice a day counts twice: 2 medium bananas (118 g, 358 mg K/100 g in SR28)
    = 844.9 mg, not the 422.4 mg of one."""
    tracker.regimen.start("banana", kind="food", dose=1, unit="piece",
                          times=["morning", "evening"], date="2026-03-01")
    tracker.regimen.start("potassium", dose=99, unit="mg", date="2026-03-01")
    k = tracker.nutrition().nutrients["potassium"]
    assert k.food == pytest.approx(2 * 118 * 3.58)
    assert k.total == pytest.approx(2 * 118 * 3.58 + 99)
    (banana,) = [c for c in k.contributions if c.item == "banana"]
    assert banana.intakes == 2


def test_tracker_nutrition_converts_the_units_the_api_accepts(tracker: Any) -> None:
    tracker.regimen.add_medication("Klor-Con", dose=10, unit="MEQ", times=["morning", "evening"])
    tracker.regimen.start("magnesium", dose=4, unit="mmol", date="2026-03-01")
    tracker.regimen.start("pumpkin seeds", kind="food", dose=1, unit="oz", date="2026-03-01")
    tracker.regimen.start("milk", kind="food", dose=8, unit="fl oz", date="2026-03-01")
    totals = tracker.nutrition()
    assert totals.nutrients["potassium"].supplements == pytest.approx(2 * 10 * 39.098)
    assert totals.nutrients["magnesium"].supplements == pytest.approx(4 * 24.305)
    assert totals.nutrients["magnesium"].food > 150  # 1 oz of pumpkin seeds: 168 mg (SR28)
    assert totals.nutrients["calcium"].food > 250  # 8 fl oz of milk, a cup: 276 mg (SR28)
    assert totals.uncounted == ()


def test_cli_nutrition_text_and_json(cli: Any) -> None:
    assert cli("profile", "set", "--birth-year", "1958", "--sex", "female")[0] == 0
    assert cli("regimen", "start", "magnesium", "--dose", "200", "--unit", "mg",
               "--times", "morning,bedtime", "--date", "2026-03-01")[0] == 0
    assert cli("regimen", "start", "banana", "--kind", "food", "--dose", "1", "--unit",
               "piece", "--times", "morning,evening", "--date", "2026-03-01")[0] == 0
    code, out, err = cli("nutrition")
    assert code == 0, err
    assert "Daily totals for 2026-03-05 (age 67-68, female)" in out
    assert "magnesium: food 64 mg + supplements 400 mg = 464 mg" in out
    assert "upper limit 350 mg from supplements: OVER by 50 mg" in out
    code, out, err = cli("nutrition", "--json", "--date", "2026-03-02")
    assert code == 0, err
    data = json.loads(out)
    assert data["date"] == "2026-03-02"
    assert data["nutrients"]["potassium"]["food"] == pytest.approx(844.9, abs=0.1)
    assert data["nutrients"]["magnesium"]["over_upper_limit"] is True
    code, _, err = cli("nutrition", "--date", "next year")
    assert code != 0 and "date" in err


def test_unit_conversions_from_the_one_table() -> None:
    """1 mEq = 1 mmol / valence: 2 mEq of magnesium (divalent) = 1 mmol = 24.305 mg; vitamin
    D 0.025 mg = 25 mcg = 1,000 IU; vitamin K in mcg; IU only for vitamin D."""
    n = kb.nutrients()
    assert supplement_amount(n["magnesium"], 2, "mEq") == pytest.approx(24.305)
    assert supplement_amount(n["calcium"], 1, "mmol") == pytest.approx(40.078)
    assert supplement_amount(n["vitamin-d"], 0.025, "mg") == pytest.approx(1000)
    assert supplement_amount(n["vitamin-d"], 800, "IU") == 800
    assert supplement_amount(n["vitamin-k"], 0.18, "mg") == pytest.approx(180)
    assert supplement_amount(n["magnesium"], 400, "IU") is None
    assert supplement_amount(n["vitamin-d"], 5, "mmol") is None
    assert supplement_amount(n["vitamin-k"], 5, "IU") is None
    assert supplement_amount(n["magnesium"], 1, "cup") is None
    assert supplement_amount(n["magnesium"], 1, None) is None
    assert age_candidates(2026, DAY) == (0,)
    assert age_candidates(2025, DAY) == (0, 1)


def test_json_and_text_of_a_pregnant_profile_with_an_uncounted_food() -> None:
    doc = diary([entry("magnesium", 200), entry("zzqx fruit", 1, unit="cup", kind="food"),
                 {"item": "banana", "kind": "food", "start": "2026-03-01"}],
                birth_year=1995, sex="female")
    doc["profile"]["pregnant"] = True
    totals = daily_totals(doc, DAY)
    data = totals.to_dict()
    assert data["life_stage"] == "pregnant"
    assert data["sex"] == "female" and data["age"] == 31
    reasons = {u["item"]: u["reason"] for u in data["uncounted"]}
    assert reasons["banana"] == "no amount given"
    assert reasons["zzqx fruit"].startswith("unknown food 'zzqx fruit'")
    mg = data["nutrients"]["magnesium"]
    assert mg["name"] == "magnesium" and mg["unit"] == "mg"
    assert (mg["reference"], mg["reference_kind"]) == (360, "RDA")
    assert (mg["upper_limit"], mg["upper_limit_kind"]) == (350, "UL")
    assert (mg["total"], mg["food"], mg["supplements"]) == (200, 0, 200)
    k = data["nutrients"]["potassium"]
    assert (k["reference"], k["upper_limit_kind"]) == (2900, None)
    text = totals.to_text()
    assert text.splitlines()[0] == "Daily totals for 2026-03-12 (age 30-31, female, pregnant)"
    assert "  not counted: banana: no amount given" in text
    doc["profile"] = {"birth_year": 1995, "breastfeeding": True}
    assert "sex unknown, breastfeeding)" in daily_totals(doc, DAY).to_text().splitlines()[0]


def test_vitamin_d_is_named_plainly_in_totals() -> None:
    totals = daily_totals(diary([entry("vitamin D3", 5000, unit="IU")]), DAY)
    assert totals.nutrients["vitamin-d"].display_name == "vitamin D"
    assert totals.to_dict()["nutrients"]["vitamin-d"]["name"] == "vitamin D"
    assert "vitamin D: supplements 5,000 IU; RDA 600 IU; upper limit 4,000 IU from all " \
           "sources: OVER by 1,000 IU" in totals.to_text()
