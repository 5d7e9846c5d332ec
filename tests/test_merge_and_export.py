"""Record-by-record import, the shared rules, exports that re-import, time zones in files.

Each test reads like a person using crampwise: the CLI with what they type, or the Python
API where a script would use it. Every database test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from crampwise.errors import ConflictError, InputError
from crampwise.tracker import Tracker

from .conftest import NOW


def _doc(**sections: Any) -> dict[str, Any]:
    return {"format": "crampwise-diary", "version": 1, **sections}


BERLIN = {"timezone": "Europe/Berlin"}


# -- import compares whole records (issue 8, item 2) ----------------------------------------
def test_a_cramp_the_diary_lacks_is_added_to_a_night_it_already_has(tracker: Tracker) -> None:
    """A second cramp of the same night in the file (another time, severity, muscle, note)
    used to be reported as 'added nothing new'."""
    tracker.diary.log_episode(at="03:10", night="2026-03-02", severity=5, muscles=["calf"])
    doc = _doc(
        profile=BERLIN,
        episodes=[
            {
                "night": "2026-03-02",
                "time": "04:40",
                "severity": 8,
                "muscles": ["foot"],
                "notes": "left foot, woke me",
            },
        ],
    )
    report = tracker.import_diary(doc)
    assert report.added == {"episodes": 1}
    episodes = tracker.diary.episodes()
    assert [(e.severity, e.muscles, e.notes) for e in episodes] == [
        (5, ("calf",), ""),
        (8, ("foot",), "left foot, woke me"),
    ]
    assert tracker.diary.night("2026-03-02").cramps == 2  # type: ignore[union-attr]


def test_the_same_cramp_with_other_details_is_a_conflict_listed_field_by_field(
    tracker: Tracker,
) -> None:
    tracker.diary.log_episode(at="03:10", night="2026-03-02", severity=5, side="left")
    doc = _doc(
        profile=BERLIN,
        episodes=[{"night": "2026-03-02", "time": "03:10", "severity": 8, "side": "right"}],
    )
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(doc))
    assert caught.value.conflicts == [
        "cramp of night 2026-03-02 02:10 UTC: side left in your diary, right in the file",
        "cramp of night 2026-03-02 02:10 UTC: severity 5 in your diary, 8 in the file",
    ]
    assert tracker.diary.episodes()[0].severity == 5  # nothing written
    report = tracker.import_diary(copy.deepcopy(doc), replace=True)
    assert report.replaced == {"episodes": 1}
    (episode,) = tracker.diary.episodes()
    assert (episode.side, episode.severity) == ("right", 8)


def test_details_the_diary_left_empty_are_filled_in_and_after_effects_added(
    tracker: Tracker,
) -> None:
    logged = tracker.diary.log_episode(at="03:10", night="2026-03-02").episode
    assert logged.id is not None
    tracker.diary.add_after_effect(logged.id, "soreness", 4, "2026-03-03")
    doc = _doc(
        profile=BERLIN,
        episodes=[
            {
                "night": "2026-03-02",
                "time": "03:10",
                "severity": 7,
                "waves": 3,
                "reliefs": [{"method": "stretch", "helped": "a-lot"}],
                "after_effects": [
                    {"date": "2026-03-03", "kind": "soreness", "rating": 4},
                    {"date": "2026-03-04", "kind": "knot", "rating": 2},
                ],
            }
        ],
    )
    report = tracker.import_diary(doc)
    assert report.updated == {"episodes": 1} and report.conflicts == []
    (episode,) = tracker.diary.episodes()
    assert (episode.id, episode.severity, episode.waves) == (logged.id, 7, 3)
    assert [(r.method, r.helped) for r in episode.reliefs] == [("stretch", "a-lot")]
    assert [(a.date, a.kind, a.rating) for a in episode.after_effects] == [
        ("2026-03-03", "soreness", 4),
        ("2026-03-04", "knot", 2),
    ]


def test_a_new_cramp_details_one_the_night_counted_without_details(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-02", cramps=2)
    doc = _doc(profile=BERLIN, episodes=[{"night": "2026-03-02", "time": "03:10", "severity": 6}])
    tracker.import_diary(doc)
    night = tracker.diary.night("2026-03-02")
    assert night is not None and (night.cramps, night.undetailed_cramps) == (2, 1)


def test_import_check_lists_every_conflict_and_writes_nothing(cli: Any, tmp_path: Path) -> None:
    assert cli("night", "2026-03-01", "--cramps", "3")[0] == 0
    assert cli("lab", "add", "potassium", "4.4", "mmol/L", "--date", "2026-02-20")[0] == 0
    path = tmp_path / "other.json"
    path.write_text(
        json.dumps(
            _doc(
                nights=[{"date": "2026-03-01", "cramps": 2}, {"date": "2026-03-02", "cramps": 0}],
                labs=[{"date": "2026-02-20", "test": "potassium", "value": 4.1, "unit": "mmol/L"}],
            )
        )
    )
    code, out, err = cli("import", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1  # one line
    assert "2 record(s) in the file differ from your diary" in err
    assert f"crampwise import {path} --check" in err and "--replace" in err
    code, out, _ = cli("import", str(path), "--check")
    assert code == 0
    assert "night 2026-03-01: 3 cramp(s) in your diary, 2 in the file" in out
    assert "labs 2026-02-20 potassium: value 4.4 in your diary, 4.1 in the file" in out
    assert "Nothing was written" in out
    code, out, _ = cli("nights", "--json")
    assert [n["date"] for n in json.loads(out)] == ["2026-03-01"]  # the check wrote nothing


# -- one rule for the API and the import (issue 7, item 2) -----------------------------------
def test_a_second_entry_of_an_ongoing_medicine_is_refused_by_the_api_and_the_import(
    tracker: Tracker,
) -> None:
    """Importing lisinopril into a diary that has it ongoing used to make two ongoing
    entries, and that diary's export could then not be imported (the backup was lost)."""
    tracker.regimen.add_medication("lisinopril", dose=10, unit="mg", start="2024-01-01")
    with pytest.raises(ConflictError, match="already on your medication list for 2024-01-01"):
        tracker.regimen.add_medication("Lisinopril", start="2025-06-01")
    doc = _doc(medications=[{"name": "lisinopril", "start": "2025-06-01", "end": None}])
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(doc))
    assert caught.value.conflicts == [
        "medications lisinopril from 2025-06-01 (2025-06-01 – ongoing) overlaps "
        "2024-01-01 – ongoing in your diary"
    ]
    report = tracker.import_diary(copy.deepcopy(doc), replace=True)
    assert report.replaced == {"medications": 1}
    assert [(m.start, m.end) for m in tracker.regimen.medications()] == [("2025-06-01", None)]
    _assert_export_restores(tracker)


