"""The CLI as a person uses it: commands, --json documents, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import AFTER_DEMO


def test_log_then_nights_and_summary_json(cli: Any) -> None:
    code, out, _ = cli(
        "log",
        "--at",
        "around 3am",
        "--severity",
        "8",
        "--muscle",
        "inner-thigh,calf",
        "--side",
        "both",
        "--relief",
        "stretch:a-lot",
    )
    assert code == 0
    assert "night of Wed 4 Mar 2026" in out
    assert cli("night", "2026-03-01", "--none")[0] == 0
    code, out, _ = cli("nights", "--json")
    nights = json.loads(out)
    assert nights[0] == {"date": "2026-03-01", "observed": True, "cramps": 0}
    assert nights[1] == {"date": "2026-03-02", "observed": False, "cramps": None}
    assert nights[-1] == {"date": "2026-03-04", "observed": True, "cramps": 1}
    code, out, _ = cli("summary", "--json")
    summary = json.loads(out)
    assert set(summary) >= {
        "first_night",
        "last_night",
        "nights_observed",
        "nights_missing",
        "cramps",
        "current_streak",
        "longest_streak",
    }
    assert (summary["nights_observed"], summary["nights_missing"], summary["cramps"]) == (2, 2, 1)


def test_log_json_is_one_document(cli: Any) -> None:
    code, out, err = cli("log", "--json", "--severity", "5")
    assert code == 0 and err == ""
    episode = json.loads(out)
    assert episode["severity"] == 5 and episode["time"] == "03:30"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("night", "2027-01-01", "--none"), "date: 2027-01-01 is in the future"),
        (("regimen", "start", "magnesium", "--dose", "-200", "--unit", "mg"), "negative"),
        (
            ("regimen", "start", "magnesium", "--dose", "200", "--unit", "spoons"),
            "unit: 'spoons' is not allowed",
        ),
        (("lab", "add", "potassium", "4.1", "furlongs"), "'furlongs' is not allowed for potassium"),
        (("night", "2026-03-01"), "give --none or --cramps N"),
    ],
)
def test_bad_input_gets_one_line_naming_the_field(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*args)
    assert code != 0
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("log", "--severity", "11"), "--severity '11': not a severity; give a whole number 0-10"),
        (("log", "--muscle", "elbow"), "--muscle 'elbow': not a muscle I know; allowed: calf"),
        (("log", "--at", "half past banana"), "--at: 'half past banana' is not a time"),
    ],
)
def test_log_saves_the_cramp_and_names_the_option_it_could_not_read(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*args)
    assert code == 0 and err == ""
    assert out.startswith("Logged cramp #1")
    assert f"I did not understand {message}" in out
    assert "to fix: crampwise --db" in out and " edit 1 --" in out
    assert "Traceback" not in out


def test_overwriting_without_yes_is_refused_when_not_interactive(cli: Any) -> None:
    cli("night", "2026-03-03", "--cramps", "1")
    code, _, err = cli("night", "2026-03-03", "--cramps", "2")
    assert code == 1 and "--yes" in err
    code, out, _ = cli("nights", "--json")
    assert json.loads(out)[0]["cramps"] == 1
    assert cli("night", "2026-03-03", "--cramps", "2", "--yes")[0] == 0
    code, _, err = cli("delete", "night", "2026-03-03")
    assert code == 1 and "--yes" in err
    assert cli("delete", "night", "2026-03-03", "--yes")[0] == 0


def test_regimen_med_lab_factor_profile_trigger_point_commands(cli: Any) -> None:
    assert (
        cli(
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
        )[0]
        == 0
    )
    _, out, _ = cli("regimen", "list", "--json")
    assert json.loads(out)[0]["times"] == ["morning", "bedtime"]
    assert (
        cli("regimen", "switch", "magnesium", "--form", "citrate", "--date", "2026-02-10")[0] == 0
    )
    assert cli("took", "magnesium", "--time", "bedtime")[0] == 0
    assert cli("regimen", "stop", "magnesium", "--date", "2026-03-01")[0] == 0
    _, out, _ = cli("regimen", "list", "--all", "--json")
    assert [e["form"] for e in json.loads(out)] == ["glycinate", "citrate"]
    assert cli("med", "add", "lisinopril", "--dose", "10", "--unit", "mg")[0] == 0
    _, out, _ = cli("med", "list", "--json")
    assert json.loads(out)[0]["name"] == "lisinopril"
    assert cli("lab", "add", "magnesium", "0.8", "mmol/L", "--low", "0.7", "--high", "1.0")[0] == 0
    _code, out, _ = cli("lab", "list", "--json")
    assert json.loads(out)[0]["range_high"] == 1.0
    assert cli("factor", "add", "fluids", "1800", "ml")[0] == 0
    _, out, _ = cli("factor", "list", "--json")
    assert json.loads(out)[0]["value"] == 1800.0
    assert (
        cli("profile", "set", "--birth-year", "1958", "--sex", "female", "--kidney-disease", "no")[
            0
        ]
        == 0
    )
    _, out, _ = cli("profile", "show", "--json")
    assert json.loads(out)["birth_year"] == 1958
    _, out, _ = cli(
        "trigger-point", "add", "inner-thigh", "--side", "left", "--tenderness", "6", "--json"
    )
    tp_id = json.loads(out)["id"]
    code, _, err = cli("trigger-point", "rate", str(tp_id), "3")
    assert code == 1 and "rated 6/10 on 2026-03-05; replace it with 3/10?" in err
    assert cli("trigger-point", "rate", str(tp_id), "3", "--yes")[0] == 0
    _, out, _ = cli("trigger-point", "list", "--json")
    assert [r["tenderness"] for r in json.loads(out)[0]["ratings"]] == [3]  # same day: replaced


def test_replacing_a_lab_or_factor_of_the_same_day_asks_first(cli: Any) -> None:
    assert cli("lab", "add", "potassium", "6.2", "mmol/L")[0] == 0
    code, _, err = cli("lab", "add", "potassium", "4.1", "mmol/L")
    assert code == 1 and "recorded as 6.2 mmol/L; replace it with 4.1 mmol/L?" in err
    _, out, _ = cli("lab", "list", "--json")
    assert [lab["value"] for lab in json.loads(out)] == [6.2]
    assert cli("lab", "add", "potassium", "6.2", "mmol/L")[0] == 0  # the same value: no question
    assert cli("factor", "add", "fluids", "2000", "ml")[0] == 0
    code, _, err = cli("factor", "add", "fluids", "500", "ml")
    assert code == 1 and "recorded as 2000 ml; replace it with 500 ml?" in err
    assert cli("factor", "add", "fluids", "500", "ml", "--yes")[0] == 0
    _, out, _ = cli("factor", "list", "--json")
    assert [f["value"] for f in json.loads(out)] == [500.0]


def test_import_export_commands(cli: Any, tmp_path: Path) -> None:
    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    out_file = tmp_path / "diary.json"
    code, _, err = cli("export", "--out", str(out_file), now=AFTER_DEMO)
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["format"] == "crampwise-diary"
    code, out, _ = cli("import", str(out_file), "--json", now=AFTER_DEMO)
    assert code == 0
    assert json.loads(out)["added"] == {}
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "crampwise-diary",
                "version": 1,
                "episodes": [{"night": "2026-01-01", "severity": 11}],
            }
        )
    )
    code, _, err = cli("import", str(bad), now=AFTER_DEMO)
    assert code == 1 and "episodes[0].severity: 11 is not in 0..10" in err


def test_demo_into_a_non_empty_database_needs_yes(cli: Any) -> None:
    cli("night", "2026-03-01", "--none")
    code, _, err = cli("demo", now=AFTER_DEMO)
    assert code == 1 and "already holds data" in err


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crampwise", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_real_process_errors_have_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "CRAMPWISE_DB": str(tmp_path / "d.sqlite")}
    result = _run(["log", "--severity", "eleven"], env)  # saved; what was not read is said
    assert result.returncode == 0 and result.stderr == ""
    assert "I did not understand --severity 'eleven'" in result.stdout
    result = _run(["edit", "1", "--severity", "eleven"], env)
    assert result.returncode == 1
    assert result.stderr.startswith("crampwise: error: --severity:")
    assert "Traceback" not in result.stderr
    result = _run(["import", str(tmp_path / "missing.json")], env)
    assert result.returncode == 1 and "does not exist" in result.stderr
    result = _run(["frobnicate"], env)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_demo_without_db_uses_a_separate_demo_database(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    env.pop("CRAMPWISE_DB", None)
    result = _run(["demo", "--json"], env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["db"].endswith("demo.sqlite")
    assert data["summary"]["nights_observed"] > 600
    own = _run(["summary", "--json"], env)
    assert json.loads(own.stdout)["nights_observed"] == 0  # the person's own diary is untouched


def test_unusable_databases_get_one_line_errors(tmp_path: Path) -> None:
    env = {**os.environ}
    env.pop("CRAMPWISE_DB", None)
    for db, message in (
        ("mysql://x", "unsupported database URL scheme 'mysql'"),
        (str(tmp_path / "file.txt" / "diary.sqlite"), "does not exist; check the path"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "cannot connect to PostgreSQL"),
    ):
        if "file.txt" in db:
            (tmp_path / "file.txt").write_text("a file, not a folder")
        result = _run(["--db", db, "summary"], env)
        assert result.returncode == 1
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_long_spans_show_a_week_calendar_with_regimen_changes(cli: Any) -> None:
    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    code, out, _ = cli("nights", "--from", "2025-09-08", "--to", "2025-10-12", now=AFTER_DEMO)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "week",
        "of",
        "M",
        "T",
        "W",
        "T",
        "F",
        "S",
        "S",
        "cramps",
        "nights",
        "regimen",
    ]
    switch_week = next(line for line in lines if line.startswith("2025-09-29"))
    assert "+calcium" in switch_week and "-magnesium" in switch_week
    assert "? missing (not counted as zero)" in out
    code, out, _ = cli(
        "nights", "--from", "2025-09-08", "--to", "2025-10-12", "--list", now=AFTER_DEMO
    )
    table = out.split("\n\n")[0]  # then: the nights since the demo's end, not checked in
    assert len(table.splitlines()) == 1 + 35
    assert "27 nights since your last entry are not checked in" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nights", "--from", "2025-13-01"), "--from: '2025-13-01' is not a date"),
        (("episodes", "--to", "soon"), "--to: 'soon' is not a date"),
        (
            ("nights", "--from", "2025-10-10", "--to", "2025-09-01"),
            "--to: 2025-09-01 is before 2025-10-10, where the range starts",
        ),
    ],
)
def test_date_ranges_are_checked(cli: Any, args: tuple[str, ...], message: str) -> None:
    code, out, err = cli(*args)
    assert code == 1 and out == "" and message in err


def test_an_implausible_lab_value_is_refused_with_a_unit_hint(cli: Any) -> None:
    code, _, err = cli("lab", "add", "potassium", "4.1", "mg/dL")
    assert code == 1
    assert "value: potassium 4.1 mg/dL is 1.05 mmol/L, which is not a plausible result" in err
    assert "did you mean 4.1 mmol/L?" in err
    assert cli("lab", "add", "calcium", "9.4", "mg/dL")[0] == 0
