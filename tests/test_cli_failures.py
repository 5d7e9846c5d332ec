"""How failures reach people (issue 8 items 12, 16, 20): one line on stderr, never a
traceback or "unexpected X", nothing on stdout with --json, and when printing fails after
a change was stored, a message that says it WAS saved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import NOW

SCRIPT = Path(sys.executable).with_name("crampwise")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPWISE")}
    env.update(
        CRAMPWISE_DB=str(tmp_path / "d.sqlite"),
        CRAMPWISE_NOW=NOW.isoformat(),
        TZ="Europe/Berlin",
        **extra,
    )
    return env


def _shell(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def _count(env: dict[str, str]) -> int:
    out = subprocess.run(
        [str(SCRIPT), "episodes", "--json"], capture_output=True, text=True, env=env, check=True
    ).stdout
    return len(json.loads(out))


# -- item 12: output that cannot be written -------------------------------------------------
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_after_logging_says_the_cramp_was_saved(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = _shell(f"'{SCRIPT}' log --client-id try-1 --severity 6 > /dev/full", env)
    assert result.returncode == 74
    assert result.stderr.splitlines() == [
        "crampwise: error: cramp #1 WAS saved, but printing failed (No space left on device); "
        "retrying with --client-id try-1 is safe (it is stored once)"
    ]
    retry = _shell(f"'{SCRIPT}' log --client-id try-1 --severity 6", env)
    assert retry.returncode == 0 and retry.stdout.startswith("Already logged cramp #1")
    assert _count(env) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_without_a_client_id_warns_against_repeating(tmp_path: Path) -> None:
    result = _shell(f"'{SCRIPT}' log --json > /dev/full", _env(tmp_path))
    assert result.returncode == 74
    assert "cramp #1 WAS saved" in result.stderr and "do not repeat the command" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_closed_stdout_is_no_traceback(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = _shell(f"'{SCRIPT}' log --severity 3 >&-", env)
    assert result.returncode == 74
    assert "cramp #1 WAS saved, but printing failed (standard output is closed)" in result.stderr
    assert "Traceback" not in result.stderr
    result = _shell(f"'{SCRIPT}' summary >&-", env)  # nothing was changed: nothing to say
    assert result.returncode == 74
    assert (
        result.stderr.strip()
        == "crampwise: error: cannot write the output: standard output is closed"
    )


def test_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _shell(f"'{SCRIPT}' night 2026-03-01 --none", env).returncode == 0
    result = _shell(f"'{SCRIPT}' food banana --json | head -c 1", env)
    assert result.returncode == 0 and result.stderr == ""


def test_ctrl_c_while_starting_up_is_one_line(tmp_path: Path) -> None:
    """A KeyboardInterrupt raised while Python imports the CLI (as Ctrl-C would)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == sys.argv[-1]:\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
    )
    env = _env(tmp_path, PYTHONPATH=str(hook))
    # sys.argv[-1] names the module whose import is interrupted
    cases = [
        ([str(SCRIPT), "log", "--note", "crampwise.cli._app"], "nothing was changed"),
        ([str(SCRIPT), "log", "--note", "crampwise.tracker_core"], "nothing was changed"),
        ([str(SCRIPT), "nights", "--db", "x", "argparse"], "nothing was changed"),
    ]
    for argv, message in cases:
        result = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert result.returncode == 130, (argv, result.stderr)
        assert result.stderr.splitlines() == [f"crampwise: error: interrupted; {message}"], argv
    assert not (tmp_path / "d.sqlite").exists() or _count(_env(tmp_path)) == 0


# -- item 12: inputs that used to crash ----------------------------------------------------
def test_an_invalid_pinned_clock_is_a_message(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from crampwise.cli import main

    monkeypatch.setenv("CRAMPWISE_NOW", "yesterday-ish")
    assert main(["summary"]) == 1


@pytest.mark.parametrize("value", ["yesterday-ish", "2026-13-01T00:00:00", "0001-01-01T00:00:00Z"])
def test_crampwise_now_is_checked(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from crampwise.cli import main

    monkeypatch.setenv("CRAMPWISE_NOW", value)
    assert main(["--db", str(tmp_path / "d.sqlite"), "log"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crampwise: error: CRAMPWISE_NOW: ") and "is not a date and time" in err
    assert not (tmp_path / "d.sqlite").exists()  # checked before the diary is even opened


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "file: is nested too deeply to be a diary"),
        ('{"format": "crampwise-diary", "version": ' + "9" * 5000 + "}", "holds a number too long"),
        ("\x00\x01", "malformed JSON at line 1, column 1"),
    ],
)
def test_import_of_hostile_files(cli: Any, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = cli("import", str(path))
    assert (code, out) == (1, "")
    assert message in err and len(err.splitlines()) == 1 and len(err) < 300


def test_import_of_a_folder_or_unreadable_file(cli: Any, tmp_path: Path) -> None:
    # A folder is read as a CSV export (docs/export-csv.md); this one holds none of its files.
    code, _, err = cli("import", str(tmp_path))
    assert code == 1 and "holds no CSV files of a crampwise export" in err
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.json"
        locked.write_text("{}")
        locked.chmod(0)
        code, _, err = cli("import", str(locked))
        assert code == 1 and "cannot read" in err


def test_a_file_with_a_byte_order_mark_imports(cli: Any, tmp_path: Path) -> None:
    doc = {
        "format": "crampwise-diary",
        "version": 1,
        "nights": [{"date": "2026-03-01", "cramps": 0}],
    }
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())
    code, out, err = cli("import", str(path))
    assert code == 0, err
    assert "added 1 nights" in out


# -- item 16: one line, and never the whole input back -------------------------------------
def test_the_import_conflict_report_is_one_line(cli: Any, tmp_path: Path) -> None:
    assert cli("night", "2026-03-01", "--cramps", "2")[0] == 0
    assert cli("night", "2026-03-02", "--cramps", "2")[0] == 0
    nights = [{"date": f"2026-03-0{d}", "cramps": 1} for d in (1, 2)]
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, "nights": nights}))
    code, out, err = cli("import", str(path))
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("crampwise: error: 2 record(s) in the file differ from your diary")
    assert "night 2026-03-01: 2 cramp(s) in your diary, 1 in the file" in err
    assert "--replace" in err


