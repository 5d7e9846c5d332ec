"""Issue 9, "safety checks without silent misses": each defect through the CLI, as a person
types it. Every test here failed on the code before the issue (names stored as slugs the
matcher did not read, no kidney or critical-lab rules, no combination products …).

The clock is pinned (conftest NOW: 5 March 2026); the profile is a woman born in 1958
unless a test says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., tuple[int, str, str]]


def run(cli: Cli, *args: str) -> str:
    code, out, err = cli(*args)
    assert code == 0, f"{args}: {err}"
    return out


def setup(cli: Cli, *commands: tuple[str, ...], profile: bool = True) -> None:
    if profile:
        run(cli, "profile", "set", "--birth-year", "1958", "--sex", "female")
    for command in commands:
        run(cli, *command)


def report(cli: Cli) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(cli, "safety", "--json"))
    return data


def findings(cli: Cli, code: str | None = None) -> list[dict[str, Any]]:
    found = report(cli)["findings"]
    return [f for f in found if code is None or f["code"] == code]


def one(cli: Cli, code: str) -> dict[str, Any]:
    found = findings(cli, code)
    assert len(found) == 1, found
    return found[0]


def med(name: str, *more: str) -> tuple[str, ...]:
    return ("med", "add", name, "--start", "2026-01-01", *more)


def start(item: str, *more: str) -> tuple[str, ...]:
    return ("regimen", "start", item, "--date", "2026-03-01", *more)


def lab(test: str, value: str, unit: str) -> tuple[str, ...]:
    return ("lab", "add", test, value, unit, "--date", "2026-03-01")


# --------------------------------------------------------------------------- 1. names as typed


def test_vitamin_k2_as_typed_with_warfarin_is_a_warning(cli: Cli) -> None:
    setup(cli, med("warfarin"), start("vitamin K2", "--dose", "180", "--unit", "mcg"))
    finding = one(cli, "vitamin-k-warfarin")
    assert finding["severity"] == "warning"
    assert "unknown-supplement" not in [f["code"] for f in findings(cli)]


def test_potassium_99_mg_in_the_name_with_spironolactone(cli: Cli) -> None:
    setup(cli, med("spironolactone"), start("potassium 99 mg"))
    entry = json.loads(run(cli, "regimen", "list", "--json"))[0]
    assert (entry["item"], entry["dose"], entry["unit"]) == ("potassium", 99, "mg")
    assert one(cli, "hyperkalemia-risk")["severity"] == "warning"


def test_magnesium_400mg_twice_a_day_is_over_the_upper_limit(cli: Cli) -> None:
    setup(cli, start("magnesium 400mg", "--times", "morning,bedtime"))
    finding = one(cli, "above-upper-limit")
    assert "800 mg of magnesium" in finding["message"]


def test_vitamin_d3_5000_is_over_the_upper_limit_and_named_plainly(cli: Cli) -> None:
    setup(cli, start("vitamin D3 5000"))
    finding = one(cli, "above-upper-limit")
    assert "5,000 IU of vitamin D a day" in finding["message"]
    assert "vitamin-d a day" not in finding["message"]


def test_epsom_salt_is_magnesium(cli: Cli) -> None:
    setup(cli, ("profile", "set", "--kidney-disease", "yes"),
          start("Epsom salt", "--dose", "100", "--unit", "mg"))
    assert one(cli, "hypermagnesemia-risk")["severity"] == "warning"


def test_magnesium_bisglycinate_gets_its_form_and_spacing(cli: Cli) -> None:
    setup(cli, med("ciprofloxacin"), start("magnesium bisglycinate", "--dose", "200",
                                            "--unit", "mg"))
    entry = json.loads(run(cli, "regimen", "list", "--json"))[0]
    assert entry["form"] == "glycinate"
    assert "6 hours after" in one(cli, "spacing")["message"]


def test_calcium_carbonate_600_with_a_thiazide(cli: Cli) -> None:
    setup(cli, med("hydrochlorothiazide"), start("calcium carbonate 600",
                                                  "--times", "morning,evening"))
    entry = json.loads(run(cli, "regimen", "list", "--json"))[0]
    assert (entry["dose"], entry["unit"], entry["form"]) == (600, "mg", "carbonate")
    assert one(cli, "hypercalcemia-risk")["items"][1] == "hydrochlorothiazide"


def test_quinine_sulfate_324_mg_bought_as_a_supplement(cli: Cli) -> None:
    setup(cli, start("quinine sulfate 324 mg"))
    assert one(cli, "quinine")["severity"] == "warning"


def test_names_as_typed_on_import(cli: Cli, tmp_path: Path) -> None:
    doc = {
        "format": "crampwise-diary", "version": 1,
        "regimen": [{"item": "vitamin K2", "kind": "supplement", "dose": 100, "unit": "mcg",
                     "start": "2026-02-01"},
                    {"item": "magnesium 400mg", "kind": "supplement", "start": "2026-02-01",
                     "times": ["morning", "bedtime"]}],
        "medications": [{"name": "Coumadin 5 mg", "start": "2026-01-01"}],
    }
    path = tmp_path / "diary.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    setup(cli, ("import", str(path)))
    assert one(cli, "vitamin-k-warfarin")["severity"] == "warning"
    assert "800 mg of magnesium" in one(cli, "above-upper-limit")["message"]
    meds = json.loads(run(cli, "med", "list", "--json"))
    assert (meds[0]["name"], meds[0]["dose"], meds[0]["unit"]) == ("coumadin", 5, "mg")


def test_a_dose_in_the_name_and_a_different_dose_is_refused(cli: Cli) -> None:
    code, _, err = cli("regimen", "start", "magnesium 400mg", "--dose", "200", "--unit", "mg")
    assert code != 0
    assert "400 mg in the name" in err


# --------------------------------------------------------------------------- 2. kidneys


def test_potassium_with_egfr_12_is_a_warning(cli: Cli) -> None:
    setup(cli, lab("egfr", "12", "mL/min/1.73m2"), start("potassium", "--dose", "99",
                                                         "--unit", "mg"))
    finding = one(cli, "hyperkalemia-risk")
    assert finding["severity"] == "warning"
    assert "eGFR was 12" in finding["message"]
    assert "severely reduced" in finding["message"]
    assert any("KDIGO" in s for s in finding["sources"])


def test_magnesium_with_creatinine_3_9_mg_dl_is_a_warning(cli: Cli) -> None:
    setup(cli, lab("creatinine", "3.9", "mg/dL"), start("magnesium", "--dose", "200",
                                                        "--unit", "mg"))
    finding = one(cli, "hypermagnesemia-risk")
    # CKD-EPI 2021 for a woman aged 67-68 with creatinine 3.9 mg/dL: about 12
    assert "estimated GFR of about 12" in finding["message"]
    assert "below 30" in finding["message"]
    assert one(cli, "lab-out-of-range")["severity"] == "warning"  # above 53-115 umol/L


def test_reduced_kidney_function_with_potassium_and_the_egfr_range(cli: Cli) -> None:
    setup(cli, lab("egfr", "45", "mL/min/1.73m2"), start("potassium", "--dose", "99",
                                                         "--unit", "mg"))
    assert "kidney function is reduced" in one(cli, "hyperkalemia-risk")["message"]
    assert "below the range at least 60" in one(cli, "lab-out-of-range")["message"]


# --------------------------------------------------------------------------- 3. Rx potassium


@pytest.mark.parametrize("name", ["K-Tab", "KCl", "Klor-Con", "Urocit-K"])
def test_prescription_potassium_names_with_lisinopril(cli: Cli, name: str) -> None:
    setup(cli, med("lisinopril"), med(name, "--dose", "20", "--unit", "mEq"))
    assert one(cli, "hyperkalemia-risk")["severity"] == "warning"
    totals = json.loads(run(cli, "nutrition", "--json"))
    assert totals["nutrients"]["potassium"]["supplements"] == pytest.approx(782, abs=1)


# --------------------------------------------------------------------------- 4. K-raising drugs


@pytest.mark.parametrize("name", ["Aldactazide", "Moduretic", "co-amilofruse", "Entresto",
                                  "aliskiren", "finerenone", "Kerendia"])
def test_potassium_raising_drugs_and_combinations(cli: Cli, name: str) -> None:
    setup(cli, med(name), start("potassium", "--dose", "99", "--unit", "mg"))
    assert one(cli, "hyperkalemia-risk")["severity"] == "warning"
    assert "unknown-medication" not in [f["code"] for f in findings(cli)]


# --------------------------------------------------------------------------- 5. DVT


def test_any_one_sided_leg_sign_is_same_day_and_names_clot_risks(cli: Cli) -> None:
    setup(cli, ("profile", "set", "--pregnant", "yes"), med("Premarin"),
          ("red-flags", "one-sided-calf-swelling-warmth", "yes"),
          ("red-flags", "long-journey", "yes"))
    flag = one(cli, "red-flag")
    assert flag["severity"] == "urgent"
    assert "swelling, pain, warmth or redness" in flag["message"].lower()
    for risk in ("a long journey", "pregnancy", "premarin"):
        assert risk in flag["message"].lower()
    assert any("NG158" in s for s in flag["sources"])
    asked = [q["flag"] for q in report(cli)["questions"]]
    assert "recent-surgery" in asked and "long-journey" not in asked


def test_breathlessness_is_an_emergency(cli: Cli) -> None:
    setup(cli, ("red-flags", "breathless-or-chest-pain", "yes"))
    flag = one(cli, "red-flag")
    assert flag["severity"] == "urgent"
    assert "ambulance" in flag["message"]


# --------------------------------------------------------------------------- 6. red flags


def test_dark_urine_with_muscle_pain_on_a_statin(cli: Cli) -> None:
    setup(cli, med("atorvastatin"), ("red-flags", "dark-urine-muscle-pain", "yes"))
    flag = one(cli, "red-flag")
    assert flag["severity"] == "urgent"
    assert "rhabdomyolysis" in flag["message"]
    assert "atorvastatin (a statin)" in flag["message"]


@pytest.mark.parametrize(("flag", "severity"), [
    ("cold-pale-painful-leg", "urgent"), ("palpitations", "urgent"),
    ("hand-face-spasm", "urgent"), ("rest-pain-foot", "warning"),
    ("non-healing-wound", "warning"),
])
def test_new_red_flags(cli: Cli, flag: str, severity: str) -> None:
    setup(cli, ("red-flags", flag, "yes"))
    assert one(cli, "red-flag")["severity"] == severity


@pytest.mark.parametrize("muscle", ["hand", "abdomen", "other"])
def test_cramps_outside_the_legs_can_be_logged_and_are_flagged(cli: Cli, muscle: str) -> None:
    setup(cli, ("log", "--at", "3am", "--muscle", muscle))
    flag = one(cli, "red-flag")
    assert flag["items"] == ["cramps-outside-legs"]
    assert muscle in flag["message"]


def test_safety_prompts_for_unanswered_red_flags(cli: Cli) -> None:
    setup(cli, ("red-flags", "leg-swelling", "no"))
    asked = {q["flag"] for q in report(cli)["questions"]}
    assert {"palpitations", "dark-urine-muscle-pain", "hand-face-spasm"} <= asked
    assert "leg-swelling" not in asked and "long-journey" not in asked
    text = run(cli, "safety")
    assert "Questions to answer" in text
    assert "crampwise red-flags ID yes|no" in text


def test_a_lasting_sign_does_not_expire_after_90_days(cli: Cli) -> None:
    setup(cli, ("red-flags", "muscle-weakness", "yes", "--date", "2025-06-01"),
          ("red-flags", "palpitations", "yes", "--date", "2025-06-01"))
    assert one(cli, "red-flag")["items"] == ["muscle-weakness"]
    (again,) = [q for q in report(cli)["questions"] if q["flag"] == "palpitations"]
    assert "2025-06-01" in again["why"]


# --------------------------------------------------------------------------- 7. critical labs


@pytest.mark.parametrize(("test", "value", "unit"), [
    ("potassium", "2.4", "mmol/L"), ("sodium", "122", "mmol/L"), ("calcium", "1.7", "mmol/L"),
    ("calcium", "3.2", "mmol/L"), ("magnesium", "0.4", "mmol/L"), ("potassium", "5.8", "mmol/L"),
])
def test_critical_lab_values_are_same_day(cli: Cli, test: str, value: str, unit: str) -> None:
    setup(cli, lab(test, value, unit))
    finding = one(cli, "lab-out-of-range")
    assert finding["severity"] == "urgent"
    assert "contact your clinician today" in finding["message"]
    assert len(finding["sources"]) >= 2  # the range's source and the threshold's


def test_a_mildly_low_value_stays_a_warning(cli: Cli) -> None:
    setup(cli, lab("potassium", "3.3", "mmol/L"))
    assert one(cli, "lab-out-of-range")["severity"] == "warning"


# --------------------------------------------------------------------------- 8. Ca/Mg labs


def test_calcium_with_a_thiazide_and_high_serum_calcium_is_a_warning(cli: Cli) -> None:
    setup(cli, med("hydrochlorothiazide"), lab("calcium", "3.2", "mmol/L"),
          start("calcium", "--dose", "500", "--unit", "mg"))
    finding = one(cli, "hypercalcemia-risk")
    assert finding["severity"] == "warning"
    assert "hydrochlorothiazide" in finding["items"]
    assert "should be checked" not in finding["message"]


def test_magnesium_with_high_serum_magnesium_is_a_warning(cli: Cli) -> None:
    setup(cli, lab("magnesium", "1.2", "mmol/L"), start("magnesium", "--dose", "200",
                                                         "--unit", "mg"))
    assert one(cli, "hypermagnesemia-risk")["severity"] == "warning"


# --------------------------------------------------------------------------- 9. thiazide combos


@pytest.mark.parametrize("name", ["Diovan HCT", "Benicar HCT", "Atacand HCT", "Lotensin HCT",
                                  "Coversyl Plus"])
def test_thiazide_combinations_count_both_ingredients(cli: Cli, name: str) -> None:
    setup(cli, med(name), start("calcium", "--dose", "500", "--unit", "mg"))
    assert one(cli, "hypercalcemia-risk")["severity"] == "caution"
    linked = one(cli, "cramp-associated-drug")["message"]
    assert "thiazide" in linked


# --------------------------------------------------------------------------- 10. spacing


@pytest.mark.parametrize(("item", "drug", "words"), [
    ("calcium", "ciprofloxacin", "2 hours before, or 6 hours after"),
    ("calcium", "moxifloxacin", "4 hours before, or 8 hours after"),
    ("magnesium", "levothyroxine", "at least 4 hours apart"),
])
def test_spacing_uses_the_drug_label_times(cli: Cli, item: str, drug: str, words: str) -> None:
    setup(cli, med(drug), start(item, "--dose", "200", "--unit", "mg"))
    finding = one(cli, "spacing")
    assert words in finding["message"]
    assert any("prescribing information" in s for s in finding["sources"])


# --------------------------------------------------------------------------- 11. coverage


@pytest.mark.parametrize(("name", "cls"), [
    ("vilanterol", "long-acting beta2-agonist"), ("olodaterol", "long-acting beta2-agonist"),
    ("indacaterol", "long-acting beta2-agonist"), ("arformoterol", "long-acting beta2-agonist"),
    ("Trelegy", "with inhaled corticosteroid"), ("Anoro", "long-acting beta2-agonist"),
    ("Stiolto", "long-acting beta2-agonist"), ("Breztri", "with inhaled corticosteroid"),
    ("fluvastatin", "statin"), ("pitavastatin", "statin"), ("Vytorin", "statin"),
    ("Caduet", "statin"), ("bendroflumethiazide", "thiazide"), ("chlorothiazide", "thiazide"),
])
def test_cramp_associated_drugs_added(cli: Cli, name: str, cls: str) -> None:
    setup(cli, med(name))
    assert cls in one(cli, "cramp-associated-drug")["message"]


@pytest.mark.parametrize("name", ["fosinopril", "trandolapril", "moexipril", "azilsartan",
                                  "eprosartan", "Avalide", "Vaseretic", "Prinzide"])
def test_ace_inhibitors_arbs_and_combinations_added(cli: Cli, name: str) -> None:
    setup(cli, med(name), start("potassium", "--dose", "99", "--unit", "mg"))
    assert one(cli, "hyperkalemia-risk")["severity"] == "warning"


@pytest.mark.parametrize(("name", "code", "severity"), [
    ("dolutegravir", "spacing", "warning"), ("Biktarvy", "spacing", "warning"),
    ("iron", "spacing", "caution"), ("zinc", "spacing", "caution"),
    ("liothyronine", "spacing", "caution"), ("calcitriol", "hypercalcemia-risk", "caution"),
])
def test_calcium_binding_and_raising_medicines_added(
    cli: Cli, name: str, code: str, severity: str
) -> None:
    setup(cli, med(name), start("calcium", "--dose", "500", "--unit", "mg"))
    assert one(cli, code)["severity"] == severity


@pytest.mark.parametrize("name", ["metformin", "amlodipine"])
def test_common_unknown_medicines_stay_unknown(cli: Cli, name: str) -> None:
    setup(cli, med(name))
    assert "not mean it is safe" in one(cli, "unknown-medication")["message"]


def test_a_combination_with_an_unreviewed_ingredient_names_it(cli: Cli) -> None:
    setup(cli, med("Caduet"))
    assert "'amlodipine' (in Caduet)" in one(cli, "unknown-medication")["message"]


# --------------------------------------------------------------------------- 12. pregnancy


def test_pregnancy_and_breastfeeding_are_profile_fields(cli: Cli, tmp_path: Path) -> None:
    setup(cli, ("profile", "set", "--birth-year", "1995", "--pregnant", "yes"), profile=False)
    shown = json.loads(run(cli, "profile", "show", "--json"))
    assert (shown["pregnant"], shown["breastfeeding"]) == (True, None)
    assert one(cli, "pregnancy")["severity"] == "info"
    mg = json.loads(run(cli, "nutrition", "--json"))["nutrients"]["magnesium"]
    assert mg["reference"] == 360  # pregnancy, 31-50 (age 30 or 31 this year: the higher)
    exported = tmp_path / "out.json"
    run(cli, "export", "--out", str(exported))
    assert json.loads(exported.read_text(encoding="utf-8"))["profile"]["pregnant"] is True


def test_import_accepts_pregnancy_and_breastfeeding(cli: Cli, tmp_path: Path) -> None:
    doc = {"format": "crampwise-diary", "version": 1,
           "profile": {"birth_year": 1990, "sex": "female", "breastfeeding": True}}
    path = tmp_path / "diary.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run(cli, "import", str(path))
    assert json.loads(run(cli, "profile", "show", "--json"))["breastfeeding"] is True
    assert one(cli, "breastfeeding")["severity"] == "info"


# --------------------------------------------------------------------------- 13. age


def test_a_profile_under_18_gets_an_adults_only_notice(cli: Cli) -> None:
    setup(cli, ("profile", "set", "--birth-year", "2012"), profile=False)
    assert "meant for adults" in one(cli, "for-adults")["message"]


def test_infant_vitamin_d_upper_limit(cli: Cli) -> None:
    setup(cli, ("profile", "set", "--birth-year", "2026"), profile=False)
    setup(cli, start("vitamin D", "--dose", "1200", "--unit", "IU"), profile=False)
    totals = json.loads(run(cli, "nutrition", "--json"))
    assert totals["nutrients"]["vitamin-d"]["upper_limit"] == 1000
    assert one(cli, "above-upper-limit")["severity"] == "warning"


# --------------------------------------------------------------------------- 14. wording


def test_prescribed_potassium_with_high_serum_potassium_says_contact_prescriber(
    cli: Cli,
) -> None:
    setup(cli, med("Klor-Con", "--dose", "20", "--unit", "mEq"),
          lab("potassium", "5.4", "mmol/L"))
    message = one(cli, "hyperkalemia-risk")["message"]
    assert "Contact your prescriber today" in message
    assert "Stop" not in message and "do not take more" not in message.lower()


def test_a_supplement_with_high_serum_potassium_says_do_not_take_more(cli: Cli) -> None:
    setup(cli, start("potassium", "--dose", "99", "--unit", "mg"),
          lab("potassium", "5.4", "mmol/L"))
    assert "Do not take more" in one(cli, "hyperkalemia-risk")["message"]


# --------------------------------------------------------------------------- 15. typos


@pytest.mark.parametrize(("typed", "meant"), [("spironolacton", "spironolactone"),
                                              ("Zestrill", "Zestril"),
                                              ("lisinoprl", "lisinopril")])
def test_a_typo_next_to_an_interacting_supplement_is_raised(
    cli: Cli, typed: str, meant: str
) -> None:
    setup(cli, start("potassium", "--dose", "99", "--unit", "mg"), med(typed))
    finding = one(cli, "unknown-medication")
    assert finding["severity"] == "caution"
    assert f"Did you mean {meant}?" in finding["message"]
    assert "check the spelling" in finding["message"]


def test_a_typo_without_an_interacting_supplement_stays_info(cli: Cli) -> None:
    setup(cli, start("potassium", "--dose", "99", "--unit", "mg"), med("Lasiks"))
    finding = one(cli, "unknown-medication")
    assert finding["severity"] == "info"
    assert "Lasix" in finding["message"]


# --------------------------------------------------------------------------- 16. foods, claims


def test_food_lookup_prefers_usda_and_the_unsalted_entry(cli: Cli) -> None:
    apricots = json.loads(run(cli, "food", "dried apricots", "--json"))
    assert apricots["table"] == "usda-sr28"
    assert apricots["per_100g"]["potassium"] == 1162
    spinach = json.loads(run(cli, "food", "spinach, cooked", "--json"))
    assert "without salt" in spinach["food"]


@pytest.mark.parametrize(("claim", "verdict"), [
    ("a banana has 422 mg of potassium", "supported"),
    ("a medium banana has 362 mg of potassium", "not-supported"),
    ("a small banana has 362 mg of potassium", "supported"),
])
def test_banana_claims(cli: Cli, claim: str, verdict: str) -> None:
    assert json.loads(run(cli, "claim", claim, "--json"))["verdict"] == verdict


def test_drug_quinine_shows_the_fda_warning_and_relatives_are_known(cli: Cli) -> None:
    text = run(cli, "drug", "quinine")
    assert "WARNING: The US FDA warns" in text
    for name in ("hydroquinine", "Hyland's Leg Cramps", "cinchona"):
        report_ = json.loads(run(cli, "drug", name, "--json"))
        assert report_["warnings"], name
    setup(cli, med("hydroquinine"), med("Hyland's Leg Cramps"))
    severities = sorted(f["severity"] for f in findings(cli, "quinine"))
    assert severities == ["caution", "warning"]


# --------------------------------------------------------------------------- 17. small points


def test_molar_loinc_codes_for_molar_values(cli: Cli) -> None:
    setup(cli, lab("calcium", "2.3", "mmol/L"), lab("creatinine", "80", "umol/L"),
          lab("glucose", "5.1", "mmol/L"), lab("phosphate", "1.1", "mmol/L"))
    codes = {row["test"]: row["loinc"] for row in json.loads(run(cli, "lab", "list", "--json"))}
    assert codes == {"calcium": "2000-8", "creatinine": "14682-9", "glucose": "14749-6",
                     "phosphate": "14879-1"}


def test_a_lab_code_names_the_unit_the_value_is_in(cli: Cli) -> None:
    """Mass units carry mass codes (calcium mg/dL 17861-6, creatinine mg/dL 2160-0, glucose
    mg/dL 2345-7, potassium mg/dL 22760-3); 25-OH vitamin D and zinc carry their mass codes
    (62292-8, 5763-8) in ng/mL and µg/dL and no code in nmol/L and µmol/L, where no molar
    code was confirmed (14635-7 is vitamin D3 alone)."""
    setup(cli, lab("calcium", "9.4", "mg/dL"), lab("creatinine", "1.1", "mg/dL"),
          lab("glucose", "92", "mg/dL"), lab("potassium", "16", "mg/dL"),
          lab("vitamin D", "30", "ng/mL"), lab("zinc", "80", "ug/dL"))
    setup(cli, ("lab", "add", "vitamin D", "75", "nmol/L", "--date", "2026-02-03"),
          ("lab", "add", "zinc", "12", "umol/L", "--date", "2026-02-03"))
    rows = json.loads(run(cli, "lab", "list", "--json"))
    codes = {(row["test"], row["unit"]): row["loinc"] for row in rows}
    assert codes == {
        ("calcium", "mg/dL"): "17861-6", ("creatinine", "mg/dL"): "2160-0",
        ("glucose", "mg/dL"): "2345-7", ("potassium", "mg/dL"): "22760-3",
        ("vitamin-d", "ng/mL"): "62292-8", ("zinc", "ug/dL"): "5763-8",
        ("vitamin-d", "nmol/L"): None, ("zinc", "umol/L"): None,
    }


def test_sodium_has_a_risk_reduction_limit(cli: Cli) -> None:
    setup(cli, start("pickles", "--kind", "food", "--dose", "150", "--unit", "g",
                     "--times", "morning,evening"))
    sodium = json.loads(run(cli, "nutrition", "--json"))["nutrients"]["sodium"]
    assert (sodium["upper_limit"], sodium["upper_limit_kind"]) == (2300, "CDRR")
    finding = one(cli, "above-upper-limit")
    assert finding["severity"] == "caution"
    assert "risk-reduction intake" in finding["message"]


def test_migration_0004_keeps_the_profile_and_adds_unknown_pregnancy(db_url: str) -> None:
    from crampwise.storage.engine import open_engine, resolve_url
    from crampwise.storage.migrations import migrate
    from crampwise.tracker import Tracker

    engine = open_engine(resolve_url(db_url))
    try:
        assert "0004_profile_pregnancy" not in migrate(engine, target="0002_regimen_context")
        with engine.write():
            engine.execute(
                "INSERT INTO profile (id, birth_year, sex, kidney_disease, timezone, updated_at) "
                "VALUES (1, 1958, 'female', 1, 'Europe/Berlin', '2025-01-01T00:00:00Z')"
            )
    finally:
        engine.close()
    tracker = Tracker(db_url)  # opening migrates to head
    try:
        profile = tracker.context.profile()
        assert (profile.birth_year, profile.sex, profile.kidney_disease) == (1958, "female", True)
        assert (profile.pregnant, profile.breastfeeding) == (None, None)
        tracker.context.set_profile(pregnant=True)
        assert tracker.context.profile().pregnant is True
    finally:
        tracker.close()


def test_the_quinine_question_is_asked_of_people_who_take_it(cli: Cli) -> None:
    setup(cli)
    assert "quinine-bleeding" not in [q["flag"] for q in report(cli)["questions"]]
    setup(cli, med("Qualaquin"), profile=False)
    assert "quinine-bleeding" in [q["flag"] for q in report(cli)["questions"]]


# --------------------------------------------------------------------------- audit follow-ups
# Found by typing names and doses as people do after the first pass of issue 9.


def test_a_dose_with_a_thousands_comma_in_the_name_is_not_read_as_a_decimal(cli: Cli) -> None:
    """'Vitamin D3 50,000 IU' was stored as 50 IU: no finding at all."""
    setup(cli, start("Vitamin D3 50,000 IU"))
    entry = json.loads(run(cli, "regimen", "list", "--json"))[0]
    assert (entry["dose"], entry["unit"]) == (50000, "IU")
    finding = one(cli, "above-upper-limit")
    assert "50,000 IU of vitamin D a day (vitamin D3 50,000 IU)" in finding["message"]


def test_a_decimal_comma_in_the_name_stays_a_decimal(cli: Cli) -> None:
    setup(cli, start("vitamin K2 2,5 mcg"))
    entry = json.loads(run(cli, "regimen", "list", "--json"))[0]
    assert (entry["dose"], entry["unit"]) == (2.5, "mcg")


@pytest.mark.parametrize("name", ["Diovan HCT 160/12.5", "losartan hctz 100/25 mg",
                                  "Entresto 49/51", "Trelegy Ellipta 100/62.5/25 mcg",
                                  "Advair 250/50"])
def test_a_combination_strength_is_no_unknown_medicine(cli: Cli, name: str) -> None:
    """The numbers of '160/12.5' were reported as an unknown medicine '12 5'."""
    setup(cli, med(name))
    assert findings(cli, "unknown-medication") == []
    assert findings(cli, "cramp-associated-drug") or name.startswith("Entresto")


def test_messages_name_items_as_people_write_them(cli: Cli) -> None:
    setup(cli, med("warfarin"), med("lisinopril"), med("Diovan HCT 160/12.5"),
          start("vitamin K2", "--dose", "100", "--unit", "mcg"),
          start("calcium carbonate 600"), med("K-Tab 10 mEq", "--dose", "2", "--unit", "tablet"))
    text = " ".join(f["message"] for f in findings(cli))
    for shown in ("Vitamin K (vitamin K2)", "Adding K-Tab", "With calcium carbonate",
                  "Diovan HCT 160/12.5 (a thiazide-type diuretic)"):
        assert shown in text, shown
    for slug in ("vitamin-k2", "k-tab", "calcium-carbonate", "diovan hct"):
        assert slug not in text, slug
    warning = one(cli, "vitamin-k-warfarin")
    assert warning["items"] == ["vitamin-k2", "warfarin"]  # the stored names stay the keys


@pytest.mark.parametrize("brand", ["Slow-Mag", "Slow Mag", "Mag-Tab SR", "Mag-Ox 400"])
def test_magnesium_brands_with_severe_kidney_disease(cli: Cli, brand: str) -> None:
    setup(cli, lab("egfr", "25", "mL/min/1.73m2"), start(brand, "--dose", "2", "--unit",
                                                         "tablet"))
    assert one(cli, "hypermagnesemia-risk")["severity"] == "warning"
    assert findings(cli, "unknown-supplement") == []


@pytest.mark.parametrize("brand", ["Tums", "Caltrate 600", "Os-Cal", "Citracal"])
def test_calcium_brands_with_a_thiazide(cli: Cli, brand: str) -> None:
    setup(cli, med("hydrochlorothiazide"), start(brand, "--dose", "1", "--unit", "tablet"))
    assert one(cli, "hypercalcemia-risk")["severity"] == "caution"


@pytest.mark.parametrize(("name", "nutrient", "prescription"), [
    ("K-Tab", "potassium", True), ("Klor-Con M20", "potassium", True),
    ("Slow-Mag", "magnesium", False), ("Tums", "calcium", False),
])
def test_drug_explains_a_mineral_product_instead_of_calling_it_unknown(
    cli: Cli, name: str, nutrient: str, prescription: bool
) -> None:
    """'drug K-Tab' said "unknown medication" although the safety check knows K-Tab."""
    shown = json.loads(run(cli, "drug", name, "--json"))
    assert (shown["nutrient"], shown["prescription"]) == (nutrient, prescription)
    assert shown["checks"] and all(c["sources"] for c in shown["checks"])
    text = run(cli, "drug", name)
    assert f"{name} is a{' prescription' if prescription else ''} {nutrient} product" in text
    if nutrient == "potassium":
        assert "can raise blood potassium too far: ACE inhibitor" in text


def test_drug_still_refuses_a_name_it_does_not_know(cli: Cli) -> None:
    code, _, err = cli("drug", "tonic water")
    assert code != 0 and "unknown medication 'tonic water'" in err


@pytest.mark.parametrize(("test", "unit"), [("eGFR", "mL/min"), ("egfr", "mL/min/1.73m²"),
                                            ("GFR", "ml/min/1.73 m2")])
def test_egfr_as_reports_print_it_feeds_the_kidney_rules(cli: Cli, test: str, unit: str) -> None:
    """'eGFR 12 mL/min' and the superscript ² of lab reports were refused."""
    setup(cli, lab(test, "12", unit), start("potassium", "--dose", "99", "--unit", "mg"))
    assert "eGFR was 12" in one(cli, "hyperkalemia-risk")["message"]


@pytest.mark.parametrize(("test", "value", "stored"), [
    ("K", "2.4", "potassium"), ("Na", "122", "sodium"), ("Mg", "0.4", "magnesium"),
    ("Ca", "1.7", "calcium"), ("ionized calcium", "0.8", "calcium-ionized"),
])
def test_lab_names_as_people_write_them(cli: Cli, test: str, value: str, stored: str) -> None:
    setup(cli, lab(test, value, "mmol/l"))
    (row,) = json.loads(run(cli, "lab", "list", "--test", test, "--json"))
    assert row["test"] == stored
    if stored != "calcium-ionized":  # no same-day threshold is shipped for ionized calcium
        assert one(cli, "lab-out-of-range")["severity"] == "urgent"


def test_lab_names_on_import(cli: Cli, tmp_path: Path) -> None:
    doc = {"format": "crampwise-diary", "version": 1,
           "labs": [{"test": "eGFR", "value": 25, "unit": "mL/min/1.73 m²",
                     "date": "2026-03-01"}]}
    path = tmp_path / "diary.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    setup(cli, ("import", str(path)), start("magnesium", "--dose", "200", "--unit", "mg"))
    assert "below 30" in one(cli, "hypermagnesemia-risk")["message"]


def test_an_unknown_lab_name_is_still_refused(cli: Cli) -> None:
    code, _, err = cli("lab", "add", "Kalium-ish", "4", "mmol/L")
    assert code != 0 and "test: 'Kalium-ish' is not allowed; allowed: potassium" in err


@pytest.mark.parametrize("name", ["estradiol", "the pill", "HRT", "Estrace 1 mg"])
def test_the_pill_and_hrt_are_named_as_clot_risks(cli: Cli, name: str) -> None:
    """estradiol and the pill were unknown, so a swollen leg did not name them as a risk."""
    setup(cli, ("red-flags", "one-sided-calf-swelling-warmth", "yes"), med(name))
    message = one(cli, "red-flag")["message"]
    assert "an oestrogen-type medicine (" in message
    assert findings(cli, "unknown-medication") == []
    assert findings(cli, "cramp-associated-drug") == []  # no cramp link is claimed for them


@pytest.mark.parametrize(("name", "severity"), [
    ("Lotrel", "warning"), ("Exforge", "warning"), ("Azor 5/20", "warning"),
    ("Twynsta", "warning"), ("Prestalia", "warning"), ("Tarka", "warning"),
    ("Edarbyclor", "warning"), ("Accuretic", "warning"), ("Uniretic", "warning"),
    ("Bystolic", "caution"), ("Ziac", "caution"), ("meloxicam", "caution"),
])
def test_more_potassium_raising_combinations(cli: Cli, name: str, severity: str) -> None:
    """Blood-pressure combinations with amlodipine or verapamil were unknown as a whole."""
    setup(cli, med(name), start("potassium", "--dose", "99", "--unit", "mg"))
    assert one(cli, "hyperkalemia-risk")["severity"] == severity


@pytest.mark.parametrize("name", ["Exforge HCT", "Tribenzor", "Edarbyclor", "Tenoretic",
                                  "Ziac", "Accuretic"])
def test_more_thiazide_combinations_with_calcium(cli: Cli, name: str) -> None:
    setup(cli, med(name), start("calcium", "--dose", "500", "--unit", "mg"))
    assert one(cli, "hypercalcemia-risk")["severity"] == "caution"
    unknown = findings(cli, "unknown-medication")
    assert all("'amlodipine'" in f["message"] for f in unknown)  # reviewed parts are known


@pytest.mark.parametrize("typed", ["vitamin D3 50,000,0 IU", "vitamin D3 1, 000 IU"])
def test_a_number_that_is_not_clear_is_refused_not_guessed(cli: Cli, typed: str) -> None:
    """'50,000,0 IU' was stored as the item 'vitamin-d3-50' with a dose of 0 IU."""
    code, _, err = cli("regimen", "start", typed)
    assert code != 0
    assert err.startswith("crampwise: error: item:") and "not a usable name" in err
    assert json.loads(run(cli, "regimen", "list", "--json")) == []


def test_a_recorded_lab_is_named_as_people_say_it(cli: Cli) -> None:
    """Messages say "25-hydroxyvitamin D", never the key ``vitamin-d``."""
    out = run(cli, "lab", "add", "vitamin D", "75", "nmol/L", "--date", "2026-03-01")
    assert out.splitlines()[0] == "Recorded 25-hydroxyvitamin D 75 nmol/L on 2026-03-01."
    assert "vitamin-d" not in out


# ------------------------------------------------- beyond the list: stomach-acid medicines


@pytest.mark.parametrize(
    ("typed", "generic"),
    [("omeprazole", "omeprazole"), ("Prilosec 20 mg", "omeprazole"), ("Losec", "omeprazole"),
     ("Nexium", "esomeprazole"), ("Prevacid", "lansoprazole"), ("Zoton", "lansoprazole"),
     ("Dexilant", "dexlansoprazole"), ("Protonix 40mg", "pantoprazole"),
     ("Protium", "pantoprazole"), ("Aciphex", "rabeprazole"), ("Pariet", "rabeprazole")],
)
def test_a_proton_pump_inhibitor_is_known_and_its_magnesium_risk_said(
    cli: Cli, typed: str, generic: str
) -> None:
    """US FDA Drug Safety Communication, 2 March 2011: long-term PPI use (in most cases over
    a year) can lower serum magnesium, whose signs include muscle spasm."""
    setup(cli, ("med", "add", typed, "--start", "2024-06-01"))
    assert findings(cli, "unknown-medication") == []
    finding = one(cli, "magnesium-lowering-drug")
    assert finding["severity"] == "info"
    assert generic in finding["message"] and "lower blood magnesium" in finding["message"]
    assert "since 2024-06-01, over a year" in finding["message"]
    assert "whether your magnesium should be checked" in finding["message"]
    assert "Do not stop a prescribed medicine on your own" in finding["message"]
    assert any("FDA" in s for s in finding["sources"])


def test_a_low_magnesium_on_a_ppi_is_a_caution(cli: Cli) -> None:
    setup(cli, med("pantoprazole"), lab("magnesium", "1.4", "mg/dL"))
    finding = one(cli, "magnesium-lowering-drug")
    assert finding["severity"] == "caution"
    assert "1.4 mg/dL (= 0.576 mmol/L)" in finding["message"]
    assert "below the range" in finding["message"]
    assert "over a year" not in finding["message"]  # started 2026-01-01, two months ago


def test_a_normal_magnesium_on_a_ppi_is_shown_not_asked_for(cli: Cli) -> None:
    setup(cli, med("Nexium"), lab("magnesium", "0.85", "mmol/L"))
    finding = one(cli, "magnesium-lowering-drug")
    assert finding["severity"] == "info"
    assert "latest magnesium result: magnesium 0.85 mmol/L on 2026-03-01." in finding["message"]
    assert "should be checked" not in finding["message"]


def test_drug_lookup_says_why_a_ppi_is_listed(cli: Cli) -> None:
    out = run(cli, "drug", "Nexium")
    assert out.startswith("esomeprazole: crampwise's sources do not link it with cramps.")
    assert "can lower blood magnesium" in out
    details = run(cli, "drug", "Nexium", "--details")
    assert "Drug Safety Communication" in details
