"""``crampwise log`` and ``night`` must not import anything heavy (DESIGN.md §3)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crampwise._machinezone import symlinked_zone_name
from crampwise._record import FrozenRecordError, record_to_dict, replace
from crampwise.cli import build_parser
from crampwise.cli._argv import parse_fast
from crampwise.cli.hot_cmds import COMMANDS
from crampwise.records import Episode, Relief, TriggerPoint

HEAVY = {
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "sqlalchemy",
    "psycopg",
    "fastapi",
    "starlette",
    "jinja2",
    "pydantic",
    "uvicorn",
    "segno",
    "anyio",
    "crampwise.web",
    "matplotlib",
    "crampwise.analysis",
    "crampwise.knowledge",
    "crampwise.safety",
    "crampwise.reports",
    "weasyprint",
}

#: Standard-library modules that cost milliseconds at start-up and that `log` and
#: `night` do not need (zoneinfo: only when the person's zone is the machine's, below).
SLOW_STDLIB = {"argparse", "dataclasses", "inspect", "json", "pathlib", "re", "typing"}

_PROBE = """
import sys
from crampwise.cli import main
code = main(sys.argv[1:])
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "modules": modules}))
"""


#: A pinned clock (04:00 UTC, whatever the zone, after 3 a.m. in the zones tests run in):
#: "--at 3am" typed between midnight and 3 a.m. would be in the future.
PINNED = "2026-03-05T12:00:00+00:00"


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    # TZ unset: the person's zone is then the machine's (no profile zone), as at home.
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    env["CRAMPWISE_NOW"] = PINNED
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", str(tmp_path / "d.sqlite"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["code"] == 0, result.stderr
    return set(data["modules"])


def _slow(loaded: set[str]) -> set[str]:
    slow = set(SLOW_STDLIB)
    if symlinked_zone_name() is not None:  # else the machine's zone is unknown: zoneinfo
        slow.add("zoneinfo")
    return {m for m in loaded if m.split(".")[0] in slow}


def test_log_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "log", "--at", "3am", "--severity", "6", "--muscle", "calf")
    assert "sqlite3" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _slow(loaded)


@pytest.mark.parametrize(
    "words",
    [
        ["calf", "left", "8", "3min"],
        ["around", "3am", "calves", "lef", "8/10", "woke", "stretched", "a", "lot"],
        ["thigh", "calff"],  # not understood: reported, still without argparse or re
    ],
    ids=" ".join,
)
def test_log_with_plain_words_imports_nothing_heavy(tmp_path: Path, words: list[str]) -> None:
    loaded = _loaded(tmp_path, "log", *words)
    assert "crampwise.plainwords" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _slow(loaded)


def test_night_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "night", "--none")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _slow(loaded)


def test_log_json_loads_json_only_then(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "log", "--at", "3am", "--json")
    assert "json" in loaded  # which brings re along; nothing else slow
    assert not {m for m in _slow(loaded) if m.split(".")[0] not in ("json", "re")}


# -- the fast path reads a command line exactly as argparse does ---------------------------
#: Plain command lines: the fast path takes them and must read them as argparse does.
_TAKEN = [
    ["log"],
    ["log", "--at", "around 3am", "--severity", "7", "--muscle", "calf"],
    ["--db", "x.sqlite", "log", "--at", "3am"],
    ["--db=x.sqlite", "log", "--db", "y.sqlite", "--note", ""],
    ["log", "--muscle", "calf", "--muscle=foot,toes", "--relief", "stretch:a-lot", "--woke"],
    ["log", "--at=-5", "--no-woke", "--client-id", "abc", "--json", "--duration", "90s"],
    ["log", "--severity", "3", "--severity", "4", "--waves", "2", "--side", "left"],
    ["log", "--night", "2026-03-04", "--at", "yesterday 23:30", "--woke", "--woke"],
    ["night", "--none"],
    ["night", "2026-03-04", "--cramps", "2", "--sleep", "5", "--note", "x", "--yes"],
    ["night", "--none", "2026-03-04", "--json"],
    ["night", "", "--none"],
    ["--db", "a", "night", "--db=b", "yesterday"],
    # plain words, anywhere among the options
    ["log", "calf", "left", "8", "3min"],
    ["log", "calf", "--side", "left", "8", "--json", "3", "waves"],
    ["log", "extra"],
    ["log", "8/10", "--muscle", "calves", "around 3am"],
    ["--db", "x", "log", "thigh", "--at", "3am", "lef"],
    # check-in of a range of nights
    ["night", "--none", "--from", "2026-02-25", "--to", "2026-03-03"],
    ["night", "--from=2026-02-25", "--none", "--to", "yesterday"],
]

#: Argparse's business: the fast path declines, and argparse then exits with this code
#: (0 help/version, 2 a usage error) or reads the line itself into these values.
_DECLINED: list[tuple[list[str], int | dict[str, Any]]] = [
    ([], {}),  # no command: main prints the help
    (["--help"], 0),
    (["log", "-h"], 0),
    (["log", "--sev", "7"], {"severity": ["7"]}),  # an abbreviation argparse accepts
    (["log", "--severity", "-5"], {"severity": ["-5"]}),  # a value that looks like an option
    (["log", "--at", "-30 min"], {"at": ["-30 min"]}),  # … with a space, argparse takes it
    # log never refuses a line (that would lose the cramp): what argparse cannot read
    # strictly goes, word by word and in order, to the plain words (read leniently)
    (["log", "--woke=yes"], {"details": ["--woke=yes"], "woke": False}),
    (["log", "--at"], {"details": ["--at"], "at": None}),
    (["log", "--", "--at"], {"details": ["--", "--at"]}),
    (["log", "--sevrity", "8", "calf"], {"details": ["--sevrity", "8", "calf"]}),
    (["log", "--musle", "calf", "--json"], {"details": ["--musle", "calf"], "json": True}),
    (["log", "x", "--db", "d.sqlite", "--at"], {"details": ["x", "--at"], "db": "d.sqlite"}),
    (["log", "-5"], {"details": ["-5"]}),
    (["night", "2026-03-04", "2026-03-05"], 2),
    (["--db", "-x", "log"], 2),
    (["--dbx", "y", "log"], 2),
    (["--version"], 0),
    (["nights"], {"handler": "cmd_nights"}),  # not a fast command
    (["episodes", "--json"], {"handler": "cmd_episodes"}),
]


def _argparse(argv: list[str]) -> argparse.Namespace | int:
    """What argparse makes of ``argv``: a namespace, or the exit code it stops with."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize("argv", _TAKEN, ids=lambda a: " ".join(a) or "(none)")
