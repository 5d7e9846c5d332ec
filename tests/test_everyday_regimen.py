"""Issue 11, items 6 and 8 (and the findings of ``lab add``), through the CLI as typed.

Consistent verbs: ``--start`` for the first day everywhere (``--date`` kept as its
alias), ``--note`` on every stop, ``took bedtime`` / ``took all``, a repeated dose
caught; ``red-flags --ask`` walks through the questions one by one.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

#: 22:00 in Berlin on Sat 28 Nov 2026, bedtime.
EVENING = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


def _adherence(cli: Any) -> list[tuple[str, str, str, bool]]:
    doc = json.loads(cli("export", "--format", "json", now=EVENING)[1])
    return sorted((a["date"], a["item"], a.get("time", ""), a["taken"]) for a in doc["adherence"])


def _evening_regimen(cli: Any) -> None:
    for args in (
        ("magnesium", "--dose", "200", "--unit", "mg", "--times", "morning,bedtime"),
        ("potassium", "--dose", "99", "--unit", "mg", "--times", "bedtime"),
        ("stretching", "--kind", "routine", "--times", "bedtime"),
    ):
        assert cli("regimen", "start", *args, "--start", "2026-11-01", now=EVENING)[0] == 0


@pytest.mark.parametrize("option", ["--start", "--date"])
def test_the_first_day_is_start_everywhere(cli: Any, option: str) -> None:
    code, out, _ = cli("regimen", "start", "magnesium", option, "2026-11-01", now=EVENING)
    assert code == 0 and out.startswith("Started magnesium from 2026-11-01.")
    code, out, _ = cli(
        "regimen", "switch", "magnesium", "--dose", "300", "--unit", "mg", option, "2026-11-10",
        now=EVENING,
    )  # fmt: skip
    assert code == 0 and out.startswith("Switched magnesium on 2026-11-10")
    code, out, _ = cli("med", "add", "lisinopril", "--start", "2026-11-02", now=EVENING)
    assert code == 0 and out.startswith("Added lisinopril from 2026-11-02.")
    code, _, err = cli("regimen", "start", "zinc", option, "2026-12-24", now=EVENING)
    assert code == 1 and "--start: 2026-12-24 is in the future" in err


def test_a_stop_takes_a_note(cli: Any) -> None:
    assert cli("regimen", "start", "potassium", "--start", "2026-11-01", now=EVENING)[0] == 0
    code, out, _ = cli(
        "regimen", "stop", "potassium", "--note", "K 5.3, doctor said stop", now=EVENING
    )
    assert code == 0 and out.startswith("Stopped potassium")
    entries = json.loads(cli("regimen", "list", "--all", "--json", now=EVENING)[1])
    assert entries[0]["notes"] == "K 5.3, doctor said stop"
    assert (
        cli("med", "add", "lisinopril", "--start", "2026-11-01", "--note", "BP", now=EVENING)[0]
        == 0
    )
    assert cli("med", "stop", "lisinopril", "--note", "dry cough", now=EVENING)[0] == 0
    meds = json.loads(cli("med", "list", "--json", now=EVENING)[1])
    assert (meds[0]["end"], meds[0]["notes"]) == ("2026-11-28", "BP; dry cough")


def test_took_bedtime_records_every_item_due_then(cli: Any) -> None:
    _evening_regimen(cli)
    code, out, _ = cli("took", "bedtime", now=EVENING)
    assert code == 0
    assert out.splitlines() == [
        "Took magnesium at bedtime on 2026-11-28.",
        "Took potassium at bedtime on 2026-11-28.",
        "Took stretching at bedtime on 2026-11-28.",
    ]
    code, out, _ = cli("took", "bedtime", now=EVENING)  # pressed again
    assert code == 0
    assert out.splitlines()[0] == (
        "Already recorded: magnesium at bedtime on 2026-11-28 (taken); not counted twice."
    )
    assert _adherence(cli) == [
        ("2026-11-28", "magnesium", "bedtime", True),
        ("2026-11-28", "potassium", "bedtime", True),
        ("2026-11-28", "stretching", "bedtime", True),
    ]


def test_took_all_records_every_dose_of_the_day(cli: Any) -> None:
    _evening_regimen(cli)
    code, out, _ = cli("took", "all", "--missed", "--time", "morning", now=EVENING)
    assert code == 0 and out.strip() == "Missed magnesium in the morning on 2026-11-28."
    code, out, _ = cli("took", "all", now=EVENING)
    assert code == 0
    assert out.splitlines() == [
        "Took magnesium in the morning on 2026-11-28 (it was recorded the other way).",
        "Took magnesium at bedtime on 2026-11-28.",
        "Took potassium at bedtime on 2026-11-28.",
        "Took stretching at bedtime on 2026-11-28.",
    ]
    assert len(_adherence(cli)) == 4
    code, out, _ = cli("took", "all", "--json", now=EVENING)
    assert [d["already"] for d in json.loads(out)] == [True, True, True, True]


def test_a_repeated_dose_is_caught(cli: Any) -> None:
    _evening_regimen(cli)
    outs = [cli("took", "magnesium", now=EVENING)[1].strip() for _ in range(3)]
    assert outs == [
        "Took magnesium in the morning on 2026-11-28.",
        "Took magnesium at bedtime on 2026-11-28.",
        "Already recorded: every dose of magnesium on 2026-11-28 (morning, bedtime); "
        "not counted twice.",
    ]
    code, out, _ = cli("took", "potassium", "--time", "bedtime", now=EVENING)
    assert code == 0
    code, out, _ = cli("took", "potassium", "--time", "bedtime", now=EVENING)
    assert "Already recorded: potassium at bedtime" in out
    assert len(_adherence(cli)) == 3


def test_took_a_time_with_nothing_due_says_what_is(cli: Any) -> None:
    _evening_regimen(cli)
    code, out, err = cli("took", "noon", now=EVENING)
    assert (code, out) == (1, "")
    assert "--time: nothing in your regimen is taken at noon on 2026-11-28" in err
    assert "(times in use: bedtime, morning)" in err


def test_lab_add_shows_the_findings_it_triggers(cli: Any) -> None:
    """The defect: 'Recorded…' and the potassium warnings only under 'safety'."""
    args = ("regimen", "start", "potassium", "--dose", "99", "--unit", "mg")
    assert cli(*args, "--start", "2026-11-01", now=EVENING)[0] == 0
    assert cli("med", "add", "lisinopril", "--start", "2026-11-01", now=EVENING)[0] == 0
    code, out, err = cli("lab", "add", "potassium", "5.3", "mmol/L", "--high", "5.1", now=EVENING)
    assert code == 0
    assert out.strip() == "Recorded potassium (serum) 5.3 mmol/L on 2026-11-28."
    warnings = [line for line in err.splitlines() if line.startswith("WARNING")]
    assert len(warnings) >= 3  # the lab itself, the supplement with it, the ACE inhibitor
    assert any("5.3 mmol/L" in line for line in warnings)
    assert "See all findings: crampwise safety" in err


class _Typed(io.StringIO):
    def isatty(self) -> bool:
        return False  # piped answers: the transcript shows them


def _ask(
    cli: Any, monkeypatch: pytest.MonkeyPatch, answers: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", _Typed(answers))
    return cli("red-flags", "--ask", *args, now=EVENING)  # type: ignore[no-any-return]


def test_red_flags_ask_walks_through_the_questions(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = json.loads(cli("red-flags", "--json", now=EVENING)[1])
    code, out, _ = _ask(cli, monkeypatch, "n\n\ny\nmaybe\nno\nq\n")
    assert code == 0
    assert out.splitlines()[1] == f"1/{len(questions)} {questions[0]['question']}"
    assert "  Please answer y, n, Enter (skip) or q (stop)." in out
    assert "Recorded 3 answers; the rest can wait for 'crampwise red-flags --ask'." in out
    assert "1 of your answers mean: see a clinician" in out
    statuses = {q["flag"]: q["answer"] for q in json.loads(cli("red-flags", "--json")[1])}
    assert [statuses[q["flag"]] for q in questions[:5]] == [False, None, True, False, None]


def test_red_flags_ask_to_the_end_of_input(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    questions = json.loads(cli("red-flags", "--json", now=EVENING)[1])
    code, out, _ = _ask(cli, monkeypatch, "n\n" * len(questions))
    assert code == 0 and f"Recorded {len(questions)} answers." in out
    assert "see a clinician" not in out.split("Recorded")[1]
    code, out, _ = _ask(cli, monkeypatch, "y\n")  # next day's change of mind, asked again
    assert code == 0 and "[last answer: no, 2026-11-28]" in out


def test_red_flags_ask_takes_no_question_id(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _ask(cli, monkeypatch, "y\n", "leg-swelling")
    assert (code, out) == (2, "") and "--ask goes through every question" in err
