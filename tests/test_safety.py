"""The safety engine: each rule with one firing and one quiet fixture, plus the story."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crampwise import safety
from crampwise.errors import InputError
from crampwise.formats.diaryformat import load_diary_data
from crampwise.safety import Finding, SafetyReport

TODAY = date(2026, 3, 12)


def check(doc: dict[str, Any], day: date) -> SafetyReport:
    """The safety report of a document, validated as the API and the importer validate it."""
    return safety.check(load_diary_data(doc, today=day), day)


def check_new_item(doc: dict[str, Any], day: date, item: str) -> list[Finding]:
    return safety.check_new_item(load_diary_data(doc, today=day), day, item)


def diary(**sections: Any) -> dict[str, Any]:
    """A crampwise-diary v1 document for a woman born in 1958 plus the given sections."""
    doc: dict[str, Any] = {
        "format": "crampwise-diary",
        "version": 1,
        "profile": {"birth_year": 1958, "sex": "female", "kidney_disease": False},
    }
    doc.update(sections)
    return doc


def supplement(item: str, dose: float, times: tuple[str, ...] = ("bedtime",), **extra: Any
               ) -> dict[str, Any]:
    entry = {"item": item, "kind": "supplement", "dose": dose, "unit": "mg",
             "times": list(times), "start": "2026-03-10", "end": None}
    entry.update(extra)
    return entry


def med(name: str, times: tuple[str, ...] = ("morning",), start: str = "2020-01-01"
        ) -> dict[str, Any]:
    return {"name": name, "times": list(times), "start": start, "end": None}


def codes(doc: dict[str, Any]) -> list[str]:
    return [f.code for f in check(doc, TODAY).findings]


def only(doc: dict[str, Any], code: str) -> Finding:
    (finding,) = [f for f in check(doc, TODAY).findings if f.code == code]
    return finding


# --------------------------------------------------------------------------- the story

STORY_MG = supplement("magnesium", 200, ("morning", "bedtime"), form="glycinate")
STORY_K = supplement("potassium", 99)


def test_story_regimen_exceeds_the_magnesium_upper_limit() -> None:
    finding = only(diary(regimen=[STORY_MG, STORY_K]), "above-upper-limit")
    assert finding.severity == "warning"
    assert finding.items == ["magnesium"]
    assert "400 mg" in finding.message
    assert "350 mg" in finding.message
    assert "200 mg x 2" in finding.message
    assert any("Magnesium" in s for s in finding.sources)


def test_story_later_calcium_alone_is_within_its_limit() -> None:
    calcium = supplement("calcium", 1000, start="2026-06-01")
    stopped = dict(STORY_MG, end="2026-06-01")
    assert "above-upper-limit" not in [
        f.code for f in check(diary(regimen=[stopped, calcium]), date(2026, 7, 1)).findings
    ]


def test_story_with_lisinopril_adds_hyperkalemia_risk() -> None:
    doc = diary(regimen=[STORY_MG, STORY_K], medications=[med("lisinopril")])
    finding = only(doc, "hyperkalemia-risk")
    assert finding.severity == "warning"
    assert finding.items == ["potassium", "lisinopril"]
    assert "ACE inhibitor" in finding.message


# --------------------------------------------------------------------------- upper limits


def test_calcium_food_plus_supplement_over_the_age_limit() -> None:
    doc = diary(regimen=[supplement("calcium carbonate", 1200, ("morning", "evening"))])
    finding = only(doc, "above-upper-limit")
    assert "2,400 mg" in finding.message
    assert "2,000 mg" in finding.message
    assert "all sources" in finding.message


def test_calcium_under_the_limit_of_a_younger_adult() -> None:
    doc = diary(regimen=[supplement("calcium", 1200, ("morning", "evening"))])
    doc["profile"]["birth_year"] = 1990  # 35-36: UL 2,500 mg
    assert "above-upper-limit" not in codes(doc)


def test_magnesium_at_the_limit_is_not_over() -> None:
    assert "above-upper-limit" not in codes(diary(regimen=[supplement("magnesium", 350)]))


def test_unknown_birth_year_says_the_magnesium_limit_applies_from_age_9() -> None:
    doc = diary(regimen=[STORY_MG])
    del doc["profile"]["birth_year"]
    message = only(doc, "above-upper-limit").message
    assert "The upper limit for adults (it applies from age 9) is 350 mg" in message
    assert "older adults" not in message


def test_unknown_birth_year_calcium_names_the_lowest_adult_band() -> None:
    doc = diary(regimen=[supplement("calcium", 1100, ("morning", "evening"))])
    del doc["profile"]["birth_year"]
    message = only(doc, "above-upper-limit").message
    assert "for adults aged 51 and over (the lowest adult limit" in message


def test_food_in_pieces_is_counted_and_unknown_units_read_cleanly() -> None:
    banana = {"item": "banana", "kind": "food", "dose": 1, "unit": "piece",
              "times": ["morning"], "start": "2026-03-01", "end": None}
    assert "not-counted" not in codes(diary(regimen=[banana]))
    milk = dict(banana, item="milk")
    message = only(diary(regimen=[milk]), "not-counted").message
    assert "give the amount in g or one of: cup (244 g)" in message
    assert "?." not in message and ".." not in message


def test_a_zero_dose_is_reported_as_dose_0() -> None:
    message = only(diary(regimen=[supplement("magnesium", 0)]), "not-counted").message
    assert "dose 0 mg" in message
    assert "no dose given" not in message


def test_dose_in_tablets_is_reported_not_counted() -> None:
    doc = diary(regimen=[supplement("magnesium", 2, unit="tablet")])
    finding = only(doc, "not-counted")
    assert "tablet" in finding.message
    assert "above-upper-limit" not in codes(doc)


# --------------------------------------------------------------------------- interactions


@pytest.mark.parametrize("name", ["Zestril", "LISINOPRIL 10mg", "losartan potassium 50 mg",
                                  "spironolactone", "Aldactone 25"])
def test_potassium_with_raas_drugs_by_generic_or_brand(name: str) -> None:
    finding = only(diary(regimen=[STORY_K], medications=[med(name)]), "hyperkalemia-risk")
    stored = {"Zestril": "zestril", "LISINOPRIL 10mg": "lisinopril",  # strength moved to dose
              "losartan potassium 50 mg": "losartan potassium"}.get(name, name.lower())
    assert finding.items == ["potassium", stored]
    assert finding.severity == "warning"


def test_potassium_with_kidney_disease_or_high_serum_potassium() -> None:
    doc = diary(regimen=[STORY_K])
    doc["profile"]["kidney_disease"] = True
    assert "kidney disease" in only(doc, "hyperkalemia-risk").message
    high = diary(regimen=[STORY_K], labs=[
        {"date": "2026-02-20", "test": "potassium", "value": 5.4, "unit": "mmol/L"}])
    assert "5.4 mmol/L" in only(high, "hyperkalemia-risk").message


def test_potassium_without_risk_factors_is_quiet() -> None:
    doc = diary(regimen=[STORY_K], medications=[med("atorvastatin")], labs=[
        {"date": "2026-02-20", "test": "potassium", "value": 4.1, "unit": "mmol/L"}])
    assert "hyperkalemia-risk" not in codes(doc)


def test_lisinopril_without_potassium_is_no_hyperkalemia_finding() -> None:
    assert "hyperkalemia-risk" not in codes(diary(medications=[med("lisinopril")]))


def test_potassium_chloride_prescribed_as_medication_counts_as_potassium() -> None:
    doc = diary(medications=[med("lisinopril"), med("Klor-Con 20 mEq")])
    assert only(doc, "hyperkalemia-risk").items == ["klor-con", "lisinopril"]


def test_calcium_with_thiazide() -> None:
    doc = diary(regimen=[supplement("calcium", 500)], medications=[med("hydrochlorothiazide")])
    finding = only(doc, "hypercalcemia-risk")
    assert finding.severity == "caution"
    assert "hypercalcemia-risk" not in codes(diary(regimen=[supplement("calcium", 500)],
                                                   medications=[med("furosemide")]))


def test_magnesium_with_kidney_disease() -> None:
    doc = diary(regimen=[supplement("magnesium", 100)])
    assert "hypermagnesemia-risk" not in codes(doc)
    doc["profile"]["kidney_disease"] = True
    assert only(doc, "hypermagnesemia-risk").severity == "warning"


def test_levothyroxine_and_calcium_need_four_hours() -> None:
    doc = diary(regimen=[supplement("calcium", 500, ("morning",))],
                medications=[med("Synthroid 100 mcg", ("morning",))])
    finding = only(doc, "spacing")
    assert finding.severity == "caution"
    assert "4 hours" in finding.message
    assert "same time (morning)" in finding.message


@pytest.mark.parametrize(("drug", "hours"), [("doxycycline", "2 to 3 hours"),
                                             ("ciprofloxacin", "2 hours before, or 6 hours"),
                                             ("moxifloxacin", "4 hours before, or 8 hours"),
                                             ("ofloxacin", "4 hours before, or 8 hours"),
                                             ("alendronate", "3 to 4 hours"),
                                             ("levothyroxine", "at least 4 hours apart")])
def test_magnesium_spacing_says_how_many_hours(drug: str, hours: str) -> None:
    doc = diary(regimen=[supplement("magnesium", 100)], medications=[med(drug)])
    assert hours in only(doc, "spacing").message


def test_no_spacing_without_a_binding_drug() -> None:
    doc = diary(regimen=[supplement("calcium", 500)], medications=[med("atorvastatin")])
    assert "spacing" not in codes(doc)


def test_vitamin_k_with_warfarin() -> None:
    doc = diary(regimen=[supplement("vitamin K2", 0.18, unit="mg")],
                medications=[med("Coumadin")])
    finding = only(doc, "vitamin-k-warfarin")
    assert finding.severity == "warning"
    assert finding.items == ["vitamin-k2", "coumadin"]
    assert "vitamin-k-warfarin" not in codes(diary(medications=[med("warfarin")]))


# --------------------------------------------------------------------------- medications


@pytest.mark.parametrize("name", ["quinine sulfate 324 mg", "Qualaquin"])
def test_any_quinine_is_a_warning_citing_the_fda(name: str) -> None:
    finding = only(diary(medications=[med(name)]), "quinine")
    assert finding.severity == "warning"
    assert "never suggests" in finding.message
    assert any("FDA" in s for s in finding.sources)


def test_quinine_taken_as_a_supplement_is_caught_but_tonic_water_food_is_not() -> None:
    doc = diary(regimen=[supplement("quinine", 200)])
    assert "quinine" in codes(doc)
    tonic = {"item": "tonic water", "kind": "food", "dose": 1, "unit": "cup",
             "times": ["evening"], "start": "2026-03-01", "end": None}
    assert "quinine" not in codes(diary(regimen=[tonic]))


def test_cramp_associated_drug_with_its_evidence() -> None:
    finding = only(diary(medications=[med("Aldactone", start="2025-09-01")]),
                   "cramp-associated-drug")
    assert finding.severity == "info"
    assert "2.12" in finding.message
    assert "1.61-2.78" in finding.message
    assert "within the past year" in finding.message
    assert any("Garrison" in s for s in finding.sources)
    assert "cramp-associated-drug" not in codes(diary(medications=[med("levothyroxine")]))


def test_unknown_medication_is_never_silently_safe() -> None:
    finding = only(diary(medications=[med("Lisinoprill 10 mg")]), "unknown-medication")
    assert finding.severity == "info"
    assert "does not know" in finding.message
    assert "not mean it is safe" in finding.message
    assert "lisinopril" in finding.message  # closest known name
    assert "unknown-medication" not in codes(diary(medications=[med("Lisinopril 10 mg")]))


def test_unknown_supplement_is_reported() -> None:
    doc = diary(regimen=[supplement("ashwagandha", 300)])
    assert only(doc, "unknown-supplement").items == ["ashwagandha"]
    assert "unknown-supplement" not in codes(diary(regimen=[supplement("magnesium", 100)]))


def test_unknown_form_says_how_the_dose_is_read_and_lists_known_forms() -> None:
    doc = diary(regimen=[supplement("calcium", 500, form="unobtainium")])
    finding = only(doc, "unknown-form")
    assert finding.severity == "info"
    assert finding.message.startswith(
        "crampwise does not know the form 'unobtainium' of calcium; the dose is taken to be "
        "elemental calcium."
    )
    assert "Known forms of calcium: carbonate, citrate." in finding.message
    assert [f.code for f in check_new_item(doc, TODAY, "calcium")] == ["unknown-form"]
    assert "unknown-supplement" not in codes(doc)


@pytest.mark.parametrize(("item", "form"), [("calcium", "carbonate"), ("magnesium", "Oxide"),
                                            ("magnesium", "epsom salt"), ("vitamin D", "D3"),
                                            ("potassium", None)])
def test_known_forms_are_quiet(item: str, form: str | None) -> None:
    extra = {"form": form} if form else {}
    assert "unknown-form" not in codes(diary(regimen=[supplement(item, 100, **extra)]))


def test_inactive_entries_are_ignored() -> None:
    ended = dict(STORY_K, end="2026-03-12")  # end is the first day without it
    assert "hyperkalemia-risk" not in codes(diary(regimen=[ended],
                                                  medications=[med("lisinopril")]))


# --------------------------------------------------------------------------- duplicates


def test_brand_and_generic_of_one_medicine_are_a_duplicate() -> None:
    doc = diary(medications=[med("lisinopril"), med("Zestril")])
    finding = only(doc, "duplicate-medication")
    assert finding.severity == "warning"
    assert finding.message.startswith(
        "Zestril is lisinopril, already on your list as lisinopril.")
    assert finding.items == ["zestril", "lisinopril"]
    assert "duplicate-medication" in {f.code for f in check_new_item(doc, TODAY, "Zestril")}
    reverse = only(diary(medications=[med("Zestril 10 mg", start="2019-01-01"),
                                      med("lisinopril")]), "duplicate-medication")
    assert reverse.message.startswith("Zestril is lisinopril, so lisinopril is already")


def test_a_combination_duplicates_its_single_ingredient() -> None:
    doc = diary(medications=[med("Hyzaar"), med("hydrochlorothiazide 25 mg")])
    assert "both contain hydrochlorothiazide" in only(doc, "duplicate-medication").message


@pytest.mark.parametrize("meds", [["lisinopril", "losartan"], ["lisinopril"],
                                  ["atorvastatin", "Lipitorr"]])
def test_different_medicines_are_no_duplicate(meds: list[str]) -> None:
    assert "duplicate-medication" not in codes(diary(medications=[med(m) for m in meds]))


def test_ended_entry_is_no_duplicate() -> None:
    ended = dict(med("lisinopril"), end="2026-03-01")
    assert "duplicate-medication" not in codes(diary(medications=[ended, med("Zestril")]))


def test_a_medicine_that_is_also_taken_as_a_supplement_is_a_duplicate() -> None:
    doc = diary(regimen=[STORY_K], medications=[med("potassium chloride 20 mEq")])
    finding = only(doc, "duplicate-medication")
    assert finding.severity == "warning"
    assert "are both potassium" in finding.message
    assert set(finding.items) == {"potassium", "potassium chloride"}
    two_meds = diary(medications=[med("Klor-Con 20 mEq"), med("potassium chloride")])
    assert "duplicate-medication" in codes(two_meds)


def test_supplements_alone_or_of_different_nutrients_are_no_duplicate() -> None:
    two_supplements = diary(regimen=[STORY_K, supplement("potassium gluconate", 99)])
    assert "duplicate-medication" not in codes(two_supplements)
    other = diary(regimen=[STORY_MG], medications=[med("potassium chloride 20 mEq")])
    assert "duplicate-medication" not in codes(other)


# --------------------------------------------------------------------------- labs


def test_lab_out_of_range_uses_the_labs_own_range() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "sodium", "value": 133, "unit": "mmol/L",
                       "range_low": 134, "range_high": 146}])
    finding = only(doc, "lab-out-of-range")
    assert finding.severity == "warning"
    assert "below" in finding.message
    assert "lab's own range" in finding.message
    assert "clinician soon" in finding.message
    assert finding.sources == []  # the range is the person's lab's, not ours
    ok = diary(labs=[{"date": "2026-02-20", "test": "sodium", "value": 136, "unit": "mmol/L",
                      "range_low": 134, "range_high": 146}])
    assert "lab-out-of-range" not in codes(ok)


def test_lab_out_of_range_converts_units_to_the_shipped_range() -> None:
    low_mg = diary(labs=[{"date": "2026-02-20", "test": "magnesium", "value": 1.5,
                          "unit": "mg/dL"}])  # 0.62 mmol/L < 0.70
    assert "below" in only(low_mg, "lab-out-of-range").message
    normal = diary(labs=[{"date": "2026-02-20", "test": "magnesium", "value": 2.0,
                          "unit": "mg/dL"}])
    assert "lab-out-of-range" not in codes(normal)


def test_any_value_outside_the_shipped_range_is_a_warning_in_the_canonical_unit() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "calcium", "value": 11.5,
                       "unit": "mg/dL"}])
    finding = only(doc, "lab-out-of-range")
    assert finding.severity == "warning"
    assert "calcium 11.5 mg/dL (= 2.87 mmol/L)" in finding.message
    assert "above the range 2.12-2.55 mmol/L (a typical adult range" in finding.message
    assert "mg/dL (" not in finding.message.split("range", 1)[1]  # no converted mg/dL range
    assert len(finding.sources) == 1 and "MedlinePlus" in finding.sources[0]


def test_own_range_is_shown_in_the_unit_it_was_entered_in() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "calcium", "value": 10.9, "unit": "mg/dL",
                       "range_low": 8.6, "range_high": 10.3}])
    finding = only(doc, "lab-out-of-range")
    assert "calcium 10.9 mg/dL on 2026-02-20 is above the range 8.6-10.3 mg/dL" in finding.message
    assert "mmol/L" not in finding.message


def test_low_potassium_cites_the_range_source_not_hyperkalaemia() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "potassium", "value": 3.0,
                       "unit": "mmol/L"}])
    finding = only(doc, "lab-out-of-range")
    assert finding.severity == "warning"
    assert "below the range 3.7-5.2 mmol/L" in finding.message
    assert not any("Palmer" in s or "HL7" in s for s in finding.sources)
    assert any("MedlinePlus" in s for s in finding.sources)


def test_very_high_potassium_is_urgent_even_in_mg_per_dl() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "potassium", "value": 23.5,
                       "unit": "mg/dL"}])  # 6.0 mmol/L
    finding = only(doc, "lab-out-of-range")
    assert finding.severity == "urgent"
    assert "today" in finding.message
    assert "(= 6.01 mmol/L)" in finding.message
    assert any("Palmer" in s for s in finding.sources)
    assert not any("HL7" in s for s in finding.sources)


def test_only_the_latest_lab_counts() -> None:
    doc = diary(labs=[
        {"date": "2026-01-10", "test": "potassium", "value": 5.9, "unit": "mmol/L"},
        {"date": "2026-02-20", "test": "potassium", "value": 4.2, "unit": "mmol/L"},
    ])
    assert "lab-out-of-range" not in codes(doc)


def test_unknown_lab_unit_is_refused_where_it_enters() -> None:
    doc = diary(labs=[{"date": "2026-02-20", "test": "potassium", "value": 4, "unit": "g/L"}])
    with pytest.raises(InputError, match="mmol/L"):
        check(doc, TODAY)


# --------------------------------------------------------------------------- red flags


def test_red_flag_answer_yes_means_see_a_clinician() -> None:
    doc = diary(red_flags=[{"date": "2026-03-01", "flag": "one-sided-calf-swelling-warmth",
                            "present": True}])
    finding = only(doc, "red-flag")
    assert finding.severity == "urgent"
    assert finding.items == ["one-sided-calf-swelling-warmth"]
    later_no = diary(red_flags=[
        {"date": "2026-03-01", "flag": "leg-swelling", "present": True},
        {"date": "2026-03-05", "flag": "leg-swelling", "present": False},
    ])
    assert "red-flag" not in codes(later_no)


def test_a_cramp_over_ten_minutes_is_a_red_flag() -> None:
    long = diary(episodes=[{"night": "2026-03-02", "duration_min": 14}])
    finding = only(long, "red-flag")
    assert finding.items == ["cramp-over-10-min"]
    assert "14 minutes" in finding.message
    short = diary(episodes=[{"night": "2026-03-02", "duration_min": 3}])
    assert "red-flag" not in codes(short)


def test_an_old_passing_sign_is_asked_again_and_a_lasting_one_stays() -> None:
    passing = diary(red_flags=[{"date": "2025-06-01", "flag": "dark-urine-muscle-pain",
                                "present": True}])
    report = check(passing, TODAY)
    assert "red-flag" not in [f.code for f in report.findings]
    (asked,) = [q for q in report.questions if q.flag.id == "dark-urine-muscle-pain"]
    assert asked.why == "you answered yes on 2025-06-01; is it still so?"
    lasting = diary(red_flags=[{"date": "2025-06-01", "flag": "muscle-weakness",
                                "present": True}])
    assert only(lasting, "red-flag").items == ["muscle-weakness"]


def test_unknown_red_flag_id_is_an_input_error() -> None:
    with pytest.raises(InputError, match="red_flags"):
        check(diary(red_flags=[{"date": "2026-03-01", "flag": "nope", "present": True}]), TODAY)


# --------------------------------------------------------------------------- report API


def test_report_sorted_and_serialised() -> None:
    doc = diary(regimen=[STORY_MG, STORY_K], medications=[med("Zestril")],
                red_flags=[{"date": "2026-03-01", "flag": "leg-swelling", "present": True}])
    report = check(doc, TODAY)
    severities = [f.severity for f in report.findings]
    order = list(safety.SEVERITIES)
    assert severities == sorted(severities, key=order.index, reverse=True)
    data = report.to_dict()
    assert set(data) >= {"findings", "disclaimer"}
    assert all(set(f) == {"code", "severity", "message", "items", "sources"}
               for f in data["findings"])
    text = report.to_text()
    assert "WARNING  above-upper-limit" in text
    assert "not medical advice" in text


def test_empty_diary_has_no_findings() -> None:
    report = check(diary(), TODAY)
    assert report.findings == ()
    assert "No safety findings" in report.to_text()


def test_check_new_item_returns_only_findings_about_that_item() -> None:
    doc = diary(regimen=[STORY_MG, STORY_K], medications=[med("Zestril")])
    new = check_new_item(doc, TODAY, "zestril")
    assert {f.code for f in new} == {"hyperkalemia-risk", "cramp-associated-drug"}
    assert [f.code for f in check_new_item(doc, TODAY, "magnesium")] == ["above-upper-limit"]


def test_every_rule_is_pure_and_listed() -> None:
    assert len(safety.RULES) == len(set(safety.RULES)) >= 15
    ctx = safety.SafetyContext.from_data(load_diary_data(diary(regimen=[STORY_MG]),
                                                        today=TODAY), TODAY)
    assert [r(ctx) for r in safety.RULES] == [r(ctx) for r in safety.RULES]


def test_finding_rejects_unknown_severity() -> None:
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "severe", "m", [], [])


# --------------------------------------------------------------------------- through the Tracker


def test_tracker_safety_reads_the_snapshot_not_the_export(
    tracker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """safety(), nutrition() and the hint after adding an item read the typed snapshot."""
    from crampwise.tracker import Tracker

    def no_export(self: Tracker) -> dict[str, Any]:
        raise AssertionError("safety must not export the diary")

    monkeypatch.setattr(Tracker, "export_diary", no_export)
    tracker.context.set_profile(birth_year=1958, sex="female")
    tracker.regimen.start("magnesium glycinate 200 mg", times=["morning", "bedtime"],
                          date="2026-03-01")
    tracker.regimen.start("potassium", dose=99, unit="mg", times=["bedtime"], date="2026-03-01")
    tracker.regimen.add_medication("Lisinopril 10mg", start="2026-01-01")
    assert [f.code for f in tracker.safety_for_new_item("lisinopril")] == [
        "hyperkalemia-risk", "cramp-associated-drug"]
    codes_now = [f.code for f in tracker.safety().findings]
    assert codes_now[:2] == ["above-upper-limit", "hyperkalemia-risk"]
    assert tracker.nutrition().nutrients["magnesium"].supplements == 400


def test_tracker_safety_on_an_earlier_day_sees_that_days_regimen_and_episodes(
    tracker: Any,
) -> None:
    tracker.regimen.start("magnesium", dose=400, unit="mg", date="2026-01-01")
    tracker.regimen.stop("magnesium", date="2026-02-01")
    tracker.diary.log_episode(night="2025-11-20", duration_min=15)
    assert "above-upper-limit" not in [f.code for f in tracker.safety().findings]
    then = tracker.safety(date(2026, 1, 15)).findings
    assert {"above-upper-limit", "red-flag"} <= {f.code for f in then}
    # the long cramp is 105 days before today: outside the window, so not raised now
    assert "red-flag" not in [f.code for f in tracker.safety().findings]