def test_an_overlapping_regimen_entry_in_a_file_is_a_conflict(tracker: Tracker) -> None:
    tracker.regimen.start("magnesium", dose=200, unit="mg", date="2026-01-01")
    doc = _doc(
        regimen=[{"item": "magnesium", "kind": "supplement", "start": "2026-02-01", "end": None}]
    )
    with pytest.raises(ConflictError, match="overlaps 2026-01-01 – ongoing in your diary"):
        tracker.import_diary(doc)
    _assert_export_restores(tracker)


def test_a_second_identical_trigger_point_is_refused_at_entry(cli: Any) -> None:
    """Two `trigger-point add calf --side left --spot mid` made two records with the same
    key, and the export could then not be imported."""
    assert cli("trigger-point", "add", "calf", "--side", "left", "--spot", "mid")[0] == 0
    code, out, err = cli("trigger-point", "add", "calf", "--side", "left", "--spot", "mid")
    assert code == 1 and out == ""
    assert "is already recorded (number 1)" in err and err.count("\n") == 1
    assert cli("trigger-point", "add", "calf", "--side", "left", "--spot", "low")[0] == 0


def _assert_export_restores(tracker: Tracker) -> None:
    """The diary's export imports into an empty diary and gives the same document."""
    doc = tracker.export_diary()
    tracker.import_diary(copy.deepcopy(doc), wipe=True)
    assert tracker.export_diary() == doc


