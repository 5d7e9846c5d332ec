"""Validate every shipped non-food reference table: schema, ids, cross-references, sources."""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files

import pytest

from crampwise import knowledge as kb
from crampwise.errors import UnknownNameError
from crampwise.knowledge import names as kn
from crampwise.vocab import LAB_TESTS, MUSCLES

SCHEMAS: dict[str, tuple[str, ...]] = {
    "sources": ("key", "citation", "locator"),
    "nutrients": ("id", "name", "unit", "mg_per_mmol", "valence", "iu_per_mcg", "aliases",
                  "source"),
    "supplement_forms": ("id", "nutrient", "form", "formula", "elemental_fraction", "aliases",
                         "source", "note"),
    "nutrient_limits": ("nutrient", "sex", "state", "age_min", "age_max", "reference_kind",
                        "reference_amount", "upper_limit", "ul_scope", "limit_kind", "unit",
                        "source", "note"),
    "drug_classes": ("id", "name", "cramp_grade", "effect_measure", "effect", "ci_low",
                     "ci_high", "cramp_note", "replaces", "source"),
    "drugs": ("id", "generic", "classes", "brands", "aliases", "cramp_grade", "cramp_note",
              "source"),
    "products": ("id", "name", "ingredients", "other_ingredients", "brands", "aliases",
                 "classes", "source"),
    "mineral_products": ("name", "nutrient", "form", "prescription", "source"),
    "interactions": ("id", "nutrient", "target_kind", "target", "code", "severity",
                     "hours_before", "hours_after", "message", "source"),
    "labs": ("test", "name", "loinc", "loinc_note", "canonical_unit", "range_low",
             "range_high", "range_source", "urgent_low", "urgent_high", "urgent_source",
             "range_note", "plausible_low", "plausible_high", "plausible_source",
             "plausible_note", "source"),
    "lab_units": ("test", "unit", "to_canonical", "loinc", "source"),
    "red_flags": ("id", "question", "urgency", "severity", "lasting", "message", "source"),
    "stretches": ("id", "muscle", "name", "when", "instructions", "hold_seconds",
                  "repetitions", "evidence", "source"),
    "diagnosis_codes": ("system", "code", "display", "note", "source"),
    "fhir_codes": ("use", "key", "system", "code", "display", "unit", "source"),
    "interventions": ("id", "item", "kind", "washout_days", "aliases", "basis", "source"),
}

#: Columns that identify a row (must be unique) and columns that must never be empty.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("key",), "nutrients": ("id",), "supplement_forms": ("id",),
    "nutrient_limits": ("nutrient", "sex", "state", "age_min"), "drug_classes": ("id",),
    "drugs": ("id",), "products": ("id",), "mineral_products": ("name",),
    "interactions": ("id",), "labs": ("test",),
    "lab_units": ("test", "unit"), "red_flags": ("id",), "stretches": ("id",),
    "diagnosis_codes": ("system", "code"),
    "fhir_codes": ("use", "key"),
    "interventions": ("id",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "sources": ("key", "citation", "locator"),
    "nutrients": ("id", "name", "unit"),
    "supplement_forms": ("nutrient", "form", "formula", "elemental_fraction"),
    "nutrient_limits": ("nutrient", "sex", "age_min", "ul_scope", "unit"),
    "drug_classes": ("id", "name"),
    "drugs": ("id", "generic"),
    "products": ("id", "name", "brands"),
    "mineral_products": ("name", "nutrient", "form", "prescription"),
    "interactions": ("nutrient", "target_kind", "target", "code", "severity", "message"),
    "labs": ("name", "canonical_unit", "plausible_low", "plausible_high", "plausible_source",
             "plausible_note"),
    "lab_units": ("to_canonical",),
    "red_flags": ("question", "urgency", "severity", "lasting", "message"),
    "stretches": ("muscle", "name", "when", "instructions", "evidence"),
    "diagnosis_codes": ("display",),
    "fhir_codes": ("system", "code", "display"),
    "interventions": ("item", "kind", "washout_days", "basis"),
}

