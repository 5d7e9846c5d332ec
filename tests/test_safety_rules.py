"""The rules added for issue 9, one by one, on documents validated as the API validates them:
kidney function, critical labs, clot signs, open questions, life stage, age, wording for
prescribed medicines, typos, combinations, spacing times, sodium. (The same defects are
tested through the CLI in test_safety_cli.py; these are the fast, exact checks.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crampwise import safety
from crampwise.formats.diaryformat import load_diary_data
from crampwise.records import Lab, Profile
from crampwise.safety import Finding, SafetyReport
from crampwise.safety.kidney import egfr_ckd_epi_2021, kidney_status

TODAY = date(2026, 3, 12)


def check(profile: dict[str, Any] | None = None, **sections: Any) -> SafetyReport:
    doc: dict[str, Any] = {"format": "crampwise-diary", "version": 1,
                           "profile": profile or {"birth_year": 1958, "sex": "female"}}
    doc.update(sections)
    return safety.check(load_diary_data(doc, today=TODAY), TODAY)


def only(report: SafetyReport, code: str) -> Finding:
    (finding,) = [f for f in report.findings if f.code == code]
    return finding


def codes(report: SafetyReport) -> list[str]:
    return [f.code for f in report.findings]


def supplement(item: str, dose: float = 99, unit: str = "mg", **extra: Any) -> dict[str, Any]:
    return {"item": item, "kind": "supplement", "dose": dose, "unit": unit,
            "times": ["bedtime"], "start": "2026-03-01", **extra}


def med(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "times": ["morning"], "start": "2026-01-01", **extra}


def lab(test: str, value: float, unit: str, day: str = "2026-03-01") -> dict[str, Any]:
    return {"date": day, "test": test, "value": value, "unit": unit}


def flag(flag_id: str, present: bool = True, day: str = "2026-03-01") -> dict[str, Any]:
    return {"date": day, "flag": flag_id, "present": present}


# --------------------------------------------------------------------------- kidney


def test_ckd_epi_2021_matches_the_published_worked_example() -> None:
    """CKD-EPI 2021 (Inker 2021, as given by the National Kidney Foundation). A published
    worked example: a 55-year-old woman with creatinine 0.9 mg/dL has an eGFR of "about 76"
    mL/min/1.73 m² (142 × 0.745 × 0.711 × 1.012 with rounded factors; unrounded 75.5)."""
    assert egfr_ckd_epi_2021(0.9, 55, female=True) == pytest.approx(76, abs=0.6)
    assert egfr_ckd_epi_2021(0.9, 55, female=True) == pytest.approx(
        142 * (0.9 / 0.7) ** -1.2 * 0.9938**55 * 1.012, rel=1e-9)
    assert egfr_ckd_epi_2021(1.0, 50, female=False) == pytest.approx(
        142 * (1.0 / 0.9) ** -1.2 * 0.9938**50, rel=1e-9)
    # below kappa the alpha branch applies: 0.5 mg/dL, woman of 40
    assert egfr_ckd_epi_2021(0.5, 40, female=True) == pytest.approx(
        142 * (0.5 / 0.7) ** -0.241 * 0.9938**40 * 1.012, rel=1e-9)
    assert egfr_ckd_epi_2021(0.5, 40, female=False) == pytest.approx(
        142 * (0.5 / 0.9) ** -0.302 * 0.9938**40, rel=1e-9)


def test_kidney_status_takes_the_worst_and_the_lowest_estimate() -> None:
    creatinine = Lab(date="2026-03-01", test="creatinine", value=150, unit="umol/L")
    ages = (67, 68)
    known = kidney_status(Profile(sex="female"), (creatinine,), ages, TODAY)
    unknown_sex = kidney_status(Profile(), (creatinine,), ages, TODAY)
    woman = min(egfr_ckd_epi_2021(150 / 88.4, a, female=True) for a in ages)
    man = min(egfr_ckd_epi_2021(150 / 88.4, a, female=False) for a in ages)
    assert known.egfr == pytest.approx(woman)
    assert unknown_sex.egfr == pytest.approx(min(woman, man))
    assert known.level == "reduced" and not known.severe and known.reduced
    assert "for your age and sex" in known.detail
    assert "for your age (sex unknown)" in unknown_sex.detail
    # a later, better eGFR does not hide an earlier-dated bad creatinine: the worst counts
    good = Lab(date="2026-03-02", test="egfr", value=80, unit="mL/min/1.73m2")
    assert kidney_status(Profile(sex="female"), (creatinine, good), ages, TODAY).level == (
        "reduced")
    # only results up to the day checked count, the newest of each test
    older = Lab(date="2025-01-01", test="egfr", value=20, unit="mL/min/1.73m2")
    newer = Lab(date="2026-02-01", test="egfr", value=70, unit="mL/min/1.73m2")
    future = Lab(date="2026-04-01", test="egfr", value=10, unit="mL/min/1.73m2")
    status = kidney_status(Profile(), (newer, older, future), ages, TODAY)
    assert (status.level, status.egfr) == (None, None)
    assert kidney_status(Profile(kidney_disease=True), (), ages, TODAY).detail == (
        "Your profile says you have kidney disease")


@pytest.mark.parametrize(("egfr", "level"), [(29.9, "severe"), (30, "reduced"),
                                             (59.9, "reduced"), (60, None)])
def test_kdigo_cut_offs(egfr: float, level: str | None) -> None:
    status = kidney_status(Profile(), (Lab(date="2026-03-01", test="egfr", value=egfr,
                                           unit="mL/min/1.73m2"),), (67,), TODAY)
    assert status.level == level


def test_kidney_findings_say_how_we_know_and_cite_the_source() -> None:
    report = check(regimen=[supplement("potassium"), supplement("magnesium", 200)],
                   labs=[lab("egfr", 25, "mL/min/1.73m2")])
    k = only(report, "hyperkalemia-risk")
    assert k.message.startswith("Your eGFR was 25 mL/min/1.73m2 on 2026-03-01: kidney "
                                "function is severely reduced.")
    assert k.message.endswith("Do not take it unless your kidney doctor says so.")
    assert any("KDIGO" in s for s in k.sources) and any("Palmer" in s for s in k.sources)
    mg = only(report, "hypermagnesemia-risk")
    assert "(eGFR below 30)" in mg.message
    profile_only = check(profile={"birth_year": 1958, "kidney_disease": True},
                         regimen=[supplement("potassium")])
    assert only(profile_only, "hyperkalemia-risk").message.endswith(
        "Ask your doctor (or kidney doctor) before taking it.")


# --------------------------------------------------------------------------- labs


@pytest.mark.parametrize(("test", "at", "just_past"), [
    ("potassium", 2.5, 2.49), ("potassium", 5.5, 5.51), ("sodium", 125, 124.9),
    ("calcium", 1.9, 1.89), ("calcium", 3.0, 3.01), ("magnesium", 0.5, 0.49),
])
def test_same_day_thresholds_are_exclusive(test: str, at: float, just_past: float) -> None:
    assert only(check(labs=[lab(test, at, "mmol/L")]), "lab-out-of-range").severity == "warning"
    urgent = only(check(labs=[lab(test, just_past, "mmol/L")]), "lab-out-of-range")
    assert urgent.severity == "urgent"
    side = "below" if just_past < at else "above"
    assert urgent.message.endswith(
        f"A value {side} {at:g} mmol/L needs prompt attention: contact your clinician today.")


def test_an_urgent_value_entered_in_other_units_is_also_shown_in_mmol() -> None:
    urgent = only(check(labs=[lab("calcium", 13.0, "mg/dL")]), "lab-out-of-range")
    assert urgent.message.startswith("calcium 13 mg/dL (= 3.24 mmol/L) on 2026-03-01 is above")
    own = only(check(labs=[{**lab("calcium", 13.0, "mg/dL"), "range_low": 8.6,
                            "range_high": 10.3}]), "lab-out-of-range")
    assert "above the range 8.6-10.3 mg/dL (the lab's own range). That is 3.24 mmol/L." in (
        own.message)
    assert urgent.items == ["calcium"]


def test_the_creatinine_range_is_shipped() -> None:
    high = only(check(labs=[lab("creatinine", 1.6, "mg/dL")]), "lab-out-of-range")
    assert "is above the range 53-115 umol/L" in high.message
    assert "creatinine 1.6 mg/dL (= 141 umol/L)" in high.message
    assert any("MedlinePlus" in s for s in high.sources)


# --------------------------------------------------------------------------- clots, questions


def test_clot_signs_list_each_risk_factor_found() -> None:
    report = check(profile={"birth_year": 1990, "pregnant": True},
                   medications=[med("raloxifene")],
                   red_flags=[flag("one-sided-calf-swelling-warmth"), flag("long-journey"),
                              flag("recent-surgery")])
    message = only(report, "red-flag").message
    assert message.endswith(
        "Things that make a clot more likely apply to you: a long journey; a recent operation "
        "or hospital stay; pregnancy; an oestrogen-type medicine (raloxifene).")
    plain = check(red_flags=[flag("one-sided-calf-swelling-warmth"),
                             flag("long-journey", present=False)])
    assert "more likely apply" not in only(plain, "red-flag").message


def test_context_questions_are_asked_only_with_a_clot_sign() -> None:
    calm = check()
    asked = {q.flag.id: q.why for q in calm.questions}
    assert "long-journey" not in asked and "recent-surgery" not in asked
    assert asked["palpitations"] == "not answered yet"
    sign = check(red_flags=[flag("breathless-or-chest-pain"),
                            flag("recent-surgery", present=False, day="2025-06-01")])
    asked = {q.flag.id: q.why for q in sign.questions}
    assert asked["long-journey"] == "it helps judge the signs in your leg"
    assert asked["recent-surgery"] == "it helps judge the signs in your leg"  # old answer
    assert "breathless-or-chest-pain" not in asked
    answered = check(red_flags=[flag("breathless-or-chest-pain"), flag("long-journey", False)])
    assert "long-journey" not in {q.flag.id for q in answered.questions}
    data = sign.to_dict()["questions"][0]
    assert set(data) == {"flag", "question", "why"}
    assert "Questions to answer (" in sign.to_text()


def test_a_context_answer_alone_raises_nothing() -> None:
    assert codes(check(red_flags=[flag("long-journey")])) == []


def test_statin_named_with_dark_urine_only_when_taken() -> None:
    without = only(check(red_flags=[flag("dark-urine-muscle-pain")]), "red-flag")
    assert "statin" not in without.message.split("rhabdomyolysis")[1].split(".")[1]
    with_statin = only(check(red_flags=[flag("dark-urine-muscle-pain")],
                             medications=[med("simvastatin")]), "red-flag")
    assert with_statin.message.endswith(
        "You take simvastatin (a statin): tell the clinician; do not wait for your next "
        "appointment.")


def test_unusual_cramps_in_the_window_only() -> None:
    recent = check(episodes=[{"night": "2026-03-01", "muscles": ["calf", "hand"]}])
    assert only(recent, "red-flag").message.endswith(
        "(you logged a cramp in the hand on the night of 2026-03-01.)")
    old = check(episodes=[{"night": "2025-11-01", "muscles": ["abdomen"]}])
    assert "red-flag" not in codes(old)
    legs = check(episodes=[{"night": "2026-03-01", "muscles": ["calf"]}])
    assert "red-flag" not in codes(legs)


# --------------------------------------------------------------------------- profile notices


def test_pregnancy_notice() -> None:
    finding = only(check(profile={"birth_year": 1990, "pregnant": True}), "pregnancy")
    assert finding.severity == "info"
    assert finding.message == (
        "Your profile says you are pregnant. Leg cramps are common in pregnancy. Pregnancy "
        "makes blood clots in the legs more likely: one swollen, painful, warm or red leg "
        "needs medical advice the same day. The daily totals use the reference intakes for "
        "pregnancy where they differ. Ask your midwife or doctor before taking any "
        "supplement or medicine.")
    assert len(finding.sources) == 4 and finding.items == []


def test_breastfeeding_notice_and_pregnancy_wins_when_both() -> None:
    finding = only(check(profile={"birth_year": 1990, "breastfeeding": True}), "breastfeeding")
    assert finding.message == (
        "Your profile says you are breastfeeding. The daily totals use the reference intakes "
        "for breastfeeding where they differ. Ask your midwife, doctor or pharmacist before "
        "taking any supplement or medicine.")
    assert len(finding.sources) == 2
    both = check(profile={"birth_year": 1990, "pregnant": True, "breastfeeding": True})
    assert "pregnancy" in codes(both) and "breastfeeding" not in codes(both)
    assert [c for c in codes(check()) if c in ("pregnancy", "breastfeeding")] == []


@pytest.mark.parametrize(("birth_year", "notice"), [(2008, True), (2007, False), (None, False)])
def test_adults_notice_below_18(birth_year: int | None, notice: bool) -> None:
    report = check(profile={} if birth_year is None else {"birth_year": birth_year})
    assert ("for-adults" in codes(report)) == notice
    if notice:
        finding = only(report, "for-adults")
        assert finding.severity == "caution"
        assert finding.message.startswith("crampwise is meant for adults. Your profile's "
                                          "birth year says you may be under 18")


# --------------------------------------------------------------------------- wording, advice


@pytest.mark.parametrize(("entry", "prescribed"), [
    ({"medications": [med("K-Tab", dose=10, unit="mEq")]}, True),
    ({"regimen": [supplement("Klor-Con")]}, True),  # a prescription brand, even as entered
    ({"regimen": [supplement("potassium")]}, False),
])
def test_advice_follows_who_gave_the_potassium(entry: dict[str, Any], prescribed: bool) -> None:
    sections = {**entry, "medications": [*entry.get("medications", []), med("lisinopril")]}
    drug = check(**sections)
    message = only(drug, "hyperkalemia-risk").message
    if prescribed:
        assert message.endswith("Check with your prescriber that they know you take both and "
                                "that your blood potassium is checked; do not stop or change "
                                "a prescribed medicine on your own.")
    else:
        assert message.endswith("Take it only if your doctor agrees and checks your blood "
                                "potassium.")


def test_high_calcium_with_a_thiazide_is_one_warning() -> None:
    report = check(regimen=[supplement("calcium", 500)], labs=[lab("calcium", 2.8, "mmol/L")],
                   medications=[med("indapamide"), med("digoxin")])
    found = [f for f in report.findings if f.code == "hypercalcemia-risk"]
    assert [f.severity for f in found] == ["warning", "caution"]  # the digoxin one stays
    warning = found[0]
    assert warning.items == ["calcium", "indapamide"]
    assert warning.message.endswith(
        "Do not take more until you have asked your doctor. indapamide (a thiazide-type "
        "diuretic) also makes the kidneys keep calcium.")
    without_lab = check(regimen=[supplement("calcium", 500)], medications=[med("indapamide")])
    assert only(without_lab, "hypercalcemia-risk").severity == "caution"


# --------------------------------------------------------------------------- medicines


def test_a_drug_row_replaces_its_class_row_but_not_for_other_drugs() -> None:
    cipro = check(regimen=[supplement("calcium", 500)], medications=[med("ciprofloxacin")])
    assert only(cipro, "spacing").message.endswith("6 hours after, the calcium.")
    ofloxacin = check(regimen=[supplement("calcium", 500)], medications=[med("ofloxacin")])
    assert "or ask your pharmacist for your antibiotic's times" in only(
        ofloxacin, "spacing").message


def test_typo_message_names_the_supplement_it_would_interact_with() -> None:
    report = check(regimen=[supplement("potassium"), supplement("calcium", 500)],
                   medications=[med("Lisinoprl")])
    finding = only(report, "unknown-medication")
    assert finding.message == (
        "crampwise does not know 'lisinoprl'. Did you mean lisinopril? Please check the "
        "spelling: lisinopril interacts with potassium, which you take, so if that is the "
        "medicine, correct the entry to see the warning that applies. Ask your pharmacist if "
        "you are unsure.")
    assert finding.items == ["lisinoprl"] and finding.sources == []


def test_cramp_evidence_of_a_combination_inhaler_replaces_plain_laba() -> None:
    message = only(check(medications=[med("Advair")]), "cramp-associated-drug").message
    assert "2.55" in message and "2.17" not in message
    assert message.startswith("Advair (fluticasone/salmeterol) is linked with leg cramps.")
    single = only(check(medications=[med("salmeterol")]), "cramp-associated-drug").message
    assert "2.17" in single


def test_hydroquinine_and_cinchona_messages() -> None:
    hq = only(check(medications=[med("hydroquinine")]), "quinine")
    assert hq.message.startswith("hydroquinine is hydroquinine, a close relative of quinine")
    assert any("Katzberg" in s for s in hq.sources)
    plain = only(check(medications=[med("quinine")]), "quinine")
    assert plain.message.startswith("Quinine is not recommended") and len(plain.sources) == 1
    cinchona = only(check(medications=[med("cinchona bark")]), "quinine")
    assert cinchona.severity == "caution"
    assert cinchona.message.startswith("cinchona bark contains cinchona, the bark quinine "
                                       "comes from")


def test_duplicates_through_combination_ingredients() -> None:
    finding = only(check(medications=[med("Diovan HCT"), med("valsartan")]),
                   "duplicate-medication")
    assert finding.message.startswith("valsartan and Diovan HCT (valsartan/hydrochlorothiazide)"
                                      " both contain valsartan.")


# --------------------------------------------------------------------------- limits


def test_sodium_over_its_risk_reduction_intake_is_a_caution() -> None:
    pickles = {"item": "pickles", "kind": "food", "dose": 150, "unit": "g",
               "times": ["morning", "evening"], "start": "2026-03-01"}
    finding = only(check(regimen=[pickles]), "above-upper-limit")
    assert finding.severity == "caution"
    assert finding.message.startswith("Food and supplements give 2,427 mg of sodium a day")
    assert "The chronic-disease risk-reduction intake at your age is 2,300 mg a day" in (
        finding.message)


def test_magnesium_message_uses_the_nutrients_name_and_its_scope() -> None:
    finding = only(check(regimen=[supplement("magnesium", 400)]), "above-upper-limit")
    assert finding.message.startswith("Your supplements give 400 mg of magnesium a day "
                                      "(magnesium 400 mg). The upper limit at your age is "
                                      "350 mg a day from supplements and medicines "
                                      "(magnesium in food does not count); above it, "
                                      "diarrhoea becomes likely.")


# --------------------------------------------------------------------------- survivors of the
# first mutation run that mattered (docs/testing.md, "safety"): each test kills some


def test_kidney_disease_in_the_profile_does_not_hide_a_severe_egfr() -> None:
    report = check(profile={"birth_year": 1958, "kidney_disease": True},
                   regimen=[supplement("potassium")], labs=[lab("egfr", 12, "mL/min/1.73m2")])
    message = only(report, "hyperkalemia-risk").message
    assert message.startswith("Your eGFR was 12 mL/min/1.73m2 on 2026-03-01: kidney function "
                              "is severely reduced.")


def test_a_creatinine_based_warning_cites_the_equation() -> None:
    finding = only(check(regimen=[supplement("potassium")],
                         labs=[lab("creatinine", 3.9, "mg/dL")]), "hyperkalemia-risk")
    assert any("Inker" in s for s in finding.sources)
    umol = only(check(regimen=[supplement("potassium")],
                      labs=[lab("creatinine", 345, "umol/L")]), "hyperkalemia-risk")
    assert "estimated GFR of about 12" in umol.message  # 345 umol/L = 3.9 mg/dL


def test_an_urgent_value_inside_the_labs_own_wide_range_is_still_urgent() -> None:
    wide = {**lab("potassium", 5.8, "mmol/L"), "range_low": 3.5, "range_high": 6.0}
    finding = only(check(labs=[wide]), "lab-out-of-range")
    assert finding.severity == "urgent"
    assert finding.message == (
        "potassium 5.8 mmol/L on 2026-03-01. A value above 5.5 mmol/L needs prompt "
        "attention: contact your clinician today.")
    shipped = only(check(labs=[lab("potassium", 5.8, "mmol/L")]), "lab-out-of-range")
    assert any("MedlinePlus" in s for s in shipped.sources)
    assert any("Palmer" in s for s in shipped.sources)


def test_a_lab_range_with_only_an_upper_end_is_the_labs_own() -> None:
    high_only = {**lab("sodium", 147, "mmol/L"), "range_high": 146}
    message = only(check(labs=[high_only]), "lab-out-of-range").message
    assert "is above the range up to 146 mmol/L (the lab's own range)" in message


def test_clot_risks_are_added_to_the_message_not_in_its_place() -> None:
    message = only(check(red_flags=[flag("one-sided-calf-swelling-warmth"),
                                    flag("long-journey")]), "red-flag").message
    assert message.startswith("Swelling, pain, warmth or redness in one leg")
    statin = only(check(red_flags=[flag("dark-urine-muscle-pain")],
                        medications=[med("atorvastatin")]), "red-flag").message
    assert statin.startswith("Muscle pain or weakness with dark urine")


def test_the_quinine_question_follows_quinine_or_cinchona() -> None:
    def asked(report: SafetyReport) -> bool:
        return "quinine-bleeding" in {q.flag.id for q in report.questions}

    assert not asked(check())
    assert asked(check(medications=[med("quinine")]))
    assert asked(check(medications=[med("cinchona")]))
    assert not asked(check(red_flags=[flag("quinine-bleeding", present=False)]))


def test_food_items_are_listed_only_where_the_limit_counts_food() -> None:
    milk = {"item": "milk", "kind": "food", "dose": 2, "unit": "cup", "times": ["morning"],
            "start": "2026-03-01"}
    seeds = {"item": "pumpkin seeds", "kind": "food", "dose": 100, "unit": "g",
             "times": ["morning"], "start": "2026-03-01"}
    calcium = only(check(regimen=[milk, supplement("calcium", 1500)]), "above-upper-limit")
    assert sorted(calcium.items) == ["calcium", "milk"]
    magnesium = only(check(regimen=[seeds, supplement("magnesium", 400)]), "above-upper-limit")
    assert magnesium.items == ["magnesium"]


def test_every_entry_is_looked_at_whatever_comes_before_it() -> None:
    """A food, a known medicine, an unknown name or a known form listed first must not end
    the look at the others (sorted by start and name, these come first)."""
    banana = {"item": "banana", "kind": "food", "dose": 1, "unit": "piece",
              "start": "2026-03-01"}
    report = check(regimen=[banana, supplement("aaa-herb"), supplement("magnesium", 500),
                            supplement("potassium", form="unobtainium"),
                            supplement("calcium", 500, form="carbonate")],
                   medications=[med("amlodipine"), med("atorvastatin"), med("lisinopril"),
                                med("metformin"), med("ciprofloxacin"), med("ofloxacin")])
    found = codes(report)
    assert "hyperkalemia-risk" in found  # potassium after a food
    assert "above-upper-limit" in found  # magnesium after an unknown supplement
    assert found.count("spacing") >= 4  # Ca and Mg with both quinolones
    assert {f.items[0] for f in report.findings if f.code == "unknown-medication"} == {
        "amlodipine", "metformin"}
    assert [f.items for f in report.findings if f.code == "unknown-form"] == [["potassium"]]
    linked = {f.items[0] for f in report.findings if f.code == "cramp-associated-drug"}
    assert {"atorvastatin", "lisinopril"} <= linked


def test_an_unknown_medicine_is_not_an_uncounted_nutrient() -> None:
    report = check(medications=[med("metformin")], regimen=[supplement("magnesium", 100)])
    assert "not-counted" not in codes(report)


def test_unknown_names_say_which_part_and_suggest_only_when_close() -> None:
    caduet = only(check(medications=[med("Caduet")]), "unknown-medication").message
    assert caduet.startswith("crampwise does not know 'amlodipine' (in Caduet) and cannot "
                             "check it")
    far = only(check(medications=[med("zzqxplorin")]), "unknown-medication").message
    assert far == ("crampwise does not know 'zzqxplorin' and cannot check it for interactions "
                   "or for a link with cramps. That does not mean it is safe: ask your "
                   "pharmacist.")
    close = only(check(medications=[med("Lipitorr")]), "unknown-medication").message
    assert close.endswith("ask your pharmacist. Did you mean: Lipitor?")
    slash = only(check(medications=[med("lisinopril/zzqxplorin")]), "unknown-medication")
    assert "(in " not in slash.message


def test_cramp_link_names_a_generic_once() -> None:
    message = only(check(medications=[med("salmeterol")]), "cramp-associated-drug").message
    assert message.startswith("salmeterol is linked with leg cramps. long-acting "
                              "beta2-agonist (inhaled): evidence grade A")


def test_a_past_day_sees_neither_later_labs_nor_later_answers() -> None:
    doc: dict[str, Any] = {
        "format": "crampwise-diary", "version": 1,
        "regimen": [supplement("potassium")],
        "labs": [lab("potassium", 4.0, "mmol/L", "2026-01-10"),
                 lab("potassium", 5.4, "mmol/L", "2026-03-01")],
        "red_flags": [flag("palpitations", day="2026-03-01")],
    }
    data = load_diary_data(doc, today=TODAY)
    earlier = safety.check(data, date(2026, 2, 1))
    assert [f.code for f in earlier.findings] == []
    now = safety.check(data, TODAY)
    assert {"hyperkalemia-risk", "lab-out-of-range", "red-flag"} <= set(codes(now))


def test_of_several_cramps_outside_the_legs_the_latest_is_named() -> None:
    report = check(episodes=[{"night": "2026-03-01", "muscles": ["hand"]},
                             {"night": "2026-03-05", "muscles": ["abdomen"]},
                             {"night": "2026-03-03", "muscles": ["other"]}])
    assert only(report, "red-flag").message.endswith(
        "(you logged a cramp in the abdomen on the night of 2026-03-05.)")


def test_an_oestrogen_medicine_is_a_clot_risk() -> None:
    message = only(check(red_flags=[flag("one-sided-calf-swelling-warmth")],
                         medications=[med("Premarin")]), "red-flag").message
    assert message.endswith("apply to you: an oestrogen-type medicine (Premarin).")
