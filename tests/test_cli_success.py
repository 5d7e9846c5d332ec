"""Success paths of commands that had only error tests (issue 7): what a person sees and
what the diary then holds. The clock is the tests' NOW: 03:30 on 5 March 2026 in Berlin."""

from __future__ import annotations

import json
import os
from typing import Any


def _episodes(cli: Any) -> list[dict[str, Any]]:
    code, out, _ = cli("episodes", "--json")
    assert code == 0
    return list(json.loads(out))


def test_init_creates_and_reports_the_diary(cli: Any, db_url: str) -> None:
    code, out, err = cli("init")
    assert code == 0 and err == ""
    where = db_url if db_url.startswith("post") else os.path.abspath(db_url)  # not sqlite:///
    assert out.startswith(f"Diary ready at {where} (")
    code, out, _ = cli("init", "--json")
    data = json.loads(out)
    assert data["migrations"][0] == "0001_diary" and len(data["migrations"]) >= 2


def test_episodes_lists_in_night_order_with_details(cli: Any) -> None:
    assert cli("log", "--night", "2026-03-02", "--at", "23:40", "--severity", "4")[0] == 0
    assert cli("log", "--at", "around 02:50", "--muscle", "calf", "--side", "left")[0] == 0
    assert cli("log", "--night", "2026-03-01")[0] == 0
    code, out, _ = cli("episodes")
    assert code == 0
    assert out.splitlines() == [
        "#3  2026-03-01  time ?",
        "#1  2026-03-02  23:40  severity 4",
        "#2  2026-03-04  ~02:50  left  calf",
    ]
    code, out, _ = cli("episodes", "--from", "2026-03-02", "--to", "2026-03-03")
    assert [line.split()[0] for line in out.splitlines()] == ["#1"]
    episodes = _episodes(cli)
    assert [(e["night"], e["time"], e["approximate"]) for e in episodes] == [
        ("2026-03-01", None, False),
        ("2026-03-02", "23:40", False),
        ("2026-03-04", "02:50", True),
    ]
    code, out, _ = cli("episodes", "--from", "2026-03-05")
    assert out.strip() == "No episodes recorded."


def test_edit_fills_in_and_overwrites_with_yes(cli: Any) -> None:
    assert cli("log", "--at", "03:00")[0] == 0
    code, out, err = cli("edit", "1", "--severity", "7", "--muscle", "calf,foot", "--woke")
    assert code == 0  # filling in empty details needs no confirmation
    assert err.startswith("before: #1  2026-03-04  03:00")
    assert out.strip() == "after:  #1  2026-03-04  03:00  calf/foot  severity 7  woke"
    code, _, err = cli("edit", "1", "--severity", "5")
    assert code == 1 and "episode 1: overwrite severity 7 → 5? Add --yes to confirm." in err
    code, out, _ = cli("edit", "1", "--severity", "5", "--at", "02:40", "--yes", "--json")
    edited = json.loads(out)
    assert (edited["severity"], edited["time"], edited["muscles"], edited["woke"]) == (
        5,
        "02:40",
        ["calf", "foot"],
        True,
    )
    assert _episodes(cli) == [edited]


def test_after_effect_rates_soreness_on_later_days(cli: Any) -> None:
    assert cli("log", "--at", "03:00", "--severity", "9")[0] == 0
    code, out, _ = cli("after-effect", "1", "soreness", "6")
    assert code == 0 and out.strip() == "Rated soreness 6/10 after cramp #1."
    code, out, _ = cli("after-effect", "1", "knot", "3", "--date", "2026-03-04", "--json")
    assert code == 0
    effects = json.loads(out)["after_effects"]
    assert {(a["date"], a["kind"], a["rating"]) for a in effects} == {
        ("2026-03-05", "soreness", 6),
        ("2026-03-04", "knot", 3),
    }
    assert _episodes(cli)[0]["after_effects"] == effects


def test_med_stop_ends_the_medication(cli: Any) -> None:
    args = ("med", "add", "Lisinopril", "--dose", "10", "--unit", "mg", "--start", "2026-01-10")
    assert cli(*args)[0] == 0
    code, out, _ = cli("med", "stop", "lisinopril", "--date", "2026-03-01")
    assert code == 0 and out.strip() == "Stopped lisinopril from 2026-03-01."
    code, out, _ = cli("med", "list", "--json")
    meds = json.loads(out)
    assert [(m["name"], m["start"], m["end"]) for m in meds] == [
        ("lisinopril", "2026-01-10", "2026-03-01")
    ]
    code, _, err = cli("med", "stop", "lisinopril")
    assert code == 1 and "lisinopril is not on your medication list (ongoing: none)" in err


def test_trigger_point_release_marks_the_day(cli: Any) -> None:
    args = ("trigger-point", "add", "inner-thigh", "--side", "right", "--tenderness", "7")
    assert cli(*args, "--date", "2026-02-20")[0] == 0
    assert cli("trigger-point", "rate", "1", "4", "--date", "2026-03-01")[0] == 0
    code, out, _ = cli("trigger-point", "release", "1", "--date", "2026-03-04")
    assert code == 0 and out.strip() == "Trigger point #1 released on 2026-03-04."
    code, out, _ = cli("trigger-point", "list", "--json")
    point = json.loads(out)[0]
    assert (point["found"], point["released"]) == ("2026-02-20", "2026-03-04")
    assert [(r["date"], r["tenderness"]) for r in point["ratings"]] == [
        ("2026-02-20", 7),
        ("2026-03-01", 4),
    ]
    code, out, _ = cli("trigger-point", "list")
    assert "7 → 4" in out and "2026-03-04" in out


def test_nights_calendar_comes_from_the_tracker(cli: Any) -> None:
    """Weeks start on Monday; ? is missing, · cramp-free, digits count cramps."""
    assert cli("night", "2026-01-26", "--none")[0] == 0  # a Monday
    assert cli("night", "2026-02-28", "--cramps", "2")[0] == 0
    assert cli("regimen", "start", "magnesium", "--date", "2026-02-03")[0] == 0
    code, out, _ = cli("nights")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["2026-01-26", "·", "?", "?", "?", "?", "?", "?", "0", "1"]
    assert "+magnesium" in lines[2]
    assert lines[5].split() == ["2026-02-23", "?", "?", "?", "?", "?", "2", "?", "2", "1"]
    # the nights since the last entry (Sat 28th) up to last night (Wed 4th) are not
    # checked in: missing in the calendar, after last night blank, and the command
    assert lines[6].split() == ["2026-03-02", "?", "?", "?", "0", "0"]
    assert (
        "4 nights since your last entry are not checked in: Sun 1 Mar 2026 – Wed 4 Mar 2026." in out
    )
    assert "night --none --from 2026-03-01 --to 2026-03-04" in out