#: Every command that creates records, as a person types it (the fixture's clock is 03:30
#: on 5 March 2026 in Berlin).
_CREATING_COMMANDS: list[tuple[str, ...]] = [
    ("profile", "set", "--birth-year", "1958", "--sex", "female", "--timezone", "Europe/Berlin"),
    (
        "log",
        "--at",
        "around 3am",
        "--side",
        "both",
        "--muscle",
        "inner-thigh",
        "--severity",
        "8",
        "--duration",
        "3m",
        "--waves",
        "3",
        "--woke",
        "--relief",
        "stretch:somewhat",
    ),
    ("log", "--night", "2026-03-01", "--at", "23:40", "--muscle", "calf"),
    ("night", "2026-03-02", "--none", "--sleep", "7"),
    ("night", "2026-03-03", "--cramps", "2"),
    ("log", "--night", "2026-03-03", "--at", "02:15", "--severity", "4"),
    ("after-effect", "1", "knot", "5", "--date", "2026-03-05"),
    (
        "regimen",
        "start",
        "magnesium",
        "--form",
        "glycinate",
        "--dose",
        "200",
        "--unit",
        "mg",
        "--times",
        "morning,bedtime",
        "--date",
        "2026-02-01",
    ),
    ("regimen", "switch", "magnesium", "--form", "citrate", "--date", "2026-02-15"),
    (
        "regimen",
        "start",
        "stretching",
        "--kind",
        "routine",
        "--times",
        "bedtime",
        "--date",
        "2026-02-20",
    ),
    ("regimen", "stop", "stretching", "--date", "2026-03-01"),
    (
        "regimen",
        "start",
        "coconut water",
        "--kind",
        "food",
        "--dose",
        "1",
        "--unit",
        "cup",
        "--date",
        "2026-02-01",
    ),
    ("took", "magnesium", "--time", "bedtime", "--date", "2026-03-03"),
    ("took", "magnesium", "--time", "morning", "--date", "2026-03-03", "--missed"),
    ("med", "add", "lisinopril", "--dose", "10", "--unit", "mg", "--start", "2024-01-01"),
    ("med", "add", "furosemide", "--dose", "20", "--unit", "mg", "--start", "2026-01-01"),
    ("med", "stop", "furosemide", "--date", "2026-02-01"),
    (
        "lab",
        "add",
        "potassium",
        "4.1",
        "mmol/L",
        "--low",
        "3.5",
        "--high",
        "5.1",
        "--date",
        "2026-02-20",
    ),
    ("factor", "add", "fluids", "2000", "ml", "--date", "2026-03-03"),
    ("factor", "add", "heat", "yes", "--date", "2026-03-03"),
    ("factor", "add", "shoes", "heels", "--date", "2026-03-02"),
    (
        "trigger-point",
        "add",
        "inner-thigh",
        "--side",
        "left",
        "--spot",
        "mid-thigh",
        "--tenderness",
        "7",
        "--date",
        "2026-03-01",
    ),
    ("trigger-point", "rate", "1", "4", "--date", "2026-03-03"),
    ("trigger-point", "release", "1", "--date", "2026-03-04"),
    ("red-flags", "leg-swelling", "no"),
]


def test_every_command_that_creates_records_exports_a_file_that_restores_the_diary(
    cli: Any, tmp_path: Path
) -> None:
    """Export → import into an empty diary → export gives the same document, whatever
    the commands made; and the file holds every detail that was typed."""
    for command in _CREATING_COMMANDS:
        code, _, err = cli(*command)
        assert code == 0, (command, err)
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path))[0] == 0
    first = json.loads(path.read_text())
    episode = next(e for e in first["episodes"] if e.get("waves"))
    assert episode == {
        "night": "2026-03-04",
        "time": "03:00",
        "utc_offset": "+01:00",
        "approximate": True,
        "side": "both",
        "muscles": ["inner-thigh"],
        "severity": 8,
        "duration_min": 3,
        "waves": 3,
        "woke": True,
        "reliefs": [{"method": "stretch", "helped": "somewhat"}],
        "after_effects": [{"date": "2026-03-05", "kind": "knot", "rating": 5}],
    }
    assert len(first["trigger_points"]) == 1 and len(first["adherence"]) == 2
    fresh = tmp_path / "fresh.sqlite"
    code, _, err = cli("--db", str(fresh), "import", str(path))
    assert code == 0, err
    again = tmp_path / "again.json"
    assert cli("--db", str(fresh), "export", "--out", str(again))[0] == 0
    assert json.loads(again.read_text()) == first


