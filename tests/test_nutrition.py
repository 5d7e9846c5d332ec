"""Daily nutrient totals from foods and supplements against RDA/AI and upper limits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crampwise import knowledge as kb
from crampwise.safety.nutrition import age_candidates, daily_totals, supplement_amount

DAY = date(2026, 3, 12)


def diary(
    regimen: list[dict[str, Any]],
    birth_year: int | None = 1958,
    sex: str | None = "female",
    **sections: Any,
) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if birth_year is not None:
        profile["birth_year"] = birth_year
    if sex is not None:
        profile["sex"] = sex
    return {
        "format": "crampwise-diary",
        "version": 1,
        "profile": profile,
        "regimen": regimen,
        **sections,
    }


def entry(
    item: str,
    dose: float,
    *,
    unit: str = "mg",
    kind: str = "supplement",
    times: tuple[str, ...] = ("bedtime",),
    start: str = "2026-03-01",
    end: str | None = None,
) -> dict[str, Any]:
    return {
        "item": item,
        "kind": kind,
        "dose": dose,
        "unit": unit,
        "times": list(times),
        "start": start,
        "end": end,
    }


def test_supplements_multiply_by_intakes_and_compare_magnesium_with_supplemental_ul() -> None:
    totals = daily_totals(
        diary([entry("magnesium", 200, times=("morning", "bedtime")), entry("potassium", 99)]), DAY
    )
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
    doc = diary(
        [
            entry("calcium", 1000, times=("morning", "evening")),
            entry("milk", 1, unit="cup", kind="food", times=("morning",)),
        ]
    )
    ca = daily_totals(doc, DAY).nutrients["calcium"]
    assert ca.food > 200
    assert ca.supplements == 2000
    assert ca.compared == ca.total
    assert ca.over_upper_limit


def test_food_magnesium_does_not_count_against_the_supplement_limit() -> None:
    doc = diary([entry("magnesium", 300), entry("pumpkin seeds", 2, unit="oz", kind="food")])
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
    doc = diary(
        [
            entry("magnesium", 400, start="2026-01-01", end="2026-03-12"),
            entry("magnesium", 100, start="2026-03-12"),
        ]
    )
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
    doc = diary(
        [],
        medications=[
            {
                "name": "potassium chloride",
                "dose": 20,
                "unit": "mEq",
                "times": ["morning"],
                "start": "2026-01-01",
                "end": None,
            }
        ],
    )
    k = daily_totals(doc, DAY).nutrients["potassium"]
    assert k.supplements == pytest.approx(781.96)


def test_to_dict_and_to_text() -> None:
    totals = daily_totals(diary([entry("magnesium", 200, times=("morning", "bedtime"))]), DAY)
    data = totals.to_dict()
    mg = data["nutrients"]["magnesium"]
    assert mg["supplements"] == 400
    assert mg["over_upper_limit"] is True
    assert mg["upper_limit_applies_to"] == "supplements"
    assert mg["items"] == [{"item": "magnesium", "kind": "supplement", "amount": 400, "intakes": 2}]
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
    totals = daily_totals(
        diary([entry("magnesium", 0), entry("banana", 0, unit="g", kind="food")]), DAY
    )
    reasons = dict(totals.uncounted)
    assert reasons["magnesium"] == "dose 0 mg: nothing to add"
    assert reasons["banana"] == "amount 0 g: nothing to add"
    missing = daily_totals(
        diary([{"item": "magnesium", "kind": "supplement", "start": "2026-03-01"}]), DAY
    )
    assert missing.uncounted == (("magnesium", "no dose given"),)
