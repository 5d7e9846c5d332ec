"""CSV imports: the CSV export round-trips, a spreadsheet of nights imports with its own
column names, and anything unreadable is named by file, row and column - nothing written."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AFTER_DEMO


def _export_json(cli: Any, *db: str) -> str:
    code, out, err = cli("export", *db, now=AFTER_DEMO)
    assert code == 0, err
    return out


def test_csv_export_imported_into_an_empty_diary_exports_the_same_json(
    cli: Any, other_db: str, tmp_path: Path
) -> None:
    """The round trip of the issue: demo → CSV → empty diary → JSON equals the original."""
    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    original = _export_json(cli)
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--out", str(folder), now=AFTER_DEMO)[0] == 0
    code, out, err = cli("import", str(folder), "--db", other_db, now=AFTER_DEMO)
    assert code == 0, err
    assert "added" in out and "35 episodes" in out
    assert _export_json(cli, "--db", other_db) == original
    # Importing the same folder again finds every record already there.
    code, out, _ = cli("import", str(folder), "--db", other_db, "--json", now=AFTER_DEMO)
    report = json.loads(out)
    assert code == 0 and report["added"] == {} and report["conflicts"] == []


def test_a_spreadsheet_of_nights_imports_with_its_own_column_names(
    cli: Any, tmp_path: Path
) -> None:
    table = tmp_path / "cramps.csv"
    # Excel writes a byte-order mark and, in many countries, semicolons.
    table.write_text(
        "\ufeffDay;Count;Comment\n2026-02-27;2;hot day\n2026-02-28;;\n2026-03-01;0;\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", str(table), "--map", "date=Day,cramps=Count,notes=Comment")
    assert code == 0, err
    assert "added 2 nights" in out
    nights = json.loads(_export_json(cli))["nights"]
    assert nights == [
        {"date": "2026-02-27", "cramps": 2, "notes": "hot day"},
        {"date": "2026-03-01", "cramps": 0},  # the empty count is a missing night, not 0
    ]


def test_columns_named_date_and_cramps_need_no_map(cli: Any, tmp_path: Path) -> None:
    table = tmp_path / "nights.csv"
    table.write_text("Date,CRAMPS,sleep_quality\n2026-03-01,1,6\n", encoding="utf-8")
    code, _, err = cli("import", str(table))
    assert code == 0, err
    assert json.loads(_export_json(cli))["nights"] == [
        {"date": "2026-03-01", "cramps": 1, "sleep_quality": 6}
    ]


NIGHTS_HEADER = "Day,Count\n"


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        ("2026-03-01,2\n2026-03-02,x\n", (), "t.csv, row 3, column Count: 'x' is not a whole"),
        ("2026-03-01,2\n03/02/2026,1\n", (), "t.csv, row 3, column Day: '03/02/2026' is not a"),
        ("2026-03-01,2\n2026-03-01,1\n", (), "t.csv, row 3, column Day: 2026-03-01 is listed"),
        ("2026-03-01,51\n", (), "t.csv, row 2, column Count:"),
        ("2026-03-01,-1\n", (), "t.csv, row 2, column Count:"),
        ("2027-01-01,1\n", (), "t.csv, row 2, column Day:"),
        ("2026-03-01,1\n", ("--map", "date=Dy,cramps=Count"), "t.csv, row 1: no column 'Dy'"),
        ("2026-03-01,1\n", ("--map", "day=Day"), "unknown field 'day'; allowed: date, cramps"),
        ("2026-03-01,1\n", ("--map", "date"), "'date' is not FIELD=COLUMN"),
        ("2026-03-01,1,3\n", (), "t.csv, row 2: 3 cells but the header names 2"),
    ],
)
def test_a_bad_table_of_nights_is_named_by_row_and_column_and_changes_nothing(
    cli: Any, tmp_path: Path, rows: str, args: tuple[str, ...], message: str
) -> None:
    table = tmp_path / "t.csv"
    table.write_text(NIGHTS_HEADER + rows, encoding="utf-8")
    mapping = args or ("--map", "date=Day,cramps=Count")
    code, out, err = cli("import", str(table), *mapping)
    assert code == 1, out
    assert err.startswith("crampwise: error: ") and message in err, err
    assert len(err.strip().splitlines()) == 1
    assert json.loads(_export_json(cli))["nights"] == []


def _edit(folder: Path, name: str, row: int, column: str, value: str) -> None:
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    table[row - 1][table[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)


@pytest.fixture
def demo_csv(cli: Any, other_db: str, tmp_path: Path) -> Path:
    """The demo story as a CSV export folder (written from a second database, so the test
    database stays empty for the import)."""
    assert cli("demo", "--yes", "--db", other_db, now=AFTER_DEMO)[0] == 0
    folder = tmp_path / "csv"
    code, _, err = cli(
        "export", "--format", "csv", "--out", str(folder), "--db", other_db, now=AFTER_DEMO
    )
    assert code == 0, err
    return folder


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "message"),
    [
        ("episodes", 3, "severity", "11", "episodes.csv, row 3, column severity: 11"),
        ("episodes", 2, "muscles", "calf;elbow", "episodes.csv, row 2, column muscles:"),
        ("episodes", 2, "reliefs", "stretch:lots", "episodes.csv, row 2, column reliefs:"),
        ("episodes", 2, "woke", "maybe", "episodes.csv, row 2, column woke: 'maybe' is not"),
        ("nights", 5, "cramps", "x", "nights.csv, row 5, column cramps: 'x' is not a whole"),
        ("after_effects", 2, "episode_id", "999", "after_effects.csv, row 2, column episode_id:"),
        ("after_effects", 2, "rating", "12", "after_effects.csv, row 2, column rating:"),
        ("labs", 9, "test", "unobtainium", "labs.csv, row 9, column test:"),
        ("regimen", 2, "start", "2026-13-01", "regimen.csv, row 2, column start:"),
        ("factors", 2, "value", "lots", "factors.csv, row 2, column value:"),
        ("trigger_point_ratings", 2, "tenderness", "11", "trigger_point_ratings.csv, row 2,"),
        ("red_flags", 2, "present", "perhaps", "red_flags.csv, row 2, column present:"),
        ("profile", 2, "sex", "robot", "profile.csv, row 2, column sex:"),
    ],
)
def test_a_bad_cell_anywhere_in_the_export_folder_is_named_and_nothing_is_written(
    cli: Any, demo_csv: Path, name: str, row: int, column: str, value: str, message: str
) -> None:
    _edit(demo_csv, name, row, column, value)
    code, out, err = cli("import", str(demo_csv), now=AFTER_DEMO)
    assert code == 1, out
    assert message in err and len(err.strip().splitlines()) == 1, err
    doc = json.loads(_export_json(cli))
    assert doc["nights"] == [] and doc["episodes"] == [] and doc["labs"] == []


def test_unknown_files_and_columns_are_refused(cli: Any, demo_csv: Path) -> None:
    (demo_csv / "notes.csv").write_text("a,b\n", encoding="utf-8")
    code, _, err = cli("import", str(demo_csv), now=AFTER_DEMO)
    assert code == 1 and "notes.csv: is not a file of the CSV export" in err
    (demo_csv / "notes.csv").unlink()
    text = (demo_csv / "regimen.csv").read_text(encoding="utf-8")
    (demo_csv / "regimen.csv").write_text(text.replace(",dose,", ",dosis,", 1), encoding="utf-8")
    code, _, err = cli("import", str(demo_csv), now=AFTER_DEMO)
    assert code == 1 and "regimen.csv, row 1, column dosis: unknown column" in err


def test_a_night_count_that_disagrees_with_its_cramps_is_refused(cli: Any, demo_csv: Path) -> None:
    with (demo_csv / "nights.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = next(i for i, r in enumerate(rows) if r["cramps"] not in ("", "0")) + 2
    _edit(demo_csv, "nights", row, "cramps", "9")
    code, _, err = cli("import", str(demo_csv), now=AFTER_DEMO)
    assert code == 1 and f"nights.csv, row {row}, column cramps: 9 but episodes.csv" in err


@pytest.fixture
def trial_csv(cli: Any, other_db: str, tmp_path: Path) -> Path:
    """The demo story with its randomized calcium trial, pregnancy and breastfeeding in
    the profile, as a CSV export folder (from a second database)."""
    assert cli("demo", "--yes", "--trial", "--db", other_db, now=AFTER_DEMO)[0] == 0
    code, _, err = cli(
        "profile", "set", "--pregnant", "yes", "--breastfeeding", "no", "--db", other_db,
        now=AFTER_DEMO,
    )  # fmt: skip
    assert code == 0, err
    folder = tmp_path / "trial-csv"
    code, _, err = cli(
        "export", "--format", "csv", "--out", str(folder), "--db", other_db, now=AFTER_DEMO
    )
    assert code == 0, err
    return folder


def test_experiments_and_the_whole_profile_round_trip_through_csv(
    cli: Any, other_db: str, trial_csv: Path
) -> None:
    """Every section of the JSON format survives CSV: the trial (its seed, design and
    pre-registered rule) and the profile's pregnancy answers too."""
    original = json.loads(_export_json(cli, "--db", other_db))
    assert original["experiments"] and original["profile"]["pregnant"] is True
    with (trial_csv / "experiment_periods.csv").open(encoding="utf-8") as handle:
        periods = list(csv.DictReader(handle))
    assert [p["condition"] for p in periods] == list("ABBAABBA")
    code, out, err = cli("import", str(trial_csv), now=AFTER_DEMO)
    assert code == 0, err
    assert "1 experiments" in out
    assert json.loads(_export_json(cli)) == original
    # the imported trial gives the same verdict as the original
    mine = json.loads(cli("experiment", "result", "--json", now=AFTER_DEMO)[1])
    theirs = json.loads(cli("experiment", "result", "--json", "--db", other_db, now=AFTER_DEMO)[1])
    assert mine["rate_ratio"] == theirs["rate_ratio"] and mine["verdict"] == theirs["verdict"]


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "message"),
    [
        ("experiments", 2, "seed", "x", "experiments.csv, row 2, column seed: 'x' is not a"),
        ("experiments", 2, "status", "paused", "experiments.csv, row 2, column status:"),
        ("experiments", 2, "mcid", "2", "experiments.csv, row 2, column mcid:"),
        ("experiments", 2, "id", "", "experiments.csv, row 2, column id: is empty"),
        ("experiment_periods", 4, "condition", "C", "experiment_periods.csv, row 4, column"),
        ("experiment_periods", 3, "end", "2026-02-30", "experiment_periods.csv, row 3, column"),
        ("experiment_periods", 2, "experiment_id", "7", "no experiment with id 7"),
        ("profile", 2, "pregnant", "perhaps", "profile.csv, row 2, column pregnant:"),
    ],
)
def test_a_bad_cell_of_an_experiment_is_named_and_nothing_is_written(
    cli: Any, trial_csv: Path, name: str, row: int, column: str, value: str, message: str
) -> None:
    _edit(trial_csv, name, row, column, value)
    code, out, err = cli("import", str(trial_csv), now=AFTER_DEMO)
    assert code == 1, out
    assert message in err and len(err.strip().splitlines()) == 1, err
    doc = json.loads(_export_json(cli))
    assert doc["nights"] == [] and doc.get("experiments", []) == []
