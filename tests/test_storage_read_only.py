"""Read-only diaries: read commands work, write commands fail with one line naming the file.

What makes the diary read-only must be the operating system, not crampwise, or the test
proves nothing - and tests often run as root, whom ``chmod`` does not stop. So the
commands run in a private mount namespace (``unshare --map-root-user --mount``, which
works for root and, where user namespaces are enabled, for normal users) on a read-only
bind mount: the kernel refuses every write there with EROFS, for root too, exactly as on
a read-only disk or mount. The test first checks inside the namespace that creating a
file really fails. Two cases: the whole folder read-only (SQLite cannot create its
``-shm`` file, so crampwise must open the file ``immutable``), and only the diary file
read-only in a writable folder (``mode=ro`` with a shared-memory file beside it).

Where mount namespaces are not available, a normal user gets the same two cases from
file permissions (``chmod``; the kernel refuses with EACCES); root without namespaces
cannot be given a read-only file honestly, so the test is skipped with that reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crampwise.demo import demo_document
from crampwise.storage.engine import open_engine, resolve_url
from crampwise.storage.migrations import NAMES, migrate
from crampwise.tracker import Tracker

from .conftest import AFTER_DEMO

SCRIPT = str(Path(sys.executable).with_name("crampwise"))

READS = {
    "summary": ["summary", "--json"],
    "nights": ["nights", "--json"],
    "episodes": ["episodes", "--json"],
    "export": ["export"],
    "analyze": ["analyze", "--json"],
    "safety": ["safety", "--json"],
}
WRITES = {
    "log": ["log", "--at", "3am", "--severity", "5"],
    "night": ["night", "--cramps", "0"],
    "regimen": ["regimen", "start", "zinc", "--dose", "10", "--unit", "mg"],
}

#: Runs inside the namespace: make the target read-only, prove it, run the commands.
_DRIVER = r"""
import json, os, subprocess, sys
spec = json.loads(sys.argv[1])
for cmd in spec["setup"]:
    subprocess.run(cmd, check=True)
probe = os.path.join(spec["folder"], "probe")
try:
    open(spec["diary"], "r+b").close()
    writable = True
except OSError:
    writable = False
results = {"file_writable": writable, "runs": {}}
for name, args in spec["commands"].items():
    done = subprocess.run([spec["script"], *args], capture_output=True, text=True)
    results["runs"][name] = [done.returncode, done.stdout, done.stderr]
print(json.dumps(results))
"""


def _namespaces_work() -> bool:
    if os.environ.get("CRAMPWISE_TEST_NO_UNSHARE") == "1":  # to exercise the chmod path
        return False
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    done = subprocess.run(  # Python itself must run in there (not a given in a user ns)
        ["unshare", "--map-root-user", "--mount", sys.executable, "-c", "pass"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


NAMESPACES = _namespaces_work()
ROOT = os.geteuid() == 0


def _run_read_only(diary: Path, *, whole_folder: bool, commands: dict[str, list[str]]) -> Any:
    """Run CLI commands with ``diary`` (or its whole folder) read-only; returns results."""
    target = diary.parent if whole_folder else diary
    spec: dict[str, Any] = {
        "script": SCRIPT,
        "diary": str(diary),
        "folder": str(diary.parent),
        "commands": commands,
        "setup": [],
    }
    env = {
        **os.environ,
        "CRAMPWISE_DB": str(diary),
        "CRAMPWISE_NOW": AFTER_DEMO.isoformat(),
        "TZ": "Europe/Berlin",
        "CRAMPWISE_DB_TIMEOUT": "5",
    }
    if NAMESPACES:
        spec["setup"] = [
            ["mount", "--bind", str(target), str(target)],
            ["mount", "-o", "remount,ro,bind", str(target)],
        ]
        cmd = ["unshare", "--map-root-user", "--mount", sys.executable, "-c", _DRIVER]
    elif not ROOT:
        os.chmod(diary, 0o444)
        if whole_folder:
            os.chmod(diary.parent, 0o555)
        cmd = [sys.executable, "-c", _DRIVER]
    else:
        pytest.skip("root without mount namespaces: no honest way to make a file read-only")
    try:
        done = subprocess.run(
            [*cmd, json.dumps(spec)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        os.chmod(diary.parent, 0o755)
        os.chmod(diary, 0o644)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _demo_diary(folder: Path) -> Path:
    folder.mkdir()
    diary = folder / "diary.sqlite"
    with Tracker(str(diary), clock=lambda: AFTER_DEMO) as tracker:
        tracker.import_diary(demo_document())
    return diary


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("whole_folder", [True, False], ids=["folder", "file"])
def test_read_commands_work_and_write_commands_name_the_file(
    tmp_path: Path, whole_folder: bool
) -> None:
    diary = _demo_diary(tmp_path / "ro")
    before = _digest(diary.parent)
    results = _run_read_only(diary, whole_folder=whole_folder, commands={**READS, **WRITES})
    assert results["file_writable"] is False  # the OS, not crampwise, refuses writes
    runs = results["runs"]
    for name in READS:
        code, out, err = runs[name]
        assert code == 0, (name, err)
        assert out.strip(), name
    assert json.loads(runs["summary"][1])["cramps"] > 0
    assert json.loads(runs["export"][1])["episodes"]
    for name in WRITES:
        code, out, err = runs[name]
        assert code == 1, (name, code, err)
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1, (name, err)
        assert str(diary) in lines[0] and "read-only" in lines[0], lines[0]
        assert "nothing was saved" in lines[0]
    after = _digest(diary.parent)
    assert after[diary.name] == before[diary.name]  # not a byte changed
    with Tracker(str(diary), clock=lambda: AFTER_DEMO) as tracker:  # writable again
        assert tracker.export_diary() == json.loads(runs["export"][1])


def test_a_read_only_diary_that_needs_a_migration_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    diary = folder / "diary.sqlite"
    engine = open_engine(resolve_url(str(diary)))
    migrate(engine, target=NAMES[1])
    engine.close()
    before = _digest(folder)
    results = _run_read_only(diary, whole_folder=True, commands={"summary": ["summary"]})
    code, out, err = results["runs"]["summary"]
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "read-only" in err and str(diary) in err and "older crampwise" in err
    assert _digest(folder) == before
