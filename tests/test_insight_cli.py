"""The insight commands on the demo story, as a person runs them (in-process CLI)."""

from __future__ import annotations

import json
from typing import Any

from .conftest import AFTER_DEMO


def _demo(cli: Any) -> None:
    code, _, err = cli("demo", "--yes", now=AFTER_DEMO)
    assert code == 0, err


def test_analyze_json_tells_the_story_honestly(cli: Any) -> None:
    _demo(cli)
    code, out, err = cli("analyze", "--json", now=AFTER_DEMO)
    assert code == 0, err
    result = json.loads(out)
    assert set(result) >= {"nights", "periods", "effects", "warnings", "changepoints", "streaks"}
    effects = {e["item"]: e for e in result["effects"]}
    for item in ("calcium", "stretching", "trigger-point-massage"):
        assert effects[item]["verdict"] == "not-identifiable"
        assert effects[item]["evidence"] == "confounded"
    assert effects["magnesium"]["evidence"] == "uncontrolled"
    codes = {w["code"] for w in result["warnings"]}
    assert {"overlapping-changes", "uncontrolled-before-after"} <= codes
    overlap = next(w for w in result["warnings"] if w["code"] == "overlapping-changes")
    assert {"calcium", "stretching", "trigger-point-massage"} <= set(overlap["items"])
    assert "2025-10-01" in overlap["dates"]
    code, text, _ = cli("analyze", now=AFTER_DEMO)
    assert code == 0
    assert "N-of-1" in text and "not medical advice" in text


def test_safety_on_the_story_regimen(cli: Any) -> None:
    _demo(cli)
    code, out, err = cli("safety", "--date", "2025-07-01", "--json", now=AFTER_DEMO)
    assert code == 0, err
    findings = json.loads(out)["findings"]
    over = [f for f in findings if f["code"] == "above-upper-limit"]
    assert over and over[0]["items"] == ["magnesium"] and over[0]["severity"] == "warning"
    assert all(f["severity"] in {"info", "caution", "warning", "urgent"} for f in findings)
    assert all(f["sources"] for f in findings)


def test_med_add_shows_a_safety_finding_for_the_new_item(cli: Any) -> None:
    assert (
        cli(
            "regimen",
            "start",
            "potassium",
            "--dose",
            "99",
            "--unit",
            "mg",
            "--times",
            "bedtime",
            "--date",
            "2026-03-01",
        )[0]
        == 0
    )
    code, _, err = cli("med", "add", "Zestril", "--dose", "10", "--unit", "mg")
    assert code == 0
    assert "WARNING" in err and "potassium" in err.lower()


def test_food_and_claim_commands(cli: Any) -> None:
    code, out, _ = cli("food", "coconut water", "--json")
    food = json.loads(out)
    assert code == 0 and food["per_100g"]["potassium"] == 250
    cup = next(p for p in food["portions"] if p["grams"] == 240)
    assert cup["nutrients"]["potassium"] == 600
    code, out, _ = cli("food", "compare", "moringa", "milk", "--nutrient", "calcium", "--json")
    assert code == 0 and json.loads(out)["ratio_per_100g"] == 1.64
    code, out, _ = cli("claim", "moringa has 4 times the calcium of milk", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "not-supported"
    code, out, _ = cli("claim", "coconut water has 600 mg potassium per cup", "--json")
    claim = json.loads(out)
    assert claim["verdict"] == "supported" and claim["evidence"]
    code, _, err = cli("food", "zzqx")
    assert code == 1 and "unknown food" in err


def test_red_flag_answers_are_checked_and_reach_the_safety_report(cli: Any) -> None:
    code, out, _ = cli("red-flags", "--json")
    questions = json.loads(out)
    assert code == 0 and {q["flag"] for q in questions} >= {"leg-swelling", "cramp-over-10-min"}
    code, _, err = cli("red-flags", "leg-swollen", "yes")
    assert code == 1 and "allowed: cramp-over-10-min" in err
    code, out, _ = cli("red-flags", "leg-swelling", "yes")
    assert code == 0 and "clinician" in out
    code, out, _ = cli("safety", "--json")
    flags = [f for f in json.loads(out)["findings"] if f["code"] == "red-flag"]
    assert flags and flags[0]["severity"] in {"warning", "urgent"}


def test_importing_an_unknown_red_flag_id_is_refused(cli: Any, tmp_path: Any) -> None:
    path = tmp_path / "flags.json"
    path.write_text(
        json.dumps(
            {
                "format": "crampwise-diary",
                "version": 1,
                "red_flags": [{"date": "2026-03-01", "flag": "purple-toes", "present": True}],
            }
        )
    )
    code, _, err = cli("import", str(path))
    assert code == 1 and "red_flags[0].flag: 'purple-toes' is not allowed" in err


def test_drug_lookup_by_brand_and_unknown_names(cli: Any) -> None:
    code, out, _ = cli("drug", "Lasix", "--json")
    report = json.loads(out)
    assert code == 0 and report["drugs"][0]["generic"] == "furosemide"
    assert report["drugs"][0]["cramp_associated"] is True
    evidence = report["drugs"][0]["evidence"][0]
    assert (evidence["grade"], evidence["effect"]) == ("A", 1.2)
    assert evidence["sources"] and "Garrison" in evidence["sources"][0]
    code, _, err = cli("drug", "frobnizol")
    assert code == 1 and "unknown medication 'frobnizol'" in err


def test_stretches_per_muscle(cli: Any) -> None:
    code, out, _ = cli("stretches", "inner-thigh", "--json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["muscle"] == "inner-thigh" for r in rows)
    assert all(r["instructions"] and r["sources"] for r in rows)
    code, out, _ = cli("stretches", "calf")
    assert code == 0 and "wall calf stretch" in out
    code, _, err = cli("stretches", "elbow")
    assert code == 1 and "'elbow' is not allowed" in err