def test_a_complete_document_exports_exactly_as_it_came_in(tracker: Tracker) -> None:
    """Every field the format has, imported into an empty diary, comes back unchanged:
    an importer that dropped waves or after-effects would fail here (a re-export of its
    own output could not see it)."""
    doc = _doc(
        profile={"birth_year": 1958, "sex": "female", "kidney_disease": False, **BERLIN},
        nights=[
            {"date": "2026-03-01", "cramps": 2, "sleep_quality": 5, "notes": "hot night"},
            {"date": "2026-03-02", "cramps": 0},
            {"date": "2026-03-03", "cramps": 3},
        ],
        episodes=[
            {
                "night": "2026-03-01",
                "time": "23:50",
                "utc_offset": "+01:00",
                "side": "left",
                "muscles": ["calf", "foot"],
                "severity": 6,
                "duration_min": 1.5,
                "waves": 2,
                "woke": False,
                "reliefs": [{"method": "walk"}],
                "notes": "after the walk",
            },
            {
                "night": "2026-03-01",
                "time": "03:10",
                "utc_offset": "+01:00",
                "approximate": True,
                "side": "both",
                "muscles": ["inner-thigh"],
                "severity": 9,
                "duration_min": 3,
                "waves": 3,
                "woke": True,
                "reliefs": [
                    {"method": "stretch", "helped": "somewhat"},
                    {"method": "massage", "helped": "a-lot"},
                ],
                "after_effects": [
                    {"date": "2026-03-02", "kind": "knot", "rating": 5},
                    {"date": "2026-03-02", "kind": "soreness", "rating": 3},
                ],
            },
        ],
        regimen=[
            {
                "item": "magnesium",
                "kind": "supplement",
                "form": "glycinate",
                "dose": 200,
                "unit": "mg",
                "times": ["morning", "bedtime"],
                "start": "2026-02-01",
                "end": "2026-03-02",
                "notes": "from the pharmacy",
            },
        ],
        adherence=[{"date": "2026-02-02", "item": "magnesium", "taken": False, "time": "morning"}],
        medications=[
            {
                "name": "lisinopril",
                "dose": 10,
                "unit": "mg",
                "times": ["morning"],
                "start": "2024-01-01",
                "end": None,
                "notes": "for blood pressure",
            }
        ],
        labs=[
            {
                "date": "2026-02-20",
                "test": "potassium",
                "value": 4.1,
                "unit": "mmol/L",
                "range_low": 3.5,
                "range_high": 5.1,
            }
        ],
        factors=[
            {"date": "2026-03-01", "name": "fluids", "value": 1500, "unit": "ml"},
            {"date": "2026-03-01", "name": "heat", "value": True},
        ],
        trigger_points=[
            {
                "muscle": "inner-thigh",
                "side": "left",
                "spot": "mid-thigh",
                "found": "2026-03-01",
                "released": "2026-03-04",
                "notes": "tender",
                "ratings": [
                    {"date": "2026-03-01", "tenderness": 7},
                    {"date": "2026-03-03", "tenderness": 4},
                ],
            }
        ],
        red_flags=[{"date": "2026-03-02", "flag": "leg-swelling", "present": False}],
    )
    tracker.import_diary(copy.deepcopy(doc), wipe=True)
    exported = tracker.export_diary()
    # The file's order is canonical except that the count-only night exports its episodes
    # only as a count: compare section by section.
    for section, value in doc.items():
        assert exported[section] == value, section


# -- times across daylight saving and machines (issue 8, items 6 and 7) ----------------------
def test_the_repeated_hour_survives_export_and_import(db_url: str, tmp_path: Path) -> None:
    """New York, 1 November 2026: 01:20 happens twice (EDT, then EST). Both cramps keep
    their own instant through a file, because each time carries its UTC offset."""
    now = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
    with Tracker(db_url, clock=lambda: now) as tracker:
        tracker.import_diary(
            _doc(
                profile={"timezone": "America/New_York"},
                episodes=[
                    {"night": "2026-10-31", "time": "01:20", "utc_offset": "-05:00"},
                    {"night": "2026-10-31", "time": "01:20", "utc_offset": "-04:00", "severity": 3},
                ],
            )
        )
        doc = tracker.export_diary()
        assert [(e["time"], e["utc_offset"]) for e in doc["episodes"]] == [
            ("01:20", "-04:00"),
            ("01:20", "-05:00"),
        ]
        tracker.import_diary(copy.deepcopy(doc), wipe=True)
        assert [e.occurred_at for e in tracker.diary.episodes()] == [
            "2026-11-01T05:20:00Z",
            "2026-11-01T06:20:00Z",
        ]
        assert tracker.export_diary() == doc


