"""Domain errors speak neutrally (record fields, hint codes); the CLI maps them to its words.

docs/architecture.md "Errors": an :class:`InputError` names the record field or JSON key
(``severity``, ``end``), carries a hint code, and its message names no CLI option or
command; ``cli/_fields.py`` is the one place that turns ``end`` into ``--date`` for
``regimen stop`` and adds "use 'crampwise regimen switch magnesium'".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from crampwise import errors
from crampwise.cli import _fields
from crampwise.errors import ConflictError, InputError
from crampwise.tracker import Tracker

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "crampwise"
#: Faces may name options; nothing else may (storage says ``about="db"`` and the CLI words
#: it as --db).
NOT_DOMAIN = ("cli",)
OPTION = re.compile(r"(?<![\w-])--[a-z]")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals (f-string parts too), docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _domain_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in NOT_DOMAIN
    ]


def test_no_domain_module_names_a_cli_option() -> None:
    """No string in the domain (messages, field names) holds ``--option``."""
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in _domain_modules()
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if OPTION.search(text)
    ]
    assert len(_domain_modules()) > 40
    assert found == []


def test_the_grep_would_catch_an_option() -> None:
    tree = ast.parse('def f():\n    """Docs may say --json."""\n    raise E("--severity", "x")\n')
    assert [text for _, text in _strings(tree) if OPTION.search(text)] == ["--severity"]


def test_codes_and_actions_are_checked_and_every_action_has_cli_words() -> None:
    with pytest.raises(ValueError, match="unknown hint code"):
        InputError("severity", "x", code="bad")
    with pytest.raises(ValueError, match="unknown action"):
        ConflictError("x", action="dance")
    assert set(_fields.ACTION_HINTS) == set(errors.ACTIONS)


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (lambda t: t.diary.log_episode(severity=11), "severity", "out-of-range"),
        (lambda t: t.diary.log_episode(duration_min="1e29"), "duration_min", "invalid"),
        (lambda t: t.diary.log_episode(duration_min=1e29), "duration_min", "out-of-range"),
        (lambda t: t.diary.log_episode(side=""), "side", "required"),
        (lambda t: t.diary.log_episode(at="5am"), "at", "future"),
        (lambda t: t.diary.log_episode(client_id="x" * 201), "client_id", "too-long"),
        (lambda t: t.diary.record_night("2026-03-01", none=True, cramps=2), "cramps", None),
        (lambda t: t.diary.record_night("2026-03-01"), "cramps", "required"),
        (lambda t: t.regimen.start("magnesium", dose=1e308, unit="mg"), "dose", "out-of-range"),
        (lambda t: t.regimen.start("magnesium", date="2027-01-01"), "start", "future"),
        (lambda t: t.context.add_factor("fluids", "1e308"), "value", "out-of-range"),
        (lambda t: t.context.add_factor("fluids", 500, "bucket"), "unit", "not-allowed"),
        (lambda t: t.context.factors("2026-13-01"), "start", "invalid"),
        (lambda t: t.context.factors("2026-03-01", "2026-02-01"), "end", None),
        (lambda t: t.diary.nights("1066-10-14"), "start", "out-of-range"),
        (lambda t: t.context.set_profile(birth_year=1850), "birth_year", "out-of-range"),
    ],
)
def test_the_api_names_record_fields_and_hint_codes(
    tracker: Tracker, call: Any, field: str, code: str | None
) -> None:
    with pytest.raises(InputError) as caught:
        call(tracker)
    assert caught.value.field == field
    assert caught.value.code == (code or "conflict-with-field")
    assert not OPTION.search(str(caught.value))


def test_stop_and_switch_errors_name_the_entry_fields_and_what_helps(tracker: Tracker) -> None:
    tracker.regimen.start("magnesium", dose=200, unit="mg", date="2026-03-01")
    with pytest.raises(InputError) as caught:
        tracker.regimen.stop("magnesium", date="2026-03-01")
    assert (caught.value.field, caught.value.action) == ("end", "delete-regimen")
    with pytest.raises(InputError) as caught:
        tracker.regimen.switch("magnesium", dose=300, date="2026-02-01")
    assert caught.value.field == "start"
    with pytest.raises(ConflictError) as conflict:
        tracker.regimen.start("magnesium", date="2026-03-02")
    assert (conflict.value.action, conflict.value.subject) == ("switch-regimen", "magnesium")
    assert "crampwise" not in str(conflict.value) and "switch" not in str(conflict.value)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("edit", "1", "--severity", "11"), "--severity: 11 is not in 0..10"),
        (("edit", "1", "--duration", "1e29"), "--duration: '1e29' is not a duration"),
        (("edit", "1", "--duration", "9999h"), "--duration: 599940 minutes is longer than a"),
        (("edit", "1", "--waves", "0"), "--waves: 0 is not in 1..100"),
        (("log", "--client-id", "x" * 300), "--client-id: is 300 characters long"),
        (("night", "2026-03-01", "--sleep", "11"), "--sleep: 11 is not in 0..10"),
        (("night", "2026-03-01", "--none", "--cramps", "2"), "--cramps: a count and a cramp"),
        (("night", "2026-03-01"), "give --none or --cramps N"),
        (("night", "today", "--none"), "check it in tomorrow; log a cramp now with"),
        (("regimen", "start", "magnesium", "--dose", "1e308", "--unit", "mg"), "--dose: 1e+308"),
        (("regimen", "start", "magnesium", "--start", "2027-01-01"), "--start: 2027-01-01 is in"),
        (("regimen", "start", "magnesium", "--date", "2027-01-01"), "--start: 2027-01-01 is in"),
        (("regimen", "stop", "magnesium", "--date", "2026-02-01"), "is not an ongoing"),
        (("med", "add", "lisinopril", "--start", "1899-12-31"), "--start: 1899-12-31 is before"),
        (("lab", "add", "potassium", "4.1", "mmol/L", "--low", "5", "--high", "3"), "--high: 3"),
        (("factor", "add", "fluids", "1e308"), "value: 1e+308 is over 20000"),
        (("factor", "list", "--from", "2026-13-01"), "--from: '2026-13-01' is not a date"),
        (("factor", "list", "--from", "2026-03-01", "--to", "2026-02-01"), "--to: 2026-02-01"),
        (("nights", "--to", "0206-11-30"), "--to: 0206-11-30 is before 1900-01-01"),
        (("profile", "set", "--birth-year", "1850"), "--birth-year: 1850 is not in 1900..2026"),
        (("trigger-point", "add", "calf", "--side", "left", "--tenderness", "12"), "--tenderness"),
        (("took", "magnesium", "--time", "brunch"), "item: 'magnesium' is not in your regimen"),
    ],
)
def test_cli_errors_name_the_option_typed(cli: Any, args: tuple[str, ...], line: str) -> None:
    if args[0] == "edit":
        assert cli("log", "--at", "3am")[0] == 0
    code, out, err = cli(*args)
    assert code == 1 and out == ""
    assert line in err
    assert len(err.splitlines()) == 1


def test_cli_maps_a_field_per_command(cli: Any) -> None:
    """The stop date is the entry's ``end``, typed as --date; the switch date is the new
    entry's ``start``, typed as --start (its old name --date still works)."""
    assert cli("regimen", "start", "magnesium", "--dose", "200", "--unit", "mg")[0] == 0
    code, _, err = cli("regimen", "stop", "magnesium")
    assert code == 1
    assert err.startswith("crampwise: error: --date: magnesium started on 2026-03-05")
    assert "to remove it use 'crampwise delete regimen 1'" in err
    code, _, err = cli("regimen", "switch", "magnesium", "--dose", "300", "--date", "2026-03-01")
    assert code == 1 and "--start: 2026-03-01 is before its start 2026-03-05" in err
    code, _, err = cli("regimen", "start", "magnesium", "--date", "2026-03-04")
    assert code == 1 and "use 'crampwise regimen switch magnesium'" in err
    assert cli("med", "add", "lisinopril", "--start", "2026-03-01")[0] == 0
    code, _, err = cli("med", "stop", "lisinopril", "--date", "2026-03-01")
    assert "--date: lisinopril was added for 2026-03-01" in err
    assert "to remove it use 'crampwise delete med 1'" in err
    code, _, err = cli("trigger-point", "add", "calf", "--side", "left", "--date", "2026-03-04")
    assert code == 0
    code, _, err = cli("trigger-point", "release", "1", "--date", "2026-03-01")
    assert code == 1 and "--date: 2026-03-01 is before the point was found" in err


def test_option_for_keeps_file_paths_and_positionals() -> None:
    assert _fields.option_for("muscles[2]", "cmd_log") == "--muscle"
    assert _fields.option_for("episodes[3].severity", "cmd_import") == "episodes[3].severity"
    assert _fields.option_for("date", "cmd_night") == "date"
    assert _fields.option_for("end", "cmd_regimen_stop") == "--date"
    assert _fields.option_for("end", "cmd_nights") == "--to"