RED_FLAG_IDS = {
    "cramp-over-10-min", "after-wound-or-toxin", "leg-numbness", "leg-swelling",
    "muscle-wasting", "muscle-weakness", "swelling-redness-skin-change",
    "one-sided-calf-swelling-warmth", "calf-pain-walking-relieved-by-rest", "tingling-burning",
    "urge-to-move", "many-muscles-twitching", "new-medication", "quinine-bleeding",
    "sleep-disturbed-often", "breathless-or-chest-pain", "long-journey", "recent-surgery",
    "dark-urine-muscle-pain", "cold-pale-painful-leg", "rest-pain-foot", "non-healing-wound",
    "palpitations", "hand-face-spasm", "cramps-outside-legs",
}
INTERACTION_CODES = {
    "hyperkalemia-risk", "hypercalcemia-risk", "hypermagnesemia-risk", "spacing",
    "vitamin-k-warfarin",
}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize("table", kb.TABLES)
def test_schema_ids_required_and_sources(table: str) -> None:
    rows = kb.read_table(table)
    assert rows, f"{table} is empty"
    assert tuple(rows[0]) == SCHEMAS[table], f"{table}: columns changed"
    keys = Counter(tuple(r[c] for c in KEYS[table]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == [], f"{table}: duplicate ids"
    known_sources = set(kb.sources())
    for i, row in enumerate(rows):
        where = f"{table}.csv row {i + 2}"
        assert None not in row.values(), f"{where}: wrong number of cells"
        for column in REQUIRED[table]:
            assert row[column], f"{where}: {column} is empty"
        if table != "sources":
            cited = [k.strip() for k in row["source"].split(";") if k.strip()]
            assert cited, f"{where}: no source"
            assert set(cited) <= known_sources, f"{where}: unknown source {cited}"
        if "id" in row:
            assert KEBAB.match(row["id"]), f"{where}: id {row['id']!r} is not kebab-case"


def test_every_source_key_is_cited_and_documented() -> None:
    used = {
        key.strip()
        for table in kb.TABLES if table != "sources"
        for row in kb.read_table(table)
        for key in row["source"].split(";")
    } | {"usda-sr28", "ifct2017", "usda-fdc"}  # food tables' rows cite these (test_foods.py)
    assert set(kb.sources()) == used, "sources.csv has unused keys or misses used ones"
    text = (files("crampwise.knowledge") / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert text.startswith("# Sources of the shipped reference data")
    for key in kb.sources():
        assert f"`{key}`" in text, f"SOURCES.md does not describe {key}"


def test_loaders_build_typed_records() -> None:
    assert kb.nutrients()["magnesium"].unit == "mg"
    assert kb.labs()["potassium"].units["mEq/L"] == 1.0
    assert len(kb.drugs()) == len(kb.read_table("drugs"))
    assert all(isinstance(f.elemental_fraction, float) for f in kb.supplement_forms())
    assert kb.diagnosis_codes()
    assert kb.stretches()
    assert kb.red_flags()
    assert kb.interactions()


def test_supplement_forms_refer_to_nutrients_and_fractions_are_fractions() -> None:
    for form in kb.supplement_forms():
        assert form.nutrient in kb.nutrients()
        assert 0 < form.elemental_fraction < 1
    required = {("magnesium", "oxide"), ("magnesium", "citrate"), ("magnesium", "glycinate"),
                ("calcium", "carbonate"), ("calcium", "citrate"), ("potassium", "chloride"),
                ("potassium", "citrate"), ("potassium", "gluconate")}
    assert required <= {(f.nutrient, f.form) for f in kb.supplement_forms()}


def test_elemental_fractions_match_atomic_weights() -> None:
    # Recomputed here from IUPAC atomic weights so a typo in the CSV cannot slip through.
    mg, ca, k = 24.305, 40.078, 39.098
    c, h, o, n, cl, s = 12.011, 1.008, 15.999, 14.007, 35.45, 32.06
    citrate, water = 6 * c + 5 * h + 7 * o, 2 * h + o
    expected = {
        "magnesium-oxide": mg / (mg + o),
        "magnesium-citrate": 3 * mg / (3 * mg + 2 * citrate),
        "magnesium-glycinate": mg / (4 * c + 8 * h + mg + 2 * n + 4 * o),
        "magnesium-sulfate": mg / (mg + s + 4 * o + 7 * water),
        "magnesium-lactate": mg / (mg + 2 * (3 * c + 5 * h + 3 * o) + 2 * water),
        "calcium-carbonate": ca / (ca + c + 3 * o),
        "calcium-citrate": 3 * ca / (3 * ca + 2 * citrate + 4 * water),
        "potassium-chloride": k / (k + cl),
        "potassium-citrate": 3 * k / (3 * k + citrate + water),
        "potassium-gluconate": k / (6 * c + 11 * h + k + 7 * o),
    }
    table = {f.id: f.elemental_fraction for f in kb.supplement_forms()}
    for form_id, fraction in expected.items():
        assert table[form_id] == pytest.approx(fraction, abs=0.0006), form_id


def test_nutrient_limits_are_consistent_and_bands_do_not_overlap() -> None:
    nutrients = kb.nutrients()
    for row in kb.nutrient_limits():
        assert row.nutrient in nutrients
        assert row.unit == nutrients[row.nutrient].unit
        assert row.sex in ("any", "female", "male")
        assert row.ul_scope in ("supplements", "total", "none")
        assert (row.upper_limit is None) == (row.ul_scope == "none")
        assert (row.reference_amount is None) == (row.reference_kind is None)
        assert row.age_max is None or row.age_min <= row.age_max
    for nutrient in {r.nutrient for r in kb.nutrient_limits()}:
        for sex in ("female", "male"):
            for age in range(121):
                assert len(kb.limit_rows(nutrient, age, sex)) <= 1, (nutrient, sex, age)


def test_key_limits_match_the_reference() -> None:
    def ul(nutrient: str, age: int, sex: str) -> float | None:
        (row,) = kb.limit_rows(nutrient, age, sex)
        return row.upper_limit

    assert ul("magnesium", 67, "female") == 350
    assert ul("magnesium", 40, "male") == 350
    assert ul("calcium", 45, "female") == 2500
    assert ul("calcium", 51, "male") == 2000
    assert ul("calcium", 80, "female") == 2000
    assert ul("calcium", 15, "male") == 3000
    assert ul("potassium", 60, "female") is None
    (mg,) = kb.limit_rows("magnesium", 67, "female")
    assert mg.ul_scope == "supplements"
    assert mg.reference_amount == 320
    (ca,) = kb.limit_rows("calcium", 67, "female")
    assert ca.ul_scope == "total"
    assert ca.reference_amount == 1200


def test_products_and_mineral_products_resolve() -> None:
    for product in kb.products().values():
        assert set(product.ingredients) <= set(kb.drugs()), product.id
        assert product.ingredients, product.id
        assert set(product.classes) <= set(kb.drug_classes()), product.id
        assert not set(product.other_ingredients) & set(kb.drugs()), product.id
    for brand in kb.mineral_products():
        assert kb.find_supplement_form(brand.nutrient, brand.form) is not None, brand.name
    for cls in kb.drug_classes().values():
        assert set(cls.replaces) <= set(kb.drug_classes()), cls.id
    # each combination the safety review named resolves to all of its ingredients
    combos = {"Diovan HCT": {"valsartan", "hydrochlorothiazide"},
              "Aldactazide": {"spironolactone", "hydrochlorothiazide"},
              "Moduretic": {"amiloride", "hydrochlorothiazide"},
              "co-amilofruse": {"amiloride", "furosemide"},
              "Entresto": {"sacubitril", "valsartan"},
              "Coversyl Plus": {"perindopril", "indapamide"},
              "Trelegy": {"fluticasone", "umeclidinium", "vilanterol"},
              "Vytorin": {"ezetimibe", "simvastatin"}}
    for name, ingredients in combos.items():
        assert {d.id for d in kb.match_medication(name).drugs} == ingredients, name


def test_drugs_and_classes_cross_reference() -> None:
    classes = kb.drug_classes()
    for drug in kb.drugs().values():
        assert set(drug.classes) <= set(classes), drug.id
        if drug.cramp is not None:
            assert drug.cramp.grade in "ABCD"
    for cls in classes.values():
        if cls.cramp is not None:
            ev = cls.cramp
            assert ev.grade in "ABCD"
            if ev.effect is not None:
                assert ev.ci_low is not None
                assert ev.ci_high is not None
                assert ev.ci_low <= ev.effect <= ev.ci_high
    # Every name people may type points at exactly one drug or product.
    names = Counter(
        name
        for d in kb.drugs().values()
        for name in {kn._norm(n) for n in (d.id, d.generic, *d.brands, *d.aliases)}
    )
    names.update(
        name
        for p in kb.products().values()
        for name in {kn._norm(n) for n in (p.id, p.name, *p.brands, *p.aliases)}
    )
    assert [n for n, count in names.items() if count > 1] == []
    # Nothing maps to both a drug and a nutrient (medications that are supplements).
    assert not {n for n in names if kn._norm(n) in kn._nutrient_index()}


def test_garrison_ratios_match_the_paper() -> None:
    classes = kb.drug_classes()
    ratios = {cid: (c.cramp.effect, c.cramp.ci_low, c.cramp.ci_high)
              for cid, c in classes.items() if c.cramp is not None and c.cramp.effect is not None}
    assert ratios == {
        "potassium-sparing-diuretic": (2.12, 1.61, 2.78),
        "thiazide-diuretic": (1.48, 1.29, 1.68),
        "loop-diuretic": (1.20, 1.00, 1.44),
        "laba": (2.17, 1.56, 3.02),
        "laba-ics": (2.55, 2.06, 3.12),
        "statin": (1.16, 1.04, 1.29),
    }


def test_interactions_resolve() -> None:
    for ix in kb.interactions():
        assert ix.nutrient in kb.nutrients(), ix.id
        assert ix.code in INTERACTION_CODES, ix.id
        assert ix.severity in kb.SEVERITIES, ix.id
        if ix.target_kind == "class":
            assert ix.target in kb.drug_classes(), ix.id
        elif ix.target_kind == "drug":
            assert ix.target in kb.drugs(), ix.id
        elif ix.target_kind == "lab-high":
            assert ix.target in kb.labs(), ix.id
        else:
            assert ix.target_kind == "condition", ix.id
            assert ix.target in ("kidney-reduced", "kidney-severe"), ix.id
        placeholders = set(re.findall(r"{(\w*)}", ix.message))
        assert placeholders <= {"drug", "supplement", "advice"}, ix.id
        # the advice differs for a prescribed potassium (K-Tab) and a supplement: {advice}
        if ix.code in ("hyperkalemia-risk", "hypermagnesemia-risk") and ix.severity == "warning":
            assert "{advice}" in ix.message, ix.id
        if ix.target_kind in ("lab-high", "condition"):
            assert "{advice}" in ix.message, ix.id
        if ix.code == "spacing":
            assert ix.hours_before is not None, ix.id
            assert "hour" in ix.message, ix.id
    required = {("potassium", "ace-inhibitor"), ("potassium", "arb"),
                ("potassium", "potassium-sparing-diuretic"), ("calcium", "thiazide-diuretic"),
                ("vitamin-k", "vitamin-k-antagonist")}
    required |= {(n, c) for n in ("calcium", "magnesium")
                 for c in ("tetracycline", "quinolone", "bisphosphonate", "thyroid-hormone")}
    assert required <= {(ix.nutrient, ix.target) for ix in kb.interactions()}


def test_labs_cover_the_vocabulary_with_conversions() -> None:
    labs = kb.labs()
    assert set(labs) == set(LAB_TESTS)
    for test, units in LAB_TESTS.items():
        spec = labs[test]
        assert spec.canonical_unit == units[0], test
        assert set(spec.units) == set(units), test
        assert spec.units[units[0]] == 1.0, test
        assert all(f > 0 for f in spec.units.values())
        if spec.loinc:
            assert re.match(r"^\d{1,5}-\d$", spec.loinc), test
        if spec.range_low is not None and spec.range_high is not None:
            assert spec.range_low < spec.range_high, test
    assert labs["potassium"].loinc == "2823-3"
    assert kb.convert_lab("magnesium", 2.0, "mg/dL") == pytest.approx(0.8228)
    assert kb.convert_lab("calcium", 10.0, "mg/dL") == pytest.approx(2.495)


def test_lab_columns_say_which_source_backs_which_value() -> None:
    for row in kb.read_table("labs"):
        test, cited = row["test"], set(row["source"].split(";"))
        for column, values in (("range_source", ("range_low", "range_high")),
                               ("urgent_source", ("urgent_low", "urgent_high"))):
            keys = {k for k in row[column].split(";") if k}
            assert keys <= cited, (test, column)
            assert bool(keys) == any(row[v] for v in values), (test, column)
        assert row["plausible_source"] == "crampwise-authors", test
        assert "typing or unit mistake" in row["plausible_note"], test
    potassium = kb.labs()["potassium"]
    assert potassium.range_sources == ("medlineplus-labs",)  # not HL7 value sets, not Palmer
    assert potassium.urgent_sources == ("palmer-2004", "statpearls-hypokalemia")


def test_plausible_bounds_are_wide_and_contain_every_shipped_range() -> None:
    for spec in kb.labs().values():
        low, high = spec.plausible_low, spec.plausible_high
        assert low is not None and high is not None, spec.test
        assert 0 < low < high, spec.test
        if spec.range_low is not None and spec.range_high is not None:
            assert low < spec.range_low * 0.8 and high > spec.range_high * 1.2, spec.test
        if spec.urgent_high is not None:
            assert spec.urgent_high < high, spec.test
    bounds = {t: (s.plausible_low, s.plausible_high) for t, s in kb.labs().items()}
    assert bounds["potassium"] == (1.5, 10)
    assert bounds["creatinine"] == (10, 3000)


@pytest.mark.parametrize(("test", "value", "unit"), [
    ("potassium", 4.1, "mmol/L"), ("potassium", 16, "mg/dL"), ("potassium", 2.9, "mEq/L"),
    ("sodium", 139, "mmol/L"), ("magnesium", 2.0, "mg/dL"), ("magnesium", 0.8, "mmol/L"),
    ("calcium", 9.4, "mg/dL"), ("calcium", 15, "mg/dL"), ("calcium-ionized", 1.2, "mmol/L"),
    ("creatinine", 1.1, "mg/dL"), ("creatinine", 90, "umol/L"), ("egfr", 75, "mL/min/1.73m2"),
    ("vitamin-d", 30, "ng/mL"), ("tsh", 2.1, "mIU/L"), ("glucose", 95, "mg/dL"),
    ("ck", 150, "U/L"), ("ferritin", 80, "ug/L"), ("zinc", 85, "ug/dL"),
    ("albumin", 4.2, "g/dL"), ("phosphate", 1.1, "mmol/L"),
])  # fmt: skip
def test_plausible_lab_accepts_real_results_including_abnormal_ones(
    test: str, value: float, unit: str
) -> None:
    assert kb.plausible_lab(test, value, unit) is None


def test_plausible_lab_names_the_likely_unit_mistake() -> None:
    assert kb.plausible_lab("potassium", 4.1, "mg/dL") == (
        "potassium 4.1 mg/dL is 1.05 mmol/L, which is not a plausible result; "
        "did you mean 4.1 mmol/L?"
    )
    assert kb.plausible_lab("calcium", 9.4, "mmol/L") == (
        "calcium 9.4 mmol/L is not a plausible result; did you mean 9.4 mg/dL?"
    )
    glucose = kb.plausible_lab("glucose", 95, "mmol/L")
    assert glucose is not None and glucose.endswith("did you mean 95 mg/dL?")
    # no shipped adult range: the unit in which the number is plausible at all
    creatinine = kb.plausible_lab("creatinine", 1.1, "umol/L")
    assert creatinine is not None and creatinine.endswith("did you mean 1.1 mg/dL?")


def test_plausible_lab_without_a_better_unit_says_check_it() -> None:
    message = kb.plausible_lab("potassium", 41, "mmol/L")
    assert message == (
        "potassium 41 mmol/L is not a plausible result (expected 1.5-10 mmol/L); "
        "please check the number and the unit."
    )
    assert kb.plausible_lab("egfr", 0, "mL/min/1.73m2") is not None
    assert kb.plausible_lab("sodium", float("nan"), "mmol/L") is not None
    assert kb.plausible_lab("sodium", -140, "mmol/L") is not None


def test_plausible_lab_rejects_unknown_tests_and_units() -> None:
    with pytest.raises(UnknownNameError):
        kb.plausible_lab("potasium", 4.1, "mmol/L")
    with pytest.raises(UnknownNameError, match="mmol/L"):
        kb.plausible_lab("potassium", 4.1, "g/L")


def test_name_matching_lives_in_names_and_is_re_exported() -> None:
    for name in kn.__all__:
        assert getattr(kb, name) is getattr(kn, name), name
        assert name in kb.__all__, name
    assert kb.match_medication("Zestril").drugs[0].generic == "lisinopril"
    assert kb.find_supplement_form("calcium", "carbonate") is not None
    assert kb.find_supplement_form("calcium", "unobtainium") is None
    assert [f.form for f in kb.supplement_forms_of("calcium")] == ["carbonate", "citrate"]
    assert kb.is_nutrient_name("D3", "vitamin-d")
    assert not kb.is_nutrient_name("calcium unobtainium", "calcium")


@pytest.mark.parametrize("first", ["crampwise.knowledge.names", "crampwise.knowledge"])
def test_either_module_can_be_imported_first(first: str) -> None:
    import subprocess
    import sys

    code = f"import {first}; from crampwise.knowledge import match_nutrient; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"


def test_red_flags_are_exactly_the_agreed_ids() -> None:
    flags = kb.red_flags()
    assert set(flags) == RED_FLAG_IDS
    for flag in flags.values():
        assert flag.urgency in ("emergency", "same-day", "soon", "discuss", "context")
        assert flag.severity in kb.SEVERITIES
        assert flag.question.endswith("?")
        assert (flag.urgency in ("emergency", "same-day")) == (flag.severity == "urgent")
        assert (flag.urgency == "context") == (flag.severity == "info")
    assert flags["muscle-weakness"].lasting and not flags["cramp-over-10-min"].lasting


def test_stretches_name_known_muscles_and_cover_the_issue_list() -> None:
    for stretch in kb.stretches():
        assert stretch.muscle in MUSCLES, stretch.id
        assert stretch.when in ("bedtime", "during-cramp")
    covered = {s.muscle for s in kb.stretches() if s.when == "bedtime"}
    assert {"inner-thigh", "calf", "hamstring", "quadriceps", "foot"} <= covered


def test_diagnosis_codes() -> None:
    codes = {(d.system, d.code): d.display for d in kb.diagnosis_codes()}
    assert codes[("ICD-10-CM", "G47.62")] == "Sleep related leg cramps"
    assert ("ICD-10-CM", "R25.2") in codes


def test_tables_are_not_read_at_import_time() -> None:
    import subprocess
    import sys

    code = (
        "import crampwise.knowledge as kb, sys;"
        "assert kb._raw_table.cache_info().currsize == 0;"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize(("stored", "shown"), [
    ("vitamin-d3", "vitamin D3"), ("vitamin-d", "vitamin D"), ("vitamin-k2", "vitamin K2"),
    ("magnesium-oxide", "magnesium oxide"), ("k-tab", "K-Tab"), ("slow-mag", "Slow-Mag"),
    ("diovan hct 160/12.5", "Diovan HCT 160/12.5"), ("hyzaar 50-12.5", "Hyzaar 50-12.5"),
    ("co-amilofruse", "co-amilofruse"), ("cozaar", "Cozaar"), ("lisinopril", "lisinopril"),
    ("d3", "D3"), ("coconut water", "coconut water"), ("mag-glycinate", "mag glycinate"),
    ("cipro xr", "Cipro XR"), ("klor-con m20", "Klor-Con M20"),
])
def test_display_name_writes_stored_names_as_people_do(stored: str, shown: str) -> None:
    assert kb.display_name(stored) == shown


@pytest.mark.parametrize(("typed", "ingredients"), [
    ("Diovan HCT 160/12.5", {"valsartan", "hydrochlorothiazide"}),
    ("Exforge HCT 10/320/25 mg", {"valsartan", "hydrochlorothiazide"}),
    ("Trelegy Ellipta 100/62.5/25 mcg", {"fluticasone", "umeclidinium", "vilanterol"}),
    ("metoprolol succinate ER 25 mg", {"metoprolol"}),
])
def test_a_strength_after_a_medicine_is_not_an_ingredient(
    typed: str, ingredients: set[str]
) -> None:
    match = kb.match_medication(typed)
    assert {d.id for d in match.drugs} == ingredients
    assert all("/" not in part and not part[:1].isdigit() for part in match.unknown_parts)
