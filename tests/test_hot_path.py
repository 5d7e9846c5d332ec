"""``crampwise log`` and ``night`` must not import anything heavy (DESIGN.md §3)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
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

#: crampwise's own modules that ``log`` and ``night`` must not load: the features' storage
#: mixins (a Store takes them on at first use), PostgreSQL, the features themselves, and
#: everything of the CLI beyond the two commands. Each costs ~0.2 ms at every start.
LAZY = {
    "crampwise.storage.backup",
    "crampwise.storage.sqlite_edges",
    "crampwise.storage.context_tables",
    "crampwise.storage.devices_tables",
    "crampwise.storage.experiments_tables",
    "crampwise.storage.feed_tables",
    "crampwise.storage.postgres",
    "crampwise.storage.regimen_tables",
    "crampwise._records_features",
    "crampwise.calendarfeed",
    "crampwise.context",
    "crampwise.devices",
    "crampwise.diaryseries",
    "crampwise.experiments",
    "crampwise.formats",
    "crampwise.plainreport",
    "crampwise.regimen",
    "crampwise.rules",
    "crampwise.saltdose",
    "crampwise.weeks",
    "crampwise.cli._parser",
    "crampwise.cli.context_cmds",
    "crampwise.cli.data_cmds",
    "crampwise.cli.diary_cmds",
    "crampwise.cli.experiment_cmds",
    "crampwise.cli.insight_cmds",
    "crampwise.cli.regimen_cmds",
    "crampwise.cli.report_cmds",
    "crampwise.cli.web_cmds",
    "crampwise.tracker",
    "crampwise.diary_changes",
}

#: The plain-words part of the reader: only for words typed without an option.
WORDS_READER = "crampwise.plainwords.words"


def _lazy(loaded: set[str]) -> set[str]:
    """The modules of :data:`LAZY` (or inside its packages) that were loaded."""
    return {m for m in loaded if m in LAZY or m.rpartition(".")[0] in LAZY}


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
    assert not _lazy(loaded)
    assert "crampwise.plainwords" in loaded  # options are read leniently too …
    assert WORDS_READER not in loaded  # … but there are no plain words to read


def test_log_a_second_time_imports_no_feature(tmp_path: Path) -> None:
    """A cramp near another one is named without the report of unread words (two more
    modules); a word it cannot read loads that report, still no feature. The diary is
    made now: its schema is checked by name, without the migrations' machinery."""
    first = _loaded(tmp_path, "log", "--at", "3am", "--muscle", "calf")
    assert "crampwise.storage.migrations" in first  # a new diary: its tables are made
    loaded = _loaded(tmp_path, "log", "--at", "3am", "--muscle", "calf")
    assert not {"crampwise.cli._logwords", "crampwise.cli._fields"} & loaded
    assert "crampwise.storage.migrations" not in loaded
    assert not _lazy(loaded)
    loaded = _loaded(tmp_path, "log", "--at", "3am", "--muscle", "calff")
    assert "crampwise.cli._logwords" in loaded
    assert not _lazy(loaded)
    assert WORDS_READER not in loaded


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
    assert WORDS_READER in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _slow(loaded)
    assert not _lazy(loaded)


@pytest.mark.parametrize(
    "args",
    [["--none"], ["--cramps", "2", "--sleep", "6"], ["--none", "--from", "2026-02-25"]],
    ids=" ".join,
)
def test_night_imports_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    loaded = _loaded(tmp_path, "night", *args)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _slow(loaded)
    assert not _lazy(loaded)
    assert WORDS_READER not in loaded


def test_the_lazy_set_names_real_modules() -> None:
    """A renamed module must not make the assertions above pass by default."""
    import importlib.util

    for name in (*LAZY, WORDS_READER):
        assert importlib.util.find_spec(name) is not None, name


