"""Docs that list commands or columns are generated from the code and must be current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("README.md", "docs/cli.md", "docs/export-csv.md", "docs/knowledge.md")


def test_generated_docs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", *GENERATED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_has_help_and_is_in_the_readme() -> None:
    from crampwise.cli.reference import command_table

    readme = (ROOT / "README.md").read_text()
    rows = [line for line in command_table().splitlines() if line.startswith("| `crampwise")]
    assert len(rows) > 30
    for row in rows:
        command, text = row.split("|")[1:3]
        assert text.strip(), f"{command} has no help text"
        assert command.strip() in readme


def test_readme_quick_start_is_the_two_scripts_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_readme_python_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    # A pinned clock: "around 3am" typed between midnight and 3 a.m. is in the future.
    env = {**os.environ, "CRAMPWISE_NOW": "2026-03-05T12:00:00Z"}
    result = subprocess.run(
        [sys.executable, "-c", block],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "'nights_observed': 2" in result.stdout
    assert "missing-nights" in result.stdout
