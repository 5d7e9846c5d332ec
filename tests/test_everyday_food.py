"""Issue 11, item 7: food and claims as people ask, through the CLI.

The defects: ``food compare banana "coconut water"`` showed calcium only; ``claim "coconut
water has more potassium than a banana"`` set a cup of coconut water against a cup of
*mashed* banana (806 mg) and said "not supported"; ``claim "does moringa have 4x…?"``
answered "unknown food 'does moringa'".

Reference numbers, from the shipped USDA SR28 rows (per 100 g: banana 09040 K 358, Mg 27,
Ca 5, Na 1; coconut water 12119 K 250, Mg 25, Ca 24, Na 105; portions: a medium banana
118 g, a cup of coconut water 240 g): a medium banana has 358 × 1.18 = 422 mg potassium,
a cup of coconut water 250 × 2.4 = 600 mg; the mashed cup was 358 × 2.25 = 806 mg.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crampwise.knowledge import foods as fd


def test_the_everyday_portion_is_what_people_mean() -> None:
    portions = {
        name: fd.everyday_portion(fd.lookup_food(name).food)
        for name in ("banana", "coconut water", "milk", "almonds", "potato")
    }
    shown = {name: (p.unit.split(" (")[0], p.grams) for name, p in portions.items() if p}
    assert shown == {
        "banana": ("medium", 118.0),  # one banana, not a cup mashed
        "coconut water": ("cup", 240.0),
        "milk": ("cup", 244.0),
        "almonds": ("oz", 28.35),  # a handful, not a cup
        "potato": ("Potato medium", 213.0),
    }


def test_food_compare_shows_the_four_minerals_as_eaten(cli: Any) -> None:
    code, out, err = cli("food", "compare", "banana", "coconut water")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("1 medium (7\" to 7-7/8\" long) of banana (118 g) vs 1 cup of "
                               "coconut water (240 g):")  # fmt: skip
    assert lines[1:5] == [
        f"  {'potassium':<10} {round(358 * 1.18):>5} mg vs {round(250 * 2.4):>5} mg",
        f"  {'magnesium':<10} {round(27 * 1.18):>5} mg vs {round(25 * 2.4):>5} mg",
        f"  {'calcium':<10} {round(5 * 1.18):>5} mg vs {round(24 * 2.4):>5} mg",
        f"  {'sodium':<10} {round(1 * 1.18):>5} mg vs {round(105 * 2.4):>5} mg",
    ]
    assert lines[5].startswith("per 100 g (USDA SR28: Bananas, raw vs Nuts, coconut water")
    assert "potassium 358 vs 250 mg, magnesium 27 vs 25 mg, calcium 5 vs 24 mg" in lines[5]
    assert "IFCT 2017" in out and out.count("sources:") == 1


def test_food_compare_json_has_every_mineral(cli: Any) -> None:
    code, out, _ = cli("food", "compare", "banana", "coconut water", "--json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc["nutrients"]) == ["potassium", "magnesium", "calcium", "sodium"]
    usda = doc["nutrients"]["potassium"]["comparisons"][0]
    assert (usda["portion"]["a"]["mg"], usda["portion"]["b"]["mg"]) == (
        pytest.approx(358 * 1.18, abs=0.05),
        pytest.approx(600.0),
    )


def test_one_nutrient_is_still_there_on_request(cli: Any) -> None:
    code, out, _ = cli("food", "compare", "banana", "coconut water", "--nutrient", "K", "--json")
    assert code == 0 and json.loads(out)["nutrient"] == "potassium"


def test_the_banana_claim_compares_a_banana_with_a_cup(cli: Any) -> None:
    code, out, _ = cli("claim", "coconut water has more potassium than a banana")
    assert code == 0
    assert out.splitlines()[:2] == [
        "Partly true: as eaten, 1 cup of coconut water (240 g) has more potassium than "
        '1 medium (7" to 7-7/8" long) of banana (118 g): 600 mg vs 422 mg.',
        "But gram for gram, coconut water has less potassium than banana: 250 mg vs 358 mg "
        "per 100 g.",
    ]
    assert "806" not in out  # no mashed banana
    doc = json.loads(cli("claim", "coconut water has more potassium than a banana", "--json")[1])
    assert doc["verdict"] == "partly-supported"
    assert doc["answer"] == out.splitlines()[:2]


@pytest.mark.parametrize(
    "asked",
    [
        "does moringa have 4x more calcium than milk?",
        "Does moringa REALLY have 4 times the calcium of milk?",
        "is it true that moringa has 4 times the calcium of milk",
        "I heard that moringa actually has four times more calcium than milk.",
    ],
)
def test_a_question_gets_the_verdict_and_the_reason_first(cli: Any, asked: str) -> None:
    """185 vs 113 mg calcium per 100 g (SR28 11222, 01077) = 1.64 times, not 4."""
    code, out, err = cli("claim", asked)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "Not true: gram for gram, moringa has 1.6 times the calcium of milk (185 mg vs "
        "113 mg per 100 g), not 4 times."
    )
    assert f"The numbers ({asked!r}: not-supported):" in out


def test_powder_is_read_as_the_food_and_said(cli: Any) -> None:
    code, out, _ = cli("claim", "does moringa powder have 4x the calcium of milk?")
    assert code == 0 and out.startswith("Not true: gram for gram, moringa has 1.6 times")
    assert (
        "note: The food tables have no 'moringa powder'; this compares Drumstick leaves, raw. "
        "A dried powder has lost its water"
    ) in out


def test_an_amount_question(cli: Any) -> None:
    code, out, _ = cli("claim", "does a banana really have 422 mg of potassium?")
    assert code == 0
    assert out.splitlines()[0] == (
        "True: 1 piece (118 g) of banana has 422 mg potassium, as claimed (422 mg)."
    )


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("does moringa cure cramps?", "claim: cannot read"),
        ("does brocoli have 4 times the calcium of milk?", "food: unknown food 'brocoli'"),
        ("does unobtainium powder have more calcium than milk", "unknown food 'unobtainium'"),
    ],
)
def test_what_cannot_be_read_is_refused_in_one_line(cli: Any, asked: str, message: str) -> None:
    code, out, err = cli("claim", asked)
    assert (code, out) == (1, "")
    assert message in err and len(err.splitlines()) == 1