def test_store_takes_on_the_feature_tables_at_first_use(tmp_path: Path) -> None:
    from crampwise.storage.context_tables import ContextTables
    from crampwise.storage.devices_tables import DevicesTables
    from crampwise.storage.diary_tables import DiaryTables
    from crampwise.storage.experiments_tables import ExperimentTables
    from crampwise.storage.feed_tables import FeedTables
    from crampwise.storage.regimen_tables import RegimenTables
    from crampwise.storage.store import Store, open_store

    store = open_store(tmp_path / "d.sqlite")
    other = open_store(tmp_path / "d.sqlite")
    try:
        assert type(store) is Store  # the diary's own tables only, as `log` opens it
        assert store.list_regimen() == [] and store.list_devices() == []
        assert isinstance(store, Store)
        # The features' methods resolve as if they had been Store's bases all along.
        assert [c for c in type(store).__mro__ if c not in (Store, type(store))] == [
            DiaryTables,
            RegimenTables,
            ContextTables,
            DevicesTables,
            ExperimentTables,
            FeedTables,
            object,
        ]
        assert type(other) is Store and other.list_labs() == []
        assert type(other) is type(store)  # one combined class, made once
        with pytest.raises(AttributeError, match="no attribute 'list_nothing'"):
            store.list_nothing  # type: ignore[attr-defined]  # noqa: B018
        assert not hasattr(other, "__deepcopy__")  # special names are never looked up there
    finally:
        store.close()
        other.close()


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
    for minutes, again in [(m, a) for m in range(0, 36 * 60, 10) for a in (0, 400_000, 0)]:
        # each instant three times: the same second again takes MachineZone's remembered answer
        utc = start + dt.timedelta(minutes=minutes, microseconds=again)
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
def test_records_built_before_and_after_compiling_agree() -> None:
    """The first records of a class use a generic __init__, later ones a compiled one:
    both give the same records and refuse the same calls with the same message."""
    from crampwise._record import Record

    class Spot(Record):
        muscle: str
        side: str | None = None
        ratings: tuple[int, ...] = ()

    def valid() -> list[object]:
        spots = [
            Spot("calf"),
            Spot("calf", "left", (3,)),
            Spot(side="left", muscle="calf"),
            Spot("calf", ratings=(1, 2)),
        ]
        return [(spot, spot.muscle, spot.side, spot.ratings) for spot in spots]

    def refused() -> list[str]:
        messages = []
        calls: list[Callable[[], object]] = [
            lambda: Spot(),  # type: ignore[call-arg]  # noqa: PLW0108
            lambda: Spot(side="left"),  # type: ignore[call-arg]
            lambda: Spot("calf", muscle="foot"),  # type: ignore[misc]
            lambda: Spot("calf", colour="red"),  # type: ignore[call-arg]
            lambda: Spot("a", "b", (), "d"),  # type: ignore[call-arg]
        ]
        for call in calls:
            with pytest.raises(TypeError) as caught:
                call()
            messages.append(str(caught.value))
        return messages

    generic = valid()
    assert Spot.__dict__["__init__"] is Record.__init__  # not compiled yet
    first_refusals = refused()  # a call the generic __init__ cannot take compiles it
    assert Spot.__dict__["__init__"] is not Record.__init__
    assert valid() == generic
    assert refused() == first_refusals
    assert generic[0] == (Spot("calf"), "calf", None, ())
    assert first_refusals[0].endswith(
        "Spot.__init__() missing 1 required positional argument: 'muscle'"
    )

    class Twice(Record):
        value: int

    for n in range(60):  # compiled after its first uses, without any refusal
        assert Twice(n).value == n
    assert Twice.__dict__["__init__"] is not Record.__init__


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


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


def test_quick_exit_flushes_the_output_and_keeps_the_exit_code(tmp_path: Path) -> None:
    """With nothing waiting for a normal exit, the process leaves at once, output flushed."""
    done = _python(
        "import atexit, sys\n"
        "from crampwise._entry import _leave_quickly\n"
        "print('logged', end='')\n"
        "sys.stderr.write('note')\n"
        "_leave_quickly(3)\n"
        "print(' and then more')\n",
        tmp_path,
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "logged", "note")


def test_quick_exit_steps_aside_for_atexit_callbacks_and_threads(tmp_path: Path) -> None:
    """Coverage, logging and temporary-file finalizers register atexit callbacks, and a
    thread may still be working: then the exit is the normal one."""
    with_callback = _python(
        "import atexit\n"
        "atexit.register(lambda: print('callback ran'))\n"
        "from crampwise._entry import _leave_quickly\n"
        "_leave_quickly(3)\n"
        "print('returned')\n",
        tmp_path,
    )
    assert (with_callback.returncode, with_callback.stdout) == (0, "returned\ncallback ran\n")
    with_thread = _python(
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "from crampwise._entry import _leave_quickly\n"
        "_leave_quickly(3)\n"
        "print('returned')\n",
        tmp_path,
    )
    assert with_thread.returncode == 0
    assert with_thread.stdout.split("\n")[:2] == ["returned", "thread done"]


def test_a_normal_exit_keeps_its_callbacks_and_skips_the_last_collections(
    tmp_path: Path,
) -> None:
    """When an atexit callback waits (logging's, after a report), the console script
    returns for the normal exit with the run's objects frozen (the exit's collections skip
    them): the callbacks run, the code is kept, the collector is on."""
    done = _python(
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('callback ran', gc.get_freeze_count() > 0,"
        " gc.isenabled()))\n"
        "sys.argv = ['crampwise', '--db', 'd.sqlite', 'report', '--html', 'r.html']\n"
        "from crampwise._entry import main\n"
        "sys.exit(main())\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote the doctor report: r.html.")
    assert done.stdout.endswith("callback ran True True\n")
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")


def test_a_logged_cramp_outlives_the_quick_exit(tmp_path: Path) -> None:
    """The console script's log, piped as a script would read it: the confirmation is
    complete and a second process finds the cramp in the diary."""
    script = Path(sys.executable).with_name("crampwise")
    env = {**os.environ, "CRAMPWISE_DB": str(tmp_path / "d.sqlite"), "CRAMPWISE_NOW": PINNED}
    env.pop("COVERAGE_PROCESS_START", None)

    def crampwise(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )

    logged = crampwise("log", "calf", "left", "8", "3min")
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.startswith("Logged cramp #1 ")
    assert logged.stdout.endswith("left calf, severity 8, 3 min.\n")
    listed = crampwise("episodes", "--json")
    assert listed.returncode == 0, listed.stderr
    episodes = json.loads(listed.stdout)
    assert [(e["severity"], e["duration_min"]) for e in episodes] == [(8, 3)], listed.stdout
