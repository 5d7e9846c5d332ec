"""Where the analysis sits (issue 7): statistics take data, not documents or databases.

``crampwise.analysis`` imports nothing from the diary format, storage, the tracker or the
series builder (which imports the analysis: that would be a circle); the series is built
outside from the typed snapshot, and every entry point goes that way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import crampwise.analysis

FORBIDDEN = ("crampwise.formats", "crampwise.storage", "crampwise.tracker", "crampwise.diaryseries")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):  # also imports inside functions (lazy imports)
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_analysis_imports_none_of_the_outer_layers() -> None:
    folder = Path(crampwise.analysis.__file__).parent
    files = sorted(folder.glob("*.py"))
    assert len(files) > 10
    for path in files:
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            assert name != "scipy" and not name.startswith("scipy."), f"{path.name}: {name}"


def test_every_entry_point_builds_the_series_outside() -> None:
    """Tracker.analyze and crampwise.analyze both go through crampwise.diaryseries."""
    import crampwise
    from crampwise import diaryseries, tracker

    assert crampwise.analyze is diaryseries.analyze
    source = Path(tracker.__file__).read_text(encoding="utf-8")
    body = source.split("def analyze(self", 1)[1].split("\n    def ", 1)[0]
    assert "build_series(snapshot or self.snapshot(sections=SECTIONS))" in body