def test_a_file_with_an_offset_that_contradicts_its_zone_is_refused(tracker: Tracker) -> None:
    doc = _doc(
        profile=BERLIN,
        episodes=[{"night": "2026-03-02", "time": "03:10", "utc_offset": "-05:00"}],
    )
    with pytest.raises(InputError, match=r"episodes\[0\]\.utc_offset: -05:00 is not the offset"):
        tracker.import_diary(doc)
    assert tracker.diary.episodes() == []


def test_a_time_the_clocks_skipped_is_refused_in_a_file(tracker: Tracker) -> None:
    doc = _doc(
        profile={"timezone": "America/New_York"},
        episodes=[{"night": "2025-03-08", "time": "02:30"}],  # clocks went 02:00 → 03:00
    )
    with pytest.raises(InputError, match="does not exist in America/New_York"):
        tracker.import_diary(doc)


def test_export_writes_the_zone_only_when_the_person_set_it(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A diary without a profile zone, exported on a UTC machine and imported on a New York
    machine, keeps every instant (the file does not claim the machine's zone as the
    person's)."""
    monkeypatch.setenv("TZ", "UTC")
    with Tracker(db_url, clock=lambda: NOW) as tracker:
        tracker.diary.log_episode(at="01:30")
        doc = tracker.export_diary()
        instant = tracker.diary.episodes()[0].occurred_at
    assert "timezone" not in doc["profile"]
    assert doc["episodes"][0]["utc_offset"] == "+00:00"
    monkeypatch.setenv("TZ", "America/New_York")
    other = tmp_path / "ny.sqlite"
    with Tracker(str(other), clock=lambda: NOW) as tracker:
        tracker.import_diary(copy.deepcopy(doc))
        (episode,) = tracker.diary.episodes()
        assert episode.occurred_at == instant
        assert tracker.diary.local_time(episode).strftime("%H:%M") == "20:30"  # type: ignore[union-attr]


# -- export targets (issue 8, item 11) ------------------------------------------------------
def test_export_asks_before_overwriting_and_names_bad_targets(cli: Any, tmp_path: Path) -> None:
    assert cli("log")[0] == 0
    target = tmp_path / "diary.json"
    target.write_text("my old backup")
    code, out, err = cli("export", "--out", str(target))
    assert code == 1 and out == "" and "overwrite diary.json" in err and "--yes" in err
    assert target.read_text() == "my old backup"
    assert cli("export", "--out", str(target), "--yes")[0] == 0
    assert json.loads(target.read_text())["format"] == "crampwise-diary"
    code, _, err = cli("export", "--out", str(tmp_path))
    assert code == 1 and "is a folder; give a file name" in err
    code, _, err = cli("export", "--out", str(tmp_path / "no-such-folder" / "x.json"))
    assert code == 1 and "does not exist" in err
    code, _, err = cli("export", "--format", "csv", "--out", str(target))
    assert code == 1 and "is a file; CSV export writes a folder" in err
    strays = [n for n in os.listdir(tmp_path) if not n.startswith("diary.")]
    assert strays == []  # no half-written file, no .tmp left behind


# -- phantom cramp-free nights (issue 8, item 8) ---------------------------------------------
def test_deleting_the_only_cramp_asks_what_the_night_was(cli: Any) -> None:
    assert cli("log", "--at", "3am")[0] == 0
    code, _, err = cli("delete", "episode", "1", "--yes")
    assert code == 1 and "--then: it is the only cramp of the night of 2026-03-04" in err
    assert cli("delete", "episode", "1", "--yes", "--then", "missing")[0] == 0
    code, out, _ = cli("nights", "--json")
    assert json.loads(out) == []  # missing, not a cramp-free night
    assert cli("log", "--at", "3am")[0] == 0
    assert cli("delete", "episode", "2", "--yes", "--then", "cramp-free")[0] == 0
    code, out, _ = cli("nights", "--json")
    assert json.loads(out) == [{"date": "2026-03-04", "observed": True, "cramps": 0}]


def test_moving_the_only_cramp_to_another_night_asks_too(cli: Any) -> None:
    assert cli("log", "--at", "3am")[0] == 0
    code, _, err = cli("edit", "1", "--night", "2026-03-02", "--at", "03:00", "--yes")
    assert code == 1 and "--then" in err
    code, _, err = cli(
        "edit", "1", "--night", "2026-03-02", "--at", "03:00", "--yes", "--then", "missing"
    )
    assert code == 0, err
    code, out, _ = cli("nights", "--json")
    assert json.loads(out) == [{"date": "2026-03-02", "observed": True, "cramps": 1}]


def test_moving_a_cramp_after_its_own_after_effects_is_refused(tracker: Tracker) -> None:
    """Found by the stateful test: the moved cramp's soreness would be rated before its
    night, and the diary's export could not be imported any more."""
    episode = tracker.diary.log_episode(at="22:30", night="2026-02-20").episode
    assert episode.id is not None
    tracker.diary.add_after_effect(episode.id, "soreness", 3, "2026-02-20")
    with pytest.raises(InputError, match="2026-02-20 is before the night 2026-02-21"):
        tracker.diary.edit_episode(
            episode.id, night="2026-02-21", at="22:30", confirm=True, emptied_night="missing"
        )
    assert tracker.diary.episodes()[0].night == "2026-02-20"
    _assert_export_restores(tracker)


# -- every kind of record merges the same way: add, fill in, conflict, replace ---------------
def test_trigger_points_merge_ratings_by_day(tracker: Tracker) -> None:
    tp = tracker.context.add_trigger_point(
        "calf", side="left", spot="mid", tenderness=7, date="2026-03-01"
    )
    assert tp.id is not None
    base = {"muscle": "calf", "side": "left", "spot": "mid", "found": "2026-03-01"}
    same = _doc(trigger_points=[{**base, "ratings": [{"date": "2026-03-01", "tenderness": 7}]}])
    assert tracker.import_diary(copy.deepcopy(same)).skipped == {"trigger_points": 1}
    more = _doc(
        trigger_points=[
            {
                **base,
                "notes": "found by the physio",
                "released": "2026-03-04",
                "ratings": [
                    {"date": "2026-03-01", "tenderness": 7},
                    {"date": "2026-03-03", "tenderness": 3},
                ],
            }
        ]
    )
    report = tracker.import_diary(copy.deepcopy(more))
    assert report.updated == {"trigger_points": 1} and report.conflicts == []
    (point,) = tracker.context.trigger_points()
    assert (point.notes, point.released) == ("found by the physio", "2026-03-04")
    assert [(r.date, r.tenderness) for r in point.ratings] == [
        ("2026-03-01", 7),
        ("2026-03-03", 3),
    ]
    other = _doc(
        trigger_points=[
            {**base, "notes": "other words", "ratings": [{"date": "2026-03-01", "tenderness": 5}]}
        ]
    )
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(other))
    assert caught.value.conflicts == [
        "trigger point calf left found 2026-03-01: notes found by the physio in your diary, "
        "other words in the file",
        "trigger point calf left found 2026-03-01: tenderness on 2026-03-01 7 in your diary, "
        "5 in the file",
    ]
    report = tracker.import_diary(copy.deepcopy(other), replace=True)
    assert report.replaced == {"trigger_points": 1}
    (point,) = tracker.context.trigger_points()
    assert point.notes == "other words"
    assert [(r.date, r.tenderness) for r in point.ratings] == [
        ("2026-03-01", 5),
        ("2026-03-03", 3),  # kept: the file says nothing about that day
    ]


def test_keyed_records_fill_in_conflict_and_replace(tracker: Tracker) -> None:
    tracker.context.add_lab("potassium", 4.1, "mmol/L", date="2026-02-20")
    tracker.context.add_factor("fluids", "2000", "ml", date="2026-03-01")
    tracker.context.answer_red_flag("leg-swelling", False, date="2026-03-02")
    tracker.regimen.start("magnesium", dose=200, unit="mg", date="2026-02-01")
    tracker.regimen.took("magnesium", date="2026-03-01", taken=True)
    doc = _doc(
        labs=[
            {
                "date": "2026-02-20",
                "test": "potassium",
                "value": 4.1,
                "unit": "mmol/L",
                "range_low": 3.5,
                "range_high": 5.1,
            }
        ],
        factors=[{"date": "2026-03-01", "name": "fluids", "value": 1500, "unit": "ml"}],
        red_flags=[{"date": "2026-03-02", "flag": "leg-swelling", "present": True}],
        adherence=[{"date": "2026-03-01", "item": "magnesium", "taken": False}],
    )
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(doc))
    assert caught.value.conflicts == [
        "adherence 2026-03-01 magnesium: taken True in your diary, False in the file",
        "factors 2026-03-01 fluids: value 2000 in your diary, 1500 in the file",
        "red_flags 2026-03-02 leg-swelling: present False in your diary, True in the file",
    ]
    assert tracker.context.labs()[0].range_low is None  # nothing written, not even fills
    report = tracker.import_diary(copy.deepcopy(doc), replace=True)
    assert report.updated == {"labs": 1}
    assert report.replaced == {"adherence": 1, "factors": 1, "red_flags": 1}
    lab = tracker.context.labs()[0]
    assert (lab.range_low, lab.range_high) == (3.5, 5.1)
    assert tracker.context.factors()[0].value == 1500
    assert tracker.context.red_flags()[0].present is True
    assert tracker.regimen.adherence()[0].taken is False
    _assert_export_restores(tracker)