def test_edit_prints_nothing_before_its_error(cli: Any) -> None:
    assert cli("log", "--severity", "5")[0] == 0
    code, out, err = cli("edit", "1", "--severity", "12")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["crampwise: error: --severity: 12 is not in 0..10"]
    code, out, err = cli("edit", "1", "--severity", "6", "--yes")
    assert code == 0 and "before:" in err and out.startswith("after:")


@pytest.mark.parametrize(
    "args",
    [
        ("drug", "x" * 120_000),
        ("food", "y" * 120_000),
        ("claim", "z" * 120_000),
        ("regimen", "start", "m" * 120_000),
        ("med", "add", "l" * 120_000),
        ("lab", "add", "potassium", "4" * 120_000, "mmol/L"),
        ("factor", "add", "f" * 120_000, "1"),
        ("profile", "set", "--timezone", "t" * 120_000),
        ("med", "stop", "s" * 120_000),
        ("regimen", "stop", "s" * 120_000),
        ("red-flags", "r" * 120_000, "yes"),
        ("delete", "k" * 120_000, "1"),
        ("edit", "e" * 120_000, "--severity", "3"),
    ],
    ids=lambda a: a[0] if isinstance(a, tuple) else str(a),
)
def test_a_huge_argument_is_not_echoed(cli: Any, args: tuple[str, ...]) -> None:
    code, out, err = cli(*args)
    assert code in (1, 2) and out == ""  # 2: argparse's own usage errors
    assert len(err.splitlines()) == 1
    huge = max(args, key=len)
    assert huge[:81] not in err  # at most ~80 characters of it are repeated
    assert len(err) < 1000


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--note", "n" * 120_000),
        ("log", "--at", "a" * 120_000),
        ("log", "--muscle", "q" * 120_000),
        ("log", "w" * 120_000),
    ],
    ids=["note", "at", "muscle", "word"],
)
def test_a_huge_detail_of_log_is_not_echoed_and_the_cramp_is_saved(
    cli: Any, args: tuple[str, ...]
) -> None:
    code, out, err = cli(*args)
    assert code == 0 and err == "" and out.startswith("Logged cramp #1")
    huge = max(args, key=len)
    assert huge[:81] not in out
    assert len(out) < 1000
    assert len(json.loads(cli("episodes", "--json")[1])) == 1


# -- item 20: with --json, errors stay on stderr -------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("log", "--client-id", "", "--json"),
        ("night", "2027-01-01", "--none", "--json"),
        ("episodes", "--from", "soon", "--json"),
        ("nights", "--to", "1800-01-01", "--json"),
        ("regimen", "stop", "magnesium", "--json"),
        ("lab", "add", "potassium", "4.1", "furlongs", "--json"),
        ("factor", "list", "--from", "2026-13-01", "--json"),
        ("red-flags", "no-such-flag", "yes", "--json"),
        ("safety", "--date", "tomorrow", "--json"),
        ("nutrition", "--date", "1899-01-01", "--json"),
        ("food", "qqqqqqqq", "--json"),
        ("drug", "qqqqqqqq", "--json"),
        ("import", "/nonexistent.json", "--json"),
        ("edit", "7", "--severity", "3", "--json"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_json_errors_are_one_line_on_stderr_and_nothing_on_stdout(
    cli: Any, args: tuple[str, ...]
) -> None:
    code, out, err = cli(*args)
    assert code != 0
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("crampwise")


def test_the_readme_documents_json_errors() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "errors stay one line on stderr" in readme


def test_no_unexpected_errors_for_bad_ids(cli: Any) -> None:
    for args in (
        ("trigger-point", "rate", "99999999999999999999999", "3"),
        ("trigger-point", "release", "99999999999999999999999"),
        ("delete", "lab", "99999999999999999999999", "--yes"),
        ("delete", "regimen", "99999999999999999999999", "--yes"),
    ):
        code, _, err = cli(*args)
        assert code == 1 and "unexpected" not in err, (args, err)
