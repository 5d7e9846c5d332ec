"""The package's structure rules (docs/architecture.md), checked on the source itself.

Each rule here is one a reviewer would otherwise have to remember: the dependency arrows
between layers, one way to write TYPE_CHECKING, SQL only in storage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "crampwise"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every crampwise module a file imports, at any depth (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("crampwise"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("crampwise")
        ):
            module = str(node.module)
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


#: layer → crampwise modules it must never import (DESIGN.md "Layout"; docs/architecture.md)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "storage": (
        "crampwise.diary",
        "crampwise.regimen",
        "crampwise.context",
        "crampwise.rules",
        "crampwise.devices",
        "crampwise.safety",
        "crampwise.analysis",
        "crampwise.formats",
        "crampwise.tracker",
        "crampwise.cli",
    ),
    "knowledge": ("crampwise.storage", "crampwise.tracker", "crampwise.cli", "crampwise.formats"),
    "analysis": (
        "crampwise.formats",
        "crampwise.storage",
        "crampwise.tracker",
        "crampwise.cli",
        "crampwise.diaryseries",
    ),
    "safety": ("crampwise.storage", "crampwise.tracker", "crampwise.cli", "crampwise.formats"),
    "cli": ("crampwise.storage",),
    "web": ("crampwise.storage", "crampwise.cli"),
    "formats": ("crampwise.tracker", "crampwise.cli"),
    "rules": ("crampwise.storage", "crampwise.tracker", "crampwise.cli"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_dependencies_point_one_way(layer: str) -> None:
    offenders = []
    for path in _modules():
        if _layer(path) != layer and path.stem != layer:
            continue
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_type_checking_is_written_one_way() -> None:
    """``TYPE_CHECKING = False`` everywhere (importing typing costs ~8 ms on the CLI path,
    so the hot path cannot use typing's; one convention keeps the code uniform)."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module == "typing"
        and any(a.name == "TYPE_CHECKING" for a in node.names)
    ]
    assert offenders == []


def test_sql_lives_only_in_storage() -> None:
    """No SQL statement outside ``storage/`` (a string that starts like one)."""
    starts = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE", "ALTER TABLE")
    offenders = []
    for path in _modules():
        if _layer(path) == "storage":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and text.lstrip().upper().startswith(starts):
                offenders.append(f"{path.relative_to(PACKAGE)}: {text[:40]!r}")
    assert offenders == []


def test_the_rule_checks_would_catch_a_violation(tmp_path: Path) -> None:
    """The scanner itself finds imports at any depth (so the rules above can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from crampwise.storage.store import open_store\n    import crampwise.cli\n"
    )
    assert {"crampwise.storage.store", "crampwise.cli"} <= _imports(sample)
