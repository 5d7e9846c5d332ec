"""``crampwise log`` and ``night`` must not import anything heavy (DESIGN.md §3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    "matplotlib",
    "crampwise.analysis",
    "crampwise.knowledge",
    "crampwise.safety",
}

_PROBE = """
import json, sys
from crampwise.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", str(tmp_path / "d.sqlite"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["code"] == 0, result.stderr
    return set(data["modules"])


def test_log_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "log", "--at", "3am", "--severity", "6", "--muscle", "calf")
    assert "sqlite3" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}


def test_night_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "night", "--none")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