def test_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    fast = parse_fast(argv, COMMANDS)
    assert fast is not None
    expected = _argparse(argv)
    assert isinstance(expected, argparse.Namespace)
    assert vars(fast) == vars(expected)


@pytest.mark.parametrize(
    ("argv", "code"),
    _DECLINED,
    ids=[" ".join(argv) or "(none)" for argv, _ in _DECLINED],
)
def test_fast_path_leaves_the_rest_to_argparse(
    argv: list[str], code: int | dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_fast(argv, COMMANDS) is None
    outcome = _argparse(argv)
    capsys.readouterr()
    if isinstance(code, int):
        assert outcome == code
        return
    assert isinstance(outcome, argparse.Namespace)
    values = vars(outcome)
    if "handler" in values:
        values["handler"] = values["handler"].__name__
    assert {k: values[k] for k in code} == code


def test_fast_path_cases_cover_both_sides() -> None:
    assert len(_TAKEN) == 20 and len(_DECLINED) == 19


def test_fast_specs_match_the_full_parser() -> None:
    """The specs drive argparse too: help and docs show exactly these options."""
    for command in COMMANDS:
        parser = build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        options = {s for a in sub.choices[command.name]._actions for s in a.option_strings}
        assert options == {"-h", "--help", "--db", *(o.name for o in command.options)}


# -- the machine's zone through the C library agrees with zoneinfo ---------------------------
_ZONE_PROBE = """
import datetime as dt, sys
from zoneinfo import ZoneInfo
from crampwise._machinezone import MachineZone
name = sys.argv[1]
zi, mz = ZoneInfo(name), MachineZone(name)
bad = []
for day in (dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2026, 3, 8), dt.date(2026, 11, 1)):
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=12)
    for minutes in range(0, 36 * 60, 10):
        utc = start + dt.timedelta(minutes=minutes)
        a, b = utc.astimezone(zi), utc.astimezone(mz)
        if (a.replace(tzinfo=None), a.fold, a.utcoffset(), a.tzname()) != (
            b.replace(tzinfo=None), b.fold, b.utcoffset(), b.tzname()
        ):
            bad.append(("fromutc", str(utc)))
        wall = a.replace(tzinfo=None)
        for fold in (0, 1):  # gaps and repeated hours resolve alike (PEP 495)
            x, y = wall.replace(tzinfo=zi, fold=fold), wall.replace(tzinfo=mz, fold=fold)
            if x.astimezone(dt.UTC) != y.astimezone(dt.UTC):
                bad.append(("wall", str(wall), fold))
            if (x - dt.timedelta(hours=1)).astimezone(dt.UTC) != (
                y - dt.timedelta(hours=1)
            ).astimezone(dt.UTC):
                bad.append(("arithmetic", str(wall), fold))
print(len(bad), bad[:5])
"""


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "Australia/Sydney"])
def test_machine_zone_agrees_with_zoneinfo_across_dst(name: str) -> None:
    # A fresh process, so that the C library loads TZ at start-up.
    result = subprocess.run(
        [sys.executable, "-c", _ZONE_PROBE, name],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "TZ": name},
    )
    assert result.stdout.strip() == "0 []", result.stdout + result.stderr