def test_regimen_and_medicines_fill_in_and_an_ended_entry_is_a_conflict(
    tracker: Tracker,
) -> None:
    tracker.regimen.start("magnesium", dose=200, unit="mg", date="2026-02-01")
    tracker.regimen.add_medication("lisinopril", start="2024-01-01")
    filled = _doc(
        regimen=[
            {
                "item": "magnesium",
                "kind": "supplement",
                "dose": 200,
                "unit": "mg",
                "start": "2026-02-01",
                "end": None,
                "notes": "glycinate, 2 capsules",
            }
        ],
        medications=[
            {"name": "lisinopril", "dose": 10, "unit": "mg", "start": "2024-01-01", "end": None}
        ],
    )
    report = tracker.import_diary(copy.deepcopy(filled))
    assert report.updated == {"regimen": 1, "medications": 1} and report.conflicts == []
    assert tracker.regimen.entries()[0].notes == "glycinate, 2 capsules"
    assert (tracker.regimen.medications()[0].dose, tracker.regimen.medications()[0].unit) == (
        10.0,
        "mg",
    )
    ended = copy.deepcopy(filled)
    ended["regimen"][0]["end"] = "2026-03-01"
    ended["regimen"][0]["dose"] = 250
    with pytest.raises(ConflictError) as caught:
        tracker.import_diary(copy.deepcopy(ended))
    assert caught.value.conflicts == [
        "regimen magnesium from 2026-02-01: dose 200 in your diary, 250 in the file",
        "regimen magnesium from 2026-02-01: end ongoing in your diary, 2026-03-01 in the file",
    ]
    report = tracker.import_diary(copy.deepcopy(ended), replace=True)
    assert report.replaced == {"regimen": 1}
    (entry,) = tracker.regimen.entries()
    assert (entry.dose, entry.end) == (250.0, "2026-03-01")
    _assert_export_restores(tracker)


