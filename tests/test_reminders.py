"""Bedtime reminders: the .ics file parses with the ``icalendar`` library, recurs daily
(RRULE), has an alarm (VALARM) at the profile's bedtime and lists tonight's bedtime items."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import icalendar


def _events(path: Path) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def test_a_daily_reminder_at_the_default_bedtime_with_an_alarm(cli: Any, tmp_path: Path) -> None:
    for args in (
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
        (
            "regimen",
            "start",
            "stretching",
            "--kind",
            "routine",
            "--times",
            "bedtime",
            "--date",
            "2026-02-01",
        ),
        (
            "regimen",
            "start",
            "coconut water",
            "--kind",
            "food",
            "--times",
            "evening",
            "--date",
            "2026-02-01",
        ),
    ):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    out = tmp_path / "bedtime.ics"
    code, stdout, err = cli("reminders", "--ics", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout)["tonight"] == ["magnesium (glycinate) 200 mg", "stretching"]
    raw = out.read_bytes()
    assert raw.endswith(b"END:VCALENDAR\r\n") and all(
        len(line) <= 75 for line in raw.split(b"\r\n")
    )
    (event,) = _events(out)
    start = event.decoded("DTSTART")
    assert start.time() == dt.time(22, 0) and start.tzinfo is None  # floating: 22:00 anywhere
    assert event["RRULE"]["FREQ"] == ["DAILY"] and "UNTIL" not in event["RRULE"]
    summary = str(event["SUMMARY"])
    assert "magnesium (glycinate) 200 mg" in summary and "stretching" in summary
    assert "coconut water" not in summary  # taken in the evening, not at bedtime
    assert "not medical advice" in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(0)


def test_bedtime_from_the_profile_and_a_planned_stop_splits_the_series(
    cli: Any, tmp_path: Path
) -> None:
    code, _, err = cli("profile", "set", "--bedtime", "21:30")
    assert code == 0, err
    plan = {  # a planned stop can be given in a file (the commands stop from today)
        "format": "crampwise-diary",
        "version": 1,
        "regimen": [
            {
                "item": "magnesium",
                "kind": "supplement",
                "dose": 200,
                "unit": "mg",
                "times": ["bedtime"],
                "start": "2026-02-01",
                "end": "2026-03-10",
            }
        ],
        "medications": [
            {
                "name": "amlodipine",
                "dose": 5,
                "unit": "mg",
                "times": ["bedtime"],
                "start": "2026-01-01",
                "end": None,
            }
        ],
    }
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(plan), encoding="utf-8")
    code, _, err = cli("import", str(source))
    assert code == 0, err
    out = tmp_path / "bedtime.ics"
    assert cli("reminders", "--ics", str(out))[0] == 0
    first, second = sorted(_events(out), key=lambda e: e.decoded("DTSTART"))
    assert first.decoded("DTSTART") == dt.datetime(2026, 2, 1, 21, 30)
    assert first["RRULE"]["UNTIL"] == [dt.datetime(2026, 3, 9, 21, 30)]
    assert "magnesium 200 mg" in str(first["SUMMARY"])
    assert second.decoded("DTSTART") == dt.datetime(2026, 3, 10, 21, 30)
    assert "magnesium" not in str(second["SUMMARY"]) and "amlodipine 5 mg" in str(second["SUMMARY"])
    assert str(first["UID"]) != str(second["UID"])
    # The same diary exported again gives the same UIDs: a calendar updates, not doubles.
    again = tmp_path / "again.ics"
    assert cli("reminders", "--ics", str(again))[0] == 0
    assert [str(e["UID"]) for e in _events(again)] == [str(e["UID"]) for e in _events(out)]


def test_reminders_ask_before_replacing_a_file_and_refuse_a_bad_bedtime(
    cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "bedtime.ics"
    out.write_text("mine", encoding="utf-8")
    code, _, err = cli("reminders", "--ics", str(out))
    assert code == 1 and "--yes" in err and out.read_text(encoding="utf-8") == "mine"
    assert cli("reminders", "--ics", str(out), "--yes")[0] == 0
    (event,) = _events(out)
    assert str(event["SUMMARY"]) == "Bedtime"  # nothing due: still the nightly nudge
    code, _, err = cli("profile", "set", "--bedtime", "25:00")
    assert code == 1 and "bedtime: '25:00' is not a time of day; use HH:MM" in err
