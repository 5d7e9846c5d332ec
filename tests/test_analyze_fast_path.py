"""``crampwise analyze`` runs without argparse, loads only what it uses, and with one BLAS
thread; the web app sets one BLAS thread too, before numpy loads (issue 10 item 11)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from crampwise.cli import build_parser, main
from crampwise.cli._argv import parse_fast
from crampwise.cli._parser import run
from crampwise.cli.analyze_cmds import ANALYZE
from crampwise.cli.hot_cmds import COMMANDS
from crampwise.demo import load_demo

FAST = (*COMMANDS, ANALYZE)

_TAKEN = [
    ["analyze"],
    ["analyze", "--json"],
    ["--db", "x.sqlite", "analyze", "--details"],
    ["analyze", "--details", "--json", "--db=y.sqlite"],
    ["--db=a", "analyze", "--db", "b", "--json"],
]

#: argparse's business: it exits with this code or reads the line into these values.
_DECLINED: list[tuple[list[str], int | dict[str, Any]]] = [
    (["analyze", "-h"], 0),
    (["analyze", "--jso"], {"json": True}),  # an abbreviation argparse accepts
    (["analyze", "extra"], 2),
    (["analyze", "--json=yes"], 2),
    (["analyze", "--db"], 2),
]


def _argparse(argv: list[str]) -> argparse.Namespace | int:
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize("argv", _TAKEN, ids=" ".join)
def test_fast_path_reads_analyze_as_argparse_does(argv: list[str]) -> None:
    fast = parse_fast(argv, FAST)
    assert fast is not None and fast.handler is ANALYZE.handler
    expected = _argparse(argv)
    assert isinstance(expected, argparse.Namespace)
    assert vars(fast) == vars(expected)


@pytest.mark.parametrize(("argv", "code"), _DECLINED, ids=[" ".join(a) for a, _ in _DECLINED])
def test_unusual_analyze_lines_go_to_argparse(
    argv: list[str], code: int | dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_fast(argv, FAST) is None
    outcome = _argparse(argv)
    capsys.readouterr()
    if isinstance(code, int):
        assert outcome == code
    else:
        assert isinstance(outcome, argparse.Namespace)
        assert {k: vars(outcome)[k] for k in code} == code


def test_analyze_spec_is_what_the_full_parser_shows() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    analyze = sub.choices["analyze"]
    options = {s for a in analyze._actions for s in a.option_strings}
    assert options == {"-h", "--help", "--db", "--details", "--json"}
    assert analyze.description == ANALYZE.description


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    load_demo(db)
    return db


@pytest.mark.parametrize("flags", [[], ["--details"], ["--json"]], ids=["plain", "details", "json"])
def test_fast_path_prints_what_argparse_path_prints(
    demo_db: str,
    flags: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same words (and the same JSON) whichever way the line was read."""
    monkeypatch.setenv("CRAMPWISE_NOW", "2026-11-28T09:00:00+00:00")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    argv = ["--db", demo_db, "analyze", *flags]
    assert main(argv) == 0
    fast = capsys.readouterr()
    assert run(build_parser(), argv) == 0
    slow = capsys.readouterr()
    assert fast.out == slow.out and fast.err == slow.err
    assert "magnesium" in fast.out.lower()
    if flags == ["--json"]:
        assert json.loads(fast.out)["effects"]


_PROBE = """
import json, os, sys
from crampwise.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules),
                  "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


def _without_blas_settings() -> dict[str, str]:
    drop = {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "CRAMPWISE_DB"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["CRAMPWISE_NOW"] = "2026-11-28T09:00:00+00:00"
    return env


def test_analyze_loads_only_what_it_uses(demo_db: str) -> None:
    """No argparse, no other command's module, no scipy, no numpy.ma (np.unique and
    np.quantile import it: ~15 ms), and one BLAS thread set before numpy loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", demo_db, "analyze"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=_without_blas_settings(),
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["code"] == 0, result.stderr
    modules = set(data["modules"])
    assert "numpy" in modules and "crampwise.analysis" in modules  # it did analyse
    unused = {
        "argparse",
        "scipy",
        "numpy.ma",
        "crampwise.cli.insight_cmds",
        "crampwise.cli.web_cmds",
        "crampwise.cli.context_cmds",
        "crampwise.formats.diaryformat",
        "hashlib",
    }
    assert modules & unused == set()
    assert data["blas"] == "1"


_BLAS_PROBE = """
import ctypes, glob, json, os, sys
import crampwise.web
import numpy
threads = None
for lib in glob.glob(os.path.join(os.path.dirname(numpy.__file__), os.pardir, "numpy.libs",
                                  "libscipy_openblas*")):
    blas = ctypes.CDLL(lib)
    for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                 "openblas_get_num_threads"):
        if hasattr(blas, name):
            threads = getattr(blas, name)()
            break
print(json.dumps({"env": os.environ.get("OPENBLAS_NUM_THREADS"), "threads": threads,
                  "cores": os.cpu_count()}))
"""


def test_web_app_uses_one_blas_thread() -> None:
    """Importing the web app (as an ASGI server does) sets one BLAS thread before numpy
    loads; where numpy's own OpenBLAS can be asked, it runs one thread."""
    result = subprocess.run(
        [sys.executable, "-c", _BLAS_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=_without_blas_settings(),
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["env"] == "1"
    if data["threads"] is not None:
        assert data["threads"] == 1


def test_a_blas_setting_of_ones_own_is_kept() -> None:
    env = {**_without_blas_settings(), "OPENBLAS_NUM_THREADS": "2"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, crampwise.web; print(os.environ['OPENBLAS_NUM_THREADS'])",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    ).stdout
    assert out.strip() == "2"
