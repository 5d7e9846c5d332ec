"""The crampwise-diary v1 format: strict validation, round trip, atomic merge, CSV export."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from crampwise.demo import demo_document
from crampwise.errors import ConflictError, ImportFormatError
from crampwise.tracker import Tracker

from .conftest import AFTER_DEMO


def _doc(**sections: Any) -> dict[str, Any]:
    return {"format": "crampwise-diary", "version": 1, **sections}


SMALL = _doc(
    profile={
        "birth_year": 1958,
        "sex": "female",
        "kidney_disease": False,
        "timezone": "Europe/Berlin",
    },
    nights=[
        {"date": "2026-03-01", "cramps": 0, "sleep_quality": 7},
        {"date": "2026-03-02", "cramps": 1},
    ],
    episodes=[
        {
            "night": "2026-03-02",
            "time": "03:10",
            "side": "both",
            "muscles": ["inner-thigh"],
            "severity": 9,
            "duration_min": 3,
            "waves": 3,
            "woke": True,
            "reliefs": [{"method": "stretch", "helped": "somewhat"}],
        }
    ],
    regimen=[
        {
            "item": "magnesium",
            "kind": "supplement",
            "form": "glycinate",
            "dose": 200,
            "unit": "mg",
            "times": ["morning", "bedtime"],
            "start": "2026-02-10",
            "end": "2026-03-01",
        }
    ],
    adherence=[{"date": "2026-02-11", "item": "magnesium", "taken": True}],
    medications=[
        {"name": "lisinopril", "dose": 10, "unit": "mg", "start": "2024-01-01", "end": None}
    ],
    labs=[{"date": "2026-02-20", "test": "potassium", "value": 4.1, "unit": "mmol/L"}],
    factors=[{"date": "2026-03-01", "name": "fluids", "value": 2000, "unit": "ml"}],
)


def test_the_design_example_imports_and_the_cramp_time_lands_in_the_morning(
    tracker: Tracker,
) -> None:
    report = tracker.import_diary(copy.deepcopy(SMALL))
    assert report.added["nights"] == 2 and report.added["episodes"] == 1
    episode = tracker.diary.episodes()[0]
    assert episode.night == "2026-03-02"
    assert episode.occurred_at == "2026-03-03T02:10:00Z"  # 03:10 Berlin on the 3rd


def test_round_trip_of_the_demo_diary_gives_an_equal_document(demo_tracker: Tracker) -> None:
    """Import the demo story, export it, import that into an empty diary: all equal."""
    tracker = demo_tracker
    tracker.import_diary(demo_document())
    first = tracker.export_diary()
    assert first["nights"] and first["episodes"] and first["trigger_points"]
    tracker.import_diary(copy.deepcopy(first), wipe=True)
    assert tracker.export_diary() == first
    # a document exported by crampwise is canonical: re-importing it changes nothing
    report = tracker.import_diary(copy.deepcopy(first))
    assert report.added == {}
    assert sum(report.skipped.values()) > 0


def test_export_matches_the_design_format_keys(tracker: Tracker) -> None:
    tracker.import_diary(copy.deepcopy(SMALL))
    doc = tracker.export_diary()
    assert doc["format"] == "crampwise-diary" and doc["version"] == 1
    assert doc["nights"][1] == {"date": "2026-03-02", "cramps": 1}
    assert doc["episodes"][0]["time"] == "03:10"
    assert doc["regimen"][0]["times"] == ["morning", "bedtime"]
    assert doc["medications"][0]["end"] is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["episodes"][0].update(severity=11),
            "episodes[0].severity: 11 is not in 0..10",
        ),
        (
            lambda d: d["episodes"][0].update(severty=3),
            "episodes[0].severty: unknown key; allowed:",
        ),
        (
            lambda d: d["episodes"][0].update(muscles=["elbow"]),
            "episodes[0].muscles[0]: 'elbow' is not allowed; allowed: calf",
        ),
        (
            lambda d: d["nights"].append({"date": "2099-01-01", "cramps": 0}),
            "nights[2].date: 2099-01-01 is in the future",
        ),
        (lambda d: d["regimen"][0].update(dose=-1), "regimen[0].dose: -1 is negative"),
        (
            lambda d: d["regimen"][0].update(unit="spoons"),
            "regimen[0].unit: 'spoons' is not allowed; allowed: mg",
        ),
        (
            lambda d: d["nights"][1].update(cramps=2),
            "nights[1].cramps: 2 but 1 episode(s) name night 2026-03-02",
        ),
        (lambda d: d.update(version=2), "version: 2; this crampwise reads version 1"),
        (lambda d: d.update(extra=[]), "$.extra: unknown key"),
        (lambda d: d["labs"][0].update(unit="g"), "labs[0].unit: 'g' is not allowed for potassium"),
        (
            lambda d: d["episodes"][0].update(time="25:99"),
            "episodes[0].time: '25:99' is not a time",
        ),
    ],
)
def test_bad_documents_name_the_json_path_and_change_nothing(
    tracker: Tracker, mutate: Any, message: str
) -> None:
    doc = copy.deepcopy(SMALL)
    mutate(doc)
    with pytest.raises(ImportFormatError) as caught:
        tracker.import_diary(doc)
    assert message in str(caught.value)
    assert tracker.is_empty() or tracker.diary.nights() == []


def test_a_bad_row_at_the_end_of_a_big_file_leaves_the_database_unchanged(
    demo_tracker: Tracker, tmp_path: Path
) -> None:
    tracker = demo_tracker
    tracker.diary.record_night("2024-06-01", none=True)
    before = tracker.export_diary()
    doc = demo_document()
    doc["factors"].append({"date": "2026-01-01", "name": "fluids", "value": -5, "unit": "ml"})
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ImportFormatError, match=r"factors\[\d+\]\.value: -5 is negative"):
        tracker.import_diary(path)
    assert tracker.export_diary() == before


def test_a_failure_while_writing_rolls_everything_back(demo_tracker: Tracker) -> None:
    """Atomicity at the storage level: an error after many writes leaves nothing behind."""
    tracker = demo_tracker
    tracker.context.set_profile(timezone="Europe/Berlin")
    doc = demo_document()

    def import_then_fail() -> None:
        # White-box: one outer transaction around the import (it joins it), then a crash.
        with tracker._store.write():
            tracker.import_diary(doc)
            assert tracker.diary.nights()  # visible inside the transaction
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        import_then_fail()
    assert tracker.is_empty() is False  # the profile from the fixture
    assert tracker.diary.nights() == []
    assert tracker.regimen.entries() == []


def test_merge_conflicts_are_reported_and_replace_resolves_them(tracker: Tracker) -> None:
    """Counts without details are the night's own record: 3 in the diary and 2 in the file
    is a conflict; a lab of the same day with another value too."""
    tracker.diary.record_night("2026-03-01", cramps=3)
    tracker.context.add_lab("potassium", 4.4, "mmol/L", date="2026-02-20")
    doc = copy.deepcopy(SMALL)
    doc["nights"][0]["cramps"] = 2
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(doc))
    assert caught.value.conflicts == [
        "night 2026-03-01: 3 cramp(s) in your diary, 2 in the file",
        "labs 2026-02-20 potassium: value 4.4 in your diary, 4.1 in the file",
    ]
    assert "2 record(s) in the file differ" in str(caught.value)
    assert caught.value.action == "replace" and "\n" not in str(caught.value)
    assert len(tracker.diary.nights()) == 1  # nothing written
    report = tracker.import_diary(copy.deepcopy(doc), replace=True)
    assert report.replaced == {"nights": 1, "labs": 1}
    assert tracker.diary.night("2026-03-01").cramps == 2  # type: ignore[union-attr]
    assert tracker.context.labs()[0].value == 4.1
    assert len(tracker.diary.nights()) == 2


def test_malformed_json_names_line_and_column(tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "crampwise-diary",\n "version": 1,,}')
    with pytest.raises(ImportFormatError, match="malformed JSON at line 2"):
        tracker.import_diary(path)


def test_undetailed_counts_export_as_counts_and_round_trip(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-01", cramps=2)
    doc = tracker.export_diary()
    assert doc["nights"] == [{"date": "2026-03-01", "cramps": 2}]
    assert doc["episodes"] == []
    tracker.import_diary(copy.deepcopy(doc), wipe=True)
    assert tracker.export_diary() == doc


def test_csv_export_writes_one_file_per_kind_of_record(cli: Any, tmp_path: Path) -> None:
    code, _, _ = cli("demo", "--yes", now=AFTER_DEMO)
    assert code == 0
    code, _, err = cli("export", "--format", "csv", "--out", str(tmp_path / "csv"), now=AFTER_DEMO)
    assert code == 0, err
    with (tmp_path / "csv" / "nights.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["date"] == "2024-11-01"
    assert list(rows[0]) == [
        "date",
        "observed",
        "cramps",
        "cramps_without_details",
        "sleep_quality",
        "notes",
    ]
    missing = [r for r in rows if r["observed"] == "false"]
    assert missing and all(r["cramps"] == "" for r in missing)  # never zero
    observed = [r for r in rows if r["observed"] == "true"]
    total = sum(int(r["cramps"]) for r in observed)
    code, out, _ = cli("summary", "--json", now=AFTER_DEMO)
    assert total == json.loads(out)["cramps"]
    with (tmp_path / "csv" / "episodes.csv").open() as handle:
        episodes = list(csv.DictReader(handle))
    timed = [e for e in episodes if e["time"]]
    assert timed and all(e["utc_offset"] in ("+01:00", "+02:00") for e in timed)
    assert all(e["timezone"] == "Europe/Berlin" for e in timed)


def test_a_profile_that_differs_only_in_one_field_is_a_conflict(tracker: Tracker) -> None:
    tracker.import_diary(copy.deepcopy(SMALL))
    changed = copy.deepcopy(SMALL)
    changed["profile"]["birth_year"] = 1960
    with pytest.raises(ConflictError, match=r"profile: birth year 1958 in your diary, 1960 in"):
        tracker.import_diary(changed)
    assert tracker.context.profile().birth_year == 1958
    tracker.import_diary(changed, replace=True)
    assert tracker.context.profile().birth_year == 1960


def test_zero_values_survive_the_round_trip(tracker: Tracker) -> None:
    """Severity 0, sleep quality 0 and a dose of 0 are data, not empty fields."""
    doc = _doc(
        nights=[{"date": "2026-03-01", "cramps": 1, "sleep_quality": 0}],
        episodes=[{"night": "2026-03-01", "severity": 0, "woke": False}],
        regimen=[
            {
                "item": "magnesium",
                "kind": "supplement",
                "dose": 0,
                "unit": "mg",
                "start": "2026-02-01",
                "end": None,
            }
        ],
    )
    tracker.import_diary(copy.deepcopy(doc))
    out = tracker.export_diary()
    assert out["nights"][0]["sleep_quality"] == 0
    assert out["episodes"][0]["severity"] == 0 and out["episodes"][0]["woke"] is False
    assert out["regimen"][0]["dose"] == 0


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["episodes"][0]["reliefs"].append({"method": "stretch"}),
            "episodes[0].reliefs[1].method: stretch is given twice",
        ),
        (
            lambda d: d["episodes"][0].update(
                after_effects=[
                    {"date": "2026-03-03", "kind": "knot", "rating": 3},
                    {"date": "2026-03-03", "kind": "knot", "rating": 5},
                ]
            ),
            "episodes[0].after_effects[1].date: knot on 2026-03-03 is rated twice",
        ),
        (lambda d: d["episodes"][0].update(notes="a\x00b"), "episodes[0].notes: contains a NUL"),
        (lambda d: d["episodes"][0].update(notes="\ud800"), "episodes[0].notes: contains a broken"),
        (
            lambda d: d.update(
                trigger_points=[
                    {
                        "muscle": "calf",
                        "side": "left",
                        "found": "2026-03-01",
                        "ratings": [{"date": "2026-02-01", "tenderness": 3}],
                    }
                ]
            ),
            "trigger_points[0].ratings[0].date: 2026-02-01 is before it was found (2026-03-01)",
        ),
    ],
)
def test_repeats_and_unstorable_text_are_format_errors(
    tracker: Tracker, mutate: Any, message: str
) -> None:
    doc = copy.deepcopy(SMALL)
    mutate(doc)
    with pytest.raises(ImportFormatError) as caught:
        tracker.import_diary(doc)
    assert message in str(caught.value)
    assert tracker.diary.nights() == []


def test_trigger_point_ratings_in_any_order_import_once(tracker: Tracker) -> None:
    doc = _doc(
        trigger_points=[
            {
                "muscle": "calf",
                "side": "left",
                "found": "2025-01-01",
                "ratings": [
                    {"date": "2025-01-02", "tenderness": 0},
                    {"date": "2025-01-01", "tenderness": 4},
                ],
            }
        ]
    )
    tracker.import_diary(copy.deepcopy(doc))
    assert tracker.import_diary(copy.deepcopy(doc)).added == {}


def test_episodes_export_in_the_order_they_happened(tracker: Tracker) -> None:
    tracker.diary.log_episode(at="01:00", night="2026-03-02")
    tracker.diary.log_episode(at="23:00", night="2026-03-02")
    times = [e["time"] for e in tracker.export_diary()["episodes"]]
    assert times == ["23:00", "01:00"]