def test_zone_uses_zoneinfo_when_tz_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    from crampwise.timeparse import zone

    machine = symlinked_zone_name() or "UTC"
    monkeypatch.setenv("TZ", "Pacific/Auckland")  # the C library has not loaded it
    assert isinstance(zone(machine), ZoneInfo)


# -- records without dataclasses ---------------------------------------------------------
def test_records_behave_like_frozen_dataclasses() -> None:
    e = Episode("2026-03-04", muscles=("calf",), reliefs=(Relief("stretch", "a-lot"),))
    assert e == Episode("2026-03-04", muscles=("calf",), reliefs=(Relief("stretch", "a-lot"),))
    assert e != replace(e, severity=3)
    assert hash(e) == hash(replace(e))
    assert replace(e, id=7).id == 7 and e.id is None
    assert repr(Relief("stretch")) == "Relief(method='stretch', helped=None)"
    assert record_to_dict(Relief("heat", "not")) == {"method": "heat", "helped": "not"}
    assert pickle.loads(pickle.dumps(e)) == e
    assert TriggerPoint("calf", "left", "2026-03-01").ratings == ()
    with pytest.raises(FrozenRecordError):
        e.severity = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Episode()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Episode("2026-03-04", nightly=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        replace(e, nightly=True)
    assert not hasattr(e, "__dict__")


def test_to_local_reads_stored_instants() -> None:
    from crampwise.timeparse import to_local

    local = to_local("2026-03-05T02:30:00Z", "Europe/Berlin")
    assert (local.hour, local.minute, local.utcoffset()) == (3, 30, dt.timedelta(hours=1))


@pytest.mark.parametrize("xdg", [None, "/srv/data", "relative/data"])
def test_default_database_path_is_platformdirs(
    xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs import user_data_path

    from crampwise.storage import default_database_path

    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    expected = user_data_path("crampwise", appauthor=False) / "crampwise.sqlite"
    assert default_database_path() == expected
