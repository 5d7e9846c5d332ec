"""What may enter the diary (issue 8 items 1, 13, 14, 15, 17, 18, 19), on every backend.

Dates run from 1900-01-01 (or the birth year) to today, every number has an upper bound,
empty strings are errors rather than silently "now" or "nothing", and a refused value
leaves the diary exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crampwise.cli import main
from crampwise.errors import ConflictError, ImportFormatError, InputError
from crampwise.timeparse import format_utc
from crampwise.tracker import Tracker

from .conftest import NOW


def _state(cli: Any) -> tuple[str, str]:
    """The diary as the list commands show it."""
    return cli("nights", "--json")[1], cli("episodes", "--json")[1]


# -- item 1: a year typo must not corrupt the diary ---------------------------------------
# ``log`` never loses the cramp (issue 11): it saves it on the night it can tell, without
# the time it could not use, and says what was not read; nothing before 1900 is written.
@pytest.mark.parametrize(
    ("args", "message", "time"),
    [
        (
            ("--night", "0206-11-30", "--at", "3am"),
            "--night: 0206-11-30 is before 1900-01-01",
            "03:00",
        ),
        (("--night", "0001-01-01"), "--night: 0001-01-01 is before 1900-01-01", None),
        (("--at", "9999999 hours ago"), "--at: '9999999 hours ago' is before 1900-01-01", None),
        (("--at", "99999999999999999999 min ago"), "is before 1900-01-01", None),
        (("--at", "1" + "0" * 400 + " hours ago"), "is 411 characters long", None),
    ],
)
def test_a_date_before_1900_is_not_written_and_the_cramp_is_kept(
    cli: Any, args: tuple[str, ...], message: str, time: str | None
) -> None:
    assert cli("night", "2026-03-01", "--none")[0] == 0
    code, out, err = cli("log", *args)
    assert (code, err) == (0, "")
    assert message in out and "to fix: crampwise --db" in out
    nights = [n["date"] for n in json.loads(cli("nights", "--json")[1])]
    assert min(nights) == "2026-03-01"  # nothing before 1900 (nor the 2026-03-01 night moved)
    episodes = json.loads(cli("episodes", "--json")[1])
    assert [(e["night"], e["time"]) for e in episodes] == [("2026-03-04", time)]
    for command in (("episodes",), ("export",), ("summary",)):  # the diary still works
        assert cli(*command)[0] == 0


def test_edit_still_refuses_a_date_before_1900(cli: Any) -> None:
    assert cli("log")[0] == 0
    before = _state(cli)
    code, out, err = cli("edit", "1", "--night", "0206-11-30")
    assert (code, out) == (1, "")
    assert "--night: 0206-11-30 is before 1900-01-01" in err and len(err.splitlines()) == 1
    assert _state(cli) == before


def test_the_birth_year_is_the_earliest_date(cli: Any) -> None:
    assert cli("profile", "set", "--birth-year", "1958")[0] == 0
    code, _, err = cli("night", "1957-12-31", "--none")
    assert code == 1
    assert "date: 1957-12-31 is before 1958-01-01; dates from the birth year" in err
    assert cli("night", "1958-01-01", "--none")[0] == 0


def test_import_refuses_an_episode_before_1900(tracker: Tracker) -> None:
    doc = {"format": "crampwise-diary", "version": 1, "episodes": [{"night": "0206-11-30"}]}
    with pytest.raises(ImportFormatError, match=r"episodes\[0\]\.night: 0206-11-30 is before"):
        tracker.import_diary(doc)
    assert tracker.diary.nights() == []


def test_utc_times_keep_four_digit_years() -> None:
    import datetime as dt

    assert format_utc(dt.datetime(206, 12, 1, 3, tzinfo=dt.UTC)) == "0206-12-01T03:00:00Z"


# -- items 13 and 12: upper bounds, so that nothing becomes inf -----------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("edit", "1", "--duration", "1e29"), "--duration: '1e29' is not a duration"),
        (("edit", "1", "--duration", "100000"), "--duration: 100000 minutes is longer than a"),
        (("edit", "1", "--severity", "9" * 5000), "--severity: '99999"),
        (("regimen", "start", "magnesium", "--dose", "1e308", "--unit", "mg"), "is over 1e+06"),
        (("med", "add", "lisinopril", "--dose", "9" * 400, "--unit", "mg"), "--dose: '9999"),
        (("factor", "add", "fluids", "1e308"), "value: 1e+308 is over 20000"),
        (("factor", "add", "time-on-feet", "25", "h"), "value: 25 is over 24"),
        (("factor", "add", "bike-km", "1e300"), "value: 1e+300 is over 1e+06"),
        (("lab", "add", "potassium", "1e308", "mmol/L"), "value: 1e+308 is over 1e+06"),
        (("log", "--client-id", "c" * 201), "--client-id: is 201 characters long"),
        (
            ("edit", "99999999999999999999999", "--severity", "3"),
            "is not in 1..9223372036854775807",
        ),
        (
            ("delete", "episode", "99999999999999999999999", "--yes"),
            "is not in 1..9223372036854775807",
        ),
        (("after-effect", "9" * 30, "knot", "3"), "is not in 1..9223372036854775807"),
    ],
)
def test_every_number_has_an_upper_bound(cli: Any, args: tuple[str, ...], message: str) -> None:
    assert cli("log", "--at", "3am")[0] == 0  # cramp #1, for edit
    code, out, err = cli(*args)
    assert code == 1 and out == ""
    assert message in err
    assert "unexpected" not in err and len(err.splitlines()) == 1
    assert len(err) < 400  # the value is never echoed in full


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--duration", "1e29"), "--duration '1e29': not a duration"),
        (("--duration", "100000"), "--duration: 100000 minutes is longer than a day"),
        (("--severity", "9" * 5000), "--severity '9999999"),
        (("--waves", "0"), "--waves '0': not a number of waves; give a whole number 1-100"),
    ],
)
def test_log_keeps_the_cramp_without_an_unbounded_number(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("log", *args, "--json")
    assert (code, err) == (0, "")
    logged = json.loads(out)
    assert (logged["duration_min"], logged["severity"], logged["waves"]) == (None, None, None)
    assert message in logged["unread"][0]["message"]
    assert len(out) < 2000  # the value is never echoed in full


def test_the_largest_dose_still_gives_finite_totals(cli: Any) -> None:
    args = ("regimen", "start", "magnesium", "--dose", "1000000", "--unit", "mg")
    assert cli(*args, "--times", "morning,noon,evening,bedtime")[0] == 0
    code, out, err = cli("nutrition", "--json")
    assert code == 0, err
    assert "Infinity" not in out and json.loads(out)


# -- item 14: factor list dates ------------------------------------------------------------
def test_factor_list_checks_its_dates(cli: Any) -> None:
    assert cli("factor", "add", "fluids", "2000", "--date", "2026-03-02")[0] == 0
    assert cli("factor", "add", "fluids", "1500", "--date", "2026-03-04")[0] == 0
    code, _, err = cli("factor", "list", "--from", "2026-13-01")
    assert code == 1 and "--from: '2026-13-01' is not a date" in err
    code, _, err = cli("factor", "list", "--from", "2026-03-04", "--to", "2026-03-02")
    assert code == 1 and "--to: 2026-03-02 is before 2026-03-04" in err
    code, out, _ = cli("factor", "list", "--from", "yesterday", "--json")
    assert code == 0 and [f["date"] for f in json.loads(out)] == ["2026-03-04"]


# -- item 15: empty strings are errors, the same way everywhere -----------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("night", "", "--none"), "date: is empty"),
        (("regimen", "start", " "), "item: is empty; give a name"),
        (("med", "add", ""), "name: a medication needs a name"),
        # --date is kept as an alias of --start (issue 11): the error names the option
        (("regimen", "start", "magnesium", "--date", ""), "--start: is empty"),
        (("profile", "set", "--timezone", ""), "--timezone: is empty"),
        (("edit", "1", "--at", ""), "--at: is empty; allowed: now, 3am"),
        (("edit", "1", "--side", ""), "--side: is empty; allowed: left, right, both"),
        (("edit", "1", "--muscle", " , "), "--muscle: is empty"),
        (("edit", "1", "--severity", ""), "--severity: is empty"),
    ],
)
def test_empty_values_are_errors(cli: Any, args: tuple[str, ...], message: str) -> None:
    if args[0] == "edit":
        assert cli("log", "--at", "3am")[0] == 0
    before = cli("nights", "--json")[1]
    code, out, err = cli(*args)
    assert (code, out) == (1, "")
    assert message in err
    assert cli("nights", "--json")[1] == before


@pytest.mark.parametrize(
    ("args", "said", "time"),
    [
        (("--at", ""), "--at: no value was given", None),
        (("--at", " "), "--at: no value was given", None),
        (("--side", ""), "--side: no value was given", "03:30"),
        (("--muscle", ""), "--muscle: no value was given", "03:30"),
        (("--muscle", " , "), "--muscle: no value was given", "03:30"),
        (("--night", ""), "--night: no value was given", None),
        (("--severity", ""), "--severity: no value was given", "03:30"),
        (("--duration", " "), "--duration: no value was given", "03:30"),
    ],
)
def test_log_with_an_empty_value_keeps_the_cramp(
    cli: Any, args: tuple[str, ...], said: str, time: str | None
) -> None:
    """An empty value is not "now" or "nothing": the cramp is saved without it, and said."""
    code, out, err = cli("log", *args)
    assert (code, err) == (0, "")
    assert f"I did not understand {said}" in out
    episodes = json.loads(cli("episodes", "--json")[1])
    assert [(e["night"], e["time"]) for e in episodes] == [("2026-03-04", time)]


def test_an_empty_database_name_is_not_the_personal_diary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # were it used, it would be here
    monkeypatch.setenv("CRAMPWISE_NOW", NOW.isoformat())
    assert main(["--db", "", "summary"]) == 1
    assert "--db: is empty; give a file path or a database URL" in capsys.readouterr().err
    monkeypatch.setenv("CRAMPWISE_DB", "")
    assert main(["summary"]) == 1
    assert "CRAMPWISE_DB: is set but empty" in capsys.readouterr().err
    assert not (tmp_path / "crampwise").exists()


# -- item 17: a reused client id with other details ---------------------------------------
def test_a_reused_client_id_with_other_details_says_they_differ(cli: Any) -> None:
    first = ("log", "--client-id", "abc", "--at", "03:10", "--severity", "7")
    assert cli(*first)[0] == 0
    code, out, _ = cli(*first)
    assert code == 0 and out.startswith("Already logged cramp #1")
    code, out, err = cli("log", "--client-id", "abc", "--at", "03:10", "--severity", "5")
    assert (code, out) == (1, "")
    assert "client id 'abc' was already used for cramp #1 with other details" in err
    assert "severity 7 → 5" in err and "to change it use 'crampwise edit 1'" in err
    code, out, err = cli("log", "--client-id", "abc", "--at", "03:20", "--severity", "7")
    assert code == 1 and "occurred at 2026-03-05T02:10:00Z → 2026-03-05T02:20:00Z" in err
    episodes = json.loads(cli("episodes", "--json")[1])
    assert [(e["severity"], e["time"]) for e in episodes] == [(7, "03:10")]


def test_a_retry_of_now_is_the_same_cramp(cli: Any) -> None:
    """ "now" moves on between two tries: the retry is still the same submission."""
    import datetime as dt

    assert cli("log", "--client-id", "k1", "--severity", "4")[0] == 0
    later = NOW + dt.timedelta(seconds=40)
    code, out, _ = cli("log", "--client-id", "k1", "--severity", "4", now=later)
    assert code == 0 and out.startswith("Already logged")


def test_api_reused_client_id(tracker: Tracker) -> None:
    tracker.diary.log_episode(client_id="z", muscles=["calf"])
    with pytest.raises(ConflictError) as caught:
        tracker.diary.log_episode(client_id="z", muscles=["foot"])
    assert caught.value.action == "edit-episode"
    assert len(tracker.diary.episodes()) == 1


# -- item 18: changing a red-flag answer asks first ---------------------------------------
def test_changing_todays_red_flag_answer_needs_confirmation(cli: Any) -> None:
    assert cli("red-flags", "leg-swelling", "yes")[0] == 0
    assert cli("red-flags", "leg-swelling", "yes")[0] == 0  # the same answer: nothing to ask
    code, out, err = cli("red-flags", "leg-swelling", "no")
    assert (code, out) == (1, "")
    assert "leg-swelling on 2026-03-05 is answered yes; replace it with no? Add --yes" in err
    rows = {r["flag"]: r for r in json.loads(cli("red-flags", "--json")[1])}
    assert rows["leg-swelling"]["answer"] is True
    assert cli("red-flags", "leg-swelling", "no", "--yes")[0] == 0
    rows = {r["flag"]: r for r in json.loads(cli("red-flags", "--json")[1])}
    assert rows["leg-swelling"]["answer"] is False
    assert cli("red-flags", "leg-swelling", "yes", "--date", "2026-03-04")[0] == 0
    rows = {r["flag"]: r for r in json.loads(cli("red-flags", "--json")[1])}
    assert rows["leg-swelling"] == {  # the latest answer counts, not the last typed
        "flag": "leg-swelling",
        "question": rows["leg-swelling"]["question"],
        "urgency": rows["leg-swelling"]["urgency"],
        "answer": False,
        "answered_on": "2026-03-05",
    }


# -- item 19: what a name may hold --------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "stored"),
    [
        (("regimen", "start", "Ωmega-3 🐟"), "ωmega-3-🐟"),
        (("regimen", "start", "Kokoswasser für Ärzte", "--kind", "food"), "kokoswasser für ärzte"),
        (("regimen", "start", "St. John's wort"), "st.-john's-wort"),
        (("med", "add", "Ελτροξίνη"), "ελτροξίνη"),
        (("factor", "add", "Schlaf 😴", "schlecht"), "schlaf-😴"),
    ],
)
def test_names_may_be_in_any_script(cli: Any, args: tuple[str, ...], stored: str) -> None:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    record = json.loads(out)
    assert stored in (record.get("item"), record.get("name"))


@pytest.mark.parametrize(
    "name",
    ["'; DROP TABLE regimen;--", "mag\x07nesium", "mag\u202enesium", "magnesium\x1b[31m", '"x"'],
)
def test_names_refuse_control_characters_and_code(cli: Any, name: str) -> None:
    code, _, err = cli("regimen", "start", name)
    assert code == 1 and "item:" in err and "is not a usable name" in err
    assert cli("regimen", "list", "--json")[1].strip() == "[]"


def test_custom_factors_are_bounded_below_too(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="value: -1e\\+300 is below -1e\\+06"):
        tracker.context.add_factor("bike-km", "-1e300")


def test_api_names(tracker: Tracker) -> None:
    assert tracker.regimen.start("Ωmega-3 🐟").item == "ωmega-3-🐟"
    with pytest.raises(InputError) as caught:
        tracker.regimen.start("x\x00y")
    assert caught.value.field == "item"