def test_night_details_fill_in_or_conflict_and_counts_grow(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-01", none=True)
    tracker.diary.log_episode(night="2026-03-02", at="03:10", severity=4)
    doc = _doc(
        profile=BERLIN,
        nights=[
            {"date": "2026-03-01", "cramps": 0, "sleep_quality": 6, "notes": "slept well"},
            {"date": "2026-03-02", "cramps": 3},
        ],
        episodes=[
            {"night": "2026-03-02", "time": "03:10", "severity": 4},
            {"night": "2026-03-02"},
            {"night": "2026-03-02"},
        ],
    )
    report = tracker.import_diary(copy.deepcopy(doc))
    assert report.conflicts == []
    assert report.updated == {"nights": 2}
    first, second = tracker.diary.night("2026-03-01"), tracker.diary.night("2026-03-02")
    assert first is not None and (first.sleep_quality, first.notes) == (6, "slept well")
    # the file knows of two more cramps (without details) on the second night
    assert second is not None and (second.cramps, second.undetailed_cramps) == (3, 2)
    changed = copy.deepcopy(doc)
    changed["nights"][0]["sleep_quality"] = 2
    with pytest.raises(ConflictError, match="night 2026-03-01: sleep quality 6 in your diary"):
        tracker.import_diary(copy.deepcopy(changed))
    report = tracker.import_diary(copy.deepcopy(changed), replace=True)
    assert tracker.diary.night("2026-03-01").sleep_quality == 2  # type: ignore[union-attr]
    _assert_export_restores(tracker)


def test_untimed_cramps_are_matched_in_order(tracker: Tracker) -> None:
    tracker.diary.log_episode(night="2026-03-02", severity=5)
    tracker.diary.log_episode(night="2026-03-02", severity=6)
    doc = _doc(
        episodes=[
            {"night": "2026-03-02", "severity": 5, "side": "left"},
            {"night": "2026-03-02", "severity": 6},
        ]
    )
    report = tracker.import_diary(copy.deepcopy(doc))
    assert report.updated == {"episodes": 1} and report.skipped.get("episodes") == 1
    assert [(e.severity, e.side) for e in tracker.diary.episodes()] == [(5, "left"), (6, None)]


def test_a_dry_run_reports_without_writing(tracker: Tracker) -> None:
    tracker.context.add_lab("potassium", 4.4, "mmol/L", date="2026-02-20")
    doc = _doc(
        profile={"birth_year": 1958},
        labs=[{"date": "2026-02-20", "test": "potassium", "value": 4.1, "unit": "mmol/L"}],
        factors=[{"date": "2026-03-01", "name": "heat", "value": True}],
    )
    report = tracker.import_diary(copy.deepcopy(doc), dry_run=True)
    assert report.to_dict() == {
        "applied": False,
        "added": {"factors": 1},
        "updated": {"profile": 1},
        "skipped": {},
        "replaced": {},
        "conflicts": ["labs 2026-02-20 potassium: value 4.4 in your diary, 4.1 in the file"],
    }
    assert tracker.context.factors() == [] and tracker.context.profile().birth_year is None
    with pytest.raises(ConflictError, match=r"^1 record\(s\) in the file differ"):
        tracker.import_diary(copy.deepcopy(doc))
    doc["factors"][0]["value"] = False
    tracker.context.add_factor("heat", "yes", date="2026-03-01")
    with pytest.raises(ConflictError, match=r"\(and 1 more\); nothing was imported$"):
        tracker.import_diary(copy.deepcopy(doc))


def test_new_cramps_detail_counted_ones_and_extra_counts_are_added(tracker: Tracker) -> None:
    """Killed mutants: the arithmetic of counts without details in a merge."""
    tracker.diary.record_night("2026-03-02", cramps=3)
    tracker.import_diary(
        _doc(
            profile=BERLIN,
            episodes=[
                {"night": "2026-03-02", "time": "03:10", "severity": 4},
                {"night": "2026-03-02", "time": "04:00", "severity": 5},
            ],
        )
    )
    night = tracker.diary.night("2026-03-02")
    assert night is not None and (night.cramps, night.undetailed_cramps) == (3, 1)
    tracker.diary.log_episode(night="2026-03-03", at="03:10", severity=2)
    tracker.diary.record_night("2026-03-03", cramps=2, confirm=True)
    tracker.import_diary(
        _doc(
            profile=BERLIN,
            episodes=[
                {"night": "2026-03-03", "time": "03:10", "severity": 2},
                *[{"night": "2026-03-03"}] * 3,
            ],
        )
    )
    night = tracker.diary.night("2026-03-03")
    assert night is not None and (night.cramps, night.undetailed_cramps) == (4, 3)


def test_replace_of_a_count_alone_changes_the_count(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-02", cramps=3)
    doc = _doc(nights=[{"date": "2026-03-02", "cramps": 1}])
    report = tracker.import_diary(copy.deepcopy(doc), replace=True)
    assert report.replaced == {"nights": 1}
    assert tracker.diary.night("2026-03-02").cramps == 1  # type: ignore[union-attr]


def test_replacing_a_cramp_keeps_its_client_id_and_its_other_after_effects(
    tracker: Tracker,
) -> None:
    logged = tracker.diary.log_episode(
        at="03:10", night="2026-03-02", severity=5, client_id="phone-1"
    ).episode
    assert logged.id is not None
    tracker.diary.add_after_effect(logged.id, "soreness", 4, "2026-03-03")
    doc = _doc(
        profile=BERLIN,
        episodes=[
            {
                "night": "2026-03-02",
                "time": "03:10",
                "severity": 8,
                "after_effects": [{"date": "2026-03-04", "kind": "knot", "rating": 2}],
            }
        ],
    )
    tracker.import_diary(copy.deepcopy(doc), replace=True)
    (episode,) = tracker.diary.episodes()
    assert (episode.id, episode.severity, episode.client_id) == (logged.id, 8, "phone-1")
    assert [(a.date, a.kind) for a in episode.after_effects] == [
        ("2026-03-03", "soreness"),
        ("2026-03-04", "knot"),
    ]
    again = tracker.diary.log_episode(
        at="03:10", night="2026-03-02", severity=8, client_id="phone-1"
    )
    assert again.duplicate  # a retry from the phone is still recognised
