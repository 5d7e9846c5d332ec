"""Items not taken every day: a weekly vitamin D, magnesium every other day, a monthly B12.

Through the CLI as people type it (``--every weekly``), the API and the regimen page, the
JSON and CSV formats, the bedtime calendar, the FHIR export, the safety checks, and a
diary made before schedules existed (migration 0009), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from dateutil.rrule import rrulestr

from crampwise.errors import InputError
from crampwise.schedule import average_share, describe, is_due, next_due, parse_every
from crampwise.tracker import Tracker
from tests.web_helpers import client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]

#: 22:00 in Berlin on Sat 12 Dec 2026.
EVENING = dt.datetime(2026, 12, 12, 21, 0, tzinfo=dt.UTC)


# -- the schedule itself -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        (None, "day"),
        ("", "day"),
        ("daily", "day"),
        ("Every day", "day"),
        ("every other day", "2 days"),
        ("other day", "2 days"),
        ("3 days", "3 days"),
        ("every 3 days", "3 days"),
        ("14d", "14 days"),
        ("weekly", "week"),
        ("once a week", "week"),
        ("  WEEK ", "week"),
        ("fortnightly", "2 weeks"),
        ("2w", "2 weeks"),
        ("every 4 weeks", "4 weeks"),
        ("monthly", "month"),
        ("3 months", "3 months"),
        ("12 mo", "12 months"),
        ("1 week", "week"),
    ],
)
def test_what_people_write_becomes_one_spelling(typed: str | None, canonical: str) -> None:
    assert parse_every(typed) == canonical
    assert parse_every(canonical) == canonical  # the stored spelling reads back as itself


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("3 fortnights", "is not a schedule"),
        ("every", "is not a schedule"),
        ("2", "is not a schedule"),
        ("0 days", "every 1 to 366 days"),
        ("53 weeks", "every 1 to 52 weeks"),
        ("13 months", "every 1 to 12 months"),
        ("-1 week", "is not a schedule"),
    ],
)
def test_a_schedule_it_cannot_read_is_refused_by_name(typed: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_every(typed, "regimen[0].every")
    assert caught.value.field == "regimen[0].every"
    assert words in caught.value.detail and "week, N weeks" in caught.value.detail


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def test_due_days_by_hand() -> None:
    """Reference days counted by hand on a calendar (2026-12-02 is a Wednesday)."""
    assert [d for d in range(1, 32) if is_due("week", "2026-12-02", f"2026-12-{d:02d}")] == [
        2,
        9,
        16,
        23,
        30,
    ]
    assert is_due("2 days", "2026-12-01", "2026-12-03")
    assert not is_due("2 days", "2026-12-01", "2026-12-04")
    assert not is_due("week", "2026-12-02", "2026-11-25")  # before the start: never
    # a monthly item started on 31 January: the last day of the shorter months
    due = [
        dt.date(2027, m, d)
        for m in range(1, 13)
        for d in range(1, _last_day(2027, m) + 1)
        if is_due("month", "2027-01-31", dt.date(2027, m, d).isoformat())
    ]
    assert [(x.month, x.day) for x in due] == [
        (m, min(31, _last_day(2027, m))) for m in range(1, 13)
    ]
    assert next_due("month", "2027-01-31", "2027-02-01") == "2027-02-28"
    assert next_due("3 months", "2027-01-31", "2027-02-01") == "2027-04-30"
    assert describe("2 days") == "every other day" and describe("week") == "once a week"
    assert describe("3 weeks") == "every 3 weeks" and describe("day") == "every day"
    assert average_share("week") == pytest.approx(1 / 7)
    assert average_share("month") == pytest.approx(12 / 365.25)


@pytest.mark.parametrize("every", ["2 days", "5 days", "week", "3 weeks", "month", "2 months"])
@pytest.mark.parametrize("start", ["2027-01-31", "2027-02-28", "2028-02-29", "2027-03-15"])
def test_due_days_agree_with_the_calendars_rule(every: str, start: str) -> None:
    """Reference: python-dateutil's RFC 5545 expansion of the RRULE the bedtime calendar
    writes for the same item (an independent implementation), over two years; and
    ``next_due`` is the first due day on or after each day."""
    from crampwise.formats.ics import _rule

    first = dt.date.fromisoformat(start)
    rule = rrulestr(f"RRULE:{_rule(every, first)}", dtstart=dt.datetime.combine(first, dt.time(22)))
    days = [first + dt.timedelta(days=k) for k in range(731)]
    expected = {x.date() for x in rule.between(
        dt.datetime.combine(days[0], dt.time(0)), dt.datetime.combine(days[-1], dt.time(23)),
        inc=True,
    )}  # fmt: skip
    assert {d for d in days if is_due(every, start, d.isoformat())} == expected
    due = sorted(expected)
    for d in days[:400:7]:
        assert next_due(every, start, d.isoformat()) == next(x for x in due if x >= d).isoformat()


# -- the CLI ---------------------------------------------------------------------------------
def _start_weekly(cli: CLI) -> None:
    code, out, err = cli(
        "regimen", "start", "vitamin D", "--dose", "50000", "--unit", "IU", "--times", "morning",
        "--every", "weekly", "--start", "2026-12-02", now=EVENING,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Started vitamin D — 50000 IU × 1 (morning), once a week from 2026-12-02")


def test_a_weekly_item_through_the_cli(cli: CLI) -> None:
    _start_weekly(cli)
    assert cli(
        "regimen", "start", "magnesium", "--dose", "200", "--times", "bedtime",
        "--every", "every other day", "--start", "2026-12-01", now=EVENING,
    )[0] == 0  # fmt: skip
    listed = cli("regimen", "list", now=EVENING)[1]  # Saturday the 12th
    assert "50000 IU × 1 (morning), once a week (next 2026-12-16)" in listed
    assert "200 mg × 1 (bedtime), every other day (next 2026-12-13)" in listed
    later = cli("regimen", "list", now=EVENING + dt.timedelta(days=1))[1]
    assert "every other day (due today)" in later
    entries = json.loads(cli("regimen", "list", "--json", now=EVENING)[1])
    assert {e["item"]: e["every"] for e in entries} == {"magnesium": "2 days", "vitamin-d": "week"}
    # the morning of the 10th: vitamin D is not due (it was on the 9th) - says when it is
    code, _, err = cli("took", "morning", "--date", "2026-12-10", now=EVENING)
    assert code == 1
    assert "--time: nothing in your regimen is taken at morning on 2026-12-10" in err
    assert "vitamin-d is next due on 2026-12-16 (once a week)" in err
    # "took all" on the 9th: both are due (magnesium: 1st, 3rd, … 9th)
    code, out, err = cli("took", "all", "--date", "2026-12-09", now=EVENING)
    assert code == 0, err
    assert out.splitlines() == [
        "Took magnesium at bedtime on 2026-12-09.",
        "Took vitamin-d in the morning on 2026-12-09.",
    ]
    # on the 10th only … nothing: magnesium was the 9th and comes again on the 11th
    code, _, err = cli("took", "all", "--date", "2026-12-10", now=EVENING)
    assert code == 1 and "magnesium is next due on 2026-12-11 (every other day)" in err
    # taken a day late on purpose: naming the item still records it
    code, out, _ = cli("took", "vitamin D", "--date", "2026-12-10", now=EVENING)
    assert code == 0 and out.startswith("Took vitamin-d in the morning on 2026-12-10")


def test_switching_the_schedule_and_bad_schedules(cli: CLI) -> None:
    _start_weekly(cli)
    code, out, err = cli(
        "regimen", "switch", "vitamin D", "--every", "fortnightly", "--start", "2026-12-05",
        now=EVENING,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(
        "Switched vitamin D on 2026-12-05: 50000 IU × 1 (morning), once a week → "
        "50000 IU × 1 (morning), every 2 weeks"
    )
    code, _, err = cli("regimen", "switch", "vitamin D", "--every", "2w", now=EVENING)
    assert code == 1 and "nothing changes; give a new form, dose, unit, times or schedule" in err
    code, _, err = cli("regimen", "start", "zinc", "--every", "3 fortnights", now=EVENING)
    assert code == 1 and err.startswith("crampwise: error: --every: '3 fortnights' is not a")
    code, _, err = cli("regimen", "switch", "vitamin D", "--every", "60 weeks", now=EVENING)
    assert code == 1 and "--every: '60 weeks': every 1 to 52 weeks" in err
    assert "Traceback" not in err
    history = json.loads(cli("regimen", "list", "--all", "--json", now=EVENING)[1])
    assert [(e["every"], e["start"], e["end"]) for e in history] == [
        ("week", "2026-12-02", "2026-12-05"),
        ("2 weeks", "2026-12-05", None),
    ]


def test_safety_counts_the_whole_dose_on_its_day_and_gives_the_average(cli: CLI) -> None:
    """A weekly 50,000 IU is above the 4,000 IU upper limit on the day it is taken (and,
    at 7,143 IU a day, on average too): the finding says which day it counts."""
    _start_weekly(cli)
    report = json.loads(cli("safety", "--json", now=EVENING)[1])
    found = [f for f in report["findings"] if f["code"] == "above-upper-limit"]
    assert len(found) == 1
    assert "50,000 IU of vitamin D on a day you take them" in found[0]["message"]
    assert "once a week, about 7,143 IU a day on average" in found[0]["message"]
    totals = json.loads(cli("nutrition", "--json", now=EVENING)[1])
    vitamin_d = totals["nutrients"]["vitamin-d"]
    assert vitamin_d["items"] == [
        {"item": "vitamin-d", "kind": "supplement", "amount": 50000.0, "intakes": 1,
         "every": "week"}
    ]  # fmt: skip
    text = cli("nutrition", now=EVENING)[1]
    assert "(on a day you take it: vitamin D 50,000 IU once a week" in text


# -- formats ---------------------------------------------------------------------------------
def test_json_and_csv_keep_the_schedule(cli: CLI, tmp_path: Any, other_db: str) -> None:
    _start_weekly(cli)
    assert cli("regimen", "start", "potassium", "--dose", "99", "--start", "2026-12-01",
               now=EVENING)[0] == 0  # fmt: skip
    code, out, _ = cli("export", "--format", "json", now=EVENING)
    regimen = json.loads(out)["regimen"]
    assert {r["item"]: r.get("every") for r in regimen} == {"potassium": None, "vitamin-d": "week"}
    assert cli("export", "--format", "csv", "--out", str(tmp_path / "csv"), now=EVENING)[0] == 0
    header = (tmp_path / "csv" / "regimen.csv").read_text().splitlines()[0]
    assert header.endswith(",notes,every")
    (tmp_path / "doc.json").write_text(out)
    third = str(tmp_path / "third.sqlite")
    for source, target in ((tmp_path / "doc.json", other_db), (tmp_path / "csv", third)):
        code, _, err = cli("--db", target, "import", str(source), now=EVENING)
        assert code == 0, err
        back = json.loads(cli("--db", target, "regimen", "list", "--json", now=EVENING)[1])
        assert {e["item"]: e["every"] for e in back} == {"potassium": "day", "vitamin-d": "week"}


def test_an_older_csv_export_without_the_column_imports_as_daily(cli: CLI, tmp_path: Any) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "regimen.csv").write_text(
        "id,item,kind,form,dose,unit,times,start,end,notes\n"
        "1,magnesium,supplement,glycinate,200,mg,bedtime,2026-11-01,,\n"
    )
    code, _, err = cli("import", str(folder), now=EVENING)
    assert code == 0, err
    entries = json.loads(cli("regimen", "list", "--json", now=EVENING)[1])
    assert [(e["item"], e["every"]) for e in entries] == [("magnesium", "day")]


def test_a_bad_schedule_in_a_document_names_its_path_and_writes_nothing(
    cli: CLI, tmp_path: Any
) -> None:
    doc = {
        "format": "crampwise-diary",
        "version": 1,
        "nights": [{"date": "2026-12-01", "cramps": 0}],
        "regimen": [
            {"item": "magnesium", "kind": "supplement", "start": "2026-11-01", "every": "weekly"},
            {"item": "zinc", "kind": "supplement", "start": "2026-11-01", "every": "sometimes"},
        ],
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    code, _, err = cli("import", str(path), now=EVENING)
    assert code == 1 and "regimen[1].every: 'sometimes' is not a schedule" in err
    assert json.loads(cli("regimen", "list", "--json", now=EVENING)[1]) == []
    assert json.loads(cli("nights", "--json", now=EVENING)[1]) == []
    doc["regimen"] = doc["regimen"][:1]
    path.write_text(json.dumps(doc))
    assert cli("import", str(path), now=EVENING)[0] == 0
    entries = json.loads(cli("regimen", "list", "--json", now=EVENING)[1])
    assert [(e["item"], e["every"]) for e in entries] == [("magnesium", "week")]


def test_fhir_timing_says_once_a_week(cli: CLI) -> None:
    _start_weekly(cli)
    bundle = json.loads(cli("export", "--format", "fhir", now=EVENING)[1])
    statements = [
        e["resource"] for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    ]  # fmt: skip
    dosage = statements[0]["dosage"][0]
    assert dosage["text"] == "50000 IU, morning, once a week"
    assert dosage["timing"]["repeat"] == {
        "frequency": 1, "period": 1, "periodUnit": "wk", "when": ["MORN"],
    }  # fmt: skip


def test_the_bedtime_calendar_gives_a_weekly_item_its_own_days(cli: CLI, tmp_path: Any) -> None:
    import icalendar

    assert cli(
        "regimen", "start", "magnesium", "--dose", "200", "--times", "bedtime",
        "--start", "2026-11-01", now=EVENING,
    )[0] == 0  # fmt: skip
    assert cli(
        "regimen", "start", "calcium", "--dose", "500", "--times", "bedtime",
        "--every", "week", "--start", "2026-12-03", now=EVENING,
    )[0] == 0  # fmt: skip
    out = tmp_path / "r.ics"
    code, text, err = cli("reminders", "--ics", str(out), now=EVENING)
    assert code == 0, err
    assert "Tonight at bedtime: magnesium" in text and "calcium" not in text  # Sat 12th
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    summaries = {str(e["SUMMARY"]): e for e in events}
    assert set(summaries) == {"Bedtime: magnesium 200 mg", "Bedtime: calcium 500 mg (once a week)"}
    weekly = summaries["Bedtime: calcium 500 mg (once a week)"]
    assert weekly["DTSTART"].dt == dt.datetime(2026, 12, 17, 22, 0)  # the next Thursday
    assert dict(weekly["RRULE"]) == {"FREQ": ["WEEKLY"]}


# -- migration, web --------------------------------------------------------------------------
def test_a_diary_from_before_schedules_reads_every_entry_as_daily(db_url: str) -> None:
    """A diary at migration 0008 with an entry written in the old column list gets the
    column on open, and the entry reads as taken every day."""
    from crampwise.storage.engine import open_engine, resolve_url
    from crampwise.storage.migrations import migrate, status

    engine = open_engine(resolve_url(db_url))
    try:
        migrate(engine, target="0008_calendar_feeds")
        assert status(engine).pending[0] == "0009_regimen_every"
        with engine.write():  # diary 1, "personal", made by migration 0003
            engine.execute(
                "INSERT INTO regimen (diary_id, item, kind, form, dose, unit, times, start_date, "
                "end_date, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (1, "magnesium", "supplement", "glycinate", 200.0, "mg", "bedtime",
                 "2026-11-01", None, "", "2026-11-01T00:00:00Z"),
            )  # fmt: skip
            engine.execute(
                "INSERT INTO medications (diary_id, name, dose, unit, times, start_date, "
                "end_date, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (1, "lisinopril", 10.0, "mg", "morning", "2026-10-01", None, "",
                 "2026-10-01T00:00:00Z"),
            )  # fmt: skip
    finally:
        engine.close()
    with Tracker(db_url, clock=lambda: EVENING) as t:
        assert t.migration_status().up_to_date
        (entry,) = t.regimen.entries()
        assert (entry.item, entry.every, entry.times) == ("magnesium", "day", ("bedtime",))
        (med,) = t.regimen.medications()
        assert (med.name, med.every) == ("lisinopril", "day")
        assert t.regimen.took_due("bedtime")[0].record.item == "magnesium"


def test_the_api_and_the_regimen_page(tracker: Tracker) -> None:
    with client_for(tracker) as web:
        r = web.post(
            "/api/regimen",
            json={"item": "vitamin D", "dose": 50000, "unit": "IU", "times": ["morning"],
                  "every": "weekly", "date": "2026-03-02"},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["every"] == "week" and r.json()["item"] == "vitamin-d"
        bad = web.post("/api/regimen", json={"item": "zinc", "every": "sometimes"})
        assert bad.status_code == 422
        assert "every" in json.dumps(bad.json()) and "is not a schedule" in bad.text
        switched = web.post(
            "/api/regimen/vitamin-d/switch", json={"every": "2 weeks", "date": "2026-03-04"}
        )
        assert switched.status_code == 200 and switched.json()["started"]["every"] == "2 weeks"
        # the page: today (Thu 5 March) is not a vitamin D day, so no dose is listed
        page = web.get("/regimen").text
        assert "every 2 weeks (next 2026-03-18)" in page
        assert "Today's doses" not in page
        token = csrf_of(web, "/regimen")
        form = {"csrf": token, "action": "start", "item": "magnesium", "kind": "supplement",
                "dose": "200", "unit": "mg", "times": "bedtime", "every": "often",
                "date": "2026-03-05"}  # fmt: skip
        refused = web.post("/regimen", data=form)
        assert refused.status_code == 422
        assert 'id="every-error"' in refused.text and "is not a schedule" in refused.text
        assert web.get("/api/regimen").json()[0]["item"] == "vitamin-d"  # nothing half-saved
        ok = web.post("/regimen", data={**form, "every": "other day"})
        assert ok.status_code == 303
        page = web.get("/regimen").text
        assert "every other day" in page and "Today's doses" in page  # due on its first day


def test_a_weekly_medicine(cli: CLI, tracker: Tracker) -> None:
    """Alendronate 70 mg once a week: the schedule is kept through the CLI, the JSON
    export and the API, and a bad schedule is refused by name."""
    code, out, err = cli(
        "med", "add", "alendronate", "--dose", "70", "--unit", "mg", "--times", "morning",
        "--every", "weekly", "--start", "2026-12-06", now=EVENING,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Added alendronate 70 mg × 1 (morning), once a week from 2026-12-06.")
    assert "70 mg × 1 (morning), once a week" in cli("med", "list", now=EVENING)[1]
    exported = json.loads(cli("export", "--format", "json", now=EVENING)[1])
    assert [(m["name"], m["every"]) for m in exported["medications"]] == [("alendronate", "week")]
    code, _, err = cli("med", "add", "lisinopril", "--every", "now and then", now=EVENING)
    assert code == 1 and "--every: 'now and then' is not a schedule" in err
    with client_for(tracker) as web:
        r = web.post("/api/medications", json={"name": "methotrexate", "every": "week"})
        assert r.status_code == 201 and r.json()["every"] == "week"
        bad = web.post("/api/medications", json={"name": "lisinopril", "every": "sometimes"})
        assert bad.status_code == 422 and "is not a schedule" in bad.text
        page = web.get("/medications").text
        assert "methotrexate" in page and "once a week" in page
