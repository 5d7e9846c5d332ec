"""FHIR R4 export: the bundle validates against the R4B models of ``fhir.resources`` and
carries the codes of knowledge/data/fhir_codes.csv (each cited there)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.conftest import AFTER_DEMO, NOW


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _codes(concept: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


def test_the_demo_diary_exports_a_valid_r4_bundle(cli: Any, tmp_path: Path) -> None:
    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    out = tmp_path / "diary.fhir.json"
    code, _, err = cli("export", "--format", "fhir", "--out", str(out), now=AFTER_DEMO)
    assert code == 0, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    bundle = Bundle.model_validate(doc)  # raises on anything R4(B) does not allow
    assert bundle.type == "collection"
    kinds = Counter(e.resource.get_resource_type() for e in bundle.entry)
    assert kinds["Patient"] == 1 and kinds["Condition"] == 1

    _, summary, _ = cli("summary", "--json", now=AFTER_DEMO)
    facts = json.loads(summary)
    _, exported, _ = cli("export", now=AFTER_DEMO)
    diary = json.loads(exported)
    observations = _resources(doc, "Observation")
    nightly = [o for o in observations if "valueInteger" in o]
    assert len(nightly) == facts["nights_observed"]
    assert sum(o["valueInteger"] for o in nightly) == facts["cramps"]
    episodes = [o for o in observations if "valueInteger" not in o and "category" not in o]
    assert len(episodes) == len(diary["episodes"])
    assert all(("http://snomed.info/sct", "55300003") in _codes(o["code"]) for o in episodes)

    (condition,) = _resources(doc, "Condition")
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "G47.62") in _codes(condition["code"])
    assert condition["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert condition["subject"]["reference"] == doc["entry"][0]["fullUrl"]

    statements = _resources(doc, "MedicationStatement")
    names = {s["medicationCodeableConcept"]["text"] for s in statements}
    supplements = {
        f"{r['item']} ({r['form']})" if "form" in r else r["item"]
        for r in diary["regimen"]
        if r["kind"] == "supplement"
    }
    assert names == supplements | {m["name"] for m in diary["medications"]}


def test_codes_units_periods_and_components(cli: Any) -> None:
    """One of each: a cramp with every detail, a lab in mg/dL written in mmol/L under the
    molar LOINC code, a supplement that ended (FHIR periods end on their last day)."""
    for args in (
        ("profile", "set", "--sex", "female", "--birth-year", "1958"),
        (
            "log",
            "--at",
            "03:10",
            "--side",
            "left",
            "--muscle",
            "calf",
            "--severity",
            "8",
            "--duration",
            "3",
            "--waves",
            "2",
            "--woke",
        ),
        ("lab", "add", "calcium", "9.6", "mg/dL", "--date", "2026-03-01"),
        (
            "regimen",
            "start",
            "magnesium",
            "--dose",
            "200",
            "--unit",
            "mg",
            "--times",
            "morning,bedtime",
            "--date",
            "2026-02-01",
        ),
        ("regimen", "stop", "magnesium", "--date", "2026-03-03"),
    ):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    code, out, err = cli("export", "--format", "fhir")
    assert code == 0, err
    doc = json.loads(out)
    Bundle.model_validate(doc)
    (patient,) = _resources(doc, "Patient")
    assert patient["gender"] == "female" and patient["birthDate"] == "1958"

    (lab,) = [o for o in _resources(doc, "Observation") if "category" in o]
    assert _codes(lab["code"]) == {("http://loinc.org", "2000-8")}  # Calcium [Moles/volume]
    assert lab["valueQuantity"]["code"] == "mmol/L"
    assert abs(lab["valueQuantity"]["value"] - 9.6 * 0.2495) < 1e-9

    (cramp,) = [
        o
        for o in _resources(doc, "Observation")
        if "effectiveDateTime" in o and "category" not in o
    ]
    assert cramp["effectiveDateTime"] == "2026-03-05T03:10:00+01:00"  # NOW is 03:30 Berlin
    parts = {c["code"]["text"]: c for c in cramp["component"]}
    assert parts["Severity, self-rated 0-10"]["valueInteger"] == 8
    assert _codes(parts["Severity grade"]["valueCodeableConcept"]) == {
        ("http://snomed.info/sct", "24484000")  # Severe
    }
    assert _codes(parts["Laterality"]["valueCodeableConcept"]) == {
        ("http://snomed.info/sct", "7771000")  # Left
    }
    assert parts["Duration"]["valueQuantity"] == {
        "value": 3,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert parts["Woke from sleep"]["valueBoolean"] is True
    assert cramp["bodySite"] == {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "53840002",  # VA ConceptMap VF_VitalsBodySite: CALF, equal
                "display": "Structure of calf of leg (body structure)",
            }
        ],
        "text": "calf (left leg)",
    }

    (statement,) = _resources(doc, "MedicationStatement")
    assert statement["status"] == "completed"
    assert statement["effectivePeriod"] == {"start": "2026-02-01", "end": "2026-03-02"}
    (dosage,) = statement["dosage"]
    assert dosage["timing"]["repeat"]["when"] == ["MORN", "HS"]
    assert dosage["doseAndRate"][0]["doseQuantity"]["code"] == "mg"


def test_an_empty_diary_exports_a_patient_and_the_condition_only(cli: Any) -> None:
    code, out, _ = cli("export", "--format", "fhir", now=NOW)
    assert code == 0
    doc = json.loads(out)
    Bundle.model_validate(doc)
    assert [e["resource"]["resourceType"] for e in doc["entry"]] == ["Patient", "Condition"]
    assert "onsetDateTime" not in doc["entry"][1]["resource"]


def test_fhir_export_asks_before_replacing_a_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    out.write_text("keep me", encoding="utf-8")
    code, _, err = cli("export", "--format", "fhir", "--out", str(out))
    assert code == 1 and "--yes" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert cli("export", "--format", "fhir", "--out", str(out), "--yes")[0] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["resourceType"] == "Bundle"


@pytest.mark.parametrize(
    ("muscles", "code"),
    [
        ("inner-thigh,hamstring", "68367000"),  # one region: the thigh
        ("quadriceps", "68367000"),
        ("ankle", "344001"),
        ("calf,inner-thigh", None),  # two regions: one concept cannot hold both
        ("foot", None),  # no confirmed code: text only
        ("calf,foot", None),
    ],
)
def test_body_sites_are_coded_only_where_one_confirmed_code_fits(
    cli: Any, muscles: str, code: str | None
) -> None:
    code_, _, err = cli("log", "--at", "02:00", "--side", "right", "--muscle", muscles)
    assert code_ == 0, err
    _, out, _ = cli("export", "--format", "fhir")
    doc = json.loads(out)
    Bundle.model_validate(doc)
    (cramp,) = [o for o in _resources(doc, "Observation") if "effectiveDateTime" in o]
    site = cramp["bodySite"]
    assert site["text"] == ", ".join(m.replace("-", " ") for m in muscles.split(",")) + (
        " (right leg)"
    )
    if code is None:
        assert "coding" not in site
    else:
        assert _codes(site) == {("http://snomed.info/sct", code)}


def test_lab_codes_follow_the_unit_of_the_value(cli: Any) -> None:
    """A LOINC code names mass or moles, so the value written with it must be in a unit of
    that kind. 25-OH vitamin D and zinc have no confirmed molar code (14635-7 is D3 alone):
    a result kept in nmol/L or µmol/L is written in ng/mL (62292-8) or µg/dL (5763-8),
    converted with the factors of lab_units.csv (1 ng/mL = 2.496 nmol/L, MedlinePlus;
    1 µg/dL = 0.1530 µmol/L, zinc 65.38 g/mol)."""
    for args in (
        ("lab", "add", "vitamin-d", "75", "nmol/L", "--date", "2026-02-01"),
        ("lab", "add", "zinc", "12", "umol/L", "--date", "2026-02-01"),
        ("lab", "add", "phosphate", "1.1", "mmol/L", "--date", "2026-02-01"),
        ("lab", "add", "potassium", "16", "mg/dL", "--date", "2026-02-02"),
    ):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    code, out, err = cli("export", "--format", "fhir")
    assert code == 0, err
    doc = json.loads(out)
    Bundle.model_validate(doc)
    labs = {o["code"]["text"]: o for o in _resources(doc, "Observation") if "category" in o}
    vit_d = labs["25-hydroxyvitamin D"]
    assert _codes(vit_d["code"]) == {("http://loinc.org", "62292-8")}
    assert vit_d["valueQuantity"]["code"] == "ng/mL"
    assert vit_d["valueQuantity"]["value"] == pytest.approx(75 / 2.496, abs=1e-4)
    assert vit_d["note"] == [{"text": "reported as 75 nmol/L"}]
    zinc = labs["zinc (serum)"]
    assert _codes(zinc["code"]) == {("http://loinc.org", "5763-8")}
    assert zinc["valueQuantity"]["code"] == "ug/dL"
    assert zinc["valueQuantity"]["value"] == pytest.approx(12 / 0.1530, abs=1e-4)
    phosphate = labs["phosphate (serum)"]
    assert _codes(phosphate["code"]) == {("http://loinc.org", "14879-1")}
    assert phosphate["valueQuantity"] == {
        "value": 1.1, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"
    }
    potassium = labs["potassium (serum)"]  # kept molar: mg/dL converted to mmol/L (2823-3)
    assert _codes(potassium["code"]) == {("http://loinc.org", "2823-3")}
    assert potassium["valueQuantity"]["value"] == pytest.approx(16 * 0.2558, abs=1e-4)
