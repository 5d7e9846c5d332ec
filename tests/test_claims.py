"""Claim checks against the shipped food tables (cramp-facts §6c)."""

from __future__ import annotations

import json

import pytest

from crampwise.errors import InputError, UnknownNameError
from crampwise.knowledge.claims import CLAIM_FORMS, TOLERANCE, check_claim


def test_moringa_four_times_calcium_of_milk_is_not_supported() -> None:
    result = check_claim("moringa has 4 times the calcium of milk")
    assert result.verdict == "not-supported"
    assert result.kind == "ratio"
    assert result.nutrient == "calcium"
    assert result.stated == 4
    usda, ifct = result.evidence
    assert usda["table"] == "usda-sr28"
    assert "Release 28" in usda["source"]
    assert usda["per_100g"] == {"x_mg": 185, "z_mg": 113, "ratio": 1.64, "holds": False}
    cup = usda["per_portion"]
    assert (cup["x_grams"], cup["z_grams"]) == (21, 244)
    assert cup["x_mg"] == pytest.approx(38.9)
    assert cup["z_mg"] == pytest.approx(275.7)
    assert cup["ratio"] == 0.14
    assert cup["holds"] is False
    assert ifct["table"] == "ifct2017"
    assert "Indian Food Composition" in ifct["source"]
    assert ifct["per_100g"]["x_mg"] == 314
    assert ifct["per_100g"]["ratio"] == 2.66
    assert any("Gopalan 1971" in note for note in result.notes)


def test_coconut_water_600_mg_potassium_per_cup_is_supported() -> None:
    result = check_claim("coconut water has 600 mg potassium per cup")
    assert result.verdict == "supported"
    usda, ifct = result.evidence
    assert usda["food"]["id"] == "12119"
    assert (usda["per_100g_mg"], usda["grams"], usda["mg"]) == (250, 240, 600)
    assert usda["holds"] is True
    assert (ifct["per_100g_mg"], ifct["mg"], ifct["grams_from"]) == (215, 516, "usda-sr28")


def test_json_document_shape() -> None:
    doc = check_claim("Coconut water has about 600 mg of potassium per cup.").to_dict()
    assert {"claim", "verdict", "evidence"} <= set(doc)
    assert doc["claim"] == "Coconut water has about 600 mg of potassium per cup."
    assert doc["tolerance"] == TOLERANCE
    json.dumps(doc)  # serialisable as is


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("moringa has 4x the calcium of milk", "not-supported"),
        ("Moringa leaves have four times more calcium than milk", "not-supported"),
        ("moringa has more calcium than milk", "partly-supported"),  # gram for gram only
        ("moringa has 1.6 times the calcium of milk", "partly-supported"),  # USDA, not IFCT
        ("moringa has 3 times the potassium of bananas", "not-supported"),  # §6c: false
        ("moringa has twice the calcium of whole milk", "not-supported"),  # 1.6x, 2.7x
        ("moringa has 2.5 times the calcium of milk", "partly-supported"),  # IFCT 2.7x only
        ("bottled coconut water has 600 mg potassium per cup", "not-supported"),  # 404 mg
        ("milk has 276 mg calcium per cup", "supported"),
        ("a banana has 422 mg potassium per medium banana", "supported"),
        ("coconut water has 250 mg potassium per 100 g", "supported"),
        ("coconut water has 100 mg potassium per cup", "not-supported"),
    ],
)
def test_verdicts(claim: str, verdict: str) -> None:
    assert check_claim(claim).verdict == verdict


def test_small_banana_figure_is_named() -> None:
    result = check_claim("banana has 362 mg potassium per medium banana")
    assert result.evidence[0]["mg"] == pytest.approx(422.4)
    assert any("small" in note and "362 mg" in note for note in result.notes)


def test_text_output_names_numbers_and_sources() -> None:
    text = check_claim("moringa has 4 times the calcium of milk").to_text()
    assert text.splitlines()[0].startswith("Not true: ")  # the plain verdict first
    assert "': not-supported):" in text  # then the numbers
    for needle in ("185 mg", "113 mg", "1.6×", "21 g", "244 g", "314 mg", "Release 28"):
        assert needle in text


def test_unreadable_claim_lists_the_forms() -> None:
    with pytest.raises(InputError) as err:
        check_claim("moringa cures cramps")
    assert err.value.field == "claim"
    assert all(form in str(err.value) for form in CLAIM_FORMS)


def test_unknown_food_in_claim() -> None:
    with pytest.raises(UnknownNameError) as err:
        check_claim("brocoli has 4 times the calcium of milk")
    assert err.value.field == "food"
    assert "broccoli" in err.value.suggestions


def test_unknown_nutrient_in_claim() -> None:
    with pytest.raises(UnknownNameError) as err:
        check_claim("moringa has 4 times the iron of milk")
    assert err.value.field == "nutrient"


def test_unknown_portion_in_claim() -> None:
    with pytest.raises(UnknownNameError) as err:
        check_claim("milk has 300 mg calcium per glass")
    assert "cup" in err.value.suggestions


def test_empty_claim() -> None:
    with pytest.raises(InputError):
        check_claim("  ")
